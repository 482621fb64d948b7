package dev.reconnect.support.registration;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.discovery.event.InstancePreRegisteredEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.health.HealthService;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientException;

/**
 * Keeps this service registered for as long as it runs, refuses to run unregistered because of the
 * registry's ACLs, and takes the service out of the registry first when it stops.
 *
 * <p>Spring Cloud Consul 5 swallows Consul's 4xx answers, so its reregister-on-failure never fires
 * (spring-cloud-consul issue 954), a service whose registration vanished (the agent restarted, or
 * was not there at start-up) stays unregistered, and a registration refused by ACLs (403) goes
 * unnoticed. It also deregisters only at bean destruction, after draining, so a stopping instance
 * would stay passing while it drains.
 *
 * <p>Every call goes through Spring Cloud Consul's own {@link ConsulClient} bean with the ACL token it
 * registers with ({@code spring.cloud.consul.token}, {@code CONSUL_TOKEN}, or
 * {@code spring.cloud.consul.discovery.acl-token}), so scheme, TLS, path and token are configured once.
 */
public class RegistrationKeeper {
    private static final Logger log = LoggerFactory.getLogger(RegistrationKeeper.class);

    /** What one look at the registry found, or did about it. */
    enum Outcome {
        /** The registry lists this instance. */
        PRESENT,
        /** It did not, and accepted the registration again. */
        REGISTERED,
        /** The registry answered 403 to the registration: an ACL problem, not an outage. */
        REFUSED,
        /** No answer (connection refused, timeout). */
        UNREACHABLE,
        /** Any other answer: 5xx, 4xx other than 403, something that is not a health list. */
        FAILED
    }

    private record Look(Outcome outcome, String detail) {}

