package dev.reconnect.client.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** The durable message log (api-service's role): gapless seqs from 1, idempotent by key. Survives server restarts. */
final class TestLog {
    record Entry(long seq, String body) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Long> keys = new HashMap<>();
    private LongConsumer onAppend = seq -> { };

    synchronized void onAppend(LongConsumer listener) {
        this.onAppend = listener;
    }

    /** Appends and returns the seq; a known key returns its original seq without appending. */
    synchronized long append(String key, String body) {
        Long known = key == null ? null : keys.get(key);
        if (known != null) {
            return known;
        }
        long seq = entries.size() + 1;
        entries.add(new Entry(seq, body));
        if (key != null) {
            keys.put(key, seq);
        }
        onAppend.accept(seq);
        return seq;
    }

    synchronized long head() {
        return entries.size();
    }

    synchronized List<Entry> after(long seq) {
        return new ArrayList<>(entries.subList((int) Math.min(seq, entries.size()), entries.size()));
    }

    synchronized long count(String body) {
        return entries.stream().filter(e -> e.body().equals(body)).count();
    }
}
