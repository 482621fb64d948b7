package dev.reconnect.client;

import dev.reconnect.client.metrics.ClientMetrics;
import dev.reconnect.client.policy.BreakerState;
import dev.reconnect.client.policy.ConnectPolicy;
import dev.reconnect.client.publish.Outbox;
import dev.reconnect.client.readiness.JdkReadinessTransport;
import dev.reconnect.client.readiness.ReadinessTransport;
import dev.reconnect.client.scheduling.MonotonicClock;
import dev.reconnect.client.scheduling.Scheduler;
import dev.reconnect.client.scheduling.SerialScheduler;
import dev.reconnect.client.stream.SequenceTracker;
import dev.reconnect.client.transport.JdkWebSocketTransport;
import dev.reconnect.client.transport.WebSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A WebSocket client that reconnects through a gateway only when the gateway's readiness API says
 * the service can take it, then resumes after the last message it saw: nothing lost, nothing twice.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.custom().gateway("http://127.0.0.1:8080").build();
 * ReconnectingClient client = ReconnectingClient.builder("client-1", config)
 *         .onMessage(m -> System.out.println("#" + m.seq() + " " + m.body()))
 *         .build()
 *         .start();
 * client.send("hello").thenAccept(seq -> System.out.println("stored as #" + seq));
 * }</pre>
 *
 * All state lives on one serial event loop; see {@link ClientState} for the states.
 */
