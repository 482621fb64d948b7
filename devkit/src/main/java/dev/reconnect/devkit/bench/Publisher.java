package dev.reconnect.devkit.bench;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.PublishRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Publishes through api-service's {@code POST /api/messages}, as fast as it takes them or at a fixed rate. */
final class Publisher {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 5;
    private static final Duration RETRY_AFTER = Duration.ofMillis(250);

    private final URI messages;
    private final URI info;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    Publisher(URI api) {
        this.messages = api.resolve(Paths.MESSAGES);
        this.info = api.resolve(Paths.INFO);
    }

    /** Publishes {@code count} messages with at most {@code inFlight} unanswered at a time; returns once all are answered. */
    void publish(long count, int inFlight) {
        Semaphore permits = new Semaphore(inFlight);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            permits.acquireUninterruptibly();
            all.add(send().whenComplete((ok, error) -> permits.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        requireNoFailures();
    }

    /** Publishes {@code perSecond} messages a second, evenly spaced, for {@code duration}; returns once all are answered. */
    void publishAtRate(int perSecond, Duration duration) {
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long periodMicros = 1_000_000L / perSecond;
        long count = duration.toMillis() * perSecond / 1_000;
        try {
            ticker.scheduleAtFixedRate(() -> {
                synchronized (all) {
                    if (all.size() < count) {
                        all.add(send());
                    }
                }
            }, 0, periodMicros, TimeUnit.MICROSECONDS);
            Waits.until("the publisher's " + count + " messages to go out", duration.plusSeconds(30), () -> {
                synchronized (all) {
                    return all.size() >= count;
                }
            }, () -> sent.get() + " sent");
        } finally {
            ticker.shutdownNow();
        }
        synchronized (all) {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        }
        requireNoFailures();
    }

    /** The log's head as api-service reports it. */
    long head() {
        return Http.get(info, REQUEST_TIMEOUT).filter(a -> a.status() == 200)
                .map(a -> Json.MAPPER.readTree(a.body()).path("head").asLong(-1))
                .filter(head -> head >= 0)
                .orElseThrow(() -> new BenchException("api-service did not tell its log's head at " + info));
    }

    private CompletableFuture<Void> send() {
        String body = Json.MAPPER.writeValueAsString(new PublishRequest(UUID.randomUUID().toString(),
                "bench " + sent.incrementAndGet()));
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(body, 1, done);
        return done;
    }

    /**
     * As the API asks: a 503 (or 429), or no answer at all, means "not stored, or not known to be": the same
     * key and body go again, a little later, until {@link #ATTEMPTS} are used up.
     */
    private void attempt(String body, int attempt, CompletableFuture<Void> done) {
        HttpRequest request = HttpRequest.newBuilder(messages).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error == null && response.statusCode() / 100 == 2) {
                done.complete(null);
                return;
            }
            boolean again = error != null || response.statusCode() == 503 || response.statusCode() == 429;
            String why = error != null ? error.toString() : "HTTP " + response.statusCode();
            if (again && attempt < ATTEMPTS) {
                CompletableFuture.delayedExecutor(RETRY_AFTER.toMillis() * attempt, TimeUnit.MILLISECONDS)
                        .execute(() -> attempt(body, attempt + 1, done));
                return;
            }
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, why + " after " + attempt + " attempt(s)");
            done.complete(null);
        });
    }

    private void requireNoFailures() {
        if (failures.get() > 0) {
            throw new BenchException(failures.get() + " of " + sent.get() + " publishes to " + messages
                    + " were not stored, the first with " + firstFailure.get());
        }
    }
}
