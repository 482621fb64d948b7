package dev.reconnect.ws.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.ErrorCodes;
import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.ProtocolException;
import dev.reconnect.ws.WsProperties;
import dev.reconnect.ws.log.LogFollower;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.springframework.web.socket.TextMessage;

/**
 * Generated text frames, valid and hostile, straight into the handler: every frame gets exactly one
 * answer, a defined error frame or the right reply; the session stays open; nothing escapes; and
 * only a valid publish ever reaches the log.
 */
class StreamFuzzTest {
    private static final Set<String> CODES = Set.of(ErrorCodes.BAD_FRAME, ErrorCodes.BAD_VALUE, ErrorCodes.UNEXPECTED);
    private static final AtomicInteger framesSent = new AtomicInteger();

    private FakeLog log;
    private StreamHandler handler;

    @BeforeProperty
    void startHandler() {
        log = new FakeLog();
        WsProperties properties = WsProperties.defaults();
        handler = new StreamHandler(new LogFollower(log, properties), log, properties, new SimpleMeterRegistry(), "fuzz");
    }

    @AfterProperty
    void stopHandler() {
        handler.stopExecutors();
        assertThat(framesSent.get()).as("frames generated in this run").isGreaterThanOrEqualTo(10_000);
    }

    @Property(tries = 850)
    void everyFrameGetsOneDefinedAnswerAndOnlyValidPublishesReachTheLog(@ForAll("sessions") List<String> frames)
            throws Exception {
        RecordingSession session = new RecordingSession();
        handler.afterConnectionEstablished(session);
        boolean helloSeen = false;
        try {
            for (String text : frames) {
                framesSent.incrementAndGet();
                Frame decoded = null;
                ProtocolException invalid = null;
                try {
                    decoded = FrameCodec.decode(text);
                } catch (ProtocolException e) {
                    invalid = e;
                }
                int publishesBefore = log.publishCalls();

                handler.handleTextMessage(session, new TextMessage(text));

                String reply = session.sent.poll(5, TimeUnit.SECONDS);
                assertThat(reply).as("an answer to %s", abbreviate(text)).isNotNull();
                Frame answer = FrameCodec.decode(reply);
                if (invalid != null) {
                    assertThat(answer).isInstanceOf(Frame.Error.class);
                    Frame.Error error = (Frame.Error) answer;
                    assertThat(error.code()).isEqualTo(invalid.code()).isIn(CODES);
                    assertThat(error.message()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
                    assertThat(log.publishCalls()).isEqualTo(publishesBefore);
                } else if (decoded instanceof Frame.Hello) {
                    if (helloSeen) {
                        assertThat(((Frame.Error) answer).code()).isEqualTo(ErrorCodes.UNEXPECTED);
                    } else {
                        assertThat(answer).isInstanceOf(Frame.Welcome.class);
                    }
                    helloSeen = true;
                } else if (decoded instanceof Frame.Publish publish) {
                    assertThat(answer).isInstanceOf(Frame.Ack.class);
                    assertThat(((Frame.Ack) answer).key()).isEqualTo(publish.key());
                    assertThat(log.publishCalls()).isEqualTo(publishesBefore + 1);
                } else {
                    assertThat(((Frame.Error) answer).code()).isEqualTo(ErrorCodes.UNEXPECTED);
                    assertThat(log.publishCalls()).isEqualTo(publishesBefore);
                }
                assertThat(session.isOpen()).isTrue();
            }
            assertThat(session.sent).as("nothing but the one answer per frame").isEmpty();
        } finally {
            handler.afterConnectionClosed(session, org.springframework.web.socket.CloseStatus.NORMAL);
        }
    }

    @Provide
    Arbitrary<List<String>> sessions() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, validFrames()),
                net.jqwik.api.Tuple.of(3, structuredHostile()),
                net.jqwik.api.Tuple.of(2, mutated()),
                net.jqwik.api.Tuple.of(2, tokenSoup()),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(100)),
                net.jqwik.api.Tuple.of(1, oversizedBodies()),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(
                        "[".repeat(5000), "{\"a\":".repeat(3000), "", " ", "null", "\"hello\"", "123", "\u0000",
                        "{\"type\":\"hello\",\"lastSeq\":1e400}", "{\"type\":\"hello\",\"lastSeq\":-0}",
                        "{\"type\":\"publish\",\"key\":\"\\ud800\",\"body\":\"\\udfff\"}",
                        "{\"type\":\"hello\"}{\"type\":\"hello\"}", "{\"type\":\"hello\",\"type\":\"publish\"}")))
                .list().ofMinSize(12).ofMaxSize(20);
    }

    private Arbitrary<String> validFrames() {
        Arbitrary<String> hello = Arbitraries.longs().between(0, 1_000_000).map(seq -> FrameCodec.encode(new Frame.Hello(seq)));
        Arbitrary<String> publish = Combinators.combine(
                        Arbitraries.strings().alpha().numeric().withChars("-_:./").ofMinLength(1).ofMaxLength(128),
                        Arbitraries.strings().ofMaxLength(300))
                .as((key, body) -> FrameCodec.encode(new Frame.Publish(key, body)));
        Arbitrary<String> serverFrames = Arbitraries.of(
                new Frame.Ping(1), new Frame.Ack("k", 1), new Frame.Gap(1, 2), new Frame.Error("bad_frame", "x", null),
                new Frame.Welcome("i", 1, 1, 1), new Frame.Message(1, "m", 0)).map(FrameCodec::encode);
        return Arbitraries.oneOf(hello, publish, publish, serverFrames);
    }

    private Arbitrary<String> structuredHostile() {
        Arbitrary<String> types = Arbitraries.of("hello", "publish", "ping", "ack", "", "HELLO", "héllo", "publish ");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.longs().map(Object::toString),
                Arbitraries.strings().ofMaxLength(30).map(StreamFuzzTest::jsonString),
                Arbitraries.strings().withChars('k').ofMinLength(120).ofMaxLength(140).map(StreamFuzzTest::jsonString),
                Arbitraries.of("null", "true", "[]", "{}", "1.5", "-1", "1e400", "\"\"", "\"  \"",
                        "99999999999999999999999", "{\"$ne\":1}", "[1,2]"));
        Arbitrary<String> fields = Arbitraries.of("lastSeq", "key", "body", "type", "seq", "extra");
        Arbitrary<String> typeValue = Arbitraries.oneOf(types.map(StreamFuzzTest::jsonString),
                Arbitraries.of("1", "null", "[]", "{}", "true"));
        return Combinators.combine(typeValue, fields.list().ofMaxSize(4), values.list().ofSize(4))
                .as((type, names, vals) -> {
                    StringBuilder json = new StringBuilder("{\"type\":" + type);
                    for (int i = 0; i < names.size(); i++) {
                        json.append(",\"").append(names.get(i)).append("\":").append(vals.get(i));
                    }
                    return json.append('}').toString();
                });
    }

    private Arbitrary<String> mutated() {
        return Combinators.combine(validFrames(), Arbitraries.integers().between(0, 1000), Arbitraries.chars())
                .as((frame, at, c) -> {
                    int i = at % (frame.length() + 1);
                    return switch (at % 3) {
                        case 0 -> frame.substring(0, i) + c + frame.substring(i);
                        case 1 -> i < frame.length() ? frame.substring(0, i) + frame.substring(i + 1) : frame;
                        default -> frame.substring(0, i);
                    };
                });
    }

    private Arbitrary<String> tokenSoup() {
        return Arbitraries.of("{", "}", "[", "]", "\"", ":", ",", "\"type\"", "\"hello\"", "\"publish\"", "\"lastSeq\"",
                        "\"key\"", "\"body\"", "0", "-1", "1e99", "null", "true", "\\u0000", "\\ud800", " ", "\\")
                .list().ofMaxSize(30).map(tokens -> String.join("", tokens));
    }

    /** Publishes around the frame limit: control characters take six bytes each once escaped. */
    private Arbitrary<String> oversizedBodies() {
        return Arbitraries.integers().between(10_800, 11_000)
                .map(n -> FrameCodec.encode(new Frame.Publish("big", "\u0001".repeat(n))));
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
