package dev.reconnect.consul.emulator;

import dev.reconnect.consul.emulator.agent.Agent;
import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.http.ApiServer;
import dev.reconnect.consul.emulator.json.Json;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * One emulated Consul dev agent, for tests and local runs:
 *
 * <pre>{@code
 * try (ConsulEmulator consul = ConsulEmulator.start(EmulatorConfig.builder().port(0).build())) {
 *     URI api = consul.baseUri();   // http://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * Starts in well under a second: no framework, the JDK's HTTP server, state in memory.
 */
public final class ConsulEmulator implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final EmulatorConfig config;
    private final Agent agent;
    private final ApiServer api;
    private volatile boolean closed;

    private ConsulEmulator(EmulatorConfig config, Agent agent, ApiServer api) {
        this.config = config;
        this.agent = agent;
        this.api = api;
    }

    /**
     * Starts an emulator and returns once it accepts requests.
     *
     * @throws EmulatorStartException when the address cannot be bound, e.g. "port 8500 is already in use"
     */
    public static ConsulEmulator start(EmulatorConfig config) {
        InetAddress bind;
        try {
            bind = InetAddress.getByName(config.bindAddress());
        } catch (UnknownHostException e) {
            throw new EmulatorStartException("cannot bind to " + config.bindAddress() + ": unknown host", e);
        }
        String nodeAddress = bind.isAnyLocalAddress() ? "127.0.0.1" : bind.getHostAddress();
        // A node ID needs to be unique, not unguessable: skip SecureRandom's start-up cost.
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        String nodeId = new UUID(random.nextLong(), random.nextLong()).toString();
        Catalog catalog = new Catalog(nodeId, config.nodeName(), nodeAddress,
                config.datacenter(), System::nanoTime);
        Agent agent = new Agent(catalog, config.reaperInterval(), config.minDeregisterAfter());
        ApiServer api;
        try {
            api = ApiServer.start(agent, new Json(), new InetSocketAddress(bind, config.port()), config.aclToken());
        } catch (BindException e) {
            agent.close();
            throw new EmulatorStartException(config.port() == 0 ? "cannot listen on " + config.bindAddress()
                    + ": " + e.getMessage() : "port " + config.port() + " is already in use", e);
        } catch (IOException | RuntimeException e) {
            agent.close();
            throw new EmulatorStartException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        ConsulEmulator emulator = new ConsulEmulator(config, agent, api);
        if (config.aclsEnforced()) {
            LOG.log(Level.INFO, "ACLs are enforced (default policy deny): every request needs the management token"
                    + " (X-Consul-Token, Authorization: Bearer or ?token=), except /v1/status/leader and"
                    + " /v1/status/peers; without it writes get 403 and lists come back empty");
        }
        LOG.log(Level.DEBUG, () -> "consul-emulator listening on " + emulator.baseUri() + " (reaper every "
                + GoDuration.formatShort(config.reaperInterval()) + ", deregister-after minimum "
                + GoDuration.formatShort(config.minDeregisterAfter()) + ")");
        return emulator;
    }

    /** The port actually bound: the configured one, or the free port picked for port 0. */
    public int port() {
        return api.port();
    }

    /** The host clients should use: the bind address, or 127.0.0.1 when bound to all interfaces. */
    public String host() {
        try {
            InetAddress bind = InetAddress.getByName(config.bindAddress());
            if (bind.isAnyLocalAddress()) {
                return "127.0.0.1";
            }
            String host = bind.getHostAddress();
            return host.contains(":") ? "[" + host + "]" : host;
        } catch (UnknownHostException e) {
            return config.bindAddress();
        }
    }

    /** Where the API is, e.g. {@code http://127.0.0.1:8500}; append {@code /v1/...} paths to it. */
    public URI baseUri() {
        return URI.create("http://" + host() + ":" + port());
    }

    public EmulatorConfig config() {
        return config;
    }

    /** How many blocking queries are being held right now (for tests and diagnostics). */
    public int heldBlockingQueries() {
        return api.heldQueries();
    }

    /** Answers held blocking queries, stops checks and frees the port. Safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        api.close();
        agent.close();
    }
}
