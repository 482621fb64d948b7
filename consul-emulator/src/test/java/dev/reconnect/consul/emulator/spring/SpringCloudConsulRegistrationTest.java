package dev.reconnect.consul.emulator.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.ConsulEmulator;
import dev.reconnect.consul.emulator.EmulatorConfig;
import dev.reconnect.consul.emulator.spring.app.DiscoveredApp;
import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Acceptance: a real Spring Boot 4 application with spring-cloud-starter-consul-discovery registers
 * with the emulator, turns passing through its HTTP check, is found by a DiscoveryClient with
 * query-passing on, and is gone from discovery and from the agent once its context closes.
 */
class SpringCloudConsulRegistrationTest {

    @Test
    void aSpringBootServiceRegistersTurnsPassingIsDiscoveredAndDeregisters() {
        String name = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        String instanceId = name + "-instance";
        try (ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder()
                        .port(0)
                        .reaperInterval(Duration.ofMillis(500))
                        .minDeregisterAfter(Duration.ofSeconds(1))
                        .build());
                LogCapture debugLog = new LogCapture(Level.FINE);
                ConfigurableApplicationContext caller = caller(emulator)) {
            ConsulHttp consul = new ConsulHttp(emulator.baseUri());
            DiscoveryClient discovery = caller.getBean(DiscoveryClient.class);

            ConfigurableApplicationContext app = service(emulator, name, instanceId);
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            try {
                JsonNode registered = consul.get("/v1/agent/services").json().get(instanceId);
                assertThat(registered).as("registered under its instance-id").isNotNull();
                assertThat(registered.get("Service").stringValue()).isEqualTo(name);
                assertThat(registered.get("Port").intValue()).isEqualTo(port);

                // What Spring Cloud Consul really sent: JSON nulls and a token header, accepted as is.
                assertThat(debugLog.messages()).anySatisfy(m -> assertThat(m)
                        .startsWith("registration body: ").contains("\"ID\":\"" + instanceId + "\"").contains(":null"));
                assertThat(debugLog.messages()).anySatisfy(m -> assertThat(m)
                        .startsWith("PUT /v1/agent/service/register").endsWith("(with X-Consul-Token)"));

                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    JsonNode check = consul.get("/v1/agent/checks").json().get("service:" + instanceId);
                    assertThat(check.get("Status").stringValue()).isEqualTo("passing");
                    assertThat(check.get("Output").stringValue())
                            .startsWith("HTTP GET http://127.0.0.1:" + port + "/actuator/health: 200 OK Output: ")
                            .contains("UP");
                });

                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    List<ServiceInstance> instances = discovery.getInstances(name);
                    assertThat(instances).hasSize(1);
                    assertThat(instances.get(0).getInstanceId()).isEqualTo(instanceId);
                    assertThat(instances.get(0).getPort()).isEqualTo(port);
                    assertThat(instances.get(0).getHost()).isEqualTo("127.0.0.1");
                });
                assertThat(discovery.getServices()).contains(name);
            } finally {
                app.close();
            }

            assertThat(consul.get("/v1/agent/services").json().has(instanceId)).as("deregistered on close").isFalse();
            assertThat(discovery.getInstances(name)).isEmpty();
            assertThat(debugLog.messages()).contains("deregistered service " + instanceId + " (" + name
                    + "): API request");
        }
    }

    /** The registering service: a web app on a free port, checked every second. */
    private static ConfigurableApplicationContext service(ConsulEmulator emulator, String name, String instanceId) {
        return new SpringApplicationBuilder(DiscoveredApp.class)
                .properties(
                        "server.port=0",
                        "spring.application.name=" + name,
                        "spring.main.banner-mode=off",
                        "spring.cloud.consul.host=127.0.0.1",
                        "spring.cloud.consul.port=" + emulator.port(),
                        "spring.cloud.consul.discovery.instance-id=" + instanceId,
                        "spring.cloud.consul.discovery.health-check-interval=1s",
                        "spring.cloud.consul.discovery.query-passing=true",
                        "spring.cloud.consul.discovery.prefer-ip-address=true",
                        "spring.cloud.consul.discovery.ip-address=127.0.0.1",
                        // Makes Spring Cloud Consul send X-Consul-Token; the emulator must ignore it.
                        "spring.cloud.consul.discovery.acl-token=not-a-real-token")
                .run();
    }

    /** Another application that only discovers: no web server, no registration of its own. */
    private static ConfigurableApplicationContext caller(ConsulEmulator emulator) {
        return new SpringApplicationBuilder(DiscoveredApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.application.name=caller",
                        "spring.main.banner-mode=off",
                        "spring.cloud.consul.host=127.0.0.1",
                        "spring.cloud.consul.port=" + emulator.port(),
                        "spring.cloud.consul.discovery.register=false",
                        "spring.cloud.consul.discovery.query-passing=true")
                .run();
    }
}
