package dev.reconnect.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated frames, valid and hostile: decoding either gives a frame that encodes back to the same
 * frame, or a {@link ProtocolException} with a known code and a message; never anything else.
 */
class FrameCodecFuzzTest {
    private static final Set<String> CODES = Set.of(ErrorCodes.BAD_FRAME, ErrorCodes.BAD_VALUE);

    @Property(tries = 10_000)
    void anyTextDecodesToAFrameOrADefinedError(@ForAll("frameLikeText") String text) {
        Frame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (ProtocolException e) {
            assertThat(e.code()).isIn(CODES);
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(FrameCodec.decode(FrameCodec.encode(frame))).isEqualTo(frame);
    }

    @Property(tries = 300)
    void aDecodedPublishAlwaysFitsTheFrameLimitAsAMessage(@ForAll("bodies") String body) {
        String text = FrameCodec.encode(new Frame.Publish("key", body));
        try {
            Frame.Publish publish = (Frame.Publish) FrameCodec.decode(text);
            assertThat(FrameCodec.encodedBytes(new Frame.Message(Long.MAX_VALUE, publish.body(), Long.MAX_VALUE)))
                    .isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
        } catch (ProtocolException e) {
            assertThat(e.code()).isEqualTo(ErrorCodes.BAD_VALUE);
            assertThat(e.getMessage()).contains(Integer.toString(Limits.MAX_FRAME_BYTES));
        }
    }

    @Property(tries = 200)
    void controlCharactersCountAsTheirEscapes(@ForAll("controlCharacterRuns") int length) {
        String body = "\u0001".repeat(length);
        boolean fits = 6 * length + 64 <= Limits.MAX_FRAME_BYTES;
        boolean tooLarge = 6 * length > Limits.MAX_FRAME_BYTES;
        if (tooLarge) {
            assertThatThrownBy(() -> FrameCodec.requirePublishable("k", body))
                    .isInstanceOf(ProtocolException.class).hasMessageContaining("bytes");
        } else if (fits) {
            FrameCodec.requirePublishable("k", body);
        }
    }

    @Provide
    Arbitrary<String> frameLikeText() {
        Arbitrary<String> types = Arbitraries.of("hello", "welcome", "message", "publish", "ack", "error", "ping",
                "gap", "", "HELLO", "x");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.strings().ofMaxLength(40).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.of("null", "true", "[]", "{}", "1.5", "-1", "1e400", "\"\"", "99999999999999999999999"));
        Arbitrary<String> fields = Arbitraries.of("lastSeq", "key", "body", "seq", "head", "instance", "resumeFrom",
                "heartbeatMillis", "publishedAt", "code", "message", "from", "to", "serverTime", "type");
        Arbitrary<String> objects = Combinators.combine(types, fields.list().ofMaxSize(5), values.list().ofSize(5))
                .as((type, names, vals) -> {
                    StringBuilder json = new StringBuilder("{\"type\":\"" + type + "\"");
                    for (int i = 0; i < names.size(); i++) {
                        json.append(",\"").append(names.get(i)).append("\":").append(vals.get(i));
                    }
                    return json.append('}').toString();
                });
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(200);
        Arbitrary<String> truncated = objects.map(s -> s.substring(0, s.length() / 2));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, objects), net.jqwik.api.Tuple.of(2, garbage), net.jqwik.api.Tuple.of(2, truncated));
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(500),
                Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(10_000).ofMaxLength(12_000),
                Arbitraries.strings().alpha().ofMinLength(60_000).ofMaxLength(70_000));
    }

    @Provide
    Arbitrary<Integer> controlCharacterRuns() {
        return Arbitraries.integers().between(0, 20_000);
    }

    @Property
    void utf8LengthIsTheLengthOfTheUtf8Encoding(@ForAll String text) {
        assertThat(FrameCodec.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        assertThat(FrameCodec.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }

    @Property(tries = 1)
    void encodedBytesCountsUtf8(@ForAll("unused") String ignored) {
        assertThat(FrameCodec.encodedBytes(new Frame.Ping(0))).isEqualTo(
                FrameCodec.encode(new Frame.Ping(0)).getBytes(StandardCharsets.UTF_8).length);
    }

    @Provide
    Arbitrary<String> unused() {
        return Arbitraries.just("");
    }
}
