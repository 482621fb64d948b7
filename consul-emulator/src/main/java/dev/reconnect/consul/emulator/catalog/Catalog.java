package dev.reconnect.consul.emulator.catalog;

import dev.reconnect.consul.emulator.registration.CheckDefinition;
import dev.reconnect.consul.emulator.registration.CheckKind;
import dev.reconnect.consul.emulator.registration.ServiceRegistration;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The agent's state: its node, its services and their checks, and one index per watchable result.
 *
 * <p>Every change takes the next index (like a Raft index) and stamps it on the results it touched,
 * so a blocking query can tell whether <em>its</em> result moved. Listeners hear about changed keys
 * after the lock is released, so waking thousands of waiters never holds up a writer.
 */
public final class Catalog {

    public static final String SERF_CHECK_ID = "serfHealth";
    public static final String MAINTENANCE_PREFIX = "_service_maintenance:";
    public static final String DEFAULT_MAINTENANCE_REASON =
            "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.";
    /** The Consul version this emulator imitates; shown in node meta and /v1/agent/self. */
    public static final String CONSUL_VERSION = "1.20.6";
    /** Consul keeps only this much check output. */
    static final int MAX_OUTPUT = 4 * 1024;

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Node node;
    private final ServiceInstance consulService;
    private final Map<String, ServiceInstance> services = new TreeMap<>();
    private final Map<String, CheckEntry> checks = new TreeMap<>();
    private final Map<String, Long> keyIndexes = new java.util.HashMap<>();
    private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier nanoClock;
    private long lastIndex;

    /** A check with what the agent needs to run and reap it; criticalSince is -1 unless critical. */
    private record CheckEntry(HealthCheck check, CheckDefinition definition, long criticalSinceNanos) {
    }

    /** What a registration did, so the agent can (re)start the check runners. */
    public record RegisterOutcome(boolean created, boolean changed, Map<String, CheckDefinition> checksToRun,
            List<String> checksRemoved) {
    }

    /** A service whose check has been critical for longer than its DeregisterCriticalServiceAfter. */
    public record Expired(String serviceId, String serviceName, String checkId, Duration criticalFor,
            Duration limit) {
    }

    public Catalog(String nodeId, String nodeName, String nodeAddress, String datacenter, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        // A dev agent has done a handful of Raft writes (node, serfHealth, consul service) before anyone asks.
        long start = 5;
        this.lastIndex = start;
        TreeMap<String, String> tagged = new TreeMap<>();
        tagged.put("lan", nodeAddress);
        tagged.put("lan_ipv4", nodeAddress);
        tagged.put("wan", nodeAddress);
        tagged.put("wan_ipv4", nodeAddress);
        TreeMap<String, String> nodeMeta = new TreeMap<>();
        nodeMeta.put("consul-network-segment", "");
        nodeMeta.put("consul-version", CONSUL_VERSION);
        this.node = new Node(nodeId, nodeName, nodeAddress, datacenter, tagged, nodeMeta, start, start);

        Map<String, String> consulMeta = new TreeMap<>();
        consulMeta.put("non_voter", "false");
        consulMeta.put("raft_version", "3");
        consulMeta.put("read_replica", "false");
        consulMeta.put("serf_protocol_current", "2");
        consulMeta.put("serf_protocol_max", "5");
        consulMeta.put("serf_protocol_min", "1");
        consulMeta.put("version", CONSUL_VERSION);
        this.consulService = ServiceInstance.of("consul", "consul", List.of(), "", 8300, consulMeta, false,
                Weights.DEFAULT).withIndexes(start, start);

        HealthCheck serf = new HealthCheck(nodeName, SERF_CHECK_ID, "Serf Health Status", CheckStatus.PASSING, "",
                "Agent alive and reachable", "", "", List.of(), "", "", "", start, start);
        checks.put(SERF_CHECK_ID, new CheckEntry(serf, null, -1));
        for (String key : List.of(WatchKeys.SERVICES, WatchKeys.CHECKS, WatchKeys.NODES,
                WatchKeys.catalogService("consul"), WatchKeys.healthService("consul"))) {
            keyIndexes.put(key, start);
        }
    }

