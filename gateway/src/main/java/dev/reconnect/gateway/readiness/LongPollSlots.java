package dev.reconnect.gateway.readiness;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on readiness long-polls held at once, for the whole gateway and per remote address, so that
 * one client (or a crowd of them) cannot hold an unbounded number of requests open. A request over a
 * cap is told to ask again shortly instead.
 */
final class LongPollSlots {
    /** Tag value of {@code gateway.readiness.longpolls.rejected}: which cap was reached. */
    static final String CAP_GATEWAY = "gateway";
    static final String CAP_ADDRESS = "address";

    private final int maxWaiting;
    private final int maxPerAddress;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final Counter rejectedByGateway;
    private final Counter rejectedByAddress;

    LongPollSlots(int maxWaiting, int maxPerAddress, MeterRegistry meters) {
        this.maxWaiting = maxWaiting;
        this.maxPerAddress = maxPerAddress;
        Gauge.builder("gateway.readiness.longpolls.held", held, AtomicInteger::get)
                .description("readiness long-polls held open, waiting for the next change").register(meters);
        rejectedByGateway = rejected(meters, CAP_GATEWAY);
        rejectedByAddress = rejected(meters, CAP_ADDRESS);
    }

    private static Counter rejected(MeterRegistry meters, String cap) {
        return Counter.builder("gateway.readiness.longpolls.rejected").tag("cap", cap)
                .description("readiness long-polls answered 429 because a cap on held long-polls was reached")
                .register(meters);
    }

    /**
     * Takes a slot for {@code address}; the caller must {@link #release} it exactly once.
     *
     * @return null when a slot was taken, else the cap that was reached
     */
    String tryAcquire(String address) {
        if (held.incrementAndGet() > maxWaiting) {
            held.decrementAndGet();
            rejectedByGateway.increment();
            return CAP_GATEWAY;
        }
        boolean[] taken = {false};
        perAddress.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            taken[0] = true;
            return current + 1;
        });
        if (!taken[0]) {
            held.decrementAndGet();
            rejectedByAddress.increment();
            return CAP_ADDRESS;
        }
        return null;
    }

    void release(String address) {
        perAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
        held.decrementAndGet();
    }

    int held() {
        return held.get();
    }
}
