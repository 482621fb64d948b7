package dev.reconnect.gateway.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** A backend stand-in on a free port of 127.0.0.1 that answers every request under a path with the same JSON. */
public final class JsonBackend {
    private JsonBackend() {
    }

    /** Started; {@code asked} hears the path of every request it answers. Stop it with {@code stop(0)}. */
    public static HttpServer start(String context, String json, Consumer<String> asked) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext(context, exchange -> {
                asked.accept(exchange.getRequestURI().getPath());
                byte[] body = json.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
