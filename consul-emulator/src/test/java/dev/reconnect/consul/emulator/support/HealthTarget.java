package dev.reconnect.consul.emulator.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A health endpoint whose answer each test can flip: a status code per path, a dropped connection,
 * or a slow answer. It records every hit so tests can see what the agent sent.
 */
public final class HealthTarget implements AutoCloseable {

    /** What one path answers. */
    public record Behaviour(int status, String body, boolean dropConnection, Duration delay) {
    }

    /** One request the agent made. */
    public record Hit(String method, Map<String, List<String>> headers, long nanoTime) {
    }

    private final HttpServer server;
    private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final Map<String, List<Hit>> hits = new ConcurrentHashMap<>();

    private HealthTarget(HttpServer server) {
        this.server = server;
    }

    public static HealthTarget start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            HealthTarget target = new HealthTarget(server);
            server.createContext("/", target::handle);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "health-target");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public void respond(String path, int status) {
        respond(path, status, "{\"status\":\"" + (status < 300 ? "UP" : "DOWN") + "\"}");
    }

    public void respond(String path, int status, String body) {
        behaviours.put(path, new Behaviour(status, body, false, Duration.ZERO));
    }

    /** The connection is closed without an answer: the agent sees EOF. */
    public void dropConnections(String path) {
        behaviours.put(path, new Behaviour(0, "", true, Duration.ZERO));
    }

    public void respondSlowly(String path, int status, Duration delay) {
        behaviours.put(path, new Behaviour(status, "{}", false, delay));
    }

    public List<Hit> hits(String path) {
        return new ArrayList<>(hits.getOrDefault(path, List.of()));
    }

    private void handle(HttpExchange exchange) {
        String path = exchange.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
                .add(new Hit(exchange.getRequestMethod(), Map.copyOf(exchange.getRequestHeaders()), System.nanoTime()));
        Behaviour behaviour = behaviours.getOrDefault(path, new Behaviour(200, "{\"status\":\"UP\"}", false,
                Duration.ZERO));
        if (behaviour.dropConnection()) {
            // Closing before any response headers makes the JDK server drop the connection.
            exchange.close();
            return;
        }
        if (behaviour.delay().isZero()) {
            answer(exchange, behaviour);
        } else {
            // Answer later from a timer, so a slow answer holds no server thread.
            delayed.schedule(() -> answer(exchange, behaviour), behaviour.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void answer(HttpExchange exchange, Behaviour behaviour) {
        byte[] body = behaviour.body().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(behaviour.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException ignored) {
            // the agent gave up (its timeout): nothing to do
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        delayed.shutdownNow();
    }
}
