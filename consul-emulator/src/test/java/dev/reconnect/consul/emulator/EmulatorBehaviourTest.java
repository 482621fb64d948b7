package dev.reconnect.consul.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.reconnect.consul.emulator.support.TestSupport.closedPort;
import static dev.reconnect.consul.emulator.support.TestSupport.eventually;
import static dev.reconnect.consul.emulator.support.TestSupport.obj;
import static dev.reconnect.consul.emulator.support.TestSupport.unique;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.HealthTarget;
import dev.reconnect.consul.emulator.support.LogCapture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * What the emulator promises beyond the shared contract, or where only the emulator can be
 * observed closely enough (exact Output wording, timing of first runs, logs).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatorBehaviourTest {

    private ConsulEmulator emulator;
    private HealthTarget health;
    private ConsulHttp consul;

    @BeforeAll
    void start() {
        emulator = ConsulEmulator.start(EmulatorConfig.builder()
                .port(0)
                .reaperInterval(Duration.ofMillis(100))
                .minDeregisterAfter(Duration.ofSeconds(2))
                .build());
        health = HealthTarget.start();
        consul = new ConsulHttp(emulator.baseUri());
    }

    @AfterAll
    void stop() {
        emulator.close();
        health.close();
    }

    @Test
    void leaderAndPeersAreThoseOfADevAgent() {
        ConsulHttp.Response leader = consul.get("/v1/status/leader");
        assertThat(leader.body()).isEqualTo("\"127.0.0.1:8300\"");
        assertThat(consul.get("/v1/status/peers").body()).isEqualTo("[\"127.0.0.1:8300\"]");
    }

    @Test
    void everyAnswerCarriesConsulHeadersEvenWritesAndErrors() {
        String id = unique("hdr");
        List<ConsulHttp.Response> answers = List.of(
                consul.get("/v1/status/leader"),
                consul.get("/v1/agent/self"),
                consul.get("/v1/agent/services"),
                consul.get("/v1/agent/checks"),
                consul.get("/v1/catalog/datacenters"),
                consul.put("/v1/agent/service/register", ConsulHttp.json(obj("ID", id, "Name", id))),
                consul.put("/v1/agent/service/deregister/" + id),
                consul.put("/v1/agent/service/deregister/" + id),
                consul.get("/v1/health/service/x?passing=nope"));
        for (ConsulHttp.Response answer : answers) {
            assertThat(answer.index()).as(answer.body()).isPositive();
            assertThat(answer.header("X-Consul-KnownLeader")).isEqualTo("true");
            assertThat(answer.header("X-Consul-LastContact")).isEqualTo("0");
            if (answer.status() == 200) {
                assertThat(answer.header("Content-Type")).isEqualTo("application/json");
            }
        }
        assertThat(answers.get(7).status()).isEqualTo(404);
        assertThat(answers.get(8).status()).isEqualTo(400);
    }

    @Test
    void agentSelfNamesTheDatacenterAndNode() {
        JsonNode self = consul.get("/v1/agent/self").json();
        assertThat(self.get("Config").get("Datacenter").stringValue()).isEqualTo("dc1");
        assertThat(self.get("Config").get("NodeName").stringValue()).isEqualTo("consul-emulator");
        assertThat(self.get("Config").get("Server").booleanValue()).isTrue();
        assertThat(self.get("Member").get("Addr").stringValue()).isEqualTo("127.0.0.1");
        assertThat(consul.get("/v1/catalog/datacenters").body()).isEqualTo("[\"dc1\"]");
    }

    @Test
    void agentServicesAndChecksAreBlockingQueriesToo() throws Exception {
        long servicesIndex = consul.get("/v1/agent/services").index();
        CompletableFuture<ConsulHttp.Response> services = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/agent/services?index=" + servicesIndex + "&wait=20s", Duration.ofSeconds(30)));
        awaitHeld(1);
        String id = unique("agentblock");
        consul.register(obj("ID", id, "Name", id, "Check", obj("TTL", "30s")));
        ConsulHttp.Response woken = services.get(5, TimeUnit.SECONDS);
        assertThat(woken.index()).isGreaterThan(servicesIndex);
        assertThat(woken.json().has(id)).isTrue();

        long checksIndex = consul.get("/v1/agent/checks").index();
        CompletableFuture<ConsulHttp.Response> checks = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/agent/checks?index=" + checksIndex + "&wait=20s", Duration.ofSeconds(30)));
        awaitHeld(1);
        consul.put("/v1/agent/check/pass/service:" + id);
        ConsulHttp.Response checked = checks.get(5, TimeUnit.SECONDS);
        assertThat(checked.index()).isGreaterThan(checksIndex);
        assertThat(checked.json().get("service:" + id).get("Status").stringValue()).isEqualTo("passing");
        consul.put("/v1/agent/service/deregister/" + id);
    }

    @Test
    void outputOnlyChangesDoNotWakeWatchersButAreVisible() {
        String id = unique("quiet");
        consul.register(obj("ID", id, "Name", id, "Check", obj("TTL", "30s", "Status", "passing")));
        long index = consul.get("/v1/health/service/" + id).index();
        CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/health/service/" + id + "?index=" + index + "&wait=1s", Duration.ofSeconds(10)));
        awaitHeld(1);
        long started = System.nanoTime();
        consul.put("/v1/agent/check/pass/service:" + id + "?note=still+fine");

        ConsulHttp.Response response = held.join();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(700));
        assertThat(response.index()).isEqualTo(index);
        assertThat(consul.get("/v1/agent/checks").json().get("service:" + id).get("Output").stringValue())
                .isEqualTo("still fine");
        consul.put("/v1/agent/service/deregister/" + id);
    }

    @Test
    void identicalReRegistrationMovesNoIndex() {
        String id = unique("same");
        Map<String, Object> definition = obj("ID", id, "Name", id, "Tags", List.of("a"), "Check", obj("TTL", "30s"));
        consul.register(definition);
        long catalog = consul.get("/v1/catalog/services").index();
        long service = consul.get("/v1/health/service/" + id).index();
        consul.register(definition);
        assertThat(consul.get("/v1/catalog/services").index()).isEqualTo(catalog);
        assertThat(consul.get("/v1/health/service/" + id).index()).isEqualTo(service);
        consul.put("/v1/agent/service/deregister/" + id);
    }

    @Test
    void httpCheckIntervalsBelowOneSecondAreRaisedToOneSecond() {
        String id = unique("fast");
        String path = "/" + id;
        consul.register(obj("ID", id, "Name", id, "Check", obj("HTTP", url(path), "Interval", "100ms")));
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                .until(() -> health.hits(path).size() >= 3);
        consul.put("/v1/agent/service/deregister/" + id);

        List<HealthTarget.Hit> hits = health.hits(path);
        for (int i = 1; i < hits.size(); i++) {
            Duration gap = Duration.ofNanos(hits.get(i).nanoTime() - hits.get(i - 1).nanoTime());
            assertThat(gap).as("gap between runs %d and %d", i - 1, i).isGreaterThan(Duration.ofMillis(900));
        }
        assertThat(consul.get("/v1/agent/checks").json().has("service:" + id)).isFalse();
    }

    @Test
    void firstRunsComeAfterARandomPauseWithinTheInterval() {
        List<String> ids = new ArrayList<>();
        List<Long> registeredAt = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = unique("stagger");
            ids.add(id);
            registeredAt.add(System.nanoTime());
            consul.register(obj("ID", id, "Name", id, "Check", obj("HTTP", url("/" + id), "Interval", "2s")));
        }
        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                .until(() -> ids.stream().allMatch(id -> !health.hits("/" + id).isEmpty()));
        List<Duration> pauses = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            pauses.add(Duration.ofNanos(health.hits("/" + ids.get(i)).get(0).nanoTime() - registeredAt.get(i)));
            consul.put("/v1/agent/service/deregister/" + ids.get(i));
        }
        assertThat(pauses).allSatisfy(pause -> assertThat(pause).isLessThan(Duration.ofMillis(3000)));
        // Six uniform pauses in [0, 2s) all under 200 ms would happen once in a million runs.
        assertThat(pauses).anySatisfy(pause -> assertThat(pause).isGreaterThan(Duration.ofMillis(200)));
    }

    @Test
    void httpCheckGivesUpAfterItsTimeout() {
        String id = unique("slow");
        String path = "/" + id;
        health.respond(path, 200);
        consul.register(obj("ID", id, "Name", id, "Check", obj("HTTP", url(path), "Interval", "1s",
                "Timeout", "300ms")));
        awaitStatus(id, "passing");

        health.respondSlowly(path, 200, Duration.ofSeconds(5));
        long started = System.nanoTime();
        awaitStatus(id, "critical");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(agentCheck(id).get("Output").stringValue()).isEqualTo("Get \"" + url(path)
                + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        consul.put("/v1/agent/service/deregister/" + id);
    }

    @Test
    void hangingTargetsDoNotHoldUpOtherChecks() {
        List<String> hanging = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String id = unique("hang");
            hanging.add(id);
            health.respondSlowly("/" + id, 200, Duration.ofSeconds(8));
            // Default Timeout (10 s): a probe that blocked its thread would block the scheduler this long.
            consul.register(obj("ID", id, "Name", id, "Check", obj("HTTP", url("/" + id), "Interval", "1s")));
        }
        String steady = unique("steady");
        consul.register(obj("ID", steady, "Name", steady, "Check", obj("HTTP", url("/" + steady), "Interval", "1s")));

        await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50))
                .until(() -> health.hits("/" + steady).size() >= 4);
        List<HealthTarget.Hit> hits = health.hits("/" + steady);
        for (int i = 1; i < hits.size(); i++) {
            assertThat(Duration.ofNanos(hits.get(i).nanoTime() - hits.get(i - 1).nanoTime()))
                    .as("steady check kept its 1 s rhythm (a blocked scheduler would pause it for 8 s)")
                    .isLessThan(Duration.ofMillis(4000));
        }
        assertThat(hanging).allSatisfy(id -> assertThat(health.hits("/" + id)).hasSize(1));
        hanging.forEach(id -> consul.put("/v1/agent/service/deregister/" + id));
        consul.put("/v1/agent/service/deregister/" + steady);
    }

    @Test
    void outputsReadLikeGoForRefusedConnectionsAndStandardStatusText() {
        int closedPort = closedPort();
        String refusedUrl = "http://127.0.0.1:" + closedPort + "/health";
        String refused = unique("refused");
        consul.register(obj("ID", refused, "Name", refused, "Check", obj("HTTP", refusedUrl, "Interval", "1s")));

        String busy = unique("busy");
        String path = "/" + busy;
        health.respond(path, 429, "later");
        consul.register(obj("ID", busy, "Name", busy, "Check", obj("HTTP", url(path), "Interval", "1s")));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(agentCheck(refused).get("Output").stringValue()).isEqualTo("Get \"" + refusedUrl
                    + "\": dial tcp 127.0.0.1:" + closedPort + ": connect: connection refused");
            assertThat(agentCheck(busy).get("Output").stringValue())
                    .isEqualTo("HTTP GET " + url(path) + ": 429 Too Many Requests Output: later");
        });
        assertThat(agentCheck(busy).get("Status").stringValue()).isEqualTo("warning");
        consul.put("/v1/agent/service/deregister/" + refused);
        consul.put("/v1/agent/service/deregister/" + busy);
    }

    @Test
    void tcpChecksConnect() {
        int closedPort = closedPort();
        String open = unique("tcp-open");
        String closed = unique("tcp-closed");
        consul.register(obj("ID", open, "Name", open, "Check", obj("TCP", "127.0.0.1:" + health.port(),
                "Interval", "1s")));
        consul.register(obj("ID", closed, "Name", closed, "Check", obj("TCP", "127.0.0.1:" + closedPort,
                "Interval", "1s")));
        awaitStatus(open, "passing");
        assertThat(agentCheck(open).get("Output").stringValue())
                .isEqualTo("TCP connect 127.0.0.1:" + health.port() + ": Success");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(agentCheck(closed).get("Output").stringValue()).contains("connection refused"));
        assertThat(agentCheck(closed).get("Type").stringValue()).isEqualTo("tcp");
        consul.put("/v1/agent/service/deregister/" + open);
        consul.put("/v1/agent/service/deregister/" + closed);
    }

    @Test
    void ttlOperationsOnANonTtlCheckAreRefusedAsConsulDoes() {
        String id = unique("nonttl");
        consul.register(obj("ID", id, "Name", id, "Check", obj("HTTP", url("/" + id), "Interval", "10s")));
        ConsulHttp.Response response = consul.put("/v1/agent/check/pass/service:" + id);
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("CheckID \"service:" + id + "\" does not have associated TTL");
        ConsulHttp.Response update = consul.put("/v1/agent/check/update/service:" + id, "{\"Status\":\"bogus\"}");
        assertThat(update.status()).isEqualTo(400);
        assertThat(update.body()).isEqualTo("Invalid check status: 'bogus'");
        consul.put("/v1/agent/service/deregister/" + id);
    }

    @Test
    void unknownHealthStateMatchesNothingAndOtherDatacentersAreUnreachable() {
        ConsulHttp.Response bogus = consul.get("/v1/health/state/bogus");
        assertThat(bogus.status()).isEqualTo(200);
        assertThat(bogus.body()).isEqualTo("[]");
        assertThat(consul.get("/v1/health/state/").status()).isEqualTo(400);
        ConsulHttp.Response otherDc = consul.get("/v1/catalog/services?dc=dc2");
        assertThat(otherDc.status()).isEqualTo(500);
        assertThat(otherDc.body()).isEqualTo("No path to datacenter");
        assertThat(consul.get("/v1/catalog/services?dc=dc1").status()).isEqualTo(200);
    }

    @Test
    void deregisterCriticalServiceAfterIsRaisedToTheConfiguredMinimum() {
        String id = unique("floor");
        consul.register(obj("ID", id, "Name", id, "Check", obj("TTL", "30s", "DeregisterCriticalServiceAfter",
                "100ms")));
        long registered = System.nanoTime();
        // The minimum here is 2 s: a 100 ms limit must not reap it any sooner.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> consul.get("/v1/agent/services").json().has(id));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> !consul.get("/v1/agent/services").json().has(id));
        assertThat(Duration.ofNanos(System.nanoTime() - registered)).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void registrationsDeregistrationsAndStatusChangesAreLoggedOneLineEach() {
        try (LogCapture logs = new LogCapture()) {
            String id = unique("logged");
            String name = id + "-svc";
            String path = "/" + id;
            health.respond(path, 200);
            consul.register(obj("ID", id, "Name", name, "Address", "127.0.0.1", "Port", 8082,
                    "Check", obj("HTTP", url(path), "Interval", "1s")));
            awaitStatus(id, "passing");
            consul.put("/v1/agent/service/deregister/" + id);

            String reaped = unique("reaped");
            consul.register(obj("ID", reaped, "Name", reaped, "Check", obj("TTL", "30s",
                    "DeregisterCriticalServiceAfter", "1s")));
            await().atMost(Duration.ofSeconds(6)).until(() ->
                    logs.messages().stream().anyMatch(m -> m.startsWith("deregistered service " + reaped)));

            assertThat(logs.messages()).contains(
                    "registered service " + id + " (" + name + ") at 127.0.0.1:8082 with checks [service:" + id + "]",
                    "check service:" + id + " (" + name + ") critical -> passing: HTTP GET " + url(path) + ": 200 OK",
                    "deregistered service " + id + " (" + name + "): API request");
            assertThat(logs.messages()).anySatisfy(m -> assertThat(m)
                    .startsWith("deregistered service " + reaped + " (" + reaped + "): reaper: check service:"
                            + reaped + " has been critical for ")
                    .endsWith("longer than DeregisterCriticalServiceAfter 2s"));
            assertThat(logs.messages()).allSatisfy(m -> assertThat(m).doesNotContain("\n"));
        }
    }

    @Test
    void heldQueriesAreAnsweredWhenTheEmulatorCloses() throws Exception {
        ConsulEmulator other = ConsulEmulator.start(EmulatorConfig.builder().port(0).build());
        ConsulHttp client = new ConsulHttp(other.baseUri());
        long index = client.get("/v1/catalog/services").index();
        CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                client.get("/v1/catalog/services?index=" + index + "&wait=5m", Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(5)).until(() -> other.heldBlockingQueries() == 1);

        other.close();

        ConsulHttp.Response response = held.get(5, TimeUnit.SECONDS);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.index()).isEqualTo(index);
    }

    // ------------------------------------------------------------------ helpers

    private void awaitHeld(int atLeast) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> emulator.heldBlockingQueries() >= atLeast);
    }

    private void awaitStatus(String serviceId, String status) {
        eventually().untilAsserted(() ->
                assertThat(agentCheck(serviceId).get("Status").stringValue()).isEqualTo(status));
    }

    private JsonNode agentCheck(String serviceId) {
        JsonNode check = consul.get("/v1/agent/checks").json().get("service:" + serviceId);
        assertThat(check).as("check of " + serviceId).isNotNull();
        return check;
    }

    private String url(String path) {
        return "http://127.0.0.1:" + health.port() + path;
    }
}
