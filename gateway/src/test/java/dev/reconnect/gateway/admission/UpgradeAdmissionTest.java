package dev.reconnect.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UpgradeAdmissionTest {
    /** No permit comes back while a test runs: what is admitted is exactly one cycle's budget. */
    private static final Duration LONG_CYCLE = Duration.ofHours(1);

    private final AtomicLong capacity = new AtomicLong();

    @Test
    void withoutARegisteredCapacityEveryUpgradeIsAdmitted() {
        UpgradeAdmission admission = new UpgradeAdmission(capacity::get, 2.0, LONG_CYCLE);
        assertThat(IntStream.range(0, 10_000).mapToObj(i -> admission.refuse())).allMatch(OptionalLong::isEmpty);
    }

    @Test
    void theCapacityTimesTheHeadroomIsAdmittedPerCycleAndTheRestIsRefusedWithTheLimit() {
        capacity.set(3);
        UpgradeAdmission admission = new UpgradeAdmission(capacity::get, 1.5, LONG_CYCLE);
        for (int i = 0; i < 5; i++) {
            assertThat(admission.refuse()).as("upgrade %d of ceil(3 x 1.5) = 5", i + 1).isEmpty();
        }
        assertThat(admission.refuse()).hasValue(5);
        assertThat(admission.refuse()).hasValue(5);
    }

    @Test
    void aNewCapacityTakesEffectAtOnceWithAFullBudget() {
        capacity.set(1);
        UpgradeAdmission admission = new UpgradeAdmission(capacity::get, 1.0, LONG_CYCLE);
        assertThat(admission.refuse()).isEmpty();
        assertThat(admission.refuse()).hasValue(1);

        capacity.set(3); // a second instance became passing
        assertThat(IntStream.range(0, 3).mapToObj(i -> admission.refuse())).allMatch(OptionalLong::isEmpty);
        assertThat(admission.refuse()).hasValue(3);

        capacity.set(0); // the instances no longer say
        assertThat(admission.refuse()).isEmpty();
    }

    @Test
    void theHeadroomIsCheckedWhereItIsSet() {
        assertThatThrownBy(() -> new AdmissionProperties(true, 0.5)).hasMessageContaining("admission.headroom")
                .hasMessageContaining("0.5");
        assertThatThrownBy(() -> new AdmissionProperties(true, Double.NaN)).hasMessageContaining("admission.headroom");
    }
}
