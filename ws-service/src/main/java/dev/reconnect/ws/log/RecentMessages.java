package dev.reconnect.ws.log;

import dev.reconnect.protocol.log.LogEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The newest entries of the log, kept in memory and encoded once, so that live delivery to many sessions
 * neither reads api-service nor encodes the same frame once per session. Older entries are read from
 * api-service on demand.
 */
public class RecentMessages {
    private final int capacity;
    private final ConcurrentSkipListMap<Long, EncodedMessage> entries = new ConcurrentSkipListMap<>();
    private int size;
    private volatile long generation;

    public RecentMessages(int capacity) {
        this.capacity = capacity;
    }

    /** Adds entries (new ones from the follower, or a backlog a session read); keeps the newest {@code capacity}. */
    public List<EncodedMessage> add(List<LogEntry> batch) {
        return add(batch, generation);
    }

    /**
     * Adds entries read while {@link #generation()} was {@code readIn}; a read that started before a
     * {@link #clear()} may hold bodies of the log that was replaced, so it is not kept. Encoding happens
     * outside the lock, so that sessions replaying held entries and the follower do not wait for it.
     *
     * @return the batch encoded, whether kept or not; an entry already held is returned as held
     */
    public List<EncodedMessage> add(List<LogEntry> batch, long readIn) {
        List<EncodedMessage> encoded = new ArrayList<>(batch.size());
        for (LogEntry entry : batch) {
            EncodedMessage held = readIn == generation ? entries.get(entry.seq()) : null;
            encoded.add(held != null ? held : EncodedMessage.of(entry));
        }
        synchronized (this) {
            if (readIn != generation) {
                return encoded;
            }
            for (int i = 0; i < encoded.size(); i++) {
                EncodedMessage message = encoded.get(i);
                EncodedMessage earlier = entries.putIfAbsent(message.seq(), message);
                if (earlier == null) {
                    size++;
                } else {
                    encoded.set(i, earlier); // another reader added it meanwhile: one text for everyone
                }
            }
            // Counted by hand: ConcurrentSkipListMap.size() walks the whole map.
            while (size > capacity && entries.pollFirstEntry() != null) {
                size--;
            }
        }
        return encoded;
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
    public List<EncodedMessage> from(long firstSeq, int max) {
        List<EncodedMessage> result = new ArrayList<>();
        long expected = firstSeq;
        for (EncodedMessage entry : entries.tailMap(firstSeq, true).values()) {
            if (entry.seq() != expected || result.size() == max) {
                break;
            }
            result.add(entry);
            expected++;
        }
        return result;
    }
}
