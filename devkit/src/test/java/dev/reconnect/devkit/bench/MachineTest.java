package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the result file says about the machine. */
class MachineTest {
    @Test
    void theLoadAveragesAreTheFirstThreeFieldsOfProcLoadavg() {
        assertThat(Machine.parseLoadAverage("0.96 2.50 4.10 1/245 3121\n")).containsExactly(0.96, 2.5, 4.1);
    }

    @Test
    void theSummaryNamesCoresMemoryJdkOsAndLoad() {
        assertThat(Fixtures.MACHINE.summary())
                .isEqualTo("2 cores, 24 GiB, Debian JDK 17.0.15, Linux 6.1 amd64, load 0.50 1.00 1.50");
    }

    @Test
    void thisMachineIsDescribed() {
        Machine machine = Machine.current();
        assertThat(machine.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(machine.jdkVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(machine.loadAverage()).isNotEmpty();
    }
}
