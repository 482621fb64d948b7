package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.agent.Agent;
import dev.reconnect.consul.emulator.catalog.Catalog;
import dev.reconnect.consul.emulator.catalog.CheckStatus;
import dev.reconnect.consul.emulator.catalog.HealthCheck;
import dev.reconnect.consul.emulator.catalog.Node;
import dev.reconnect.consul.emulator.catalog.RequestRejectedException;
import dev.reconnect.consul.emulator.catalog.ServiceInstance;
import dev.reconnect.consul.emulator.catalog.WatchKeys;
import dev.reconnect.consul.emulator.json.Json;
import dev.reconnect.consul.emulator.registration.RegistrationParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /v1/agent/*: what a service does to its local agent (register, heartbeat, maintenance) and reads back. */
final class AgentEndpoints {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final Agent agent;
    private final Catalog catalog;
    private final Json json;
    private final RegistrationParser parser;

    AgentEndpoints(Agent agent, Json json) {
        this.agent = agent;
        this.catalog = agent.catalog();
        this.json = json;
        this.parser = new RegistrationParser(json);
    }

    void register(Router router) {
        router.command("PUT", "/v1/agent/service/register", this::registerService);
        router.command("PUT", "/v1/agent/service/deregister/", request -> {
            agent.deregister(request.pathParameter(), "API request");
            return ApiResponse.ok();
        });
        router.command("PUT", "/v1/agent/service/maintenance/", this::maintenance);
        router.command("PUT", "/v1/agent/check/pass/", request -> ttl(request, CheckStatus.PASSING));
        router.command("PUT", "/v1/agent/check/warn/", request -> ttl(request, CheckStatus.WARNING));
        router.command("PUT", "/v1/agent/check/fail/", request -> ttl(request, CheckStatus.CRITICAL));
        router.command("PUT", "/v1/agent/check/update/", this::checkUpdate);
        router.query("/v1/agent/services", request -> new Router.Watch(WatchKeys.SERVICES,
                () -> catalog.read(WatchKeys.SERVICES, view -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (ServiceInstance service : view.agentServices()) {
                        out.put(service.id(), JsonViews.agentService(service, view.node().datacenter()));
                    }
                    return out;
                })));
        router.query("/v1/agent/checks", request -> new Router.Watch(WatchKeys.CHECKS,
                () -> catalog.read(WatchKeys.CHECKS, view -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    for (HealthCheck check : view.checks()) {
                        out.put(check.checkId(), JsonViews.check(check));
                    }
                    return out;
                })));
        router.command("GET", "/v1/agent/self", request -> ApiResponse.json(json.write(self()), 0));
    }

    private ApiResponse registerService(ApiRequest request) {
        byte[] body = request.body();
        // The exact body helps when a client's registration is refused; only at debug level.
        LOG.log(System.Logger.Level.DEBUG, () -> "registration body: "
                + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        agent.register(parser.parse(body));
        return ApiResponse.ok();
    }

    private ApiResponse ttl(ApiRequest request, CheckStatus status) {
        String note = request.first("note");
        agent.updateTtl(request.pathParameter(), status, note == null ? "" : note);
        return ApiResponse.ok();
    }

    /** The PUT alternative to pass/warn/fail: {"Status": "...", "Output": "..."}. */
    private ApiResponse checkUpdate(ApiRequest request) {
        byte[] body = request.body();
        String statusText = "";
        String output = "";
        if (body.length > 0) {
            Object tree;
            try {
                tree = json.read(body);
            } catch (Json.MalformedJsonException e) {
                throw RequestRejectedException.badRequest("Request decode failed: " + e.getMessage());
            }
            if (!(tree instanceof Map)) {
                throw RequestRejectedException.badRequest("Request decode failed: expected a JSON object");
            }
            for (Map.Entry<?, ?> field : ((Map<?, ?>) tree).entrySet()) {
                String key = String.valueOf(field.getKey());
                if (key.equalsIgnoreCase("Status") && field.getValue() instanceof String) {
                    statusText = (String) field.getValue();
                } else if (key.equalsIgnoreCase("Output") && field.getValue() instanceof String) {
                    output = (String) field.getValue();
                }
            }
        }
        String finalStatus = statusText;
        CheckStatus status = CheckStatus.fromWire(statusText).orElseThrow(() ->
                RequestRejectedException.badRequest("Invalid check status: '" + finalStatus + "'"));
        agent.updateTtl(request.pathParameter(), status, output);
        return ApiResponse.ok();
    }

    private ApiResponse maintenance(ApiRequest request) {
        String serviceId = request.pathParameter();
        if (serviceId.isEmpty()) {
            throw RequestRejectedException.badRequest("Missing service ID");
        }
        if (!request.has("enable")) {
            throw RequestRejectedException.badRequest("Missing value for enable");
        }
        String raw = request.first("enable");
        boolean enable = GoBool.parse(raw).orElseThrow(() ->
                RequestRejectedException.badRequest("Invalid value for enable: \"" + raw + "\""));
        String reason = request.first("reason");
        agent.maintenance(serviceId, enable, reason);
        return ApiResponse.ok();
    }

    /** Enough of /v1/agent/self for clients that look up the datacenter or node name. */
    private Map<String, Object> self() {
        Node node = catalog.node();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Datacenter", node.datacenter());
        config.put("PrimaryDatacenter", node.datacenter());
        config.put("NodeName", node.name());
        config.put("NodeID", node.id());
        config.put("Partition", "");
        config.put("Revision", "consul-emulator");
        config.put("Server", true);
        config.put("Version", Catalog.CONSUL_VERSION);
        config.put("BuildDate", "2025-01-01T00:00:00Z");

        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("build", Catalog.CONSUL_VERSION + ":consul-emulator");
        tags.put("dc", node.datacenter());
        tags.put("id", node.id());
        tags.put("port", "8300");
        tags.put("role", "consul");
        tags.put("segment", "");
        tags.put("vsn", "2");
        tags.put("vsn_max", "3");
        tags.put("vsn_min", "2");
        Map<String, Object> member = new LinkedHashMap<>();
        member.put("Name", node.name());
        member.put("Addr", node.address());
        member.put("Port", 8301);
        member.put("Tags", tags);
        member.put("Status", 1);
        member.put("ProtocolMin", 1);
        member.put("ProtocolMax", 5);
        member.put("ProtocolCur", 2);
        member.put("DelegateMin", 2);
        member.put("DelegateMax", 5);
        member.put("DelegateCur", 4);

        Map<String, Object> coord = new LinkedHashMap<>();
        coord.put("Vec", List.of(0, 0, 0, 0, 0, 0, 0, 0));
        coord.put("Error", 1.5);
        coord.put("Adjustment", 0);
        coord.put("Height", 1.0e-5);

        Map<String, Object> consulStats = new LinkedHashMap<>();
        consulStats.put("bootstrap", "false");
        consulStats.put("known_datacenters", "1");
        consulStats.put("leader", "true");
        consulStats.put("leader_addr", "127.0.0.1:8300");
        consulStats.put("server", "true");
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("consul", consulStats);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Config", config);
        out.put("Coord", coord);
        out.put("Member", member);
        out.put("Stats", stats);
        out.put("Meta", new LinkedHashMap<>(node.meta()));
        return out;
    }
}
