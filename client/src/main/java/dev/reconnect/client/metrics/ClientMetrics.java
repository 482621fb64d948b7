package dev.reconnect.client.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Counts what the client does, both as Micrometer meters (tagged {@code client=<name>}) and as plain
 * totals that do not depend on the registry (what {@code ReconnectingClient.stats()} reads).
 */
public final class ClientMetrics {
    private final MeterRegistry registry;
    private final String client;

    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong failedUpgrades = new AtomicLong();
    private final AtomicLong readinessRequests = new AtomicLong();
    private final AtomicLong malformedFrames = new AtomicLong();

    private final Counter reconnectCounter;
    private final Timer downtimeTimer;
    private final Counter connectAttemptCounter;
    private final Counter failedUpgradeCounter;
    private final Counter receivedCounter;
    private final Counter duplicateCounter;
    private final Counter lostCounter;
    private final Counter malformedCounter;
    private final Counter unexpectedCounter;
    private final Counter heartbeatTimeoutCounter;

    public ClientMetrics(MeterRegistry registry, String client, IntSupplier buffered) {
        this.registry = registry;
        this.client = client;
        reconnectCounter = counter(MetricNames.RECONNECTS, "Connections re-established after a loss");
        downtimeTimer = Timer.builder(MetricNames.DOWNTIME).description("From losing the connection to the next Welcome")
                .tag(MetricNames.TAG_CLIENT, client).register(registry);
        connectAttemptCounter = counter(MetricNames.CONNECT_ATTEMPTS, "WebSocket connect attempts");
        failedUpgradeCounter = counter(MetricNames.FAILED_UPGRADES, "Connect attempts that failed although readiness said ready");
        receivedCounter = counter(MetricNames.MESSAGES_RECEIVED, "Messages delivered to listeners");
        duplicateCounter = counter(MetricNames.MESSAGES_DUPLICATE, "Messages dropped as already seen");
        lostCounter = counter(MetricNames.MESSAGES_LOST, "Messages skipped by a seq jump or reported by a gap");
        malformedCounter = counter(MetricNames.FRAMES_MALFORMED, "Frames that could not be decoded");
        unexpectedCounter = counter(MetricNames.FRAMES_UNEXPECTED, "Frames that make no sense from a server at that moment");
        heartbeatTimeoutCounter = counter(MetricNames.HEARTBEAT_TIMEOUTS, "Links declared dead for silence");
        Gauge.builder(MetricNames.SEND_BUFFERED, buffered, s -> s.getAsInt())
                .description("Publishes held until acknowledged").tag(MetricNames.TAG_CLIENT, client)
                .strongReference(true).register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag(MetricNames.TAG_CLIENT, client).register(registry);
    }

    public void reconnected(Duration downtime) {
        reconnects.incrementAndGet();
        reconnectCounter.increment();
        downtimeTimer.record(downtime);
    }

    public void readinessRequest(String outcomeTag) {
        readinessRequests.incrementAndGet();
        Counter.builder(MetricNames.READINESS_REQUESTS).description("Readiness checks by outcome")
                .tag(MetricNames.TAG_CLIENT, client).tag(MetricNames.TAG_OUTCOME, outcomeTag)
                .register(registry).increment();
    }

    public void connectAttempt() {
        connectAttempts.incrementAndGet();
        connectAttemptCounter.increment();
    }

    public void connectFailed(String causeTag) {
        Counter.builder(MetricNames.CONNECT_FAILURES).description("Connect attempts that did not reach a Welcome")
                .tag(MetricNames.TAG_CLIENT, client).tag(MetricNames.TAG_CAUSE, causeTag)
                .register(registry).increment();
        failedUpgrades.incrementAndGet();
        failedUpgradeCounter.increment();
    }

    public void countReceived() {
        received.incrementAndGet();
        receivedCounter.increment();
    }

    public void countDuplicate() {
        duplicates.incrementAndGet();
        duplicateCounter.increment();
    }

    public void countLost(long count) {
        if (count > 0) {
            lost.addAndGet(count);
            lostCounter.increment(count);
        }
    }

    public void malformedFrame() {
        malformedFrames.incrementAndGet();
        malformedCounter.increment();
    }

    public void unexpectedFrame() {
        unexpectedCounter.increment();
    }

    public void heartbeatTimeout() {
        heartbeatTimeoutCounter.increment();
    }

    public void sendResult(String outcomeTag) {
        Counter.builder(MetricNames.SEND_RESULTS).description("Publishes by result")
                .tag(MetricNames.TAG_CLIENT, client).tag(MetricNames.TAG_OUTCOME, outcomeTag)
                .register(registry).increment();
    }

    public void stateEntered(String state) {
        Counter.builder(MetricNames.STATE_TRANSITIONS).description("State transitions by state entered")
                .tag(MetricNames.TAG_CLIENT, client).tag("to", state).register(registry).increment();
    }

    public long reconnects() { return reconnects.get(); }
    public long received() { return received.get(); }
    public long duplicates() { return duplicates.get(); }
    public long lost() { return lost.get(); }
    public long connectAttempts() { return connectAttempts.get(); }
    public long failedUpgrades() { return failedUpgrades.get(); }
    public long readinessRequests() { return readinessRequests.get(); }
    public long malformedFrames() { return malformedFrames.get(); }
}
