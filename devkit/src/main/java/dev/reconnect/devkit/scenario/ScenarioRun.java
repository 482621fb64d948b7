package dev.reconnect.devkit.scenario;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.observe.ConnectJudge;
import dev.reconnect.devkit.observe.ReadinessHistory;
import dev.reconnect.devkit.observe.ReadinessObserver;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One run of the whole system with clients and a publisher, and the disruptions the project must
 * survive. The demo and the end-to-end tests both drive the system through this class, so what the
 * demo shows is what the tests check.
 */
public final class ScenarioRun implements AutoCloseable {
    public static final List<String> SCENARIOS = List.of("sigkill", "sigterm", "sigstop", "failover", "both-killed",
            "registry-restart", "api-restart", "gateway-restart", "ten-restarts");

    /** Scenarios that need two ws-service instances. */
    public static final List<String> TWO_INSTANCE_SCENARIOS = List.of("failover", "both-killed");

    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(90);
    /** Messages per second the publisher sends: 50, as the continuity acceptance asks. */
    public static final int DEFAULT_PUBLISH_RATE = 50;

    private final LocalSystem system;
    private final int clients;
    private final Consumer<String> narrator;
    private final CliEventLog events;
    private final Map<String, ClientState> clientStates = new HashMap<>();
    private final Map<Integer, ManagedProcess> wsInstances = new LinkedHashMap<>();
    /** Narration only ("readiness: ready ..."): a second client that may lag; never used to judge. */
    private ReadinessObserver observer;
    /** The readiness history of every gateway process this run stopped on purpose, then of the current one. */
    private final List<ReadinessHistory> pastGateways = new ArrayList<>();
    private ReadinessHistory currentGateway = new ReadinessHistory();
    private List<ConnectJudge.Violation> lastViolations = List.of();
    private RegistryRunner.Running registry;
    private ManagedProcess api;
    private ManagedProcess gateway;
    private ManagedProcess client;
    private ManagedProcess publisher;
    private Instant outageFrom;
    private Instant everythingStartedAt;
    private Instant lastComponentLaunchedAt;
    private Instant recoveredAt;
    /**
     * When the last {@link #disrupt} stopped a ws-service instance that comes back (restarted, or
     * resumed after SIGSTOP): one entry per stop, ten for ten-restarts.
     */
    private final List<Instant> wsStops = new ArrayList<>();
    /** {@link Summary#restartToPassingMillis()} of the last {@link #disrupt}. */
    private long restartToPassing;

    private final int publishRate;
    private List<String> wsSettings = List.of();

    public ScenarioRun(LocalSystem system, int clients, Consumer<String> narrator) {
        this(system, clients, DEFAULT_PUBLISH_RATE, narrator);
    }

    public ScenarioRun(LocalSystem system, int clients, int publishRate, Consumer<String> narrator) {
        this.system = system;
        this.clients = clients;
        this.publishRate = publishRate;
        this.narrator = narrator;
        this.events = new CliEventLog(this::onClientEvent);
    }

    /**
     * Extra Spring properties for every ws-service this run starts, as command-line arguments
     * (e.g. {@code --ws.hello-timeout=1s}); call before {@link #start}.
     */
    public ScenarioRun wsSettings(List<String> settings) {
        this.wsSettings = List.copyOf(settings);
        return this;
    }

    /**
     * Starts everything in a staggered order, ws-service last, so that the client is seen waiting on
     * readiness first; returns when every client is open and messages flow. With several ws-service
     * instances, they all start before the clients, so that connections spread over them.
     */
    public void start(int wsCount) {
        if (wsCount == 1) {
            start(1, StartOrder.WS_SERVICE_LAST);
            return;
        }
        startRegistry();
        startApiAndGateway();
        startWsInstances(wsCount);
        startClients(false);
        awaitFlowing();
    }

