package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** One restart's numbers from hand-made opens and drops: three clients, killed at 10000 ms, passing again at 12900. */
class RecoveryTest {
    private static final long KILLED = 10_000;

    private static final List<OpenEvent> EVENTS = List.of(
            open(1_000, "a"), open(1_010, "b"), open(1_020, "c"),
            drop(10_010, "a"), drop(10_012, "b"), drop(10_015, "c"),
            open(13_000, "a"), open(13_200, "b"), drop(13_300, "b"), open(13_500, "c"), open(13_700, "b"));

    private static OpenEvent open(long at, String client) {
        return new OpenEvent(at, client, true);
    }

    private static OpenEvent drop(long at, String client) {
        return new OpenEvent(at, client, false);
    }

    @Test
    void eachClientCountsFromPassingToItsFirstOpenAfterTheKill() {
        Recovery recovery = Recovery.of(3, KILLED, OptionalLong.of(12_900), EVENTS);
        assertThat(recovery.readyToOpen()).containsExactlyInAnyOrder(100, 300, 600);
    }

    @Test
    void allOpenIsTheFirstOpenOfTheLastClientToComeBack() {
        // b dropped again at 13300 and came back at 13700: its first open after the kill (13200) counts.
        assertThat(Recovery.of(3, KILLED, OptionalLong.of(12_900), EVENTS).allOpenAt()).isEqualTo(13_500);
    }

    @Test
    void withoutAPassingMomentThereIsNoReadyToOpen() {
        Recovery recovery = Recovery.of(3, KILLED, OptionalLong.empty(), EVENTS);
        assertThat(recovery.readyToOpen()).isEmpty();
        assertThat(recovery.allOpenAt()).isEqualTo(13_500);
    }

    @Test
    void aClientThatNeverCameBackFailsTheMeasurement() {
        assertThatThrownBy(() -> Recovery.of(4, KILLED, OptionalLong.of(12_900), EVENTS))
                .isInstanceOf(BenchException.class).hasMessageContaining("only 3 of 4 clients");
    }

    @Test
    void theCurveCountsOpenClientsFromASecondBeforeTheKillToASecondAfterAllOpen() {
        Curve curve = Recovery.of(3, KILLED, OptionalLong.of(12_900), EVENTS).curve(EVENTS, KILLED);
        assertThat(curve.fromMillis()).isEqualTo(-1_000);
        assertThat(curve.stepMillis()).isEqualTo(Recovery.CURVE_STEP_MILLIS);
        assertThat(curve.toMillis()).isEqualTo(13_500 - KILLED + 1_000);
        assertThat(countAt(curve, -1_000)).isEqualTo(3);
        assertThat(countAt(curve, 0)).isEqualTo(3);
        assertThat(countAt(curve, 50)).isZero();
        assertThat(countAt(curve, 3_000)).isEqualTo(1);
        assertThat(countAt(curve, 3_250)).isEqualTo(2);
        assertThat(countAt(curve, 3_300)).isEqualTo(1);
        assertThat(countAt(curve, 3_500)).isEqualTo(2);
        assertThat(countAt(curve, 3_700)).isEqualTo(3);
    }

    @Test
    void samplesTakeEveryEventAtOrBeforeTheirTime() {
        Curve curve = Curve.sample(List.of(open(100, "a"), open(150, "b"), drop(151, "a")), 0, 0, 200, 50);
        assertThat(curve.open()).containsExactly(0, 0, 1, 2, 1);
    }

    @Test
    void clientsAreSettledOnceEachHasBeenOpenLongEnough() {
        List<OpenEvent> events = List.of(open(1_000, "a"), open(1_500, "b"), drop(2_000, "b"), open(4_000, "b"));
        assertThat(Recovery.allOpenFor(events, 2, 13_999, 10_000)).isFalse(); // b reopened 9,999 ms ago
        assertThat(Recovery.allOpenFor(events, 2, 14_000, 10_000)).isTrue();
        assertThat(Recovery.allOpenFor(events, 3, 60_000, 10_000)).isFalse(); // a third client never opened
        assertThat(Recovery.allOpenFor(List.of(open(1_000, "a"), drop(1_200, "a")), 1, 60_000, 10_000)).isFalse();
    }

    private static int countAt(Curve curve, long millis) {
        return curve.open()[(int) ((millis - curve.fromMillis()) / curve.stepMillis())];
    }
}
