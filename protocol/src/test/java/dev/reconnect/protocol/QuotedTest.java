package dev.reconnect.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A peer's bad value is quoted back whole when short and cut when long, wherever the protocol refuses it. */
class QuotedTest {
    private static final String FORTY = "x".repeat(40);

    @Test
    void shortTextIsQuotedWhole() {
        assertThat(Quoted.of("")).isEqualTo("\"\"");
        assertThat(Quoted.of(FORTY)).isEqualTo("\"" + FORTY + "\"");
    }

    @Test
    void longTextIsCutAtFortyCharacters() {
        assertThat(Quoted.of(FORTY + "y".repeat(10_000))).isEqualTo("\"" + FORTY + "…\"");
    }

    @Test
    void anUnknownFrameTypeAndABadDurationAreQuotedCut() {
        String hostile = FORTY + "z".repeat(100_000);
        assertThatThrownBy(() -> FrameCodec.decode("{\"type\":\"" + hostile + "\"}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessage("unknown frame type \"" + FORTY + "…\"");
        assertThatThrownBy(() -> Durations.parse("?wait", hostile))
                .hasMessage("?wait must be a duration such as 500ms, 20s or 1m, not \"" + FORTY + "…\"");
    }

    @Test
    void aKeyIsValidFromOneToTheLimitOfCharacters() {
        assertThat(Limits.isValidKey("k")).isTrue();
        assertThat(Limits.isValidKey("k".repeat(Limits.MAX_KEY_CHARS))).isTrue();
        assertThat(Limits.isValidKey("k".repeat(Limits.MAX_KEY_CHARS + 1))).isFalse();
        assertThat(Limits.isValidKey(" \t")).isFalse();
        assertThat(Limits.isValidKey(null)).isFalse();
        assertThatThrownBy(() -> FrameCodec.decode("{\"type\":\"publish\",\"key\":\"\",\"body\":\"b\"}"))
                .isInstanceOf(ProtocolException.class)
                .hasMessage(Limits.KEY_RULE);
    }
}
