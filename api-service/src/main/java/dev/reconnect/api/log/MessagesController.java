package dev.reconnect.api.log;

import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.ProtocolException;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

@RestController
@RequestMapping(Paths.MESSAGES)
@Tag(name = "messages", description = "The durable, ordered message log; reached through the gateway's /api/** route")
@OpenAPIDefinition(info = @Info(title = "api-service REST API", version = "1",
        description = "Every error answer is {\"error\": \"<what is wrong>\"}. Answers with Retry-After may be retried after that many seconds."))
public class MessagesController {
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private final MessageLog messageLog;
    private final HeadWatchers watchers;
    private final WaitingReads waitingReads;

    public MessagesController(MessageLog messageLog, HeadWatchers watchers, WaitingReads waitingReads) {
        this.messageLog = messageLog;
        this.watchers = watchers;
        this.waitingReads = waitingReads;
    }

    /** The body of every error answer ({@code ApiErrors}); declared here only to describe it in the API description. */
    @Schema(name = "Error")
    record ErrorBody(@Schema(description = "what is wrong, for people") String error) {}

    /** 201 when stored now, 200 when the key was stored already with this body; answered once durable. */
    @PostMapping
    @Operation(summary = "Publish a message once", description = "Idempotent by key: a retry with the same key and body "
            + "gets the seq already stored. Answered once the message is durable.")
    @ApiResponse(responseCode = "201", description = "stored now", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "200", description = "stored already with this key and body (duplicate: true)", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "400", description = "not JSON, key not 1-128 characters, body missing, or not valid Unicode",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "409", description = "the key is stored already with another body",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "413", description = "the body would not fit a 64 KiB frame (UTF-8, after JSON escaping)",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "415", description = "the request is not application/json",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "503", description = "not stored, or no answer in time: send it again with the same key",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    // Not required for Spring, so that a missing body gets our own 400 message; required for callers.
    public CompletableFuture<ResponseEntity<PublishResult>> publish(
            @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "key: the idempotency key, "
                    + "1-128 characters; body: any text whose frames fit in 64 KiB")
            @RequestBody(required = false) PublishRequest request) {
        if (request == null) {
            throw new BadRequestException("body must be a JSON object {\"key\": \"…\", \"body\": \"…\"}");
        }
        String key = request.key();
        if (!Limits.isValidKey(key)) {
            throw new BadRequestException(Limits.KEY_RULE);
        }
        if (request.body() == null) {
            throw new BadRequestException("\"body\" is missing");
        }
        requireWellFormed("key", key);
        requireWellFormed("body", request.body());
        try {
            FrameCodec.requirePublishable(key, request.body());
        } catch (ProtocolException e) {
            throw new BodyTooLargeException(e.getMessage());
        }
        return messageLog.append(key, request.body())
                .thenApply(result -> ResponseEntity.status(result.duplicate() ? HttpStatus.OK : HttpStatus.CREATED).body(result));
    }

    /**
     * Entries after {@code after}. With {@code wait}, an empty answer is held until something is
     * appended or the wait ends, which lets ws-service follow the log with one request at a time.
     */
    @GetMapping
    @Operation(summary = "Read the log after a seq", description = "Entries after ?after, in order, and the log's head. "
            + "With ?wait, an empty answer is held until something is appended or the wait ends (long-poll).")
    @ApiResponse(responseCode = "200", description = "the entries (possibly none) and the head", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "400", description = "a malformed or out-of-range after, limit or wait",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @ApiResponse(responseCode = "429", description = "too many long-polls held (log.max-waiting-reads): ask again later",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = "integer")),
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    // The parameters are parsed by QueryValues (for error messages of our own); their schemas say what is accepted.
    public DeferredResult<LogPage> read(@Parameter(description = "the last seq already seen; 0 = from the start",
                                                schema = @Schema(type = "integer", format = "int64", minimum = "0", defaultValue = "0"))
                                        @RequestParam(name = LogPage.PARAM_AFTER, defaultValue = "0") String afterParam,
                                        @Parameter(description = "at most this many entries",
                                                schema = @Schema(type = "integer", minimum = "1", maximum = "" + LogPage.MAX_LIMIT, defaultValue = "100"))
                                        @RequestParam(name = LogPage.PARAM_LIMIT, defaultValue = "100") String limitParam,
                                        @Parameter(description = "long-poll: hold an empty answer up to this long, e.g. 500ms, 20s, 1m; at most 60s",
                                                schema = @Schema(type = "string", example = "20s"))
                                        @RequestParam(name = LogPage.PARAM_WAIT, required = false) String waitParam) {
        long after = QueryValues.nonNegativeLong(LogPage.PARAM_AFTER, afterParam);
        int limit = (int) QueryValues.longInRange(LogPage.PARAM_LIMIT, limitParam, 1, LogPage.MAX_LIMIT);
        Duration wait = waitParam == null ? Duration.ZERO : QueryValues.duration(LogPage.PARAM_WAIT, waitParam, MAX_WAIT);

        DeferredResult<LogPage> result = new DeferredResult<>(wait.toMillis() + 5_000L);
        if (wait.isZero() || messageLog.head() > after) {
            result.setResult(page(after, limit));
            return result;
        }
        Runnable release = waitingReads.hold();
        // The page is read off the writer's thread: the watcher is called when a batch is durable.
        Runnable cancel = watchers.await(after, messageLog::head, head -> AsyncTimer.INSTANCE.execute(() -> answer(result, after, limit)));
        // When the wait is over: an empty page with the current head, unless answered already.
        ScheduledFuture<?> timeout = AsyncTimer.INSTANCE.schedule(wait, () -> answer(result, after, limit));
        result.onCompletion(() -> {
            release.run();
            cancel.run();
            timeout.cancel(false);
        });
        return result;
    }

    private void answer(DeferredResult<LogPage> result, long after, int limit) {
        if (result.isSetOrExpired()) {
            return;
        }
        try {
            result.setResult(page(after, limit));
        } catch (RuntimeException e) {
            // Runs on the timer thread: an exception here would vanish and leave the reader hanging.
            result.setErrorResult(new LogUnavailableException("the log could not be read; ask again", e));
        }
    }

    private LogPage page(long after, int limit) {
        long head = messageLog.head();
        return new LogPage(messageLog.after(after, limit, head), head);
    }

    /** A lone surrogate cannot be written as UTF-8, so it could not be delivered as it was published. */
    private static void requireWellFormed(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new BadRequestException("\"" + field + "\" is not valid Unicode: a lone surrogate at character " + i);
            }
        }
    }
}
