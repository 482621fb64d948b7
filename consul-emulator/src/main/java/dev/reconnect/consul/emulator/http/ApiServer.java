package dev.reconnect.consul.emulator.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reconnect.consul.emulator.agent.Agent;
import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.catalog.Indexed;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.checks.DaemonThreads;
import dev.reconnect.consul.emulator.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Consul's HTTP API on the JDK's built-in server. Handlers never block: writes and plain reads
 * answer at once, blocking queries are parked in {@link BlockingQueries} and answered later from
 * another thread, which the JDK server allows as long as the exchange is eventually closed.
 */
public final class ApiServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");
    /** The kernel caps this (somaxconn); asking high lets bursts of thousands of watchers connect. */
    private static final int BACKLOG = 8192;

    private final Catalog catalog;
    private final Json json;
    private final Router router = new Router();
    private final BlockingQueries blocking;
    private final ExecutorService handlers;
    private final HttpServer server;
    private final String datacenter;
    private final Acl acl;

    private ApiServer(Agent agent, Json json, InetSocketAddress address, Acl acl) throws IOException {
        this.catalog = agent.catalog();
        this.json = json;
        this.acl = acl;
        this.datacenter = catalog.node().datacenter();
        this.blocking = new BlockingQueries(catalog::index);
        catalog.addListener(blocking::changed);
        new AgentEndpoints(agent, json, acl.enabled()).register(router);
        new HealthEndpoints(catalog).register(router);
        new CatalogEndpoints(catalog, json).register(router);
        new StatusEndpoints().register(router);

        this.handlers = Executors.newFixedThreadPool(8, new DaemonThreads("consul-emulator-http"));
        HttpServer created = HttpServer.create(address, BACKLOG);
        created.createContext("/", this::handle);
        created.setExecutor(handlers);
        this.server = created;
    }

    /** Binds and starts serving with ACLs off, as a plain dev agent. */
    public static ApiServer start(Agent agent, Json json, InetSocketAddress address) throws IOException {
        return start(agent, json, address, null);
    }

    /**
     * Binds and starts serving.
     *
     * @param aclToken null for ACLs off (a plain dev agent); otherwise ACLs are enforced in default-deny
     *                 mode with this as the only (management) token
     * @throws java.net.BindException when the port is taken
     */
    public static ApiServer start(Agent agent, Json json, InetSocketAddress address, String aclToken)
            throws IOException {
        ApiServer api = new ApiServer(agent, json, address,
                aclToken == null ? Acl.disabled() : Acl.enforcing(aclToken));
        api.server.start();
        return api;
    }

    /** Lets tests in this package add endpoints, e.g. one that fails, to see how failures are answered. */
    Router router() {
        return router;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** How many blocking queries are held at this moment. */
    public int heldQueries() {
        return blocking.pending();
    }

    private void handle(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        // The debug log says whether a token came (never the token: ?token= is left out of the line).
        LOG.log(Level.DEBUG, () -> method + " " + path
                + (exchange.getRequestHeaders().containsKey("X-Consul-Token") ? " (with X-Consul-Token)" : ""));
        try {
            route(exchange, new ApiRequest(exchange, acl));
        } catch (RequestRejectedException e) {
            if (e.kind() == RequestRejectedException.Kind.FORBIDDEN) {
                // Spring Cloud Consul swallows 4xx answers: without this line a refused registration is silent.
                LOG.log(Level.INFO, "ACL refused " + method + " " + path + ": " + e.getMessage());
            }
            send(exchange, ApiResponse.text(e.kind().httpStatus(), e.getMessage()));
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "unexpected error answering " + method + " " + path + ": " + e, e);
            send(exchange, ApiResponse.text(500, "Internal error: " + oneLine(e)));
        }
    }

    private void route(HttpExchange exchange, ApiRequest request) {
        Router.Resolution resolution = router.resolve(request.method(), request.path());
        if (!resolution.pathKnown()) {
            send(exchange, ApiResponse.text(404, "Unknown endpoint " + request.method() + " " + request.path()
                    + " (consul-emulator does not implement it)"));
            return;
        }
        String allow = "OPTIONS," + String.join(",", resolution.allowed());
        if (!resolution.found()) {
            if (request.method().equals("OPTIONS")) {
                send(exchange, ApiResponse.ok().withAllow(allow));
            } else {
                send(exchange, ApiResponse.text(405, "method " + request.method() + " not allowed")
                        .withAllow(allow));
            }
            return;
        }
        request.pathParameter(resolution.parameter());
        String dc = request.first("dc");
        if (dc != null && !dc.isEmpty() && !dc.equals(datacenter)) {
            throw new RequestRejectedException(RequestRejectedException.Kind.SERVER_ERROR, "No path to datacenter");
        }
        Router.Route route = resolution.route();
        if (route.command() != null) {
            send(exchange, route.command().handle(request));
        } else {
            query(exchange, request, route.query());
        }
    }

    private void query(HttpExchange exchange, ApiRequest request, Router.Query query) {
        BlockingParams params = BlockingParams.from(request);
        Router.Watch watch = query.open(request);
        // Resolved after the query's own 400s, as Consul parses a request before its RPC resolves the token.
        Supplier<Indexed<Object>> read = request.caller().mayReadEverything() ? watch.read()
                : () -> hiddenFromAnonymous(watch.read().get());
        Indexed<Object> now = read.get();
        boolean wait = params.shouldWait(now.index());
        if (watch.contentHash() != null) {
            // Hash-based blocking (agent endpoints): wait while the client's hash is still the current one.
            String hash = request.first("hash");
            wait = hash != null && !hash.isEmpty() && hash.equals(watch.contentHash().apply(now.value()));
        }
        if (!wait) {
            send(exchange, toJson(now, watch));
            return;
        }
        // The handler returns here with the exchange open; the answer comes from a change or the timeout.
        long minIndex = watch.contentHash() != null ? now.index() : params.index();
        blocking.park(watch.key(), minIndex, params.timeoutWithJitter(), () -> {
            try {
                send(exchange, toJson(read.get(), watch));
            } catch (RequestRejectedException e) {
                // e.g. the service watched by /v1/agent/service/{id} was deregistered meanwhile: 404, as Consul.
                send(exchange, ApiResponse.text(e.kind().httpStatus(), e.getMessage()));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected error answering a blocking " + request.path() + ": " + e, e);
                send(exchange, ApiResponse.text(500, "Internal error: " + oneLine(e)));
            }
        });
    }

    private ApiResponse toJson(Indexed<Object> result, Router.Watch watch) {
        ApiResponse response = ApiResponse.json(json.write(result.value()), result.index());
        return watch.contentHash() == null ? response
                : response.withHeader("X-Consul-ContentHash", watch.contentHash().apply(result.value()));
    }

    /**
     * What an anonymous request sees under default deny: every list read is filtered to nothing (Consul's
     * ACL filters drop each entry it has no read right on, and anonymous has none), still with status 200
     * and the real X-Consul-Index, so blocking queries keep working.
     */
    private static Indexed<Object> hiddenFromAnonymous(Indexed<Object> result) {
        Object value = result.value();
        Object hidden = value instanceof Map ? Map.of() : value instanceof List ? List.of() : value;
        return new Indexed<>(result.index(), hidden);
    }

    private void send(HttpExchange exchange, ApiResponse response) {
        try {
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", response.contentType());
            long index = response.index() > 0 ? response.index() : catalog.currentIndex();
            headers.set("X-Consul-Index", Long.toString(index));
            headers.set("X-Consul-KnownLeader", "true");
            headers.set("X-Consul-LastContact", "0");
            // Consul sends this on every answer, "allow" when ACLs are off (api-docs/index.mdx, Default ACL Policy).
            headers.set("X-Consul-Default-ACL-Policy", acl.defaultPolicy());
            response.headers().forEach(headers::set);
            if (response.allow() != null) {
                headers.set("Allow", response.allow());
            }
            byte[] body = response.body();
            exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException clientGone) {
            // A watcher that hung up before its answer: nothing to tell it.
        } finally {
            exchange.close();
        }
    }

    private static String oneLine(Throwable e) {
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    @Override
    public void close() {
        blocking.close();
        server.stop(0);
        handlers.shutdownNow();
    }
}
