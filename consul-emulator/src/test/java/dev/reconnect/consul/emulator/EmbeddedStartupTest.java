package dev.reconnect.consul.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import dev.reconnect.consul.emulator.support.TestSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The embeddable API is ready when {@code start()} returns, so a test class can start one and use it at once.
 * How long that takes is printed, not asserted: a wall-clock bound fails on a loaded machine for no fault of
 * the emulator (it did, at 1.16 s under a load of 24).
 */
class EmbeddedStartupTest {

    @Test
    void answersTheFirstRequestAsSoonAsStartReturns() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Warm the test's own client first (a refused connection loads its machinery): we time the emulator.
        int closedPort = TestSupport.closedPort();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort))
                .build(), HttpResponse.BodyHandlers.discarding())).isInstanceOf(ConnectException.class);

        long started = System.nanoTime();
        try (ConsulEmulator emulator = ConsulEmulator.start(EmulatorConfig.builder().port(0).build())) {
            HttpResponse<String> leader = client.send(HttpRequest.newBuilder(
                    emulator.baseUri().resolve("/v1/status/leader")).build(), HttpResponse.BodyHandlers.ofString());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            System.out.println("embedded consul-emulator: start() to first answer took " + took.toMillis() + " ms");

            assertThat(leader.body()).isEqualTo("\"127.0.0.1:8300\"");
            assertThat(emulator.port()).isPositive();
            assertThat(emulator.baseUri().toString()).isEqualTo("http://127.0.0.1:" + emulator.port());
        }
    }

    @Test
    void closingFreesThePortAndCanBeRepeated() throws IOException {
        ConsulEmulator first = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
        int port = first.port();
        first.close();
        first.close();
        try (ConsulEmulator second = ConsulEmulator.start(EmulatorConfig.builder().port(port).build())) {
            assertThat(second.port()).isEqualTo(port);
        }
    }
}
