package dev.reconnect.consul.emulator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import tools.jackson.databind.JsonNode;

/** Request bodies, names, ports and waits the emulator and contract tests build their cases from. */
public final class TestSupport {

    private TestSupport() {
    }

    /** Waits for an outcome that follows a request asynchronously (check runs, Consul's catalog sync). */
    public static ConditionFactory eventually() {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100));
    }

    /** A name no other test (or earlier run against the same agent) uses. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A JSON object with keys in the order given; values may be null, as clients send them. */
    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    public static String json(Object value) {
        return ConsulHttp.json(value);
    }

    /** The text elements of a JSON array, in order. */
    public static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode element : array.values()) {
            out.add(element.stringValue());
        }
        return out;
    }

    /** A local port that was free a moment ago and that nothing listens on: connections to it are refused. */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free local port", e);
        }
    }
}
