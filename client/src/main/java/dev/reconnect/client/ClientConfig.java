package dev.reconnect.client;

import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.protocol.Paths;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Immutable settings of a {@link ReconnectingClient}, one record per concern. Every value has a
 * default except the gateway; {@link #custom()} builds one setting at a time. Every record checks
 * its values when made, so a bad setting fails where it is given, with the reason.
 *
 * @param sendBufferSize most publishes held without an ack (default 1000); more fail at once
 */
public record ClientConfig(Endpoints endpoints, ReadinessPolling readiness, BackoffConfig backoff,
                           Connection connection, Breaker breaker, GiveUp giveUp, int sendBufferSize) {
    /** A Welcome's heartbeat interval times this is the default heartbeat timeout. */
    public static final int HEARTBEAT_MISSES = 3;
    /** Heartbeat timeout when neither configured nor announced by the server. */
    public static final Duration FALLBACK_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    public ClientConfig {
        Objects.requireNonNull(endpoints, "endpoints");
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(giveUp, "giveUp");
        if (sendBufferSize < 1) {
            throw new IllegalArgumentException("send buffer size must be at least 1, was " + sendBufferSize);
        }
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * @param gateway       the gateway's base URI (http or https), e.g. {@code http://127.0.0.1:8080}
     * @param readinessPath path of the readiness API on the gateway (default {@link Paths#READINESS})
     * @param webSocket     default: the gateway with ws/wss and {@link Paths#WEBSOCKET}
     */
    public record Endpoints(URI gateway, String readinessPath, URI webSocket) {
        public Endpoints {
            requireGateway(gateway);
            requireReadinessPath(readinessPath);
            requireWebSocket(webSocket);
        }

        static URI requireGateway(URI gateway) {
            Objects.requireNonNull(gateway, "gateway");
            String scheme = gateway.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                    || gateway.getHost() == null) {
                throw new IllegalArgumentException("gateway must be an http(s) URI with a host, e.g. "
                        + "http://127.0.0.1:8080, was " + gateway);
            }
            if (gateway.getRawQuery() != null || gateway.getRawFragment() != null) {
                throw new IllegalArgumentException("gateway must not have a query or fragment: " + gateway);
            }
            return gateway;
        }

        static String requireReadinessPath(String path) {
            if (!Objects.requireNonNull(path, "readinessPath").startsWith("/")) {
                throw new IllegalArgumentException("readiness path must start with '/', was " + path);
            }
            return path;
        }

        static URI requireWebSocket(URI uri) {
            String scheme = Objects.requireNonNull(uri, "webSocketUri").getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
                throw new IllegalArgumentException("WebSocket URI must be ws:// or wss://, was " + uri);
            }
            return uri;
        }

        /** {@code gateway + readinessPath}. */
        public URI readinessUri() {
            return URI.create(stripSlash(gateway.toString()) + readinessPath);
        }

        static URI deriveWebSocketUri(URI gateway) {
            String scheme = "https".equalsIgnoreCase(gateway.getScheme()) ? "wss" : "ws";
            return URI.create(scheme + ":" + stripSlash(gateway.getRawSchemeSpecificPart()) + Paths.WEBSOCKET);
        }

        private static String stripSlash(String text) {
            return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        }
    }

    /**
     * @param longPollWait how long a long-poll asks the gateway to hold the request (default 30 s)
     * @param timeout      of a plain request, and extra time allowed beyond a long-poll's wait (default 5 s)
     */
    public record ReadinessPolling(Duration longPollWait, Duration timeout) {
        public static final ReadinessPolling DEFAULT = new ReadinessPolling(Duration.ofSeconds(30), Duration.ofSeconds(5));

        public ReadinessPolling {
            positive(longPollWait, "readiness wait");
            positive(timeout, "readiness timeout");
        }
    }

    /**
     * @param connectTimeout   from starting to open a socket to the Welcome (default 10 s); longer is a failed upgrade
     * @param heartbeatTimeout silence after which the link is dead; empty = {@link #HEARTBEAT_MISSES} × the
     *                         Welcome's heartbeat
     * @param minimumUptime    a connection must stay open this long before the backoff is reset (default 5 s)
     */
    public record Connection(Duration connectTimeout, Optional<Duration> heartbeatTimeout, Duration minimumUptime) {
        public static final Connection DEFAULT =
                new Connection(Duration.ofSeconds(10), Optional.empty(), Duration.ofSeconds(5));

        public Connection {
            positive(connectTimeout, "connect timeout");
            Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout").ifPresent(t -> positive(t, "heartbeat timeout"));
            Objects.requireNonNull(minimumUptime, "minimumUptime");
            if (minimumUptime.isNegative()) {
                throw new IllegalArgumentException("minimum uptime must not be negative, was " + minimumUptime);
            }
        }

        /** The configured timeout, else what the server's announced heartbeat interval implies. */
        public Duration heartbeatTimeout(long announcedHeartbeatMillis) {
            if (heartbeatTimeout.isPresent()) {
                return heartbeatTimeout.get();
            }
            return announcedHeartbeatMillis > 0 ? Duration.ofMillis(announcedHeartbeatMillis * HEARTBEAT_MISSES)
                    : FALLBACK_HEARTBEAT_TIMEOUT;
        }
    }

    /**
     * @param failures failed upgrades in a row that open the circuit breaker (default 3)
     * @param openWait how long the open breaker refuses connect attempts (default 5 s)
     */
    public record Breaker(int failures, Duration openWait) {
        public static final Breaker DEFAULT = new Breaker(3, Duration.ofSeconds(5));

        public Breaker {
            if (failures < 1) {
                throw new IllegalArgumentException("circuit breaker failures must be at least 1, was " + failures);
            }
            positive(openWait, "circuit breaker open wait");
        }
    }

    /**
     * When to stop for good ({@link ClientState#FAILED}) during one outage; empty = never.
     *
     * @param attempts after this many failed attempts
     * @param after    when the outage lasts this long
     */
    public record GiveUp(OptionalInt attempts, Optional<Duration> after) {
        public static final GiveUp NEVER = new GiveUp(OptionalInt.empty(), Optional.empty());

        public GiveUp {
            Objects.requireNonNull(attempts, "attempts");
            if (attempts.isPresent() && attempts.getAsInt() < 1) {
                throw new IllegalArgumentException("give-up attempts must be at least 1, was " + attempts.getAsInt());
            }
            Objects.requireNonNull(after, "after").ifPresent(limit -> positive(limit, "give-up time"));
        }
    }

    private static Duration positive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    /** Builds a {@link ClientConfig} one setting at a time; every setter validates at once. */
    public static final class Builder {
        private URI gateway;
        private String readinessPath = Paths.READINESS;
        private URI webSocketUri;
        private ReadinessPolling readiness = ReadinessPolling.DEFAULT;
        private BackoffConfig backoff = BackoffConfig.DEFAULT;
        private Connection connection = Connection.DEFAULT;
        private Breaker breaker = Breaker.DEFAULT;
        private GiveUp giveUp = GiveUp.NEVER;
        private int sendBufferSize = 1000;

        private Builder() {}

        /** The gateway's base URI (http or https), e.g. {@code http://127.0.0.1:8080}. Required. */
        public Builder gateway(URI gateway) {
            this.gateway = Endpoints.requireGateway(gateway);
            return this;
        }

        public Builder gateway(String gateway) {
            try {
                return gateway(URI.create(Objects.requireNonNull(gateway, "gateway")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().startsWith("gateway") ? e.getMessage()
                        : "gateway is not a valid URI: " + gateway, e);
            }
        }

        public Builder readinessPath(String path) {
            this.readinessPath = Endpoints.requireReadinessPath(path);
            return this;
        }

        /** Overrides the WebSocket URI derived from the gateway (e.g. a test server on another port). */
        public Builder webSocketUri(URI uri) {
            this.webSocketUri = Endpoints.requireWebSocket(uri);
            return this;
        }

        public Builder backoff(BackoffConfig backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /** Shortcut for {@code backoff(new BackoffConfig(initial, multiplier, max))}. */
        public Builder backoff(Duration initial, double multiplier, Duration max) {
            return backoff(new BackoffConfig(initial, multiplier, max));
        }

        public Builder readinessWait(Duration wait) {
            readiness = new ReadinessPolling(wait, readiness.timeout());
            return this;
        }

        public Builder readinessTimeout(Duration timeout) {
            readiness = new ReadinessPolling(readiness.longPollWait(), timeout);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            connection = new Connection(timeout, connection.heartbeatTimeout(), connection.minimumUptime());
            return this;
        }

        /** A fixed heartbeat timeout instead of {@link #HEARTBEAT_MISSES} × the server's interval. */
        public Builder heartbeatTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "heartbeat timeout");
            connection = new Connection(connection.connectTimeout(), Optional.of(timeout), connection.minimumUptime());
            return this;
        }

        public Builder minimumUptime(Duration uptime) {
            connection = new Connection(connection.connectTimeout(), connection.heartbeatTimeout(), uptime);
            return this;
        }

        public Builder sendBufferSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("send buffer size must be at least 1, was " + size);
            }
            this.sendBufferSize = size;
            return this;
        }

        /**
         * FAILED after {@code attempts} failed attempts in one outage. Paced tries do not count: a busy
         * gateway (4004), a full instance (4002) or a breaker that is still open only slow the client down.
         */
        public Builder giveUpAfterAttempts(int attempts) {
            giveUp = new GiveUp(OptionalInt.of(attempts), giveUp.after());
            return this;
        }

        public Builder giveUpAfter(Duration outage) {
            Objects.requireNonNull(outage, "give-up time");
            giveUp = new GiveUp(giveUp.attempts(), Optional.of(outage));
            return this;
        }

        public Builder circuitBreaker(int failures, Duration openWait) {
            breaker = new Breaker(failures, openWait);
            return this;
        }

        public ClientConfig build() {
            if (gateway == null) {
                throw new IllegalStateException("gateway is required");
            }
            URI webSocket = webSocketUri != null ? webSocketUri : Endpoints.deriveWebSocketUri(gateway);
            return new ClientConfig(new Endpoints(gateway, readinessPath, webSocket), readiness, backoff, connection,
                    breaker, giveUp, sendBufferSize);
        }
    }
}
