package dev.reconnect.devkit.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.devkit.observe.ConnectJudge.Connect;
import dev.reconnect.devkit.observe.ConnectJudge.Violation;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The "connected while not ready" oracle on hand-made gateway histories and connect attempts. */
class ConnectJudgeTest {
    /** A gateway that started not ready at 1000, was ready from 5000, not ready from 20000, ready from 30000. */
    private static final ReadinessHistory GATEWAY = new ReadinessHistory(List.of(
            new ReadinessChange(1, false, 1_000),
            new ReadinessChange(2, true, 5_000),
            new ReadinessChange(3, false, 20_000),
            new ReadinessChange(4, true, 30_000)));

    private static List<Violation> judge(Connect... connects) {
        return ConnectJudge.whileNotReady(List.of(connects), List.of(GATEWAY));
    }

    @Test
    void aConnectAllowedByAReadyAnswerThatIsStillCurrentIsFine() {
        assertThat(judge(new Connect(5_010, "c1", 2), new Connect(19_000, "c2", 2), new Connect(30_001, "c3", 4)))
                .isEmpty();
    }

    @Test
    void aConnectSpreadAfterReadinessTurnedIsFineWithinTheAllowance() {
        // Told ready (index 2) just before 20000, connected up to 2.5 s after the not-ready change.
        assertThat(judge(new Connect(20_000 + ConnectJudge.CONNECT_SPREAD_ALLOWANCE_MILLIS, "c1", 2))).isEmpty();
    }

    @Test
    void aConnectOnAnAnswerThatWentOutOfDateLongBeforeIsCounted() {
        assertThat(judge(new Connect(20_000 + ConnectJudge.CONNECT_SPREAD_ALLOWANCE_MILLIS + 1, "c1", 2)))
                .singleElement().satisfies(v -> assertThat(v.why()).contains("out of date"));
    }

    @Test
    void aConnectOnANotReadyAnswerIsCountedEvenWhenReadinessSaysReadyAtThatTime() {
        assertThat(judge(new Connect(6_000, "c1", 1), new Connect(31_000, "c2", 3)))
                .extracting(v -> v.connect().client()).containsExactly("c1", "c2");
    }

    @Test
    void aReadinessIndexTheGatewayNeverReachedIsJudgedByTheLastRecordBeforeIt() {
        ReadinessHistory sparse = new ReadinessHistory(List.of(
                new ReadinessChange(10, false, 1_000), new ReadinessChange(12, true, 2_000)));
        assertThat(ConnectJudge.whileNotReady(List.of(new Connect(1_500, "c1", 11)), List.of(sparse))).hasSize(1);
        assertThat(ConnectJudge.whileNotReady(List.of(new Connect(2_500, "c1", 13)), List.of(sparse))).isEmpty();
    }

    @Test
    void anOldReadyAnswerIsFineWhenEveryLaterChangeStillSaidReady() {
        ReadinessHistory readyThroughout = new ReadinessHistory(List.of(
                new ReadinessChange(1, true, 1_000), new ReadinessChange(2, true, 2_000)));
        assertThat(ConnectJudge.whileNotReady(List.of(new Connect(60_000, "c1", 1)), List.of(readyThroughout)))
                .isEmpty();
    }

    @Test
    void aConnectWithoutReadinessIndexIsJudgedByTheStateAtItsTime() {
        assertThat(judge(new Connect(5_000, "ready-at-once", -1), new Connect(4_999, "too-early", -1),
                new Connect(25_000, "while-down", -1), new Connect(31_000, "ready-again", -1)))
                .extracting(v -> v.connect().client()).containsExactly("too-early", "while-down");
    }

    @Test
    void eachConnectIsJudgedAgainstTheGatewayProcessRunningAtItsTime() {
        // A restarted gateway numbers its answers from 1 again: index 2 means "ready" in the first
        // process and "not ready" in the second.
        ReadinessHistory first = new ReadinessHistory(List.of(
                new ReadinessChange(1, false, 1_000), new ReadinessChange(2, true, 2_000)));
        ReadinessHistory second = new ReadinessHistory(List.of(
                new ReadinessChange(1, false, 50_000), new ReadinessChange(2, false, 50_500),
                new ReadinessChange(3, true, 52_000)));
        List<Violation> violations = ConnectJudge.whileNotReady(List.of(
                new Connect(3_000, "old-gateway-ready", 2),
                new Connect(51_000, "new-gateway-not-ready", 2),
                new Connect(52_100, "new-gateway-ready", 3)), List.of(second, first));
        assertThat(violations).extracting(v -> v.connect().client()).containsExactly("new-gateway-not-ready");
    }

    @Test
    void connectsBeforeAnyGatewayRecordedAnythingAreNotJudged() {
        assertThat(judge(new Connect(500, "before-the-gateway", -1), new Connect(900, "also-before", 7))).isEmpty();
    }

    @Test
    void anIndexOlderThanTheRecordedHistoryIsCounted() {
        ReadinessHistory truncated = new ReadinessHistory(List.of(new ReadinessChange(100, true, 1_000)));
        assertThat(ConnectJudge.whileNotReady(List.of(new Connect(2_000, "c1", 50)), List.of(truncated)))
                .singleElement().satisfies(v -> assertThat(v.why()).contains("older than"));
    }

    @Test
    void theHistoryTellsNotReadySpellsInAWindow() {
        assertThat(GATEWAY.notReadyDuring(6_000, 19_999)).isEmpty();
        assertThat(GATEWAY.notReadyDuring(6_000, 20_000)).extracting(ReadinessChange::index).containsExactly(3L);
        assertThat(GATEWAY.notReadyDuring(25_000, 40_000)).extracting(ReadinessChange::index).containsExactly(3L);
        assertThat(GATEWAY.notReadyDuring(31_000, 40_000)).isEmpty();
    }

    @Test
    void mergingAFreshFetchKeepsOlderRecordsTheGatewayHasSinceDropped() {
        ReadinessHistory history = new ReadinessHistory(List.of(new ReadinessChange(1, false, 1_000),
                new ReadinessChange(2, true, 2_000)));
        history.merge(List.of(new ReadinessChange(2, true, 2_000), new ReadinessChange(3, false, 3_000)));
        assertThat(history.changes()).extracting(ReadinessChange::index).containsExactly(1L, 2L, 3L);
        assertThat(history.firstAt()).isEqualTo(1_000);
    }
}
