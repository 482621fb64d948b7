package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Heap per idle session: {@link #SESSIONS} sockets through the gateway (each also a session on ws-service),
 * welcomed and then silent but for the server's pings. Before and after opening them, each process is made to
 * collect its garbage ({@code jcmd <pid> GC.run}, twice), then its heap in use is read from the management
 * port ({@code jvm.memory.used}, area heap); the growth divided by the sessions is the cost of one.
 */
final class HeapRun {
    static final int SESSIONS = 1_000;
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SESSIONS_TIMEOUT = Duration.ofSeconds(60);

    /** Heap in use in bytes, before and after the sessions opened. */
    record Result(int sessions, long gatewayBefore, long gatewayAfter, long wsBefore, long wsAfter) {
        double gatewayBytesPerSession() {
            return (double) (gatewayAfter - gatewayBefore) / sessions;
        }

        double wsBytesPerSession() {
            return (double) (wsAfter - wsBefore) / sessions;
        }
    }

    private final ServiceSet services;
    private final Consumer<String> narration;

    HeapRun(ServiceSet services, Consumer<String> narration) {
        this.services = services;
        this.narration = narration;
    }

    /** jcmd next to the java that runs the services; without it the heap cannot be measured after a collection. */
    static Path jcmd() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            throw new BenchException("the heap measurement needs jcmd, which is not at " + jcmd
                    + "; run the bench with a full JDK (not a JRE), or leave the phase out with --phases recovery,relay");
        }
        return jcmd;
    }

    Result run() {
        long gatewayBefore = collectedHeap(services.gatewayProcess(), services.gatewayManagement());
        long wsBefore = collectedHeap(services.wsProcess(), services.wsManagement());
        long head = new Publisher(services.api()).head();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        narration.accept("opening " + SESSIONS + " idle sessions through the gateway");
        try (Sockets sessions = Sockets.open("idle sessions", http, services.viaGateway(), SESSIONS, head,
                socket -> (message, at) -> { })) {
            Waits.until("ws-service to count " + SESSIONS + " sessions", SESSIONS_TIMEOUT,
                    () -> wsSessions() >= SESSIONS, () -> wsSessions() + " sessions");
            long gatewayAfter = collectedHeap(services.gatewayProcess(), services.gatewayManagement());
            long wsAfter = collectedHeap(services.wsProcess(), services.wsManagement());
            sessions.requireNoneEnded();
            return new Result(SESSIONS, gatewayBefore, gatewayAfter, wsBefore, wsAfter);
        }
    }

    private long wsSessions() {
        return (long) metric(services.wsManagement(), "ws.sessions", "");
    }

    private long collectedHeap(ManagedProcess process, URI management) {
        collectGarbage(process);
        collectGarbage(process);
        return (long) metric(management, "jvm.memory.used", "?tag=area:heap");
    }

    private static void collectGarbage(ManagedProcess process) {
        List<String> command = List.of(jcmd().toString(), Long.toString(process.pid()), "GC.run");
        try {
            Process jcmd = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(JCMD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                jcmd.destroyForcibly();
                throw new BenchException(String.join(" ", command) + " did not finish within " + JCMD_TIMEOUT.toSeconds() + " s");
            }
            if (jcmd.exitValue() != 0) {
                throw new BenchException(String.join(" ", command) + " failed with exit code " + jcmd.exitValue());
            }
        } catch (IOException e) {
            throw new BenchException("cannot run " + String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + String.join(" ", command));
        }
    }

    /** The first measurement of an actuator metric. */
    private static double metric(URI management, String name, String query) {
        URI uri = management.resolve("/actuator/metrics/" + name + query);
        return Http.get(uri, Duration.ofSeconds(5)).filter(a -> a.status() == 200)
                .map(a -> Json.MAPPER.readTree(a.body()).path("measurements").path(0).path("value").asDouble(Double.NaN))
                .filter(value -> !value.isNaN())
                .orElseThrow(() -> new BenchException("no value for " + name + " at " + uri));
    }
}
