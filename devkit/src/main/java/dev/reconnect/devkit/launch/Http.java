package dev.reconnect.devkit.launch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Small blocking HTTP helpers for orchestration; never throws for a refused connection. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1)).version(HttpClient.Version.HTTP_1_1).build();

    private Http() {}

    public record Answer(int status, String body) {}

    /** The answer, or empty when nothing answered within {@code timeout}. */
    public static Optional<Answer> get(URI uri, Duration timeout) {
        return get(uri, timeout, Map.of());
    }

    /** As above, with these request headers. */
    public static Optional<Answer> get(URI uri, Duration timeout, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            headers.forEach(request::header);
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return Optional.of(new Answer(response.statusCode(), response.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public static boolean isOk(URI uri) {
        return get(uri, Duration.ofSeconds(2)).map(a -> a.status() == 200).orElse(false);
    }
}
