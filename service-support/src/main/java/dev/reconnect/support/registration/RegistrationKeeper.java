package dev.reconnect.support.registration;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps this service registered for as long as it runs, and takes it out of the registry first
 * when it stops.
 *
 * <p>Spring Cloud Consul 5 swallows Consul's 4xx answers, so its reregister-on-failure never fires
 * (spring-cloud-consul issue 954) and a service whose registration vanished (the agent restarted, or
 * was not there at start-up) stays unregistered. It also deregisters only at bean destruction, after
 * draining, so a stopping instance would stay passing while it drains.
 */
public class RegistrationKeeper {
    private static final Logger log = LoggerFactory.getLogger(RegistrationKeeper.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectProvider<ConsulServiceRegistry> registryProvider;
    private final ObjectProvider<ConsulAutoRegistration> registrationProvider;
    private final ObjectProvider<ConsulProperties> consulProvider;
    private final RegistrationProperties properties;
    private ConsulServiceRegistry registry;
    private ConsulAutoRegistration registration;
    private URI servicesUri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "registration-keeper");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean stopping;
    private volatile boolean registryReachable = true;

    public RegistrationKeeper(ObjectProvider<ConsulServiceRegistry> registry,
                              ObjectProvider<ConsulAutoRegistration> registration,
                              ObjectProvider<ConsulProperties> consul, RegistrationProperties properties) {
        this.registryProvider = registry;
        this.registrationProvider = registration;
        this.consulProvider = consul;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        registry = registryProvider.getIfAvailable();
        registration = registrationProvider.getIfAvailable();
        ConsulProperties consul = consulProvider.getIfAvailable();
        if (registry == null || registration == null || consul == null) {
            log.info("Service registration is off: the registration keeper stays idle");
            return;
        }
        String scheme = consul.getScheme() == null ? "http" : consul.getScheme();
        servicesUri = URI.create(scheme + "://" + consul.getHost() + ":" + consul.getPort() + "/v1/agent/services");
        long everyMillis = properties.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::ensureRegistered, everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs before every other shutdown listener: deregister, then give routers a moment. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    void deregisterFirst() {
        if (stopping || registration == null) {
            return;
        }
        stopping = true;
        scheduler.shutdownNow();
        try {
            registry.deregister(registration);
            log.info("Deregistered {} from the registry before shutting down", registration.getInstanceId());
        } catch (RuntimeException e) {
            log.warn("Could not deregister {} before shutting down: {}", registration.getInstanceId(), e.getMessage());
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
        String id = registration.getInstanceId();
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(servicesUri).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return;
            }
            if (!registryReachable) {
                registryReachable = true;
                log.info("Registry reachable again at {}", servicesUri.getAuthority());
            }
            JsonNode services = JSON.readTree(response.body());
            if (!services.has(id) && !stopping) {
                registry.register(registration);
                log.info("Registration of {} was missing from the registry (restarted?): registered again", id);
            }
        } catch (IOException | JacksonException e) {
            if (registryReachable) {
                registryReachable = false;
                log.warn("Registry not reachable at {} ({}); will register again when it is back",
                        servicesUri.getAuthority(), e.getClass().getSimpleName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Checking the registration of {} failed: {}", id, e.getMessage());
        }
    }
}
