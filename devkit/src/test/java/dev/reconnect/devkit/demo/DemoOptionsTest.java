package dev.reconnect.devkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The demo's command line, --soak and --seed in particular. */
class DemoOptionsTest {
    @Test
    void soakTakesADurationAndEndsOnItsOwn() {
        Demo.Options options = Demo.Options.parse(new String[] {"--soak", "30m", "--clients", "200", "--seed", "7"});
        assertThat(options.soak()).isEqualTo(Duration.ofMinutes(30));
        assertThat(options.seed()).isEqualTo(7);
        assertThat(options.clients()).isEqualTo(200);
        assertThat(options.once()).isTrue();
        assertThat(Demo.Options.parse(new String[] {"--soak", "60s"}).soak()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void withoutSoakNothingChanges() {
        Demo.Options options = Demo.Options.parse(new String[] {"--once", "--scenario", "sigterm"});
        assertThat(options.soak()).isNull();
        assertThat(options.scenario()).isEqualTo("sigterm");
    }

    @Test
    void badSoakOptionsAreUsageErrors() {
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--soak", "thirty"}))
                .hasMessageContaining("--soak").hasMessageContaining("such as");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--soak", "0s"})).hasMessageContaining("longer than 0");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--soak", "1m", "--scenario", "sigkill"}))
                .hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--seed", "3"})).hasMessageContaining("--soak");
        assertThatThrownBy(() -> Demo.Options.parse(new String[] {"--soak"})).hasMessageContaining("needs a value");
    }
}
