package dev.reconnect.client.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.cli.CliIo;
import dev.reconnect.client.cli.ClientCli;
import dev.reconnect.client.cli.ExitCodes;
import dev.reconnect.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The {@code listen} command end to end through a server restart: the event shapes scripts rely on. */
class ListenCliIntegrationTest {
    private static final Duration AWAIT = Duration.ofSeconds(20);

    private final TestLog log = new TestLog();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    private final CountDownLatch stop = new CountDownLatch(1);
    private TestReadinessServer readiness;
    private TestWsServer server;
    private int port;

    @AfterEach
    void tearDown() throws Exception {
        stop.countDown();
        if (server != null) {
            server.stopGracefully();
        }
        if (readiness != null) {
            readiness.stop();
        }
    }

    private List<String> lines() {
        String text;
        synchronized (out) {
            text = captured.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(text.split("\\R")).filter(l -> !l.isEmpty()).collect(Collectors.toList());
    }

    private List<JsonNode> events(String kind) {
        return lines().stream().map(Json.MAPPER::readTree).filter(e -> e.path("event").asString().equals(kind))
                .collect(Collectors.toList());
    }

    private CompletableFuture<Integer> listen(String... extra) throws Exception {
        port = freePort();
        readiness = new TestReadinessServer(true);
        server = TestWsServer.start(port, log, false, "ws-1");
        String[] base = {"listen", "--gateway", readiness.base().toString(), "--ws-uri", "ws://127.0.0.1:" + port + "/ws",
                "--min-uptime", "1ms" /* every loss takes the stable path */, "--backoff-initial", "50ms", "--backoff-max", "300ms", "--heartbeat-timeout", "5s"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        CliIo io = new CliIo(out, out, stop);
        return CompletableFuture.supplyAsync(() -> ClientCli.execute(args, io));
    }

    private void restartServer() throws Exception {
        readiness.setReady(false);
        server.stopGracefully();
        for (int i = 0; i < 3; i++) {
            log.append(null, "while down " + i);
        }
        await().atMost(AWAIT).until(() -> readiness.notReadyAnswers.get() >= 1);
        server = TestWsServer.start(port, log, false, "ws-2");
        readiness.setReady(true);
    }

    @Test
    void jsonEventsThroughARestart() throws Exception {
        CompletableFuture<Integer> exit = listen("--json", "--stats-interval", "200ms");
        await().atMost(AWAIT).until(() -> events("state").stream().anyMatch(e -> e.path("to").asString().equals("OPEN")));
        for (int i = 1; i <= 5; i++) {
            log.append(null, "hello " + i);
        }
        await().atMost(AWAIT).until(() -> events("message").size() == 5);
        restartServer();
        await().atMost(AWAIT).until(() -> events("reconnected").size() == 1 && events("message").size() == 8);
        stop.countDown();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);

        assertThat(events("message")).extracting(e -> e.path("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(events("message")).allSatisfy(e -> assertThat(e.path("client").asString()).isEqualTo("client-1"));
        JsonNode reconnected = events("reconnected").get(0);
        assertThat(reconnected.path("client").asString()).isEqualTo("client-1");
        assertThat(reconnected.path("attempt").asInt()).isEqualTo(1);
        assertThat(reconnected.path("downtimeMs").isIntegralNumber()).isTrue();
        assertThat(reconnected.path("downtimeMs").asLong()).isPositive();
        assertThat(reconnected.path("readyToOpenMs").isIntegralNumber()).isTrue();
        assertThat(reconnected.path("reason").asString()).isEqualTo("close 1001 restarting");
        JsonNode last = events("stats").get(events("stats").size() - 1);
        assertThat(last.path("final").asBoolean()).isTrue();
        assertThat(last.path("received").asLong()).isEqualTo(8);
        assertThat(last.path("lost").asLong()).isZero();
        assertThat(last.path("duplicates").asLong()).isZero();
        assertThat(last.path("reconnects").asLong()).isEqualTo(1);
        assertThat(last.path("failedUpgrades").asLong()).isZero();
        assertThat(last.path("minLastSeq").asLong()).isEqualTo(8);
        assertThat(last.path("maxLastSeq").asLong()).isEqualTo(8);
        List<String> transitions = events("state").stream()
                .map(e -> e.path("from").asString() + "->" + e.path("to").asString()).collect(Collectors.toList());
        assertThat(transitions).containsSubsequence("NEW->WAITING_FOR_READINESS", "WAITING_FOR_READINESS->CONNECTING",
                "CONNECTING->OPEN", "OPEN->WAITING_FOR_READINESS", "WAITING_FOR_READINESS->CONNECTING",
                "CONNECTING->OPEN", "OPEN->CLOSED");
        // The test server's index is 1 while ready, 2 while down, 3 once ready again: every connect
        // names a ready answer's index.
        List<Long> readinessIndexes = events("state").stream().filter(e -> e.path("to").asString().equals("CONNECTING"))
                .map(e -> e.path("readinessIndex").asLong(-2)).collect(Collectors.toList());
        assertThat(readinessIndexes).startsWith(1L).endsWith(3L).allSatisfy(i -> assertThat(i % 2).isEqualTo(1L));
    }

    @Test
    void humanLinesThroughARestart() throws Exception {
        CompletableFuture<Integer> exit = listen();
        await().atMost(AWAIT).until(() -> lines().stream().anyMatch(l -> l.endsWith("CONNECTING -> OPEN (welcome from ws-1 (head 0, resuming after 0))")));
        log.append(null, "hello world");
        await().atMost(AWAIT).until(() -> lines().contains("#1 hello world"));
        restartServer();
        await().atMost(AWAIT).until(() -> lines().stream().anyMatch(l -> l.contains(" client-1 reconnected after ")));
        stop.countDown();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(ExitCodes.OK);

        List<String> lines = lines();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\+\\d+\\.\\ds client-1 WAITING_FOR_READINESS -> CONNECTING "
                        + "\\(readiness: ws-service passing=1, api-service passing=1\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches(
                ".* client-1 reconnected after \\d+(\\.\\d)? m?s \\(attempt 1, ready→open \\d+(\\.\\d)? m?s, "
                        + "reason: close 1001 restarting\\)"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(
                "client-1 readiness: not ready (ws-service passing=0, api-service passing=1), next try in"));
        assertThat(lines.get(lines.size() - 1)).contains("final: 1 client, connected 0, waiting 0, reconnects 1, "
                + "received 4, lost 0, duplicates 0, failed upgrades 0, last seq 4");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
