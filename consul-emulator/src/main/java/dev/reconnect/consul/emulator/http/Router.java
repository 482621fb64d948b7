package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Maps method and path to an endpoint. Paths ending in '/' take the rest of the path as their
 * parameter, as Consul's handlers do with TrimPrefix (so check IDs may contain ':' or '/').
 */
final class Router {

    /** An endpoint that answers at once: writes, and reads that are not blocking queries. */
    @FunctionalInterface
    interface Command {
        ApiResponse handle(ApiRequest request);
    }

    /** A blocking-capable read: validates the request, then says what it watches and how to read it. */
    @FunctionalInterface
    interface Query {
        Watch open(ApiRequest request);
    }

    /**
     * What a query watches (its index key) and how to produce its current answer. {@code contentHash}
     * is set only for endpoints that, like Consul's /v1/agent/service/{id}, also block on {@code ?hash=}.
     */
    record Watch(String key, Supplier<Indexed<Object>> read, Function<Object, String> contentHash) {
        Watch(String key, Supplier<Indexed<Object>> read) {
            this(key, read, null);
        }
    }

    record Route(String method, String path, Command command, Query query) {
        boolean isPrefix() {
            return path.endsWith("/");
        }

        boolean matches(String requestPath) {
            return isPrefix() ? requestPath.startsWith(path) : requestPath.equals(path);
        }
    }

    /** The outcome of routing: a route with its parameter, a 405 with what is allowed, or a 404. */
    record Resolution(Route route, String parameter, Set<String> allowed) {
        boolean found() {
            return route != null;
        }

        boolean pathKnown() {
            return route != null || !allowed.isEmpty();
        }
    }

    private final List<Route> routes = new ArrayList<>();

    void command(String method, String path, Command command) {
        routes.add(new Route(method, path, command, null));
    }

    void query(String path, Query query) {
        routes.add(new Route("GET", path, null, query));
    }

    Resolution resolve(String method, String path) {
        Route best = null;
        Set<String> allowed = new TreeSet<>();
        int bestLength = -1;
        for (Route route : routes) {
            if (!route.matches(path)) {
                continue;
            }
            // Exact paths beat prefixes; longer prefixes beat shorter ones.
            int length = route.isPrefix() ? route.path().length() : Integer.MAX_VALUE;
            if (length < bestLength) {
                continue;
            }
            if (length > bestLength) {
                allowed.clear();
                best = null;
                bestLength = length;
            }
            allowed.add(route.method());
            if (route.method().equals(method)) {
                best = route;
            }
        }
        if (best == null) {
            return new Resolution(null, null, allowed);
        }
        String parameter = best.isPrefix() ? path.substring(best.path().length()) : "";
        return new Resolution(best, parameter, allowed);
    }
}
