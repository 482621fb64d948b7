package dev.reconnect.gateway.registry;

import dev.reconnect.protocol.readiness.Readiness;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's live picture of the registry: passing instances per required service, fed by
 * {@link ConsulHealthWatch}, minus instances the gateway itself saw fail. Readiness and
 * load-balancing both read it, so "ready" and "where the next upgrade goes" can never disagree.
 *
 * <p>All state changes happen under this object's monitor; each one recomputes the readiness answer
 * and, if it differs, moves the readiness index, records the change and queues the long-polling
 * requests to wake. They are woken only after the monitor is released: completing a request runs
 * its response path, which must never delay routing, which takes the same monitor.
 */
public class RegistryView {
    private static final Logger log = LoggerFactory.getLogger(RegistryView.class);

    private record Watched(List<Instance> instances, boolean reachable, boolean known) {}

    private record Suspect(long healthIndex, Instant until, String reason) {}

    private record Wakeup(List<CompletableFuture<Readiness>> waiters, Readiness told) {}

    /** An upgrade waiting for the verdict on the only instances of {@code service}, which are under check. */
    private record CheckWaiter(String service, CompletableFuture<List<Instance>> routable) {}

    private final List<String> required;
    private final Clock clock;
    private final Duration suspectTimeout;
    private final long spreadPerClientMillis;
    private final long maxSpreadMillis;
    /**
     * What {@link #connectsPerSecond()} answers: worked out with readiness, whenever the routable instances
     * change, so that each upgrade the gateway admits reads a field instead of summing the view under its lock.
     */
    private volatile long connectsPerSecond;
    private final Map<String, Watched> watched = new LinkedHashMap<>();
    private final Map<String, Suspect> suspects = new HashMap<>();
    /** Siblings of an instance that just failed, kept out until a probe says they still accept connections. */
    private final Set<String> unverified = new HashSet<>();
    /** Numbers the probes in the order they start, so that an older probe's verdict never overrides a newer one's. */
    private long probes;
    /** Per address, the number of the newest probe that found the instance answering. */
    private final Map<String, Long> answeredProbes = new HashMap<>();
    private final InstanceProber prober;
    private final List<CompletableFuture<Readiness>> waiters = new ArrayList<>();
    private final List<CheckWaiter> checkWaiters = new ArrayList<>();
    /** Check waiters to complete once the monitor is released, with what they may route to. */
    private final List<Runnable> settled = new ArrayList<>();
    /** Waiters to complete once the monitor is released. */
    private final List<Wakeup> wakeups = new ArrayList<>();
    private final ReadinessHistory history;
    private Readiness readiness;

    public RegistryView(RegistryProperties properties, Clock clock, InstanceProber prober) {
        this.prober = prober;
        this.required = properties.requiredServices();
        this.clock = clock;
        this.suspectTimeout = properties.suspectTimeout();
        this.spreadPerClientMillis = properties.connectSpreadPerClient().toMillis();
        this.maxSpreadMillis = properties.maxConnectSpread().toMillis();
        for (String service : required) {
            watched.put(service, new Watched(List.of(), false, false));
        }
        this.readiness = compute(1);
        this.history = new ReadinessHistory(properties.historySize());
        history.record(readiness.index(), readiness.ready(), clock.millis());
    }

    public List<String> requiredServices() {
        return required;
    }

    public Readiness readiness() {
        Readiness current;
        synchronized (this) {
            expireSuspects();
            current = readiness;
        }
        wakeQueued();
        return current;
    }

    /** Every readiness answer this gateway gave, as far back as the history holds, oldest first. */
    public List<ReadinessChange> changes() {
        return history.changes();
    }

    /** Passing instances of {@code service} that the gateway has not seen fail; stale ones while the registry is away. */
    public List<Instance> routableInstances(String service) {
        List<Instance> routable;
        synchronized (this) {
            expireSuspects();
            routable = routableLocked(service);
        }
        wakeQueued();
        return routable;
    }

    /**
     * Like {@link #routableInstances}, but when no instance of {@code service} is routable only because those
     * it has are under check, completes once the checks are settled. Readiness already says "not ready" for
     * them, but a client that heard "ready" just before (a resumed process whose stale connections end one by
     * one puts it under check again and again, each time for a few milliseconds) is better held for the
     * verdict than refused. The caller bounds the wait; the probe's own bounds end every check.
     */
    public CompletableFuture<List<Instance>> routableInstancesOnceChecked(String service) {
        CompletableFuture<List<Instance>> result = new CompletableFuture<>();
        synchronized (this) {
            expireSuspects();
            if (awaitsVerdict(service)) {
                checkWaiters.add(new CheckWaiter(service, result));
            } else {
                result.complete(routableLocked(service));
            }
        }
        wakeQueued();
        if (!result.isDone()) {
            result.whenComplete((r, e) -> removeCheckWaiter(result));
        }
        return result;
    }

