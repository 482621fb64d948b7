package dev.reconnect.ws.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.RegistryMeta;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.annotation.Configuration;

/** The instance registers the crowd it can take, next to what other parts put in its metadata. */
class AdmissionConfigurationTest {
    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(AdmissionProperties.class)
    static class WithProperties {}

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(WithProperties.class, AdmissionConfiguration.class);

    @Test
    void theRegistrationCarriesConnectsPerSecondAndKeepsTheRestOfItsMetadata() {
        context.withPropertyValues("ws.admission.connects-per-second=350").run(c -> {
            NewService service = new NewService();
            service.setMeta(Map.of("secure", "false"));
            c.getBean(ConsulRegistrationCustomizer.class).customize(new ConsulRegistration(service, null));
            assertThat(service.getMeta()).containsEntry(RegistryMeta.CONNECTS_PER_SECOND, "350")
                    .containsEntry("secure", "false");
        });
    }

    @Test
    void withoutASettingItRegistersTheDefaultAndWithoutMetadataItStartsSome() {
        context.run(c -> {
            NewService service = new NewService();
            c.getBean(ConsulRegistrationCustomizer.class).customize(new ConsulRegistration(service, null));
            assertThat(service.getMeta()).containsExactly(Map.entry(RegistryMeta.CONNECTS_PER_SECOND, "200"));
        });
    }

    @Test
    void aCapacityOutsideItsRangeStopsTheStartWithTheSettingsName() {
        context.withPropertyValues("ws.admission.connects-per-second=0").run(c ->
                assertThat(c).getFailure().rootCause().hasMessageContaining("ws.admission.connects-per-second")
                        .hasMessageContaining("not 0"));
    }
}
