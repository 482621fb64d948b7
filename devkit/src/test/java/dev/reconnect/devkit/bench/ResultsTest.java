package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The result file's shape, which the README and anyone comparing two runs rely on, and which files are written. */
class ResultsTest {
    private static final Instant START = Instant.parse("2025-01-02T03:04:05Z");

    private static Results results() {
        Results results = new Results(BenchOptions.parse(new String[] {"--quick"}), 42, Fixtures.MACHINE, START,
                "consul-emulator, ACLs on");
        Fixtures.twoClientCounts().forEach(results::add);
        results.relay(new RelayRun.Result(new Percentiles(4_000, 1_500, 4_000, 9_000),
                new Percentiles(4_000, 1_000, 2_500, 8_000), 20_000, new double[] {40_000, 44_000, 42_000},
                new double[] {50_000, 60_000, 55_000}));
        results.heap(new HeapRun.Result(1_000, 50_000_000, 60_240_000, 30_000_000, 35_120_000));
        results.serviceJvmOptions(List.of("-XX:+UseSerialGC", "-Xmx384m"));
        return results;
    }

    @Test
    void theJsonCarriesTheMachineTheOptionsAndTheirMeaning() {
        Results results = results();
        results.finish(START.plusSeconds(600), new double[] {2.0, 1.5, 1.0}, null);
        JsonNode json = Json.MAPPER.readTree(results.text("latest.svg"));
        assertThat(json.path("schema").asInt()).isEqualTo(Results.SCHEMA);
        assertThat(json.path("startedAt").asString()).isEqualTo("2025-01-02T03:04:05Z");
        assertThat(json.has("incomplete")).isFalse();
        JsonNode machine = json.path("machine");
        assertThat(machine.path("cores").asInt()).isEqualTo(2);
        assertThat(machine.path("totalMemoryBytes").asLong()).isEqualTo(24L << 30);
        assertThat(machine.path("jdkVersion").asString()).isEqualTo("17.0.15");
        assertThat(machine.path("jdkVendor").asString()).isEqualTo("Debian");
        assertThat(machine.path("os").asString()).isEqualTo("Linux 6.1");
        assertThat(machine.path("loadAverageAtStart").size()).isEqualTo(3);
        assertThat(machine.path("loadAverageAtEnd").path(0).asDouble()).isEqualTo(2.0);
        assertThat(json.path("options").path("clients").toString()).isEqualTo("[1,50]");
        assertThat(json.path("options").path("policies").toString()).isEqualTo("[\"ours\",\"socketio-backoff\",\"readiness-poll-1s\"]");
        assertThat(json.path("options").path("seed").asLong()).isEqualTo(42);
        assertThat(json.path("services").path("jvmOptions").size()).isEqualTo(2);
        assertThat(json.path("definitions").propertyNames())
                .contains("killToPassingMs", "readyToOpenMs", "killToAllOpenMs", "failedConnects", "relay.saturation", "heap",
                        "cpuReadyToAllOpen");
        assertThat(json.path("chart").asString()).isEqualTo("latest.svg");
    }

    @Test
    void eachRecoveryRowHasItsNumbersAndCurve() {
        JsonNode rows = Json.MAPPER.readTree(results().text("x.svg")).path("recovery");
        assertThat(rows.size()).isEqualTo(6);
        JsonNode ours = rows.path(3);
        assertThat(ours.path("clients").asInt()).isEqualTo(50);
        assertThat(ours.path("policy").asString()).isEqualTo("ours");
        assertThat(ours.path("killToPassingMs").asLong()).isEqualTo(5_000);
        assertThat(ours.path("readyToOpenMs").path("p99").asLong()).isEqualTo(600);
        assertThat(ours.path("readyToOpenMs").path("count").asInt()).isEqualTo(50);
        assertThat(ours.path("killToAllOpenMs").asLong()).isEqualTo(5_600);
        assertThat(ours.path("failedConnects").asLong()).isZero();
        assertThat(ours.path("readinessRequestsPerClient").asDouble()).isEqualTo(2.0);
        assertThat(ours.path("curve").path("fromMs").asLong()).isEqualTo(-1_000);
        assertThat(ours.path("curve").path("open").size()).isGreaterThan(100);
        assertThat(rows.path(5).path("killToPassingMs").isNull()).isTrue();
        JsonNode cpu = ours.path("cpuReadyToAllOpen");
        assertThat(cpu.path("windowMs").asLong()).isEqualTo(600);
        assertThat(cpu.path("cores").asInt()).isEqualTo(2);
        assertThat(cpu.path("busyShare").asDouble()).isEqualTo(0.55);
        assertThat(cpu.path("cpuMsByProcess").path("ws-service").asLong()).isEqualTo(300);
        assertThat(rows.path(5).has("cpuReadyToAllOpen")).as("no passing moment, no window").isFalse();
    }