    /** Starts the system in {@code order}, the clients just before the last component. */
    public void start(int wsCount, StartOrder order) {
        observer = new ReadinessObserver(system.gateway(), change -> say("readiness: " + change.summary()));
        List<StartOrder.Component> steps = order.steps();
        for (int i = 0; i < steps.size(); i++) {
            boolean last = i == steps.size() - 1;
            if (last) {
                lastComponentLaunchedAt = Instant.now();
            }
            switch (steps.get(i)) {
                case REGISTRY -> startRegistry();
                case API -> {
                    say("starting api-service on :" + system.ports().api());
                    api = system.startApi();
                    system.awaitOk(api, system.readinessOf(system.ports().api()));
                }
                case GATEWAY -> {
                    say("starting the gateway on :" + system.ports().gateway());
                    gateway = system.startGateway();
                    system.awaitOk(gateway, system.readinessOf(system.ports().gateway()));
                }
                case WS -> startWsInstances(wsCount);
                case CLIENTS -> startClients(true);
            }
            if (last) {
                everythingStartedAt = Instant.now();
            }
        }
        awaitFlowing();
    }

    private void startRegistry() {
        say("starting " + system.registryRunner().name() + " on :" + system.ports().registry());
        registry = system.startRegistry();
    }

    private void startApiAndGateway() {
        say("starting api-service on :" + system.ports().api() + " and the gateway on :" + system.ports().gateway());
        api = system.startApi();
        gateway = system.startGateway();
        system.awaitOk(api, system.readinessOf(system.ports().api()));
        system.awaitOk(gateway, system.readinessOf(system.ports().gateway()));
        if (observer == null) {
            observer = new ReadinessObserver(system.gateway(), change -> say("readiness: " + change.summary()));
        }
    }

    private void startClients(boolean mustWait) {
        say("starting " + clients + " client(s)" + (mustWait ? ": they must wait, since the system is not complete yet" : ""));
        client = system.startClient("client", List.of("listen", "--gateway", system.gateway().toString(), "--json",
                "--clients", Integer.toString(clients), "--quiet-messages", "--stats-interval", "1s"), events);
        if (mustWait) {
            awaitClientsIn(ClientState.WAITING_FOR_READINESS, Duration.ofSeconds(60));
        }
        say("starting the publisher (" + publishRate + " messages/s through POST /api/messages)");
        publisher = system.startClient("publisher", List.of("publish", "--gateway", system.gateway().toString(),
                "--rate", Integer.toString(publishRate), "--json"), line -> { });
    }

    private void awaitFlowing() {
        awaitClientsOpenSince(Instant.EPOCH);
        long head = awaitHeadAtLeast(publishRate / 2);
        awaitClientsAt(head);
        say("all " + clients + " client(s) open and receiving (log head " + head + ")");
    }

    /** When the last component of {@link #start(int, StartOrder)} was up and ready. */
    public Optional<Instant> everythingStartedAt() {
        return Optional.ofNullable(everythingStartedAt);
    }

