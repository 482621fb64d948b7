package dev.reconnect.gateway.readiness;

import dev.reconnect.gateway.registry.RegistryProperties;
import dev.reconnect.gateway.registry.RegistryView;
import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "readiness", description = "Whether a client may (re)connect to /ws, from the gateway's live view of Consul")
@OpenAPIDefinition(info = @Info(title = "gateway readiness API", version = "1",
        description = "Error answers are {\"error\": \"<what is wrong>\"}. The WebSocket protocol of /ws is described "
                + "in AsyncAPI: protocol/asyncapi.json."))
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

    /** The body of error answers; declared here only to describe it in the API description. */
    @Schema(name = "Error")
    record ErrorBody(@Schema(description = "what is wrong, for people") String error) {}

    @GetMapping(Paths.READINESS)
    @Operation(summary = "Is every required service passing?", description = "Same body with 200 and 503. With ?index, "
            + "the request is held until the answer's index differs from it, or the wait ends (long-poll).")
    @ApiResponse(responseCode = "200", description = "ready: every required service has a passing instance",
            content = @Content(schema = @Schema(implementation = Readiness.class)))
    @ApiResponse(responseCode = "503", description = "not ready, or the registry is unreachable (registry: unavailable, stale: true)",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = Readiness.class)))
    @ApiResponse(responseCode = "400", description = "a malformed index or wait",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "429", description = "too many long-polls held (registry.max-waiting, "
            + "registry.max-waiting-per-address): wait Retry-After and ask again; not a failure",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    // Parsed here rather than bound (for error messages of our own); the schemas say what is accepted.
    Mono<ResponseEntity<?>> readiness(@Parameter(description = "the index of the last answer seen: long-poll for the next change",
                                              schema = @Schema(type = "integer", format = "int64", minimum = "0"))
                                      @RequestParam(name = Readiness.PARAM_INDEX, required = false) String indexParam,
                                      @Parameter(description = "with index: how long to hold the request, e.g. 30s (the default); "
                                              + "longer waits are cut to registry.max-wait (60s)",
                                              schema = @Schema(type = "string", example = "30s"))
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
    @Operation(summary = "The recent readiness changes, oldest first", description = "index, ready and time "
            + "(epoch milliseconds, the gateway's clock) of each change the gateway recorded.")
    @ApiResponse(responseCode = "200", description = "the changes", useReturnTypeSchema = true)
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
