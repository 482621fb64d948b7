package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TcpInstanceProberTest {
    @Test
    void aListeningPortAcceptsAndAClosedOneDoesNot() throws IOException {
        TcpInstanceProber prober = new TcpInstanceProber();
        int closedPort;
        try (ServerSocket listening = new ServerSocket(0)) {
            Instance open = new Instance("x", "127.0.0.1", listening.getLocalPort(), 1);
            assertThat(prober.accepts(open)).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
            closedPort = listening.getLocalPort();
        }
        Instance closed = new Instance("x", "127.0.0.1", closedPort, 1);
        assertThat(prober.accepts(closed)).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(false);
    }
}
