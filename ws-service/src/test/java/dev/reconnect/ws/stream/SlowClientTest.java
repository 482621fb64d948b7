package dev.reconnect.ws.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.protocol.CloseCodes;
import dev.reconnect.protocol.Frame;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.ActiveProfiles;

/**
 * A client that stops reading at the TCP level must not slow anyone else down: it only falls behind,
 * and is closed with 4000 once a frame to it has been stuck longer than the send timeout.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "ws.send-timeout=1500ms")
@ActiveProfiles("test")
class SlowClientTest {
    private static final int BACKLOG = 20_000;
    private static final String BODY = "b".repeat(1000);

    @TestConfiguration
    static class BigLog {
        @Bean
        @Primary
        FakeLog fakeLog() {
            FakeLog log = new FakeLog();
            for (int i = 0; i < BACKLOG; i++) {
                log.append(BODY);
            }
            return log;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    FakeLog log;

    @Autowired
    MeterRegistry registry;

    @Autowired
    dev.reconnect.ws.log.LogFollower follower;

    private double tooSlow() {
        return registry.counter(StreamMeters.SESSIONS_CLOSED, "reason", StreamMeters.TOO_SLOW).count();
    }

    private final AtomicLong closedAfterMs = new AtomicLong();

    @Test
    void aClientThatStopsReadingIsClosedAsTooSlowWhileAGoodClientGetsEverythingInOrder() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.head() >= BACKLOG);
        try (RawSocket slow = new RawSocket(port, 64 * 1024); TestSocket good = new TestSocket(port)) {
            slow.send(new Frame.Hello(0));
            long stoppedAt = System.nanoTime();
            // Reads nothing until the server has given up on it; then reads what is left, promptly,
            // since a close frame stuck behind unread data is only sent for a short while.
            CompletableFuture<RawSocket.End> slowEnd = CompletableFuture.supplyAsync(() -> {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> tooSlow() >= 1);
                closedAfterMs.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
                try {
                    return slow.readToEnd();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            good.send(new Frame.Hello(0));
            assertThat(good.next(Frame.Welcome.class).resumeFrom()).isZero();

            // The whole backlog, then live messages, while the slow client reads nothing.
            for (long seq = 1; seq <= BACKLOG; seq++) {
                assertThat(good.next(Frame.Message.class).seq()).isEqualTo(seq);
            }
            System.out.printf("good client: %d backlog messages in %d ms while the slow one read nothing%n",
                    BACKLOG, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt));
            for (int i = 1; i <= 50; i++) {
                log.append("live " + i);
                Frame.Message live = good.next(Frame.Message.class);
                assertThat(live.seq()).isEqualTo(BACKLOG + i);
                assertThat(live.body()).isEqualTo("live " + i);
            }

            RawSocket.End end = slowEnd.get(40, TimeUnit.SECONDS);
            System.out.printf("slow client: closed as too slow %d ms after it stopped reading, %d frames reached it%n",
                    closedAfterMs.get(), end.frames());
            assertThat(end.closeCode()).isEqualTo(CloseCodes.TOO_SLOW);
            assertThat(end.frames()).as("it fell behind: far from the whole backlog").isLessThan(BACKLOG);

            assertThat(good.isOpen()).isTrue();
            log.append("after");
            assertThat(good.next(Frame.Message.class).body()).isEqualTo("after");
            assertThat(tooSlow()).isEqualTo(1);
        }
    }
}
