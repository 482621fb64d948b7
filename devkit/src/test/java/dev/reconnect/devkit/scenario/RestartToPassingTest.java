package dev.reconnect.devkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.observe.ReadinessHistory;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * restart_to_passing_ms computed from hand-made gateway readiness histories: from the stop to the
 * first "ready" record that ends the not-ready spell the stop caused.
 */
class RestartToPassingTest {

    private static OptionalLong measure(long stoppedAt, ReadinessChange... changes) {
        return ScenarioRun.restartToPassingMillis(List.of(new ReadinessHistory(List.of(changes))), stoppedAt);
    }

    private static ReadinessChange ready(long index, long at) {
        return new ReadinessChange(index, true, at);
    }

    private static ReadinessChange notReady(long index, long at) {
        return new ReadinessChange(index, false, at);
    }

    @Test
    void aKillIsMeasuredToTheFirstReadyRecordAfterTheSpellItCaused() {
        // SIGKILL at 10000; the gateway takes the instance out at 10005, the registry drops it at 10900
        // (a second not-ready record: the count changed), the restarted instance passes at 17400.
        assertThat(measure(10_000, ready(1, 1_000), notReady(2, 10_005), notReady(3, 10_900), ready(4, 17_400),
                notReady(5, 40_000), ready(6, 41_000)))
                .hasValue(7_400);
    }

    @Test
    void readyRecordsBeforeTheSpellAreOtherNewsNotRecovery() {
        // Two instances: one goes (still ready, count 2 -> 1), api-service's count moves (still ready), then
        // the other ws-service goes (not ready), then one is back.
        assertThat(measure(10_000, ready(1, 1_000), ready(2, 10_003), ready(3, 10_006), notReady(4, 10_010),
                ready(5, 15_000)))
                .hasValue(5_000);
    }

    @Test
    void aSpellThatEndedBeforeTheStopDoesNotCount() {
        assertThat(measure(10_000, notReady(1, 1_000), ready(2, 5_000), notReady(3, 10_020), ready(4, 14_000)))
                .hasValue(4_000);
    }

    @Test
    void aStopWhileAlreadyNotReadyIsMeasuredToTheEndOfThatSpell() {
        assertThat(measure(10_000, ready(1, 1_000), notReady(2, 9_000), notReady(3, 11_000), ready(4, 12_000)))
                .hasValue(2_000);
    }

    @Test
    void aRecordAtTheVeryMillisecondOfTheStopIsWhatReadinessSaidAtTheStop() {
        assertThat(measure(10_000, ready(1, 1_000), notReady(2, 10_000), ready(3, 13_000))).hasValue(3_000);
    }

    @Test
    void eachOfSeveralStopsIsMatchedWithItsOwnSpell() {
        ReadinessChange[] tenRestartsInShort = {ready(1, 1_000), notReady(2, 10_010), ready(3, 16_000),
                notReady(4, 20_008), ready(5, 29_000)};
        assertThat(measure(10_000, tenRestartsInShort)).hasValue(6_000);
        assertThat(measure(20_000, tenRestartsInShort)).hasValue(9_000);
    }

    @Test
    void readinessThatNeverSaidNotReadyAfterTheStopGivesNoMeasure() {
        assertThat(measure(10_000, ready(1, 1_000), notReady(2, 3_000), ready(3, 5_000), ready(4, 12_000)))
                .isEmpty();
    }

    @Test
    void aSpellThatHasNotEndedGivesNoMeasure() {
        assertThat(measure(10_000, ready(1, 1_000), notReady(2, 10_005), notReady(3, 10_900))).isEmpty();
    }

    @Test
    void theHistoryOfTheGatewayRunningAtTheStopIsUsed() {
        // A gateway restart in between: the new process counts its indexes from 1 again.
        ReadinessHistory before = new ReadinessHistory(List.of(ready(1, 1_000), notReady(2, 40_010),
                ready(3, 42_000), notReady(4, 72_000)));
        ReadinessHistory after = new ReadinessHistory(List.of(notReady(1, 60_000), ready(2, 61_000),
                notReady(3, 70_005), ready(4, 75_000)));
        List<ReadinessHistory> gateways = List.of(after, before); // in no particular order
        assertThat(ScenarioRun.restartToPassingMillis(gateways, 40_000)).hasValue(2_000);
        assertThat(ScenarioRun.restartToPassingMillis(gateways, 70_000)).hasValue(5_000);
    }

    @Test
    void aStopBeforeAnyGatewayRecordedAnythingGivesNoMeasure() {
        assertThat(measure(500, notReady(1, 1_000), ready(2, 5_000))).isEmpty();
        assertThat(ScenarioRun.restartToPassingMillis(List.of(new ReadinessHistory()), 10_000)).isEmpty();
    }
}