    /** When the last component of {@link #start(int, StartOrder)} was launched. */
    public Optional<Instant> lastComponentLaunchedAt() {
        return Optional.ofNullable(lastComponentLaunchedAt);
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
        Instant t0 = Instant.now();
        outageFrom = t0;
        recoveredAt = null;
        wsStops.clear();
        restartToPassing = 0;
        switch (scenario) {
            case "sigkill" -> recoveredAt = restartFirstWs(false, "");
            case "sigterm" -> recoveredAt = restartFirstWs(true, " (graceful: deregister, close sessions with 1001, stop)");
            case "sigstop" -> {
                ManagedProcess ws = wsInstances.get(wsPort(0));
                say("kill -STOP " + ws + ": its sockets stay open but nothing answers (a half-open link)");
                wsStops.add(t0);
                ws.suspend();
                try {
                    awaitClientsLeftOpen(t0);
                    say("every client noticed the silence; kill -CONT " + ws);
                } finally {
                    ws.resume();
                }
                recoveredAt = awaitClientsOpenSince(t0);
            }
            case "gateway-restart" -> {
                say("kill -9 " + gateway + ", then start it again: clients wait for its readiness API to come back");
                killGateway();
                gateway = null; // not running on purpose: waits below must not fail on it
                awaitClientsLeftOpen(t0);
                gateway = system.startGateway();
                system.awaitOk(gateway, system.readinessOf(system.ports().gateway()));
                recoveredAt = awaitClientsOpenSince(t0);
            }
            case "ten-restarts" -> {
                for (int round = 1; round <= 10; round++) {
                    recoveredAt = restartFirstWs(round % 2 == 0, " (restart " + round + " of 10)");
                }
            }
            case "both-killed" -> {
                if (wsInstances.size() < 2) {
                    throw new ScenarioException("both-killed needs two ws-service instances; start with two");
                }
                say("kill -9 both ws-service instances, then start only the first again");
                wsStops.add(t0);
                for (ManagedProcess ws : List.copyOf(wsInstances.values())) {
                    ws.kill();
                }
                awaitClientsLeftOpen(t0);
                wsInstances.remove(wsPort(1));
                startWs(wsPort(0));
                recoveredAt = awaitClientsOpenSince(t0);
            }
            case "failover" -> {
                if (wsInstances.size() < 2) {
                    throw new ScenarioException("failover needs two ws-service instances; start with two");
                }
                ManagedProcess ws = wsInstances.get(wsPort(0));
                say("kill -9 " + ws + "; its clients must resume on the other instance");
                ws.kill();
                wsInstances.remove(wsPort(0));
                recoveredAt = awaitClientsOpenAfterDrop(t0);
            }
            case "registry-restart" -> {
                say("kill " + registry + ", then start it again empty: every service must register again");
                registry.kill();
                registry = system.startRegistry();
                outageFrom = Instant.now(); // from here on it is the services' job to register again
                recoveredAt = awaitReadyAfter(t0);
                say("every service is registered and passing again "
                        + Duration.between(outageFrom, recoveredAt).toMillis() + " ms after the registry came back");
            }
            case "api-restart" -> {
                say("kill -9 " + api + ", then start it again: the log is on disk, publishes are retried");
                restartApi();
                recoveredAt = awaitReadyAfter(t0);
            }
            default -> throw new ScenarioException("unknown scenario \"" + scenario + "\"; one of " + SCENARIOS);
        }
        // failover is not measured: its killed instance stays down, and readiness turning ready again there
        // means the gateway checked the survivor (a TCP probe), not that the registry said passing.
        if (!wsStops.isEmpty()) {
            restartToPassing = measureRestartToPassing();
        }
        return t0;
    }

    /** See {@link Summary#restartToPassingMillis()}; 0 if the last disruption did not stop ws-service. */
    public long lastRestartToPassingMillis() {
        return restartToPassing;
    }

    /** The slowest of the last disruption's ws-service stops, from the gateways' own records; narrates each. */
    private long measureRestartToPassing() {
        // Not readinessHistories(): a gateway that does not answer this once must not fail the scenario (or
        // end a soak) over a measure; the stops it cannot judge are reported as unknown.
        refreshReadinessHistory();
        List<ReadinessHistory> gateways = new ArrayList<>(pastGateways);
        gateways.add(currentGateway);
        long slowest = 0;
        List<String> each = new ArrayList<>();
        for (Instant stop : wsStops) {
            OptionalLong millis = restartToPassingMillis(gateways, stop.toEpochMilli());
            each.add(millis.isPresent() ? millis.getAsLong() + " ms" : "unknown");
            slowest = Math.max(slowest, millis.orElse(0));
        }
        say("ws-service passing in the registry again, after " + (wsStops.size() == 1 ? "the stop: " : "each stop: ")
                + String.join(", ", each) + (wsStops.size() == 1 ? "" : "; the slowest " + slowest + " ms")
                + " (from the gateway's readiness record" + (each.contains("unknown")
                        ? "; unknown: it recorded no not-ready spell after the stop, or none that ended" : "") + ")");
        return slowest;
    }

