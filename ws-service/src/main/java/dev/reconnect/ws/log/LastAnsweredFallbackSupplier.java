package dev.reconnect.ws.log;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The instances of the log service offered to the load balancer: the registry's passing ones, or,
 * while the registry names none (it is down, or has lost its registrations), the last instance that
 * gave any HTTP answer, so that an api-service restarted on its address while the registry is away
 * is used again.
 *
 * <p>No cache: every request asks the registry, so that none goes to an instance the registry has
 * stopped listing as passing while it lists others (Spring Cloud's default cache would keep one for
 * up to 35 s). Requests that arrive while a lookup is under way share it. A request waits for the
 * registry at most {@link #PATIENCE}, then goes on as if it were down; while that lookup stays
 * unanswered, later requests do not wait for it at all, and after {@link #GIVE_UP_AFTER} it is
 * interrupted and the next request asks anew. The Consul client has no read timeout of its own, so
 * without this a registry that accepts connections but never answers would hold every request.
 */
public class LastAnsweredFallbackSupplier implements ServiceInstanceListSupplier, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(LastAnsweredFallbackSupplier.class);
    static final Duration PATIENCE = Duration.ofSeconds(2);
    static final Duration GIVE_UP_AFTER = Duration.ofSeconds(10);

    private final String serviceId;
    private final DiscoveryClient discovery;
    private final ExecutorService lookups;
    private volatile ServiceInstance lastAnswered;
    /** The registry lookup under way or last finished; guarded by {@code this}. */
    private Future<List<ServiceInstance>> lookup;
    private long lookupStarted;
    /** Whether the fallback is in use, so that its start and end are logged once; guarded by {@code this}. */
    private boolean fallingBack;

    public LastAnsweredFallbackSupplier(String serviceId, DiscoveryClient discovery) {
        if (serviceId == null || serviceId.isBlank()) {
            throw new IllegalArgumentException("the log service's name must not be empty");
        }
        this.serviceId = serviceId;
        this.discovery = discovery;
        this.lookups = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "registry-lookup-" + serviceId);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    /** One list per request; an error ({@link NoInstanceException}) when there is nothing to offer. */
    @Override
    public Flux<List<ServiceInstance>> get() {
        return Mono.fromCallable(this::instances).flux();
    }

    /** Told of every HTTP answer from {@code instance}, whatever its status: it is there to fall back on. */
    void answered(ServiceInstance instance) {
        lastAnswered = instance;
    }

    List<ServiceInstance> instances() {
        List<ServiceInstance> listed;
        RegistryUnanswered unanswered = null;
        try {
            listed = askRegistry();
        } catch (RegistryUnanswered e) {
            listed = List.of();
            unanswered = e;
        }
        if (!listed.isEmpty()) {
            registryNames(listed.size());
            return listed;
        }
        ServiceInstance fallback = lastAnswered;
        if (fallback == null) {
            throw unanswered != null
                    ? new NoInstanceException(serviceId + " cannot be looked up: " + unanswered.getMessage(), unanswered)
                    : new NoInstanceException(serviceId + " has no passing instance in the registry", null);
        }
        fallingBackOn(fallback, unanswered != null ? unanswered.getMessage() : "it lists no passing instance");
        return List.of(fallback);
    }

    private List<ServiceInstance> askRegistry() throws RegistryUnanswered {
        Future<List<ServiceInstance>> current;
        long waitNanos;
        synchronized (this) {
            long now = System.nanoTime();
            if (lookup != null && !lookup.isDone() && now - lookupStarted > GIVE_UP_AFTER.toNanos()) {
                lookup.cancel(true);
            }
            if (lookup == null || lookup.isDone()) {
                try {
                    lookup = lookups.submit(() -> discovery.getInstances(serviceId));
                } catch (RejectedExecutionException e) {
                    throw new RegistryUnanswered("the application is stopping", e);
                }
                lookupStarted = now;
            }
            current = lookup;
            waitNanos = lookupStarted + PATIENCE.toNanos() - now;
        }
        if (waitNanos <= 0) {
            throw new RegistryUnanswered("the registry has not answered for more than " + PATIENCE.toMillis() + " ms", null);
        }
        try {
            List<ServiceInstance> listed = current.get(waitNanos, TimeUnit.NANOSECONDS);
            return listed == null ? List.of() : listed;
        } catch (TimeoutException e) {
            throw new RegistryUnanswered("the registry did not answer within " + PATIENCE.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            throw new RegistryUnanswered("the registry did not answer (" + describe(e.getCause()) + ")", e.getCause());
        } catch (CancellationException e) {
            throw new RegistryUnanswered("the registry did not answer within " + GIVE_UP_AFTER.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnanswered("interrupted while asking the registry", e);
        }
    }

    private synchronized void fallingBackOn(ServiceInstance fallback, String why) {
        if (!fallingBack) {
            fallingBack = true;
            log.warn("The registry names no {} instance ({}); going on with the last one that answered, {}:{}",
                    serviceId, why, fallback.getHost(), fallback.getPort());
        }
    }

    private synchronized void registryNames(int count) {
        if (fallingBack) {
            fallingBack = false;
            log.info("The registry names {} instances again ({} passing); choosing among them", serviceId, count);
        }
    }

    /** The first I/O failure in the chain (say ConnectException), rather than the client's wrapper around it. */
    private static String describe(Throwable failure) {
        Throwable shown = failure;
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException) {
                shown = t;
                break;
            }
        }
        String message = shown.getMessage();
        return shown.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    @Override
    public void destroy() {
        lookups.shutdownNow();
    }

    /** Why the registry gave no list; never leaves this class. */
    private static final class RegistryUnanswered extends Exception {
        RegistryUnanswered(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
