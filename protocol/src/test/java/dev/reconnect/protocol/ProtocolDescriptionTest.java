package dev.reconnect.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps {@code protocol/asyncapi.json} in step with the code: every frame, field, error code, close
 * code and limit is read from the classes by reflection and looked up in the document, and the other
 * way round, so that adding a frame, a field or a code without describing it fails here.
 */
class ProtocolDescriptionTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNode DOC = read();

    private static JsonNode read() {
        // Surefire runs in the module's directory and sets basedir; an IDE may run from elsewhere.
        Path path = Path.of(System.getProperty("basedir", "."), "asyncapi.json");
        try {
            return JSON.readTree(Files.readString(path));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path.toAbsolutePath(), e);
        }
    }

    private static JsonNode channel() {
        return DOC.path("channels").path("ws");
    }

    private static JsonNode message(String type) {
        return DOC.path("components").path("messages").path(type);
    }

    @Test
    void isAnAsyncApi3DocumentOfTheWebSocketPath() {
        assertThat(DOC.path("asyncapi").asString()).startsWith("3.");
        assertThat(channel().path("address").asString()).isEqualTo(Paths.WEBSOCKET);
    }

    @Test
    void everyFrameTypeIsAMessageOfTheChannelAndNothingElseIs() {
        Set<String> types = frameTypes().stream().map(ProtocolDescriptionTest::typeOf).collect(Collectors.toSet());

        assertThat(DOC.path("components").path("messages").propertyNames()).containsExactlyInAnyOrderElementsOf(types);
        assertThat(channel().path("messages").propertyNames()).containsExactlyInAnyOrderElementsOf(types);
        for (String type : types) {
            assertThat(channel().path("messages").path(type).path("$ref").asString())
                    .isEqualTo("#/components/messages/" + type);
            assertThat(message(type).path("name").asString()).isEqualTo(type);
        }
    }

    @Test
    void everyRecordComponentIsAFieldOfItsMessageWithItsJsonType() {
        for (Class<?> frame : frameTypes()) {
            String type = typeOf(frame);
            JsonNode properties = message(type).path("payload").path("properties");
            List<String> expected = new ArrayList<>(List.of("type"));
            for (RecordComponent component : frame.getRecordComponents()) {
                expected.add(component.getName());
                assertThat(properties.path(component.getName()).path("type").asString())
                        .as("JSON type of %s.%s", type, component.getName())
                        .isEqualTo(jsonType(component.getType()));
            }
            assertThat(properties.propertyNames()).as("fields of %s", type).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(properties.path("type").path("const").asString()).isEqualTo(type);
            assertThat(strings(message(type).path("payload").path("required")))
                    .as("required fields of %s", type).contains("type").isSubsetOf(expected);
        }
    }

    /** Who sends each frame is stated once, as an operation of the server: "send" or "receive". */
    @Test
    void everyMessageBelongsToExactlyOneOperationThatMatchesItsSender() {
        for (Class<?> frame : frameTypes()) {
            String type = typeOf(frame);
            String ref = "#/channels/ws/messages/" + type;
            List<JsonNode> operations = StreamSupport.stream(DOC.path("operations").values().spliterator(), false)
                    .filter(op -> StreamSupport.stream(op.path("messages").spliterator(), false)
                            .anyMatch(m -> ref.equals(m.path("$ref").asString())))
                    .toList();
            assertThat(operations).as("operations carrying %s", type).hasSize(1);
            String sentBy = message(type).path("x-sent-by").asString();
            assertThat(operations.get(0).path("action").asString()).as("action of %s", type)
                    .isEqualTo("server".equals(sentBy) ? "send" : "receive");
            assertThat(sentBy).isIn("server", "client");
        }
    }

    /** The examples are real frames: the codec decodes each to its type and encodes it back unchanged. */
    @Test
    void everyExampleIsAFrameTheCodecAccepts() {
        for (Class<?> frame : frameTypes()) {
            String type = typeOf(frame);
            JsonNode examples = message(type).path("examples");
            assertThat(examples.size()).as("examples of %s", type).isPositive();
            for (JsonNode example : examples) {
                String text = JSON.writeValueAsString(example.path("payload"));
                Frame decoded = FrameCodec.decode(text);
                assertThat(decoded).isInstanceOf(frame);
                assertThat(JSON.readTree(FrameCodec.encode(decoded))).isEqualTo(example.path("payload"));
            }
        }
    }

    @Test
    void theErrorCodesAreExactlyThoseOfErrorCodes() {
        Set<Object> codes = constants(ErrorCodes.class).stream().map(ProtocolDescriptionTest::value).collect(Collectors.toSet());
        JsonNode code = message(Frame.Error.TYPE).path("payload").path("properties").path("code");

        assertThat(strings(code.path("enum"))).containsExactlyInAnyOrderElementsOf(codes.stream().map(String::valueOf).toList());
        for (Object value : codes) {
            assertThat(code.path("description").asString()).as("description of %s", value).contains((String) value);
        }
    }

    /** Each constant is listed by name in an entry that carries its value as code, range end or reason. */
    @Test
    void everyCloseCodeConstantIsDescribedWithItsValue() {
        JsonNode entries = channel().path("x-close-codes");
        Set<String> listed = new HashSet<>();
        for (JsonNode entry : entries) {
            listed.addAll(strings(entry.path("constants")));
            assertThat(entry.path("meaning").asString()).as("meaning of %s", entry).isNotBlank();
            assertThat(entry.path("client").asString()).as("client action of %s", entry).isNotBlank();
        }
        List<Field> constants = constants(CloseCodes.class);
        assertThat(listed).as("constants named in x-close-codes")
                .containsExactlyInAnyOrderElementsOf(constants.stream().map(Field::getName).toList());
        for (Field constant : constants) {
            Object value = value(constant);
            List<Object> carried = new ArrayList<>();
            for (JsonNode entry : entries) {
                if (strings(entry.path("constants")).contains(constant.getName())) {
                    for (String key : List.of("code", "from", "to")) {
                        if (entry.has(key)) {
                            carried.add(entry.path(key).asInt());
                        }
                    }
                    if (entry.has("reason")) {
                        carried.add(entry.path("reason").asString());
                    }
                }
            }
            assertThat(carried).as("values described for CloseCodes.%s", constant.getName()).contains(value);
        }
    }

    @Test
    void theLimitsAreThoseOfLimits() {
        assertThat(channel().path("x-max-frame-bytes").asInt()).isEqualTo(Limits.MAX_FRAME_BYTES);
        JsonNode key = message(Frame.Publish.TYPE).path("payload").path("properties").path("key");
        assertThat(key.path("maxLength").asInt()).isEqualTo(Limits.MAX_KEY_CHARS);
        assertThat(key.path("minLength").asInt()).isEqualTo(1);
    }

    private static List<Class<?>> frameTypes() {
        Class<?>[] permitted = Frame.class.getPermittedSubclasses();
        assertThat(permitted).isNotEmpty();
        return Arrays.asList(permitted);
    }

    private static String typeOf(Class<?> frame) {
        try {
            return (String) frame.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(frame.getSimpleName() + " has no public static TYPE", e);
        }
    }

    private static String jsonType(Class<?> type) {
        if (type == long.class || type == int.class || type == Long.class || type == Integer.class) {
            return "integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (type == String.class) {
            return "string";
        }
        throw new AssertionError("no JSON type known for " + type + ": extend this test and the document");
    }

    private static List<Field> constants(Class<?> holder) {
        return Arrays.stream(holder.getDeclaredFields())
                .filter(f -> Modifier.isPublic(f.getModifiers()) && Modifier.isStatic(f.getModifiers())
                        && Modifier.isFinal(f.getModifiers()))
                .toList();
    }

    private static Object value(Field field) {
        try {
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }
}
