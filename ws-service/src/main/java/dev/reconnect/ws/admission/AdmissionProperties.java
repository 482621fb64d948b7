package dev.reconnect.ws.admission;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What this instance tells the registry about the crowd it can take after a restart.
 *
 * @param connectsPerSecond new sessions per second (upgrade, hello, welcome, backlog) the instance takes without
 *                          making them wait; registered as {@code connects-per-second} in its metadata, from which
 *                          the gateway sizes the window over which a woken crowd spreads its connects (200: the
 *                          window of 5 ms per client the gateway used before it asked the instances)
 */
@ConfigurationProperties("ws.admission")
public record AdmissionProperties(@DefaultValue("200") int connectsPerSecond) {

    public AdmissionProperties {
        if (connectsPerSecond < 1 || connectsPerSecond > 100_000) {
            throw new IllegalArgumentException(
                    "ws.admission.connects-per-second must be between 1 and 100000, not " + connectsPerSecond);
        }
    }
}
