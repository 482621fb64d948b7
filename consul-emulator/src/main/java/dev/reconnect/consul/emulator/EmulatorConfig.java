package dev.reconnect.consul.emulator;

import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;
import java.util.Objects;

/**
 * How one emulated Consul agent is started. Immutable; build it with {@link #builder()}.
 * The defaults are those of a {@code consul agent -dev}.
 */
public final class EmulatorConfig {

    /** Consul's own floor for DeregisterCriticalServiceAfter. */
    public static final Duration CONSUL_MIN_DEREGISTER_AFTER = Duration.ofMinutes(1);
    /** How often Consul's agent looks for services to reap. */
    public static final Duration CONSUL_REAPER_INTERVAL = Duration.ofSeconds(30);

    private final int port;
    private final String bindAddress;
    private final Duration reaperInterval;
    private final Duration minDeregisterAfter;
    private final String nodeName;
    private final String datacenter;
    private final String aclToken;

    private EmulatorConfig(Builder builder) {
        this.port = builder.port;
        this.bindAddress = builder.bindAddress;
        this.reaperInterval = builder.reaperInterval;
        this.minDeregisterAfter = builder.minDeregisterAfter;
        this.nodeName = builder.nodeName;
        this.datacenter = builder.datacenter;
        this.aclToken = builder.aclToken;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The configuration of a default dev agent: 127.0.0.1:8500. */
    public static EmulatorConfig defaults() {
        return builder().build();
    }

    /** The TCP port to listen on; 0 picks a free one (read it back with {@link ConsulEmulator#port()}). */
    public int port() {
        return port;
    }

    public String bindAddress() {
        return bindAddress;
    }

    public Duration reaperInterval() {
        return reaperInterval;
    }

    /** DeregisterCriticalServiceAfter values below this are raised to it, as Consul does with 1 minute. */
    public Duration minDeregisterAfter() {
        return minDeregisterAfter;
    }

    public String nodeName() {
        return nodeName;
    }

    public String datacenter() {
        return datacenter;
    }

    /**
     * The management token when ACLs are enforced (default policy deny, this the only token), or null
     * when ACLs are off, as on a plain dev agent.
     */
    public String aclToken() {
        return aclToken;
    }

    public boolean aclsEnforced() {
        return aclToken != null;
    }

    public Builder toBuilder() {
        return new Builder()
                .port(port)
                .bindAddress(bindAddress)
                .reaperInterval(reaperInterval)
                .minDeregisterAfter(minDeregisterAfter)
                .nodeName(nodeName)
                .datacenter(datacenter)
                .aclToken(aclToken);
    }

    @Override
    public String toString() {
        return "EmulatorConfig[" + bindAddress + ":" + port
                + ", reaper every " + GoDuration.formatShort(reaperInterval)
                + ", deregister-after minimum " + GoDuration.formatShort(minDeregisterAfter)
                // Never the token itself: configs end up in logs.
                + (aclToken != null ? ", ACLs enforced" : "") + "]";
    }

    /** Collects settings; {@link #build()} checks them once, so a config that exists is valid. */
    public static final class Builder {
        private int port = 8500;
        private String bindAddress = "127.0.0.1";
        private Duration reaperInterval = CONSUL_REAPER_INTERVAL;
        private Duration minDeregisterAfter = CONSUL_MIN_DEREGISTER_AFTER;
        private String nodeName = "consul-emulator";
        private String datacenter = "dc1";
        private String aclToken;

        private Builder() {
        }

        /**
         * Enforces ACLs as a Consul agent with {@code acl.enabled = true}, {@code default_policy = "deny"} and
         * this as its initial management token: requests must present it (X-Consul-Token, Authorization:
         * Bearer, or ?token=). Null (the default) leaves ACLs off.
         */
        public Builder aclToken(String aclToken) {
            this.aclToken = aclToken;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder reaperInterval(Duration reaperInterval) {
            this.reaperInterval = reaperInterval;
            return this;
        }

        public Builder minDeregisterAfter(Duration minDeregisterAfter) {
            this.minDeregisterAfter = minDeregisterAfter;
            return this;
        }

        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        public Builder datacenter(String datacenter) {
            this.datacenter = datacenter;
            return this;
        }

        public EmulatorConfig build() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
            }
            Objects.requireNonNull(bindAddress, "bindAddress");
            if (bindAddress.isBlank()) {
                throw new IllegalArgumentException("bind address must not be empty");
            }
            requirePositive("reaper interval", reaperInterval);
            Objects.requireNonNull(minDeregisterAfter, "minDeregisterAfter");
            if (minDeregisterAfter.isNegative()) {
                throw new IllegalArgumentException("deregister-after minimum must not be negative");
            }
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(datacenter, "datacenter");
            if (aclToken != null && (aclToken.isEmpty() || !aclToken.equals(aclToken.strip())
                    || aclToken.contains(" "))) {
                // An empty token is how clients say "anonymous"; a space would be cut off an Authorization header.
                throw new IllegalArgumentException("ACL token must be non-empty and contain no spaces");
            }
            return new EmulatorConfig(this);
        }

        private static void requirePositive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive, got " + GoDuration.format(value));
            }
        }
    }
}
