package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reconnect.protocol.readiness.Readiness;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;

/**
 * The watch against a registry that enforces ACLs (default deny), through Spring Cloud Consul's client:
 * with the token it sees passing instances and holds blocking queries; without one Consul hides the
 * instances (an empty list, not an error) and the watch says why; with a wrong one it reports the 403.
 */
class ConsulHealthWatchAclTest {
    private static final List<String> SERVICES = List.of("ws-service", "api-service");

    private AclRegistry registry;
    private ConsulHealthWatch watch;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void passingServices() throws Exception {
        registry = new AclRegistry();
        registry.register("ws-service", "ws-service-1", 1);
        registry.register("api-service", "api-service-1", 2);
        registry.pass("ws-service-1");
        registry.pass("api-service-1");
        logged.start();
        ((Logger) LoggerFactory.getLogger(ConsulHealthWatch.class)).addAppender(logged);
        ((Logger) LoggerFactory.getLogger(RegistryView.class)).addAppender(logged);
    }

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.stop();
        }
        registry.close();
        ((Logger) LoggerFactory.getLogger(ConsulHealthWatch.class)).detachAppender(logged);
        ((Logger) LoggerFactory.getLogger(RegistryView.class)).detachAppender(logged);
    }

    @Test
    void withTheTokenPassingInstancesMakeItReadyAndEachServiceHoldsABlockingQuery() {
        RegistryView view = watch(AclRegistry.TOKEN);

        await().atMost(Duration.ofSeconds(5)).until(() -> view.readiness().ready());
        assertThat(view.routableInstances("ws-service")).extracting(Instance::address).containsExactly("127.0.0.1:1");
        await().atMost(Duration.ofSeconds(5)).until(() -> registry.emulator.heldBlockingQueries() == SERVICES.size());
        assertThat(errors()).isEmpty();
    }

    @Test
    void withoutATokenTheRegistryHidesTheInstancesAndTheWatchSaysWhichSettingIsMissing() {
        RegistryView view = watch("");

        await().atMost(Duration.ofSeconds(5)).until(() -> errors().size() == SERVICES.size());
        Readiness readiness = view.readiness();
        assertThat(readiness.registry()).as("the registry answered").isEqualTo(Readiness.REGISTRY_UP);
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.services()).allMatch(s -> s.passing() == 0);
        assertThat(errors()).allMatch(line -> line.contains("spring.cloud.consul.token") && line.contains("CONSUL_TOKEN"));
    }

    @Test
    void aTokenTheRegistryDoesNotKnowIsReportedAsItsRefusalNotAsNoInstances() {
        RegistryView view = watch("not-the-token");

        await().atMost(Duration.ofSeconds(5)).until(() -> view.readiness().registry().equals(Readiness.REGISTRY_UNAVAILABLE)
                && warnings().size() == SERVICES.size());
        assertThat(view.readiness().ready()).isFalse();
        assertThat(warnings()).allMatch(line -> line.contains("403 ACL not found") && line.contains("spring.cloud.consul.token"));
    }

    private RegistryView watch(String token) {
        RegistryProperties properties = new RegistryProperties(SERVICES, Duration.ofSeconds(1), Duration.ofMillis(100),
                Duration.ofSeconds(10), Duration.ofMillis(5), Duration.ofSeconds(2), Duration.ofSeconds(60), 10_000, 200, 4096);
        RegistryView view = new RegistryView(properties, Clock.systemUTC(), instance -> java.util.concurrent.CompletableFuture.completedFuture(true));
        ConsulDiscoveryProperties discovery = new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties()));
        discovery.setAclToken(token);
        ConsulAutoConfiguration.ConsulClientSettings settings =
                ConsulAutoConfiguration.createConsulClientSettings(registry.baseUrl(), null);
        watch = new ConsulHealthWatch(ConsulHealthWatch.blockingClient(settings, properties.watchWait()), settings.baseUrl(),
                discovery, view, properties);
        watch.start();
        return view;
    }

    private List<String> errors() {
        return lines(Level.ERROR);
    }

    private List<String> warnings() {
        return lines(Level.WARN);
    }

    private List<String> lines(Level level) {
        return List.copyOf(logged.list).stream().filter(e -> e.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }
}
