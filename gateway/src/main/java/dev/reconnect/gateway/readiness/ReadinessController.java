package dev.reconnect.gateway.readiness;

import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /readiness}: 200 when every required service has a passing instance, else 503 with
 * {@code Retry-After}; the same body either way. Answers from the gateway's live view of the
 * registry, never with a registry call per request. {@code ?index=N&wait=30s} holds the request
 * until the answer differs from index N. Unknown query parameters are ignored.
 */
@RestController
class ReadinessController {
    static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** Seconds a client should wait before asking again when not ready. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final RegistryView view;

    ReadinessController(RegistryView view) {
        this.view = view;
    }

    @GetMapping(Paths.READINESS)
    Mono<ResponseEntity<?>> readiness(@RequestParam(name = Readiness.PARAM_INDEX, required = false) String indexParam,
                                      @RequestParam(name = Readiness.PARAM_WAIT, required = false) String waitParam) {
        if (indexParam == null) {
            return Mono.just(answer(view.readiness()));
        }
        long index;
        Duration wait;
        try {
            index = parseIndex(indexParam);
            wait = waitParam == null ? DEFAULT_WAIT : Durations.parse("?" + Readiness.PARAM_WAIT, waitParam);
            if (wait.compareTo(MAX_WAIT) > 0) {
                wait = MAX_WAIT; // like Consul: a longer wait is clamped, not refused
            }
        } catch (IllegalArgumentException e) {
            return Mono.just(ResponseEntity.badRequest().body(Map.of("error", e.getMessage())));
        }
        return Mono.fromFuture(() -> view.nextReadiness(index))
                .timeout(wait, Mono.fromSupplier(view::readiness))
                .map(ReadinessController::answer);
    }

    private static long parseIndex(String text) {
        try {
            long index = Long.parseLong(text.trim());
            if (index < 0) {
                throw new NumberFormatException();
            }
            return index;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("?" + Readiness.PARAM_INDEX + " must be a non-negative whole number");
        }
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
