package dev.reconnect.ws.lifecycle;

import static org.mockito.Mockito.mock;

import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogClient;
import dev.reconnect.ws.log.LogUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/** api-service's log in memory, with a real long-poll, that remembers which reads it was asked for. */
class ScriptedLog extends LogClient {
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<Long> readsAfter = new CopyOnWriteArrayList<>();
    private volatile boolean available = true;

    ScriptedLog(int messages) {
        super(mock(DiscoveryClient.class), WsProperties.defaults());
        for (int i = 1; i <= messages; i++) {
            entries.add(new LogEntry(i, "message " + i, System.currentTimeMillis()));
        }
    }

    void available(boolean available) {
        this.available = available;
    }

    /** The {@code after} of every read that reached the log, in order. */
    List<Long> readsAfter() {
        return readsAfter;
    }

    @Override
    public synchronized LogPage read(long after, int limit, Duration wait) {
        if (!available) {
            throw new LogUnavailableException("api-service cannot be reached (test)", null);
        }
        readsAfter.add(after);
        long deadline = System.currentTimeMillis() + wait.toMillis();
        while (entries.size() <= after && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LogUnavailableException("interrupted", e);
            }
        }
        return new LogPage(entries.stream().filter(e -> e.seq() > after).limit(limit).toList(), entries.size());
    }

    @Override
    public PublishResult publish(String key, String body) {
        throw new AssertionError("the warm-up must never publish");
    }
}
