package dev.reconnect.ops;

import static dev.reconnect.ops.Deployment.MODULE_OF_SERVICE;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Project.DOCKERFILE;
import static dev.reconnect.ops.Values.child;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.text;

import dev.reconnect.ops.Check.Mistake;
import dev.reconnect.ops.Dockerfile.From;
import dev.reconnect.ops.Dockerfile.ImageBuild;
import dev.reconnect.ops.Dockerfile.Instruction;
import dev.reconnect.ops.Dockerfile.Resolved;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * The images: every runnable module's image is built from the one Dockerfile at the repository root, with build
 * arguments (MODULE, PORT, ...) and a target stage per compose service. These checks therefore look at each
 * service's image as that service's build makes it: the target stage and the stages it needs, with the service's
 * build arguments substituted where the builder substitutes them ({@link Resolved}). Every image, built or pulled,
 * is pinned to an exact version, and .dockerignore keeps build output out of the context.
 */
class DockerfileTest extends ProjectCheckTest {

    /**
     * The Dockerfile's first line: the BuildKit Dockerfile frontend, latest 1.x, whatever frontend the local
     * builder bundles (RUN --mount needs it). A parser directive counts only before any comment or instruction.
     */
    static final Pattern SYNTAX_DIRECTIVE = Pattern.compile("# syntax=docker/dockerfile:1(\\.\\d+)*");

    /** Maven's repository in the maven image (root's ~/.m2): what the build's cache mount must cover. */
    static final Set<String> MAVEN_REPOSITORY_MOUNTS = Set.of("/root/.m2", "/root/.m2/repository");

