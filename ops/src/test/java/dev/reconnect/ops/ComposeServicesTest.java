package dev.reconnect.ops;

import static dev.reconnect.ops.Compose.dependsOn;
import static dev.reconnect.ops.Compose.duration;
import static dev.reconnect.ops.Compose.environment;
import static dev.reconnect.ops.Deployment.ACL_JOB;
import static dev.reconnect.ops.Deployment.RUNNABLE_MODULES;
import static dev.reconnect.ops.Project.DOCKERFILE;
import static dev.reconnect.ops.Values.list;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.str;

import dev.reconnect.ops.Check.Mistake;
import dev.reconnect.ops.Dockerfile.ImageBuild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * docker-compose.yml's services: the required ones exist, every runnable module is built from the one Dockerfile at
 * the repository root, they start in a staggered order (ws-service last, after a warm-up; every Consul client after
 * the ACL job), api-service keeps its data on a named volume, and each service has the restart policy it needs.
 */
class ComposeServicesTest extends ProjectCheckTest {

    /** Services that must exist in docker-compose.yml. */
    static final List<String> REQUIRED_SERVICES = List.of("consul", "consul-acl", "gateway", "ws-service", "api-service",
            "client", "prometheus", "grafana");

    @Override
    List<Mistake> mistakes() {
        return List.of(
                SERVICES_EXIST.mistake("consul service removed", p -> p.services().remove("consul")),
                RUNNABLE_MODULES_BUILT.mistake("client service removed", p -> p.services().remove("client")),
                RUNNABLE_MODULES_BUILT.mistake("gateway built from a Dockerfile of its own",
                        p -> p.build("gateway").put("dockerfile", "gateway/Dockerfile")),
                RUNNABLE_MODULES_BUILT.mistake("client built from its module directory",
                        p -> p.build("client").put("context", "./client")),
                RUNNABLE_MODULES_BUILT.mistake("target that is no stage of the Dockerfile",
                        p -> p.build("ws-service").put("target", "runtime")),
                BUILD_PATHS.mistake("Dockerfile path that does not exist",
                        p -> p.build("api-service").put("dockerfile", "api-service/Dockerfile.missing")),
                BUILD_PATHS.mistake("build context that does not exist",
                        p -> p.build("api-service").put("context", "./nowhere")),
                STARTUP_ORDER.mistake("client waits for ws-service",
                        p -> p.dependsOn("client").put("ws-service", Map.of("condition", "service_started"))),
                STARTUP_ORDER.mistake("gateway waits for ws-service",
                        p -> p.dependsOn("gateway").put("ws-service", Map.of("condition", "service_healthy"))),
                STARTUP_ORDER.mistake("client waits for a healthy gateway",
                        p -> p.dependsOn("client").put("gateway", Map.of("condition", "service_healthy"))),
                STARTUP_ORDER.mistake("api-service does not wait for consul to be healthy",
                        p -> p.dependsOn("api-service").put("consul", Map.of("condition", "service_started"))),
                STARTUP_ORDER.mistake("ws-service does not wait for api-service",
                        p -> p.dependsOn("ws-service").remove("api-service")),
                STARTUP_ORDER.mistake("ws-service without warm-up", p -> p.env("ws-service").remove("WS_STARTUP_DELAY")),
                STARTUP_ORDER.mistake("gateway does not wait for the ACL job", p -> p.dependsOn("gateway").remove(ACL_JOB)),
                STARTUP_ORDER.mistake("ws-service waits only for the ACL job to start",
                        p -> p.dependsOn("ws-service").put(ACL_JOB, Map.of("condition", "service_started"))),
                STARTUP_ORDER.mistake("ACL job does not wait for a healthy consul",
                        p -> p.dependsOn(ACL_JOB).put("consul", Map.of("condition", "service_started"))),
                DATA_VOLUME.mistake("api-service data on a bind mount",
                        p -> p.service("api-service").put("volumes", List.of("./data:/data"))),
                DATA_VOLUME.mistake("api-service data directory outside the volume",
                        p -> p.env("api-service").put("API_DATA_DIR", "/tmp/api")),
                DATA_VOLUME.mistake("api-service's image does not create its data directory",
                        p -> p.buildArgs("api-service").remove("DATA_DIR")),
                DATA_VOLUME.mistake("api-service's image creates another data directory",
                        p -> p.buildArgs("api-service").put("DATA_DIR", "/var/lib/api")),
                RESTART_POLICIES.mistake("restart policy removed", p -> p.service("gateway").remove("restart")),
                RESTART_POLICIES.mistake("ACL job restarted after it succeeded",
                        p -> p.service(ACL_JOB).put("restart", "unless-stopped")));
    }

