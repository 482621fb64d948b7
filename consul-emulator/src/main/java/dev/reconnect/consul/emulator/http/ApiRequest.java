package dev.reconnect.consul.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The parts of an HTTP request the endpoints need, with query parameters decoded as Go decodes them. */
public final class ApiRequest {

    /** Far above any real registration; only here so a runaway client cannot exhaust memory. */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final HttpExchange exchange;
    private final Acl acl;
    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private String pathParameter = "";
    private Acl.Caller caller;

    ApiRequest(HttpExchange exchange, Acl acl) {
        this.exchange = exchange;
        this.acl = acl;
        this.method = exchange.getRequestMethod();
        this.path = exchange.getRequestURI().getPath();
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** What followed the route's prefix: a service ID, check ID, service name or state. */
    public String pathParameter() {
        return pathParameter;
    }

    void pathParameter(String value) {
        this.pathParameter = value;
    }

    /** True when the parameter appears at all, even as {@code ?passing} with no value. */
    public boolean has(String name) {
        return query.containsKey(name);
    }

    /** The first value, "" for {@code ?name}, or null when absent (Go's {@code Query().Get} gives "" for both). */
    public String first(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public List<String> all(String name) {
        return query.getOrDefault(name, List.of());
    }

    /** The first value of a request header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /**
     * Who this request acts as, resolved on first use: endpoints call this where Consul resolves the
     * token, so that their 400s (and some 404s) come before the ACL's 403, as in Consul.
     *
     * @throws RequestRejectedException 403 "ACL not found" for an unknown token
     */
    Acl.Caller caller() {
        if (caller == null) {
            caller = acl.resolve(this);
        }
        return caller;
    }

    public byte[] body() {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw RequestRejectedException.badRequest("Request body is larger than " + MAX_BODY + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<String>> parseQuery(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("[&;]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return out;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw RequestRejectedException.badRequest("Invalid query string: " + e.getMessage());
        }
    }
}
