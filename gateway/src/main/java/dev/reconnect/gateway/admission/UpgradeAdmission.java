package dev.reconnect.gateway.admission;

import dev.reconnect.gateway.registry.RegistryView;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Whether one more WebSocket upgrade may go to the instances now: a Resilience4j rate limiter (one-second
 * cycles, no waiting) whose limit follows the capacity the routable instances registered, times the headroom.
 * No registered capacity, no limit: the gateway does not guess what the instances can take.
 */
public final class UpgradeAdmission {
    private static final Duration CYCLE = Duration.ofSeconds(1);

    private final LongSupplier connectsPerSecond;
    private final double headroom;
    private final Duration cycle;
    /**
     * Made anew when the limit changes rather than changed in place: Resilience4j applies a new limit from the
     * next cycle only, so the first crowd after an instance became passing would meet the old one.
     */
    private final AtomicReference<RateLimiter> limiter = new AtomicReference<>();

    public UpgradeAdmission(LongSupplier connectsPerSecond, double headroom) {
        this(connectsPerSecond, headroom, CYCLE);
    }

    /** With a cycle other than a second: tests make it so long that no permit comes back while they run. */
    public UpgradeAdmission(LongSupplier connectsPerSecond, double headroom, Duration cycle) {
        this.connectsPerSecond = connectsPerSecond;
        this.headroom = headroom;
        this.cycle = cycle;
    }

    public static UpgradeAdmission following(RegistryView view, AdmissionProperties properties) {
        return new UpgradeAdmission(view::connectsPerSecond, properties.headroom());
    }

    /** Empty when this upgrade is admitted; else the limit it met, in upgrades per second. */
    public OptionalLong refuse() {
        long capacity = connectsPerSecond.getAsLong();
        if (capacity <= 0) {
            return OptionalLong.empty();
        }
        int limit = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(capacity * headroom));
        RateLimiter current = limiter.updateAndGet(l -> l != null && l.getRateLimiterConfig().getLimitForPeriod() == limit
                ? l : limiterOf(limit, cycle));
        return current.acquirePermission() ? OptionalLong.empty() : OptionalLong.of(limit);
    }

    private static RateLimiter limiterOf(int perCycle, Duration cycle) {
        return RateLimiter.of("gateway-upgrades", RateLimiterConfig.custom()
                .limitRefreshPeriod(cycle)
                .limitForPeriod(perCycle)
                .timeoutDuration(Duration.ZERO)
                .build());
    }
}
