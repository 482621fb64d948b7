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
    void eachProcessCountsWhatItUsedBetweenTheReadingsAroundTheWindow() {
        CpuSampler sampler = new CpuSampler(Map::of);
        sampler.record(10, "gateway", 1_000, 500 * MS);
        sampler.record(10, "gateway", 1_050, 520 * MS);
        sampler.record(10, "gateway", 1_100, 560 * MS);
        sampler.record(10, "gateway", 1_150, 600 * MS);

        CpuUse use = sampler.between(1_050, 1_150, 2);
        assertThat(use.millis("gateway")).isEqualTo(80);
        assertThat(use.windowMillis()).isEqualTo(100);
        assertThat(use.shareOfMachine(use.totalMillis())).isEqualTo(0.4);
    }

    @Test
    void aKilledInstanceAndItsRestartOnTheSamePortAreOneWsService() {
        CpuSampler sampler = new CpuSampler(Map::of);
        sampler.record(20, "ws-service-27403", 1_000, 9_000 * MS);
        sampler.record(20, "ws-service-27403", 1_050, 9_010 * MS); // then SIGKILLed: no more readings
        sampler.record(21, "ws-service-27403", 2_000, 3_000 * MS); // the restart, seen first after its start-up
        sampler.record(21, "ws-service-27403", 2_500, 3_400 * MS);

        CpuUse use = sampler.between(2_000, 2_500, 2);
        assertThat(use.processes()).containsExactly("ws-service");
        assertThat(use.millis(CpuUse.WS_SERVICE)).as("only the restart worked in the window").isEqualTo(400);
        assertThat(sampler.between(1_000, 2_000, 2).millis(CpuUse.WS_SERVICE))
                .as("the restart's start-up, all of it after the first reading of the window").isEqualTo(3_010);
    }

    @Test
    void theClientsSideIsTheClientCliOrTheBenchJvmAndTheRestIsEverythingElse() {
        CpuUse use = new CpuUse(1_000, 2, Map.of(CpuUse.WS_SERVICE, 700L, CpuUse.GATEWAY, 500L, CpuUse.CLIENT, 300L,
                CpuUse.BENCH, 100L, "api-service", 150L, "consul-emulator", 50L, "publisher", 20L));
        assertThat(use.clientsMillis()).isEqualTo(400);
        assertThat(use.restMillis()).isEqualTo(220);
        assertThat(use.shareOfMachine(use.totalMillis())).isEqualTo(0.91);
        assertThat(use.measurable()).isTrue();
        assertThat(new CpuUse(100, 2, Map.of()).measurable()).as("a window of a few samples").isFalse();
    }

    @Test
    void itReadsTheRealCpuTimeOfTheProcessesItIsGivenAndOfTheBenchItself() {
        long self = ProcessHandle.current().pid();
        try (CpuSampler sampler = new CpuSampler(() -> Map.of(self, "client")).start()) {
            long from = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                burn();
                CpuUse use = sampler.between(from, System.currentTimeMillis(), 2);
                return use.millis(CpuUse.BENCH) > 0;
            });
        }
    }

    private static long burn() {
        long x = 0;
        for (int i = 0; i < 5_000_000; i++) {
            x += Long.rotateLeft(x ^ i, 7);
        }
        return x;
    }
}
