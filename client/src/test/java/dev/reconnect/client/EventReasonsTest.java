package dev.reconnect.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.client.testing.FakeReadiness;
import dev.reconnect.client.testing.Harness;
import dev.reconnect.protocol.CloseCodes;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every state change and every reconnect says why: listeners print the reason, and a line without one is a bug. */
class EventReasonsTest {

    @Test
    void aStateChangeOrAReconnectWithoutAReasonIsRefused() {
        assertThatThrownBy(() -> new StateChange("c", ClientState.NEW, ClientState.WAITING_FOR_READINESS, null,
                Instant.EPOCH)).isInstanceOf(NullPointerException.class).hasMessage("a state change needs a reason");
        assertThatThrownBy(() -> new ReconnectEvent("c", 1, Duration.ZERO, Duration.ZERO, null, Instant.EPOCH))
                .isInstanceOf(NullPointerException.class).hasMessage("a reconnect needs the reason of the loss");
    }

    @Test
    void everyChangeThroughALossAFailedUpgradeAndTheEndSaysWhy() {
        Harness h = new Harness(c -> c.heartbeatTimeout(Duration.ofMinutes(10)));
        h.readiness.respondWith(request -> FakeReadiness.ready(1));
        AtomicInteger connects = new AtomicInteger();
        h.sockets.onConnect(conn -> {
            switch (connects.incrementAndGet()) {
                case 1 -> conn.accept(0).serverClose(CloseCodes.GOING_AWAY, ""); // lost at once: backing off
                case 2 -> conn.refuse();
                default -> conn.accept(0);
            }
        });
        h.start();
        h.advance(Duration.ofSeconds(30));
        h.client.closeAsync();

        assertThat(h.stateSequence()).containsExactly(ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING,
                ClientState.OPEN, ClientState.BACKING_OFF, ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING,
                ClientState.BACKING_OFF, ClientState.WAITING_FOR_READINESS, ClientState.CONNECTING, ClientState.OPEN,
                ClientState.CLOSED);
        assertThat(h.states).allSatisfy(change -> assertThat(change.reason()).as(change.to().name()).isNotBlank());
        assertThat(h.reconnects).singleElement().satisfies(event -> assertThat(event.reason()).isEqualTo("close 1001"));
    }

    @Test
    void givingUpSaysWhy() {
        Harness h = new Harness(c -> c.giveUpAfterAttempts(1)).start();
        h.readiness.last().answer(FakeReadiness.ready(1));
        h.sockets.last().refuse();

        assertThat(h.state()).isEqualTo(ClientState.FAILED);
        assertThat(h.states).last().satisfies(change -> assertThat(change.reason()).startsWith("gave up"));
    }
}
