package dev.reconnect.gateway.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class LongPollSlotsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LongPollSlots slots = new LongPollSlots(3, 2, meters);

    @Test
    void oneAddressGetsAtMostItsShareAndTheGatewayAtMostItsTotal() {
        assertThat(slots.tryAcquire("10.0.0.1")).isNull();
        assertThat(slots.tryAcquire("10.0.0.1")).isNull();
        assertThat(slots.tryAcquire("10.0.0.1")).isEqualTo(LongPollSlots.CAP_ADDRESS);
        assertThat(slots.tryAcquire("10.0.0.2")).isNull();
        assertThat(slots.tryAcquire("10.0.0.3")).isEqualTo(LongPollSlots.CAP_GATEWAY);

        assertThat(slots.held()).isEqualTo(3);
        assertThat(meters.get("gateway.readiness.longpolls.held").gauge().value()).isEqualTo(3.0);
        assertThat(meters.get("gateway.readiness.longpolls.rejected").tag("cap", "address").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("gateway.readiness.longpolls.rejected").tag("cap", "gateway").counter().count()).isEqualTo(1.0);
    }

    @Test
    void releasedSlotsCanBeTakenAgain() {
        slots.tryAcquire("10.0.0.1");
        slots.tryAcquire("10.0.0.1");
        slots.release("10.0.0.1");

        assertThat(slots.tryAcquire("10.0.0.1")).isNull();
        slots.release("10.0.0.1");
        slots.release("10.0.0.1");
        assertThat(slots.held()).isZero();
        assertThat(slots.tryAcquire("10.0.0.3")).isNull();
    }
}
