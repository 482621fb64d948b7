package dev.reconnect.consul.emulator.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, 500000000",
            "10s, 10000000000",
            "2m, 120000000000",
            "1h, 3600000000000",
            "1m30s, 90000000000",
            "1.5s, 1500000000",
            "1.5h, 5400000000000",
            "300us, 300000",
            "300\u00b5s, 300000",
            "42ns, 42",
            "0, 0",
            "-2s, -2000000000"})
    void parsesWhatGoParses(String text, long nanos) {
        assertThat(GoDuration.parse(text)).contains(Duration.ofNanos(nanos));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "s", "forever", "1x", "1..5s", ".s", "5 s", "1d", "-"})
    void refusesWhatGoRefuses(String text) {
        assertThat(GoDuration.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "10000000000, 10s",
            "60000000000, 1m0s",
            "90000000000, 1m30s",
            "3600000000000, 1h0m0s",
            "1500000000, 1.5s",
            "500000000, 500ms",
            "1500000, 1.5ms",
            "0, 0s"})
    void formatsLikeGo(long nanos, String text) {
        assertThat(GoDuration.format(Duration.ofNanos(nanos))).isEqualTo(text);
    }

    @Test
    void shortFormDropsZeroUnits() {
        assertThat(GoDuration.formatShort(Duration.ofMinutes(1))).isEqualTo("1m");
        assertThat(GoDuration.formatShort(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(GoDuration.formatShort(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(GoDuration.formatShort(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(GoDuration.formatShort(Duration.ofMillis(500))).isEqualTo("500ms");
    }
}
