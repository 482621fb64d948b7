package dev.reconnect.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.ops.Dockerfile.ImageBuild;
import dev.reconnect.ops.Dockerfile.Instruction;
import dev.reconnect.ops.Dockerfile.Resolved;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What no Docker engine here can show, rehearsed on this machine's JDK: a Spring Boot service's image, made by the
 * Dockerfile's own commands (as that service's compose build resolves them) from the service's packaged jar. The
 * layers stage's extraction, the run stage's copies of the layers and its class-data training run as written; then
 * the ENTRYPOINT starts the service with {@code -Xshare:on} (a JVM that cannot map the archive exits with an error)
 * and stops it after the context refresh. The service's own main class must come from the archive the training
 * wrote: a class path that differs between training and start, or an archive of nothing, fails here.
 */
class ServiceImageRehearsalIT {
    private static final long TIMEOUT_SECONDS = 180;
    private static final String FROM_ARCHIVE = " source: shared objects file (top)";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"api-service", "ws-service", "gateway"})
    void theImageStartsTheServiceFromTheClassDataArchiveItTrained(String service, @TempDir Path dir) throws Exception {
        Project p = Project.load(Project.findRoot());
        ImageBuild build = p.builtImage(service);
        assertThat(build).as(service + "'s image build in docker-compose.yml").isNotNull();
        String module = build.args().get("MODULE");
        Path jar = p.root().resolve(module).resolve("target").resolve(module + ".jar");
        assertThat(jar).as("the packaged jar (mvn -B package -DskipTests -pl " + module + " -am)").isRegularFile();

        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Files.createDirectories(workspace.resolve(module).resolve("target"));
        Files.copy(jar, workspace.resolve(module).resolve("target").resolve(module + ".jar"));
        shell(the(build.needed(), "RUN", "-Djarmode=tools"), workspace, Map.of(), dir.resolve("extract.log"));

        Resolved image = build.image();
        Path app = Files.createDirectories(dir.resolve("app"));
        for (String copy : image.all("COPY")) {
            List<String> args = Dockerfile.args(copy);
            if ("layers".equals(Dockerfile.copyFrom(copy))) {
                String source = args.get(args.size() - 2).replaceFirst("^/workspace/", "");
                copyTree(workspace.resolve(source), app.resolve(args.get(args.size() - 1)).normalize());
            }
        }
        Set<String> copied = namesIn(app);
        shell(the(List.of(image), "RUN", "-XX:ArchiveClassesAtExit="), app, Map.of(), dir.resolve("training.log"));
        Set<String> added = new TreeSet<>(namesIn(app));
        added.removeAll(copied);
        assertThat(added).as("what the training leaves in the image besides the layers (its database removed)")
                .containsExactly(DockerfileTest.firstGroup(DockerfileTest.USES_ARCHIVE, image.last("ENTRYPOINT")));

        List<String> entrypoint = Dockerfile.args(image.last("ENTRYPOINT"));
        assertThat(entrypoint.get(0)).isEqualTo("java");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xshare:on", "-Xlog:class+load=info",
                "-Dspring.context.exit=onRefresh"));
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        command.addAll(List.of("--server.port=0", "--management.server.port=0"));
        Path startLog = dir.resolve("start.log");
        int exit = run(new ProcessBuilder(command).directory(app.toFile()),
                Map.of("API_DATA_DIR", dir.resolve("data").toString()), startLog);
        assertThat(exit).as("the image's start (%s), stopped after the refresh; output in %s", command, startLog)
                .isZero();

        String mainClass = mainClassOf(app.resolve(entrypoint.get(entrypoint.indexOf("-jar") + 1)));
        try (Stream<String> lines = Files.lines(startLog)) {
            assertThat(lines.filter(line -> line.contains("[class,load] " + mainClass + " ")))
                    .as("how %s was loaded at the start (from the archive the training wrote)", mainClass)
                    .singleElement().asString().endsWith(FROM_ARCHIVE);
        }
    }

    /** The one instruction of {@code keyword} in {@code stages} whose arguments contain {@code marker}. */
    private static String the(List<Resolved> stages, String keyword, String marker) {
        List<String> found = stages.stream().flatMap(stage -> stage.instructions().stream())
                .filter(i -> i.keyword().equals(keyword) && i.args().contains(marker)).map(Instruction::args)
                .distinct().toList();
        assertThat(found).as("the Dockerfile's %s with %s", keyword, marker).hasSize(1);
        return found.get(0);
    }

    /** A RUN's command as the image build runs it: a shell, with this JDK's java first on the path. */
    private static void shell(String command, Path dir, Map<String, String> env, Path log) throws Exception {
        ProcessBuilder process = new ProcessBuilder("sh", "-c", command).directory(dir.toFile());
        process.environment().put("PATH", Path.of(javaBinary()).getParent() + ":" + System.getenv("PATH"));
        int exit = run(process, env, log);
        assertThat(exit).as("RUN %s (output in %s)", command, log).isZero();
    }

    /** Runs to the end or kills it after the timeout (never left running, also when the test fails). */
    private static int run(ProcessBuilder builder, Map<String, String> env, Path log) throws Exception {
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(builder.command() + " still running after " + TIMEOUT_SECONDS + " s; output in "
                        + log);
            }
            return process.exitValue();
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Set<String> namesIn(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(entry -> entry.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static String mainClassOf(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            String start = file.getManifest().getMainAttributes().getValue("Start-Class");
            return start != null ? start : file.getManifest().getMainAttributes().getValue("Main-Class");
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
