package dev.reconnect.consul.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.consul.emulator.support.ConsulHttp;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The embeddable API starts fast enough to start one per test class without thinking about it. */
class EmbeddedStartupTest {

    @Test
    void startsAndAnswersInUnderOneSecond() {
        long started = System.nanoTime();
        try (ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).build())) {
            ConsulHttp.Response leader = new ConsulHttp(emulator.baseUri()).get("/v1/status/leader");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("embedded consul-emulator: start to first answer took " + took.toMillis() + " ms");

            assertThat(leader.body()).isEqualTo("\"127.0.0.1:8300\"");
            assertThat(took).isLessThan(Duration.ofSeconds(1));
            assertThat(emulator.port()).isPositive();
            assertThat(emulator.baseUri().toString()).isEqualTo("http://127.0.0.1:" + emulator.port());
        }
    }

    @Test
    void closingFreesThePort() {
        ConsulEmulator first = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
        int port = first.port();
        first.close();
        first.close();
        try (ConsulEmulator second = ConsulEmulator.start(EmulatorConfig.builder().port(port).build())) {
            assertThat(second.port()).isEqualTo(port);
        }
    }
}
