package dev.reconnect.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({"PT0.5S, 500ms", "PT1.5S, 1500ms", "PT15S, 15s", "PT2M, 2m", "PT90S, 90s", "PT1H, 1h", "PT25H, 25h"})
    void aDurationIsShownInItsShortestFormAndReadsBackAsItself(Duration duration, String shown) {
        assertThat(DurationConverter.format(duration)).isEqualTo(shown);
        assertThat(DurationConverter.parse(shown)).isEqualTo(duration);
    }
}
