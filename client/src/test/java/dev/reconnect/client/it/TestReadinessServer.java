package dev.reconnect.client.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's readiness API, test-only: 200/503 + Retry-After, and long-poll with index and wait. */
final class TestReadinessServer {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private boolean ready;
    private long index = 1;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger longPolls = new AtomicInteger();
    final AtomicInteger notReadyAnswers = new AtomicInteger();

    TestReadinessServer(boolean ready) throws IOException {
        this.ready = ready;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(Paths.READINESS, this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    synchronized boolean isReady() {
        return ready;
    }

    synchronized void setReady(boolean value) {
        if (value != ready) {
            ready = value;
            index++;
            notifyAll();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        boolean answerReady;
        long answerIndex;
        synchronized (this) {
            if (query.containsKey(Readiness.PARAM_INDEX)) {
                longPolls.incrementAndGet();
                long seen = Long.parseLong(query.get(Readiness.PARAM_INDEX));
                Duration wait = Durations.parse("wait", query.getOrDefault(Readiness.PARAM_WAIT, "30s"));
                long deadline = System.currentTimeMillis() + wait.toMillis();
                try {
                    while (index == seen && System.currentTimeMillis() < deadline) {
                        wait(Math.max(1, deadline - System.currentTimeMillis()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answerReady = ready;
            answerIndex = index;
        }
        Readiness readiness = new Readiness(answerReady, Readiness.REGISTRY_UP, false, answerIndex, List.of(
                Readiness.ServiceReadiness.of("ws-service", answerReady ? 1 : 0),
                Readiness.ServiceReadiness.of("api-service", 1)));
        byte[] body = Json.MAPPER.writeValueAsString(readiness).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        if (!answerReady) {
            notReadyAnswers.incrementAndGet();
            exchange.getResponseHeaders().add("Retry-After", "1");
        }
        exchange.sendResponseHeaders(answerReady ? 200 : 503, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> result = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    result.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        return result;
    }

    void stop() {
        synchronized (this) {
            index++;
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
