package dev.reconnect.gateway.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How many WebSocket upgrades the gateway lets through to the instances.
 *
 * @param enabled  false: every upgrade goes through, whatever the instances registered
 * @param headroom upgrades per second admitted, as a multiple of the connects per second the routable instances
 *                 registered they can take (their {@code connects-per-second}, summed; the scarcest service
 *                 decides). The readiness answer already spreads a woken crowd at 1x; 3 leaves room for its
 *                 random clumps and for a crowd up to six times the capacity squeezed into the widest spread
 *                 (2 s), so only a crowd that ignores the spread, or one larger than that, meets the limit
 */
@ConfigurationProperties("admission")
public record AdmissionProperties(@DefaultValue("true") boolean enabled, @DefaultValue("3.0") double headroom) {

    public AdmissionProperties {
        if (!(headroom >= 1.0 && headroom <= 100.0)) {
            throw new IllegalArgumentException("admission.headroom must be between 1 and 100, not " + headroom);
        }
    }
}
