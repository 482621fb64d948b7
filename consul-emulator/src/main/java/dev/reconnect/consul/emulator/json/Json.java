package dev.reconnect.consul.emulator.json;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

/**
 * JSON in and out with Jackson 3's streaming layer, over plain maps, lists, strings, numbers and
 * booleans. Not databind's ObjectMapper: building one costs 0.5 s of class loading on a busy
 * machine, half the start-up budget, and answers here are small explicit trees anyway.
 */
public final class Json {

    private final JsonFactory factory = JsonFactory.builder().build();

    /** Malformed input, with a one-line reason fit for a 400 answer. */
    public static final class MalformedJsonException extends RuntimeException {
        MalformedJsonException(String message) {
            super(message, null, false, false);
        }
    }

    /** Writes maps (in their iteration order), lists, strings, numbers, booleans and null. */
    public byte[] write(Object tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator generator = factory.createGenerator(out)) {
            write(generator, tree);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, Object value) {
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof String) {
            generator.writeString((String) value);
        } else if (value instanceof Boolean) {
            generator.writeBoolean((Boolean) value);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            generator.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger) {
            generator.writeNumber((BigInteger) value);
        } else if (value instanceof Number) {
            generator.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                generator.writeName(String.valueOf(entry.getKey()));
                write(generator, entry.getValue());
            }
            generator.writeEndObject();
        } else if (value instanceof Iterable) {
            generator.writeStartArray();
            for (Object element : (Iterable<?>) value) {
                write(generator, element);
            }
            generator.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    /**
     * Reads one JSON value: objects become insertion-ordered maps (null values kept), arrays lists,
     * integers Integer/Long/BigInteger, other numbers Double.
     *
     * @throws MalformedJsonException for empty input ("EOF"), bad syntax or trailing content
     */
    public Object read(byte[] body) {
        try (JsonParser parser = factory.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedJsonException("EOF");
            }
            Object value = readValue(parser, first);
            if (parser.nextToken() != null) {
                throw new MalformedJsonException("invalid character after top-level value");
            }
            return value;
        } catch (JacksonException e) {
            throw new MalformedJsonException(firstLine(e.getOriginalMessage()));
        }
    }

    private static Object readValue(JsonParser parser, JsonToken token) {
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> object = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    object.put(name, readValue(parser, parser.nextToken()));
                }
                if (next != JsonToken.END_OBJECT) {
                    throw new MalformedJsonException("unexpected end of JSON input");
                }
                return object;
            }
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (next == null) {
                        throw new MalformedJsonException("unexpected end of JSON input");
                    }
                    array.add(readValue(parser, next));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getString();
            case VALUE_NUMBER_INT:
                return parser.getNumberValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new MalformedJsonException("unexpected " + token);
        }
    }

    /** True for integral JSON numbers (what Go would accept for an int field). */
    public static boolean isIntegral(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger
                || (value instanceof BigDecimal && ((BigDecimal) value).scale() <= 0);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed JSON";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
