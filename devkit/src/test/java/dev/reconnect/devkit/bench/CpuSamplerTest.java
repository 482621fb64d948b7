package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the CPU a run's processes used in a window is told from their sampled totals. */
class CpuSamplerTest {
    private static final long MS = 1_000_000;

    @Test
    void betweenTwoReadingsTheTotalIsTakenToGrowEvenly() {
        CpuSampler sampler = new CpuSampler(Map::of);
        sampler.record(10, "gateway", 0, 1_000, 500 * MS);
        sampler.record(10, "gateway", 0, 1_050, 520 * MS);
        sampler.record(10, "gateway", 0, 1_100, 560 * MS);
        sampler.record(10, "gateway", 0, 1_150, 600 * MS);

        CpuUse onReadings = sampler.between(1_050, 1_150, 2);
        assertThat(onReadings.millis("gateway")).isEqualTo(80);
        assertThat(onReadings.shareOfMachine(onReadings.totalMillis())).isEqualTo(0.4);
        // 510 ms at 1,025 (half-way from 500 to 520), 580 ms at 1,125
        assertThat(sampler.between(1_025, 1_125, 2).millis("gateway")).isEqualTo(70);
        assertThat(sampler.between(1_150, 1_400, 2).millis("gateway")).as("no readings after the last: it ended").isZero();
    }

    @Test
    void aKilledInstanceAndItsRestartOnTheSamePortAreOneWsService() {
        CpuSampler sampler = new CpuSampler(Map::of);
        sampler.record(20, "ws-service-27403", 0, 1_000, 9_000 * MS);
        sampler.record(20, "ws-service-27403", 0, 1_050, 9_010 * MS); // then SIGKILLed: no more readings
        sampler.record(21, "ws-service-27403", 1_500, 2_000, 3_000 * MS); // the restart, started at 1,500
        sampler.record(21, "ws-service-27403", 1_500, 2_500, 3_400 * MS);

        CpuUse use = sampler.between(2_000, 2_500, 2);
        assertThat(use.processes()).containsExactly("ws-service");
        assertThat(use.millis(CpuUse.WS_SERVICE)).as("only the restart worked in the window").isEqualTo(400);
        assertThat(sampler.between(1_000, 2_000, 2).millis(CpuUse.WS_SERVICE))
                .as("10 ms of the killed one, and the restart's start-up").isEqualTo(3_010);
        assertThat(sampler.between(1_750, 2_000, 2).millis(CpuUse.WS_SERVICE))
                .as("from its start (nothing) to its first reading, evenly").isEqualTo(1_500);
    }

    @Test
    void theClientsSideIncludesTheBenchJvmAndTheRestIsEverythingElse() {
        CpuUse use = new CpuUse(1_000, 2, Map.of(CpuUse.WS_SERVICE, 700L, CpuUse.GATEWAY, 500L, CpuUse.CLIENT, 300L,
                CpuUse.BENCH, 100L, "api-service", 150L, "consul-emulator", 50L, "publisher", 20L));
        assertThat(use.clientsMillis()).isEqualTo(400);
        assertThat(use.restMillis()).isEqualTo(220);
        assertThat(use.shareOfMachine(use.totalMillis())).isEqualTo(0.91);
        assertThat(use.measurable()).isTrue();
        assertThat(new CpuUse(100, 2, Map.of()).measurable()).as("a window of a few readings").isFalse();
    }

    @Test
    void itReadsTheRealCpuTimeOfTheProcessesItIsGiven() throws Exception {
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (CpuSampler sampler = new CpuSampler(() -> Map.of(busy.pid(), "client")).start()) {
            long from = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(20)).until(() -> sampler.between(from, System.currentTimeMillis(), 2)
                    .millis(CpuUse.CLIENT) >= 100);
        } finally {
            busy.destroyForcibly();
            busy.waitFor();
        }
    }
}
