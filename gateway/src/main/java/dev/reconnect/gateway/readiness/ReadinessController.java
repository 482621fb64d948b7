package dev.reconnect.gateway.readiness;

import dev.reconnect.gateway.registry.RegistryProperties;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /readiness}: 200 when every required service has a passing instance, else 503 with
 * {@code Retry-After}; the same body either way. Answers from the gateway's live view of the
 * registry, never with a registry call per request. {@code ?index=N&wait=30s} holds the request
 * until the answer differs from index N; held requests are capped (429 with {@code Retry-After}
 * beyond). Unknown query parameters are ignored. {@code GET /readiness/changes}: the recent answers.
 */
@RestController
class ReadinessController {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    /** Seconds a client should wait before asking again when not ready, or when turned away. */
    static final String RETRY_AFTER_SECONDS = "1";
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,19}");

    private final RegistryView view;
    private final Duration maxWait;
    private final LongPollSlots slots;

    ReadinessController(RegistryView view, RegistryProperties properties, LongPollSlots slots) {
        this.view = view;
        this.maxWait = properties.maxWait();
        this.slots = slots;
    }

    @GetMapping(Paths.READINESS)
    Mono<ResponseEntity<?>> readiness(@RequestParam(name = Readiness.PARAM_INDEX, required = false) String indexParam,
                                      @RequestParam(name = Readiness.PARAM_WAIT, required = false) String waitParam,
                                      ServerHttpRequest request) {
        if (indexParam == null) {
            return Mono.just(answer(view.readiness()));
        }
        long index;
        Duration wait;
        try {
            index = parseIndex(indexParam);
            wait = waitParam == null ? DEFAULT_WAIT : Durations.parse("?" + Readiness.PARAM_WAIT, waitParam);
            if (wait.compareTo(maxWait) > 0) {
                wait = maxWait; // like Consul: a longer wait is clamped, not refused
            }
        } catch (IllegalArgumentException e) {
            return Mono.just(error(HttpStatus.BAD_REQUEST, e.getMessage()));
        }
        Readiness current = view.readiness();
        if (current.index() != index) {
            return Mono.just(answer(current)); // nothing to wait for: no slot needed
        }
        String address = remoteAddress(request);
        String capReached = slots.tryAcquire(address);
        if (capReached != null) {
            return Mono.just(tooMany(capReached));
        }
        return Mono.fromFuture(() -> view.nextReadiness(index))
                .timeout(wait, Mono.fromSupplier(view::readiness))
                .map(ReadinessController::answer)
                .doFinally(signal -> slots.release(address));
    }

    @GetMapping(Paths.READINESS_CHANGES)
    ResponseEntity<ReadinessChange.History> changes() {
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(new ReadinessChange.History(view.changes()));
    }

    private static long parseIndex(String text) {
        String trimmed = text.trim();
        if (WHOLE_NUMBER.matcher(trimmed).matches()) {
            try {
                return Long.parseLong(trimmed);
            } catch (NumberFormatException e) {
                // beyond a long: refused below like any other bad value
            }
        }
        throw new IllegalArgumentException("?" + Readiness.PARAM_INDEX + " must be a non-negative whole number");
    }

    private static String remoteAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    private static ResponseEntity<?> tooMany(String cap) {
        String message = LongPollSlots.CAP_ADDRESS.equals(cap)
                ? "too many readiness long-polls from this address; ask again after Retry-After seconds"
                : "too many readiness long-polls on this gateway; ask again after Retry-After seconds";
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .cacheControl(CacheControl.noStore())
                .body(Map.of("error", message));
    }

    private static ResponseEntity<?> error(HttpStatus status, String message) {
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).body(Map.of("error", message));
    }

    private static ResponseEntity<?> answer(Readiness readiness) {
        ResponseEntity.BodyBuilder builder = ResponseEntity
                .status(readiness.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .cacheControl(CacheControl.noStore());
        if (!readiness.ready()) {
            builder.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return builder.body(readiness);
    }
}
