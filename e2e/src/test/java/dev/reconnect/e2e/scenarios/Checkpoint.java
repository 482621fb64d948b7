package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.client.ClientState;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.time.Instant;
import java.util.List;

/**
 * A scenario run read once every client has everything published after {@code since} (a disruption, or the
 * start of a case): what it measured, the story a failure tells (the summary line, then everything that
 * happened, in order), and what the clients and the gateway recorded since then.
 */
record Checkpoint(ScenarioRun run, Instant since, Summary summary, String story) {

    /** Disrupts the run as {@code scenario} says (see {@link ScenarioRun#disrupt}) and checkpoints after it. */
    static Checkpoint afterDisruption(ScenarioRun run, String scenario) {
        return since(run, scenario, run.disrupt(scenario));
    }

    /** See {@link ScenarioRun#checkpoint}: the system keeps running. */
    static Checkpoint since(ScenarioRun run, String scenario, Instant since) {
        return told(run, since, run.checkpoint(scenario, since));
    }

    /** See {@link ScenarioRun#settle}: the publisher and the client are stopped, their totals final. */
    static Checkpoint settled(ScenarioRun run, String scenario, Instant since) {
        return told(run, since, run.settle(scenario, since));
    }

    private static Checkpoint told(ScenarioRun run, Instant since, Summary summary) {
        return new Checkpoint(run, since, summary, summary.line() + "\n" + run.timeline());
    }

    /** A failure message: {@code what} was expected, then the story. */
    String describe(String what) {
        return what + "\n" + story;
    }

    /** The clients' events of one kind since {@link #since}, in the order the CLI printed them. */
    <T extends CliEvent> List<T> events(Class<T> kind) {
        return run.events().of(kind).stream().filter(e -> e.t() >= since.toEpochMilli()).toList();
    }

    /** The clients' changes out of {@code state} since {@link #since}. */
    List<CliEvent.State> statesLeaving(ClientState state) {
        return events(CliEvent.State.class).stream().filter(e -> e.from() == state).toList();
    }

    /** The clients' changes into {@code state} since {@link #since}. */
    List<CliEvent.State> statesEntering(ClientState state) {
        return events(CliEvent.State.class).stream().filter(e -> e.to() == state).toList();
    }

    /** What the gateways recorded since {@link #since}, so what they told the clients, on their own clock. */
    List<ReadinessChange> readinessChanges() {
        return run.readinessChangesSince(since);
    }

    /** Every client has every message once, and no upgrade failed. */
    void assertDelivered() {
        assertThat(summary.lost()).as(describe("lost")).isZero();
        assertThat(summary.duplicates()).as(describe("duplicates")).isZero();
        assertThat(summary.failedUpgrades()).as(describe("failed upgrades")).isZero();
    }

    /** {@link #assertDelivered()}, and no client tried to connect while the gateway said not ready. */
    void assertDeliveredAndNoConnectWhileNotReady() {
        assertDelivered();
        assertThat(summary.connectsWhileNotReady()).as(describe("connects while not ready")).isZero();
    }
}