    static final Check SERVICES_EXIST = new Check("docker-compose.yml services", ComposeServicesTest::checkServicesExist);

    static List<String> checkServicesExist(Project p) {
        List<String> problems = new ArrayList<>();
        for (String name : REQUIRED_SERVICES) {
            if (!p.services().containsKey(name)) {
                problems.add("service '" + name + "' is missing");
            }
        }
        return problems;
    }

    static final Check RUNNABLE_MODULES_BUILT = new Check("runnable modules in docker-compose.yml",
            ComposeServicesTest::checkRunnableModules);

    static List<String> checkRunnableModules(Project p) {
        List<String> problems = new ArrayList<>();
        for (String module : p.modules) {
            if (p.isBootModule(module) && !RUNNABLE_MODULES.contains(module)) {
                problems.add("module " + module + " is a Spring Boot application but not in RUNNABLE_MODULES: "
                        + "give it a service built from the Dockerfile");
            }
        }
        for (String module : RUNNABLE_MODULES) {
            Map<String, Object> service = p.services().get(module);
            if (service == null) {
                problems.add("module " + module + " has no service '" + module + "'");
                continue;
            }
            Map<String, Object> build = map(service.get("build"));
            if (build.isEmpty()) {
                problems.add("service " + module + " has no build section (it must be built from the sources)");
                continue;
            }
            Path dockerfile = p.dockerfilePath(build);
            Path expected = p.root().resolve(DOCKERFILE).normalize();
            if (!expected.equals(dockerfile)) {
                problems.add("service " + module + " builds from " + p.root().relativize(dockerfile) + ", expected the"
                        + " one " + DOCKERFILE + " at the repository root (with build args saying which module)");
            }
            if (!p.root().equals(p.contextPath(build))) {
                problems.add("service " + module + ": build context must be the repository root '.' (the Dockerfile"
                        + " needs the parent pom and the shared modules)");
            }
            ImageBuild image = p.imageBuild(module);
            if (image != null && !image.hasTarget()) {
                problems.add("service " + module + ": build target '" + image.target() + "' is no stage of the"
                        + " Dockerfile (stages: " + image.stages().keySet() + ")");
            }
        }
        return problems;
    }

    static final Check BUILD_PATHS = new Check("build contexts and Dockerfiles", ComposeServicesTest::checkBuildPaths);

    static List<String> checkBuildPaths(Project p) {
        List<String> problems = new ArrayList<>();
        p.services().forEach((name, service) -> {
            Object raw = service.get("build");
            if (raw == null) {
                return;
            }
            Map<String, Object> build = map(raw);
            Path context = p.contextPath(build);
            if (!Files.isDirectory(context)) {
                problems.add("service " + name + ": build context " + context + " does not exist");
                return;
            }
            Path dockerfile = p.dockerfilePath(build);
            if (!Files.isRegularFile(dockerfile)) {
                problems.add("service " + name + ": Dockerfile " + dockerfile + " does not exist");
            }
        });
        return problems;
    }

    static final Check STARTUP_ORDER = new Check("depends_on order", ComposeServicesTest::checkStartupOrder);

    static List<String> checkStartupOrder(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> deps = new LinkedHashMap<>();
        p.services().forEach((name, service) -> deps.put(name, dependsOn(service)));
        deps.forEach((name, targets) -> targets.keySet().forEach(target -> {
            if (!deps.containsKey(target)) {
                problems.add("service " + name + " depends on unknown service " + target);
            }
        }));
        if (!deps.getOrDefault("consul", Map.of()).isEmpty()) {
            problems.add("consul must start first (no depends_on), has " + deps.get("consul"));
        }
        expectDependency(deps, "api-service", "consul", "service_healthy", problems);
        expectDependency(deps, "gateway", "consul", "service_healthy", problems);
        expectDependency(deps, "client", "gateway", "service_started", problems);
        expectDependency(deps, "ws-service", "api-service", "service_healthy", problems);
        // Every service with a Consul token waits until the job has created it: with default deny, a service that
        // registers before its token exists is refused, and Spring Cloud Consul swallows the 403.
        expectDependency(deps, ACL_JOB, "consul", "service_healthy", problems);
        for (String service : p.consulClients()) {
            expectDependency(deps, service, ACL_JOB, "service_completed_successfully", problems);
        }
        for (String waiter : List.of("gateway", "client")) {
            if (closure(deps, waiter).contains("ws-service")) {
                problems.add(waiter + " must not wait for ws-service (directly or through another service): the client"
                        + " is meant to be seen waiting on readiness while ws-service starts");
            }
        }
        Set<String> wsClosure = closure(deps, "ws-service");
        for (String earlier : List.of("consul", "api-service", "gateway")) {
            if (!wsClosure.contains(earlier)) {
                problems.add("ws-service must start last: it does not wait for " + earlier);
            }
        }
        Map<String, Object> ws = p.services().get("ws-service");
        String warmUp = ws == null ? null : environment(ws).get("WS_STARTUP_DELAY");
        Duration delay = duration(warmUp);
        if (delay == null || delay.isZero()) {
            problems.add("ws-service must have a WS_STARTUP_DELAY warm-up (registered but not yet ready), has " + warmUp);
        }
        return problems;
    }

