package dev.reconnect.client.readiness;

import dev.reconnect.protocol.readiness.Readiness;
import java.net.URI;
import java.time.Duration;

/**
 * One readiness request to make: a plain GET that answers at once, or a long-poll
 * ({@code ?index=<last index>&wait=<n>s}) that the gateway holds until readiness differs from that
 * index or the wait ends.
 */
public record ReadinessQuery(URI uri, Duration timeout, boolean longPoll) {

    public static ReadinessQuery plain(URI readinessUri, Duration requestTimeout) {
        return new ReadinessQuery(readinessUri, requestTimeout, false);
    }

    public static ReadinessQuery longPoll(URI readinessUri, long index, Duration wait, Duration requestTimeout) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        String separator = readinessUri.getRawQuery() == null ? "?" : "&";
        URI uri = URI.create(readinessUri + separator + Readiness.PARAM_INDEX + "=" + index
                + "&" + Readiness.PARAM_WAIT + "=" + seconds + "s");
        return new ReadinessQuery(uri, Duration.ofSeconds(seconds).plus(requestTimeout), true);
    }
}
