package dev.reconnect.devkit.scenario;

import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.devkit.observe.ClientEvents;
import dev.reconnect.devkit.observe.ReadinessObserver;
import dev.reconnect.protocol.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One run of the whole system with clients and a publisher, and the disruptions the project must
 * survive. The demo and the end-to-end tests both drive the system through this class, so what the
 * demo shows is what the tests check.
 */
public final class ScenarioRun implements AutoCloseable {
    public static final List<String> SCENARIOS = List.of("sigkill", "sigterm", "failover", "registry-restart", "api-restart");

    /** How much later than a client the observer may hear of the same readiness change. */
    private static final long OBSERVER_LAG_MILLIS = 250;
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);
    private static final int PUBLISH_RATE = 20;

    private final LocalSystem system;
    private final int clients;
    private final Consumer<String> narrator;
    private final ClientEvents events;
    private final Map<String, String> clientStates = new HashMap<>();
    private final Map<Integer, ManagedProcess> wsInstances = new LinkedHashMap<>();
    private ReadinessObserver observer;
    private ManagedProcess registry;
    private ManagedProcess api;
    private ManagedProcess gateway;
    private ManagedProcess client;
    private ManagedProcess publisher;

    public ScenarioRun(LocalSystem system, int clients, Consumer<String> narrator) {
        this.system = system;
        this.clients = clients;
        this.narrator = narrator;
        this.events = new ClientEvents(this::onClientEvent);
    }

    /**
     * Starts everything in a staggered order, ws-service last, so that the client is seen waiting on
     * readiness first; returns when every client is open and messages flow.
     */
    public void start(int wsCount) {
        say("starting consul-emulator on :" + system.ports().registry());
        registry = system.startRegistry();
        system.awaitOk(registry, system.registry().resolve("/v1/status/leader"));

        say("starting api-service on :" + system.ports().api() + " and the gateway on :" + system.ports().gateway());
        api = system.startApi();
        gateway = system.startGateway();
        system.awaitOk(api, system.readinessOf(system.ports().api()));
        system.awaitOk(gateway, system.readinessOf(system.ports().gateway()));
        observer = new ReadinessObserver(system.gateway(), change -> say("readiness: " + change.summary()));

        say("starting " + clients + " client(s): they wait for readiness, since ws-service is not up yet");
        client = system.startClient("client", List.of("listen", "--gateway", system.gateway().toString(), "--json",
                "--clients", Integer.toString(clients), "--quiet-messages", "--stats-interval", "1s"), events);
        awaitClientsIn("WAITING_FOR_READINESS", Instant.EPOCH, Duration.ofSeconds(60));

        say("starting the publisher (" + PUBLISH_RATE + " messages/s through POST /api/messages)");
        publisher = system.startClient("publisher", List.of("publish", "--gateway", system.gateway().toString(),
                "--rate", Integer.toString(PUBLISH_RATE), "--json"), line -> { });

        for (int i = 0; i < wsCount; i++) {
            startWs(wsPort(i));
        }
        awaitClientsOpenSince(Instant.EPOCH);
        long head = awaitHeadAtLeast(PUBLISH_RATE / 2);
        awaitClientsAt(head);
        say("all " + clients + " client(s) open and receiving (log head " + head + ")");
    }

    /** Runs {@code scenario} (one of {@link #SCENARIOS}), lets traffic settle and sums up. */
    public Summary run(String scenario) {
        return settle(scenario, disrupt(scenario));
    }

    /**
     * Disrupts the system as {@code scenario} says and returns, with the time of the disruption,
     * once every client is open again. Throws if that does not happen.
     */
    public Instant disrupt(String scenario) {
        Instant t0;
        switch (scenario) {
            case "sigkill" -> {
                ManagedProcess ws = wsInstances.get(wsPort(0));
                t0 = Instant.now();
                say("kill -9 " + ws);
                ws.kill();
                awaitClientsLeftOpen(t0);
                startWs(wsPort(0));
                awaitClientsOpenSince(t0);
            }
            case "sigterm" -> {
                ManagedProcess ws = wsInstances.get(wsPort(0));
                t0 = Instant.now();
                say("kill -TERM " + ws + " (graceful: deregister, close sessions with 1001, stop)");
                ws.terminate();
                if (!ws.awaitExit(Duration.ofSeconds(30))) {
                    throw new ScenarioException(ws + " did not stop within 30 s of SIGTERM\n" + ws.logTail(30));
                }
                awaitClientsLeftOpen(t0);
                startWs(wsPort(0));
                awaitClientsOpenSince(t0);
            }
            case "failover" -> {
                if (wsInstances.size() < 2) {
                    throw new ScenarioException("failover needs two ws-service instances; start with two");
                }
                ManagedProcess ws = wsInstances.get(wsPort(0));
                t0 = Instant.now();
                say("kill -9 " + ws + "; its clients must resume on the other instance");
                ws.kill();
                wsInstances.remove(wsPort(0));
                awaitClientsOpenAfterDrop(t0);
            }
            case "registry-restart" -> {
                t0 = Instant.now();
                say("kill -9 " + registry + ", then start it again empty: every service must register again");
                registry.kill();
                registry = system.startRegistry();
                system.awaitOk(registry, system.registry().resolve("/v1/status/leader"));
                awaitReadyAfter(t0);
                say("every service is registered and passing again");
            }
            case "api-restart" -> {
                t0 = Instant.now();
                say("kill -9 " + api + ", then start it again: the log is on disk, publishes are retried");
                api.kill();
                api = system.startApi();
                system.awaitOk(api, system.readinessOf(system.ports().api()));
                awaitReadyAfter(t0);
            }
            default -> throw new ScenarioException("unknown scenario \"" + scenario + "\"; one of " + SCENARIOS);
        }
        return t0;
    }

    /** Lets messages flow on, stops the publisher, waits until every client has everything, and sums up. */
    public Summary settle(String scenario, Instant t0) {
        long outage = lastOpenSince(t0).map(t -> t - t0.toEpochMilli()).orElse(0L);
        long before = awaitHeadAtLeast(0);
        awaitHeadAtLeast(before + PUBLISH_RATE); // a second of fresh traffic after recovery
        say("stopping the publisher");
        publisher.terminate();
        publisher.awaitExit(Duration.ofSeconds(10));
        long head = awaitHeadAtLeast(0);
        awaitClientsAt(head);
        say("every client has all " + head + " messages; stopping the client");
        client.terminate();
        client.awaitExit(Duration.ofSeconds(15));
        ClientEvents.Event stats = events.last("stats")
                .orElseThrow(() -> new ScenarioException("the client printed no stats\n" + events.timeline()));
        long readyToOpen = events.of("reconnected").stream()
                .filter(e -> e.t() >= t0.toEpochMilli())
                .mapToLong(e -> e.number("readyToOpenMs")).max().orElse(0);
        long lost = stats.number("lost") + Math.max(0, head - stats.number("minLastSeq"));
        return new Summary(scenario, clients, outage, readyToOpen, stats.number("failedUpgrades"), lost,
                stats.number("duplicates"), connectsWhileNotReady(t0), head);
    }

    /** Connect attempts after {@code t0} at a time when the observer had seen readiness say "not ready". */
    private long connectsWhileNotReady(Instant t0) {
        return events.of("state").stream()
                .filter(e -> e.t() >= t0.toEpochMilli() && e.text("to").equals("CONNECTING"))
                .filter(e -> observer.at(e.t() + OBSERVER_LAG_MILLIS).map(c -> !c.ready()).orElse(false)
                        && observer.at(e.t() - OBSERVER_LAG_MILLIS).map(c -> !c.ready()).orElse(false))
                .count();
    }

    /** Ports of ws-service instances this run started that are no longer running (killed by a user, say). */
    public List<Integer> exitedWsPorts() {
        return wsInstances.entrySet().stream().filter(e -> !e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** The running ws-service instances by port. */
    public Map<Integer, ManagedProcess> wsInstances() {
        return Map.copyOf(wsInstances);
    }

    public ClientEvents events() {
        return events;
    }

    public Optional<ReadinessObserver> observer() {
        return Optional.ofNullable(observer);
    }

    /** Everything that happened, for a failure message. */
    public String timeline() {
        StringBuilder text = new StringBuilder("readiness as observed:\n");
        if (observer != null) {
            observer.changes().forEach(c -> text.append(c.at()).append(' ').append(c.summary()).append('\n'));
        }
        return text.append("client events:\n").append(events.timeline()).toString();
    }

    public void startWs(int port) {
        say("starting ws-service on :" + port);
        ManagedProcess ws = system.startWs(port, Duration.ZERO);
        wsInstances.put(port, ws);
        system.awaitOk(ws, system.readinessOf(port));
    }

    public int wsPort(int instance) {
        return system.ports().ws() + 10 * instance;
    }

    private void onClientEvent(ClientEvents.Event event) {
        if (event.kind().equals("state")) {
            synchronized (clientStates) {
                clientStates.put(event.text("client"), event.text("to"));
            }
            if (clients == 1) {
                say(event.text("client") + ": " + event.text("from") + " -> " + event.text("to")
                        + (event.text("reason").isEmpty() ? "" : " (" + event.text("reason") + ")"));
            }
        } else if (event.kind().equals("reconnected") && clients == 1) {
            say(event.text("client") + ": reconnected after " + event.number("downtimeMs") + " ms (attempt "
                    + event.number("attempt") + ", ready→open " + event.number("readyToOpenMs") + " ms)");
        }
    }

    private void awaitClientsIn(String state, Instant since, Duration timeout) {
        await("every client to be " + state, timeout, () -> countIn(state) >= clients);
    }

    private long countIn(String state) {
        synchronized (clientStates) {
            return clientStates.values().stream().filter(state::equals).count();
        }
    }

    private void awaitClientsOpenSince(Instant since) {
        await("every client to be OPEN again", RECOVERY_TIMEOUT,
                () -> countIn("OPEN") >= clients && lastOpenSince(since).isPresent() && allOpenedSince(since));
    }

    private void awaitClientsOpenAfterDrop(Instant since) {
        await("the dropped clients to be OPEN again", RECOVERY_TIMEOUT, () -> {
            List<String> dropped = clientsThatLeftOpenSince(since);
            return countIn("OPEN") >= clients && !dropped.isEmpty() && dropped.stream().allMatch(
                    c -> events.of("state").stream().anyMatch(e -> e.t() >= since.toEpochMilli()
                            && e.text("client").equals(c) && e.text("to").equals("OPEN")));
        });
    }

    private boolean allOpenedSince(Instant since) {
        return clientsOpenedSince(since).size() >= clients;
    }

    private List<String> clientsOpenedSince(Instant since) {
        return events.of("state").stream()
                .filter(e -> e.t() >= since.toEpochMilli() && e.text("to").equals("OPEN"))
                .map(e -> e.text("client")).distinct().toList();
    }

    private List<String> clientsThatLeftOpenSince(Instant since) {
        return events.of("state").stream()
                .filter(e -> e.t() >= since.toEpochMilli() && e.text("from").equals("OPEN"))
                .map(e -> e.text("client")).distinct().toList();
    }

    private Optional<Long> lastOpenSince(Instant since) {
        return events.of("state").stream()
                .filter(e -> e.t() >= since.toEpochMilli() && e.text("to").equals("OPEN"))
                .map(ClientEvents.Event::t).max(Long::compare);
    }

    private void awaitClientsLeftOpen(Instant since) {
        await("every client to notice the drop", Duration.ofSeconds(30),
                () -> clientsThatLeftOpenSince(since).size() >= clients);
    }

    private void awaitReadyAfter(Instant since) {
        await("readiness to say ready", RECOVERY_TIMEOUT, () -> observer.latest()
                .map(c -> c.ready() && c.at() >= since.toEpochMilli()).orElse(false)
                || (observer.latest().map(ReadinessObserver.Change::ready).orElse(false)
                        && Http.isOk(system.gateway().resolve("/readiness"))));
    }

    private long awaitHeadAtLeast(long minimum) {
        long[] head = {-1};
        await("the log's head to reach " + minimum, RECOVERY_TIMEOUT, () -> {
            head[0] = currentHead();
            return head[0] >= minimum;
        });
        return head[0];
    }

    private long currentHead() {
        URI info = system.gateway().resolve("/api/info");
        return Http.get(info, Duration.ofSeconds(2))
                .filter(a -> a.status() == 200)
                .map(a -> Json.MAPPER.readTree(a.body()).path("head").asLong(-1))
                .orElse(-1L);
    }

    private void awaitClientsAt(long head) {
        await("every client to have received message " + head, RECOVERY_TIMEOUT,
                () -> events.last("stats").map(s -> s.number("minLastSeq") >= head).orElse(false));
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            for (ManagedProcess process : List.of(client, gateway)) {
                if (process != null && !process.isAlive()) {
                    throw new ScenarioException(process.name() + " exited while waiting for " + what + "\n"
                            + process.logTail(30) + "\n" + timeline());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ScenarioException("gave up after " + timeout.toSeconds() + " s waiting for " + what
                        + "\n" + timeline());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ScenarioException("interrupted while waiting for " + what);
            }
        }
    }

    private void say(String line) {
        narrator.accept(line);
    }

    @Override
    public void close() {
        if (observer != null) {
            observer.close();
        }
        system.close();
    }
}
