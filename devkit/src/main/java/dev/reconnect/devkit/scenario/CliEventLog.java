package dev.reconnect.devkit.scenario;

import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.client.cli.event.CliEventCodec;
import dev.reconnect.client.cli.event.MalformedCliEventException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The events a client CLI prints with {@code --json}, read through {@link CliEventCodec} as they arrive. A line
 * that is no event (the JVM's start-up notes, a line an older or newer CLI garbled) is kept with the reason and
 * shown in {@link #timeline()}, never fatal: the waits that needed the event then say what they missed.
 */
public final class CliEventLog implements Consumer<String> {
    private final List<CliEvent> events = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    /** Unreadable lines that look like events: a CLI whose events this devkit cannot read (another version?). */
    private final List<String> garbledEvents = new ArrayList<>();
    private final Consumer<CliEvent> listener;

    public CliEventLog(Consumer<CliEvent> listener) {
        this.listener = listener;
    }

    @Override
    public void accept(String line) {
        CliEvent event;
        try {
            event = CliEventCodec.parse(line);
        } catch (MalformedCliEventException e) {
            synchronized (this) {
                unreadable.add(e.getMessage());
                if (line.stripLeading().startsWith("{") && line.contains("\"event\"")) {
                    garbledEvents.add(e.getMessage());
                }
            }
            return;
        }
        synchronized (this) {
            events.add(event);
        }
        listener.accept(event);
    }

    /**
     * Fails when the CLI printed an event line that could not be read: counts summed without it (failed upgrades,
     * readiness requests, stats) would be wrong without a word.
     */
    public synchronized void requireEveryEventRead() {
        if (!garbledEvents.isEmpty()) {
            throw new ScenarioException("the client printed " + garbledEvents.size() + " event line(s) that cannot be"
                    + " read (a client CLI of another version?); the first: " + garbledEvents.get(0));
        }
    }

    public synchronized List<CliEvent> all() {
        return List.copyOf(events);
    }

    /** The events of one kind, in the order the CLI printed them. */
    public synchronized <T extends CliEvent> List<T> of(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /** Every state change at or after {@code since} (epoch ms). */
    public List<CliEvent.State> statesSince(long since) {
        return of(CliEvent.State.class).stream().filter(e -> e.t() >= since).toList();
    }

    public synchronized <T extends CliEvent> Optional<T> last(Class<T> kind) {
        List<T> matching = of(kind);
        return matching.isEmpty() ? Optional.empty() : Optional.of(matching.get(matching.size() - 1));
    }

    /** Every event but the messages as one line each, then the unreadable lines: what happened, in order. */
    public synchronized String timeline() {
        StringBuilder text = new StringBuilder();
        for (CliEvent event : events) {
            if (!(event instanceof CliEvent.Message)) {
                text.append(CliEventCodec.write(event)).append('\n');
            }
        }
        unreadable.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }
}