    /** No instance of {@code service} is routable, and at least one is out only because it is under check. */
    private boolean awaitsVerdict(String service) {
        Watched state = watched.get(service);
        // unverified and suspects never share an address: an instance under check is not (yet) suspect.
        return state != null && state.instances().stream().noneMatch(this::routable)
                && state.instances().stream().anyMatch(i -> unverified.contains(i.address()));
    }

    private List<Instance> routableLocked(String service) {
        Watched state = watched.get(service);
        return state == null ? List.of() : state.instances().stream().filter(this::routable).toList();
    }

    private void settleCheckWaiters() {
        for (Iterator<CheckWaiter> it = checkWaiters.iterator(); it.hasNext(); ) {
            CheckWaiter waiter = it.next();
            if (!awaitsVerdict(waiter.service())) {
                it.remove();
                List<Instance> routable = routableLocked(waiter.service());
                settled.add(() -> waiter.routable().complete(routable));
            }
        }
    }

    private synchronized void removeCheckWaiter(CompletableFuture<List<Instance>> routable) {
        checkWaiters.removeIf(w -> w.routable() == routable);
    }

    /** How many requests are held for a check's verdict. */
    public synchronized int waitingForVerdict() {
        return checkWaiters.size();
    }

    /** Completes with the first readiness whose index differs from {@code index} (at once if it already does). */
    public CompletableFuture<Readiness> nextReadiness(long index) {
        CompletableFuture<Readiness> waiter = new CompletableFuture<>();
        synchronized (this) {
            expireSuspects();
            if (readiness.index() != index) {
                waiter.complete(readiness);
            } else {
                waiters.add(waiter);
            }
        }
        wakeQueued();
        if (!waiter.isDone()) {
            waiter.whenComplete((r, e) -> removeWaiter(waiter));
        }
        return waiter;
    }

    /** The registry answered: these are {@code service}'s passing instances now. */
    public void update(String service, List<Instance> passing) {
        synchronized (this) {
            updateLocked(service, passing);
        }
        wakeQueued();
    }

    private void updateLocked(String service, List<Instance> passing) {
        Watched before = watched.get(service);
        watched.put(service, new Watched(List.copyOf(passing), true, true));
        if (before != null && !before.reachable() && before.known()) {
            log.info("Registry reachable again; {} has {} passing instance(s)", service, passing.size());
        }
        forgetSuspectsThatChanged(passing);
        expireSuspects(); // every watch answers at least once per watch-wait: expiry needs no timer
        recompute();
    }

    /** The registry could not be asked about {@code service}: keep the last instances, mark them stale. */
    public void unreachable(String service, String reason) {
        synchronized (this) {
            unreachableLocked(service, reason);
        }
        wakeQueued();
    }

    private void unreachableLocked(String service, String reason) {
        Watched before = watched.get(service);
        if (before.reachable() || !before.known()) {
            log.warn("Registry unavailable while watching {}: {}; keeping {} last known instance(s)",
                    service, reason, before.instances().size());
        }
        watched.put(service, new Watched(before.instances(), false, true));
        recompute();
    }

    /**
     * The gateway saw a connection to {@code address} fail or drop without a close frame. Until the
     * registry reports something new about that instance (or the timeout passes), it is neither
     * routed to nor counted as ready: the registry's next check may be a second away, and a client
     * told "ready" now would be sent to a dead backend.
     */
    public void suspect(String address, String reason) {
        synchronized (this) {
            suspectLocked(address, reason);
        }
        wakeQueued();
    }

    /**
     * Like {@link #suspect(String, String)} for a verdict that took a while (a probe): it is
     * dropped when the registry has reported on the instance since the failure was seen (its health
     * index moved from {@code seenAtHealthIndex}). Applied late, it would take out an instance that
     * the registry had just called passing, after readiness had already said "ready" on it.
     *
     * @return false when the verdict was dropped for that reason
     */
    public boolean suspect(String address, String reason, long seenAtHealthIndex) {
        boolean applied = true;
        synchronized (this) {
            OptionalLong now = healthIndexLocked(address);
            if (now.isPresent() && now.getAsLong() != seenAtHealthIndex) {
                log.info("Not taking {} out of routing ({}): the registry has reported it passing since", address, reason);
                if (unverified.remove(address)) {
                    recompute();
                }
                applied = false;
            } else {
                suspectLocked(address, reason);
            }
        }
        wakeQueued();
        return applied;
    }

