package dev.reconnect.support.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.cloud.client.discovery.event.InstancePreRegisteredEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;

/**
 * Tells the registry whether this instance is ready, the moment that changes: adds {@link ReadyCheck} to the
 * registration and passes or fails it when readiness may have changed (Spring Boot's readiness events, a
 * {@link ReadinessChanged} from the service, a registration), and again every third of its TTL, so that the
 * check expires (critical) only when the instance stops reporting: killed, stopped, or cut off.
 *
 * <p>Ready means what {@code /readyz} says: the actuator's readiness group where there is one (a service
 * adds its own conditions to it, as ws-service does with its warm-up), else Spring Boot's readiness state.
 * Reports run one at a time on a thread of their own: a slow registry never holds up start-up or an event.
 */
public class ReadinessReporter implements ConsulRegistrationCustomizer {
    private static final Logger log = LoggerFactory.getLogger(ReadinessReporter.class);
    private static final String READINESS_GROUP = "readiness";
    /** Spring Boot's liveness probe on the main port (management.endpoint.health.probes.add-additional-paths). */
    static final String LIVENESS_PATH = "/livez";

    private final ObjectProvider<ConsulClient> clientProvider;
    private final ObjectProvider<ConsulDiscoveryProperties> discoveryProvider;
    private final ObjectProvider<HealthEndpoint> healthProvider;
    private final ObjectProvider<ApplicationAvailability> availabilityProvider;
    private final RegistrationProperties properties;
    private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "readiness-reporter");
        thread.setDaemon(true);
        return thread;
    });
    private volatile String checkId;
    private volatile boolean refreshing;
    private volatile boolean stopping;
    /** What the registry was last told (null: nothing yet, or the last report failed); touched by the reporter thread only. */
    private Boolean reported;
    private String failure;

    public ReadinessReporter(ObjectProvider<ConsulClient> client, ObjectProvider<ConsulDiscoveryProperties> discovery,
                             ObjectProvider<HealthEndpoint> health, ObjectProvider<ApplicationAvailability> availability,
                             RegistrationProperties properties) {
        this.clientProvider = client;
        this.discoveryProvider = discovery;
        this.healthProvider = health;
        this.availabilityProvider = availability;
        this.properties = properties;
    }

    /** Adds the ready check to the registration Spring Cloud Consul is about to make (and every re-registration). */
    @Override
    public void customize(ConsulRegistration registration) {
        NewService.Check main = registration.getService().getCheck();
        if (main != null && main.getTtl() != null) {
            log.warn("Spring Cloud Consul's heartbeat (a TTL check it passes itself) is on: readiness reaches the registry"
                    + " through the ready check already, and the heartbeat's check would stay critical; turn off"
                    + " spring.cloud.consul.discovery.heartbeat.enabled");
        }
        List<NewService.Check> checks = new ArrayList<>();
        if (registration.getService().getChecks() != null) {
            registration.getService().getChecks().stream().filter(check -> !(check instanceof ReadyCheck))
                    .forEach(checks::add);
        }
        checks.add(new ReadyCheck(registration.getInstanceId(), properties.readinessTtl()));
        registration.getService().setChecks(checks);
        checkId = ReadyCheck.idFor(registration.getInstanceId());
    }

    /**
     * Just before the registration (its checks are complete only now, once the port is known): Spring Cloud
     * Consul's liveness check starts passing. The instance registers once its web server listens, so it is
     * alive, and the check need not wait for its first run (after a random delay of up to one interval) for the
     * instance to pass as soon as it is ready.
     */
    @EventListener
    void aboutToRegister(InstancePreRegisteredEvent event) {
        ConsulDiscoveryProperties discovery = discoveryProvider.getIfAvailable();
        if (event.getRegistration() instanceof ConsulRegistration registration && discovery != null
                && registration.getService().getCheck() != null
                && LIVENESS_PATH.equals(discovery.getHealthCheckPath())) {
            registration.getService().getCheck().setStatus("passing");
        }
    }

    /** Spring Cloud Consul registered the instance (during start-up, so: not ready yet, whatever the check said before). */
    @EventListener(InstanceRegisteredEvent.class)
    void registered() {
        registeredAgain("registered");
        if (!refreshing && checkId != null) {
            refreshing = true;
            long every = Math.max(1, properties.readinessTtl().toMillis() / 3);
            reporter.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** A new registration starts its ready check afresh (critical): say what is true now. */
    void registeredAgain(String why) {
        submit(why, true);
    }

    @EventListener
    void readinessState(AvailabilityChangeEvent<ReadinessState> event) {
        submit(event.getState() == ReadinessState.ACCEPTING_TRAFFIC ? "accepting traffic" : "refusing traffic", false);
    }

    @EventListener
    void readinessChanged(ReadinessChanged event) {
        submit(event.why(), false);
    }

    /** The registration keeper deregisters at the same moment; nothing is reported after it. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void stop() {
        stopping = true;
        reporter.shutdownNow();
    }

    private void submit(String why, boolean evenIfUnchanged) {
        if (stopping || checkId == null) {
            return;
        }
        try {
            reporter.execute(() -> {
                if (evenIfUnchanged) {
                    reported = null;
                }
                report(why);
            });
        } catch (RejectedExecutionException e) {
            // stopping: the instance is being deregistered, there is nothing left to report to
        }
    }

    /** A refresh that threw would cancel every later one, and the ready check would expire on a ready instance. */
    private void refresh() {
        try {
            report(null);
        } catch (RuntimeException e) {
            failed(RegistrationKeeper.describe(e));
        }
    }

    /** Runs on the reporter thread. A change (or a failure) is logged; a refresh that changes nothing is not. */
    private void report(String why) {
        ConsulClient client = clientProvider.getIfAvailable();
        if (stopping || client == null) {
            return;
        }
        boolean ready = ready();
        // The check's output. Spring Cloud Consul puts the note into the URL unencoded: no spaces.
        String note = ready ? "ready" : "not-ready";
        try {
            ResponseEntity<Void> answer = ready ? client.agentCheckPass(checkId, note, token())
                    : client.agentCheckFail(checkId, note, token());
            if (!answer.getStatusCode().is2xxSuccessful()) {
                failed("the registry answered " + answer.getStatusCode().value()
                        + (answer.getStatusCode().value() == 404 ? " (not registered there at the moment)" : ""));
                return;
            }
        } catch (RuntimeException e) {
            failed(RegistrationKeeper.describe(e));
            return;
        }
        if (failure != null) {
            log.info("Reporting readiness to the registry works again");
            failure = null;
        }
        if (reported == null || reported != ready) {
            log.info("Told the registry: {}{}", ready ? "ready" : "not ready", why == null ? "" : " (" + why + ")");
        }
        reported = ready;
    }

    private void failed(String detail) {
        reported = null;
        if (!stopping && !detail.equals(failure)) {
            log.warn("Could not report readiness to the registry: {}; trying again within {} ms", detail,
                    Math.max(1, properties.readinessTtl().toMillis() / 3));
        }
        failure = detail;
    }

    private boolean ready() {
        HealthEndpoint health = healthProvider.getIfAvailable();
        if (health != null) {
            HealthDescriptor group = health.healthForPath(READINESS_GROUP);
            if (group != null) {
                return Status.UP.equals(group.getStatus());
            }
        }
        ApplicationAvailability availability = availabilityProvider.getIfAvailable();
        return availability != null && availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC;
    }

    private String token() {
        return RegistrationKeeper.tokenOf(discoveryProvider.getIfAvailable());
    }
}
