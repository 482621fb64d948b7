package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Typed access to one JSON object of a request body. Consul decodes bodies case-insensitively and
 * also accepts snake_case ({@code deregister_critical_service_after}), so keys are looked up in
 * that normalised form; JSON null counts as absent because Spring Cloud Consul sends nulls for
 * every field it does not set.
 */
final class JsonFields {

    private final String path;
    private final Map<String, JsonNode> fields = new HashMap<>();

    JsonFields(String path, JsonNode object) {
        this.path = path;
        object.forEachEntry((key, value) -> {
            if (!value.isNull()) {
                fields.put(normalise(key), value);
            }
        });
    }

    static String normalise(String key) {
        return key.replace("_", "").toLowerCase(Locale.ROOT);
    }

    boolean has(String name) {
        return fields.containsKey(normalise(name));
    }

    JsonNode node(String name) {
        return fields.get(normalise(name));
    }

    String string(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isString()) {
            throw decodeFailed(name, "expected a string");
        }
        return value.stringValue();
    }

    /** True for a field that is absent, null, "", [], {} or false: what Go's zero value would be. */
    boolean isZero(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return true;
        }
        if (value.isString()) {
            return value.stringValue().isEmpty();
        }
        if (value.isArray() || value.isObject()) {
            return value.isEmpty();
        }
        if (value.isBoolean()) {
            return !value.booleanValue();
        }
        if (value.isNumber()) {
            return value.doubleValue() == 0;
        }
        return false;
    }

    Integer integer(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw decodeFailed(name, "expected an integer");
        }
        return value.intValue();
    }

    Boolean bool(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isBoolean()) {
            throw decodeFailed(name, "expected true or false");
        }
        return value.booleanValue();
    }

    List<String> strings(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw decodeFailed(name, "expected an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode element : value.values()) {
            if (!element.isString()) {
                throw decodeFailed(name, "expected an array of strings");
            }
            out.add(element.stringValue());
        }
        return out;
    }

    Map<String, String> stringMap(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw decodeFailed(name, "expected an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        value.forEachEntry((key, element) -> {
            if (element.isNull()) {
                out.put(key, "");
            } else if (element.isString()) {
                out.put(key, element.stringValue());
            } else {
                throw decodeFailed(name + "." + key, "expected a string");
            }
        });
        return out;
    }

    /** Header-style maps: {"Accept": ["a", "b"]}. A bare string is taken as a one-element list. */
    Map<String, List<String>> stringListMap(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw decodeFailed(name, "expected an object of string arrays");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        value.forEachEntry((key, element) -> {
            if (element.isNull()) {
                out.put(key, List.of());
            } else if (element.isString()) {
                out.put(key, List.of(element.stringValue()));
            } else if (element.isArray()) {
                List<String> list = new ArrayList<>();
                for (JsonNode item : element.values()) {
                    if (!item.isString()) {
                        throw decodeFailed(name + "." + key, "expected an array of strings");
                    }
                    list.add(item.stringValue());
                }
                out.put(key, list);
            } else {
                throw decodeFailed(name + "." + key, "expected an array of strings");
            }
        });
        return out;
    }

    /** Go durations arrive as strings ("10s") or, from Go clients, as integer nanoseconds. */
    Duration duration(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return Duration.ofNanos(value.longValue());
        }
        if (value.isString()) {
            if (value.stringValue().isEmpty()) {
                return null;
            }
            return GoDuration.parse(value.stringValue())
                    .orElseThrow(() -> decodeFailed(name, "invalid duration \"" + value.stringValue() + "\""));
        }
        throw decodeFailed(name, "expected a duration such as \"10s\"");
    }

    JsonFields object(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw decodeFailed(name, "expected an object");
        }
        return new JsonFields(qualified(name), value);
    }

    List<JsonFields> objects(String name) {
        JsonNode value = node(name);
        if (value == null) {
            return List.of();
        }
        if (!value.isArray()) {
            throw decodeFailed(name, "expected an array of objects");
        }
        List<JsonFields> out = new ArrayList<>();
        int i = 0;
        for (JsonNode element : value.values()) {
            if (element.isNull()) {
                i++;
                continue;
            }
            if (!element.isObject()) {
                throw decodeFailed(name + "[" + i + "]", "expected an object");
            }
            out.add(new JsonFields(qualified(name) + "[" + i + "]", element));
            i++;
        }
        return out;
    }

    private String qualified(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    RequestRejectedException decodeFailed(String name, String problem) {
        return RequestRejectedException.badRequest("Request decode failed: " + qualified(name) + ": " + problem);
    }
}