    static void expectDependency(Map<String, Map<String, String>> deps, String service, String target,
                                 String condition, List<String> problems) {
        String actual = deps.getOrDefault(service, Map.of()).get(target);
        if (!condition.equals(actual)) {
            problems.add(service + " must depend on " + target + " with condition " + condition + ", has "
                    + (actual == null ? "no dependency" : actual));
        }
    }

    /** Every service the start one waits for, directly or through others. */
    static Set<String> closure(Map<String, Map<String, String>> deps, String start) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(deps.getOrDefault(start, Map.of()).keySet());
        while (!todo.isEmpty()) {
            String next = todo.remove(0);
            if (seen.add(next)) {
                todo.addAll(deps.getOrDefault(next, Map.of()).keySet());
            }
        }
        return seen;
    }

    static final Check DATA_VOLUME = new Check("api-service data volume", ComposeServicesTest::checkDataVolume);

    static List<String> checkDataVolume(Project p) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> api = p.services().get("api-service");
        if (api == null) {
            return List.of("service api-service is missing");
        }
        String dataDir = environment(api).get("API_DATA_DIR");
        if (dataDir == null) {
            return List.of("api-service must set API_DATA_DIR (its H2 files) to a directory on a named volume");
        }
        Set<String> named = map(p.compose.get("volumes")).keySet();
        boolean onNamedVolume = false;
        for (Object entry : list(api.get("volumes"))) {
            String source;
            String target;
            if (entry instanceof Map<?, ?> m) {
                source = str(m.get("source"));
                target = str(m.get("target"));
                if (!"volume".equals(str(m.get("type")))) {
                    continue;
                }
            } else {
                String[] parts = str(entry).split(":");
                if (parts.length < 2) {
                    continue;
                }
                source = parts[0];
                target = parts[1];
            }
            if (named.contains(source) && (dataDir.equals(target) || dataDir.startsWith(target + "/"))) {
                onNamedVolume = true;
            }
        }
        if (!onNamedVolume) {
            problems.add("API_DATA_DIR=" + dataDir + " is not on a named volume (declared under top-level volumes:"
                    + " " + named + "), api-service mounts " + api.get("volumes"));
        }
        // A fresh named volume takes the owner of the image's directory it is mounted on; without that directory
        // (owned by the user the image runs as) the volume is root's and the non-root service cannot write its log.
        ImageBuild build = p.builtImage("api-service");
        if (build != null) {
            Pattern chown = Pattern.compile("\\bchown\\s+\\S+\\s+\"?" + Pattern.quote(dataDir) + "\"?(\\s|;|$)");
            if (build.image().all("RUN").stream().noneMatch(run -> chown.matcher(run).find())) {
                problems.add("api-service's image must create API_DATA_DIR " + dataDir + " owned by the app user (build"
                        + " arg DATA_DIR: " + build.args().get("DATA_DIR") + ")");
            }
        }
        return problems;
    }

    static final Check RESTART_POLICIES = new Check("restart policies", ComposeServicesTest::checkRestartPolicies);

    static List<String> checkRestartPolicies(Project p) {
        List<String> problems = new ArrayList<>();
        Set<String> allowed = Set.of("always", "unless-stopped", "on-failure");
        Set<String> jobs = p.oneShotJobs();
        p.services().forEach((name, service) -> {
            String restart = str(service.get("restart"));
            if (jobs.contains(name)) {
                // "always" or "unless-stopped" would start the job again each time it exits 0, forever.
                if (!restart.isEmpty() && !restart.equals("no")) {
                    problems.add("service " + name + " is a one-shot job (others wait for it to complete): restart"
                            + " must be \"no\", is '" + restart + "'");
                }
                return;
            }
            if (!allowed.contains(restart.replaceAll(":\\d+$", ""))) {
                problems.add("service " + name + " needs a restart policy (" + allowed + "), has '" + restart + "'");
            }
        });
        return problems;
    }
}
