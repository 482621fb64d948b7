package dev.reconnect.api.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The log on a real process: eight publishers, api-service killed with SIGKILL while they publish,
 * started again on the same data, ten times, with {@code log.durability} fsync and write in turn (both
 * must survive a crash of the process). Every publish that was answered 201 or 200 must be in the log
 * at the seq it was given; seqs gapless from 1; the head never goes backwards.
 */
class ApiCrashIT {
    private static final int PUBLISHERS = 8;
    private static final int KILLS = 10;

    private static ApiProcess api;
    private static Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every acknowledged key and the seq its answer gave. */
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final AtomicInteger answersDuringRun = new AtomicInteger();
    private final Object gate = new Object();
    private volatile boolean up;
    private volatile boolean done;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createDirectories(Path.of("target", "api-crash-it")).toAbsolutePath();
        Path data = Files.createTempDirectory(dir, "data-");
        api = new ApiProcess(data, Files.createTempDirectory(dir, "logs-"), List.of());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void noAcknowledgedPublishIsLostAndNoSeqIsGivenTwiceThroughTenKills() throws Exception {
        long begin = System.nanoTime();
        List<Duration> startTimes = new ArrayList<>();
        List<Thread> publishers = new ArrayList<>();
        for (int i = 0; i < PUBLISHERS; i++) {
            int id = i;
            Thread thread = new Thread(() -> publish(id), "publisher-" + i);
            thread.setDaemon(true);
            publishers.add(thread);
            thread.start();
        }
        long lastHead = 0;
        try {
            for (int round = 0; round <= KILLS; round++) {
                startTimes.add(api.start(List.of("--log.durability=" + (round % 2 == 0 ? "fsync" : "write"))));
                long head = head();
                long highestAcknowledged = acknowledged.values().stream().mapToLong(Long::longValue).max().orElse(0);
                assertThat(head).as("head after restart %d: never backwards, covers every acknowledged seq", round)
                        .isGreaterThanOrEqualTo(lastHead).isGreaterThanOrEqualTo(highestAcknowledged);
                lastHead = head;
                if (round == KILLS) {
                    break;
                }
                open();
                // Kill while the publishers are in full flight: after a random number of answers.
                int target = answersDuringRun.get() + ThreadLocalRandom.current().nextInt(50, 400);
                await().atMost(Duration.ofSeconds(60)).until(() -> answersDuringRun.get() >= target);
                close();
                api.kill();
                lastHead = Math.max(lastHead, acknowledged.values().stream().mapToLong(Long::longValue).max().orElse(0));
            }
            open();
            // Let every publisher finish the publish it was retrying, then stop them.
            int target = answersDuringRun.get() + 100;
            await().atMost(Duration.ofSeconds(60)).until(() -> answersDuringRun.get() >= target);
        } finally {
            done = true;
            open();
            for (Thread thread : publishers) {
                thread.join(10_000);
            }
        }

        List<LogEntry> log = readAll();
        long head = head();
        assertThat(head).isGreaterThanOrEqualTo(lastHead);
        List<String> problems = new ArrayList<>(violations);
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).seq() != i + 1) {
                problems.add("seq " + log.get(i).seq() + " at position " + (i + 1) + ": not gapless from 1");
                break;
            }
        }
        if (log.size() != head) {
            problems.add("the log has " + log.size() + " entries but its head is " + head);
        }
        int lost = 0;
        Map<Long, String> byBody = new TreeMap<>();
        for (Map.Entry<String, Long> ack : new TreeMap<>(acknowledged).entrySet()) {
            long seq = ack.getValue();
            String stored = seq >= 1 && seq <= log.size() ? log.get((int) seq - 1).body() : null;
            if (!body(ack.getKey()).equals(stored)) {
                lost++;
                if (lost <= 10) {
                    problems.add("key " + ack.getKey() + " was acknowledged as seq " + seq + " but the log has "
                            + (stored == null ? "nothing" : "\"" + stored + "\"") + " there");
                }
            }
            String other = byBody.put(seq, ack.getKey());
            if (other != null) {
                problems.add("seq " + seq + " was given to both " + other + " and " + ack.getKey());
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        System.out.printf("ApiCrashIT: acknowledged=%d lost=%d kills=%d head=%d duration=%.1fs starts=%s%n",
                acknowledged.size(), lost, KILLS, head, took.toMillis() / 1000.0,
                startTimes.stream().map(d -> String.format("%.1fs", d.toMillis() / 1000.0)).toList());
        assertThat(acknowledged).as("publishes acknowledged").hasSizeGreaterThan(KILLS * 50);
        assertThat(problems).as("lost=%d of %d acknowledged; problems", lost, acknowledged.size()).isEmpty();
    }

    /** One publisher: unique keys in order; a publish without an answer is sent again with its key. */
    private void publish(int id) {
        int n = 0;
        while (!done) {
            String key = "p" + id + "-" + n;
            awaitOpen();
            if (done) {
                return;
            }
            HttpResponse<String> response;
            try {
                response = http.send(HttpRequest.newBuilder(api.base().resolve("/api/messages"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"key\":\"" + key + "\",\"body\":\"" + body(key) + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                continue; // killed mid-request: not acknowledged; send it again once the service is back
            } catch (InterruptedException e) {
                return;
            }
            int status = response.statusCode();
            if (status == 201 || status == 200) {
                long seq = Json.MAPPER.readTree(response.body()).path("seq").asLong();
                Long before = acknowledged.putIfAbsent(key, seq);
                if (before != null && before != seq) {
                    synchronized (violations) {
                        violations.add("key " + key + " acknowledged as seq " + before + " and then as " + seq);
                    }
                }
                answersDuringRun.incrementAndGet();
                n++;
            } else if (status != 503) {
                synchronized (violations) {
                    violations.add("key " + key + ": unexpected answer " + status + " " + response.body());
                }
                n++;
            }
        }
    }

    private static String body(String key) {
        return "body of " + key;
    }

    private void open() {
        synchronized (gate) {
            up = true;
            gate.notifyAll();
        }
    }

    private void close() {
        up = false;
    }

    private void awaitOpen() {
        synchronized (gate) {
            while (!up) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private long head() throws Exception {
        return page(0, 1).head();
    }

    private List<LogEntry> readAll() throws Exception {
        List<LogEntry> all = new ArrayList<>();
        while (true) {
            LogPage page = page(all.size(), LogPage.MAX_LIMIT);
            if (page.entries().isEmpty()) {
                return all;
            }
            all.addAll(page.entries());
        }
    }

    private LogPage page(long after, int limit) throws Exception {
        URI uri = api.base().resolve("/api/messages?after=" + after + "&limit=" + limit);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.MAPPER.readValue(response.body(), LogPage.class);
    }
}
