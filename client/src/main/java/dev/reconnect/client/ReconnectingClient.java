package dev.reconnect.client;

import dev.reconnect.client.backoff.FullJitterBackoff;
import dev.reconnect.client.metrics.ClientMetrics;
import dev.reconnect.client.publish.Outbox;
import dev.reconnect.client.readiness.JdkReadinessTransport;
import dev.reconnect.client.readiness.ReadinessTransport;
import dev.reconnect.client.scheduling.MonotonicClock;
import dev.reconnect.client.scheduling.Scheduler;
import dev.reconnect.client.scheduling.SerialScheduler;
import dev.reconnect.client.transport.JdkWebSocketTransport;
import dev.reconnect.client.transport.WebSocketTransport;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
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

    private final String name;
    private final ClientConfig config;
    private final ClientEngine engine;
    private final Retry retry;
    private final CircuitBreaker circuitBreaker;

    private ReconnectingClient(String name, ClientConfig config, ClientEngine engine, Retry retry,
                               CircuitBreaker circuitBreaker) {
        this.name = name;
        this.config = config;
        this.engine = engine;
        this.retry = retry;
        this.circuitBreaker = circuitBreaker;
    }

    public static Builder builder(String name, ClientConfig config) {
        return new Builder(name, config);
    }

    public static Builder builder(ClientConfig config) {
        return new Builder("client", config);
    }

    /** Starts: checks readiness, then connects. Does nothing if already started. */
    public ReconnectingClient start() {
        engine.start();
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
        return engine.lastSeq();
    }

    /** Why the client is {@link ClientState#FAILED}; empty otherwise. */
    public Optional<String> failureReason() {
        return engine.failureReason();
    }

    public ClientStats stats() {
        return engine.stats();
    }

    /** Completes with CLOSED or FAILED when the client stops for good. */
    public CompletableFuture<ClientState> terminated() {
        return engine.terminated();
    }

    /** Closes the socket with 1000 and stops; un-acked publishes fail. Returns at once. */
    public CompletableFuture<ClientState> closeAsync() {
        return engine.close();
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
        return name;
    }

    public ClientConfig config() {
        return config;
    }

    /** The Resilience4j retry that paces readiness checks and reconnects (for inspection). */
    public Retry retry() {
        return retry;
    }

    /** The Resilience4j breaker around connect attempts (for inspection). */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    @Override
    public String toString() {
        return "ReconnectingClient{" + name + ", " + state() + "}";
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
                @Override
                public void onStateChange(StateChange change) {
                    consumer.accept(change);
                }
            });
        }

        public Builder onMessage(Consumer<ReceivedMessage> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override
                public void onMessage(ReceivedMessage message) {
                    consumer.accept(message);
                }
            });
        }

        public Builder onReconnect(Consumer<ReconnectEvent> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override
                public void onReconnect(ReconnectEvent event) {
                    consumer.accept(event);
                }
            });
        }

        public Builder onProblem(Consumer<ClientProblem> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override
                public void onProblem(ClientProblem problem) {
                    consumer.accept(problem);
                }
            });
        }

        public Builder onReadinessCheck(Consumer<ReadinessCheck> consumer) {
            Objects.requireNonNull(consumer, "consumer");
            return listener(new ClientListener() {
                @Override
                public void onReadinessCheck(ReadinessCheck check) {
                    consumer.accept(check);
                }
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

            RetryConfig retryConfig = RetryConfig.custom()
                    .maxAttempts(config.giveUpAfterAttempts().orElse(Integer.MAX_VALUE))
                    .intervalBiFunction(new FullJitterBackoff(config.backoff(), rnd))
                    .retryOnException(error -> true)
                    .failAfterMaxAttempts(false)
                    .build();
            RetryRegistry retryRegistry = RetryRegistry.of(retryConfig);
            Retry retry = retryRegistry.retry(name + "-reconnect");
            TaggedRetryMetrics.ofRetryRegistry(retryRegistry).bindTo(registry);

            int failures = config.circuitBreakerFailures();
            CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                    .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                    .slidingWindowSize(failures)
                    .minimumNumberOfCalls(failures)
                    .failureRateThreshold(100f)
                    .waitDurationInOpenState(config.circuitBreakerOpenWait())
                    .permittedNumberOfCallsInHalfOpenState(1)
                    .automaticTransitionFromOpenToHalfOpenEnabled(false)
                    .recordException(error -> true)
                    .clock(clk)
                    .build();
            CircuitBreakerRegistry breakerRegistry = CircuitBreakerRegistry.of(breakerConfig);
            CircuitBreaker breaker = breakerRegistry.circuitBreaker(name + "-connect");
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakerRegistry).bindTo(registry);

            Outbox outbox = new Outbox(config.sendBufferSize());
            ClientMetrics metrics = new ClientMetrics(registry, name, outbox::size);
            ClientListener listener = new CompositeListener(List.copyOf(listeners));
            ClientEngine engine = new ClientEngine(name, config, loop, clk, sockets, readiness, listener, metrics,
                    retry, breaker, outbox, rnd);
            return new ReconnectingClient(name, config, engine, retry, breaker);
        }
    }

    private static final class CompositeListener implements ClientListener {
        private static final System.Logger LOG = System.getLogger(ReconnectingClient.class.getName());
        private final List<ClientListener> listeners;

        CompositeListener(List<ClientListener> listeners) {
            this.listeners = listeners;
        }

        private void each(Consumer<ClientListener> call) {
            for (ClientListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "a client listener threw; ignored", e);
                }
            }
        }

        @Override
        public void onStateChange(StateChange change) {
            each(l -> l.onStateChange(change));
        }

        @Override
        public void onMessage(ReceivedMessage message) {
            each(l -> l.onMessage(message));
        }

        @Override
        public void onReconnect(ReconnectEvent event) {
            each(l -> l.onReconnect(event));
        }

        @Override
        public void onProblem(ClientProblem problem) {
            each(l -> l.onProblem(problem));
        }

        @Override
        public void onReadinessCheck(ReadinessCheck check) {
            each(l -> l.onReadinessCheck(check));
        }
    }
}
