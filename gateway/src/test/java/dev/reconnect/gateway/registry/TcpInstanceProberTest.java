package dev.reconnect.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TcpInstanceProberTest {
    private static final Instance WS = new Instance("ws-service-8082", "127.0.0.1", 8082, 1);

    @Test
    void whileAProbeRunsEveryoneAskingAboutTheSameAddressSharesIt() throws InterruptedException {
        AtomicInteger connects = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        TcpInstanceProber prober = new TcpInstanceProber(instance -> {
            connects.incrementAndGet();
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return false;
            }
        });

        CompletableFuture<Boolean> first = prober.accepts(WS);
        for (int i = 0; i < 200; i++) { // as many as the sessions that ended together
            assertThat(prober.accepts(WS)).isSameAs(first);
        }
        release.countDown();
        assertThat(first).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(true);
        assertThat(connects).hasValue(1);

        // Once answered, the next question gets a fresh probe.
        CompletableFuture<Boolean> later = prober.accepts(WS);
        assertThat(later).isNotSameAs(first).succeedsWithin(Duration.ofSeconds(5));
        await().untilAsserted(() -> assertThat(connects).hasValue(2));
    }

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
