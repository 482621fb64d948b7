package dev.reconnect.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reading the trees the project's files parse into: YAML and JSON as maps, lists and scalars (a missing or
 * differently typed node reads as empty rather than failing, so that a check reports what it expected), and the
 * poms as XML.
 */
final class Values {

    private Values() {
    }

    static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** A list as it is; a single value as a list of one; nothing as an empty list. */
    static List<?> list(Object o) {
        if (o instanceof List<?> l) {
            return l;
        }
        return o == null ? List.of() : List.of(o);
    }

    static List<String> strings(Object o) {
        return list(o).stream().map(Values::str).toList();
    }

    /**
     * NAME -> value from compose's two forms of environment and build args: a map, or a list of "NAME=value"
     * (a bare NAME has the empty value).
     */
    static Map<String, String> keyValues(Object raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> values.put(str(k), str(v)));
        } else {
            for (String entry : strings(raw)) {
                String[] kv = entry.split("=", 2);
                values.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return values;
    }

    /** The map under key, put there first when the key holds no map. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> mutableMap(Map<String, Object> parent, String key) {
        Object value = parent.get(key);
        if (!(value instanceof Map)) {
            value = new LinkedHashMap<String, Object>();
            parent.put(key, value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>();
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static void walkMaps(Object value, Consumer<Map<String, Object>> visit) {
        if (value instanceof Map<?, ?> m) {
            visit.accept((Map<String, Object>) m);
            m.values().forEach(v -> walkMaps(v, visit));
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> walkMaps(v, visit));
        }
    }

    /** Every string in the tree, map keys included. */
    static void walkStrings(Object value, Consumer<String> visit) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                visit.accept(str(k));
                walkStrings(v, visit);
            });
        } else if (value instanceof Collection<?> c) {
            c.forEach(v -> walkStrings(v, visit));
        } else if (value instanceof String s) {
            visit.accept(s);
        }
    }

    static Document xml(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file + ": " + e, e);
        }
    }

    static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        if (parent == null) {
            return result;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
