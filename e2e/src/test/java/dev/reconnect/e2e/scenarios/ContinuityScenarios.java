package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.Http;
import dev.reconnect.devkit.launch.LocalSystem;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.devkit.scenario.ScenarioRun;
import dev.reconnect.devkit.scenario.Summary;
import dev.reconnect.protocol.Json;
import dev.reconnect.protocol.Paths;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.LogPage;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real system (the registry, api-service, one ws-service, gateway) with 200 clients in one CLI
 * process and a publisher at 50 messages/s, disrupted in turn. After each disruption every client
 * must have every message exactly once, in order, with no failed upgrade and no connect attempt
 * while readiness said not ready. One system serves all disruptions, so the suite stays quick; a
 * failure message tells what happened, in order. Subclasses choose the registry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ContinuityScenarios {
    static final int CLIENTS = 200;
    /** The client's default heartbeat timeout: three missed pings of ws-service's 2 s interval. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);
    /** Read by ScenarioPortsTest, which checks every suite's port block. */
    final Target target;
    private LocalSystem system;
    private ScenarioRun run;

    ContinuityScenarios(Target target) {
        this.target = target;
    }

    @BeforeAll
    void startTheSystem() throws Exception {
        Path runDir = Files.createTempDirectory("continuity-it");
        system = new LocalSystem(LocalSystem.findRoot(), target.ports(), runDir, target.registry());
        run = new ScenarioRun(system, CLIENTS, line -> System.out.println("[continuity on " + target.registry() + "] " + line));
        run.start(1);
    }

    @AfterAll
    void stopEverything() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    @Order(1)
    void sigkillClientsReconnectThroughTheGatewayOnlyAfterReadinessTurnsReady() {
        Instant killedAt = run.disrupt("sigkill");
        Summary summary = run.checkpoint("sigkill", killedAt);

        String story = summary.line() + "\n" + run.timeline();
        // What the gateway itself recorded, so what it told the clients, on its own clock.
        List<ReadinessChange> afterKill = run.readinessChangesSince(killedAt);
        assertThat(afterKill).as("readiness went not-ready, then ready again\n" + story)
                .anyMatch(c -> !c.ready())
                .last().matches(ReadinessChange::ready);
        long lastNotReadyAt = afterKill.stream().filter(c -> !c.ready()).mapToLong(ReadinessChange::at)
                .max().orElseThrow();
        List<CliEvent.State> connects = run.events().of(CliEvent.State.class).stream()
                .filter(e -> e.t() >= killedAt.toEpochMilli() && e.to() == ClientState.CONNECTING).toList();
        assertThat(connects).as("every client connected again after the kill\n" + story)
                .extracting(e -> e.client()).doesNotHaveDuplicates().hasSize(CLIENTS);
        assertThat(connects).as("no connect attempt before readiness turned ready\n" + story)
                .allMatch(e -> e.t() > lastNotReadyAt);
        assertNothingLostOrDoubled(summary, story);
    }

    @Test
    @Order(2)
    void sigtermClosesWith1001AfterDeregisteringAndNothingIsLost() {
        Instant stoppedAt = run.disrupt("sigterm");
        Summary summary = run.checkpoint("sigterm", stoppedAt);

        String story = summary.line() + "\n" + run.timeline();
        assertThat(run.events().of(CliEvent.State.class).stream()
                .filter(e -> e.t() >= stoppedAt.toEpochMilli() && e.from() == ClientState.OPEN))
                .as("the sessions were closed with 1001 \"restarting\"\n" + story)
                .isNotEmpty()
                .allMatch(e -> e.reason().contains("1001") && e.reason().contains("restarting"));
        assertNothingLostOrDoubled(summary, story);
    }

    @Test
    @Order(3)
    void sigstopAHalfOpenLinkIsNoticedByTheHeartbeatAndClientsRecoverAfterSigcont() {
        Instant stoppedAt = run.disrupt("sigstop");
        Summary summary = run.checkpoint("sigstop", stoppedAt);

        String story = summary.line() + "\n" + run.timeline();
        List<CliEvent.State> noticed = run.events().of(CliEvent.State.class).stream()
                .filter(e -> e.t() >= stoppedAt.toEpochMilli() && e.from() == ClientState.OPEN).toList();
        assertThat(noticed).as("every client left OPEN because the heartbeat went silent\n" + story)
                .hasSizeGreaterThanOrEqualTo(CLIENTS)
                .allMatch(e -> e.reason().toLowerCase().contains("heartbeat"));
        // Generous margin over the timeout: the point is "seconds, not the minutes of TCP".
        assertThat(noticed).as("noticed within the heartbeat timeout\n" + story)
                .allMatch(e -> e.t() - stoppedAt.toEpochMilli() < HEARTBEAT_TIMEOUT.plusSeconds(4).toMillis());
        assertNothingLostOrDoubled(summary, story);
    }

    @Test
    @Order(4)
    void apiServiceRestartSessionsStayOpenAndTheStreamResumesWithoutGaps() {
        Instant killedAt = run.disrupt("api-restart");
        Summary summary = run.checkpoint("api-restart", killedAt);

        String story = summary.line() + "\n" + run.timeline();
        assertThat(run.events().of(CliEvent.State.class).stream()
                .filter(e -> e.t() >= killedAt.toEpochMilli() && e.from() == ClientState.OPEN))
                .as("no session closed while api-service was away\n" + story).isEmpty();
        assertNothingLostOrDoubled(summary, story);
    }

    @Test
    @Order(5)
    void registryRestartEveryServiceIsPassingAgainWithinFiveSecondsAndClientsRecover() {
        Instant killedAt = run.disrupt("registry-restart");
        Summary summary = run.checkpoint("registry-restart", killedAt);

        String story = summary.line() + "\n" + run.timeline();
        System.out.println("[continuity] registry restart: services passing again after " + summary.outageMillis() + " ms");
        assertThat(summary.outageMillis()).as("from the registry answering again to readiness ready\n" + story)
                .isLessThan(5_000);
        String services = system.readRegistry("/v1/agent/services").orElseThrow().body();
        assertThat(services).contains("ws-service-").contains("api-service-").contains("gateway-");
        assertNothingLostOrDoubled(summary, story);
    }

    @Test
    @Order(6)
    void aClientThatPublishesWhileDisconnectedHasEachMessageStoredExactlyOnce() throws Exception {
        ClientConfig config = ClientConfig.custom().gateway(system.gateway()).build();
        try (ReconnectingClient client = ReconnectingClient.builder("publisher-it", config).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> client.state() == ClientState.OPEN);
            int wsPort = run.wsPort(0);
            ManagedProcess ws = run.wsInstances().get(wsPort);
            ws.kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> client.state() != ClientState.OPEN);

            String marker = "offline-" + System.nanoTime() + "-";
            List<CompletableFuture<Long>> sends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sends.add(client.send(marker + i));
            }
            assertThat(sends).as("nothing can be acknowledged while disconnected").noneMatch(CompletableFuture::isDone);

            run.startWs(wsPort);
            List<Long> seqs = new ArrayList<>();
            for (CompletableFuture<Long> send : sends) {
                seqs.add(send.get(60, TimeUnit.SECONDS));
            }
            assertThat(seqs).doesNotHaveDuplicates().isSorted();

            List<String> stored = readLog(seqs.get(0) - 1).stream()
                    .map(LogEntry::body).filter(b -> b.startsWith(marker)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add(marker + i);
            }
            assertThat(stored).as("each publish stored exactly once, in order").containsExactlyElementsOf(expected);
        }
        Summary summary = run.checkpoint("publish-while-disconnected", Instant.now());
        assertNothingLostOrDoubled(summary, summary.line() + "\n" + run.timeline());
    }

    @Test
    @Order(7)
    void gatewayRestartClientsWaitForItsReadinessAndResume() {
        Instant killedAt = run.disrupt("gateway-restart");
        Summary summary = run.checkpoint("gateway-restart", killedAt);
        assertNothingLostOrDoubled(summary, summary.line() + "\n" + run.timeline());
    }

    @Test
    @Order(8)
    void tenRestartsInARowLoseNothing() {
        Instant startedAt = run.disrupt("ten-restarts");
        Summary summary = run.checkpoint("ten-restarts", startedAt);

        String story = summary.line() + "\n" + run.timeline();
        assertThat(run.events().of(CliEvent.Reconnected.class).stream().filter(e -> e.t() >= startedAt.toEpochMilli()))
                .as("every client reconnected after each of the ten restarts\n" + story)
                .hasSizeGreaterThanOrEqualTo(10 * CLIENTS);
        assertNothingLostOrDoubled(summary, story);
    }

    private List<LogEntry> readLog(long after) {
        List<LogEntry> entries = new ArrayList<>();
        long cursor = after;
        while (true) {
            String body = Http.get(system.gateway().resolve(Paths.MESSAGES + "?" + LogPage.PARAM_AFTER + "=" + cursor + "&" + LogPage.PARAM_LIMIT + "=" + LogPage.MAX_LIMIT),
                    Duration.ofSeconds(5)).orElseThrow().body();
            LogPage page = Json.MAPPER.readValue(body, LogPage.class);
            if (page.entries().isEmpty()) {
                return entries;
            }
            entries.addAll(page.entries());
            cursor = page.entries().get(page.entries().size() - 1).seq();
        }
    }

    private void assertNothingLostOrDoubled(Summary summary, String story) {
        assertThat(summary.lost()).as("lost\n" + story).isZero();
        assertThat(summary.duplicates()).as("duplicates\n" + story).isZero();
        assertThat(summary.failedUpgrades()).as("failed upgrades\n" + story).isZero();
        assertThat(summary.connectsWhileNotReady()).as("connects while not ready\n" + story).isZero();
    }
}
