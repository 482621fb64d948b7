package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.ClientState;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Crashes and abuse on the real system (consul-emulator, api-service, one ws-service, the gateway,
 * 20 clients in one CLI process, a publisher at 50 messages/s). After each case: nothing lost,
 * nothing doubled, order kept (the clients' own stats against the log's head), and, where
 * ws-service was never down, readiness said ready throughout (the gateway's own history) and no
 * client was disturbed. One system serves every case; the cases that break something (api-service,
 * the registry) come last.
 */
class FaultIT extends SharedSystemSuite {
    static final int CLIENTS = 20;
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(1);
    /** Generous on a busy 2-core machine; the close code itself says why the socket was closed. */
    static final Duration HELLO_TIMEOUT_MARGIN = Duration.ofSeconds(4);
    static final int PUBLISHER_THREADS = 8;
    static final String FOREIGN_ORIGIN = "http://evil.example";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1).build();

    FaultIT() {
        super(new Target(RegistryRunner.emulator(), Ports.from(28820)), CLIENTS, "faults");
    }

    @Override
    ScenarioRun configure(ScenarioRun run) {
        // A short hello timeout, and a small send buffer and timeout so that a reader that stops
        // reading is found out within seconds.
        return run.wsSettings(List.of("--ws.hello-timeout=" + HELLO_TIMEOUT.toMillis() + "ms",
                "--ws.send-timeout=1s", "--ws.send-buffer=256KB"));
    }

    @Test
    @Order(1)
    void aForeignOriginIsRefusedWith403AndNoOriginOrTheGatewaysOwnUpgrades() throws IOException {
        Instant from = Instant.now();
        try (RawWebSocket evil = openStream(FOREIGN_ORIGIN, 0)) {
            assertThat(evil.status()).as("upgrade with Origin " + FOREIGN_ORIGIN).isEqualTo(403);
        }
        try (RawWebSocket plain = openStream(null, 0)) {
            assertThat(plain.status()).as("upgrade without Origin (a non-browser client)").isEqualTo(101);
        }
        try (RawWebSocket own = openStream("http://127.0.0.1:" + system.ports().gateway(), 0)) {
            assertThat(own.status()).as("upgrade from the gateway's own page").isEqualTo(101);
        }
        assertUndisturbed(Checkpoint.since(run, "foreign-origin", from));
    }

    @Test
    @Order(2)
    void aPoisonBodyIsRefusedWith413StoresNothingAndDisturbsNoOne() throws Exception {
        Instant from = Instant.now();
        long headBefore = run.currentHead();
        String poison = "\u0001".repeat(16_384); // 16 KiB of characters, 96 KiB once JSON-escaped
        HttpResponse<String> answer = publish("poison-" + System.nanoTime(), poison);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
        assertThat(answer.body()).as("the answer names the limit").contains("\"error\"")
                .contains(Integer.toString(Limits.MAX_FRAME_BYTES));

        Checkpoint checkpoint = Checkpoint.since(run, "poison-body", from);
        assertThat(readLog(Math.max(0, headBefore))).as("the poison body was not stored")
                .noneMatch(e -> e.body().equals(poison));
        assertUndisturbed(checkpoint);
    }

    @Test
    @Order(3)
    void socketsThatNeverSayHelloAreClosedWith4001AndNobodyElseNotices() throws Exception {
        Instant from = Instant.now();
        List<RawWebSocket> silent = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(50);
        try {
            List<Future<RawWebSocket.Ending>> endings = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                RawWebSocket socket = openStream(null, 0);
                silent.add(socket);
                assertThat(socket.status()).as("upgrade of silent socket " + i).isEqualTo(101);
                // A reader per socket from the moment it is open, so that each close is seen when it comes.
                endings.add(readers.submit(() -> socket.awaitClose(HELLO_TIMEOUT.plus(HELLO_TIMEOUT_MARGIN).plusSeconds(5))));
            }
            for (int i = 0; i < silent.size(); i++) {
                RawWebSocket.Ending ending = endings.get(i).get(30, TimeUnit.SECONDS);
                assertThat(ending.kind()).as("silent socket " + i + ": " + ending).isEqualTo(RawWebSocket.Ending.Kind.CLOSE_FRAME);
                assertThat(ending.code()).as("silent socket " + i + ": " + ending).isEqualTo(CloseCodes.HELLO_TIMEOUT);
                assertThat(Duration.between(silent.get(i).answeredAt(), ending.at()))
                        .as("silent socket " + i + " closed within the hello timeout and a margin")
                        .isLessThan(HELLO_TIMEOUT.plus(HELLO_TIMEOUT_MARGIN));
            }
        } finally {
            readers.shutdownNow();
            for (RawWebSocket socket : silent) {
                socket.close();
            }
        }
        assertUndisturbed(Checkpoint.since(run, "no-hello", from));
    }

    @Test
    @Order(4)
    void subscribersThatStopReadingHurtNobodyElse() throws Exception {
        Instant from = Instant.now();
        List<RawWebSocket> slow = new ArrayList<>();
        ManagedProcess bigPublisher = null;
        try {
            for (int i = 0; i < 3; i++) {
                RawWebSocket socket = openStream(null, 4_096);
                slow.add(socket);
                assertThat(socket.status()).isEqualTo(101);
                socket.sendText(FrameCodec.encode(new Frame.Hello(0))); // the whole backlog, then never read
            }
            long headBefore = run.currentHead();
            // 6 KB bodies on top of the usual 50 messages/s, to fill the slow readers' buffers quickly.
            bigPublisher = system.startClient("big-publisher", List.of("publish", "--gateway",
                    run.gateway().toString(), "--rate", "30", "--count", "300", "--body", "x".repeat(6_000) + " {n}"),
                    line -> { });
            ManagedProcess publisher = bigPublisher;
            await().atMost(Duration.ofSeconds(60)).until(() -> !publisher.isAlive());
            assertThat(run.currentHead()).as("the large messages were published").isGreaterThanOrEqualTo(headBefore + 300);

            assertUndisturbed(Checkpoint.since(run, "slow-subscribers", from));
            for (int i = 0; i < slow.size(); i++) {
                RawWebSocket.Ending ending = slow.get(i).awaitClose(Duration.ofSeconds(5));
                System.out.println("[faults] slow subscriber " + i + ": " + ending);
                if (ending.kind() == RawWebSocket.Ending.Kind.CLOSE_FRAME) {
                    assertThat(ending.code()).as("a slow subscriber is closed only as too slow: " + ending)
                            .isEqualTo(CloseCodes.TOO_SLOW);
                }
            }
        } finally {
            if (bigPublisher != null && bigPublisher.isAlive()) {
                bigPublisher.kill();
            }
            for (RawWebSocket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    @Order(5)
    void apiServiceKilledThreeTimesUnderConcurrentPublishersLosesNoAcknowledgedMessage() throws Exception {
        Instant from = Instant.now();
        Map<String, List<Long>> acks = new ConcurrentHashMap<>();
        List<String> refusals = new CopyOnWriteArrayList<>();
        AtomicInteger retries = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHER_THREADS);
        List<Future<?>> running = new ArrayList<>();
        boolean cyclesDone = false;
        try {
            for (int t = 0; t < PUBLISHER_THREADS; t++) {
                String prefix = "fault-a-" + t + "-";
                running.add(publishers.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        String key = prefix + n;
                        long seq = publishUntilAcknowledged(key, retries, refusals);
                        acks.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(seq);
                        pace(100); // about 10 per second per thread, on top of the CLI publisher's 50
                    }
                    return null;
                }));
            }
            for (int cycle = 1; cycle <= 3; cycle++) {
                int before = acks.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> acks.size() >= before + 20);
                System.out.println("[faults] kill -9 api-service (" + cycle + " of 3) with " + acks.size()
                        + " publishes acknowledged so far");
                run.restartApi();
            }
            int before = acks.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> acks.size() >= before + 40);
            cyclesDone = true;
        } finally {
            stop.set(true);
            if (cyclesDone) {
                publishers.shutdown(); // each finishes the key it is on
            } else {
                publishers.shutdownNow(); // the case failed already: stop retrying
            }
        }
        for (Future<?> publisher : running) {
            publisher.get(150, TimeUnit.SECONDS); // each finishes its last key; rethrows what went wrong
        }
        assertThat(refusals).as("no publish was refused for good").isEmpty();

        Checkpoint checkpoint = Checkpoint.since(run, "api-sigkill-publishers", from);
        List<LogEntry> log = readLog(0);
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).seq()).as("the log's seqs are gapless from 1").isEqualTo(i + 1L);
        }
        Map<String, Long> stored = new HashMap<>();
        for (LogEntry entry : log) {
            if (entry.body().startsWith("fault-a-")) {
                assertThat(stored.put(entry.body(), entry.seq())).as("stored once: " + entry.body()).isNull();
            }
        }
        acks.forEach((key, seqs) -> {
            assertThat(seqs).as("every acknowledgement of " + key + " names the same seq").containsOnly(seqs.get(0));
            assertThat(stored.get(key)).as(key + " is in the log under its acknowledged seq").isEqualTo(seqs.get(0));
        });
        assertThat(stored.keySet()).as("nothing in the log that was never acknowledged").isEqualTo(acks.keySet());
        System.out.println("[faults] " + acks.size() + " publishes from " + PUBLISHER_THREADS + " threads, "
                + retries.get() + " retries with the same key, across 3 api-service kills");
        checkpoint.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(6)
    void withTheRegistryDownAnApiServiceHiccupDoesNotStopDelivery() {
        Instant from = Instant.now();
        System.out.println("[faults] kill the registry, then kill -9 api-service and start it again on the same port");
        run.killRegistry();
        run.restartApi();
        long headAfterHiccup = run.currentHead();
        // checkpoint waits for another second of messages published through the gateway (its routing
        // keeps the last known instances while the registry is unavailable) and for every client to
        // have them: ws-service's log client keeps following the api-service that last worked.
        Checkpoint checkpoint = Checkpoint.since(run, "registry-down-api-hiccup", from);
        assertThat(checkpoint.summary().published()).as(checkpoint.describe("messages published after the hiccup"))
                .isGreaterThan(headAfterHiccup);
        checkpoint.assertDeliveredAndNoConnectWhileNotReady();
    }

    // ---------------------------------------------------------------------------------------------

    /** Nothing lost, doubled or connected early, no client left OPEN, readiness ready throughout. */
    private static void assertUndisturbed(Checkpoint checkpoint) {
        checkpoint.assertDeliveredAndNoConnectWhileNotReady();
        assertThat(checkpoint.statesLeaving(ClientState.OPEN))
                .as(checkpoint.describe("no client's session was closed")).isEmpty();
        List<ReadinessChange> spells = checkpoint.run().notReadySpells(checkpoint.since(), Instant.now());
        assertThat(spells).as(checkpoint.describe("readiness said ready throughout: ws-service was never down")).isEmpty();
    }

    /** A raw WebSocket upgrade of the gateway's stream, {@code origin} null for none. */
    private RawWebSocket openStream(String origin, int receiveBuffer) throws IOException {
        return RawWebSocket.open(system.ports().gateway(), Paths.WEBSOCKET, origin, receiveBuffer);
    }

    private HttpResponse<String> publish(String key, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(run.gateway().resolve(Paths.MESSAGES))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(new PublishRequest(key, body))))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * POSTs {@code key} (its own body) until the log acknowledges it (201, or 200 for a repeat),
     * retrying anything else that may succeed later with the same key; returns the acknowledged seq.
     */
    private long publishUntilAcknowledged(String key, AtomicInteger retries, List<String> refusals)
            throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> answer = publish(key, key);
                if (answer.statusCode() == 201 || answer.statusCode() == 200) {
                    return Json.MAPPER.readValue(answer.body(), PublishResult.class).seq();
                }
                if (answer.statusCode() == 400 || answer.statusCode() == 413 || answer.statusCode() == 409) {
                    refusals.add(key + ": " + answer.statusCode() + " " + answer.body());
                    throw new AssertionError("publish of " + key + " refused: " + answer.statusCode() + " " + answer.body());
                }
            } catch (IOException e) {
                // Connection refused or reset while api-service restarts: the outcome is unknown, retry.
            }
            retries.incrementAndGet();
            pace(200);
        }
        throw new AssertionError("publish of " + key + " not acknowledged within 120 s");
    }

    /** Spaces out a publisher's own requests (pacing a load loop, not waiting for an event). */
    private static void pace(long millis) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(millis);
    }
}
