package dev.reconnect.ops;

import static dev.reconnect.ops.Values.keyValues;
import static dev.reconnect.ops.Values.map;
import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.strings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How docker compose reads a service's entries: their short and long forms, its interpolation, its durations. */
final class Compose {

    /** Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, and $NAME. */
    static final Pattern VARIABLE = Pattern.compile(
            "\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Compose() {
    }

    /** A service's environment as NAME -> raw value, from the map or the list ("NAME=value") form. */
    static Map<String, String> environment(Map<String, Object> service) {
        return keyValues(service.get("environment"));
    }

    /** depends_on as target -> condition (the list form means service_started). */
    static Map<String, String> dependsOn(Map<String, Object> service) {
        Map<String, String> deps = new LinkedHashMap<>();
        Object raw = service.get("depends_on");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Object condition = map(v).get("condition");
                deps.put(str(k), condition == null ? "service_started" : str(condition));
            });
        } else {
            strings(raw).forEach(target -> deps.put(target, "service_started"));
        }
        return deps;
    }

    /** An entry's words joined as the container gets them (entrypoint, command: string or list form). */
    static String words(Map<String, Object> service, String key) {
        return String.join(" ", strings(service.get(key)));
    }

    /** A healthcheck's test as a list: the string form means CMD-SHELL. */
    static List<String> healthcheckTest(Map<String, Object> healthcheck) {
        Object test = healthcheck.get("test");
        if (test instanceof List<?> l) {
            return strings(l);
        }
        return test == null ? List.of() : List.of("CMD-SHELL", str(test));
    }

    /** The program a healthcheck runs first. */
    static String healthcheckTool(List<String> test) {
        String command = switch (test.get(0)) {
            case "CMD", "CMD-SHELL" -> test.size() > 1 ? test.get(1) : "";
            default -> test.get(0);
        };
        String first = command.trim().split("\\s+")[0];
        return first.substring(first.lastIndexOf('/') + 1);
    }

    /** {host, container} from "H:C", "IP:H:C", "C" (host -1) or the long syntax; null if unreadable. */
    static int[] parsePort(Object entry) {
        try {
            if (entry instanceof Map<?, ?> m) {
                Object published = m.get("published");
                return new int[] {published == null ? -1 : Integer.parseInt(str(published)),
                        Integer.parseInt(str(m.get("target")))};
            }
            String[] parts = str(entry).replaceAll("/(tcp|udp)$", "").split(":");
            int container = Integer.parseInt(parts[parts.length - 1]);
            int host = parts.length == 1 ? -1 : Integer.parseInt(parts[parts.length - 2]);
            return new int[] {host, container};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** True when the service bind-mounts ./source (relative to the repository root) on target. */
    static boolean mounts(Map<String, Object> service, String source, String target) {
        return strings(service.get("volumes")).stream().map(v -> v.replaceFirst(":ro$", ""))
                .anyMatch(v -> v.equals("./" + source + ":" + target));
    }

    /** The text after the first $ compose would interpolate ($ not written as $$), or null if there is none. */
    static String interpolated(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) == '$') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '$') {
                    i++;
                } else {
                    return value.substring(i + 1);
                }
            }
        }
        return null;
    }

    /** The value the container sees: compose turns $$ into $. */
    static String unescaped(String value) {
        return value.replace("$$", "$");
    }

    /** Go-style duration ("2s", "1m", "1m30s", "500ms"), or null when absent or unreadable. */
    static Duration duration(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(value.trim());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            });
            end = m.end();
        }
        return end == value.trim().length() ? total : null;
    }
}
