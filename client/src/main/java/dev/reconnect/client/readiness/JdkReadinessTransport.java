package dev.reconnect.client.readiness;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** {@link ReadinessTransport} on the JDK's {@link HttpClient}. */
public final class JdkReadinessTransport implements ReadinessTransport {
    private final HttpClient http;

    public JdkReadinessTransport(HttpClient http) {
        this.http = http;
    }

    @Override
    public CompletableFuture<HttpAnswer> get(URI uri, Duration timeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpAnswer> answer = sent.thenApply(response -> new HttpAnswer(response.statusCode(),
                response.body(), response.headers().firstValue("Retry-After")));
        // Cancelling the answer (the client closed) must end the held long-poll on the gateway too.
        answer.whenComplete((a, e) -> {
            if (answer.isCancelled()) {
                sent.cancel(true);
            }
        });
        return answer;
    }
}
