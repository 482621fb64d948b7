package dev.reconnect.devkit.bench;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.readiness.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import tools.jackson.core.JacksonException;

/**
 * A reconnecting client of a baseline {@link Policy}, on {@link ProtocolSocket}: it resumes after the last
 * seq it saw, as the real client does, so that the restarted server has the same replay work for every
 * policy. It notices a drop by the close the gateway sends when the backend goes; it has no heartbeat watch.
 */
final class BaselineClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READINESS_TIMEOUT = Duration.ofSeconds(5);
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    /** What every client of a fleet shares. */
    record Context(HttpClient http, ScheduledExecutorService timers, URI webSocket, URI readiness,
                   Consumer<OpenEvent> opens) {}

    private final String name;
    private final Policy policy;
    private final Context context;
    private final SocketIoBackoff backoff;
    private ProtocolSocket socket;
    private long attempt;
    private long lastSeq;
    private boolean open;
    private boolean stopped;
    private long connectAttempts;
    private long failedConnects;
    private long readinessRequests;

    BaselineClient(String name, Policy policy, Context context, DoubleSupplier random) {
        if (policy == Policy.OURS) {
            throw new IllegalArgumentException("our client is the CLI, not a baseline");
        }
        this.name = name;
        this.policy = policy;
        this.context = context;
        this.backoff = new SocketIoBackoff(random);
    }

    /** The first connect needs no readiness: the system is up when the fleet starts. */
    synchronized void start() {
        connect();
    }

    synchronized void stop() {
        stopped = true;
        if (socket != null) {
            socket.close();
        }
    }

    synchronized boolean isOpen() {
        return open;
    }

    synchronized Counts counts() {
        return new Counts(connectAttempts, failedConnects, readinessRequests);
    }

    /** Totals since the client started; a fleet subtracts the ones before an outage. */
    record Counts(long connectAttempts, long failedConnects, long readinessRequests) {
        Counts plus(Counts other) {
            return new Counts(connectAttempts + other.connectAttempts, failedConnects + other.failedConnects,
                    readinessRequests + other.readinessRequests);
        }

        Counts minus(Counts other) {
            return new Counts(connectAttempts - other.connectAttempts, failedConnects - other.failedConnects,
                    readinessRequests - other.readinessRequests);
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        connectAttempts++;
        long mine = ++attempt;
        socket = ProtocolSocket.open(context.http(), context.webSocket(), lastSeq, CONNECT_TIMEOUT,
                new ProtocolSocket.Handler() {
                    @Override
                    public void welcome(Frame.Welcome welcome) {
                        onWelcome(mine);
                    }

                    @Override
                    public void message(Frame.Message message, long receivedAtMicros) {
                        onMessage(message);
                    }

                    @Override
                    public void ended(String why) {
                        onEnded(mine);
                    }
                });
    }

    private synchronized void onWelcome(long mine) {
        if (mine != attempt || stopped) {
            return;
        }
        open = true;
        backoff.reset();
        context.opens().accept(new OpenEvent(System.currentTimeMillis(), name, true));
    }

    private synchronized void onMessage(Frame.Message message) {
        lastSeq = Math.max(lastSeq, message.seq());
    }

    private synchronized void onEnded(long mine) {
        if (mine != attempt || stopped) {
            return;
        }
        if (open) {
            open = false;
            context.opens().accept(new OpenEvent(System.currentTimeMillis(), name, false));
            if (policy == Policy.SOCKET_IO_BACKOFF) {
                later(backoff.nextDelayMillis(), this::connect);
            } else {
                askReadiness();
            }
        } else {
            failedConnects++;
            if (policy == Policy.SOCKET_IO_BACKOFF) {
                later(backoff.nextDelayMillis(), this::connect);
            } else {
                later(POLL_INTERVAL.toMillis(), this::askReadiness);
            }
        }
    }

    private void askReadiness() {
        if (stopped) {
            return;
        }
        readinessRequests++;
        HttpRequest request = HttpRequest.newBuilder(context.readiness()).timeout(READINESS_TIMEOUT).GET().build();
        context.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete((response, error) -> onReadiness(error == null && saysReady(response)));
    }

    private synchronized void onReadiness(boolean ready) {
        if (stopped) {
            return;
        }
        if (ready) {
            connect();
        } else {
            later(POLL_INTERVAL.toMillis(), this::askReadiness);
        }
    }

    static boolean saysReady(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return false;
        }
        try {
            return Json.MAPPER.readValue(response.body(), Readiness.class).ready();
        } catch (JacksonException e) {
            return false;
        }
    }

    private void later(long millis, Runnable step) {
        context.timers().schedule(() -> {
            synchronized (this) {
                step.run();
            }
        }, millis, TimeUnit.MILLISECONDS);
    }
}
