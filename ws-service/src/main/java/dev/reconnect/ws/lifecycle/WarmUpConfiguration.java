package dev.reconnect.ws.lifecycle;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

@Configuration(proxyBeanMethods = false)
class WarmUpConfiguration {
    @Bean
    LoopbackWarmUp loopbackWarmUp() {
        return new LoopbackWarmUp();
    }

    /**
     * The warm-up's handshakes are not client requests: left out of {@code http.server.requests}, so that
     * dashboards count upgrades by clients only.
     */
    @Bean
    ObservationPredicate warmUpIsNotAClientRequest(LoopbackWarmUp loopback) {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && loopback.isOwnHandshake(request.getCarrier().getHeader(LoopbackWarmUp.HEADER)));
    }
}
