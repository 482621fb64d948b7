package dev.reconnect.ws.log;

import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/**
 * Talks to api-service's message log. The instance is looked up in the registry (passing instances
 * only) once and kept until a request to it fails, so the registry is not asked per request. When
 * the registry cannot name one (it is down, or has lost its registrations), the last instance that
 * answered is used again: an api-service restarted on its address while the registry is away must
 * not stop delivery.
 */
@Component
public class LogClient {
    private static final Logger log = LoggerFactory.getLogger(LogClient.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

    private final DiscoveryClient discovery;
    private final String serviceName;
    private final HttpClient http;
    private volatile URI instance;
    /** The last instance that gave any HTTP answer: the fallback while the registry cannot name one. */
    private volatile URI lastAnswered;
    private volatile boolean fallbackAnnounced;

    public LogClient(DiscoveryClient discovery, WsProperties properties) {
        this.discovery = discovery;
        this.serviceName = properties.logService();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Entries after {@code after}; with a non-zero {@code wait}, held by api-service until there are some. */
    public LogPage read(long after, int limit, Duration wait) {
        String query = "?" + LogPage.PARAM_AFTER + "=" + after + "&" + LogPage.PARAM_LIMIT + "=" + limit
                + (wait.isZero() ? "" : "&" + LogPage.PARAM_WAIT + "=" + Durations.format(wait));
        HttpRequest.Builder request = HttpRequest.newBuilder().GET().timeout(REQUEST_TIMEOUT.plus(wait));
        HttpResponse<String> response = send(Paths.MESSAGES + query, request, false);
        if (response.statusCode() == 429) {
            throw busy(response, "a read");
        }
        if (response.statusCode() != 200) {
            throw unavailable("answered " + response.statusCode() + " to a read", null);
        }
        return parse(response.body(), LogPage.class);
    }

    /**
     * Stores a message once (idempotent by key).
     *
     * @throws LogUnavailableException    not stored: api-service was not reached, or refused for now (429)
     * @throws LogOutcomeUnknownException sent, but no usable answer: may or may not be stored
     * @throws LogRejectedException       refused for good (bad value, key reused with another body)
     */
    public PublishResult publish(String key, String body) {
        String json = Json.MAPPER.writeValueAsString(new PublishRequest(key, body));
        HttpRequest.Builder request = HttpRequest.newBuilder()
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json")
                .timeout(REQUEST_TIMEOUT);
        HttpResponse<String> response = send(Paths.MESSAGES, request, true);
        int status = response.statusCode();
        if (status == 200 || status == 201) {
            try {
                return parse(response.body(), PublishResult.class);
            } catch (LogUnavailableException e) {
                throw outcomeUnknown("answered " + status + " to a publish with something unreadable", e);
            }
        }
        if (status == 409 || status == 400 || status == 413) {
            throw new LogRejectedException(status == 409, errorText(response.body()));
        }
        if (status == 429) {
            throw busy(response, "a publish");
        }
        if (status >= 500) {
            // A 5xx may come after the row was committed (or from a proxy that forwarded the request).
            throw outcomeUnknown("answered " + status + " to a publish", null);
        }
        throw unavailable("answered " + status + " to a publish", null);
    }

    private HttpResponse<String> send(String pathAndQuery, HttpRequest.Builder request, boolean publish) {
        URI base = instance();
        try {
            HttpResponse<String> response = http.send(request.uri(base.resolve(pathAndQuery)).build(),
                    HttpResponse.BodyHandlers.ofString());
            lastAnswered = base;
            return response;
        } catch (IOException e) {
            if (publish && !neverSent(e)) {
                throw outcomeUnknown("did not answer the publish (" + e.getClass().getSimpleName() + ")", e);
            }
            throw unavailable("cannot be reached (" + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (publish) {
                throw outcomeUnknown("publish interrupted while waiting for the answer", e);
            }
            throw unavailable("request interrupted", e);
        }
    }

    /** Failures that happen before a request can have left this process: nothing was stored. */
    static boolean neverSent(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e instanceof UnknownHostException || e instanceof NoRouteToHostException;
    }

    private LogBusyException busy(HttpResponse<String> response, String what) {
        Duration retryAfter = response.headers().firstValue("Retry-After")
                .flatMap(LogClient::seconds).orElse(DEFAULT_RETRY_AFTER);
        // The instance is fine, only busy: keep it.
        return new LogBusyException(serviceName + " is busy (429 to " + what + "); ask again in "
                + retryAfter.toMillis() + " ms", retryAfter);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, 30)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private LogOutcomeUnknownException outcomeUnknown(String what, Exception cause) {
        instance = null;
        return new LogOutcomeUnknownException(serviceName + " " + what, cause);
    }

    private URI instance() {
        URI current = instance;
        if (current != null) {
            return current;
        }
        List<ServiceInstance> passing;
        try {
            passing = discovery.getInstances(serviceName);
        } catch (RuntimeException e) {
            return lastAnswered().orElseThrow(() -> unavailable("cannot be looked up: the registry did not answer", e));
        }
        if (passing.isEmpty()) {
            return lastAnswered().orElseThrow(() -> unavailable("has no passing instance in the registry", null));
        }
        ServiceInstance chosen = passing.get(ThreadLocalRandom.current().nextInt(passing.size()));
        current = URI.create("http://" + chosen.getHost() + ":" + chosen.getPort());
        instance = current;
        if (fallbackAnnounced) {
            fallbackAnnounced = false;
            log.info("The registry names {} instances again; using {}", serviceName, current);
        }
        return current;
    }

    /** The last instance that answered, announced once per spell without the registry's help. */
    private Optional<URI> lastAnswered() {
        URI fallback = lastAnswered;
        if (fallback != null && !fallbackAnnounced) {
            fallbackAnnounced = true;
            log.warn("The registry names no {} instance; going on with the last one that answered, {}",
                    serviceName, fallback);
        }
        return Optional.ofNullable(fallback);
    }

    private <T> T parse(String body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (JacksonException e) {
            throw unavailable("answered something that is not a " + type.getSimpleName(), e);
        }
    }

    private static String errorText(String body) {
        try {
            Object error = Json.MAPPER.readValue(body, Map.class).get("error");
            return error == null ? body : error.toString();
        } catch (JacksonException e) {
            return body;
        }
    }

    /** Also forgets the instance: whatever went wrong, the next request looks it up again. */
    private LogUnavailableException unavailable(String what, Exception cause) {
        instance = null;
        return new LogUnavailableException(serviceName + " " + what, cause);
    }
}
