package dev.reconnect.ops;

import static dev.reconnect.ops.Values.str;
import static dev.reconnect.ops.Values.yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a module's application.yml reads from the environment and which property paths it sets.
 *
 * @param placeholders the {@code ${NAME:default}} placeholders, name -> default (null without one)
 * @param propertyPaths every property path set, plus {@link #KNOWN_SPRING_PROPERTIES}
 * @param flat property path ({@code a.b[0].c}) -> value as written
 */
record AppConfig(Map<String, String> placeholders, Set<String> propertyPaths, Map<String, Object> flat) {

    /** A placeholder an application.yml reads an environment variable with: ${NAME} or ${NAME:default}. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::([^}]*))?}");

    /** Spring Boot properties a service may set from the environment although its application.yml does not list them. */
    static final Set<String> KNOWN_SPRING_PROPERTIES = Set.of("spring.profiles.active", "logging.level.root");

    /** The files in ascending precedence: a key in a later one overrides the same key in an earlier one. */
    static AppConfig read(Path... ymls) throws IOException {
        Map<String, String> placeholders = new LinkedHashMap<>();
        Map<String, Object> flat = new LinkedHashMap<>();
        for (Path yml : ymls) {
            String text = Files.readString(yml);
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                placeholders.put(m.group(1), m.group(2));
            }
            for (Object document : yaml().loadAll(text)) {
                flatten("", document, flat);
            }
        }
        Set<String> paths = new LinkedHashSet<>(flat.keySet());
        paths.addAll(KNOWN_SPRING_PROPERTIES);
        return new AppConfig(placeholders, paths, flat);
    }

    private static void flatten(String prefix, Object value, Map<String, Object> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? str(k) : prefix + "." + k, v, out));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix + "[" + i + "]", list.get(i), out);
            }
        } else {
            out.put(prefix, value);
        }
    }

    /** True when the variable is a relaxed-binding environment name of a property this yml sets (or a known one). */
    boolean bindsRelaxed(String variable) {
        for (String path : propertyPaths) {
            String base = path.replaceAll("\\[(\\d+)]", ".$1").replace('.', '_').toUpperCase(Locale.ROOT);
            if (variable.equals(base.replace("-", "")) || variable.equals(base.replace('-', '_'))) {
                return true;
            }
        }
        return false;
    }

    /** server.port: ${NAME:default}, or null. */
    PortVariable portVariable() {
        Object raw = flat.get("server.port");
        Matcher m = raw == null ? null : PLACEHOLDER.matcher(str(raw));
        return m != null && m.matches() && m.group(2) != null ? new PortVariable(m.group(1), m.group(2)) : null;
    }

    /** The variable a port setting reads and its default. */
    record PortVariable(String name, String defaultValue) {
    }
}
