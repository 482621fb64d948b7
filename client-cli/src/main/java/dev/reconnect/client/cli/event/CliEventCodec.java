package dev.reconnect.client.cli.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.reconnect.client.readiness.ReadinessOutcome;
import dev.reconnect.protocol.Json;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Collections;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Writes a {@link CliEvent} as its line of JSON and reads one back: the one place that knows the wire shape. */
public final class CliEventCodec {
    private static final String TIME = "t";
    private static final String KIND = "event";
    private static final int QUOTED_LINE = 200;
    /** Optional components: left out when null, may be missing when read. */
    private static final Set<Class<?>> OPTIONAL = Set.of(Long.class, Integer.class, Boolean.class);

    private static final JsonMapper MAPPER = Json.MAPPER.rebuild()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .addMixIn(ReadinessOutcome.class, TaggedOutcome.class)
            .build();
    private static final Map<String, Class<? extends CliEvent>> TYPES = types();

    /** The library's enum has no Jackson annotations; on the wire an outcome is its metric tag. */
    private abstract static class TaggedOutcome {
        @JsonValue
        abstract String tag();
    }

    private CliEventCodec() {}

    /**
     * The event as one line of JSON (no line break): {@code t}, {@code event}, then its components in order; an
     * optional one is left out when null.
     *
     * @throws IllegalArgumentException when another component is null: {@link #parse} would refuse the line
     */
    public static String write(CliEvent event) {
        ObjectNode line = MAPPER.createObjectNode();
        line.put(TIME, event.t());
        line.put(KIND, kind(event.getClass()));
        ObjectNode fields = MAPPER.valueToTree(event);
        fields.remove(TIME);
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            String field = fieldName(component);
            if (fields.path(field).isNull()) {
                if (!OPTIONAL.contains(component.getType())) {
                    throw new IllegalArgumentException("a \"" + kind(event.getClass()) + "\" event without \""
                            + field + "\": " + event);
                }
                fields.remove(field);
            }
        }
        line.setAll(fields);
        return MAPPER.writeValueAsString(line);
    }

    /** Prints the event as one whole line, also when other threads print to {@code out} too. */
    public static void print(PrintStream out, CliEvent event) {
        String line = write(event);
        synchronized (out) {
            out.println(line);
        }
    }

    /**
     * Reads one line the CLI printed. Fields it does not know are ignored (lines only grow), a missing one is not.
     *
     * @throws MalformedCliEventException when the line is not JSON, not an object, of no known kind, or lacks or
     *                                    garbles a field its kind needs; the message says which and quotes the line
     */
    public static CliEvent parse(String line) {
        if (line == null || line.isBlank()) {
            throw malformed(line, "an empty line");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw malformed(line, "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw malformed(line, "not a JSON object");
        }
        JsonNode kind = node.get(KIND);
        if (kind == null || !kind.isString()) {
            throw malformed(line, "no \"" + KIND + "\" naming its kind");
        }
        Class<? extends CliEvent> type = TYPES.get(kind.asString());
        if (type == null) {
            throw malformed(line, "an unknown kind of event \"" + kind.asString() + "\" (known: " + TYPES.keySet() + ")");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            String field = fieldName(component);
            boolean optional = OPTIONAL.contains(component.getType());
            JsonNode value = node.get(field);
            if (!optional && (value == null || value.isNull())) {
                throw malformed(line, "a \"" + kind.asString() + "\" event without \"" + field + "\"");
            }
        }
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            throw malformed(line, "a \"" + kind.asString() + "\" event with a bad field: " + e.getOriginalMessage());
        }
    }

    private static String kind(Class<?> type) {
        return type.getAnnotation(JsonTypeName.class).value();
    }

    private static String fieldName(RecordComponent component) {
        JsonProperty renamed = component.getAccessor().getAnnotation(JsonProperty.class);
        return renamed == null || renamed.value().isEmpty() ? component.getName() : renamed.value();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Class<? extends CliEvent>> types() {
        Map<String, Class<? extends CliEvent>> types = new LinkedHashMap<>();
        for (Class<?> type : CliEvent.class.getPermittedSubclasses()) {
            types.put(kind(type), (Class<? extends CliEvent>) type);
        }
        return types;
    }

    private static MalformedCliEventException malformed(String line, String what) {
        String quoted = line == null ? "null" : line.length() > QUOTED_LINE ? line.substring(0, QUOTED_LINE) + "…" : line;
        return new MalformedCliEventException("not a client-cli event: " + what + ": " + quoted);
    }

    /** The kinds of event, as {@code event} names them. */
    public static Set<String> kinds() {
        return Collections.unmodifiableSet(TYPES.keySet());
    }
}