    private final ObjectProvider<ConsulClient> clientProvider;
    private final ObjectProvider<ConsulAutoRegistration> registrationProvider;
    private final ObjectProvider<ConsulDiscoveryProperties> discoveryProvider;
    private final ObjectProvider<ConsulProperties> consulProvider;
    private final RegistrationProperties properties;
    private final ReadinessReporter readiness;
    private ConsulClient client;
    private ConsulAutoRegistration registration;
    private ConsulDiscoveryProperties discovery;
    private String where = "the registry";
    private boolean resolved;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "registration-keeper");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;
    private final AtomicBoolean predecessorCleared = new AtomicBoolean();
    /** The last outcome worth a log line; a line is written only when it changes. */
    private volatile Outcome state = Outcome.PRESENT;

    public RegistrationKeeper(ObjectProvider<ConsulClient> client,
                              ObjectProvider<ConsulAutoRegistration> registration,
                              ObjectProvider<ConsulDiscoveryProperties> discovery,
                              ObjectProvider<ConsulProperties> consul, RegistrationProperties properties,
                              ReadinessReporter readiness) {
        this.clientProvider = client;
        this.registrationProvider = registration;
        this.discoveryProvider = discovery;
        this.consulProvider = consul;
        this.properties = properties;
        this.readiness = readiness;
    }

    /** Collaborators are looked up late on purpose (see {@link RegistrationKeeperAutoConfiguration}). */
    private synchronized boolean resolve() {
        if (!resolved) {
            resolved = true;
            client = clientProvider.getIfAvailable();
            registration = registrationProvider.getIfAvailable();
            discovery = discoveryProvider.getIfAvailable();
            ConsulProperties consul = consulProvider.getIfAvailable();
            if (consul != null) {
                where = "the registry at " + consul.getHost() + ":" + consul.getPort();
            }
        }
        return client != null && registration != null && discovery != null;
    }

    /**
     * Right after Spring Cloud Consul registered this instance (still during start-up): make sure the
     * registry took it. A 403 fails the start with the setting to fix; a registry that is not there
     * yet does not (the service starts and registers when it appears, as with fail-fast=false).
     */
    @EventListener(InstanceRegisteredEvent.class)
    void verifyInitialRegistration() {
        if (!resolve()) {
            return;
        }
        Look look = look();
        switch (look.outcome()) {
            case REFUSED -> {
                state = Outcome.REFUSED;
                throw refusal(look.detail());
            }
            case PRESENT, REGISTERED -> log.info("Registered {} in {}{}", registration.getInstanceId(), where,
                    hasToken() ? " with an ACL token" : "");
            default -> report(look);
        }
    }

    /**
     * Before Spring Cloud Consul registers this instance: take out what an earlier process on the same port
     * (killed, so never deregistered) left under the same ID. Consul keeps a re-registered check's old status,
     * so its failed liveness check would stay critical until the check's next run, up to an interval after this
     * instance is ready; a fresh registration starts from the statuses this one gives.
     */
    @EventListener(InstancePreRegisteredEvent.class)
    void clearPredecessor() {
        if (!predecessorCleared.compareAndSet(false, true) || !resolve()) {
            return;
        }
        try {
            ResponseEntity<Void> answer = client.agentServiceDeregister(registration.getInstanceId(), token());
            if (!answer.getStatusCode().is2xxSuccessful() && answer.getStatusCode().value() != 404) {
                log.debug("Could not clear an earlier registration of {}: the registry answered {}",
                        registration.getInstanceId(), answer.getStatusCode().value());
            }
        } catch (RuntimeException e) {
            log.debug("Could not clear an earlier registration of {}: {}", registration.getInstanceId(), describe(e));
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (!resolve()) {
            log.info("Service registration is off: the registration keeper stays idle");
            return;
        }
        long everyMillis = properties.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::ensureRegistered, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs before every other shutdown listener: deregister, then give routers a moment. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void deregisterFirst() {
        if (stopping || registration == null || client == null) {
            return;
        }
        stopping = true;
        scheduler.shutdownNow();
        try {
            // A look already past its "stopping" check may be registering right now (an interrupt does
            // not stop the HTTP call): let it finish, so that the deregistration below comes last.
            scheduler.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (state == Outcome.REFUSED) {
            return; // never registered: nothing to take out, and no router to wait for
        }
        String id = registration.getInstanceId();
        try {
            ResponseEntity<Void> answer = client.agentServiceDeregister(id, token());
            if (answer.getStatusCode().is2xxSuccessful()) {
                log.info("Deregistered {} from the registry before shutting down", id);
            } else {
                log.warn("Could not deregister {} before shutting down: the registry answered {}{}", id,
                        answer.getStatusCode().value(), answer.getStatusCode().value() == 403 ? tokenHint() : "");
            }
        } catch (RuntimeException e) {
            log.warn("Could not deregister {} before shutting down: {}", id, describe(e));
        }
        try {
            Thread.sleep(properties.shutdownGrace().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void ensureRegistered() {
        if (stopping) {
            return;
        }
        try {
            Look look = look();
            if (!stopping) {
                report(look);
            }
        } catch (RuntimeException e) {
            report(new Look(Outcome.FAILED, describe(e)));
        }
    }

    /** Is this instance in the registry? If not, register it again; either way say what happened. */
    private Look look() {
        String id = registration.getInstanceId();
        try {
            ResponseEntity<List<HealthService>> answer = client.getHealthServices(registration.getServiceId(), false,
                    token(), null, ConsulClient.QueryParams.DEFAULT);
            if (answer.getStatusCode().is2xxSuccessful() && answer.getBody() != null && answer.getBody().stream()
                    .anyMatch(entry -> entry.getService() != null && id.equals(entry.getService().getId()))) {
                return new Look(Outcome.PRESENT, "");
            }
            // Not listed, or an answer that is not a list (ACLs hide what the token may not read, a 403
            // for an unknown token): only the registration's own answer tells a refusal from a loss.
        } catch (ResourceAccessException e) {
            return new Look(Outcome.UNREACHABLE, describe(e));
        } catch (RestClientException e) {
            log.debug("Looking up {} in the registry failed: {}", id, describe(e));
        }
        if (stopping) {
            return new Look(Outcome.PRESENT, ""); // never register again while deregistering
        }
        try {
            ResponseEntity<Void> answer = client.agentServiceRegister(token(), registration.getService());
            int status = answer.getStatusCode().value();
            if (answer.getStatusCode().is2xxSuccessful()) {
                return new Look(Outcome.REGISTERED, "");
            }
            return new Look(status == 403 ? Outcome.REFUSED : Outcome.FAILED, "the registry answered " + status);
        } catch (ResourceAccessException e) {
            return new Look(Outcome.UNREACHABLE, describe(e));
        } catch (RestClientException e) {
            return new Look(Outcome.FAILED, describe(e));
        }
    }

    /** One log line per change of state, in words an operator can act on. */
    private void report(Look look) {
        Outcome before = state;
        String id = registration.getInstanceId();
        switch (look.outcome()) {
            case PRESENT -> {
                if (before != Outcome.PRESENT && before != Outcome.REGISTERED) {
                    log.info("Registry reachable again at {}; {} is registered", where, id);
                }
            }
            case REGISTERED -> {
                log.info("Registration of {} was missing from {} (restarted?): registered again", id, where);
                readiness.registeredAgain("registered again");
            }
            case REFUSED -> {
                if (before != Outcome.REFUSED) {
                    log.error("{} This instance receives no traffic until it is fixed.", refusal(look.detail()).getMessage());
                }
            }
            case UNREACHABLE -> {
                if (before != Outcome.UNREACHABLE) {
                    log.warn("Registry not reachable at {} ({}); will register {} again when it is back", where,
                            look.detail(), id);
                }
            }
            case FAILED -> {
                if (before != Outcome.FAILED) {
                    log.warn("Checking the registration of {} failed: {}; trying again every {}", id, look.detail(),
                            properties.checkInterval());
                }
            }
        }
        state = look.outcome();
    }

    private RegistrationRefusedException refusal(String detail) {
        return new RegistrationRefusedException(registration.getInstanceId(), registration.getServiceId(), hasToken(),
                detail.replaceFirst("^the registry answered 403", "Forbidden"));
    }

    private String tokenHint() {
        return " (set spring.cloud.consul.token, environment variable CONSUL_TOKEN, to a token with service:write on "
                + registration.getServiceId() + ")";
    }

    private boolean hasToken() {
        return token() != null;
    }

    private String token() {
        return tokenOf(discovery);
    }

    /** The token Spring Cloud Consul registers with; none rather than an empty header. */
    static String tokenOf(ConsulDiscoveryProperties discovery) {
        return discovery != null && StringUtils.hasText(discovery.getAclToken()) ? discovery.getAclToken() : null;
    }

    static String describe(Throwable error) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
