package dev.reconnect.consul.emulator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.reconnect.consul.emulator.support.TestSupport.eventually;
import static dev.reconnect.consul.emulator.support.TestSupport.json;
import static dev.reconnect.consul.emulator.support.TestSupport.obj;
import static dev.reconnect.consul.emulator.support.TestSupport.strings;
import static dev.reconnect.consul.emulator.support.TestSupport.unique;
import static org.awaitility.Awaitility.await;

import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import dev.reconnect.consul.emulator.support.HealthTarget;
import dev.reconnect.consul.emulator.support.TestSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * What an application may rely on from a Consul agent's HTTP API, written once and run against
 * every {@link ConsulTarget}: the emulator always, a real Consul where Docker is available. A test
 * here that passes on the emulator but would fail on Consul is a bug in the test or the emulator.
 *
 * <p>Only behaviour real Consul shows belongs here; emulator-only promises (such as X-Consul-Index
 * on agent endpoints) are tested in {@code EmulatorBehaviourTest}. Real Consul syncs the agent's
 * state into the catalog asynchronously, so reads of /v1/health and /v1/catalog right after a write
 * are wrapped in {@link TestSupport#eventually()}; reads of /v1/agent are immediate on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractConsulContractTest {

    protected ConsulTarget target;
    protected HealthTarget health;
    protected ConsulHttp consul;
    private final List<String> registered = new CopyOnWriteArrayList<>();
    /** Checks registered through /v1/agent/check/register: a node check left behind would fail other tests. */
    private final List<String> registeredChecks = new CopyOnWriteArrayList<>();

    /** Starts the agent under test; the health target already listens on {@code healthPort}. */
    protected abstract ConsulTarget startTarget(int healthPort);

    @BeforeAll
    final void startEverything() {
        health = HealthTarget.start();
        target = startTarget(health.port());
        consul = new ConsulHttp(target.baseUri());
    }

    @AfterAll
    final void stopEverything() {
        if (target != null) {
            target.close();
        }
        if (health != null) {
            health.close();
        }
    }

    @AfterEach
    final void deregisterWhatTheTestRegistered() {
        for (String id : registered) {
            consul.put("/v1/agent/service/deregister/" + encode(id));
        }
        registered.clear();
        for (String checkId : registeredChecks) {
            consul.put("/v1/agent/check/deregister/" + encode(checkId));
        }
        registeredChecks.clear();
    }

    // ------------------------------------------------------------------ status

    @Test
    void leaderAndPeersNameARaftAddress() {
        ConsulHttp.Response leader = consul.get("/v1/status/leader");
        assertThat(leader.status()).isEqualTo(200);
        assertThat(leader.body()).matches("\"\\d+\\.\\d+\\.\\d+\\.\\d+:8300\"");
        JsonNode peers = consul.get("/v1/status/peers").json();
        assertThat(peers.isArray()).isTrue();
        assertThat(strings(peers)).contains(leader.json().stringValue());
    }

    // ------------------------------------------------------------------ registration shapes

    @Test
    void everyRegistrationFieldReadsBackFromAgentServices() {
        String id = unique("full");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("primary", "v1"), "Address", "127.0.0.1", "Port", 8080,
                "Meta", Map.of("version", "1.2", "zone", "a"), "EnableTagOverride", true,
                "Weights", obj("Passing", 3, "Warning", 2), "Check", obj("TTL", "30s")));

        JsonNode service = consul.get("/v1/agent/services").json().get(id);
        assertThat(service).as("agent/services entry").isNotNull();
        assertThat(service.get("ID").stringValue()).isEqualTo(id);
        assertThat(service.get("Service").stringValue()).isEqualTo(name);
        assertThat(strings(service.get("Tags"))).containsExactly("primary", "v1");
        assertThat(service.get("Address").stringValue()).isEqualTo("127.0.0.1");
        assertThat(service.get("Port").intValue()).isEqualTo(8080);
        assertThat(service.get("Meta").get("version").stringValue()).isEqualTo("1.2");
        assertThat(service.get("Meta").get("zone").stringValue()).isEqualTo("a");
        assertThat(service.get("EnableTagOverride").booleanValue()).isTrue();
        assertThat(service.get("Weights").get("Passing").intValue()).isEqualTo(3);
        assertThat(service.get("Weights").get("Warning").intValue()).isEqualTo(2);
        assertThat(service.get("Datacenter").stringValue()).isEqualTo("dc1");
    }

    @Test
    void healthServiceEntriesHaveNodeServiceAndChecksIncludingSerfHealth() {
        String id = unique("shape");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("t1"), "Address", "127.0.0.1", "Port", 9000,
                "Check", obj("TTL", "30s", "Status", "passing", "Notes", "a note")));

        JsonNode entry = firstEntry("/v1/health/service/" + name);

        JsonNode node = entry.get("Node");
        assertIsTheAgentsNode(node);
        assertThat(node.get("CreateIndex").isNumber()).isTrue();
        assertThat(node.get("ModifyIndex").isNumber()).isTrue();

        JsonNode service = entry.get("Service");
        assertThat(service.get("ID").stringValue()).isEqualTo(id);
        assertThat(service.get("Service").stringValue()).isEqualTo(name);
        assertThat(strings(service.get("Tags"))).containsExactly("t1");
        assertThat(service.get("Address").stringValue()).isEqualTo("127.0.0.1");
        assertThat(service.get("Meta").isObject()).as("Meta is {} not null").isTrue();
        assertThat(service.get("Port").intValue()).isEqualTo(9000);
        assertThat(service.get("Weights").get("Passing").intValue()).isEqualTo(1);
        assertThat(service.get("Weights").get("Warning").intValue()).isEqualTo(1);
        assertThat(service.get("EnableTagOverride").booleanValue()).isFalse();
        assertHasRaftIndexes(service);

        JsonNode checks = entry.get("Checks");
        assertThat(checks.size()).isEqualTo(2);
        JsonNode serf = find(checks, "serfHealth");
        assertThat(serf.get("Name").stringValue()).isEqualTo("Serf Health Status");
        assertThat(serf.get("Status").stringValue()).isEqualTo("passing");
        assertThat(serf.get("ServiceID").stringValue()).isEmpty();
        assertThat(serf.get("ServiceName").stringValue()).isEmpty();
        assertThat(serf.get("ServiceTags").isArray()).as("ServiceTags is [] not null").isTrue();
        assertThat(serf.get("Output").stringValue()).isEqualTo("Agent alive and reachable");
        JsonNode check = find(checks, "service:" + id);
        assertThat(check.get("Node").stringValue()).isEqualTo(node.get("Node").stringValue());
        assertThat(check.get("Name").stringValue()).isEqualTo("Service '" + name + "' check");
        assertThat(check.get("Status").stringValue()).isEqualTo("passing");
        assertThat(check.get("Notes").stringValue()).isEqualTo("a note");
        assertThat(check.get("Output").isString()).isTrue();
        assertThat(check.get("ServiceID").stringValue()).isEqualTo(id);
        assertThat(check.get("ServiceName").stringValue()).isEqualTo(name);
        assertThat(strings(check.get("ServiceTags"))).containsExactly("t1");
        assertThat(check.get("Type").stringValue()).isEqualTo("ttl");
        assertHasRaftIndexes(check);
    }

    @Test
    void catalogServiceEntriesFlattenNodeAndServiceFields() {
        String id = unique("cat");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("x"), "Address", "127.0.0.1", "Port", 7000,
                "Meta", Map.of("k", "v")));

        JsonNode entry = firstEntry("/v1/catalog/service/" + name);
        assertThat(entry.get("ServiceID").stringValue()).isEqualTo(id);
        assertThat(entry.get("ServiceName").stringValue()).isEqualTo(name);
        assertThat(entry.get("ServiceAddress").stringValue()).isEqualTo("127.0.0.1");
        assertThat(entry.get("ServicePort").intValue()).isEqualTo(7000);
        assertThat(strings(entry.get("ServiceTags"))).containsExactly("x");
        assertThat(entry.get("ServiceMeta").get("k").stringValue()).isEqualTo("v");
        assertThat(entry.get("ServiceWeights").get("Passing").intValue()).isEqualTo(1);
        assertThat(entry.get("ServiceEnableTagOverride").booleanValue()).isFalse();
        assertThat(entry.get("Node").stringValue()).isNotEmpty();
        assertThat(entry.get("Address").stringValue()).isNotEmpty();
        assertThat(entry.get("Datacenter").stringValue()).isEqualTo("dc1");
        assertHasRaftIndexes(entry);
    }

    @Test
    void catalogListsServiceNamesWithTagsAndTheNode() {
        String id = unique("names");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("blue")));

        eventually().untilAsserted(() -> {
            JsonNode services = consul.get("/v1/catalog/services").json();
            assertThat(services.has(name)).isTrue();
            assertThat(strings(services.get(name))).containsExactly("blue");
            assertThat(services.get("consul")).as("a dev agent lists itself").isNotNull();
        });

        JsonNode nodes = consul.get("/v1/catalog/nodes").json();
        assertThat(nodes.size()).isEqualTo(1);
        JsonNode node = nodes.get(0);
        assertIsTheAgentsNode(node);
    }

    @Test
    void springCloudStyleBodyWithNullsAndATokenIsAccepted() {
        String id = unique("spring");
        String name = id + "-svc";
        String path = "/" + id + "/actuator/health";
        // What Spring Cloud Consul 5 sends: every unset field as JSON null, Header {} and a token header.
        String body = "{\"ID\":\"" + id + "\",\"Name\":\"" + name + "\",\"Tags\":[],\"Address\":\"127.0.0.1\","
                + "\"Meta\":{\"secure\":\"false\"},\"Port\":8080,\"EnableTagOverride\":null,"
                + "\"Check\":{\"Args\":null,\"DockerContainerID\":null,\"Shell\":null,\"Interval\":\"1s\","
                + "\"TTL\":null,\"HTTP\":\"" + checkUrl(path) + "\",\"Method\":null,\"Header\":{},\"TCP\":null,"
                + "\"Timeout\":null,\"DeregisterCriticalServiceAfter\":null,\"TLSSkipVerify\":null,"
                + "\"Status\":null,\"GRPC\":null,\"GRPCUseTLS\":null},\"Checks\":null}";
        ConsulHttp.Response response = consul.send("PUT", "/v1/agent/service/register", body, Duration.ofSeconds(10),
                "X-Consul-Token", "some-token");
        registered.add(id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);

        JsonNode service = consul.get("/v1/agent/services").json().get(id);
        assertThat(service.get("Service").stringValue()).isEqualTo(name);
        assertThat(strings(service.get("Tags"))).isEmpty();
        eventually().untilAsserted(() -> assertThat(check("service:" + id).get("Status").stringValue())
                .isEqualTo("passing"));
        assertThat(check("service:" + id).get("Type").stringValue()).isEqualTo("http");
    }

    @Test
    void idDefaultsToTheName() {
        String name = unique("noid");
        register(obj("Name", name, "Check", obj("TTL", "30s")));
        registered.add(name);

        JsonNode service = consul.get("/v1/agent/services").json().get(name);
        assertThat(service.get("ID").stringValue()).isEqualTo(name);
        assertThat(consul.get("/v1/agent/checks").json().get("service:" + name)).isNotNull();
    }

    @Test
    void checksStartCriticalUnlessAStatusIsGivenAndSeveralChecksAreNumbered() {
        String id = unique("multi");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Checks", List.of(
                obj("TTL", "30s"),
                obj("TTL", "30s", "Status", "passing"),
                obj("TTL", "30s", "CheckID", "own-" + id, "Name", "my check", "Notes", "mine"))));

        JsonNode checks = consul.get("/v1/agent/checks").json();
        JsonNode first = checks.get("service:" + id + ":1");
        JsonNode second = checks.get("service:" + id + ":2");
        JsonNode own = checks.get("own-" + id);
        assertThat(first.get("Status").stringValue()).isEqualTo("critical");
        assertThat(first.get("Name").stringValue()).isEqualTo("Service '" + name + "' check");
        assertThat(second.get("Status").stringValue()).isEqualTo("passing");
        assertThat(own.get("Status").stringValue()).isEqualTo("critical");
        assertThat(own.get("Name").stringValue()).isEqualTo("my check");
        assertThat(own.get("Notes").stringValue()).isEqualTo("mine");
        assertThat(own.get("ServiceID").stringValue()).isEqualTo(id);
    }

    // ------------------------------------------------------------------ checks

    @Test
    void httpCheckFollowsTheTargetsAnswer() {
        String id = unique("http");
        String name = id + "-svc";
        String path = "/" + id + "/health";
        String url = checkUrl(path);
        health.respond(path, 200, "{\"status\":\"UP\"}");
        register(obj("ID", id, "Name", name, "Check", obj("HTTP", url, "Interval", "1s")));

        awaitCheck(name, "passing");
        assertThat(healthCheck(name).get("Output").stringValue())
                .isEqualTo("HTTP GET " + url + ": 200 OK Output: {\"status\":\"UP\"}");

        health.respond(path, 429, "slow down");
        awaitCheck(name, "warning");
        // Consul prints the reason phrase the target sent; the JDK server sends none for 429.
        assertThat(healthCheck(name).get("Output").stringValue())
                .startsWith("HTTP GET " + url + ": 429 ").endsWith(" Output: slow down");

        health.respond(path, 500, "{\"status\":\"DOWN\"}");
        awaitCheck(name, "critical");
        assertThat(healthCheck(name).get("Output").stringValue())
                .isEqualTo("HTTP GET " + url + ": 500 Internal Server Error Output: {\"status\":\"DOWN\"}");

        health.respond(path, 204, "");
        awaitCheck(name, "passing");

        health.dropConnections(path);
        awaitCheck(name, "critical");
        assertThat(healthCheck(name).get("Output").stringValue()).startsWith("Get \"" + url + "\": ");
    }

    @Test
    void httpCheckSendsItsMethodAndHeaders() {
        String id = unique("method");
        String path = "/" + id + "/probe";
        register(obj("ID", id, "Name", id, "Check", obj("HTTP", checkUrl(path), "Interval", "1s", "Method", "POST",
                "Header", Map.of("X-Probe", List.of("one")))));

        eventually().untilAsserted(() -> assertThat(health.hits(path)).isNotEmpty());
        HealthTarget.Hit hit = health.hits(path).get(0);
        assertThat(hit.method()).isEqualTo("POST");
        assertThat(header(hit, "X-Probe")).containsExactly("one");
        assertThat(header(hit, "User-Agent")).containsExactly("Consul Health Check");
    }

    @Test
    void ttlCheckTakesPassWarnFailAndUpdate() {
        String id = unique("ttl");
        String name = id + "-svc";
        String checkId = "service:" + id;
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s")));
        assertThat(check(checkId).get("Status").stringValue()).isEqualTo("critical");

        assertThat(consul.put("/v1/agent/check/pass/" + checkId + "?note=all+good").status()).isEqualTo(200);
        awaitCheck(name, "passing", "all good");

        assertThat(consul.put("/v1/agent/check/warn/" + checkId + "?note=hmm").status()).isEqualTo(200);
        awaitCheck(name, "warning", "hmm");

        assertThat(consul.put("/v1/agent/check/fail/" + checkId + "?note=down").status()).isEqualTo(200);
        awaitCheck(name, "critical", "down");

        assertThat(consul.put("/v1/agent/check/update/" + checkId,
                "{\"Status\":\"passing\",\"Output\":\"via update\"}").status()).isEqualTo(200);
        awaitCheck(name, "passing", "via update");
    }

    @Test
    void ttlCheckNotRenewedInTimeTurnsCritical() {
        String id = unique("expire");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "1s")));
        consul.put("/v1/agent/check/pass/service:" + id);
        assertThat(check("service:" + id).get("Status").stringValue()).isEqualTo("passing");

        awaitCheck(name, "critical");
        assertThat(healthCheck(name).get("Output").stringValue()).startsWith("TTL expired");
    }

    @Test
    void reRegisteringKeepsTheCheckStatusAndMovesTheIndexOnChange() {
        String id = unique("rereg");
        String name = id + "-svc";
        Map<String, Object> definition = obj("ID", id, "Name", name, "Tags", List.of("a"), "Check", obj("TTL", "30s"));
        register(definition);
        consul.put("/v1/agent/check/pass/service:" + id);
        awaitCheck(name, "passing");
        long before = consul.get("/v1/catalog/services").index();

        register(obj("ID", id, "Name", name, "Tags", List.of("a", "b"), "Check", obj("TTL", "30s")));

        assertThat(check("service:" + id).get("Status").stringValue()).as("status survives re-registration")
                .isEqualTo("passing");
        eventually().untilAsserted(() -> {
            ConsulHttp.Response services = consul.get("/v1/catalog/services");
            assertThat(strings(services.json().get(name))).containsExactly("a", "b");
            assertThat(services.index()).isGreaterThan(before);
            assertThat(healthCheck(name).get("Status").stringValue()).isEqualTo("passing");
        });
    }

    @Test
    void deregistrationRemovesTheServiceAndItsChecksEverywhere() {
        String id = unique("dereg");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s")));
        eventually().untilAsserted(() -> assertThat(consul.get("/v1/catalog/services").json().has(name)).isTrue());

        assertThat(consul.put("/v1/agent/service/deregister/" + id).status()).isEqualTo(200);

        assertThat(consul.get("/v1/agent/services").json().has(id)).isFalse();
        assertThat(consul.get("/v1/agent/checks").json().has("service:" + id)).isFalse();
        eventually().untilAsserted(() -> {
            assertThat(consul.get("/v1/catalog/services").json().has(name)).isFalse();
            assertThat(consul.get("/v1/health/service/" + name).json().size()).isZero();
            assertThat(consul.get("/v1/health/checks/" + name).json().size()).isZero();
            assertThat(consul.get("/v1/catalog/service/" + name).json().size()).isZero();
        });
    }

    @Test
    void maintenanceModeIsACriticalCheckOfItsOwn() {
        String id = unique("maint");
        String name = id + "-svc";
        String maintenanceId = "_service_maintenance:" + id;
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s", "Status", "passing")));
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + name + "?passing").json().size()).isEqualTo(1));

        assertThat(consul.put("/v1/agent/service/maintenance/" + id + "?enable=true&reason=deploying").status())
                .isEqualTo(200);
        JsonNode maintenance = check(maintenanceId);
        assertThat(maintenance.get("Name").stringValue()).isEqualTo("Service Maintenance Mode");
        assertThat(maintenance.get("Status").stringValue()).isEqualTo("critical");
        assertThat(maintenance.get("Notes").stringValue()).isEqualTo("deploying");
        assertThat(maintenance.get("ServiceID").stringValue()).isEqualTo(id);
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + name + "?passing").json().size()).isZero());
        assertThat(consul.get("/v1/health/service/" + name).json().size()).as("still listed without ?passing")
                .isEqualTo(1);

        assertThat(consul.put("/v1/agent/service/maintenance/" + id + "?enable=false").status()).isEqualTo(200);
        assertThat(consul.get("/v1/agent/checks").json().has(maintenanceId)).isFalse();
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + name + "?passing").json().size()).isEqualTo(1));

        consul.put("/v1/agent/service/maintenance/" + id + "?enable=true");
        assertThat(check(maintenanceId).get("Notes").stringValue()).isEqualTo(
                "Maintenance mode is enabled for this service, but no reason was provided. This is a default message.");
    }

    // ------------------------------------------------------------------ filters

    @Test
    void passingFilterTakesGoBooleansAndTreatsWarningAsFailing() {
        String name = unique("passing");
        register(obj("ID", name + "-ok", "Name", name, "Check", obj("TTL", "30s", "Status", "passing")));
        register(obj("ID", name + "-warn", "Name", name, "Check", obj("TTL", "30s", "Status", "warning")));
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + name).json().size()).isEqualTo(2));

        for (String query : List.of("?passing", "?passing=", "?passing=true", "?passing=1", "?passing=True")) {
            assertThat(serviceIds(consul.get("/v1/health/service/" + name + query).json())).as(query)
                    .containsExactly(name + "-ok");
        }
        for (String query : List.of("", "?passing=false", "?passing=0")) {
            assertThat(serviceIds(consul.get("/v1/health/service/" + name + query).json())).as(query)
                    .containsExactlyInAnyOrder(name + "-ok", name + "-warn");
        }
        ConsulHttp.Response bad = consul.get("/v1/health/service/" + name + "?passing=nope");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("Invalid value for ?passing");
    }

    @Test
    void tagFilterRequiresEveryTag() {
        String name = unique("tags");
        register(obj("ID", name + "-1", "Name", name, "Tags", List.of("blue", "v1")));
        register(obj("ID", name + "-2", "Name", name, "Tags", List.of("blue", "v2")));
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/catalog/service/" + name).json().size()).isEqualTo(2));

        assertThat(serviceIds(consul.get("/v1/health/service/" + name + "?tag=blue").json()))
                .containsExactlyInAnyOrder(name + "-1", name + "-2");
        assertThat(serviceIds(consul.get("/v1/health/service/" + name + "?tag=blue&tag=v1").json()))
                .containsExactly(name + "-1");
        assertThat(serviceIds(consul.get("/v1/health/service/" + name + "?tag=green").json())).isEmpty();
        JsonNode catalog = consul.get("/v1/catalog/service/" + name + "?tag=v2").json();
        assertThat(catalog.size()).isEqualTo(1);
        assertThat(catalog.get(0).get("ServiceID").stringValue()).isEqualTo(name + "-2");
    }

    @Test
    void healthChecksAndStateEndpointsListChecks() {
        String id = unique("state");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s")));

        eventually().untilAsserted(() ->
                assertThat(checkIds(consul.get("/v1/health/checks/" + name).json())).containsExactly("service:" + id));
        assertThat(checkIds(consul.get("/v1/health/state/critical").json())).contains("service:" + id)
                .doesNotContain("serfHealth");
        assertThat(checkIds(consul.get("/v1/health/state/passing").json())).contains("serfHealth")
                .doesNotContain("service:" + id);
        assertThat(checkIds(consul.get("/v1/health/state/any").json())).contains("serfHealth", "service:" + id);
    }

    @Test
    void readEndpointsCarryConsulsHeaders() {
        String name = unique("headers");
        register(obj("ID", name, "Name", name));
        for (String path : List.of("/v1/health/service/" + name, "/v1/health/checks/" + name,
                "/v1/health/state/any", "/v1/catalog/services", "/v1/catalog/service/" + name,
                "/v1/catalog/nodes")) {
            ConsulHttp.Response response = consul.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.index()).as(path + " X-Consul-Index").isPositive();
            assertThat(response.header("X-Consul-KnownLeader")).as(path).isEqualTo("true");
            assertThat(response.header("X-Consul-LastContact")).as(path).isEqualTo("0");
            assertThat(response.header("Content-Type")).as(path).startsWith("application/json");
        }
    }

    // ------------------------------------------------------------------ blocking queries

    @Test
    void queryWithoutIndexOrWithAnOlderIndexAnswersAtOnce() {
        String name = unique("noblock");
        register(obj("ID", name, "Name", name));
        awaitVisible(name);
        long index = consul.get("/v1/health/service/" + name).index();

        long started = System.nanoTime();
        assertThat(consul.get("/v1/health/service/" + name + "?wait=20s").status()).isEqualTo(200);
        assertThat(consul.get("/v1/health/service/" + name + "?index=0&wait=20s").status()).isEqualTo(200);
        assertThat(consul.get("/v1/health/service/" + name + "?index=" + (index - 1) + "&wait=20s").index())
                .isEqualTo(index);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void queryAtTheCurrentIndexWaitsOutTheWaitWhenNothingChanges() {
        String name = unique("wait");
        register(obj("ID", name, "Name", name));
        awaitVisible(name);
        long index = consul.get("/v1/health/service/" + name).index();

        long started = System.nanoTime();
        ConsulHttp.Response response = consul.get("/v1/health/service/" + name + "?index=" + index + "&wait=1s",
                Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.index()).isEqualTo(index);
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aChangeToTheWatchedResultAnswersAtOnceWithAHigherIndex() throws Exception {
        String id = unique("wake");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s")));
        awaitVisible(name);
        long index = consul.get("/v1/health/service/" + name + "?passing").index();

        CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/health/service/" + name + "?passing&index=" + index + "&wait=30s",
                        Duration.ofSeconds(40)));
        consul.put("/v1/agent/check/pass/service:" + id);

        ConsulHttp.Response response = held.get(5, TimeUnit.SECONDS);
        assertThat(response.index()).isGreaterThan(index);
        assertThat(serviceIds(response.json())).containsExactly(id);
    }

    @Test
    void catalogServicesIndexMovesOnRegistrationsButNotOnHealthChanges() throws Exception {
        String id = unique("catidx");
        String name = id + "-svc";
        long beforeRegistration = consul.get("/v1/catalog/services").index();
        register(obj("ID", id, "Name", name, "Check", obj("TTL", "30s")));
        awaitVisible(name);
        long catalogIndex = consul.get("/v1/catalog/services").index();
        assertThat(catalogIndex).isGreaterThan(beforeRegistration);
        long healthIndex = consul.get("/v1/health/service/" + name).index();

        long started = System.nanoTime();
        CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/catalog/services?index=" + catalogIndex + "&wait=1s", Duration.ofSeconds(10)));
        consul.put("/v1/agent/check/pass/service:" + id);
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + name).index()).isGreaterThan(healthIndex));

        ConsulHttp.Response catalog = held.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the health flip must not wake it")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(catalog.index()).isEqualTo(catalogIndex);
    }

    // ------------------------------------------------------------------ reaping

    @Test
    void serviceCriticalLongerThanDeregisterCriticalServiceAfterIsReaped() {
        String id = unique("reap");
        String keeper = unique("keep");
        register(obj("ID", id, "Name", id, "Check", obj("TTL", "30s", "DeregisterCriticalServiceAfter", "1s")));
        register(obj("ID", keeper, "Name", keeper,
                "Check", obj("TTL", "10m", "Status", "passing", "DeregisterCriticalServiceAfter", "1s")));

        await().atMost(target.reapDeadline()).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(consul.get("/v1/agent/services").json().has(id)).isFalse());
        assertThat(consul.get("/v1/agent/checks").json().has("service:" + id)).isFalse();
        assertThat(consul.get("/v1/agent/services").json().has(keeper)).as("a passing service stays").isTrue();
    }

    // ------------------------------------------------------------------ more agent endpoints (clients such as npm consul)

    @Test
    void membersListsTheAgentItselfAsAliveServer() {
        String nodeName = consul.get("/v1/agent/self").json().get("Config").get("NodeName").stringValue();

        ConsulHttp.Response response = consul.get("/v1/agent/members");

        assertThat(response.status()).isEqualTo(200);
        JsonNode members = response.json();
        assertThat(members.size()).isEqualTo(1);
        JsonNode member = members.get(0);
        assertThat(member.get("Name").stringValue()).isEqualTo(nodeName);
        assertThat(member.get("Addr").stringValue()).isNotEmpty();
        assertThat(member.get("Port").intValue()).isEqualTo(8301);
        assertThat(member.get("Status").intValue()).as("1 = alive").isEqualTo(1);
        assertThat(member.get("Tags").get("role").stringValue()).isEqualTo("consul");
        assertThat(member.get("Tags").get("dc").stringValue()).isEqualTo("dc1");
        assertThat(member.get("Tags").get("acls").stringValue()).as("ACLs off").isEqualTo("0");
        assertThat(member.get("ProtocolCur").isNumber()).isTrue();
    }

    @Test
    void aNodeCheckRegisteredThroughTheAgentJoinsEveryServicesHealthUntilDeregistered() {
        String service = unique("nodecheck-svc");
        register(obj("ID", service, "Name", service, "Check", obj("TTL", "10m", "Status", "passing")));
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + service + "?passing").json().size()).isEqualTo(1));
        String checkName = unique("node-ttl");

        // As the npm consul client sends it: no ID (the Name becomes the ID), no ServiceID (a node check).
        ConsulHttp.Response registered = consul.put("/v1/agent/check/register",
                json(obj("Name", checkName, "TTL", "30s", "Notes", "from a client")));
        registeredChecks.add(checkName);

        assertThat(registered.status()).as(registered.body()).isEqualTo(200);
        JsonNode check = check(checkName);
        assertThat(check.get("Name").stringValue()).isEqualTo(checkName);
        assertThat(check.get("Status").stringValue()).as("critical until its TTL is passed").isEqualTo("critical");
        assertThat(check.get("Notes").stringValue()).isEqualTo("from a client");
        assertThat(check.get("ServiceID").stringValue()).isEmpty();
        assertThat(check.get("Type").stringValue()).isEqualTo("ttl");
        eventually().untilAsserted(() -> {
            assertThat(consul.get("/v1/health/service/" + service + "?passing").json().size())
                    .as("a critical node check fails every service on the node").isZero();
            assertThat(checkIds(consul.get("/v1/health/service/" + service).json().get(0).get("Checks")))
                    .contains(checkName, "serfHealth", "service:" + service);
        });

        assertThat(consul.put("/v1/agent/check/pass/" + checkName).status()).isEqualTo(200);
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + service + "?passing").json().size()).isEqualTo(1));

        assertThat(consul.put("/v1/agent/check/deregister/" + checkName).status()).isEqualTo(200);
        registeredChecks.remove(checkName);
        assertThat(consul.get("/v1/agent/checks").json().has(checkName)).isFalse();
        eventually().untilAsserted(() -> assertThat(checkIds(
                consul.get("/v1/health/service/" + service).json().get(0).get("Checks"))).doesNotContain(checkName));
        assertRefused(consul.put("/v1/agent/check/deregister/" + checkName), 404,
                "Unknown check ID \"" + checkName + "\". Ensure that the check ID is passed, not the check name.");
    }

    @Test
    void aServiceCheckRegisteredThroughTheAgentBelongsToItsServiceAndGoesWithIt() {
        String id = unique("svccheck");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("t")));
        String checkId = id + "-extra";

        ConsulHttp.Response response = consul.put("/v1/agent/check/register", json(obj("ID", checkId,
                "Name", "extra check", "ServiceID", id, "TTL", "30s", "Status", "warning")));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode check = check(checkId);
        assertThat(check.get("ServiceID").stringValue()).isEqualTo(id);
        assertThat(check.get("ServiceName").stringValue()).isEqualTo(name);
        assertThat(strings(check.get("ServiceTags"))).containsExactly("t");
        assertThat(check.get("Status").stringValue()).isEqualTo("warning");
        eventually().untilAsserted(() ->
                assertThat(checkIds(consul.get("/v1/health/checks/" + name).json())).containsExactly(checkId));

        assertThat(consul.put("/v1/agent/service/deregister/" + id).status()).isEqualTo(200);
        assertThat(consul.get("/v1/agent/checks").json().has(checkId)).as("removed with its service").isFalse();
    }

    @Test
    void checkRegistrationIsRefusedLikeConsulRefusesIt() {
        String missing = unique("no-such-service");
        assertRefused(consul.put("/v1/agent/check/register", json(obj("TTL", "30s"))), 400, "Missing check name");
        assertRefused(consul.put("/v1/agent/check/register", json(obj("Name", "x", "TTL", "30s", "Status", "fine"))),
                400, "Bad check status");
        assertRefused(consul.put("/v1/agent/check/register", json(obj("Name", "x", "Interval", "10s"))), 400,
                "Invalid check");
        ConsulHttp.Response unknownService = consul.put("/v1/agent/check/register",
                json(obj("Name", "x", "ServiceID", missing, "TTL", "30s")));
        assertRefused(unknownService, 404, missing);
        assertThat(unknownService.body()).startsWith("ServiceID \"").endsWith("\" does not exist");
        assertThat(consul.get("/v1/agent/checks").json().has("x")).isFalse();
    }

    @Test
    void oneLocalServiceReadsBackInAgentServiceShapeAndAnUnknownIdIs404() {
        String id = unique("one");
        String name = id + "-svc";
        register(obj("ID", id, "Name", name, "Tags", List.of("a"), "Address", "127.0.0.1", "Port", 8123,
                "Meta", Map.of("k", "v")));

        ConsulHttp.Response response = consul.get("/v1/agent/service/" + id);

        assertThat(response.status()).isEqualTo(200);
        JsonNode service = response.json();
        assertThat(service.get("ID").stringValue()).isEqualTo(id);
        assertThat(service.get("Service").stringValue()).isEqualTo(name);
        assertThat(strings(service.get("Tags"))).containsExactly("a");
        assertThat(service.get("Meta").get("k").stringValue()).isEqualTo("v");
        assertThat(service.get("Port").intValue()).isEqualTo(8123);
        assertThat(service.get("Address").stringValue()).isEqualTo("127.0.0.1");
        assertThat(service.get("Weights").get("Passing").intValue()).isEqualTo(1);
        assertThat(service.get("EnableTagOverride").booleanValue()).isFalse();
        assertThat(service.get("Datacenter").stringValue()).isEqualTo("dc1");
        String hash = service.get("ContentHash").stringValue();
        assertThat(hash).isNotEmpty();
        assertThat(response.header("X-Consul-ContentHash")).isEqualTo(hash);
        assertThat(consul.get("/v1/agent/service/" + id).json().get("ContentHash").stringValue())
                .as("stable while nothing changes").isEqualTo(hash);

        String unknown = unique("nobody");
        ConsulHttp.Response missing = consul.get("/v1/agent/service/" + unknown);
        assertRefused(missing, 404, unknown);
        assertThat(missing.body()).startsWith("unknown service ID: ");
        assertRefused(consul.put("/v1/agent/service/" + id), 405, "");
    }

    @Test
    void aHashBlockingQueryOnOneServiceReturnsWhenItChanges() throws Exception {
        String id = unique("hash");
        register(obj("ID", id, "Name", id, "Tags", List.of("v1")));
        String hash = consul.get("/v1/agent/service/" + id).json().get("ContentHash").stringValue();

        CompletableFuture<ConsulHttp.Response> held = CompletableFuture.supplyAsync(() ->
                consul.get("/v1/agent/service/" + id + "?hash=" + hash + "&wait=30s", Duration.ofSeconds(40)));
        register(obj("ID", id, "Name", id, "Tags", List.of("v2")));

        ConsulHttp.Response response = held.get(10, TimeUnit.SECONDS);
        assertThat(strings(response.json().get("Tags"))).containsExactly("v2");
        assertThat(response.json().get("ContentHash").stringValue()).isNotEqualTo(hash);
    }

    @Test
    void everyAnswerSaysTheDefaultAclPolicyIsAllowWhenAclsAreOff() {
        for (String path : List.of("/v1/status/leader", "/v1/agent/self", "/v1/catalog/services")) {
            assertThat(consul.get(path).header("X-Consul-Default-ACL-Policy")).as(path).isEqualTo("allow");
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        String existing = unique("stable");
        register(obj("ID", existing, "Name", existing, "Check", obj("TTL", "30s")));
        awaitVisible(existing);
        String rejected = unique("rejected");
        long catalogIndex = consul.get("/v1/catalog/services").index();
        String servicesBefore = consul.get("/v1/agent/services").body();

        assertRefused(consul.put("/v1/agent/service/register", "{\"Name\": \"" + rejected + "\", "), 400,
                "Request decode failed");
        assertRefused(consul.put("/v1/agent/service/register", "{\"ID\": \"" + rejected + "\"}"), 400,
                "Missing service name");
        assertRefused(consul.put("/v1/agent/service/register",
                json(obj("Name", rejected, "Check", obj("Interval", "10s")))), 400, "Invalid check");
        assertRefused(consul.put("/v1/agent/service/register",
                json(obj("Name", rejected, "Check", obj("TTL", "10s", "Status", "fine")))), 400, "Status");
        assertRefused(consul.put("/v1/agent/service/deregister/" + rejected), 404, rejected);
        assertRefused(consul.put("/v1/agent/check/pass/" + rejected), 404, rejected);
        assertRefused(consul.put("/v1/agent/check/fail/" + rejected), 404, rejected);
        assertRefused(consul.put("/v1/agent/service/maintenance/" + rejected + "?enable=true"), 404, "");
        assertRefused(consul.put("/v1/agent/service/maintenance/" + existing), 400, "Missing value for enable");
        assertRefused(consul.put("/v1/agent/service/maintenance/" + existing + "?enable=perhaps"), 400,
                "Invalid value for enable");
        assertRefused(consul.get("/v1/catalog/services?wait=forever"), 400, "Invalid wait time");
        assertRefused(consul.get("/v1/catalog/services?index=abc"), 400, "Invalid index");
        assertRefused(consul.get("/v1/health/service/" + existing + "?index=-1"), 400, "Invalid index");
        assertRefused(consul.get("/v1/agent/service/register"), 405, "");
        assertRefused(consul.send("POST", "/v1/agent/service/register", json(obj("Name", rejected)),
                Duration.ofSeconds(10)), 405, "");
        assertRefused(consul.put("/v1/catalog/services"), 405, "");
        assertRefused(consul.get("/v1/no/such/endpoint"), 404, "");

        assertThat(consul.get("/v1/catalog/services").index()).as("no registration changed").isEqualTo(catalogIndex);
        assertThat(consul.get("/v1/agent/services").body()).isEqualTo(servicesBefore);
        assertThat(consul.get("/v1/catalog/services").json().has(rejected)).isFalse();
        assertThat(check("service:" + existing).get("Status").stringValue()).isEqualTo("critical");
        assertThat(consul.get("/v1/agent/checks").json().has("_service_maintenance:" + existing)).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    protected String checkUrl(String path) {
        return "http://" + target.checkHost() + ":" + health.port() + path;
    }

    protected void register(Map<String, Object> definition) {
        Object id = definition.get("ID") != null ? definition.get("ID") : definition.get("Name");
        registered.add(String.valueOf(id));
        consul.register(definition);
    }

    protected JsonNode check(String checkId) {
        JsonNode check = consul.get("/v1/agent/checks").json().get(checkId);
        assertThat(check).as("check " + checkId).isNotNull();
        return check;
    }

    /** The one service check of a service name, as the catalog (health endpoint) reports it. */
    protected JsonNode healthCheck(String serviceName) {
        JsonNode checks = consul.get("/v1/health/checks/" + serviceName).json();
        assertThat(checks.size()).as("checks of " + serviceName).isEqualTo(1);
        return checks.get(0);
    }

    protected void awaitCheck(String serviceName, String status) {
        eventually().untilAsserted(() ->
                assertThat(healthCheck(serviceName).get("Status").stringValue()).isEqualTo(status));
    }

    protected void awaitCheck(String serviceName, String status, String output) {
        eventually().untilAsserted(() -> {
            JsonNode check = healthCheck(serviceName);
            assertThat(check.get("Status").stringValue()).isEqualTo(status);
            assertThat(check.get("Output").stringValue()).isEqualTo(output);
        });
    }

    /** Waits until a registration has reached the catalog (immediate on the emulator). */
    protected void awaitVisible(String serviceName) {
        eventually().untilAsserted(() ->
                assertThat(consul.get("/v1/health/service/" + serviceName).json().size()).isPositive());
    }

    /** The single entry of a health or catalog list, once the registration has reached the catalog. */
    protected JsonNode firstEntry(String path) {
        eventually().untilAsserted(() -> assertThat(consul.get(path).json().size()).isEqualTo(1));
        return consul.get(path).json().get(0);
    }

    protected static List<String> serviceIds(JsonNode healthEntries) {
        List<String> out = new ArrayList<>();
        for (JsonNode entry : healthEntries.values()) {
            out.add(entry.get("Service").get("ID").stringValue());
        }
        return out;
    }

    protected static List<String> checkIds(JsonNode checks) {
        List<String> out = new ArrayList<>();
        for (JsonNode check : checks.values()) {
            out.add(check.get("CheckID").stringValue());
        }
        return out;
    }

    /** A node as /v1/health/service and /v1/catalog/nodes show it: the dev agent's own, in dc1. */
    private static void assertIsTheAgentsNode(JsonNode node) {
        assertThat(node.get("ID").stringValue()).isNotEmpty();
        assertThat(node.get("Node").stringValue()).isNotEmpty();
        assertThat(node.get("Address").stringValue()).isNotEmpty();
        assertThat(node.get("Datacenter").stringValue()).isEqualTo("dc1");
        assertThat(node.get("TaggedAddresses").isObject()).isTrue();
        assertThat(node.get("Meta").isObject()).isTrue();
    }

    /** A catalog record (service, check, catalog entry): written by Raft, so it carries both indexes. */
    private static void assertHasRaftIndexes(JsonNode record) {
        assertThat(record.get("CreateIndex").longValue()).as("CreateIndex").isPositive();
        assertThat(record.get("ModifyIndex").longValue()).as("ModifyIndex").isPositive();
    }

    private static JsonNode find(JsonNode checks, String checkId) {
        for (JsonNode check : checks.values()) {
            if (check.get("CheckID").stringValue().equals(checkId)) {
                return check;
            }
        }
        throw new AssertionError("no check " + checkId + " in " + checks);
    }

    private static List<String> header(HealthTarget.Hit hit, String name) {
        for (Map.Entry<String, List<String>> header : hit.headers().entrySet()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return List.of();
    }

    private static void assertRefused(ConsulHttp.Response response, int status, String bodyContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(bodyContains);
        assertThat(response.body()).as("no stack trace").doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
