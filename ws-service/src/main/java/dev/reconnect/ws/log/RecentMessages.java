package dev.reconnect.ws.log;

import dev.reconnect.protocol.log.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The newest entries of the log, kept in memory so that live delivery to many sessions does not
 * read api-service once per session. Older entries are read from api-service on demand.
 */
public class RecentMessages {
    private final int capacity;
    private final ConcurrentSkipListMap<Long, LogEntry> entries = new ConcurrentSkipListMap<>();
    private int size;
    private volatile long generation;

    public RecentMessages(int capacity) {
        this.capacity = capacity;
    }

    /** Adds entries (new ones from the follower, or a backlog a session read); keeps the newest {@code capacity}. */
    public synchronized void add(List<LogEntry> batch) {
        add(batch, generation);
    }

    /**
     * Adds entries read while {@link #generation()} was {@code readIn}; a read that started before a
     * {@link #clear()} may hold bodies of the log that was replaced, so it is not kept.
     */
    public synchronized void add(List<LogEntry> batch, long readIn) {
        if (readIn != generation) {
            return;
        }
        for (LogEntry entry : batch) {
            if (entries.put(entry.seq(), entry) == null) {
                size++;
            }
        }
        // Counted by hand: ConcurrentSkipListMap.size() walks the whole map.
        while (size > capacity && entries.pollFirstEntry() != null) {
            size--;
        }
    }

    /** Changes with every {@link #clear()}. */
    public long generation() {
        return generation;
    }

    /** Forgets everything: the log these entries came from is no longer the log. */
    public synchronized void clear() {
        generation++;
        entries.clear();
        size = 0;
    }

    /**
     * Up to {@code max} consecutive entries starting at {@code firstSeq}, or an empty list when
     * {@code firstSeq} is not held here (too old, or not yet seen).
     */
    public List<LogEntry> from(long firstSeq, int max) {
        List<LogEntry> result = new ArrayList<>();
        long expected = firstSeq;
        for (LogEntry entry : entries.tailMap(firstSeq, true).values()) {
            if (entry.seq() != expected || result.size() == max) {
                break;
            }
            result.add(entry);
            expected++;
        }
        return result;
    }
}
