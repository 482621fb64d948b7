package dev.reconnect.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reconnect.client.ClientConfig;
import dev.reconnect.client.ClientState;
import dev.reconnect.client.ReconnectingClient;
import dev.reconnect.client.cli.event.CliEvent;
import dev.reconnect.devkit.launch.ManagedProcess;
import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.readiness.ReadinessChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The real system (the registry, api-service, one ws-service, gateway) with 200 clients in one CLI
 * process and a publisher at 50 messages/s, disrupted in turn. After each disruption every client
 * must have every message exactly once, in order, with no failed upgrade and no connect attempt
 * while readiness said not ready. One system serves all disruptions, so the suite stays quick; a
 * failure message tells what happened, in order. Subclasses choose the registry.
 */
abstract class ContinuityScenarios extends SharedSystemSuite {
    static final int CLIENTS = 200;
    /** The client's default heartbeat timeout: three missed pings of ws-service's 2 s interval. */
    static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(6);

    ContinuityScenarios(Target target) {
        super(target, CLIENTS, "continuity on " + target.registry());
    }

    @Test
    @Order(1)
    void sigkillClientsReconnectThroughTheGatewayOnlyAfterReadinessTurnsReady() {
        Checkpoint killed = Checkpoint.afterDisruption(run, "sigkill");

        List<ReadinessChange> afterKill = killed.readinessChanges();
        assertThat(afterKill).as(killed.describe("readiness went not-ready, then ready again"))
                .anyMatch(c -> !c.ready())
                .last().matches(ReadinessChange::ready);
        long lastNotReadyAt = afterKill.stream().filter(c -> !c.ready()).mapToLong(ReadinessChange::at)
                .max().orElseThrow();
        List<CliEvent.State> connects = killed.statesEntering(ClientState.CONNECTING);
        assertThat(connects).as(killed.describe("every client connected again after the kill"))
                .extracting(e -> e.client()).doesNotHaveDuplicates().hasSize(CLIENTS);
        assertThat(connects).as(killed.describe("no connect attempt before readiness turned ready"))
                .allMatch(e -> e.t() > lastNotReadyAt);
        killed.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(2)
    void sigtermClosesWith1001AfterDeregisteringAndNothingIsLost() {
        Checkpoint stopped = Checkpoint.afterDisruption(run, "sigterm");

        assertThat(stopped.statesLeaving(ClientState.OPEN))
                .as(stopped.describe("the sessions were closed with 1001 \"restarting\""))
                .isNotEmpty()
                .allMatch(e -> e.reason().contains("1001") && e.reason().contains("restarting"));
        stopped.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(3)
    void sigstopAHalfOpenLinkIsNoticedByTheHeartbeatAndClientsRecoverAfterSigcont() {
        Checkpoint stopped = Checkpoint.afterDisruption(run, "sigstop");

        List<CliEvent.State> noticed = stopped.statesLeaving(ClientState.OPEN);
        assertThat(noticed).as(stopped.describe("every client left OPEN because the heartbeat went silent"))
                .hasSizeGreaterThanOrEqualTo(CLIENTS)
                .allMatch(e -> e.reason().toLowerCase().contains("heartbeat"));
        // Generous margin over the timeout: the point is "seconds, not the minutes of TCP".
        long stoppedAt = stopped.since().toEpochMilli();
        assertThat(noticed).as(stopped.describe("noticed within the heartbeat timeout"))
                .allMatch(e -> e.t() - stoppedAt < HEARTBEAT_TIMEOUT.plusSeconds(4).toMillis());
        stopped.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(4)
    void apiServiceRestartSessionsStayOpenAndTheStreamResumesWithoutGaps() {
        Checkpoint restarted = Checkpoint.afterDisruption(run, "api-restart");

        assertThat(restarted.statesLeaving(ClientState.OPEN))
                .as(restarted.describe("no session closed while api-service was away")).isEmpty();
        restarted.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(5)
    void registryRestartEveryServiceIsPassingAgainWithinFiveSecondsAndClientsRecover() {
        Checkpoint restarted = Checkpoint.afterDisruption(run, "registry-restart");

        long outage = restarted.summary().outageMillis();
        System.out.println("[continuity] registry restart: services passing again after " + outage + " ms");
        assertThat(outage).as(restarted.describe("from the registry answering again to readiness ready"))
                .isLessThan(5_000);
        String services = system.readRegistry("/v1/agent/services").orElseThrow().body();
        assertThat(services).contains("ws-service-").contains("api-service-").contains("gateway-");
        restarted.assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(6)
    void aClientThatPublishesWhileDisconnectedHasEachMessageStoredExactlyOnce() throws Exception {
        ClientConfig config = ClientConfig.custom().gateway(run.gateway()).build();
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
        Checkpoint.since(run, "publish-while-disconnected", Instant.now()).assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(7)
    void gatewayRestartClientsWaitForItsReadinessAndResume() {
        Checkpoint.afterDisruption(run, "gateway-restart").assertDeliveredAndNoConnectWhileNotReady();
    }

    @Test
    @Order(8)
    void tenRestartsInARowLoseNothing() {
        Checkpoint restarted = Checkpoint.afterDisruption(run, "ten-restarts");

        assertThat(restarted.events(CliEvent.Reconnected.class))
                .as(restarted.describe("every client reconnected after each of the ten restarts"))
                .hasSizeGreaterThanOrEqualTo(10 * CLIENTS);
        restarted.assertDeliveredAndNoConnectWhileNotReady();
    }
}
