package dev.reconnect.devkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's machine-readable last line: scripts and the README depend on its fields and their order. */
class SummaryLineTest {

    @Test
    void theLineKeepsItsFieldsInOrderWithRestartToPassingBeforePublished() {
        Summary summary = new Summary("sigkill", 1, 9_123, 12, 0, 0, 0, 0, 8_123, 311);
        assertThat(summary.line()).isEqualTo("demo: ok scenario=sigkill clients=1 outage_ms=9123 ready_to_open_ms=12"
                + " failed_upgrades=0 lost=0 duplicates=0 connects_while_not_ready=0 restart_to_passing_ms=8123"
                + " published=311");
    }

    @Test
    void aFailedRunStillCarriesTheMeasure() {
        Summary summary = new Summary("sigterm", 3, 5_000, 20, 0, 2, 0, 0, 4_321, 100);
        assertThat(summary.line()).startsWith("demo: FAILED messages-lost scenario=sigterm ")
                .contains(" restart_to_passing_ms=4321 published=100");
    }

    @Test
    void theSoakLineAddsItsFaultCountsAfterTheSummaryFields() {
        Map<String, Integer> faults = new LinkedHashMap<>();
        faults.put("sigkill", 2);
        faults.put("gateway-restart", 1);
        Soak.Result result = new Soak.Result(new Summary("soak", 30, 9_000, 15, 0, 0, 0, 0, 7_777, 90_000), faults);
        assertThat(result.line()).endsWith(" connects_while_not_ready=0 restart_to_passing_ms=7777 published=90000"
                + " faults=3 faults_sigkill=2 faults_gateway_restart=1");
    }
}
