package dev.reconnect.consul.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as a user runs it: {@code java -jar consul-emulator.jar --port N}. Runs in the
 * verify phase (failsafe), after the shade plugin has built the jar; its path comes in as the
 * system property {@code consul-emulator.jar}.
 */
class EmulatorJarIT {

    private static Path jar;

    @BeforeAll
    static void findJar() {
        String property = System.getProperty("consul-emulator.jar");
        assertThat(property).as("system property consul-emulator.jar (set by failsafe)").isNotBlank();
        jar = Path.of(property);
        assertThat(jar).exists();
    }

    @Test
    void startsQuicklyAnswersAsALeaderAndStopsCleanlyOnSigterm() throws Exception {
        int port = freePort();
        long started = System.nanoTime();
        Running emulator = launch("--port", Integer.toString(port));
        try {
            String[] answer = new String[1];
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                    .until(() -> (answer[0] = rawGet(port, "/v1/status/leader")) != null);
            Duration startup = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("consul-emulator.jar: process start to first answer took " + startup.toMillis() + " ms");

            assertThat(answer[0]).isEqualTo("\"127.0.0.1:8300\"");
            // How long the start took is printed, not asserted: a JVM start on a loaded machine says nothing
            // about the emulator. That it answers at all within the await above is the behaviour.
            await().atMost(Duration.ofSeconds(5)).until(() -> emulator.stdout().contains(
                    "consul-emulator listening on http://127.0.0.1:" + port
                            + " (reaper every 30s, deregister-after minimum 1m)"));
        } finally {
            emulator.process.destroy();
        }
        assertThat(emulator.process.waitFor(10, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
        assertThat(emulator.process.exitValue()).isEqualTo(143);
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.stdout().contains("consul-emulator stopped"));
        assertThat(emulator.stderr()).isEmpty();
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    @Test
    void flagsAreAppliedAndEventsAreLoggedOneLineEach() throws Exception {
        int port = freePort();
        Running emulator = launch("--port=" + port, "--bind", "127.0.0.1", "--reaper-interval", "200ms",
                "--min-deregister-after", "1s");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> emulator.stdout().contains(
                    "consul-emulator listening on http://127.0.0.1:" + port
                            + " (reaper every 200ms, deregister-after minimum 1s)"));
            String status = rawPut(port, "/v1/agent/service/register",
                    "{\"ID\":\"doomed\",\"Name\":\"doomed\",\"Check\":{\"TTL\":\"30s\","
                            + "\"DeregisterCriticalServiceAfter\":\"1s\"}}");
            assertThat(status).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> emulator.stdout().stream().anyMatch(line ->
                    line.contains("deregistered service doomed (doomed): reaper: check service:doomed has been critical")));
            assertThat(emulator.stdout()).anySatisfy(line ->
                    assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} registered service doomed \\(doomed\\).*"));
        } finally {
            emulator.process.destroy();
            emulator.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withAnAclTokenItSaysSoAtStartAndRefusesRequestsWithoutIt() throws Exception {
        int port = freePort();
        Running emulator = launch("--port", Integer.toString(port), "--acl-token", "jar-secret");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> emulator.stdout().stream()
                    .anyMatch(line -> line.startsWith("consul-emulator listening on")));
            assertThat(emulator.stdout()).filteredOn(line -> line.contains("ACLs are enforced")).hasSize(1)
                    .allSatisfy(line -> assertThat(line).doesNotContain("jar-secret"));
            assertThat(rawGet(port, "/v1/status/leader")).as("no token needed").isEqualTo("\"127.0.0.1:8300\"");
            String refused = rawPut(port, "/v1/agent/service/register", "{\"Name\":\"nope\"}");
            assertThat(refused).startsWith("HTTP/1.1 403").endsWith("Permission denied: token with AccessorID "
                    + "'00000000-0000-0000-0000-000000000002' lacks permission 'service:write' on \"nope\"");
            String accepted = rawPut(port, "/v1/agent/service/register?token=jar-secret", "{\"Name\":\"yes\"}");
            assertThat(accepted).startsWith("HTTP/1.1 200");
            assertThat(emulator.stderr()).isEmpty();
        } finally {
            emulator.process.destroy();
            emulator.process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badFlagsGiveOneLineOnStderrAndExitCodeTwo() throws Exception {
        for (String[] args : List.of(new String[] {"--port", "abc"}, new String[] {"--frobnicate"},
                new String[] {"--reaper-interval", "soon"})) {
            Running run = launch(args);
            assertThat(run.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(run.process.exitValue()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.stderr()).hasSize(1);
            assertThat(run.stderr().get(0)).startsWith("consul-emulator: ").doesNotContain("Exception");
            assertThat(run.stdout()).isEmpty();
        }
    }

    @Test
    void aTakenPortGivesOneLineAndExitCodeOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Running run = launch("--port", Integer.toString(taken.getLocalPort()));
            assertThat(run.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(run.process.exitValue()).isEqualTo(1);
            assertThat(run.stderr()).containsExactly("consul-emulator: port " + taken.getLocalPort()
                    + " is already in use");
        }
    }

    @Test
    void helpExplainsTheFlags() throws Exception {
        Running run = launch("--help");
        assertThat(run.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isZero();
        assertThat(String.join("\n", run.stdout())).contains("--port", "--bind", "--reaper-interval",
                "--min-deregister-after", "--acl-token", "500ms");
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A launched jar. Output goes to files, not pipes: the JDK closes a process's pipe the moment it
     * exits, and a reader thread can lose the last lines (here, "consul-emulator stopped").
     */
    private record Running(Process process, Path out, Path err) {
        List<String> stdout() {
            return lines(out);
        }

        List<String> stderr() {
            return lines(err);
        }

        private static List<String> lines(Path file) {
            try {
                return Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Running launch(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("consul-emulator-", ".out");
        Path err = Files.createTempFile("consul-emulator-", ".err");
        out.toFile().deleteOnExit();
        err.toFile().deleteOnExit();
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new Running(process, out, err);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /**
     * A bare-socket GET: the first answer is timed, and a cold JDK HttpClient in this JVM would add
     * its own half second to the measurement. Returns the body, or null while nothing listens.
     */
    private static String rawGet(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200")) {
                return null;
            }
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        } catch (IOException notYet) {
            return null;
        }
    }

    private static String rawPut(int port, String path, String body) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