    @Test
    void ratiosAreOursOverEachBaselineAndAbsentWhereNotMeasured() {
        JsonNode ratios = Json.MAPPER.readTree(results().text("x.svg")).path("ratios");
        assertThat(ratios.size()).isEqualTo(4);
        JsonNode fiftyAgainstSocketIo = ratios.path(2);
        assertThat(fiftyAgainstSocketIo.path("clients").asInt()).isEqualTo(50);
        assertThat(fiftyAgainstSocketIo.path("baseline").asString()).isEqualTo("socketio-backoff");
        assertThat(fiftyAgainstSocketIo.path("readyToOpenP50").asDouble()).isEqualTo(0.25);
        assertThat(fiftyAgainstSocketIo.path("readyToOpenP99").asDouble()).isEqualTo(0.25);
        assertThat(fiftyAgainstSocketIo.path("killToAllOpen").asDouble()).isEqualTo(0.757);
        JsonNode fiftyAgainstPoll = ratios.path(3);
        assertThat(fiftyAgainstPoll.path("readyToOpenP99").isNull()).isTrue(); // the poll's passing moment is unknown
        assertThat(fiftyAgainstPoll.path("killToAllOpen").asDouble()).isEqualTo(0.933);
    }

    @Test
    void relayAndHeapSayWhatTheyCompared() {
        JsonNode json = Json.MAPPER.readTree(results().text("x.svg"));
        JsonNode latency = json.path("relay").path("latency");
        assertThat(latency.path("addedP50Micros").asLong()).isEqualTo(500);
        assertThat(latency.path("addedP99Micros").asLong()).isEqualTo(1_500);
        JsonNode saturation = json.path("relay").path("saturation");
        assertThat(saturation.path("gatewayMessagesPerSecond").asLong()).isEqualTo(42_000);
        assertThat(saturation.path("directMessagesPerSecond").asLong()).isEqualTo(55_000);
        assertThat(saturation.path("gatewayRounds").size()).isEqualTo(3);
        assertThat(json.path("heap").path("gateway").path("bytesPerSession").asLong()).isEqualTo(10_240);
        assertThat(json.path("heap").path("wsService").path("bytesPerSession").asLong()).isEqualTo(5_120);
    }

    @Test
    void aCompleteRunAlsoBecomesTheLatest(@TempDir Path dir) throws Exception {
        Results results = results();
        results.finish(START.plusSeconds(60), new double[] {1}, null);
        Path json = results.write(dir, "20250102-030405");
        assertThat(json).hasFileName("20250102-030405.json");
        assertThat(dir.resolve("20250102-030405.svg")).exists();
        assertThat(Json.MAPPER.readTree(Files.readString(json)).path("chart").asString()).isEqualTo("20250102-030405.svg");
        assertThat(Json.MAPPER.readTree(Files.readString(dir.resolve("latest.json"))).path("chart").asString())
                .isEqualTo("latest.svg");
        assertThat(dir.resolve("latest.svg")).hasSameTextualContentAs(dir.resolve("20250102-030405.svg"));
    }

    @Test
    void aRunOfSomePoliciesOrPhasesOnlyLeavesTheLatestAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("latest.json"), "{\"previous\":true}");
        for (String[] part : List.of(new String[] {"--policies", "ours"}, new String[] {"--phases", "recovery"})) {
            Results results = new Results(BenchOptions.parse(part), 42, Fixtures.MACHINE, START, "consul-emulator");
            Fixtures.twoClientCounts().forEach(results::add);
            results.finish(START.plusSeconds(60), new double[] {1}, null);
            assertThat(results.complete()).isTrue();
            results.write(dir, "part" + part[0]);
            assertThat(Files.readString(dir.resolve("latest.json"))).as(String.join(" ", part)).isEqualTo("{\"previous\":true}");
        }
        assertThat(dir.resolve("part--policies.json")).as("kept under its time").exists();
        assertThat(dir.resolve("part--phases.svg")).exists();
    }

    @Test
    void anIncompleteRunIsMarkedAndLeavesTheLatestAlone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("latest.json"), "{\"previous\":true}");
        Results results = results();
        results.finish(START.plusSeconds(60), new double[] {1}, "a measurement failed: only 3 of 4 clients opened");
        Path json = results.write(dir, "20250102-030405");
        assertThat(Json.MAPPER.readTree(Files.readString(json)).path("incomplete").asString()).contains("only 3 of 4");
        assertThat(Files.readString(dir.resolve("latest.json"))).isEqualTo("{\"previous\":true}");
        assertThat(dir.resolve("latest.svg")).doesNotExist();
    }

    @Test
    void theTableShowsEveryRowAndTheRatios() {
        String table = Table.render(results());
        assertThat(table).contains("| 50 | our client | 5,000 ms | 300 / 600 / 610 ms | 5,600 ms | 0 | 2.0 |")
                .contains("| 50 | 1 s readiness poll | unknown |")
                .contains("| 50 | socket.io backoff | 0.25× | 0.25× | 0.76× |")
                .contains("| 42,000 | 55,000 | 0.76× |")
                .contains("| 1.50 ms | 1.00 ms | +0.50 ms |")
                .contains("| 10.0 KiB | 5.0 KiB |")
                // 600 ms on 2 cores: ws-service 300 ms of CPU is 25 %, all of it (300 + 150 + 150 + 60) 55 %
                .contains("| 50 | our client | 600 ms | 55 % | 25 % | 13 % | 13 % | 5 % |")
                .doesNotContain("| 1 | our client | 40 ms |");
    }
}