    /**
     * From {@code stoppedAt} (epoch ms, when ws-service was killed, terminated or frozen) to the moment the
     * registry reported ws-service passing again: the first "ready" record of the gateway that was running
     * then, after the not-ready spell that the stop caused (the one current at {@code stoppedAt}, or else
     * the first one that began after it). Empty when that gateway recorded no such spell, or no end to it.
     *
     * <p>Why the gateway's record and not a poll of {@code /v1/health/service/ws-service}: the gateway holds
     * a blocking query on that very endpoint ({@code ?passing}), which the registry answers as soon as the
     * check's status change moves the service's index, and the gateway records its readiness change when
     * it processes that answer. So the record is the registry's "passing" plus a round trip of milliseconds,
     * and its time is the gateway's own; a poller would add up to its whole polling period. The gateway's
     * clock and ours are the same machine's clock. It holds as a measure of ws-service only while ws-service
     * is the only thing down: api-service and the registry are up throughout these scenarios. And the spell
     * ends with the registry, not with the gateway's suspicion running out (registry.suspect-timeout, 10 s):
     * a killed instance fails its next check (every second locally) and leaves the passing list long before.
     */
    static OptionalLong restartToPassingMillis(List<ReadinessHistory> gateways, long stoppedAt) {
        Optional<ReadinessHistory> running = gateways.stream()
                .filter(h -> !h.isEmpty() && h.firstAt() <= stoppedAt)
                .max(Comparator.comparingLong(ReadinessHistory::firstAt));
        if (running.isEmpty()) {
            return OptionalLong.empty(); // no gateway had recorded anything yet: nobody heard the registry
        }
        boolean notReady = running.get().stateAt(stoppedAt).map(c -> !c.ready()).orElse(false);
        for (ReadinessChange change : running.get().changes()) {
            if (change.at() <= stoppedAt) {
                continue; // what readiness said at the stop is in notReady already
            }
            if (!notReady) {
                notReady = !change.ready(); // ready records before the spell: other news (e.g. a count), not recovery
            } else if (change.ready()) {
                return OptionalLong.of(change.at() - stoppedAt);
            }
        }
        return OptionalLong.empty();
    }

    /** From the last disruption to recovery (see {@link Summary#outageMillis()}), 0 if unknown. */
    public long lastOutageMillis() {
        return recoveredAt == null || outageFrom == null ? 0
                : Math.max(0, recoveredAt.toEpochMilli() - outageFrom.toEpochMilli());
    }

    /** SIGKILLs api-service and starts it again on the same port; returns once it is ready. */
    public void restartApi() {
        api.kill();
        api = system.startApi();
        system.awaitOk(api, system.readinessOf(system.ports().api()));
    }

    /** SIGKILLs the registry (it loses every registration, as a crashed Consul dev agent does). */
    public void killRegistry() {
        registry.kill();
    }

    /**
     * Stops the first ws-service instance (SIGTERM and wait, or SIGKILL), waits until every client
     * noticed, starts it again and returns when the last client is open again.
     */
    private Instant restartFirstWs(boolean graceful, String why) {
        ManagedProcess ws = wsInstances.get(wsPort(0));
        Instant since = Instant.now();
        say((graceful ? "kill -TERM " : "kill -9 ") + ws + why);
        wsStops.add(since);
        if (graceful) {
            ws.terminate();
            if (!ws.awaitExit(Duration.ofSeconds(30))) {
                throw new ScenarioException(ws + " did not stop within 30 s of SIGTERM\n" + ws.logTail(30));
            }
        } else {
            ws.kill();
        }
        awaitClientsLeftOpen(since);
        startWs(wsPort(0));
        return awaitClientsOpenSince(since);
    }

    /**
     * Lets messages flow on for a second, waits until every client has everything published so far,
     * and sums up; the system keeps running, so another disruption can follow.
     */
    public Summary checkpoint(String scenario, Instant t0) {
        awaitFreshTraffic();
        long head = awaitHeadAtLeast(0);
        CliEvent.Stats stats = awaitClientsAt(head);
        say("every client has all " + head + " messages");
        return summarize(scenario, t0, stats, head);
    }

    /** Like {@link #checkpoint}, then stops the publisher and the client and sums up from the client's final stats. */
    public Summary settle(String scenario, Instant t0) {
        awaitFreshTraffic();
        say("stopping the publisher");
        publisher.terminate();
        publisher.awaitExit(Duration.ofSeconds(10));
        long head = awaitHeadAtLeast(0);
        awaitClientsAt(head);
        say("every client has all " + head + " messages; stopping the client");
        client.terminate();
        client.awaitExit(Duration.ofSeconds(15));
        CliEvent.Stats stats = events.last(CliEvent.Stats.class)
                .orElseThrow(() -> new ScenarioException("the client printed no stats\n" + events.timeline()));
        return summarize(scenario, t0, stats, head);
    }

    /** About a second of messages published after recovery, so that the live stream is checked too. */
    private void awaitFreshTraffic() {
        awaitHeadAtLeast(awaitHeadAtLeast(0) + publishRate);
    }

