package dev.reconnect.api.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;

/**
 * Publish throughput of the real jar, per durability setting: concurrent publishers, unique keys,
 * each waiting for its answer. Runs only when asked:
 *
 * <pre>mvn -pl api-service -am verify -DskipTests=false -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dit.test=PublishThroughputIT -Dapi.benchmark=true</pre>
 *
 * Options: {@code -Dapi.benchmark.modes=fsync,write} ({@code as-is}: no durability argument, e.g. for
 * an older jar given with {@code -Dapi.jar=…}), {@code -Dapi.benchmark.publishes=4000} (timed, after
 * 500 not timed), {@code -Dapi.benchmark.publishers=8}, and {@link ApiProcess}'s {@code -Dapi.args}.
 */
@EnabledIfSystemProperty(named = "api.benchmark", matches = "true")
class PublishThroughputIT {
    private static final int WARM_UP = 500;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void publishThroughputPerDurabilitySetting() throws Exception {
        List<String> modes = List.of(System.getProperty("api.benchmark.modes", "fsync,write").split(","));
        int publishes = Integer.getInteger("api.benchmark.publishes", 4000);
        int publishers = Integer.getInteger("api.benchmark.publishers", 8);
        Path dir = Files.createDirectories(Path.of("target", "api-benchmark")).toAbsolutePath();

        List<String> table = new ArrayList<>();
        table.add(String.format("%-8s %9s %10s %8s %9s %9s %9s %11s", "mode", "publishes", "publishers",
                "seconds", "per sec", "p50 ms", "p99 ms", "mean batch"));
        for (String mode : modes) {
            List<String> settings = new ArrayList<>();
            if (!mode.equals("as-is")) {
                settings.add("--log.durability=" + mode);
            }
            try (ApiProcess api = new ApiProcess(Files.createTempDirectory(dir, "data-"),
                    Files.createTempDirectory(dir, "logs-"), settings)) {
                api.start();
                run(api.base(), "warm-up-" + mode, WARM_UP, publishers);
                long[] latencies = new long[publishes];
                double[] batchesBefore = batches(api);
                long begin = System.nanoTime();
                run(api.base(), mode, publishes, publishers, latencies);
                double seconds = (System.nanoTime() - begin) / 1e9;
                double[] batchesAfter = batches(api);
                String meanBatch = batchesBefore == null || batchesAfter == null ? "-"
                        : String.format("%.1f", (batchesAfter[1] - batchesBefore[1]) / (batchesAfter[0] - batchesBefore[0]));
                Arrays.sort(latencies);
                table.add(String.format("%-8s %9d %10d %8.2f %9.0f %9.2f %9.2f %11s", mode, publishes, publishers,
                        seconds, publishes / seconds, latencies[publishes / 2] / 1e6,
                        latencies[(int) (publishes * 0.99)] / 1e6, meanBatch));
            }
        }
        System.out.printf("PublishThroughputIT on %d cores, %s %s (%s), jar %s%n%s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name"), ApiProcess.jar(), String.join("\n", table));
    }

    private void run(URI base, String prefix, int count, int publishers) throws Exception {
        run(base, prefix, count, publishers, new long[count]);
    }

    /** {@code count} publishes over {@code publishers} threads; each one's latency in {@code latencies}. */
    private void run(URI base, String prefix, int count, int publishers, long[] latencies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int first = p;
                done.add(pool.submit((Callable<Void>) () -> {
                    for (int i = first; i < count; i += publishers) {
                        String key = prefix + "-" + i;
                        long start = System.nanoTime();
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/api/messages"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key
                                                + "\",\"body\":\"a message of about a hundred bytes, as a chat line or an event "
                                                + key + "\"}")).build(),
                                HttpResponse.BodyHandlers.ofString());
                        latencies[i] = System.nanoTime() - start;
                        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Group commits so far and the publishes they decided, from the actuator; null where there is no such meter. */
    private double[] batches(ApiProcess api) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    api.management().resolve("/actuator/metrics/log.append.batch.size")).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            double[] countAndTotal = new double[2];
            for (JsonNode m : Json.MAPPER.readTree(response.body()).path("measurements")) {
                switch (m.path("statistic").asString()) {
                    case "COUNT" -> countAndTotal[0] = m.path("value").asDouble();
                    case "TOTAL" -> countAndTotal[1] = m.path("value").asDouble();
                    default -> { }
                }
            }
            return countAndTotal;
        } catch (Exception e) {
            return null;
        }
    }
}
