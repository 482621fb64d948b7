package dev.reconnect.ws.log;

import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;

/**
 * Talks to api-service's message log through a load-balanced RestClient: which instance gets a
 * request is up to {@link StickyLoadBalancer} (one passing instance, kept until a request to it
 * fails) and {@link LastAnsweredFallbackSupplier} (the registry's passing instances, or the last one
 * that answered while the registry names none). This class turns answers and failures into what
 * the callers need to know: stored, not stored, maybe stored, refused, or busy.
 */
@Component
public class LogClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
    private static final String READ = Paths.MESSAGES + "?" + LogPage.PARAM_AFTER + "={after}&" + LogPage.PARAM_LIMIT
            + "={limit}";
    private static final String LONG_POLL = READ + "&" + LogPage.PARAM_WAIT + "={wait}";

    private final String serviceName;
    private final RestClient.Builder builder;
    /** Connect timeout on its own: the JDK client tells a failed connect from a request sent but unanswered. */
    private final HttpClient http;
    /** One RestClient per read timeout (request timeout plus long-poll wait), all on the one HttpClient. */
    private final Map<Duration, RestClient> clients = new ConcurrentHashMap<>();

    @Autowired
    public LogClient(@LoadBalanced RestClient.Builder loadBalanced, WsProperties properties) {
        this(loadBalanced, properties.logService());
    }

    LogClient(RestClient.Builder loadBalanced, String serviceName) {
        this.serviceName = serviceName;
        this.builder = loadBalanced.clone().baseUrl("http://" + serviceName);
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Without a Spring context (tools, tests): the same load balancing, over {@code discovery}. */
    public LogClient(DiscoveryClient discovery, WsProperties properties) {
        this(LogLoadBalancerConfiguration.standaloneBuilder(discovery, properties.logService()), properties);
    }

    /** Entries after {@code after}; with a non-zero {@code wait}, held by api-service until there are some. */
    public LogPage read(long after, int limit, Duration wait) {
        RestClient client = client(REQUEST_TIMEOUT.plus(wait));
        RestClient.RequestHeadersSpec<?> request = wait.isZero()
                ? client.get().uri(READ, after, limit)
                : client.get().uri(LONG_POLL, after, limit, Durations.format(wait));
        Answer answer = send(request, false);
        if (answer.status() == 429) {
            throw busy(answer, "a read");
        }
        if (answer.status() != 200) {
            throw unavailable("answered " + answer.status() + " to a read", null);
        }
        return parse(answer.body(), LogPage.class);
    }

    /**
     * Stores a message once (idempotent by key).
     *
     * @throws LogUnavailableException    not stored: api-service was not reached, or refused for now (429)
     * @throws LogOutcomeUnknownException sent, but no usable answer: may or may not be stored
     * @throws LogRejectedException       refused for good (bad value, key reused with another body)
     */
    public PublishResult publish(String key, String body) {
        byte[] json = Json.MAPPER.writeValueAsString(new PublishRequest(key, body)).getBytes(StandardCharsets.UTF_8);
        Answer answer = send(client(REQUEST_TIMEOUT).post().uri(Paths.MESSAGES)
                .contentType(MediaType.APPLICATION_JSON).body(json), true);
        int status = answer.status();
        if (status == 200 || status == 201) {
            try {
                return parse(answer.body(), PublishResult.class);
            } catch (LogUnavailableException e) {
                throw outcomeUnknown("answered " + status + " to a publish with something unreadable", e);
            }
        }
        if (status == 409 || status == 400 || status == 413) {
            throw new LogRejectedException(status == 409 ? ErrorCodes.KEY_CONFLICT : ErrorCodes.BAD_VALUE,
                    errorText(answer.body()));
        }
        if (status == 429) {
            throw busy(answer, "a publish");
        }
        if (status >= 500) {
            // A 5xx may come after the row was committed (or from a proxy that forwarded the request).
            throw outcomeUnknown("answered " + status + " to a publish", null);
        }
        throw unavailable("answered " + status + " to a publish", null);
    }

    private record Answer(int status, String body, String retryAfter) {
    }

    private Answer send(RestClient.RequestHeadersSpec<?> request, boolean publish) {
        try {
            return request.exchange((sent, response) -> new Answer(response.getStatusCode().value(),
                    new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8),
                    response.getHeaders().getFirst("Retry-After")));
        } catch (NoInstanceException e) {
            throw new LogUnavailableException(e.getMessage(), e);
        } catch (ResourceAccessException e) {
            IOException cause = e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
            boolean interrupted = cause.getCause() instanceof InterruptedException;
            if (publish && !neverSent(cause)) {
                throw outcomeUnknown(interrupted ? "publish interrupted while waiting for the answer"
                        : "did not answer the publish (" + cause.getClass().getSimpleName() + ")", e);
            }
            throw unavailable(interrupted ? "request interrupted"
                    : "cannot be reached (" + cause.getClass().getSimpleName() + ")", e);
        }
    }

    /** Failures that happen before a request can have left this process: nothing was stored. */
    static boolean neverSent(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
                || e instanceof UnknownHostException || e instanceof NoRouteToHostException;
    }

    private RestClient client(Duration readTimeout) {
        return clients.computeIfAbsent(readTimeout, timeout -> {
            JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
            factory.setReadTimeout(timeout);
            return builder.clone().requestFactory(factory).build();
        });
    }

    private LogBusyException busy(Answer answer, String what) {
        Duration retryAfter = Optional.ofNullable(answer.retryAfter()).flatMap(LogClient::seconds)
                .orElse(DEFAULT_RETRY_AFTER);
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
        return new LogOutcomeUnknownException(serviceName + " " + what, cause);
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

    private LogUnavailableException unavailable(String what, Exception cause) {
        return new LogUnavailableException(serviceName + " " + what, cause);
    }
}