    private Summary summarize(String scenario, Instant t0, CliEvent.Stats stats, long head) {
        events.requireEveryEventRead();
        long outage = recoveredAt == null ? 0 : Math.max(0, recoveredAt.toEpochMilli() - outageFrom.toEpochMilli());
        long readyToOpen = events.of(CliEvent.Reconnected.class).stream()
                .filter(e -> e.t() >= t0.toEpochMilli())
                .mapToLong(CliEvent.Reconnected::readyToOpenMs).max().orElse(0);
        long lost = stats.lost() + Math.max(0, head - stats.minLastSeq());
        return new Summary(scenario, clients, outage, readyToOpen, stats.failedUpgrades(), lost,
                stats.duplicates(), connectsWhileNotReady(t0), restartToPassing, head);
    }

    /**
     * Connect attempts after {@code t0} the gateway had not allowed, judged by {@link ConnectJudge}
     * against the gateways' own readiness histories (never against a second observer, which lags).
     */
    private long connectsWhileNotReady(Instant t0) {
        List<ConnectJudge.Connect> connects = events.statesSince(t0.toEpochMilli()).stream()
                .filter(e -> e.to() == ClientState.CONNECTING)
                .map(e -> new ConnectJudge.Connect(e.t(), e.client(), e.readinessIndexOrNone())).toList();
        lastViolations = ConnectJudge.whileNotReady(connects, readinessHistories());
        lastViolations.stream().limit(20).forEach(v -> say("connected while not ready: " + v));
        if (lastViolations.size() > 20) {
            say("… and " + (lastViolations.size() - 20) + " more connects while not ready");
        }
        return lastViolations.size();
    }

    /** SIGKILLs the gateway, keeping the history it recorded (a new gateway process starts a fresh one). */
    private void killGateway() {
        refreshReadinessHistory();
        gateway.kill();
        pastGateways.add(currentGateway);
        currentGateway = new ReadinessHistory();
    }

    /** Fetches the running gateway's readiness history and adds it to what is known; false if it did not answer. */
    public boolean refreshReadinessHistory() {
        Optional<List<ReadinessChange>> fetched = ReadinessHistory.fetch(system.gateway());
        fetched.ifPresent(currentGateway::merge);
        return fetched.isPresent();
    }

    /**
     * The readiness history of each gateway process of this run, oldest process first, the running
     * one fetched now. Throws if the running gateway has no history to give.
     */
    public List<ReadinessHistory> readinessHistories() {
        if (!refreshReadinessHistory() && currentGateway.isEmpty()) {
            throw new ScenarioException("the gateway did not answer GET " + Paths.READINESS_CHANGES
                    + " with its readiness history, so connects cannot be judged\n" + timeline());
        }
        List<ReadinessHistory> all = new ArrayList<>(pastGateways);
        all.add(currentGateway);
        return all;
    }

    /** Every readiness change the gateways recorded at or after {@code since}, in time order. */
    public List<ReadinessChange> readinessChangesSince(Instant since) {
        return readinessHistories().stream().flatMap(h -> h.changes().stream())
                .filter(c -> c.at() >= since.toEpochMilli())
                .sorted(Comparator.comparingLong(ReadinessChange::at)).toList();
    }

    /**
     * The not-ready spells the gateways recorded between {@code from} and {@code to} (each as the change
     * that started it); empty when readiness said ready throughout.
     */
    public List<ReadinessChange> notReadySpells(Instant from, Instant to) {
        return readinessHistories().stream()
                .flatMap(h -> h.notReadyDuring(from.toEpochMilli(), to.toEpochMilli()).stream())
                .sorted(Comparator.comparingLong(ReadinessChange::at)).toList();
    }

    /** Ports of ws-service instances this run started that are no longer running (killed by a user, say). */
    public List<Integer> exitedWsPorts() {
        return wsInstances.entrySet().stream().filter(e -> !e.getValue().isAlive()).map(Map.Entry::getKey).toList();
    }

    /** The running ws-service instances by port. */
    public Map<Integer, ManagedProcess> wsInstances() {
        return Map.copyOf(wsInstances);
    }

