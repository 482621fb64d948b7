package dev.reconnect.gateway.edge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a WebSocket: the gateway's own (scheme, host and port of the
 * request itself) and the configured ones. Origins are compared as scheme://host:port, with the
 * scheme's default port filled in, so that {@code http://a} and {@code http://a:80} are one origin.
 */
final class OriginPolicy {
    private final Set<String> allowed;

    OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream()
                .map(origin -> normalize(origin).orElseThrow(() -> new IllegalArgumentException(
                        "edge.allowed-origins: \"" + origin + "\" is not an origin such as https://app.example.com")))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** True when a page from {@code origin} may open a WebSocket through a request made to {@code requestUri}. */
    boolean allows(String origin, URI requestUri) {
        Optional<String> normalized = normalize(origin);
        if (normalized.isEmpty()) {
            return false; // "null" (sandboxed pages, files) and anything unreadable
        }
        if (allowed.contains(normalized.get())) {
            return true;
        }
        return requestUri.getHost() != null
                && normalized.equals(normalize(requestUri.getScheme(), requestUri.getHost(), requestUri.getPort()));
    }

    static Optional<String> normalize(String origin) {
        if (origin == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(origin.trim());
            boolean bare = uri.getRawUserInfo() == null && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"));
            if (!bare || uri.getHost() == null) {
                return Optional.empty();
            }
            return normalize(uri.getScheme(), uri.getHost(), uri.getPort());
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> normalize(String scheme, String host, int port) {
        if (scheme == null) {
            return Optional.empty();
        }
        String s = scheme.toLowerCase(Locale.ROOT);
        int defaultPort = switch (s) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            default -> -1;
        };
        if (defaultPort < 0) {
            return Optional.empty();
        }
        // A page's origin is http(s); a request to the gateway may be seen as ws(s) by some servers.
        String web = s.startsWith("ws") ? "http" + s.substring(2) : s;
        return Optional.of(web + "://" + host.toLowerCase(Locale.ROOT) + ":" + (port < 0 ? defaultPort : port));
    }
}
