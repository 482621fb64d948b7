package dev.reconnect.client;

import dev.reconnect.client.backoff.BackoffConfig;
import dev.reconnect.protocol.Paths;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Immutable settings of a {@link ReconnectingClient}, built with {@link #custom()} (Resilience4j style).
 * Every value has a default except the gateway.
 */
public final class ClientConfig {
    /** A Welcome's heartbeat interval times this is the default heartbeat timeout. */
    public static final int HEARTBEAT_MISSES = 3;
    /** Heartbeat timeout when neither configured nor announced by the server. */
    public static final Duration FALLBACK_HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

    private final URI gateway;
    private final String readinessPath;
    private final URI webSocketUri;
    private final BackoffConfig backoff;
    private final Duration readinessWait;
    private final Duration readinessTimeout;
    private final Duration connectTimeout;
    private final Optional<Duration> heartbeatTimeout;
    private final Duration minimumUptime;
    private final int sendBufferSize;
    private final OptionalInt giveUpAfterAttempts;
    private final Optional<Duration> giveUpAfter;
    private final int circuitBreakerFailures;
    private final Duration circuitBreakerOpenWait;
    private final long resumeAfter;

    private ClientConfig(Builder b) {
        this.gateway = b.gateway;
        this.readinessPath = b.readinessPath;
        this.webSocketUri = b.webSocketUri != null ? b.webSocketUri : deriveWebSocketUri(b.gateway);
        this.backoff = b.backoff;
        this.readinessWait = b.readinessWait;
        this.readinessTimeout = b.readinessTimeout;
        this.connectTimeout = b.connectTimeout;
        this.heartbeatTimeout = Optional.ofNullable(b.heartbeatTimeout);
        this.minimumUptime = b.minimumUptime;
        this.sendBufferSize = b.sendBufferSize;
        this.giveUpAfterAttempts = b.giveUpAfterAttempts == null ? OptionalInt.empty() : OptionalInt.of(b.giveUpAfterAttempts);
        this.giveUpAfter = Optional.ofNullable(b.giveUpAfter);
        this.circuitBreakerFailures = b.circuitBreakerFailures;
        this.circuitBreakerOpenWait = b.circuitBreakerOpenWait;
        this.resumeAfter = b.resumeAfter;
    }

    public static Builder custom() {
        return new Builder();
    }

    /** A builder starting from {@code base}'s values. */
    public static Builder from(ClientConfig base) {
        return new Builder(base);
    }

    /** The gateway's base URI, e.g. {@code http://127.0.0.1:8080}. */
    public URI gateway() { return gateway; }

    /** Path of the readiness API on the gateway (default {@link Paths#READINESS}). */
    public String readinessPath() { return readinessPath; }

    /** {@code gateway + readinessPath}. */
    public URI readinessUri() {
        return URI.create(stripSlash(gateway.toString()) + readinessPath);
    }

    /** The WebSocket URI (default: the gateway with ws/wss and {@link Paths#WEBSOCKET}). */
    public URI webSocketUri() { return webSocketUri; }

    public BackoffConfig backoff() { return backoff; }

    /** How long a long-poll asks the gateway to hold the request (default 30 s). */
    public Duration readinessWait() { return readinessWait; }

    /** Timeout of a plain readiness request, and extra time allowed beyond a long-poll's wait (default 5 s). */
    public Duration readinessTimeout() { return readinessTimeout; }

    /** From starting to open a socket to the Welcome (default 10 s); longer counts as a failed upgrade. */
    public Duration connectTimeout() { return connectTimeout; }

    /** Silence after which the link is dead; empty = {@link #HEARTBEAT_MISSES} × the Welcome's heartbeat. */
    public Optional<Duration> heartbeatTimeout() { return heartbeatTimeout; }

    /** A connection must stay open this long before the backoff is reset (default 5 s). */
    public Duration minimumUptime() { return minimumUptime; }

    /** Most publishes held without an ack (default 1000); more fail at once. */
    public int sendBufferSize() { return sendBufferSize; }

    /** Give up (FAILED) after this many failed attempts in one outage; empty = never. */
    public OptionalInt giveUpAfterAttempts() { return giveUpAfterAttempts; }

    /** Give up (FAILED) when an outage lasts this long; empty = never. */
    public Optional<Duration> giveUpAfter() { return giveUpAfter; }

    /** Failed upgrades in a row that open the circuit breaker (default 3). */
    public int circuitBreakerFailures() { return circuitBreakerFailures; }

    /** How long the open breaker refuses connect attempts (default 5 s). */
    public Duration circuitBreakerOpenWait() { return circuitBreakerOpenWait; }

    /** The last seq already seen before this client starts (default 0: everything). */
    public long resumeAfter() { return resumeAfter; }

    static URI deriveWebSocketUri(URI gateway) {
        String scheme = "https".equalsIgnoreCase(gateway.getScheme()) ? "wss" : "ws";
        String rest = stripSlash(gateway.getRawSchemeSpecificPart());
        return URI.create(scheme + ":" + rest + Paths.WEBSOCKET);
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public String toString() {
        return "ClientConfig{gateway=" + gateway + ", readinessPath=" + readinessPath + ", webSocketUri=" + webSocketUri
                + ", backoff=" + backoff + ", readinessWait=" + readinessWait + ", connectTimeout=" + connectTimeout
                + ", heartbeatTimeout=" + heartbeatTimeout + ", minimumUptime=" + minimumUptime
                + ", sendBufferSize=" + sendBufferSize + ", giveUpAfterAttempts=" + giveUpAfterAttempts
                + ", giveUpAfter=" + giveUpAfter + ", circuitBreakerFailures=" + circuitBreakerFailures
                + ", circuitBreakerOpenWait=" + circuitBreakerOpenWait + "}";
    }

    /** Builds a {@link ClientConfig}; every setter validates at once. */
    public static final class Builder {
        private URI gateway;
        private String readinessPath = Paths.READINESS;
        private URI webSocketUri;
        private BackoffConfig backoff = BackoffConfig.DEFAULT;
        private Duration readinessWait = Duration.ofSeconds(30);
        private Duration readinessTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration heartbeatTimeout;
        private Duration minimumUptime = Duration.ofSeconds(5);
        private int sendBufferSize = 1000;
        private Integer giveUpAfterAttempts;
        private Duration giveUpAfter;
        private int circuitBreakerFailures = 3;
        private Duration circuitBreakerOpenWait = Duration.ofSeconds(5);
        private long resumeAfter;

        private Builder() {}

        private Builder(ClientConfig base) {
            gateway = base.gateway;
            readinessPath = base.readinessPath;
            webSocketUri = base.webSocketUri;
            backoff = base.backoff;
            readinessWait = base.readinessWait;
            readinessTimeout = base.readinessTimeout;
            connectTimeout = base.connectTimeout;
            heartbeatTimeout = base.heartbeatTimeout.orElse(null);
            minimumUptime = base.minimumUptime;
            sendBufferSize = base.sendBufferSize;
            giveUpAfterAttempts = base.giveUpAfterAttempts.isPresent() ? base.giveUpAfterAttempts.getAsInt() : null;
            giveUpAfter = base.giveUpAfter.orElse(null);
            circuitBreakerFailures = base.circuitBreakerFailures;
            circuitBreakerOpenWait = base.circuitBreakerOpenWait;
            resumeAfter = base.resumeAfter;
        }

        /** The gateway's base URI (http or https), e.g. {@code http://127.0.0.1:8080}. Required. */
        public Builder gateway(URI gateway) {
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
            this.gateway = gateway;
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
            Objects.requireNonNull(path, "readinessPath");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("readiness path must start with '/', was " + path);
            }
            this.readinessPath = path;
            return this;
        }

        /** Overrides the WebSocket URI derived from the gateway (e.g. a test server on another port). */
        public Builder webSocketUri(URI uri) {
            Objects.requireNonNull(uri, "webSocketUri");
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
                throw new IllegalArgumentException("WebSocket URI must be ws:// or wss://, was " + uri);
            }
            this.webSocketUri = uri;
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
            this.readinessWait = positive(wait, "readiness wait");
            return this;
        }

        public Builder readinessTimeout(Duration timeout) {
            this.readinessTimeout = positive(timeout, "readiness timeout");
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /** A fixed heartbeat timeout instead of {@link #HEARTBEAT_MISSES} × the server's interval. */
        public Builder heartbeatTimeout(Duration timeout) {
            this.heartbeatTimeout = positive(timeout, "heartbeat timeout");
            return this;
        }

        public Builder minimumUptime(Duration uptime) {
            Objects.requireNonNull(uptime, "minimumUptime");
            if (uptime.isNegative()) {
                throw new IllegalArgumentException("minimum uptime must not be negative, was " + uptime);
            }
            this.minimumUptime = uptime;
            return this;
        }

        public Builder sendBufferSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("send buffer size must be at least 1, was " + size);
            }
            this.sendBufferSize = size;
            return this;
        }

        public Builder giveUpAfterAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("give-up attempts must be at least 1, was " + attempts);
            }
            this.giveUpAfterAttempts = attempts;
            return this;
        }

        public Builder giveUpAfter(Duration outage) {
            this.giveUpAfter = positive(outage, "give-up time");
            return this;
        }

        public Builder circuitBreaker(int failures, Duration openWait) {
            if (failures < 1) {
                throw new IllegalArgumentException("circuit breaker failures must be at least 1, was " + failures);
            }
            this.circuitBreakerFailures = failures;
            this.circuitBreakerOpenWait = positive(openWait, "circuit breaker open wait");
            return this;
        }

        public Builder resumeAfter(long lastSeq) {
            if (lastSeq < 0) {
                throw new IllegalArgumentException("resumeAfter must not be negative, was " + lastSeq);
            }
            this.resumeAfter = lastSeq;
            return this;
        }

        public ClientConfig build() {
            if (gateway == null) {
                throw new IllegalStateException("gateway is required");
            }
            return new ClientConfig(this);
        }

        private static Duration positive(Duration value, String what) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + value);
            }
            return value;
        }
    }
}