    /** What the listening client CLI printed, as events. */
    public CliEventLog events() {
        return events;
    }

    /** Everything that happened, for a failure message. */
    public String timeline() {
        StringBuilder text = new StringBuilder("readiness as the gateway recorded it (per gateway process):\n");
        List<ReadinessHistory> gateways = new ArrayList<>(pastGateways);
        gateways.add(currentGateway);
        for (int i = 0; i < gateways.size(); i++) {
            text.append("  gateway process ").append(i + 1).append(":\n");
            gateways.get(i).changes().forEach(c -> text.append("  ").append(c.at()).append(" index ").append(c.index())
                    .append(c.ready() ? " ready" : " NOT ready").append('\n'));
        }
        if (!lastViolations.isEmpty()) {
            text.append("connects while not ready:\n");
            lastViolations.forEach(v -> text.append("  ").append(v).append('\n'));
        }
        text.append("readiness as a second client observed it (may lag; narration only):\n");
        if (observer != null) {
            observer.changes().forEach(c -> text.append(c.at()).append(' ').append(c.summary()).append('\n'));
        }
        return text.append("client events:\n").append(events.timeline()).toString();
    }

    /** Starts them all at once, then waits for each to be ready. */
    private void startWsInstances(int count) {
        for (int i = 0; i < count; i++) {
            say("starting ws-service on :" + wsPort(i));
            wsInstances.put(wsPort(i), system.startWs(wsPort(i), Duration.ZERO, wsSettings));
        }
        for (int i = 0; i < count; i++) {
            system.awaitOk(wsInstances.get(wsPort(i)), system.readinessOf(wsPort(i)));
        }
    }

    public void startWs(int port) {
        say("starting ws-service on :" + port);
        ManagedProcess ws = system.startWs(port, Duration.ZERO, wsSettings);
        wsInstances.put(port, ws);
        system.awaitOk(ws, system.readinessOf(port));
    }

    /**
     * Like {@link #startWs(int)}, returning only once the gateway counts every running instance as passing: the
     * instance's own /readyz answers a moment before the registry hears that it is ready, and a scenario that
     * kills it at once would otherwise kill an instance the registry is just being told is ready.
     */
    public void startWsAndAwaitRouting(int port) {
        startWs(port);
        long alive = wsInstances.values().stream().filter(ManagedProcess::isAlive).count();
        await("the gateway to count " + alive + " passing ws-service instances", RECOVERY_TIMEOUT,
                () -> passingWsInstances() >= alive);
    }

    /** ws-service's passing instances as the gateway's readiness API counts them; -1 when it does not answer. */
    private long passingWsInstances() {
        return Http.get(system.gateway().resolve(Paths.READINESS), Duration.ofSeconds(2))
                .map(answer -> Json.MAPPER.readValue(answer.body(), Readiness.class).services().stream()
                        .filter(service -> service.name().equals("ws-service"))
                        .mapToLong(Readiness.ServiceReadiness::passing).findFirst().orElse(-1))
                .orElse(-1L);
    }

    public int wsPort(int instance) {
        return system.ports().ws() + 10 * instance;
    }

    private void onClientEvent(CliEvent event) {
        if (event instanceof CliEvent.State state) {
            synchronized (clientStates) {
                clientStates.put(state.client(), state.to());
            }
            if (clients == 1) {
                say(state.client() + ": " + state.from() + " -> " + state.to()
                        + (state.reason() == null || state.reason().isEmpty() ? "" : " (" + state.reason() + ")"));
            }
        } else if (event instanceof CliEvent.Reconnected reconnected && clients == 1) {
            say(reconnected.client() + ": reconnected after " + reconnected.downtimeMs() + " ms (attempt "
                    + reconnected.attempt() + ", ready→open " + reconnected.readyToOpenMs() + " ms)");
        }
    }

    private void awaitClientsIn(ClientState state, Duration timeout) {
        await("every client to be " + state, timeout, () -> countIn(state) >= clients);
    }

    private long countIn(ClientState state) {
        synchronized (clientStates) {
            return clientStates.values().stream().filter(state::equals).count();
        }
    }

