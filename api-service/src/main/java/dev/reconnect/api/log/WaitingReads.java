package dev.reconnect.api.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/** Counts the long-polls held at once and refuses one beyond {@code log.max-waiting-reads}. */
@Component
public class WaitingReads {
    private final AtomicInteger held = new AtomicInteger();
    private final int max;
    private final Counter rejected;

    public WaitingReads(LogProperties properties, MeterRegistry meters) {
        this.max = properties.maxWaitingReads();
        Gauge.builder("log.reads.waiting", held, AtomicInteger::get)
                .description("long-polls held now").register(meters);
        this.rejected = Counter.builder("log.reads.waiting.rejected")
                .description("long-polls refused with 429: too many held").register(meters);
    }

    /**
     * Takes a place for one held read.
     *
     * @return what gives the place back (once, however often it is run)
     * @throws TooManyWaitingReadsException when every place is taken
     */
    public Runnable hold() {
        if (held.incrementAndGet() > max) {
            held.decrementAndGet();
            rejected.increment();
            throw new TooManyWaitingReadsException(max);
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                held.decrementAndGet();
            }
        };
    }

    public int held() {
        return held.get();
    }
}
