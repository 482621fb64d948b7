package dev.reconnect.consul.emulator.checks;

import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.registration.CheckDefinition;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * Runs one HTTP check without holding a thread while it waits: the JDK client's async API, so a
 * slow target costs nothing but a timer, and the check scheduler is never blocked for a timeout.
 */
final class HttpProbe {

    /** Consul keeps this much of the response body in Output. */
    private static final int MAX_BODY = 4 * 1024;

    private final HttpClient client;
    private final Executor executor;

    HttpProbe(Executor executor) {
        this.executor = executor;
        // HTTP/1.1 like Consul's Go client: no h2c upgrade dance with the target.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor)
                .build();
    }

    CompletableFuture<ProbeResult> probe(CheckDefinition check) {
        String method = check.effectiveMethod();
        Duration timeout = check.effectiveTimeout();
        HttpRequest request;
        try {
            request = buildRequest(check, method, timeout);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    new ProbeResult(CheckStatus.CRITICAL, goOp(method) + " \"" + check.http() + "\": " + e.getMessage()));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                // The request timeout stops at the headers; this also bounds a body that never ends.
                .orTimeout(timeout.toMillis() + 50, java.util.concurrent.TimeUnit.MILLISECONDS)
                // Results are recorded on the probe pool, never on the client's selector or timer thread.
                .handleAsync((response, failure) -> failure == null
                        ? fromResponse(method, check.http(), response)
                        : fromFailure(method, check.http(), failure), executor);
    }

    private static HttpRequest buildRequest(CheckDefinition check, String method, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(check.http()))
                .timeout(timeout)
                .method(method, check.body() == null || check.body().isEmpty()
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(check.body()));
        boolean userAgent = false;
        boolean accept = false;
        for (Map.Entry<String, List<String>> header : check.header().entrySet()) {
            String name = header.getKey();
            userAgent |= name.equalsIgnoreCase("User-Agent");
            accept |= name.equalsIgnoreCase("Accept");
            for (String value : header.getValue()) {
                try {
                    builder.header(name, value);
                } catch (IllegalArgumentException restricted) {
                    // Host, Connection and the like are set by the JDK client itself; Consul would send them.
                }
            }
        }
        if (!userAgent) {
            builder.header("User-Agent", "Consul Health Check");
        }
        if (!accept) {
            builder.header("Accept", "text/plain, text/*, */*");
        }
        return builder.build();
    }

    private static ProbeResult fromResponse(String method, String url, HttpResponse<byte[]> response) {
        int code = response.statusCode();
        byte[] body = response.body() == null ? new byte[0] : response.body();
        // Consul keeps the tail of a long body (a ring buffer), not the head.
        int from = Math.max(0, body.length - MAX_BODY);
        String text = new String(body, from, body.length - from, StandardCharsets.UTF_8);
        String output = "HTTP " + method + " " + url + ": " + HttpStatusText.statusLine(code) + " Output: " + text;
        CheckStatus status = code >= 200 && code <= 299 ? CheckStatus.PASSING
                : code == 429 ? CheckStatus.WARNING : CheckStatus.CRITICAL;
        return new ProbeResult(status, output);
    }

    /** Failures in the words of Go's net/http, since that is what Consul's Output shows. */
    static ProbeResult fromFailure(String method, String url, Throwable failure) {
        Throwable cause = unwrap(failure);
        String prefix = goOp(method) + " \"" + url + "\": ";
        String reason;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            reason = "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        } else if (cause instanceof ConnectException) {
            reason = "dial tcp " + hostPort(url) + ": connect: connection refused";
        } else if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
            reason = "dial tcp: lookup " + URI.create(url).getHost() + ": no such host";
        } else if (cause instanceof IOException && looksLikeEof(cause.getMessage())) {
            reason = "EOF";
        } else {
            String message = cause.getMessage();
            reason = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        }
        return new ProbeResult(CheckStatus.CRITICAL, prefix + reason);
    }

    private static boolean looksLikeEof(String message) {
        if (message == null) {
            return true;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("eof") || m.contains("no bytes") || m.contains("closed") || m.contains("reset");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        // The JDK wraps a refused connection as ConnectException inside an IOException sometimes.
        Throwable inner = t;
        while (inner != null) {
            if (inner instanceof ConnectException || inner instanceof UnresolvedAddressException
                    || inner instanceof HttpTimeoutException) {
                return inner;
            }
            inner = inner.getCause();
        }
        return t;
    }

    /** Go's url.Error spells the method "Get", "Post", ... */
    private static String goOp(String method) {
        return method.isEmpty() ? method : method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
    }

    private static String hostPort(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String host = uri.getHost();
        if (host != null && host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return host + ":" + port;
    }
}
