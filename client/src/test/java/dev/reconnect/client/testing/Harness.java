package dev.reconnect.client.testing;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.StateChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/** A client wired to fakes, recording every event it tells its listener. */
public final class Harness extends RecordingListener {
    public final FakeClock clock = new FakeClock();
    public final FakeScheduler scheduler = new FakeScheduler(clock);
    public final FakeReadiness readiness = new FakeReadiness();
    public final FakeSockets sockets = new FakeSockets();
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final ReconnectingClient client;

    public Harness() {
        this(c -> c, new SplittableRandom(42));
    }

    public Harness(UnaryOperator<ClientConfig.Builder> config) {
        this(config, new SplittableRandom(42));
    }

    /** @param random the jitter source; null = the client's default (randomly seeded) */
    public Harness(UnaryOperator<ClientConfig.Builder> config, RandomGenerator random) {
        ClientConfig.Builder builder = ClientConfig.custom()
                .gateway("http://gateway.test:8080")
                .backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));
        ReconnectingClient.Builder builder2 = ReconnectingClient.builder("client-1", config.apply(builder).build())
                .clock(clock)
                .scheduler(scheduler)
                .readinessTransport(readiness)
                .webSocketTransport(sockets)
                .meterRegistry(registry)
                .listener(this);
        if (random != null) {
            builder2.random(random);
        }
        client = builder2.build();
    }

    public Harness start() {
        client.start();
        return this;
    }

    /** Starts resuming after {@code lastSeq}. */
    public Harness start(long lastSeq) {
        client.start(lastSeq);
        return this;
    }

    public void advance(Duration duration) {
        scheduler.advance(duration);
    }

    public ClientState state() {
        return client.state();
    }

    public List<ClientState> stateSequence() {
        return states.stream().map(StateChange::to).collect(Collectors.toList());
    }

    /** A jitter source that always picks the top of the range, so that delays equal the backoff ceiling. */
    public static RandomGenerator alwaysMax() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
    }

    public double counter(String name, String... tags) {
        Counter counter = registry.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
