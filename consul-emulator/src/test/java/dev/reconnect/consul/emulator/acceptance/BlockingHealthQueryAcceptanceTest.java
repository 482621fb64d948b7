package dev.reconnect.consul.emulator.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.HealthTarget;
import dev.reconnect.consul.emulator.support.LogCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: a discovery client long-polling {@code /v1/health/service/{name}?passing} learns that
 * an instance went down within a second of its HTTP check turning critical, with a higher index.
 */
class BlockingHealthQueryAcceptanceTest {

    @Test
    void aHeldPassingQueryAnswersWithinASecondOfTheCheckFlipping() throws Exception {
        try (ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
                HealthTarget health = HealthTarget.start();
                LogCapture logs = new LogCapture()) {
            ConsulHttp consul = new ConsulHttp(emulator.baseUri());
            String url = "http://127.0.0.1:" + health.port() + "/actuator/health";
            Map<String, Object> registration = new LinkedHashMap<>();
            registration.put("ID", "ws-service-8082");
            registration.put("Name", "ws-service");
            registration.put("Address", "127.0.0.1");
            registration.put("Port", 8082);
            registration.put("Check", Map.of("HTTP", url, "Interval", "1s"));
            consul.register(registration);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    consul.get("/v1/health/service/ws-service?passing").json().size() == 1);
            long index = consul.get("/v1/health/service/ws-service?passing").index();

            CompletableFuture<Instant> answeredAt = new CompletableFuture<>();
            CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                    consul.get("/v1/health/service/ws-service?passing&index=" + index + "&wait=30s",
                            Duration.ofSeconds(40)))
                    .whenComplete((response, failure) -> answeredAt.complete(Instant.now()));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> emulator.heldBlockingQueries() == 1);

            health.respond("/actuator/health", 503);
            long flipped = System.nanoTime();

            ConsulHttp.Response response = held.get(10, TimeUnit.SECONDS);
            Duration sinceFlip = Duration.ofNanos(System.nanoTime() - flipped);
            LogRecord statusChange = logs.records().stream()
                    .filter(r -> r.getMessage().startsWith("check service:ws-service-8082 (ws-service) passing -> critical"))
                    .findFirst().orElseThrow();
            Duration sinceCheckChanged = Duration.between(statusChange.getInstant(), answeredAt.get());
            System.out.println("blocking query answered " + sinceCheckChanged.toMillis()
                    + " ms after the check turned critical (" + sinceFlip.toMillis() + " ms after the target did)");

            // Woken by the change, not by the end of its 30 s wait: bounds far below the wait, far above what a
            // loaded machine adds (the numbers themselves are printed above).
            assertThat(sinceCheckChanged).as("answered when the check changed").isLessThan(Duration.ofSeconds(5));
            assertThat(sinceFlip).as("noticed by the next 1 s check, then answered").isLessThan(Duration.ofSeconds(8));
            assertThat(response.index()).isGreaterThan(index);
            assertThat(response.json().size()).as("the critical instance is filtered out").isZero();
        }
    }
}
