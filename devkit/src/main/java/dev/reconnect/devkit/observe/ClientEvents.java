package dev.reconnect.devkit.observe;

import dev.reconnect.protocol.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The JSON events a client CLI prints with {@code --json}, collected as they arrive. Lines that are
 * not JSON events (start-up noise) are kept as text and otherwise ignored.
 */
public final class ClientEvents implements Consumer<String> {
    /** One event line: its time, its kind and all of its fields. */
    public record Event(long t, String kind, JsonNode fields) {
        public String text(String field) {
            return fields.path(field).asString("");
        }

        public long number(String field) {
            return fields.path(field).asLong(0);
        }
    }

    private final List<Event> events = new ArrayList<>();
    private final List<String> otherLines = new ArrayList<>();
    private final Consumer<Event> listener;

    public ClientEvents(Consumer<Event> listener) {
        this.listener = listener;
    }

    @Override
    public void accept(String line) {
        Event event = parse(line);
        synchronized (this) {
            if (event == null) {
                otherLines.add(line);
                return;
            }
            events.add(event);
        }
        listener.accept(event);
    }

    public synchronized List<Event> all() {
        return List.copyOf(events);
    }

    public synchronized List<Event> of(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).toList();
    }

    public synchronized Optional<Event> last(String kind) {
        List<Event> matching = of(kind);
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    public synchronized Optional<Event> first(Predicate<Event> condition) {
        return events.stream().filter(condition).findFirst();
    }

    /** Every event as one line each, for failure messages that tell what happened in order. */
    public synchronized String timeline() {
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            if (!event.kind().equals("message")) {
                text.append(event.t()).append(' ').append(event.fields()).append('\n');
            }
        }
        return text.toString();
    }

    private static Event parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            JsonNode node = Json.MAPPER.readTree(line);
            if (!node.has("event") || !node.has("t")) {
                return null;
            }
            return new Event(node.path("t").asLong(), node.path("event").asString(), node);
        } catch (JacksonException e) {
            return null;
        }
    }
}
