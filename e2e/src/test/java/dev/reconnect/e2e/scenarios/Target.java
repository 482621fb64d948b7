package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;
import dev.reconnect.devkit.scenario.ScenarioRun;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What a scenario suite runs on: a registry (consul-emulator or real Consul) and the case's own port block. */
record Target(RegistryRunner registry, Ports ports) {

    /** The whole system on this target, its logs and data under {@code runDir}; nothing runs until it is started. */
    LocalSystem newSystem(Path runDir) {
        return new LocalSystem(LocalSystem.findRoot(), ports, runDir, registry);
    }

    /**
     * A run of the whole system on this target that tells what it does on standard output as "[label] ...";
     * closing it stops everything it started.
     */
    ScenarioRun newRun(Path runDir, int clients, int publishRate, String label) {
        return new ScenarioRun(newSystem(runDir), clients, publishRate, narrator(label));
    }

    /** {@link #newRun(Path, int, int, String)} with the publisher at its default rate. */
    ScenarioRun newRun(Path runDir, int clients, String label) {
        return newRun(runDir, clients, ScenarioRun.DEFAULT_PUBLISH_RATE, label);
    }

    /** Prints each line of a run's narration with the suite's label, so that interleaved output can be told apart. */
    static Consumer<String> narrator(String label) {
        return line -> System.out.println("[" + label + "] " + line);
    }
}
