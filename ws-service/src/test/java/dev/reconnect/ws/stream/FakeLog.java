package dev.reconnect.ws.stream;

import static org.mockito.Mockito.mock;

import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.log.PublishResult;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogClient;
import dev.reconnect.ws.log.LogUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * An in-memory message log standing in for api-service, with a real long-poll, that remembers which reads it was
 * asked for. Public for the lifecycle tests' warm-up log (lifecycle/ScriptedLog).
 */
public class FakeLog extends LogClient {
    private final List<LogEntry> entries = new ArrayList<>();
    private final List<Long> readsAfter = new CopyOnWriteArrayList<>();
    private final Map<String, Long> keys = new HashMap<>();
    private volatile boolean available = true;
    private volatile RuntimeException publishFailure;
    private volatile CountDownLatch publishGate;
    private volatile CountDownLatch quickReadGate;
    private final AtomicInteger quickReadsWaiting = new AtomicInteger();
    private final AtomicInteger publishCalls = new AtomicInteger();

    public FakeLog() {
        super(mock(DiscoveryClient.class), WsProperties.defaults());
    }

    public synchronized void append(String body) {
        entries.add(new LogEntry(entries.size() + 1, body, System.currentTimeMillis()));
        notifyAll();
    }

    public void available(boolean available) {
        this.available = available;
    }

    /** Every publish throws {@code failure} (null: publishes work again). */
    void failPublishesWith(RuntimeException failure) {
        this.publishFailure = failure;
    }

    /** Publishes wait until the returned latch is counted down. */
    CountDownLatch holdPublishes() {
        CountDownLatch gate = new CountDownLatch(1);
        publishGate = gate;
        return gate;
    }

    /** Reads that do not long-poll (a hello asking for the head) wait until the returned latch is counted down. */
    CountDownLatch holdQuickReads() {
        CountDownLatch gate = new CountDownLatch(1);
        quickReadGate = gate;
        return gate;
    }

    int quickReadsWaiting() {
        return quickReadsWaiting.get();
    }

    /** How many publishes reached the log (stored or not). */
    int publishCalls() {
        return publishCalls.get();
    }

    /** The log replaced by an older copy: only its first {@code keep} entries remain. */
    synchronized void truncateTo(int keep) {
        while (entries.size() > keep) {
            entries.remove(entries.size() - 1);
        }
        keys.values().removeIf(seq -> seq > keep);
        notifyAll();
    }

    synchronized long head() {
        return entries.size();
    }

    /** The {@code after} of every read that reached the log (while it was available), in order. */
    public List<Long> readsAfter() {
        return readsAfter;
    }

    @Override
    public LogPage read(long after, int limit, Duration wait) {
        CountDownLatch gate = quickReadGate;
        if (gate != null && wait.isZero()) {
            quickReadsWaiting.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                quickReadsWaiting.decrementAndGet();
            }
        }
        return readNow(after, limit, wait);
    }

    private synchronized LogPage readNow(long after, int limit, Duration wait) {
        requireAvailable();
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
        List<LogEntry> page = entries.stream().filter(e -> e.seq() > after).limit(limit).toList();
        return new LogPage(page, entries.size());
    }

    @Override
    public PublishResult publish(String key, String body) {
        publishCalls.incrementAndGet();
        CountDownLatch gate = publishGate;
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RuntimeException failure = publishFailure;
        if (failure != null) {
            throw failure;
        }
        return store(key, body);
    }

    private synchronized PublishResult store(String key, String body) {
        requireAvailable();
        Long existing = keys.get(key);
        if (existing != null) {
            return new PublishResult(key, existing, true);
        }
        append(body);
        keys.put(key, (long) entries.size());
        return new PublishResult(key, entries.size(), false);
    }

    private void requireAvailable() {
        if (!available) {
            throw new LogUnavailableException("api-service cannot be reached (test)", null);
        }
    }
}
