package dev.reconnect.consul.emulator.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.HealthTarget;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: thousands of held blocking queries cost no threads, so checks keep their schedule
 * and ordinary requests stay fast while 2,000 watchers wait.
 */
class ConcurrentBlockingQueriesAcceptanceTest {

    private static final int WATCHERS = 2_000;

    @Test
    void twoThousandHeldQueriesDelayNeitherChecksNorOtherRequests() throws Exception {
        try (ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
                HealthTarget health = HealthTarget.start()) {
            ConsulHttp consul = new ConsulHttp(emulator.baseUri());
            consul.register(Map.of("ID", "watched", "Name", "watched"));
            String path = "/flipper/health";
            consul.register(Map.of("ID", "flipper", "Name", "flipper",
                    "Check", Map.of("HTTP", "http://127.0.0.1:" + health.port() + path, "Interval", "1s")));
            await().atMost(Duration.ofSeconds(5)).until(() -> status(consul, "flipper").equals("passing"));
            long index = consul.get("/v1/health/service/watched").index();

            // The async client holds all 2,000 requests on its selector thread; nothing is raised globally.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI watch = emulator.baseUri().resolve("/v1/health/service/watched?index=" + index + "&wait=60s");
            List<CompletableFuture<HttpResponse<String>>> watchers = new ArrayList<>();
            long sending = System.nanoTime();
            for (int i = 0; i < WATCHERS; i++) {
                watchers.add(client.sendAsync(HttpRequest.newBuilder(watch).timeout(Duration.ofSeconds(90)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> emulator.heldBlockingQueries() == WATCHERS);
            System.out.println(WATCHERS + " blocking queries held after "
                    + Duration.ofNanos(System.nanoTime() - sending).toMillis() + " ms");
            assertThat(watchers).noneMatch(CompletableFuture::isDone);

            // Checks still run on time: the flip shows within one interval plus a little.
            health.respond(path, 500);
            long flipped = System.nanoTime();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
                    .until(() -> status(consul, "flipper").equals("critical"));
            System.out.println("check flip observed " + Duration.ofNanos(System.nanoTime() - flipped).toMillis()
                    + " ms after the target changed, with " + emulator.heldBlockingQueries() + " queries held");

            // Ordinary requests stay prompt.
            long slowest = 0;
            for (int i = 0; i < 20; i++) {
                long started = System.nanoTime();
                assertThat(consul.get("/v1/status/leader").status()).isEqualTo(200);
                assertThat(consul.get("/v1/agent/services").status()).isEqualTo(200);
                slowest = Math.max(slowest, System.nanoTime() - started);
            }
            System.out.println("slowest pair of ordinary requests: " + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms");
            // Held queries would hang these for the full 60 s wait; the bound leaves room for a busy machine.
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(10));
            assertThat(emulator.heldBlockingQueries()).as("the flip of another service woke nobody")
                    .isEqualTo(WATCHERS);

            // A change to the watched service answers all of them, each with the new index.
            long releasing = System.nanoTime();
            consul.register(Map.of("ID", "watched", "Name", "watched", "Tags", List.of("changed")));
            CompletableFuture.allOf(watchers.toArray(new CompletableFuture[0])).get(15, TimeUnit.SECONDS);
            System.out.println("all " + WATCHERS + " answered " + Duration.ofNanos(System.nanoTime() - releasing)
                    .toMillis() + " ms after the change");
            for (CompletableFuture<HttpResponse<String>> watcher : watchers) {
                HttpResponse<String> response = watcher.get();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(Long.parseLong(response.headers().firstValue("X-Consul-Index").orElseThrow()))
                        .isGreaterThan(index);
                assertThat(response.body()).contains("changed");
            }
            assertThat(emulator.heldBlockingQueries()).isZero();
        }
    }

    private static String status(ConsulHttp consul, String serviceId) {
        return consul.get("/v1/agent/checks").json().get("service:" + serviceId).get("Status").stringValue();
    }
}
