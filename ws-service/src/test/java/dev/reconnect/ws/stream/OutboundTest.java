package dev.reconnect.ws.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundTest {
    private static final int LIMIT = 1000;
    private static final long TIMEOUT_MS = 10_000;

    private final AsyncRecordingSession session = new AsyncRecordingSession();
    private final List<String> slowReasons = new ArrayList<>();
    private final AtomicInteger drained = new AtomicInteger();
    private final Outbound outbound = new Outbound(session, LIMIT, TIMEOUT_MS, slowReasons::add, drained::incrementAndGet);

    @Test
    void writesOneFrameAtATimeInTheOrderTheyWereQueued() {
        assertThat(outbound.offer("a")).isTrue();
        assertThat(outbound.offer("b")).isTrue();
        assertThat(outbound.offer("c")).isTrue();

        List<String> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            assertThat(session.writes).as("one write in flight").hasSize(1);
            AsyncRecordingSession.Write write = session.writes.poll();
            written.add(write.text());
            write.complete();
        }
        assertThat(written).containsExactly("a", "b", "c");
        assertThat(session.writes).isEmpty();
        assertThat(outbound.queuedBytes()).isZero();
    }

    @Test
    void aProducerThatCanWaitIsStoppedAtHighWaterAndWokenOnceTheQueueHasDrained() {
        String frame = "x".repeat(100);
        while (!outbound.saturated()) {
            outbound.offer(frame);
        }
        assertThat(outbound.queuedBytes()).isGreaterThanOrEqualTo(LIMIT / 2).isLessThanOrEqualTo(LIMIT);
        assertThat(drained).hasValue(0);

        while (drained.get() == 0) {
            session.writes.poll().complete();
        }
        assertThat(outbound.queuedBytes()).isLessThanOrEqualTo(LIMIT / 4);
        assertThat(slowReasons).isEmpty();
    }

    @Test
    void aQueueOverItsLimitReportsTheClientTooSlowOnceAndTakesNothingMore() {
        String frame = "x".repeat(300);
        outbound.offer(frame);
        outbound.offer(frame);
        outbound.offer(frame);
        assertThat(outbound.offer(frame)).isFalse();
        assertThat(outbound.offer("y")).isFalse();

        assertThat(slowReasons).singleElement().asString().contains("more than " + LIMIT + " bytes");
        assertThat(outbound.queuedBytes()).isZero();
    }

    @Test
    void aFrameInFlightLongerThanTheTimeoutReportsTheClientTooSlow() {
        long start = System.nanoTime();
        outbound.offer("stuck");
        outbound.checkTimeout(start + (TIMEOUT_MS / 2) * 1_000_000);
        assertThat(slowReasons).isEmpty();

        outbound.checkTimeout(start + (TIMEOUT_MS + 1000) * 1_000_000);
        assertThat(slowReasons).singleElement().asString().contains("not taken within " + TIMEOUT_MS + " ms");
        outbound.checkTimeout(start + (TIMEOUT_MS + 5000) * 1_000_000);
        assertThat(slowReasons).hasSize(1);
    }

    @Test
    void anIdleSessionIsNeverTooSlow() {
        outbound.offer("a");
        session.writes.poll().complete();
        outbound.checkTimeout(System.nanoTime() + 3_600_000_000_000L);
        assertThat(slowReasons).isEmpty();
    }

    @Test
    void writesThatCompleteOnTheCallersThreadDoNotRecurse() {
        Outbound big = new Outbound(session, 64L * 1024 * 1024, TIMEOUT_MS, slowReasons::add, drained::incrementAndGet);
        // Queue many first, so that one completion chains into all the others.
        session.completeInline = false;
        big.offer("first");
        for (int i = 0; i < 200_000; i++) {
            big.offer("m" + i);
        }
        session.completeInline = true;
        session.writes.poll().complete();

        assertThat(session.sent).hasSize(200_000);
        assertThat(big.queuedBytes()).isZero();
    }

    @Test
    void aFailedWriteStopsTheQueueWithoutCallingTheClientSlow() {
        outbound.offer("a");
        outbound.offer("b");
        session.writes.poll().fail(new java.io.IOException("Broken pipe"));

        assertThat(session.writes).isEmpty();
        assertThat(outbound.offer("c")).isFalse();
        assertThat(slowReasons).isEmpty();
    }
}
