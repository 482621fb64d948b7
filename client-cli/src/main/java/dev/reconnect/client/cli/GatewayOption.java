package dev.reconnect.client.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine;

/** Validates {@code --gateway}: an http(s) base URI with a host. */
public final class GatewayOption implements CommandLine.ITypeConverter<URI> {
    public static final String DEFAULT = "http://127.0.0.1:8080";

    @Override
    public URI convert(String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw invalid(value);
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null || uri.getRawQuery() != null) {
            throw invalid(value);
        }
        return uri;
    }

    private static CommandLine.TypeConversionException invalid(String value) {
        return new CommandLine.TypeConversionException(
                "'" + value + "' is not a gateway base URI (use e.g. " + DEFAULT + ")");
    }
}