public final class ReconnectingClient implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ClientContext ctx;
    private final ConnectPolicy policy;
    private final CompletableFuture<ClientState> terminated = new CompletableFuture<>();
    private final ClientEngine engine;

    private ReconnectingClient(ClientContext ctx, ConnectPolicy policy, ReadinessTransport readiness) {
        this.ctx = ctx;
        this.policy = policy;
        this.engine = new ClientEngine(ctx, policy, readiness, terminated);
    }

    public static Builder builder(String name, ClientConfig config) {
        return new Builder(name, config);
    }

    public static Builder builder(ClientConfig config) {
        return new Builder("client", config);
    }

    /** Starts from the beginning of the stream: {@link #start(long) start(0)}. */
    public ReconnectingClient start() {
        return start(0);
    }

    /**
     * Starts: checks readiness, then connects and resumes after {@code lastSeq} (the last seq this
     * application already has; 0 for everything). Does nothing if already started.
     */
    public ReconnectingClient start(long lastSeq) {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("the resume position must not be negative, was " + lastSeq);
        }
        engine.start(lastSeq);
        return this;
    }

    /**
     * Publishes {@code body} through the socket. The future completes with the seq from the server's
     * Ack. While disconnected the publish is held (up to {@link ClientConfig#sendBufferSize()}; beyond
     * that the future fails at once with a {@link dev.reconnect.client.publish.SendBufferFullException})
     * and sent after the next Welcome; a publish without an Ack is resent after a reconnect under the
     * same key, so the server stores it once. An Error frame for it with a retryable code
     * ({@link dev.reconnect.protocol.ErrorCodes#isRetryable}) keeps it and sends it again under the
     * same key; any other code fails the future with a
     * {@link dev.reconnect.client.publish.PublishRejectedException}. A body the server would refuse
     * for its size fails at once with an {@link IllegalArgumentException} carrying the server's message.
     */
    public CompletableFuture<Long> send(String body) {
        return engine.send(body);
    }

    public ClientState state() {
        return engine.state();
    }

    /** The last seq delivered (or skipped by a gap); the next connection resumes after it. */
    public long lastSeq() {
        return ctx.sequence().lastSeq();
    }

    /** Why the client is {@link ClientState#FAILED}; empty otherwise. */
    public Optional<String> failureReason() {
        return engine.failureReason();
    }

    public ClientStats stats() {
        ClientMetrics m = ctx.metrics();
        return new ClientStats(ctx.name(), state(), lastSeq(), m.received(), m.duplicates(), m.lost(), m.reconnects(),
                m.connectAttempts(), m.failedUpgrades(), m.readinessRequests(), m.malformedFrames(),
                ctx.outbox().size(), failureReason());
    }

    /** Completes with CLOSED or FAILED when the client stops for good. */
    public CompletableFuture<ClientState> terminated() {
        return terminated;
    }

    /** Closes the socket with 1000 and stops; un-acked publishes fail. Returns at once. */
    public CompletableFuture<ClientState> closeAsync() {
        engine.close();
        return terminated;
    }

    /** {@link #closeAsync()} and waits (a few seconds at most) until the loop has processed it. */
    @Override
    public void close() {
        try {
            closeAsync().get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the close command is queued; nothing more to do
        }
    }

    public String name() {
        return ctx.name();
    }

    public ClientConfig config() {
        return ctx.config();
    }

    /** Whether the breaker around connect attempts lets one through now (for inspection). */
    public BreakerState circuitBreakerState() {
        return policy.breakerState();
    }

    @Override
    public String toString() {
        return "ReconnectingClient{" + ctx.name() + ", " + state() + "}";
    }

    /** Wires a client: its name, config, listeners, and (for tests or sharing) clock, loop, transports, registry. */
    public static final class Builder {
        private static final class SharedHttp {
            static final HttpClient CLIENT = HttpClient.newBuilder().build();
        }

        private final String name;
        private final ClientConfig config;
        private final List<ClientListener> listeners = new ArrayList<>();
        private Clock clock;
        private Scheduler scheduler;
        private MeterRegistry meterRegistry;
        private HttpClient httpClient;
        private WebSocketTransport webSocketTransport;
        private ReadinessTransport readinessTransport;
        private RandomGenerator random;

        private Builder(String name, ClientConfig config) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder listener(ClientListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Builder onStateChange(Consumer<StateChange> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override public void onStateChange(StateChange change) { consumer.accept(change); }
            });
        }

        public Builder onMessage(Consumer<ReceivedMessage> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override public void onMessage(ReceivedMessage message) { consumer.accept(message); }
            });
        }

        public Builder onReconnect(Consumer<ReconnectEvent> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override public void onReconnect(ReconnectEvent event) { consumer.accept(event); }
            });
        }

        public Builder onProblem(Consumer<ClientProblem> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override public void onProblem(ClientProblem problem) { consumer.accept(problem); }
            });
        }

        public Builder onReadinessCheck(Consumer<ReadinessCheck> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override public void onReadinessCheck(ReadinessCheck check) { consumer.accept(check); }
            });
        }

        /** The clock for every timestamp and duration (default: wall-clock start, monotonic after). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The event loop (default: a new {@link SerialScheduler} on shared daemon threads). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Where the {@code client.*} meters and Resilience4j's meters go (default: a private SimpleMeterRegistry). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /** The JDK HTTP client for readiness and WebSocket (default: one shared by all clients). */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        public Builder webSocketTransport(WebSocketTransport transport) {
            this.webSocketTransport = Objects.requireNonNull(transport, "webSocketTransport");
            return this;
        }

        public Builder readinessTransport(ReadinessTransport transport) {
            this.readinessTransport = Objects.requireNonNull(transport, "readinessTransport");
            return this;
        }

        /** The source of backoff jitter (default: a new randomly seeded generator per client). */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        public ReconnectingClient build() {
            Clock clk = clock != null ? clock : MonotonicClock.create();
            Scheduler loop = scheduler != null ? scheduler : SerialScheduler.create();
            MeterRegistry registry = meterRegistry != null ? meterRegistry : new SimpleMeterRegistry();
            HttpClient http = httpClient != null ? httpClient : SharedHttp.CLIENT;
            WebSocketTransport sockets = webSocketTransport != null ? webSocketTransport : new JdkWebSocketTransport(http);
            ReadinessTransport readiness = readinessTransport != null ? readinessTransport : new JdkReadinessTransport(http);
            RandomGenerator rnd = random != null ? random : new SplittableRandom();

            Outbox outbox = new Outbox(config.sendBufferSize());
            ClientMetrics metrics = new ClientMetrics(registry, name, outbox::size);
            ClientListener listener = new CompositeListener(List.copyOf(listeners));
            ClientContext ctx = new ClientContext(name, config, loop, clk, rnd, sockets, new SequenceTracker(0), outbox,
                    metrics, listener);
            ConnectPolicy policy = ConnectPolicy.create(name, config, clk, rnd, registry);
            return new ReconnectingClient(ctx, policy, readiness);
        }
    }
}