    /** Called with the keys whose index moved, after each change, outside the lock. */
    public void addListener(Consumer<Set<String>> listener) {
        listeners.add(listener);
    }

    public Node node() {
        return node;
    }

    /** The latest index of anything: what non-query answers carry in X-Consul-Index. */
    public long currentIndex() {
        lock.readLock().lock();
        try {
            return lastIndex;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The index of one watched result; a result nothing has touched yet reports the services index. */
    public long index(String key) {
        lock.readLock().lock();
        try {
            return indexLocked(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    private long indexLocked(String key) {
        Long index = keyIndexes.get(key);
        return index != null ? index : keyIndexes.get(WatchKeys.fallbackFor(key));
    }

    /** Reads a consistent view and the index of {@code key} in one go, so the two always match. */
    public <T> Indexed<T> read(String key, Function<View, T> reader) {
        lock.readLock().lock();
        try {
            return new Indexed<>(indexLocked(key), reader.apply(view));
        } finally {
            lock.readLock().unlock();
        }
    }

    // ---------------------------------------------------------------- writes

    public RegisterOutcome register(ServiceRegistration registration) {
        return write(change -> {
            long idx = change.index;
            long now = nanoClock.getAsLong();
            ServiceInstance previous = services.get(registration.id());
            ServiceInstance candidate = ServiceInstance.of(registration.id(), registration.name(), registration.tags(),
                    registration.address(), registration.port(), registration.meta(),
                    registration.enableTagOverride(), registration.weights());
            boolean serviceChanged = previous == null || !candidate.sameRegistrationAs(previous);
            ServiceInstance stored = serviceChanged
                    ? candidate.withIndexes(previous == null ? idx : previous.createIndex(), idx)
                    : previous;
            if (serviceChanged) {
                change.touch(WatchKeys.SERVICES, WatchKeys.catalogService(stored.name()),
                        WatchKeys.healthService(stored.name()));
                if (previous != null && !previous.name().equals(stored.name())) {
                    change.touch(WatchKeys.catalogService(previous.name()), WatchKeys.healthService(previous.name()));
                }
            }

            Map<String, CheckDefinition> definitions = checkIds(stored, registration.checks());
            Map<String, CheckEntry> newEntries = new LinkedHashMap<>();
            boolean checksChanged = false;
            for (Map.Entry<String, CheckDefinition> definition : definitions.entrySet()) {
                CheckEntry old = checks.get(definition.getKey());
                CheckEntry fresh = checkEntry(definition.getKey(), definition.getValue(), stored, old, idx, now);
                checksChanged |= old == null || fresh.check() != old.check();
                newEntries.put(definition.getKey(), fresh);
            }
            List<String> removed = new ArrayList<>();
            for (CheckEntry entry : checks.values()) {
                HealthCheck check = entry.check();
                if (check.serviceId().equals(stored.id()) && !newEntries.containsKey(check.checkId())
                        && !check.checkId().equals(MAINTENANCE_PREFIX + stored.id())) {
                    removed.add(check.checkId());
                }
            }
            checksChanged |= !removed.isEmpty();
            removed.forEach(checks::remove);
            checks.putAll(newEntries);
            // The maintenance check carries the service's name and tags; keep them current.
            CheckEntry maintenance = checks.get(MAINTENANCE_PREFIX + stored.id());
            if (maintenance != null && serviceChanged) {
                checks.put(maintenance.check().checkId(), new CheckEntry(
                        maintenance.check().withService(stored.name(), stored.tags(), idx), null,
                        maintenance.criticalSinceNanos()));
                checksChanged = true;
            }
            if (checksChanged) {
                change.touch(WatchKeys.CHECKS, WatchKeys.healthService(stored.name()));
            }
            services.put(stored.id(), stored);

            change.log((previous == null ? "registered" : "re-registered") + " service " + describe(stored)
                    + " at " + (stored.address().isEmpty() ? "(agent address)" : stored.address()) + ":"
                    + stored.port() + " with checks " + definitions.keySet()
                    + (previous != null && !change.touchedAny() ? " (unchanged)" : ""));
            return new RegisterOutcome(previous == null, change.touchedAny(), definitions, removed);
        });
    }

    /** Consul's check IDs: "service:<id>" for one check, "service:<id>:<n>" (from 1) for several. */
    private static Map<String, CheckDefinition> checkIds(ServiceInstance service, List<CheckDefinition> defs) {
        Map<String, CheckDefinition> out = new LinkedHashMap<>();
        for (int i = 0; i < defs.size(); i++) {
            CheckDefinition def = defs.get(i);
            String checkId = def.checkId() != null ? def.checkId()
                    : "service:" + service.id() + (defs.size() > 1 ? ":" + (i + 1) : "");
            out.put(checkId, def);
        }
        return out;
    }

    /**
     * The stored form of a registered check. A check that existed keeps its status, output and
     * critical-since time, as Consul carries them over; its record is reused untouched when the
     * definition did not change, so its ModifyIndex (and watchers) stay put.
     */
    private CheckEntry checkEntry(String checkId, CheckDefinition def, ServiceInstance service, CheckEntry old,
            long idx, long now) {
        CheckStatus status = old != null ? old.check().status()
                : def.initialStatus() != null ? def.initialStatus() : CheckStatus.CRITICAL;
        String output = old != null ? old.check().output() : "";
        long criticalSince = old != null ? old.criticalSinceNanos() : status == CheckStatus.CRITICAL ? now : -1;
        // A node-level check (PUT /v1/agent/check/register without ServiceID) has no service; its Name is required.
        HealthCheck fresh = new HealthCheck(node.name(), checkId,
                def.name() != null ? def.name() : "Service '" + service.name() + "' check",
                status, def.notes(), output, service == null ? "" : service.id(),
                service == null ? "" : service.name(), service == null ? List.of() : service.tags(), def.kind().wire(),
                def.effectiveInterval() == null ? "" : GoDuration.format(def.effectiveInterval()),
                def.timeout() == null ? "" : GoDuration.format(def.timeout()),
                old != null ? old.check().createIndex() : idx, idx);
        if (old != null && old.check().sameDefinitionAs(fresh)) {
            fresh = old.check();
        }
        return new CheckEntry(fresh, def, criticalSince);
    }

    /**
     * Removes a service and all its checks.
     *
     * @param why said in the log: "API request", "reaper: ...", ...
     * @return the IDs of the checks that went with it
     */
    public List<String> deregister(String serviceId, String why) {
        return write(change -> {
            ServiceInstance removed = services.remove(serviceId);
            if (removed == null) {
                throw unknownService(serviceId);
            }
            List<String> removedChecks = new ArrayList<>();
            checks.values().removeIf(entry -> {
                if (entry.check().serviceId().equals(serviceId)) {
                    removedChecks.add(entry.check().checkId());
                    return true;
                }
                return false;
            });
            change.touch(WatchKeys.SERVICES, WatchKeys.catalogService(removed.name()),
                    WatchKeys.healthService(removed.name()));
            if (!removedChecks.isEmpty()) {
                change.touch(WatchKeys.CHECKS);
            }
            change.log("deregistered service " + describe(removed) + ": " + why);
            return removedChecks;
        });
    }

    /**
     * Records a check result. Only a status change moves indexes: like Consul's agent, an output-only
     * change is not worth waking watchers for (Consul defers those writes by minutes).
     *
     * @return false when the check no longer exists (its service went away meanwhile)
     */
    public boolean updateCheck(String checkId, CheckStatus status, String output) {
        String clipped = clip(output);
        return write(change -> {
            CheckEntry entry = checks.get(checkId);
            if (entry == null) {
                return false;
            }
            HealthCheck check = entry.check();
            if (check.status() == status) {
                if (!check.output().equals(clipped)) {
                    checks.put(checkId, new CheckEntry(check.withOutput(clipped), entry.definition(),
                            entry.criticalSinceNanos()));
                }
                return true;
            }
            long criticalSince = status == CheckStatus.CRITICAL ? nanoClock.getAsLong() : -1;
            checks.put(checkId, new CheckEntry(check.withState(status, clipped, change.index), entry.definition(),
                    criticalSince));
            change.touch(WatchKeys.CHECKS);
            if (!check.isNodeCheck()) {
                change.touch(WatchKeys.healthService(check.serviceName()));
            }
            change.log("check " + checkId + " (" + (check.isNodeCheck() ? "node" : check.serviceName()) + ") "
                    + check.status().wire() + " -> " + status.wire() + ": " + summary(clipped));
            return true;
        });
    }

    /**
     * Guards {@code PUT /v1/agent/check/pass|warn|fail|update}: refuses unknown checks (404) and checks
     * that are not TTL checks (500, as Consul does).
     */
    public void requireTtlCheck(String checkId) {
        lock.readLock().lock();
        try {
            CheckEntry entry = checks.get(checkId);
            if (entry == null) {
                throw unknownCheck(checkId);
            }
            if (entry.definition() == null || entry.definition().kind() != CheckKind.TTL) {
                throw new RequestRejectedException(RequestRejectedException.Kind.SERVER_ERROR,
                        "CheckID \"" + checkId + "\" does not have associated TTL");
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * PUT /v1/agent/check/register: adds or replaces one check, of a service ({@code serviceId} given) or of
     * the node. Like Consul, a check that already existed keeps its status and output.
     *
     * @throws RequestRejectedException 404 "ServiceID ... does not exist" for an unknown service
     */
    public void registerCheck(String checkId, CheckDefinition definition, String serviceId) {
        write(change -> {
            ServiceInstance service = null;
            if (serviceId != null) {
                service = services.get(serviceId);
                if (service == null) {
                    throw RequestRejectedException.notFound("ServiceID \"" + serviceId + "\" does not exist");
                }
            }
            CheckEntry old = checks.get(checkId);
            CheckEntry fresh = checkEntry(checkId, definition, service, old, change.index, nanoClock.getAsLong());
            checks.put(checkId, fresh);
            if (old == null || fresh.check() != old.check()) {
                change.touch(healthKeysOf(fresh.check()));
                if (old != null) {
                    change.touch(healthKeysOf(old.check()));
                }
            }
            change.log((old == null ? "registered" : "re-registered") + " check " + checkId + " ("
                    + (service == null ? "node" : service.name()) + ", " + definition.kind().wire() + ")");
        });
    }

    /**
     * PUT /v1/agent/check/deregister/{id}: removes one check, whoever owns it.
     *
     * @throws RequestRejectedException 404 for a check the agent does not have
     */
    public void deregisterCheck(String checkId, String why) {
        write(change -> {
            CheckEntry entry = SERF_CHECK_ID.equals(checkId) ? null : checks.get(checkId);
            if (entry == null) {
                throw unknownCheck(checkId);
            }
            checks.remove(checkId);
            HealthCheck removed = entry.check();
            change.touch(healthKeysOf(removed));
            change.log("deregistered check " + checkId + " ("
                    + (removed.isNodeCheck() ? "node" : removed.serviceName()) + "): " + why);
        });
    }

    /** The results a check appears in: its service's health, or, for a node check, every service's health. */
    private Set<String> healthKeysOf(HealthCheck check) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(WatchKeys.CHECKS);
        if (check.isNodeCheck()) {
            // Node checks are part of every /v1/health/service entry and of its ?passing filter.
            keys.add(WatchKeys.healthService(consulService.name()));
            for (ServiceInstance service : services.values()) {
                keys.add(WatchKeys.healthService(service.name()));
            }
        } else {
            keys.add(WatchKeys.healthService(check.serviceName()));
        }
        return keys;
    }

    public static RequestRejectedException unknownCheck(String checkId) {
        return RequestRejectedException.notFound("Unknown check ID \"" + checkId
                + "\". Ensure that the check ID is passed, not the check name.");
    }

    /** Maintenance mode is a critical check of its own, exactly as Consul models it. */
    public void maintenance(String serviceId, boolean enable, String reason) {
        write(change -> {
            ServiceInstance service = services.get(serviceId);
            if (service == null) {
                throw unknownService(serviceId);
            }
            String checkId = MAINTENANCE_PREFIX + serviceId;
            if (enable && !checks.containsKey(checkId)) {
                String notes = reason == null || reason.isEmpty() ? DEFAULT_MAINTENANCE_REASON : reason;
                HealthCheck check = new HealthCheck(node.name(), checkId, "Service Maintenance Mode",
                        CheckStatus.CRITICAL, notes, "", serviceId, service.name(), service.tags(), "maintenance", "",
                        "", change.index, change.index);
                checks.put(checkId, new CheckEntry(check, null, nanoClock.getAsLong()));
                change.log("service " + describe(service) + " entered maintenance mode: " + notes);
            } else if (!enable && checks.remove(checkId) != null) {
                change.log("service " + describe(service) + " left maintenance mode");
            } else {
                return; // already in (or out of) maintenance mode: nothing changes
            }
            change.touch(WatchKeys.CHECKS, WatchKeys.healthService(service.name()));
        });
    }

    /** Services the reaper should remove now; the floor is applied to each check's own limit. */
    public List<Expired> expired(Duration minimumLimit) {
        List<Expired> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        long now = nanoClock.getAsLong();
        lock.readLock().lock();
        try {
            for (CheckEntry entry : checks.values()) {
                CheckDefinition def = entry.definition();
                // Only service checks reap (a node check registered through the API has no service to remove).
                if (def == null || entry.check().isNodeCheck() || def.deregisterCriticalServiceAfter() == null
                        || def.deregisterCriticalServiceAfter().compareTo(Duration.ZERO) <= 0
                        || entry.check().status() != CheckStatus.CRITICAL || entry.criticalSinceNanos() < 0) {
                    continue;
                }
                Duration limit = def.deregisterCriticalServiceAfter().compareTo(minimumLimit) < 0
                        ? minimumLimit : def.deregisterCriticalServiceAfter();
                Duration criticalFor = Duration.ofNanos(now - entry.criticalSinceNanos());
                if (criticalFor.compareTo(limit) > 0 && seen.add(entry.check().serviceId())) {
                    out.add(new Expired(entry.check().serviceId(), entry.check().serviceName(),
                            entry.check().checkId(), criticalFor, limit));
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        return out;
    }

    /**
     * Every write goes through here: {@code change} runs under the write lock, and the results it touched
     * take its index. Its log line and the listeners come after the lock is released, so neither holds
     * up the next writer. A change that throws or touches nothing moves no index.
     */
    private <T> T write(Function<Change, T> change) {
        Change done;
        T result;
        lock.writeLock().lock();
        try {
            done = new Change(lastIndex + 1);
            result = change.apply(done);
            if (done.touchedAny()) {
                lastIndex = done.index;
                for (String key : done.keys) {
                    keyIndexes.put(key, done.index);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        if (done.logLine != null) {
            LOG.log(Level.INFO, done.logLine);
        }
        if (done.touchedAny()) {
            Set<String> keys = Set.copyOf(done.keys);
            for (Consumer<Set<String>> listener : listeners) {
                listener.accept(keys);
            }
        }
        return result;
    }

    /** {@link #write(Function)} for a change with nothing to return. */
    private void write(Consumer<Change> change) {
        write(done -> {
            change.accept(done);
            return null;
        });
    }

    /** What one write did: the index it stamps on what it touched, the results it touched, what to log. */
    private static final class Change {
        /** The next index, for the records the change writes; it is taken only if something was touched. */
        final long index;
        private final Set<String> keys = new LinkedHashSet<>();
        private String logLine;

        Change(long index) {
            this.index = index;
        }

        void touch(String... watchKeys) {
            keys.addAll(List.of(watchKeys));
        }

        void touch(Collection<String> watchKeys) {
            keys.addAll(watchKeys);
        }

        boolean touchedAny() {
            return !keys.isEmpty();
        }

        /** One line, written once the lock is released. */
        void log(String line) {
            logLine = line;
        }
    }

    private static RequestRejectedException unknownService(String serviceId) {
        return RequestRejectedException.notFound("Unknown service ID \"" + serviceId
                + "\". Ensure that the service ID is passed, not the service name.");
    }

    private static String describe(ServiceInstance service) {
        return service.id() + " (" + service.name() + ")";
    }

    private static String clip(String output) {
        if (output == null) {
            return "";
        }
        if (output.length() <= MAX_OUTPUT) {
            return output;
        }
        return output.substring(0, MAX_OUTPUT) + " ... (captured " + MAX_OUTPUT + " of " + output.length()
                + " bytes)";
    }

    /** The useful head of a check output for a one-line log: no body, no line breaks. */
    static String summary(String output) {
        String s = output;
        int body = s.indexOf(" Output: ");
        if (body >= 0) {
            s = s.substring(0, body);
        }
        s = s.replace('\r', ' ').replace('\n', ' ');
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    // ---------------------------------------------------------------- reads

    private final View view = new View();

    /** Read access handed to {@link #read}; only valid inside the reader function. */
    public final class View {

        private View() {
        }

        public Node node() {
            return node;
        }

        /** Services registered through this agent (not the built-in "consul" service). */
        public Collection<ServiceInstance> agentServices() {
            return List.copyOf(services.values());
        }

        /** What the catalog holds: the agent's services plus the server's own "consul" service. */
        public List<ServiceInstance> catalogServices() {
            List<ServiceInstance> all = new ArrayList<>();
            all.add(consulService);
            all.addAll(services.values());
            all.sort(java.util.Comparator.comparing(ServiceInstance::id));
            return all;
        }

        public List<ServiceInstance> instancesOf(String name) {
            List<ServiceInstance> out = new ArrayList<>();
            for (ServiceInstance service : catalogServices()) {
                if (service.name().equals(name)) {
                    out.add(service);
                }
            }
            return out;
        }

        /** One service registered through this agent, or null. */
        public ServiceInstance agentService(String id) {
            return services.get(id);
        }

        /**
         * One check the agent itself holds, or null. serfHealth is the server's, not the agent's, so agent
         * endpoints (deregister, ACL checks) do not see it, as in Consul.
         */
        public HealthCheck agentCheck(String checkId) {
            CheckEntry entry = SERF_CHECK_ID.equals(checkId) ? null : checks.get(checkId);
            return entry == null ? null : entry.check();
        }

        public List<HealthCheck> checks() {
            List<HealthCheck> out = new ArrayList<>();
            for (CheckEntry entry : checks.values()) {
                out.add(entry.check());
            }
            return out;
        }

        public List<HealthCheck> nodeChecks() {
            List<HealthCheck> out = new ArrayList<>();
            for (CheckEntry entry : checks.values()) {
                if (entry.check().isNodeCheck()) {
                    out.add(entry.check());
                }
            }
            return out;
        }

        public List<HealthCheck> checksOf(String serviceId) {
            List<HealthCheck> out = new ArrayList<>();
            for (CheckEntry entry : checks.values()) {
                if (entry.check().serviceId().equals(serviceId)) {
                    out.add(entry.check());
                }
            }
            return out;
        }
    }
}
