package dev.reconnect.api.log;

import dev.reconnect.protocol.Limits;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishRequest;
import dev.reconnect.protocol.log.PublishResult;
import java.time.Duration;
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

    public MessagesController(MessageLog messageLog, HeadWatchers watchers) {
        this.messageLog = messageLog;
        this.watchers = watchers;
    }

    @PostMapping
    public ResponseEntity<PublishResult> publish(@RequestBody(required = false) PublishRequest request) {
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
        if (request.body().length() > Limits.MAX_BODY_CHARS) {
            throw new BadRequestException("\"body\" is longer than " + Limits.MAX_BODY_CHARS + " characters");
        }
        PublishResult result = messageLog.append(key, request.body());
        return ResponseEntity.status(result.duplicate() ? HttpStatus.OK : HttpStatus.CREATED).body(result);
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
        // The page is read off the append path: the watcher is called under the log's append lock.
        Runnable cancel = watchers.await(after, messageLog::head, head -> AsyncTimer.INSTANCE.execute(() -> answer(result, after, limit)));
        // When the wait is over: an empty page with the current head, unless answered already.
        ScheduledFuture<?> timeout = AsyncTimer.INSTANCE.schedule(wait, () -> answer(result, after, limit));
        result.onCompletion(() -> {
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
        return new LogPage(messageLog.after(after, limit), head);
    }
}