    /** Spring Boot's layers, in the order the Dockerfile must copy them (least to most often changed). */
    static final List<String> BOOT_LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies",
            "application");

    static final Pattern EXACT_VERSION = Pattern.compile("\\d+\\.\\d+\\.\\d+");

    @Override
    List<Mistake> mistakes() {
        return List.of(
                BUILD_ARGS.mistake("build arg misspelt", p -> {
                    p.buildArgs("api-service").remove("MODULE");
                    p.buildArgs("api-service").put("MODUL", "api-service");
                }),
                BUILD_ARGS.mistake("client given a PORT, which only the service stage declares",
                        p -> p.buildArgs("client").put("PORT", "8080")),
                BUILD_ARGS.mistake("required build arg missing", p -> p.buildArgs("ws-service").remove("PORT")),
                BUILD_ARGS.mistake("required build arg empty", p -> p.buildArgs("gateway").put("MODULE", "")),
                BUILD_ARGS.mistake("build arg the Dockerfile no longer declares",
                        p -> p.editDockerfile(t -> t.replace("ARG DATA_DIR=\"\"\n", ""))),
                IMAGE_PINS.mistake("consul image tag latest",
                        p -> p.service("consul").put("image", "hashicorp/consul:latest")),
                IMAGE_PINS.mistake("consul image without tag", p -> p.service("consul").put("image", "hashicorp/consul")),
                IMAGE_PINS.mistake("consul image with a floating minor tag",
                        p -> p.service("consul").put("image", "hashicorp/consul:1.20")),
                IMAGE_PINS.mistake("runtime FROM with a floating tag",
                        p -> p.rebase("service", "eclipse-temurin:17-jre-noble")),
                IMAGE_PINS.mistake("build FROM latest", p -> p.rebase("build", "maven:latest")),
                IMAGE_PINS.mistake("build FROM a floating Maven minor",
                        p -> p.rebase("build", "maven:3.9-eclipse-temurin-17")),
                IMAGE_PINS.mistake("base image from a build arg", p -> p.rebase("build", "maven:${MAVEN_TAG}")),
                IMAGE_PINS.mistake("client and services on different JREs",
                        p -> p.rebase("client", "eclipse-temurin:17.0.13_11-jre")),
                IMAGE_PINS.mistake("prometheus image latest",
                        p -> p.service("prometheus").put("image", "prom/prometheus:latest")),
                IMAGE_PINS.mistake("grafana image with a floating major tag",
                        p -> p.service("grafana").put("image", "grafana/grafana:13")),
                DOCKERFILE_BUILDS.mistake("no syntax directive",
                        p -> p.editDockerfile(t -> t.replace("# syntax=docker/dockerfile:1\n", ""))),
                DOCKERFILE_BUILDS.mistake("syntax directive below a comment, where it is ignored",
                        p -> p.editDockerfile(t -> "# One Dockerfile\n" + t)),
                DOCKERFILE_BUILDS.mistake("no cache mount for Maven's repository",
                        p -> p.editDockerfile(t -> t.replace("--mount=type=cache,target=/root/.m2,sharing=locked ", ""))),
                DOCKERFILE_BUILDS.mistake("cache mount on a directory Maven does not use",
                        p -> p.editDockerfile(t -> t.replace("target=/root/.m2,", "target=/tmp/m2,"))),
                DOCKERFILE_BUILDS.mistake("a bind mount instead of a cache",
                        p -> p.editDockerfile(t -> t.replace("--mount=type=cache,", "--mount=type=bind,"))),
                DOCKERFILE_BUILDS.mistake("a second Maven run without the cache",
                        p -> p.editDockerfile(t -> t.replace("WORKDIR /workspace\n",
                                "WORKDIR /workspace\nRUN mvn -B -q help:evaluate -Dexpression=project.version\n"))),
                DOCKERFILE_BUILDS.mistake("Dockerfile runs as root",
                        p -> p.editDockerfile(t -> t.replace("USER 10001:10001", "USER root"))),
                DOCKERFILE_BUILDS.mistake("client stage without USER",
                        p -> p.editDockerfile(t -> t.replaceFirst("USER 10001:10001\n", ""))),
                DOCKERFILE_BUILDS.mistake("Dockerfile misses a needed module's sources",
                        p -> p.editDockerfile(t -> t.replace("COPY service-support/src service-support/src\n", ""))),
                DOCKERFILE_BUILDS.mistake("Dockerfile misses the gateway's test-scope module",
                        p -> p.editDockerfile(t -> t.replace("COPY consul-emulator/src consul-emulator/src\n", ""))),
                DOCKERFILE_BUILDS.mistake("Dockerfile copies a fixed module's sources",
                        p -> p.editDockerfile(t -> t.replace("COPY ${MODULE}/src ${MODULE}/src", "COPY gateway/src gateway/src"))),
                DOCKERFILE_BUILDS.mistake("Dockerfile misses a module pom",
                        p -> p.editDockerfile(t -> t.replace("COPY devkit/pom.xml devkit/\n", ""))),
                DOCKERFILE_BUILDS.mistake("Dockerfile builds a fixed module",
                        p -> p.editDockerfile(t -> t.replace("-pl \"$MODULE\" -am package", "-pl gateway -am package"))),
                DOCKERFILE_BUILDS.mistake("service built with another module's name",
                        p -> p.buildArgs("ws-service").put("MODULE", "api-service")),
                DOCKERFILE_BUILDS.mistake("Boot jar under another name",
                        p -> p.editDockerfile(t -> t.replace("\"$MODULE/target/$MODULE.jar\"", "\"$MODULE/target/app.jar\""))),
                DOCKERFILE_BUILDS.mistake("services run on the Maven build image", p -> p.rebase("service", "build")),
                DOCKERFILE_BUILDS.mistake("Boot service built as the client", p -> p.build("gateway").put("target", "client")),
                DOCKERFILE_BUILDS.mistake("client built as a service (no target: the last stage)",
                        p -> p.build("client").remove("target")),
                DOCKERFILE_BUILDS.mistake("client image with a HEALTHCHECK on a port it does not have",
                        p -> p.editDockerfile(t -> t.replace("ENTRYPOINT [\"java\", \"-jar\", \"/app/client-cli.jar\"]",
                                "HEALTHCHECK CMD curl -fsS http://localhost:8080/readyz\n"
                                        + "ENTRYPOINT [\"java\", \"-jar\", \"/app/client-cli.jar\"]"))),
                DOCKERFILE_BUILDS.mistake("Boot layers copied out of order",
                        p -> p.editDockerfile(t -> t
                                .replace("extracted/dependencies/ ./", "extracted/TMP/ ./")
                                .replace("extracted/application/ ./", "extracted/dependencies/ ./")
                                .replace("extracted/TMP/ ./", "extracted/application/ ./"))),
                DOCKERFILE_BUILDS.mistake("layers extracted with the launcher, whose nested jars no archive holds",
                        p -> p.editDockerfile(t -> t.replace("extract --layers --destination", "extract --layers --launcher --destination"))),
                DOCKERFILE_BUILDS.mistake("a class-data archive trained but never used",
                        p -> p.editDockerfile(t -> t.replace("\"-XX:SharedArchiveFile=application.jsa\", ", ""))),
                DOCKERFILE_BUILDS.mistake("no class-data training",
                        p -> p.editDockerfile(t -> t.replace("-XX:ArchiveClassesAtExit=application.jsa ", ""))),
                DOCKERFILE_BUILDS.mistake("the training start listens on the real ports",
                        p -> p.editDockerfile(t -> t.replace(" --server.port=0 --management.server.port=0", ""))),
                DOCKERFILE_BUILDS.mistake("the service starts another jar than the archive was trained on",
                        p -> p.editDockerfile(t -> t.replace("\"-jar\", \"application.jar\"]", "\"-jar\", \"app.jar\"]"))),
                DOCKERIGNORE.mistake(".dockerignore lets target/ in",
                        p -> p.dockerignore = p.dockerignore.replace("**/target", "")));
    }

    static final Check BUILD_ARGS = new Check("build args", DockerfileTest::checkBuildArgs);

    /**
     * The build args each service passes are ARGs of the stages its target builds, and every ARG those stages declare
     * without a default is given a value. An argument no stage declares is ignored with a mere warning (a misspelt
     * name builds an image without it); a required one left out builds with an empty value.
     */
    static List<String> checkBuildArgs(Project p) {
        List<String> problems = new ArrayList<>();
        for (String service : p.services().keySet()) {
            ImageBuild image = p.builtImage(service);
            if (image == null) {
                continue;
            }
            Set<String> declared = new TreeSet<>();
            Set<String> required = new TreeSet<>();
            for (Resolved stage : image.needed()) {
                declared.addAll(stage.declared());
                required.addAll(stage.required());
            }
            for (String arg : image.args().keySet()) {
                if (!declared.contains(arg)) {
                    problems.add("service " + service + " passes build arg " + arg + ", which no stage of target '"
                            + image.target() + "' declares (it declares " + declared + ")");
                }
            }
            for (String arg : required) {
                if (image.args().getOrDefault(arg, "").isBlank()) {
                    problems.add("service " + service + " must pass build arg " + arg + " (an ARG without a default in"
                            + " the stages target '" + image.target() + "' builds)");
                }
            }
        }
        return problems;
    }

    static final Check IMAGE_PINS = new Check("image pins (compose image: and Dockerfile FROM)",
            DockerfileTest::checkImagePins);

    static List<String> checkImagePins(Project p) {
        List<String> problems = new ArrayList<>();
        p.services().forEach((name, service) -> {
            Object image = service.get("image");
            if (image != null) {
                String why = unpinned(str(image));
                if (why != null) {
                    problems.add("service " + name + ": image '" + image + "' " + why);
                }
            }
        });
        if (p.dockerfile != null) {
            Set<String> stages = new LinkedHashSet<>();
            for (List<Instruction> stage : Dockerfile.stages(p.dockerfile)) {
                From from = From.parse(stage.get(0).args());
                if (!stages.contains(from.image())) {
                    String why = unpinned(from.image());
                    if (why != null) {
                        problems.add(DOCKERFILE + ": FROM " + from.image() + " " + why);
                    }
                }
                if (from.alias() != null) {
                    stages.add(from.alias());
                }
            }
        }
        // One JRE for every image: a bump of the runtime image then reaches the client and the services together.
        Map<String, String> runtimes = new LinkedHashMap<>();
        for (String module : RUNNABLE_MODULES) {
            if (p.imageBuild(module) != null) {
                runtimes.put(module, p.runtimeImage(module));
            }
        }
        if (new LinkedHashSet<>(runtimes.values()).size() > 1) {
            problems.add(DOCKERFILE + ": the run stages must share one runtime image, are " + runtimes);
        }
        return problems;
    }

    /** Why an image reference is not pinned to an exact version, or null when it is. */
    static String unpinned(String image) {
        if (image.contains("$")) {
            return "is built from a variable; pin it literally";
        }
        if (image.contains("@sha256:")) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.indexOf(':', slash + 1);
        if (colon < 0) {
            return "has no tag (that means latest)";
        }
        String tag = image.substring(colon + 1);
        if (tag.equalsIgnoreCase("latest") || tag.contains("latest")) {
            return "uses a latest tag";
        }
        if (!EXACT_VERSION.matcher(tag).find()) {
            return "has tag '" + tag + "', which floats; use an exact major.minor.patch tag";
        }
        return null;
    }

    static final Check DOCKERFILE_BUILDS = new Check("Dockerfile", DockerfileTest::checkDockerfile);

    /**
     * The one Dockerfile, as each runnable module's service builds it (its target and build args): BuildKit syntax;
     * every pom and the sources 'mvn -pl MODULE -am' needs; that build with Maven's repository on a cache mount; a
     * non-root user; a Boot service as its layers, started from a class-data archive; the client as its shaded jar, with no port
     * and so no EXPOSE or HEALTHCHECK.
     */
    static List<String> checkDockerfile(Project p) {
        List<String> problems = new ArrayList<>();
        if (p.dockerfile == null) {
            return List.of(DOCKERFILE + " is missing at the repository root");
        }
        String firstLine = p.dockerfile.lines().findFirst().orElse("").trim();
        if (!SYNTAX_DIRECTIVE.matcher(firstLine).matches()) {
            problems.add(DOCKERFILE + ": the first line must be '# syntax=docker/dockerfile:1' (the BuildKit frontend"
                    + " for RUN --mount; below a comment or an instruction it is an ordinary comment), is '" + firstLine
                    + "'");
        }
        for (String service : RUNNABLE_MODULES) {
            ImageBuild build = p.builtImage(service);
            if (build == null) {
                continue; // checkRunnableModules reports it
            }
            String module = MODULE_OF_SERVICE.getOrDefault(service, service);
            if (!module.equals(build.args().get("MODULE"))) {
                problems.add(service + "'s image must be built from module " + module + " (build arg MODULE), is "
                        + build.args().get("MODULE"));
                continue;
            }
            String where = service + "'s image (" + DOCKERFILE + ", target " + build.target() + ", args " + build.args()
                    + "): ";
            problems.addAll(checkImage(p, module, build).stream().map(problem -> where + problem).toList());
        }
        return problems;
    }

    /** One module's image as its service builds it: the problems, each to be prefixed with where they are. */
    private static List<String> checkImage(Project p, String module, ImageBuild build) {
        List<String> problems = new ArrayList<>();
        Resolved image = build.image();
        List<Resolved> needed = build.needed();
        if (Dockerfile.lineage(build.stages(), build.target()).stream().anyMatch(s -> s.instructions().stream()
                .anyMatch(i -> i.keyword().equals("RUN") && i.args().matches(".*\\bmvn\\b.*")))) {
            problems.add("the run stage must not be based on the Maven build stage (a JRE only)");
        }
        Set<String> copied = new LinkedHashSet<>();
        // A set: the stages a target needs share ancestors (layers is FROM build), each resolved with its lineage.
        Set<String> mavenRuns = new LinkedHashSet<>();
        for (Resolved stage : needed) {
            for (Instruction i : stage.instructions()) {
                if (i.keyword().equals("COPY") && Dockerfile.copyFrom(i.args()) == null) {
                    List<String> args = Dockerfile.args(i.args());
                    args.subList(0, args.size() - 1).stream().filter(a -> !a.startsWith("--"))
                            .map(a -> a.replaceAll("/$", "")).forEach(copied::add);
                }
                if (i.keyword().equals("RUN") && i.args().matches(".*\\bmvn\\b.*")) {
                    mavenRuns.add(i.args());
                }
            }
        }
        for (String source : copied) {
            if (!Files.exists(p.root().resolve(source))) {
                problems.add("COPY " + source + " does not exist in the build context");
            }
        }
        for (String m : p.modules) {
            if (!copied.contains(m + "/pom.xml")) {
                problems.add("must COPY " + m + "/pom.xml (the root pom lists every module)");
            }
        }
        if (!copied.contains("pom.xml")) {
            problems.add("must COPY the root pom.xml");
        }
        Set<String> sources = new LinkedHashSet<>(p.alsoMake(module));
        sources.add(module);
        for (String needs : sources) {
            if (!copied.contains(needs + "/src")) {
                problems.add("must COPY " + needs + "/src (mvn -pl " + module + " -am builds " + needs + ")");
            }
        }
        boolean packages = mavenRuns.stream().anyMatch(run -> run.contains(" package")
                && run.matches(".*-pl\\s+\"?" + Pattern.quote(module) + "\"?\\s.*") && run.contains("-am"));
        if (!packages) {
            problems.add("must build with 'mvn … -pl " + module + " -am package', runs " + mavenRuns);
        }
        // Every Maven run: one without the cache would download the whole repository into a layer of its own.
        for (String run : mavenRuns) {
            boolean cached = Dockerfile.mounts(run).stream().anyMatch(m -> "cache".equals(m.get("type"))
                    && MAVEN_REPOSITORY_MOUNTS.contains(m.getOrDefault("target",
                    m.getOrDefault("dst", m.get("destination")))));
            if (!cached) {
                problems.add("RUN " + run + " must have Maven's repository on a BuildKit cache mount"
                        + " (--mount=type=cache,target=/root/.m2), so that the images share one download");
            }
        }
        String user = image.last("USER");
        if (user == null || user.split(":")[0].equals("root") || user.split(":")[0].equals("0")) {
            problems.add("must run as a non-root USER, has " + user);
        }
        String entrypoint = image.last("ENTRYPOINT");
        entrypoint = entrypoint == null ? "" : entrypoint;
        if (p.isBootModule(module)) {
            String jar = module + "/target/" + finalName(p, module) + ".jar";
            boolean extracts = needed.stream().flatMap(r -> r.all("RUN").stream()).anyMatch(run ->
                    run.contains("-Djarmode=tools") && run.contains(" extract") && run.contains("--layers")
                            && !run.contains("--launcher") && Dockerfile.args(run).contains(jar));
            if (!extracts) {
                problems.add("must extract the layers of " + jar + " without the launcher: java -Djarmode=tools -jar "
                        + jar + " extract --layers --destination … (no class behind the launcher's nested jars can be"
                        + " archived for class data sharing)");
            }
            List<String> layers = new ArrayList<>();
            for (Instruction i : image.instructions()) {
                Matcher m = Pattern.compile("extracted/([a-z-]+)/?\\s").matcher(i.args() + " ");
                if (i.keyword().equals("COPY") && m.find()) {
                    layers.add(m.group(1));
                }
            }
            if (!layers.equals(BOOT_LAYERS)) {
                problems.add("must copy the layers in the order " + BOOT_LAYERS + ", copies " + layers);
            }
            problems.addAll(checkClassDataSharing(image, entrypoint));
        } else {
            boolean copiesJar = image.all("COPY").stream().anyMatch(c -> c.contains(module + "/target/" + module
                    + ".jar"));
            if (!copiesJar || !entrypoint.contains(module + ".jar")) {
                problems.add("must copy and run " + module + "/target/" + module + ".jar (its shaded jar)");
            }
            // The CLI listens on no port: an EXPOSE would be false, a HEALTHCHECK would find nothing to probe and
            // mark a working client unhealthy.
            if (!image.exposed().isEmpty() || image.healthcheck() != null) {
                problems.add("has no port: must EXPOSE nothing and have no HEALTHCHECK, has EXPOSE "
                        + image.exposed() + ", HEALTHCHECK " + image.last("HEALTHCHECK"));
            }
        }
        return problems;
    }

    static final Pattern TRAINS_ARCHIVE = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+)");
    static final Pattern USES_ARCHIVE = Pattern.compile("-XX:SharedArchiveFile=([^\"\\s,]+)");
    static final Pattern RUNS_JAR = Pattern.compile("-jar\"?,?\\s+\"?([^\"\\s,]+\\.jar)");

    /**
     * A Boot service's start from a class-data archive (Spring Boot's CDS recipe): in the run stage, after every layer
     * is copied, one training start that writes the archive and stops after the context refresh, with every port 0
     * (no listening, no registering); the ENTRYPOINT starts the same jar from the same archive.
     */
    static List<String> checkClassDataSharing(Resolved image, String entrypoint) {
        List<String> problems = new ArrayList<>();
        List<Instruction> steps = image.instructions();
        int lastLayer = -1;
        int training = -1;
        for (int i = 0; i < steps.size(); i++) {
            Instruction step = steps.get(i);
            if (step.keyword().equals("COPY") && step.args().contains("extracted/")) {
                lastLayer = i;
            }
            if (step.keyword().equals("RUN") && TRAINS_ARCHIVE.matcher(step.args()).find()) {
                training = i;
            }
        }
        if (training < 0) {
            problems.add("must train a class-data archive in the run stage: RUN java -XX:ArchiveClassesAtExit=…"
                    + " -Dspring.context.exit=onRefresh -jar … (about 2 s less per start on a 2-core machine)");
            return problems;
        }
        String run = steps.get(training).args();
        if (training < lastLayer) {
            problems.add("trains its class-data archive before every layer is copied: the archive would not match"
                    + " the class path the image starts with");
        }
        for (String needed : List.of("-Dspring.context.exit=onRefresh", "--server.port=0", "--management.server.port=0")) {
            if (!run.contains(needed)) {
                problems.add("the training start must run with " + needed + " (stop after the refresh, never listen"
                        + " on or register a real port), runs: " + run);
            }
        }
        String archive = firstGroup(TRAINS_ARCHIVE, run);
        if (!archive.equals(firstGroup(USES_ARCHIVE, entrypoint))) {
            problems.add("ENTRYPOINT must start from the archive the training wrote (-XX:SharedArchiveFile=" + archive
                    + "), is " + entrypoint);
        }
        String jar = firstGroup(RUNS_JAR, run);
        if (jar.isEmpty() || !jar.equals(firstGroup(RUNS_JAR, entrypoint))) {
            problems.add("ENTRYPOINT must start with -jar the jar the archive was trained on (" + jar + "), is "
                    + entrypoint);
        }
        return problems;
    }

    static String firstGroup(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    /** A module's jar name without .jar: its pom's build/finalName, else artifactId-version as Maven names it. */
    static String finalName(Project p, String module) {
        Element pom = p.poms.get(module).getDocumentElement();
        String name = text(child(pom, "build"), "finalName");
        return name != null ? name : text(pom, "artifactId") + "-" + text(pom, "version");
    }

    static final Check DOCKERIGNORE = new Check(".dockerignore", DockerfileTest::checkDockerignore);

    static List<String> checkDockerignore(Project p) {
        List<String> problems = new ArrayList<>();
        if (p.dockerignore == null) {
            return List.of(".dockerignore is missing at the repository root");
        }
        Set<String> lines = new LinkedHashSet<>(Arrays.asList(p.dockerignore.split("\\R")));
        for (String required : List.of("**/target", ".git", ".demo", "data")) {
            if (!lines.contains(required)) {
                problems.add(".dockerignore must contain the line " + required);
            }
        }
        return problems;
    }
}
