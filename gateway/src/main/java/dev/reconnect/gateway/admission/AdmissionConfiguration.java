package dev.reconnect.gateway.admission;

import dev.reconnect.gateway.registry.RegistryView;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.socket.server.WebSocketService;

@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "admission.enabled", matchIfMissing = true)
class AdmissionConfiguration {
    @Bean
    UpgradeAdmission upgradeAdmission(RegistryView view, AdmissionProperties properties) {
        return UpgradeAdmission.following(view, properties);
    }

    @Bean
    UpgradeAdmissionFilter upgradeAdmissionFilter(UpgradeAdmission admission, WebSocketService webSockets,
            MeterRegistry meters) {
        return new UpgradeAdmissionFilter(admission, webSockets, meters);
    }
}
