package dev.reconnect.api.log;

import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.ProtocolException;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
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

    /** 201 when stored now, 200 when the key was stored already with this body; answered once durable. */
    @PostMapping
    public CompletableFuture<ResponseEntity<PublishResult>> publish(@RequestBody(required = false) PublishRequest request) {
        if (request == null) {
            throw new BadRequestException("body must be a JSON object {\"key\": \"…\", \"body\": \"…\"}");
        }
        String key = request.key();
        if (key == null || key.isBlank() || key.length() > Limits.MAX_KEY_CHARS) {
            throw new BadRequestException("\"key\" must be 1 to " + Limits.MAX_KEY_CHARS + " characters");
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
    public DeferredResult<LogPage> read(@RequestParam(name = LogPage.PARAM_AFTER, defaultValue = "0") String afterParam,
                                        @RequestParam(name = LogPage.PARAM_LIMIT, defaultValue = "100") String limitParam,
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
        if (!result.isSetOrExpired()) {
            result.setResult(page(after, limit));
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
