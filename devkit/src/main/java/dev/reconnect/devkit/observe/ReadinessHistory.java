package dev.reconnect.devkit.observe;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;

/**
 * The readiness changes one gateway process recorded itself ({@code GET /readiness/changes}): what
 * every client was told, and from when, on the gateway's own clock. Unlike a second long-polling
 * observer it never lags, so it is what "connected while not ready" is judged against.
 *
 * <p>The gateway keeps only its most recent changes, so a long run fetches the history now and
 * then and {@link #merge merges} it here (records are keyed by index, which only grows within one
 * gateway process). A restarted gateway starts a fresh history, perhaps with indexes from 0 again:
 * each gateway process gets its own instance of this class.
 */
public final class ReadinessHistory {
    private final TreeMap<Long, ReadinessChange> byIndex = new TreeMap<>();

    public ReadinessHistory() {}

    public ReadinessHistory(List<ReadinessChange> changes) {
        merge(changes);
    }

    /** The gateway's history, or empty when it does not answer 200 with one. */
    public static Optional<List<ReadinessChange>> fetch(URI gateway) {
        return Http.get(gateway.resolve(Paths.READINESS_CHANGES), Duration.ofSeconds(5))
                .filter(a -> a.status() == 200)
                .flatMap(a -> {
                    try {
                        return Optional.of(Json.MAPPER.readValue(a.body(), ReadinessChange.History.class).changes());
                    } catch (JacksonException e) {
                        return Optional.empty();
                    }
                });
    }

    public synchronized void merge(List<ReadinessChange> changes) {
        for (ReadinessChange change : changes) {
            byIndex.put(change.index(), change);
        }
    }

    /** Oldest first. */
    public synchronized List<ReadinessChange> changes() {
        return List.copyOf(byIndex.values());
    }

    public synchronized boolean isEmpty() {
        return byIndex.isEmpty();
    }

    /** When this gateway's first known record was made ({@link Long#MAX_VALUE} when there is none). */
    public synchronized long firstAt() {
        return byIndex.isEmpty() ? Long.MAX_VALUE : byIndex.firstEntry().getValue().at();
    }

    /** What readiness said at {@code time}: the last change made at or before it. */
    public synchronized Optional<ReadinessChange> stateAt(long time) {
        ReadinessChange found = null;
        for (ReadinessChange change : byIndex.values()) {
            if (change.at() <= time) {
                found = change;
            } else {
                break;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The change that made an answer with {@code index} what it was: the record with that index, or
     * the last one before it (indexes only grow, so an index between two records said what the first
     * of them said).
     */
    public synchronized Optional<ReadinessChange> governing(long index) {
        return Optional.ofNullable(byIndex.floorEntry(index)).map(Map.Entry::getValue);
    }

    /** The first change after an answer with {@code index}: from then on that answer was out of date. */
    public synchronized Optional<ReadinessChange> supersededBy(long index) {
        return Optional.ofNullable(byIndex.higherEntry(index)).map(Map.Entry::getValue);
    }

    /**
     * The not-ready spells that overlap {@code [from, to]}: each as the change that started it (so
     * an empty list means readiness said ready throughout, as far as this gateway recorded).
     */
    public synchronized List<ReadinessChange> notReadyDuring(long from, long to) {
        List<ReadinessChange> spells = new ArrayList<>();
        stateAt(from).filter(c -> !c.ready()).ifPresent(spells::add);
        for (ReadinessChange change : byIndex.values()) {
            if (change.at() > from && change.at() <= to && !change.ready()) {
                spells.add(change);
            }
        }
        return spells;
    }
}
