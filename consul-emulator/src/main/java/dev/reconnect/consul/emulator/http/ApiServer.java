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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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

    private ApiServer(Agent agent, Json json, InetSocketAddress address) throws IOException {
        this.catalog = agent.catalog();
        this.json = json;
        this.datacenter = catalog.node().datacenter();
        this.blocking = new BlockingQueries(catalog::index);
        catalog.addListener(blocking::changed);
        new AgentEndpoints(agent, json).register(router);
        new HealthEndpoints(catalog).register(router);
        new CatalogEndpoints(catalog, json).register(router);
        new StatusEndpoints().register(router);

        this.handlers = Executors.newFixedThreadPool(8, new DaemonThreads("consul-emulator-http"));
        HttpServer created = HttpServer.create(address, BACKLOG);
        created.createContext("/", this::handle);
        created.setExecutor(handlers);
        this.server = created;
    }

    /**
     * Binds and starts serving.
     *
     * @throws java.net.BindException when the port is taken
     */
    public static ApiServer start(Agent agent, Json json, InetSocketAddress address) throws IOException {
        ApiServer api = new ApiServer(agent, json, address);
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
        // Tokens are accepted and ignored (a dev agent has ACLs off); the debug log says whether one came.
        LOG.log(Level.DEBUG, () -> method + " " + exchange.getRequestURI()
                + (exchange.getRequestHeaders().containsKey("X-Consul-Token") ? " (with X-Consul-Token)" : ""));
        try {
            route(exchange, new ApiRequest(exchange));
        } catch (RequestRejectedException e) {
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
        Indexed<Object> now = watch.read().get();
        if (!params.shouldWait(now.index())) {
            send(exchange, toJson(now));
            return;
        }
        // The handler returns here with the exchange open; the answer comes from a change or the timeout.
        blocking.park(watch.key(), params.index(), params.timeoutWithJitter(), () -> {
            try {
                send(exchange, toJson(watch.read().get()));
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "unexpected error answering a blocking " + request.path() + ": " + e, e);
                send(exchange, ApiResponse.text(500, "Internal error: " + oneLine(e)));
            }
        });
    }

    private ApiResponse toJson(Indexed<Object> result) {
        return ApiResponse.json(json.write(result.value()), result.index());
    }

    private void send(HttpExchange exchange, ApiResponse response) {
        try {
            Headers headers = exchange.getResponseHeaders();
            headers.set("Content-Type", response.contentType());
            long index = response.index() > 0 ? response.index() : catalog.currentIndex();
            headers.set("X-Consul-Index", Long.toString(index));
            headers.set("X-Consul-KnownLeader", "true");
            headers.set("X-Consul-LastContact", "0");
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