    /**
     * A connection to {@code address} ended in a way that may mean the instance died (no close frame),
     * and a probe is on its way. Until {@link #stillAccepts} or a suspect verdict settles it, the
     * instance is neither routed to nor counted: the gateway may release other clients of that
     * instance before this connection's verdict is in, and they must not hear "ready" on its strength.
     */
    public long checking(String address) {
        long probe;
        synchronized (this) {
            probe = ++probes;
            if (healthIndexLocked(address).isPresent() && !suspects.containsKey(address) && unverified.add(address)) {
                log.info("Instance at {} under check: a connection to it ended without a close frame", address);
                recompute();
            }
        }
        wakeQueued();
        return probe;
    }

    /** Probe number {@code probe} (from {@link #checking}) found that the instance at {@code address} still answers. */
    public void stillAccepts(String address, long probe) {
        synchronized (this) {
            answeredProbes.merge(address, probe, Math::max);
            if (unverified.remove(address)) {
                log.info("Instance at {} still accepts connections: back in routing", address);
                recompute();
            }
        }
        wakeQueued();
    }

    /**
     * The verdict of probe number {@code probe} (from {@link #checking}): the instance did not answer. It is
     * dropped, as by {@link #suspect(String, String, long)}, when the registry has reported on the instance
     * since, and also when a probe started after this one found it answering: a process stopped and resumed
     * (SIGSTOP, SIGCONT) fails the probes that began while it was stopped, and their late verdicts must not
     * take out an instance that already answers again.
     *
     * @return false when the verdict was dropped
     */
    public boolean suspect(String address, String reason, long seenAtHealthIndex, long probe) {
        synchronized (this) {
            Long answered = answeredProbes.get(address);
            if (answered != null && answered > probe) {
                log.info("Not taking {} out of routing ({}): a probe started later found it answering", address, reason);
                return false;
            }
        }
        return suspect(address, reason, seenAtHealthIndex);
    }

    /** The registry's health index of the instance at {@code address}, if it is a passing instance. */
    public synchronized OptionalLong healthIndexOf(String address) {
        return healthIndexLocked(address);
    }

    private OptionalLong healthIndexLocked(String address) {
        for (Watched watchedService : watched.values()) {
            for (Instance instance : watchedService.instances()) {
                if (instance.address().equals(address)) {
                    return OptionalLong.of(instance.healthIndex());
                }
            }
        }
        return OptionalLong.empty();
    }

    private void suspectLocked(String address, String reason) {
        for (Map.Entry<String, Watched> entry : watched.entrySet()) {
            for (Instance instance : entry.getValue().instances()) {
                if (instance.address().equals(address) && !suspects.containsKey(address)) {
                    suspects.put(address, new Suspect(instance.healthIndex(), clock.instant().plus(suspectTimeout), reason));
                    unverified.remove(address);
                    log.info("Instance {} at {} taken out of routing: {} (until the registry reports on it again)",
                            instance.id(), address, reason);
                    probeSiblings(entry.getKey(), entry.getValue().instances());
                    recompute();
                    return;
                }
            }
        }
    }

    /**
     * One instance of {@code service} just died; the others may have died with it (both killed, a
     * host gone) without the registry knowing yet, and an idle instance has no connection through
     * which the gateway would notice. Until a probe says they accept connections, they are neither
     * routed to nor counted, so that readiness never says "ready" on the strength of a dead instance.
     */
    private void probeSiblings(String service, List<Instance> instances) {
        List<Instance> siblings = instances.stream()
                .filter(i -> !suspects.containsKey(i.address()) && !unverified.contains(i.address())).toList();
        if (siblings.isEmpty()) {
            return;
        }
        siblings.forEach(i -> unverified.add(i.address()));
        log.info("Checking that the other {} instance(s) of {} still accept connections", siblings.size(), service);
        for (Instance sibling : siblings) {
            long probe = ++probes;
            prober.accepts(sibling).whenComplete((accepts, error) -> probed(sibling, Boolean.TRUE.equals(accepts), probe));
        }
    }

    private void probed(Instance instance, boolean accepts, long probe) {
        synchronized (this) {
            if (accepts) {
                answeredProbes.merge(instance.address(), probe, Math::max);
            }
            if (!unverified.remove(instance.address())) {
                return; // already settled by the registry meanwhile
            }
            Long answered = answeredProbes.get(instance.address());
            if (accepts || (answered != null && answered > probe)) {
                recompute();
            } else {
                suspectLocked(instance.address(), "it does not accept connections (checked after another instance failed)");
            }
        }
        wakeQueued();
    }

    private boolean routable(Instance instance) {
        return !suspects.containsKey(instance.address()) && !unverified.contains(instance.address());
    }

