package dev.reconnect.devkit.bench;

import dev.reconnect.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.DoubleStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything one bench run measured, as it accumulates, and its JSON: {@code bench/results/<time>.json} with
 * the chart next to it, and {@code latest.json}/{@code latest.svg} after a complete run. An interrupted run
 * still writes its time-stamped files, marked {@code incomplete}, and leaves {@code latest} alone.
 */
final class Results {
    /** Bumped when a field changes meaning or goes away; new fields do not bump it. */
    static final int SCHEMA = 1;
    static final String LATEST = "latest";

    /** What each number means, written into every result file so that it stands on its own. */
    static final Map<String, String> DEFINITIONS = definitions();

    private final BenchOptions options;
    private final long seed;
    private final Machine machine;
    private final Instant startedAt;
    private final String registry;
    private final List<RecoveryResult> recovery = new ArrayList<>();
    private RelayRun.Result relay;
    private HeapRun.Result heap;
    private List<String> serviceJvmOptions = List.of();
    private Map<String, String> jars = Map.of();
    private double[] loadAtEnd;
    private Instant finishedAt;
    private String incomplete;

    Results(BenchOptions options, long seed, Machine machine, Instant startedAt, String registry) {
        this.options = options;
        this.seed = seed;
        this.machine = machine;
        this.startedAt = startedAt;
        this.registry = registry;
    }

    void add(RecoveryResult result) {
        recovery.add(result);
    }

    void relay(RelayRun.Result result) {
        this.relay = result;
    }

    void heap(HeapRun.Result result) {
        this.heap = result;
    }

    void serviceJvmOptions(List<String> jvmOptions) {
        this.serviceJvmOptions = List.copyOf(jvmOptions);
    }

    /** A digest of each jar the run started, by path: which build was measured. */
    void jars(Map<String, String> digests) {
        this.jars = new LinkedHashMap<>(digests);
    }

    List<RecoveryResult> recovery() {
        return List.copyOf(recovery);
    }

    Optional<RelayRun.Result> relay() {
        return Optional.ofNullable(relay);
    }

    Optional<HeapRun.Result> heap() {
        return Optional.ofNullable(heap);
    }

    Machine machine() {
        return machine;
    }

    /** The run ended: complete when {@code failure} is null. */
    void finish(Instant at, double[] load, String failure) {
        this.finishedAt = at;
        this.loadAtEnd = load;
        this.incomplete = failure;
    }

    /** True while nothing has been measured. */
    boolean isEmpty() {
        return recovery.isEmpty() && relay == null && heap == null;
    }

    boolean complete() {
        return finishedAt != null && incomplete == null;
    }

    /**
     * A complete run of every phase with every policy replaces latest.*, what the README shows; a run of a part
     * (--phases, --policies, for A/B runs of a change) is kept under its time only.
     */
    boolean keptAsLatest() {
        return complete() && options.phases().equals(BenchOptions.PHASES)
                && options.policies().equals(List.of(Policy.values()));
    }

    /**
     * Writes {@code <stamp>.json} and {@code <stamp>.svg} into {@code dir}, and, when the run is {@link
     * #keptAsLatest()}, the same as {@code latest.json} and {@code latest.svg}; returns the time-stamped JSON's path.
     */
    Path write(Path dir, String stamp) {
        try {
            Files.createDirectories(dir);
            String svg = Chart.svg(recovery, machine.summary());
            Files.writeString(dir.resolve(stamp + ".svg"), svg);
            Path json = dir.resolve(stamp + ".json");
            Files.writeString(json, text(stamp + ".svg"));
            if (keptAsLatest()) {
                Files.writeString(dir.resolve(LATEST + ".svg"), svg);
                Files.writeString(dir.resolve(LATEST + ".json"), text(LATEST + ".svg"));
            }
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results into " + dir + ": " + e.getMessage(), e);
        }
    }

