package dev.reconnect.gateway.edge;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the gateway accepts from the outside.
 *
 * @param allowedOrigins origins (e.g. {@code https://app.example.com}) whose pages may open the
 *                       WebSocket besides the gateway's own; a browser sends its page's origin with
 *                       every upgrade, and without this check any site a user visits could open a
 *                       socket in the user's name. Requests without an Origin (non-browser clients)
 *                       are always allowed.
 */
@ConfigurationProperties("edge")
public record EdgeProperties(@DefaultValue({}) List<String> allowedOrigins) {
    public EdgeProperties {
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
