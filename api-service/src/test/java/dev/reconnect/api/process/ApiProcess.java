package dev.reconnect.api.process;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * api-service as a real process: {@code java -jar target/api-service.jar} on a data folder, free
 * loopback ports and no registry. Started again on the same folder and ports after a kill.
 */
public final class ApiProcess implements AutoCloseable {
    private static final List<String> JVM_FLAGS = List.of(
            // Quicker start-up on a small machine, as devkit starts its processes.
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx384m");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path dataDir;
    private final Path logDir;
    private final List<String> settings;
    private final int port = freePort();
    private final int managementPort = freePort();
    private Process process;
    private int starts;

    /** {@code settings}: extra Spring properties, e.g. {@code --log.durability=write}. */
    public ApiProcess(Path dataDir, Path logDir, List<String> settings) {
        this.dataDir = dataDir;
        this.logDir = logDir;
        this.settings = List.copyOf(settings);
    }

    /** The jar under test: {@code -Dapi.jar} (set by failsafe), else target/api-service.jar. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("api.jar", "target/api-service.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run mvn -pl api-service verify (after package)");
        }
        return jar;
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The actuator's port. */
    public URI management() {
        return URI.create("http://127.0.0.1:" + managementPort);
    }

    /** Starts the process and returns once {@code /readyz} answers 200; the time it took. */
    public Duration start() {
        return start(List.of());
    }

    /** As {@link #start()}, with {@code more} settings for this start only. */
    public Duration start(List<String> more) {
        long begin = System.nanoTime();
        starts++;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-jar", jar().toString(),
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
                "--spring.cloud.consul.enabled=false",
                "--spring.cloud.consul.discovery.enabled=false",
                "--spring.cloud.service-registry.auto-registration.enabled=false"));
        command.addAll(settings);
        command.addAll(more);
        String extra = System.getProperty("api.args", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        Path log = logDir.resolve("api-service-" + starts + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("API_DATA_DIR", dataDir.toString());
        try {
            Files.createDirectories(logDir);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        await("api-service ready at " + base() + "/readyz (log: " + log + ")")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .failFast("api-service exited; see " + log, () -> !started.isAlive())
                .until(this::ready);
        return Duration.ofNanos(System.nanoTime() - begin);
    }

    /** SIGKILL on Linux: no shutdown hook, no graceful close of the database. */
    public void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        kill();
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(base().resolve("/readyz")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
