package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reconnect.support.registration.RegistrationRefusedException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service built on service-support against a registry that enforces ACLs: with the token it registers
 * and the gateway's watch sees it passing; without it (or with a wrong one) it does not start, and says
 * which setting to fix instead of running unregistered (Spring Cloud Consul alone swallows the 403).
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceRegistrationAclTest {
    private AclRegistry registry;

    @BeforeEach
    void start() {
        registry = new AclRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void withTheTokenTheServiceRegistersAndTheWatchSeesItPassing() throws Exception {
        String name = name();
        try (ConfigurableApplicationContext service = service(name, AclRegistry.TOKEN)) {
            assertThat(registry.get("/v1/agent/services").has(name + "-1")).isTrue();

            RegistryProperties properties = new RegistryProperties(List.of(name), Duration.ofSeconds(1),
                    Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMillis(5), Duration.ofSeconds(2),
                    Duration.ofSeconds(60), 10_000, 200, 4096);
            RegistryView view = new RegistryView(properties, Clock.systemUTC(), i -> CompletableFuture.completedFuture(true));
            ConsulDiscoveryProperties discovery = new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties()));
            discovery.setAclToken(AclRegistry.TOKEN);
            ConsulAutoConfiguration.ConsulClientSettings settings =
                    ConsulAutoConfiguration.createConsulClientSettings(registry.baseUrl(), null);
            ConsulHealthWatch watch = new ConsulHealthWatch(ConsulHealthWatch.blockingClient(settings, properties.watchWait()),
                    settings.baseUrl(), discovery, view, properties);
            watch.start();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> view.readiness().ready());
            } finally {
                watch.stop();
            }
        }
        assertThat(registry.get("/v1/agent/services").has(name + "-1")).as("deregistered with the token").isFalse();
    }

    @Test
    void withoutATokenTheStartFailsNamingTheSetting(CapturedOutput output) throws Exception {
        String name = name();

        assertThatThrownBy(() -> service(name, null).close())
                .hasRootCauseInstanceOf(RegistrationRefusedException.class)
                .rootCause().hasMessageContaining("no ACL token is configured")
                .hasMessageContaining("spring.cloud.consul.token").hasMessageContaining("CONSUL_TOKEN");
        assertThat(output.getOut()).contains("APPLICATION FAILED TO START")
                .contains("Set spring.cloud.consul.token (environment variable CONSUL_TOKEN)");
        assertThat(registry.get("/v1/agent/services").has(name + "-1")).isFalse();
    }

    @Test
    void withATokenTheRegistryRefusesTheStartFailsSayingTheTokenWasRefused() throws Exception {
        String name = name();

        assertThatThrownBy(() -> service(name, "not-the-token").close())
                .hasRootCauseInstanceOf(RegistrationRefusedException.class)
                .rootCause().hasMessageContaining("the configured ACL token is not allowed to register " + name)
                .hasMessageContaining("spring.cloud.consul.token");
        assertThat(registry.get("/v1/agent/services").has(name + "-1")).isFalse();
    }

    private static String name() {
        return "acl-service-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A web service on a free port, registered by Spring Cloud Consul with an HTTP check every second. */
    private ConfigurableApplicationContext service(String name, String token) {
        // The gateway's application.yml is on this classpath; a name of its own keeps it out.
        List<String> args = new ArrayList<>(List.of(
                "--spring.config.name=service-registration-acl-test",
                "--server.port=0",
                "--spring.application.name=" + name,
                "--spring.main.banner-mode=off",
                "--spring.cloud.consul.host=127.0.0.1",
                "--spring.cloud.consul.port=" + registry.port(),
                "--spring.cloud.consul.discovery.instance-id=" + name + "-1",
                "--spring.cloud.consul.discovery.health-check-interval=1s",
                "--spring.cloud.consul.discovery.prefer-ip-address=true",
                "--spring.cloud.consul.discovery.ip-address=127.0.0.1",
                "--spring.cloud.consul.discovery.fail-fast=false",
                "--spring.cloud.consul.discovery.catalog-services-watch.enabled=false",
                "--spring.cloud.service-registry.auto-registration.register-management=false",
                "--management.health.consul.enabled=false",
                "--registration.shutdown-grace=0s"));
        if (token != null) {
            args.add("--spring.cloud.consul.token=" + token);
        }
        return new SpringApplicationBuilder(Service.class).run(args.toArray(String[]::new));
    }

    /**
     * Nothing of the gateway: only auto-configuration, as in any service using service-support. Not a
     * {@code @SpringBootConfiguration} nor a component, so that neither the gateway's tests nor its
     * component scan ever find it.
     */
    @EnableAutoConfiguration
    static class Service {
    }
}
