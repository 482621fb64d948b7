package dev.reconnect.consul.emulator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.spring.app.DiscoveredApp;
import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Acceptance: against an emulator with ACLs enforced, a real Spring Cloud Consul service registers
 * (and deregisters) when configured with the token, and is refused without it. Spring Cloud Consul
 * swallows the 403, so the application starts either way: what tells them apart is the catalog.
 */
class SpringCloudConsulAclTest {

    private static final String TOKEN = "spring-acl-token";

    @Test
    void withTheTokenTheServiceRegistersTurnsPassingAndDeregisters() {
        String name = "acl-ok-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsulEmulator emulator = start()) {
            ConsulHttp admin = new ConsulHttp(emulator.baseUri(), "X-Consul-Token", TOKEN);
            ConsulHttp anonymous = new ConsulHttp(emulator.baseUri());

            try (ConfigurableApplicationContext app = service(emulator, name, true)) {
                assertThat(admin.get("/v1/agent/services").json().has(name + "-instance")).isTrue();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                        assertThat(admin.get("/v1/health/service/" + name + "?passing").json().size()).isEqualTo(1));
                assertThat(admin.get("/v1/catalog/services").json().has(name)).isTrue();
                assertThat(anonymous.get("/v1/catalog/services").json().has(name)).as("hidden from anonymous")
                        .isFalse();
            }

            assertThat(admin.get("/v1/agent/services").json().has(name + "-instance"))
                    .as("deregistered on close, with the token").isFalse();
        }
    }

    @Test
    void withoutTheTokenTheRegistrationIsRefusedAndTheServiceIsNotInTheCatalog() {
        String name = "acl-refused-" + UUID.randomUUID().toString().substring(0, 8);
        try (ConsulEmulator emulator = start();
                LogCapture log = new LogCapture()) {
            ConsulHttp admin = new ConsulHttp(emulator.baseUri(), "X-Consul-Token", TOKEN);

            try (ConfigurableApplicationContext app = service(emulator, name, false)) {
                // Registration happens while the context starts, so by now it was tried, and refused.
                assertThat(log.messages()).contains("ACL refused PUT /v1/agent/service/register: Permission denied:"
                        + " token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission"
                        + " 'service:write' on \"" + name + "\"");
                assertThat(admin.get("/v1/agent/services").json().has(name + "-instance")).isFalse();
                assertThat(admin.get("/v1/catalog/services").json().has(name)).isFalse();
                assertThat(admin.get("/v1/health/service/" + name).json().size()).isZero();
            }
        }
    }

    private static ConsulEmulator start() {
        return ConsulEmulator.start(EmulatorConfig.builder().port(0).aclToken(TOKEN).build());
    }

    /** A web app on a free port, checked every second; with or without the ACL token in its configuration. */
    private static ConfigurableApplicationContext service(ConsulEmulator emulator, String name, boolean withToken) {
        List<String> properties = new ArrayList<>(List.of(
                "server.port=0",
                "spring.application.name=" + name,
                "spring.main.banner-mode=off",
                "spring.cloud.consul.host=127.0.0.1",
                "spring.cloud.consul.port=" + emulator.port(),
                "spring.cloud.consul.discovery.instance-id=" + name + "-instance",
                "spring.cloud.consul.discovery.health-check-interval=1s",
                "spring.cloud.consul.discovery.prefer-ip-address=true",
                "spring.cloud.consul.discovery.ip-address=127.0.0.1"));
        if (withToken) {
            properties.add("spring.cloud.consul.token=" + TOKEN);
            properties.add("spring.cloud.consul.discovery.acl-token=" + TOKEN);
        }
        return new SpringApplicationBuilder(DiscoveredApp.class).properties(properties.toArray(String[]::new)).run();
    }
}
