package dev.reconnect.client.testing;

import dev.reconnect.client.readiness.HttpAnswer;
import dev.reconnect.client.readiness.ReadinessTransport;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.readiness.Readiness;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A scripted readiness endpoint. Either the test answers each request by hand
 * ({@link #last()}.answer(...)), or a responder answers every request at once.
 */
public final class FakeReadiness implements ReadinessTransport {

    /** One request the client made. */
    public static final class Request {
        public final URI uri;
        public final Duration timeout;
        public final CompletableFuture<HttpAnswer> future = new CompletableFuture<>();

        Request(URI uri, Duration timeout) {
            this.uri = uri;
            this.timeout = timeout;
        }

        public boolean isLongPoll() {
            return uri.getQuery() != null && uri.getQuery().contains(Readiness.PARAM_WAIT + "=");
        }

        public void answer(HttpAnswer answer) {
            future.complete(answer);
        }

        public void refuse() {
            future.completeExceptionally(new ConnectException("Connection refused"));
        }
    }

    private final List<Request> requests = new ArrayList<>();
    private Function<Request, HttpAnswer> responder; // null answer = refuse

    @Override
    public CompletableFuture<HttpAnswer> get(URI uri, Duration timeout) {
        Request request = new Request(uri, timeout);
        requests.add(request);
        if (responder != null) {
            HttpAnswer answer = responder.apply(request);
            if (answer == null) {
                request.refuse();
            } else {
                request.answer(answer);
            }
        }
        return request.future;
    }

    /** Answer every future request at once with this (null: connection refused). */
    public void respondWith(Function<Request, HttpAnswer> responder) {
        this.responder = responder;
    }

    public void manual() {
        this.responder = null;
    }

    public List<Request> requests() {
        return requests;
    }

    public Request last() {
        if (requests.isEmpty()) {
            throw new AssertionError("no readiness request was made");
        }
        return requests.get(requests.size() - 1);
    }

    public int count() {
        return requests.size();
    }

    public static HttpAnswer ready(long index) {
        return HttpAnswer.of(200, body(true, index, 1));
    }

    /** Ready, as told to a crowd of long-polling clients woken together: spread your connects. */
    public static HttpAnswer readyWithSpread(long index, long spreadMillis) {
        Readiness readiness = new Readiness(true, Readiness.REGISTRY_UP, false, index, List.of(
                Readiness.ServiceReadiness.of("ws-service", 1),
                Readiness.ServiceReadiness.of("api-service", 1)), spreadMillis);
        return HttpAnswer.of(200, Json.MAPPER.writeValueAsString(readiness));
    }

    public static HttpAnswer notReady(long index) {
        return HttpAnswer.of(503, body(false, index, 0), "1");
    }

    public static HttpAnswer notReady(long index, String retryAfter) {
        return HttpAnswer.of(503, body(false, index, 0), retryAfter);
    }

    public static String body(boolean ready, long index, int wsPassing) {
        Readiness readiness = new Readiness(ready, Readiness.REGISTRY_UP, false, index, List.of(
                Readiness.ServiceReadiness.of("ws-service", wsPassing),
                Readiness.ServiceReadiness.of("api-service", 1)));
        return Json.MAPPER.writeValueAsString(readiness);
    }
}
