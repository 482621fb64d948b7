package dev.reconnect.support.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** The shared service settings are there, below everything a service says for itself. */
class ServiceDefaultsTest {
    private final ServiceDefaults defaults = new ServiceDefaults();

    private ConfigurableEnvironment environment(Map<String, Object> own, String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("the service's own", own));
        environment.setActiveProfiles(profiles);
        defaults.postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void everyServiceIsCheckedForLifeOverHttpAndRegistersUnderItsNameAndPort() {
        ConfigurableEnvironment environment = environment(Map.of("spring.application.name", "ws-service",
                "server.port", "8082"));

        assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-path")).isEqualTo("/livez");
        assertThat(environment.getProperty("spring.cloud.consul.discovery.instance-id")).isEqualTo("ws-service-8082");
        assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-interval")).isEqualTo("10s");
        assertThat(environment.getProperty("spring.cloud.service-registry.auto-registration.register-management"))
                .isEqualTo("false");
        assertThat(environment.getProperty("management.health.consul.enabled")).isEqualTo("false");
    }

    @Test
    void theEnvironmentAndTheServicesOwnSettingsWin() {
        ConfigurableEnvironment environment = environment(Map.of("CONSUL_TOKEN", "secret", "CONSUL_CHECK_INTERVAL", "2s",
                "management.endpoints.web.exposure.include", "health"));

        assertThat(environment.getProperty("spring.cloud.consul.token")).isEqualTo("secret");
        assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-interval")).isEqualTo("2s");
        assertThat(environment.getProperty("management.endpoints.web.exposure.include")).isEqualTo("health");
    }

    @Test
    void theLocalProfileChecksEverySecond() {
        ConfigurableEnvironment environment = environment(Map.of(), "local");

        assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-interval")).isEqualTo("1s");
        assertThat(environment.getProperty("registration.check-interval")).isEqualTo("1s");
        assertThat(environment.getProperty("registration.readiness-ttl")).isEqualTo("3s");
        assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-path")).isEqualTo("/livez");
    }

    @Test
    void aSecondPassAddsNothing() {
        ConfigurableEnvironment environment = environment(Map.of());
        int sources = environment.getPropertySources().size();

        defaults.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getPropertySources().size()).isEqualTo(sources);
    }

    /** Through Spring Boot itself: the post-processor is registered, and runs after the profiles are known. */
    @Test
    void aSpringApplicationGetsThemAndItsProfilesDefaults() {
        SpringApplication application = new SpringApplication(Empty.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--spring.profiles.active=local",
                "--spring.cloud.consul.enabled=false", "--spring.cloud.service-registry.auto-registration.enabled=false")) {
            assertThat(context.getEnvironment().getProperty("spring.cloud.consul.discovery.health-check-interval"))
                    .isEqualTo("1s");
            assertThat(context.getEnvironment().getProperty("spring.cloud.consul.discovery.health-check-timeout"))
                    .isEqualTo("2s");
        }
    }

    static class Empty {
    }
}
