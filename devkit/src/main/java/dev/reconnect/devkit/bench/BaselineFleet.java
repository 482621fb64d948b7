package dev.reconnect.devkit.bench;

import dev.reconnect.protocol.Paths;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** N baseline clients of one policy in this JVM, through the gateway, with one HTTP client and one timer thread. */
final class BaselineFleet implements AutoCloseable {
    private final List<BaselineClient> clients = new ArrayList<>();
    private final List<OpenEvent> opens = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timers;

    /** @param seed the jitter of client i is drawn from a generator split off one seeded with this */
    BaselineFleet(int count, Policy policy, URI gateway, long seed) {
        timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "baseline-" + policy.id());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(BaselineClient.CONNECT_TIMEOUT).build();
        URI webSocket = URI.create("ws://" + gateway.getHost() + ":" + gateway.getPort() + Paths.WEBSOCKET);
        BaselineClient.Context context = new BaselineClient.Context(http, timers, webSocket,
                gateway.resolve(Paths.READINESS), opens::add);
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int i = 1; i <= count; i++) {
            SplittableRandom random = seeds.split();
            clients.add(new BaselineClient(policy.id() + "-" + i, policy, context, random::nextDouble));
        }
    }

    /** Connects every client and returns once all are open. */
    void startAndAwaitOpen(Duration timeout) {
        clients.forEach(BaselineClient::start);
        Waits.until("every baseline client to open", timeout, () -> openCount() == clients.size(), this::state);
    }

    /** Returns once every client has opened again at or after {@code since} (epoch ms). */
    void awaitAllReopened(long since, Duration timeout) {
        Waits.until("every baseline client to open again after the kill", timeout, () -> openCount() == clients.size()
                && opens.stream().filter(e -> e.open() && e.at() >= since).map(OpenEvent::client).distinct().count()
                        == clients.size(), this::state);
    }

    long openCount() {
        return clients.stream().filter(BaselineClient::isOpen).count();
    }

    /** Every open and drop so far. */
    List<OpenEvent> opens() {
        return List.copyOf(opens);
    }

    /** Totals over all clients since they started. */
    BaselineClient.Counts counts() {
        return clients.stream().map(BaselineClient::counts)
                .reduce(new BaselineClient.Counts(0, 0, 0), BaselineClient.Counts::plus);
    }

    @Override
    public void close() {
        clients.forEach(BaselineClient::stop);
        timers.shutdownNow();
    }

    private String state() {
        return openCount() + " of " + clients.size() + " open";
    }
}
