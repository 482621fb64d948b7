package dev.reconnect.devkit.observe;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;

/**
 * Long-polls the gateway's {@code /readiness} like a client would and records every change with the
 * time it was seen, so that a scenario can tell what readiness said when the client acted.
 */
public final class ReadinessObserver implements AutoCloseable {
    /** One answer that differed from the one before. */
    public record Change(long at, boolean ready, long index, String summary) {}

    private final URI readiness;
    private final List<Change> changes = new ArrayList<>();
    private final Consumer<Change> listener;
    private final Thread thread;
    private volatile boolean running = true;

    public ReadinessObserver(URI gateway, Consumer<Change> listener) {
        this.readiness = gateway.resolve(Paths.READINESS);
        this.listener = listener;
        this.thread = new Thread(this::observe, "readiness-observer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    public synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    /** The last change seen, if any. */
    public synchronized Optional<Change> latest() {
        return changes.isEmpty() ? Optional.empty() : Optional.of(changes.get(changes.size() - 1));
    }

    /** What readiness said at {@code time}, as far as this observer saw (empty before the first answer). */
    public synchronized Optional<Change> at(long time) {
        Change found = null;
        for (Change change : changes) {
            if (change.at() <= time) {
                found = change;
            }
        }
        return Optional.ofNullable(found);
    }

    private void observe() {
        long index = -1;
        Boolean lastReady = null;
        while (running) {
            URI uri = index < 0 ? readiness : URI.create(readiness + "?index=" + index + "&wait=10s");
            Optional<Http.Answer> answer = Http.get(uri, Duration.ofSeconds(15));
            if (answer.isEmpty() || (answer.get().status() != 200 && answer.get().status() != 503)) {
                index = -1;
                pause();
                continue;
            }
            Readiness body;
            try {
                body = Json.MAPPER.readValue(answer.get().body(), Readiness.class);
            } catch (JacksonException e) {
                index = -1;
                pause();
                continue;
            }
            if (lastReady == null || body.index() != index) {
                Change change = new Change(System.currentTimeMillis(), body.ready(), body.index(), summary(body));
                synchronized (this) {
                    changes.add(change);
                }
                if (lastReady == null || lastReady != body.ready()) {
                    listener.accept(change);
                }
                lastReady = body.ready();
            }
            index = body.index();
        }
    }

    private static String summary(Readiness readiness) {
        StringBuilder text = new StringBuilder(readiness.ready() ? "ready" : "not ready");
        text.append(" (");
        if (readiness.stale()) {
            text.append("registry unavailable, ");
        }
        for (int i = 0; i < readiness.services().size(); i++) {
            Readiness.ServiceReadiness service = readiness.services().get(i);
            text.append(i == 0 ? "" : ", ").append(service.name()).append(" passing=").append(service.passing());
        }
        return text.append(")").toString();
    }

    private void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
