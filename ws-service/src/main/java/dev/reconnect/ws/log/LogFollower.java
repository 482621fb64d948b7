package dev.reconnect.ws.log;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.ws.WsProperties;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Follows api-service's log with one long-poll at a time and keeps the newest entries in memory.
 * Every ws-service instance runs one; sessions are told when the head moves.
 */
@Component
public class LogFollower {
    private static final Logger log = LoggerFactory.getLogger(LogFollower.class);
    private static final int BATCH = 1000;
    private static final Duration RETRY = Duration.ofMillis(500);

    private final LogClient logClient;
    private final WsProperties properties;
    private final RecentMessages recent = new RecentMessages(20_000);
    private final List<Runnable> headListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> resyncListeners = new CopyOnWriteArrayList<>();
    private volatile long head = -1;
    private volatile boolean running = true;
    private Thread thread;

    public LogFollower(LogClient logClient, WsProperties properties) {
        this.logClient = logClient;
        this.properties = properties;
    }

    /** The highest seq known to be stored, or -1 before api-service has answered once. */
    public long head() {
        return head;
    }

    public RecentMessages recent() {
        return recent;
    }

    public void onHeadMoved(Runnable listener) {
        headListeners.add(listener);
    }

    /**
     * Called when api-service reports a head lower than the one already known (a restored or replaced
     * log): what was cached is dropped, and sessions must start over from a position checked anew.
     */
    public void onHeadWentBack(Runnable listener) {
        resyncListeners.add(listener);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        thread = new Thread(this::follow, "log-follower");
        thread.setDaemon(true);
        thread.start();
    }

    @EventListener(ContextClosedEvent.class)
    void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void follow() {
        boolean following = false;
        boolean warned = false;
        while (running) {
            try {
                // The first read only learns the head: older entries are fetched when a session asks.
                LogPage page = head < 0
                        ? logClient.read(0, 1, Duration.ZERO)
                        : logClient.read(head, BATCH, properties.logWait());
                if (!following) {
                    following = true;
                    warned = false;
                    log.info("Following the message log at {} (head {})", properties.logService(), page.head());
                }
                if (head < 0) {
                    head = page.head();
                } else if (page.head() < head) {
                    headWentBack(page.head());
                    continue;
                } else {
                    accept(page.entries());
                }
                headListeners.forEach(Runnable::run);
            } catch (LogBusyException e) {
                log.debug("{}", e.getMessage());
                pause(e.retryAfter());
            } catch (LogUnavailableException e) {
                if (!warned) {
                    warned = true;
                    log.warn("Message log unavailable: {}; retrying every {} ms", e.getMessage(), RETRY.toMillis());
                }
                following = false;
                pause();
            } catch (RuntimeException e) {
                log.error("Following the message log failed unexpectedly; retrying", e);
                pause();
            }
        }
    }

    /** Package-private so that a test can drive it without a running follower thread. */
    void headWentBack(long newHead) {
        long old = head;
        log.error("The message log's head went back from {} to {}: the log was restored or replaced and messages "
                + "after {} may be gone. Dropping cached messages, following from {}, and closing every session "
                + "with {} so that clients reconnect and resume against the new head", old, newHead, newHead, newHead,
                CloseCodes.RESYNC);
        recent.clear();
        head = newHead;
        resyncListeners.forEach(Runnable::run);
    }

    private void accept(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        recent.add(entries);
        head = Math.max(head, entries.get(entries.size() - 1).seq());
    }

    private void pause() {
        pause(RETRY);
    }

    private void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
