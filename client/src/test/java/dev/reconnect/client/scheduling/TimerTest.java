package dev.reconnect.client.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.testing.FakeClock;
import dev.reconnect.client.testing.FakeScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerTest {
    private final FakeScheduler loop = new FakeScheduler(new FakeClock());
    private final Timer timer = new Timer(loop);
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsOnceWhenDueAndCountsTheTry() {
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
        loop.advance(Duration.ofMillis(999));
        assertThat(ran).isEmpty();
        assertThat(timer.isPending()).isTrue();

        loop.advance(Duration.ofMillis(1));
        assertThat(ran).containsExactly("a");
        assertThat(timer.tries()).isEqualTo(1);
        assertThat(timer.isPending()).isFalse();
        loop.advance(Duration.ofMinutes(1));
        assertThat(ran).containsExactly("a");
    }

    @Test
    void schedulingAgainReplacesWhatWasPending() {
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("first"));
        timer.schedule(Duration.ofSeconds(2), () -> ran.add("second"));
        loop.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("second");
    }

    @Test
    void aCancelledTaskNeverRuns() {
        timer.schedule(Duration.ofSeconds(1), () -> ran.add("a"));
        timer.cancel();
        loop.advance(Duration.ofSeconds(5));
        assertThat(ran).isEmpty();
        assertThat(timer.tries()).isZero();
    }

    @Test
    void aTaskTheSchedulerAlreadyHandedOverDoesNotRunOnceCancelled() {
        // A scheduler whose cancel comes too late: the task is already on its way to the loop.
        List<Runnable> handedOver = new ArrayList<>();
        Timer late = new Timer(new Scheduler() {
            @Override
            public void execute(Runnable task) {
                task.run();
            }

            @Override
            public Cancellable schedule(Duration delay, Runnable task) {
                handedOver.add(task);
                return Cancellable.NONE;
            }
        });
        late.schedule(Duration.ofSeconds(1), () -> ran.add("old"));
        late.schedule(Duration.ofSeconds(1), () -> ran.add("new"));
        handedOver.forEach(Runnable::run);
        assertThat(ran).containsExactly("new");
    }

    @Test
    void triesGrowWithEveryFiringUntilReset() {
        for (int i = 0; i < 3; i++) {
            timer.schedule(Duration.ofMillis(100L << timer.tries()), () -> ran.add("try"));
            loop.advance(loop.nextTimer().orElseThrow());
        }
        assertThat(timer.tries()).isEqualTo(3);

        timer.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));
        timer.resetTries();
        assertThat(timer.tries()).isZero();
        assertThat(timer.isPending()).as("resetTries leaves the pending task alone").isTrue();

        timer.reset();
        loop.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("try", "try", "try");
        assertThat(timer.tries()).isZero();
    }
}