    private void forgetSuspectsThatChanged(List<Instance> passing) {
        suspects.entrySet().removeIf(entry -> passing.stream()
                .filter(i -> i.address().equals(entry.getKey()))
                .anyMatch(i -> i.healthIndex() != entry.getValue().healthIndex()));
        // An instance that left the passing list is no longer suspect: when it comes back it is news.
        Set<String> listed = new HashSet<>();
        watched.values().forEach(w -> w.instances().forEach(i -> listed.add(i.address())));
        suspects.keySet().retainAll(listed);
        unverified.retainAll(listed);
        answeredProbes.keySet().retainAll(listed);
    }

    private void expireSuspects() {
        Instant now = clock.instant();
        if (suspects.values().removeIf(s -> now.isAfter(s.until()))) {
            recompute();
        }
    }

    private void recompute() {
        settleCheckWaiters();
        connectsPerSecond = advertisedConnectsPerSecond();
        Readiness changed = compute(readiness.index() + 1);
        if (sameAnswer(readiness, changed)) {
            return;
        }
        if (readiness.ready() != changed.ready()) {
            log.info("Readiness {} -> {} at index {} ({})", readiness.ready() ? "ready" : "not ready",
                    changed.ready() ? "ready" : "not ready", changed.index(), describe(changed));
        }
        readiness = changed;
        history.record(changed.index(), changed.ready(), clock.millis());
        if (waiters.isEmpty()) {
            return;
        }
        List<CompletableFuture<Readiness>> woken = new ArrayList<>(waiters);
        waiters.clear();
        // Everyone woken now hears the news at the same instant: ask them to spread their connects.
        wakeups.add(new Wakeup(woken, changed.withConnectSpread(connectSpread(woken.size()))));
    }

    /** Completes queued waiters; called with the monitor released (see the class comment). */
    private void wakeQueued() {
        if (Thread.holdsLock(this)) {
            return; // a nested call (e.g. a probe that answered at once): the outermost caller wakes them
        }
        List<Wakeup> due;
        List<Runnable> checked;
        synchronized (this) {
            if (wakeups.isEmpty() && settled.isEmpty()) {
                return;
            }
            due = new ArrayList<>(wakeups);
            wakeups.clear();
            checked = new ArrayList<>(settled);
            settled.clear();
        }
        checked.forEach(Runnable::run);
        for (Wakeup wakeup : due) {
            wakeup.waiters().forEach(w -> w.complete(wakeup.told()));
        }
    }

    /** How many long-polling requests are waiting for the next change. */
    public synchronized int waiting() {
        return waiters.size();
    }

    /**
     * No spread for a lone client; then the window the crowd needs at the rate the instances can take them
     * (what the routable instances registered, summed per service; the scarcest service decides), or, where
     * no instance says, a window that grows by a fixed step per client; never more than the maximum.
     */
    long connectSpread(int clientsWoken) {
        if (clientsWoken <= 1) {
            return 0;
        }
        long capacity = connectsPerSecond;
        long window = capacity > 0 ? (clientsWoken * 1000L + capacity - 1) / capacity : spreadPerClientMillis * clientsWoken;
        return Math.min(maxSpreadMillis, window);
    }

    /**
     * The connects per second the routable instances registered they can take: the smallest total over the
     * required services whose instances say; 0 when none does.
     */
    public long connectsPerSecond() {
        return connectsPerSecond;
    }

    private long advertisedConnectsPerSecond() {
        long scarcest = 0;
        for (Watched service : watched.values()) {
            long total = service.instances().stream().filter(this::routable).mapToLong(Instance::connectsPerSecond).sum();
            if (total > 0 && (scarcest == 0 || total < scarcest)) {
                scarcest = total;
            }
        }
        return scarcest;
    }

    private Readiness compute(long index) {
        boolean reachable = watched.values().stream().allMatch(Watched::reachable);
        List<Readiness.ServiceReadiness> services = new ArrayList<>();
        for (String service : required) {
            int passing = (int) watched.get(service).instances().stream()
                    .filter(this::routable).count();
            services.add(Readiness.ServiceReadiness.of(service, passing));
        }
        boolean ready = reachable && services.stream().allMatch(s -> s.passing() > 0);
        return new Readiness(ready, reachable ? Readiness.REGISTRY_UP : Readiness.REGISTRY_UNAVAILABLE,
                !reachable, index, services);
    }

    private static boolean sameAnswer(Readiness a, Readiness b) {
        return a.ready() == b.ready() && a.registry().equals(b.registry()) && a.stale() == b.stale()
                && a.services().equals(b.services());
    }

    private static String describe(Readiness readiness) {
        StringBuilder text = new StringBuilder(readiness.stale() ? "registry unavailable; " : "");
        for (Readiness.ServiceReadiness service : readiness.services()) {
            text.append(service.name()).append(" passing=").append(service.passing()).append(' ');
        }
        return text.toString().trim();
    }

    private synchronized void removeWaiter(CompletableFuture<Readiness> waiter) {
        waiters.remove(waiter);
    }
}