    String text(String chartFile) {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(chartFile)) + "\n";
    }

    ObjectNode toJson(String chartFile) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("startedAt", startedAt.toString());
        if (finishedAt != null) {
            root.put("finishedAt", finishedAt.toString());
        }
        if (incomplete != null) {
            root.put("incomplete", incomplete);
        }
        ObjectNode run = root.putObject("options");
        ArrayNode counts = run.putArray("clients");
        options.clients().forEach(counts::add);
        ArrayNode policies = run.putArray("policies");
        options.policies().forEach(p -> policies.add(p.id()));
        ArrayNode phases = run.putArray("phases");
        options.phases().forEach(phases::add);
        run.put("seed", seed);
        root.set("machine", machineJson());
        ObjectNode services = root.putObject("services");
        services.put("registry", registry);
        ArrayNode jvm = services.putArray("jvmOptions");
        serviceJvmOptions.forEach(jvm::add);
        ObjectNode digests = services.putObject("jars");
        jars.forEach(digests::put);
        ObjectNode definitions = root.putObject("definitions");
        DEFINITIONS.forEach(definitions::put);
        ArrayNode rows = root.putArray("recovery");
        recovery.forEach(r -> rows.add(recoveryJson(r)));
        ArrayNode ratios = root.putArray("ratios");
        Ratio.of(recovery).forEach(r -> ratios.add(ratioJson(r)));
        if (relay != null) {
            root.set("relay", relayJson(relay));
        }
        if (heap != null) {
            root.set("heap", heapJson(heap));
        }
        root.put("chart", chartFile);
        return root;
    }

    private ObjectNode machineJson() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("cores", machine.cores());
        node.put("totalMemoryBytes", machine.totalMemoryBytes());
        node.put("jdkVersion", machine.jdkVersion());
        node.put("jdkVendor", machine.jdkVendor());
        node.put("jvm", machine.jvm());
        node.put("os", machine.os() + " " + machine.osVersion());
        node.put("arch", machine.arch());
        numbers(node, "loadAverageAtStart", Arrays.stream(machine.loadAverage()));
        if (loadAtEnd != null) {
            numbers(node, "loadAverageAtEnd", Arrays.stream(loadAtEnd));
        }
        return node;
    }

    private static ObjectNode recoveryJson(RecoveryResult r) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("clients", r.clients());
        node.put("policy", r.policy().id());
        node.put("label", r.policy().label());
        putMillis(node, "killToPassingMs", r.killToPassingMillis());
        node.set("readyToOpenMs", percentiles(r.readyToOpenMillis()));
        node.put("killToAllOpenMs", r.killToAllOpenMillis());
        node.put("failedConnects", r.failedConnects());
        node.put("readinessRequestsPerClient", r.readinessRequestsPerClient());
        ObjectNode curve = node.putObject("curve");
        curve.put("fromMs", r.curve().fromMillis());
        curve.put("stepMs", r.curve().stepMillis());
        numbers(curve, "open", Arrays.stream(r.curve().open()).asDoubleStream());
        r.cpuReadyToAllOpen().ifPresent(use -> {
            ObjectNode cpu = node.putObject("cpuReadyToAllOpen");
            cpu.put("windowMs", use.windowMillis());
            cpu.put("cores", use.cores());
            cpu.put("busyShare", Math.round(use.shareOfMachine(use.totalMillis()) * 1000) / 1000.0);
            ObjectNode processes = cpu.putObject("cpuMsByProcess");
            use.millisByProcess().forEach(processes::put);
        });
        return node;
    }

    private static ObjectNode ratioJson(Ratio r) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("clients", r.clients());
        node.put("baseline", r.baseline().id());
        putRatio(node, "readyToOpenP50", r.readyToOpenP50());
        putRatio(node, "readyToOpenP99", r.readyToOpenP99());
        putRatio(node, "killToAllOpen", r.killToAllOpen());
        return node;
    }

    private static ObjectNode relayJson(RelayRun.Result relay) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        ObjectNode latency = node.putObject("latency");
        latency.put("socketsPerPath", RelayRun.LATENCY_SOCKETS);
        latency.put("messagesPerSecond", RelayRun.RATE_PER_SECOND);
        latency.put("warmUpSeconds", RelayRun.WARM_UP.toSeconds());
        latency.put("measuredSeconds", RelayRun.MEASURED.toSeconds());
        latency.set("gatewayMicros", percentiles(relay.gatewayLatencyMicros()));
        latency.set("directMicros", percentiles(relay.directLatencyMicros()));
        latency.put("addedP50Micros", relay.gatewayLatencyMicros().p50() - relay.directLatencyMicros().p50());
        latency.put("addedP99Micros", relay.gatewayLatencyMicros().p99() - relay.directLatencyMicros().p99());
        ObjectNode saturation = node.putObject("saturation");
        saturation.put("sockets", RelayRun.SATURATION_SOCKETS);
        saturation.put("backlog", relay.backlog());
        saturation.put("gatewayMessagesPerSecond", Math.round(relay.gatewayRate()));
        saturation.put("directMessagesPerSecond", Math.round(relay.directRate()));
        saturation.put("gatewayToDirect", relay.gatewayRate() / relay.directRate());
        numbers(saturation, "gatewayRounds", Arrays.stream(relay.gatewayRates()).map(Math::rint));
        numbers(saturation, "directRounds", Arrays.stream(relay.directRates()).map(Math::rint));
        return node;
    }

    private static ObjectNode heapJson(HeapRun.Result heap) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("sessions", heap.sessions());
        ObjectNode gateway = node.putObject("gateway");
        gateway.put("heapBeforeBytes", heap.gatewayBefore());
        gateway.put("heapAfterBytes", heap.gatewayAfter());
        gateway.put("bytesPerSession", Math.round(heap.gatewayBytesPerSession()));
        ObjectNode ws = node.putObject("wsService");
        ws.put("heapBeforeBytes", heap.wsBefore());
        ws.put("heapAfterBytes", heap.wsAfter());
        ws.put("bytesPerSession", Math.round(heap.wsBytesPerSession()));
        return node;
    }

    /** An array of numbers, whole ones written without a fraction. */
    private static void numbers(ObjectNode node, String field, DoubleStream values) {
        ArrayNode array = node.putArray(field);
        values.forEach(v -> {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                array.add((long) v);
            } else {
                array.add(v);
            }
        });
    }

    private static ObjectNode percentiles(Percentiles p) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("count", p.count());
        node.put("p50", p.p50());
        node.put("p99", p.p99());
        node.put("max", p.max());
        return node;
    }

    private static void putMillis(ObjectNode node, String field, OptionalLong value) {
        if (value.isPresent()) {
            node.put(field, value.getAsLong());
        } else {
            node.putNull(field);
        }
    }

    private static void putRatio(ObjectNode node, String field, OptionalDouble value) {
        if (value.isPresent()) {
            node.put(field, Math.round(value.getAsDouble() * 1000) / 1000.0);
        } else {
            node.putNull(field);
        }
    }

    private static Map<String, String> definitions() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("recovery", "Each row: a freshly started local system (consul-emulator, api-service, the gateway, one"
                + " ws-service; a publisher sends 50 messages/s throughout), N clients open, each for at least 10 s (longer than"
                + " our client's 5 s minimum uptime, so that the kill drops stable connections), then ws-service is SIGKILLed"
                + " and started again at once (the scenario engine's sigkill, as ./demo.sh --once runs it). Baseline rows"
                + " also carry the engine's one CLI client, which is not counted.");
        d.put("killToPassingMs", "From the SIGKILL to the gateway's own record (GET /readiness/changes) of ws-service"
                + " passing in Consul again: the end of the not-ready spell the kill caused.");
        d.put("readyToOpenMs", "Per client, from that passing moment to the client's socket being open again (the"
                + " Welcome frame arrived); nearest-rank percentiles over the clients.");
        d.put("killToAllOpenMs", "From the SIGKILL to the moment the last client was open again.");
        d.put("failedConnects", "Connect attempts during the outage that did not reach a Welcome. Our client and the"
                + " readiness poll: attempts made after readiness said ready (failed upgrades). The socket.io backoff has no"
                + " readiness: every failed attempt.");
        d.put("readinessRequestsPerClient", "GET /readiness answers from the kill to all open, divided by the clients"
                + " (the socket.io backoff asks none).");
        d.put("cpuReadyToAllOpen", "CPU time (user + system, as the OS counts it) each process used from the passing"
                + " moment to the last client open, read every 50 ms from each process's total; busyShare = all of them /"
                + " (window x cores). The client CLI, the publisher and the bench's JVM (named bench: it runs the"
                + " baseline clients) share the machine with the services. Near 1: the machine, not the policy, bounds"
                + " the recovery.");
        d.put("curve", "Clients open, sampled every stepMs from fromMs (ms relative to the kill).");
        d.put("ratios", "Our client's number divided by the baseline's at the same N: below 1, ours is faster.");
        d.put("policies", "ours: the client CLI (readiness long-poll, connect spread); socketio-backoff: reconnect after"
                + " 1 s x 2^n +-50 %, at most 5 s, no readiness (socket.io-client's defaults); readiness-poll-1s: GET"
                + " /readiness at once and then every second, connect when ready (as Vite's client waits for its server).");
        d.put("relay.latency", "Sockets through the gateway and straight to ws-service, open together, receive the same"
                + " messages published to api-service at a fixed rate; latency = arrival - publishedAt, over every"
                + " (socket, message) after the warm-up; added = gateway percentile - direct percentile.");
        d.put("relay.saturation", "Sockets say hello from seq 0 at once and replay the backlog as fast as it flows;"
                + " messages/s = sockets x backlog / (last message on the slowest socket - first socket opened); paths"
                + " alternate, the median round counts.");
        d.put("heap", "Idle sessions through the gateway (each also a ws-service session): heap in use after jcmd"
                + " GC.run (twice), read from the management port's jvm.memory.used (area heap), before and after"
                + " opening them; (after - before) / sessions.");
        return d;
    }
}
