package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.json.Json;
import dev.reconnect.consul.emulator.time.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed access to one JSON object of a request body. Consul decodes bodies case-insensitively and
 * also accepts snake_case ({@code deregister_critical_service_after}), so keys are looked up in
 * that normalised form; JSON null counts as absent because Spring Cloud Consul sends nulls for
 * every field it does not set.
 */
final class JsonFields {

    private final String path;
    private final Map<String, Object> fields = new HashMap<>();

    JsonFields(String path, Map<?, ?> object) {
        this.path = path;
        object.forEach((key, value) -> {
            if (value != null) {
                fields.put(normalise(String.valueOf(key)), value);
            }
        });
    }

    static String normalise(String key) {
        return key.replace("_", "").toLowerCase(Locale.ROOT);
    }

    Object value(String name) {
        return fields.get(normalise(name));
    }

    /** The field as a {@code type}, or null when absent; a value of any other type is refused. */
    private <T> T typed(String name, Class<T> type, String expected) {
        Object value = value(name);
        if (value != null && !type.isInstance(value)) {
            throw decodeFailed(name, expected);
        }
        return type.cast(value);
    }

    String string(String name) {
        return typed(name, String.class, "expected a string");
    }

    /** True for a field that is absent, null, "", [], {}, false or 0: what Go's zero value would be. */
    boolean isZero(String name) {
        Object value = value(name);
        if (value == null) {
            return true;
        }
        if (value instanceof String) {
            return ((String) value).isEmpty();
        }
        if (value instanceof List) {
            return ((List<?>) value).isEmpty();
        }
        if (value instanceof Map) {
            return ((Map<?, ?>) value).isEmpty();
        }
        if (value instanceof Boolean) {
            return !((Boolean) value);
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue() == 0;
        }
        return false;
    }

    Integer integer(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (!Json.isIntegral(value)) {
            throw decodeFailed(name, "expected an integer");
        }
        long number = ((Number) value).longValue();
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE || !(value instanceof Integer
                || value instanceof Long)) {
            throw decodeFailed(name, "number out of range");
        }
        return (int) number;
    }

    Boolean bool(String name) {
        return typed(name, Boolean.class, "expected true or false");
    }

    List<String> strings(String name) {
        List<?> value = typed(name, List.class, "expected an array of strings");
        return value == null ? List.of() : stringElements(name, value);
    }

    private List<String> stringElements(String name, List<?> elements) {
        List<String> out = new ArrayList<>();
        for (Object element : elements) {
            if (!(element instanceof String)) {
                throw decodeFailed(name, "expected an array of strings");
            }
            out.add((String) element);
        }
        return out;
    }

    Map<String, String> stringMap(String name) {
        Map<?, ?> value = typed(name, Map.class, "expected an object of strings");
        if (value == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : value.entrySet()) {
            Object element = entry.getValue();
            if (element == null) {
                out.put(String.valueOf(entry.getKey()), "");
            } else if (element instanceof String) {
                out.put(String.valueOf(entry.getKey()), (String) element);
            } else {
                throw decodeFailed(name + "." + entry.getKey(), "expected a string");
            }
        }
        return out;
    }

    /** Header-style maps: {"Accept": ["a", "b"]}. A bare string is taken as a one-element list. */
    Map<String, List<String>> stringListMap(String name) {
        Map<?, ?> value = typed(name, Map.class, "expected an object of string arrays");
        if (value == null) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : value.entrySet()) {
            String key = String.valueOf(entry.getKey());
            Object element = entry.getValue();
            if (element == null) {
                out.put(key, List.of());
            } else if (element instanceof String) {
                out.put(key, List.of((String) element));
            } else if (element instanceof List<?> list) {
                out.put(key, stringElements(name + "." + key, list));
            } else {
                throw decodeFailed(name + "." + key, "expected an array of strings");
            }
        }
        return out;
    }

    /** Go durations arrive as strings ("10s") or, from Go clients, as integer nanoseconds. */
    Duration duration(String name) {
        Object value = value(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Integer || value instanceof Long) {
            return Duration.ofNanos(((Number) value).longValue());
        }
        if (value instanceof String) {
            String text = (String) value;
            if (text.isEmpty()) {
                return null;
            }
            return GoDuration.parse(text)
                    .orElseThrow(() -> decodeFailed(name, "invalid duration \"" + text + "\""));
        }
        throw decodeFailed(name, "expected a duration such as \"10s\"");
    }

    JsonFields object(String name) {
        Map<?, ?> value = typed(name, Map.class, "expected an object");
        return value == null ? null : new JsonFields(qualified(name), value);
    }

    List<JsonFields> objects(String name) {
        List<?> value = typed(name, List.class, "expected an array of objects");
        if (value == null) {
            return List.of();
        }
        List<JsonFields> out = new ArrayList<>();
        int i = 0;
        for (Object element : value) {
            if (element != null) {
                if (!(element instanceof Map)) {
                    throw decodeFailed(name + "[" + i + "]", "expected an object");
                }
                out.add(new JsonFields(qualified(name) + "[" + i + "]", (Map<?, ?>) element));
            }
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