    /** Returns when the last client opened again. */
    private Instant awaitClientsOpenSince(Instant since) {
        await("every client to be OPEN again", RECOVERY_TIMEOUT,
                () -> countIn(ClientState.OPEN) >= clients && lastOpenSince(since).isPresent() && allOpenedSince(since));
        return Instant.ofEpochMilli(lastOpenSince(since).orElseThrow());
    }

    private Instant awaitClientsOpenAfterDrop(Instant since) {
        await("the dropped clients to be OPEN again", RECOVERY_TIMEOUT, () -> {
            List<String> dropped = clientsThatLeftOpenSince(since);
            List<String> reopened = clientsOpenedSince(since);
            return countIn(ClientState.OPEN) >= clients && !dropped.isEmpty() && reopened.containsAll(dropped);
        });
        return Instant.ofEpochMilli(lastOpenSince(since).orElseThrow());
    }

    private boolean allOpenedSince(Instant since) {
        return clientsOpenedSince(since).size() >= clients;
    }

    private List<String> clientsOpenedSince(Instant since) {
        return events.statesSince(since.toEpochMilli()).stream().filter(e -> e.to() == ClientState.OPEN)
                .map(CliEvent.State::client).distinct().toList();
    }

    private List<String> clientsThatLeftOpenSince(Instant since) {
        return events.statesSince(since.toEpochMilli()).stream().filter(e -> e.from() == ClientState.OPEN)
                .map(CliEvent.State::client).distinct().toList();
    }

    private Optional<Long> lastOpenSince(Instant since) {
        return events.statesSince(since.toEpochMilli()).stream().filter(e -> e.to() == ClientState.OPEN)
                .map(CliEvent.State::t).max(Long::compare);
    }

    private void awaitClientsLeftOpen(Instant since) {
        await("every client to notice the drop", Duration.ofSeconds(30),
                () -> clientsThatLeftOpenSince(since).size() >= clients);
    }

    /**
     * Returns when the gateway says ready (at once if it never stopped): the time of its last change
     * if that came after {@code since} (from its own history), otherwise now.
     */
    private Instant awaitReadyAfter(Instant since) {
        await("readiness to say ready again", RECOVERY_TIMEOUT, () -> refreshReadinessHistory()
                && latestChange().map(ReadinessChange::ready).orElse(false)
                && Http.isOk(system.gateway().resolve(Paths.READINESS)));
        return latestChange().filter(c -> c.at() >= since.toEpochMilli())
                .map(c -> Instant.ofEpochMilli(c.at())).orElse(Instant.now());
    }

    private Optional<ReadinessChange> latestChange() {
        List<ReadinessChange> changes = currentGateway.changes();
        return changes.isEmpty() ? Optional.empty() : Optional.of(changes.get(changes.size() - 1));
    }

    private long awaitHeadAtLeast(long minimum) {
        long[] head = {-1};
        await("the log's head to reach " + minimum, RECOVERY_TIMEOUT, () -> {
            head[0] = currentHead();
            return head[0] >= minimum;
        });
        return head[0];
    }

    /** The gateway clients use. */
    public URI gateway() {
        return system.gateway();
    }

    /** The log's head as api-service reports it through the gateway, or -1 when it does not answer. */
    public long currentHead() {
        URI info = system.gateway().resolve(Paths.INFO);
        return Http.get(info, Duration.ofSeconds(2))
                .filter(a -> a.status() == 200)
                .map(a -> Json.MAPPER.readTree(a.body()).path("head").asLong(-1))
                .orElse(-1L);
    }

    /** Waits for a stats line saying every client has {@code head}; returns that line. */
    private CliEvent.Stats awaitClientsAt(long head) {
        await("every client to have received message " + head, RECOVERY_TIMEOUT,
                () -> events.last(CliEvent.Stats.class).map(s -> s.minLastSeq() >= head).orElse(false));
        return events.last(CliEvent.Stats.class).orElseThrow();
    }

    private void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            for (ManagedProcess process : Arrays.asList(client, gateway)) {
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

    /**
     * Stops everything this run started: the processes and the registry, also a registry that is not
     * a process of ours (a Consul container would otherwise keep its ports until the JVM exits and
     * collide with the next case on the same host).
     */
    @Override
    public void close() {
        try {
            if (observer != null) {
                observer.close();
            }
        } finally {
            system.close();
        }
    }
}
