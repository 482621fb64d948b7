package dev.reconnect.client.readiness;

import dev.reconnect.protocol.Durations;
import dev.reconnect.protocol.readiness.Readiness;
import java.net.URI;
import java.time.Duration;

/**
 * One readiness request to make: a plain GET that answers at once, or a long-poll
 * ({@code ?index=<last index>&wait=<n>ms}) that the gateway holds until readiness differs from that
 * index or the wait ends.
 */
public record ReadinessQuery(URI uri, Duration timeout, boolean longPoll) {

    public static ReadinessQuery plain(URI readinessUri, Duration requestTimeout) {
        return new ReadinessQuery(readinessUri, requestTimeout, false);
    }

    public static ReadinessQuery longPoll(URI readinessUri, long index, Duration wait, Duration requestTimeout) {
        Duration held = wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait;
        String separator = readinessUri.getRawQuery() == null ? "?" : "&";
        URI uri = URI.create(readinessUri + separator + Readiness.PARAM_INDEX + "=" + index
                + "&" + Readiness.PARAM_WAIT + "=" + Durations.format(held));
        return new ReadinessQuery(uri, held.plus(requestTimeout), true);
    }
}
