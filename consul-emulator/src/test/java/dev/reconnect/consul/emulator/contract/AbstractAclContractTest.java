package dev.reconnect.consul.emulator.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.reconnect.consul.emulator.support.TestSupport.eventually;
import static dev.reconnect.consul.emulator.support.TestSupport.json;
import static dev.reconnect.consul.emulator.support.TestSupport.obj;
import static dev.reconnect.consul.emulator.support.TestSupport.unique;

import dev.reconnect.consul.emulator.support.ConsulHttp;
import dev.reconnect.consul.emulator.support.ConsulTarget;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * How an agent with ACLs enabled, default policy deny and one initial management token answers,
 * run against the emulator ({@code --acl-token}) and, where Docker runs, against Consul configured
 * that way. The texts are Consul's: "ACL not found" for an unknown token, "Permission denied: token
 * with AccessorID '...0002' lacks permission '...' on \"...\"" for anonymous, each with status 403;
 * list reads by anonymous are filtered to nothing rather than refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractAclContractTest {

    /** Consul wants a UUID for the initial management token (others are deprecated); any secret does for the emulator. */
    static final String TOKEN = "6f2f4a9e-3c1b-4d57-9a0e-2b8c7d1e5f40";
    static final String ANONYMOUS = "00000000-0000-0000-0000-000000000002";

    protected ConsulTarget target;
    /** Sends the management token on every request. */
    protected ConsulHttp admin;
    /** Sends no token: Consul's anonymous token. */
    protected ConsulHttp anonymous;
    private final List<String> registered = new CopyOnWriteArrayList<>();

    /** Starts an agent whose only token is {@link #TOKEN}, management, with default policy deny. */
    protected abstract ConsulTarget startTarget();

    @BeforeAll
    final void startAgent() {
        target = startTarget();
        admin = new ConsulHttp(target.baseUri(), "X-Consul-Token", TOKEN);
        anonymous = new ConsulHttp(target.baseUri());
    }

    @AfterAll
    final void stopAgent() {
        if (target != null) {
            target.close();
        }
    }

    @AfterEach
    final void deregisterWhatTheTestRegistered() {
        for (String id : registered) {
            admin.put("/v1/agent/service/deregister/" + id);
        }
        registered.clear();
    }

    @Test
    void leaderAndPeersAnswerWithoutAToken() {
        assertThat(anonymous.get("/v1/status/leader").status()).isEqualTo(200);
        assertThat(anonymous.get("/v1/status/peers").status()).isEqualTo(200);
        assertThat(withToken("not-the-token").get("/v1/status/leader").status())
                .as("status endpoints do not even look at the token").isEqualTo(200);
    }

    @Test
    void everyAnswerSaysTheDefaultPolicyIsDeny() {
        assertThat(anonymous.get("/v1/status/leader").header("X-Consul-Default-ACL-Policy")).isEqualTo("deny");
        assertThat(admin.get("/v1/agent/services").header("X-Consul-Default-ACL-Policy")).isEqualTo("deny");
    }

    @Test
    void anAnonymousRegistrationIsRefusedWithConsulsTextAndLeavesNothingBehind() {
        String name = unique("anon");

        ConsulHttp.Response response = anonymous.put("/v1/agent/service/register",
                json(obj("ID", name, "Name", name, "Check", obj("TTL", "30s"))));

        assertDenied(response, "service:write", name);
        assertThat(admin.get("/v1/agent/services").json().has(name)).isFalse();
        assertThat(admin.get("/v1/agent/checks").json().has("service:" + name)).isFalse();
    }

    @Test
    void anUnknownTokenIsAclNotFoundOnWritesAndReads() {
        String name = unique("wrong");
        ConsulHttp wrong = withToken(UUID.randomUUID().toString());

        ConsulHttp.Response write = wrong.put("/v1/agent/service/register", json(obj("ID", name, "Name", name)));
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.body()).isEqualTo("ACL not found");
        for (String path : List.of("/v1/health/service/" + name, "/v1/catalog/services", "/v1/agent/services",
                "/v1/agent/self", "/v1/agent/members")) {
            ConsulHttp.Response read = wrong.get(path);
            assertThat(read.status()).as(path).isEqualTo(403);
            assertThat(read.body()).as(path).isEqualTo("ACL not found");
        }
        assertThat(admin.get("/v1/agent/services").json().has(name)).isFalse();
    }

    @Test
    void theManagementTokenIsAcceptedInAllThreePlacesConsulReadsIt() {
        String byHeader = unique("header");
        String byBearer = unique("bearer");
        String byQuery = unique("query");

        assertRegistered(admin.put("/v1/agent/service/register", json(obj("ID", byHeader, "Name", byHeader))),
                byHeader);
        assertRegistered(anonymous.send("PUT", "/v1/agent/service/register", json(obj("ID", byBearer,
                "Name", byBearer)), Duration.ofSeconds(10), "Authorization", "Bearer " + TOKEN), byBearer);
        assertRegistered(anonymous.put("/v1/agent/service/register?token=" + TOKEN,
                json(obj("ID", byQuery, "Name", byQuery))), byQuery);

        JsonNode services = admin.get("/v1/agent/services").json();
        assertThat(services.has(byHeader)).isTrue();
        assertThat(services.has(byBearer)).isTrue();
        assertThat(services.has(byQuery)).isTrue();
        eventually().untilAsserted(() ->
                assertThat(admin.get("/v1/catalog/services").json().has(byQuery)).isTrue());
    }

    @Test
    void anonymousListReadsAreFilteredToNothingNotRefused() {
        String name = unique("hidden");
        register(obj("ID", name, "Name", name, "Check", obj("TTL", "30s", "Status", "passing")));
        eventually().untilAsserted(() ->
                assertThat(admin.get("/v1/health/service/" + name).json().size()).isEqualTo(1));

        Map<String, String> emptyAnswers = new LinkedHashMap<>();
        emptyAnswers.put("/v1/health/service/" + name, "[]");
        emptyAnswers.put("/v1/health/service/" + name + "?passing", "[]");
        emptyAnswers.put("/v1/health/checks/" + name, "[]");
        emptyAnswers.put("/v1/catalog/service/" + name, "[]");
        emptyAnswers.put("/v1/catalog/services", "{}");
        emptyAnswers.put("/v1/catalog/nodes", "[]");
        emptyAnswers.put("/v1/agent/services", "{}");
        emptyAnswers.put("/v1/agent/checks", "{}");
        emptyAnswers.put("/v1/agent/members", "[]");
        emptyAnswers.forEach((path, empty) -> {
            ConsulHttp.Response response = anonymous.get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.json()).as(path).isEqualTo(ConsulHttp.JSON.readTree(empty));
            assertThat(response.header("X-Consul-Results-Filtered-By-ACLs"))
                    .as(path + ": not told to anonymous callers").isNull();
        });
        assertThat(anonymous.get("/v1/health/service/" + name).index()).as("still a blocking-query index")
                .isPositive();
    }

    @Test
    void anonymousIsDeniedEachWriteAndEachSingleReadNamingTheRightItLacks() {
        String name = unique("denied");
        register(obj("ID", name, "Name", name, "Check", obj("TTL", "30s")));
        String node = admin.get("/v1/agent/self").json().get("Config").get("NodeName").stringValue();

        assertDenied(anonymous.get("/v1/agent/self"), "agent:read", node);
        assertDenied(anonymous.get("/v1/agent/service/" + name), "service:read", name);
        assertDenied(anonymous.put("/v1/agent/service/deregister/" + name), "service:write", name);
        assertDenied(anonymous.put("/v1/agent/service/maintenance/" + name + "?enable=true"), "service:write", name);
        assertDenied(anonymous.put("/v1/agent/check/pass/service:" + name), "service:write", name);
        assertDenied(anonymous.put("/v1/agent/check/update/service:" + name, "{\"Status\":\"passing\"}"),
                "service:write", name);
        assertDenied(anonymous.put("/v1/agent/check/deregister/service:" + name), "service:write", name);
        assertDenied(anonymous.put("/v1/agent/check/register", json(obj("Name", unique("n"), "TTL", "30s"))),
                "node:write", node);
        assertDenied(anonymous.put("/v1/agent/check/register",
                json(obj("Name", unique("s"), "ServiceID", name, "TTL", "30s"))), "service:write", name);

        JsonNode check = admin.get("/v1/agent/checks").json().get("service:" + name);
        assertThat(check.get("Status").stringValue()).as("nothing changed").isEqualTo("critical");
        assertThat(admin.get("/v1/agent/services").json().has(name)).isTrue();
        assertThat(admin.get("/v1/agent/checks").json().has("_service_maintenance:" + name)).isFalse();
    }

    @Test
    void refusalsConsulGivesBeforeLookingAtTheTokenComeFirst() {
        String unknown = unique("unknown");
        ConsulHttp wrong = withToken(UUID.randomUUID().toString());

        // 400s decided before the token is resolved, whatever the token.
        assertStatus(anonymous.put("/v1/agent/service/register", json(obj("ID", unknown))), 400,
                "Missing service name");
        assertStatus(wrong.put("/v1/agent/service/register", json(obj("ID", unknown))), 400, "Missing service name");
        assertStatus(wrong.put("/v1/agent/check/register", json(obj("TTL", "30s"))), 400, "Missing check name");
        assertStatus(anonymous.put("/v1/agent/service/maintenance/" + unknown), 400, "Missing value for enable");
        // A check Consul validates after resolving the token: the unknown token wins, anonymous gets the 400.
        assertStatus(wrong.put("/v1/agent/service/register",
                json(obj("Name", unknown, "Check", obj("Interval", "10s")))), 403, "ACL not found");
        assertStatus(anonymous.put("/v1/agent/service/register",
                json(obj("Name", unknown, "Check", obj("Interval", "10s")))), 400, "Invalid check");
        // Unknown IDs are 404 for anonymous too: Consul looks the service or check up before the ACL check.
        assertStatus(anonymous.put("/v1/agent/service/deregister/" + unknown), 404, unknown);
        assertStatus(anonymous.put("/v1/agent/check/pass/" + unknown), 404, unknown);
        assertStatus(anonymous.get("/v1/agent/service/" + unknown), 404, unknown);
        assertStatus(wrong.get("/v1/agent/service/" + unknown), 403, "ACL not found");
    }

    // ------------------------------------------------------------------ helpers

    private ConsulHttp withToken(String token) {
        return new ConsulHttp(target.baseUri(), "X-Consul-Token", token);
    }

    private void register(Map<String, Object> definition) {
        registered.add(String.valueOf(definition.get("ID")));
        admin.register(definition);
    }

    private void assertRegistered(ConsulHttp.Response response, String id) {
        registered.add(id);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    private static String denied(String permission, String name) {
        return "Permission denied: token with AccessorID '" + ANONYMOUS + "' lacks permission '" + permission
                + "' on \"" + name + "\"";
    }

    private static void assertDenied(ConsulHttp.Response response, String permission, String name) {
        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).isEqualTo(denied(permission, name));
    }

    private static void assertStatus(ConsulHttp.Response response, int status, String bodyContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).contains(bodyContains);
    }
}
