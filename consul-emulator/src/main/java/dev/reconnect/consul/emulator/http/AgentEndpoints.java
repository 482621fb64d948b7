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
import dev.reconnect.consul.emulator.registration.CheckRegistration;
import dev.reconnect.consul.emulator.registration.CheckUpdate;
import dev.reconnect.consul.emulator.registration.RegistrationParser;
import dev.reconnect.consul.emulator.registration.ServiceRegistration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** /v1/agent/*: what a service does to its local agent (register, heartbeat, maintenance) and reads back. */
final class AgentEndpoints {

    private static final System.Logger LOG = System.getLogger("dev.reconnect.consul.emulator");

    private final Agent agent;
    private final Catalog catalog;
    private final Json json;
    private final RegistrationParser parser;
    /** Shown as the "acls" member tag: "1" when enforced, "0" when off, as Consul's agent sets it. */
    private final boolean aclsEnforced;

    AgentEndpoints(Agent agent, Json json, boolean aclsEnforced) {
        this.agent = agent;
        this.aclsEnforced = aclsEnforced;
        this.catalog = agent.catalog();
        this.json = json;
        this.parser = new RegistrationParser(json);
    }

    void register(Router router) {
        router.command("PUT", "/v1/agent/service/register", this::registerService);
        router.command("PUT", "/v1/agent/service/deregister/", request ->
                deregister(request, this::vetServiceUpdate, agent::deregister));
        router.command("PUT", "/v1/agent/service/maintenance/", this::maintenance);
        router.command("PUT", "/v1/agent/check/register", this::registerCheck);
        router.command("PUT", "/v1/agent/check/deregister/", request ->
                deregister(request, this::vetCheckUpdate, agent::deregisterCheck));
        router.command("PUT", "/v1/agent/check/pass/", request -> ttl(request, CheckStatus.PASSING));
        router.command("PUT", "/v1/agent/check/warn/", request -> ttl(request, CheckStatus.WARNING));
        router.command("PUT", "/v1/agent/check/fail/", request -> ttl(request, CheckStatus.CRITICAL));
        router.command("PUT", "/v1/agent/check/update/", this::checkUpdate);
        // List reads need no check here: ApiServer empties them for anonymous callers, as Consul's ACL filters do.
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
        router.query("/v1/agent/service/", this::service);
        router.command("GET", "/v1/agent/self", request -> {
            request.caller().require(Acl.Resource.AGENT, Acl.Access.READ, catalog.node().name());
            return ApiResponse.json(json.write(self()), 0);
        });
        router.command("GET", "/v1/agent/members", this::members);
    }

    /**
     * Consul's order (agent_endpoint.go AgentRegisterService): a body it cannot decode, a missing name and an
     * "any" address are 400 before the token is resolved; an unknown token is 403 before the remaining 400s;
     * the right to write the service is checked last.
     */
    private ApiResponse registerService(ApiRequest request) {
        byte[] body = request.body();
        // The exact body helps when a client's registration is refused; only at debug level.
        LOG.log(System.Logger.Level.DEBUG, () -> "registration body: "
                + new String(body, java.nio.charset.StandardCharsets.UTF_8));
        ServiceRegistration registration = parseInConsulsOrder(request, () -> parser.parse(body));
        Acl.Caller caller = request.caller();
        caller.require(Acl.Resource.SERVICE, Acl.Access.WRITE, registration.name());
        // Overwriting another service's registration under the same ID needs the right on that one too.
        ServiceInstance existing = agentService(registration.id());
        if (existing != null) {
            caller.require(Acl.Resource.SERVICE, Acl.Access.WRITE, existing.name());
        }
        agent.register(registration);
        return ApiResponse.ok();
    }

    /** Same order as registering a service (agent_endpoint.go AgentRegisterCheck). */
    private ApiResponse registerCheck(ApiRequest request) {
        CheckRegistration registration =
                parseInConsulsOrder(request, () -> parser.parseCheckRegistration(request.body()));
        Acl.Caller caller = request.caller();
        // An unknown ServiceID is a 404 before any ACL check, as in Consul.
        if (registration.serviceId() != null) {
            ServiceInstance service = agentService(registration.serviceId());
            if (service == null) {
                throw RequestRejectedException.notFound("ServiceID \"" + registration.serviceId()
                        + "\" does not exist");
            }
            caller.require(Acl.Resource.SERVICE, Acl.Access.WRITE, service.name());
        } else {
            caller.require(Acl.Resource.NODE, Acl.Access.WRITE, catalog.node().name());
        }
        HealthCheck existing = agentCheck(registration.checkId());
        if (existing != null) {
            requireCheckWrite(caller, existing);
        }
        agent.registerCheck(registration.checkId(), registration.definition(), registration.serviceId());
        return ApiResponse.ok();
    }

    /**
     * Parses a registration body in Consul's order: a refusal its handler gives before resolving the token
     * is given whatever the token; for any other the token is resolved first, so an unknown one is a 403.
     */
    private static <T> T parseInConsulsOrder(ApiRequest request, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (RequestRejectedException e) {
            if (!RegistrationParser.isRefusedBeforeTokenCheck(e)) {
                request.caller();
            }
            throw e;
        }
    }

    /** GET /v1/agent/service/{id}: one local service, blocking on {@code ?hash=} as Consul's does. */
    private Router.Watch service(ApiRequest request) {
        String serviceId = request.pathParameter();
        // Consul resolves the token first, then answers 404 for an unknown ID, then checks service:read.
        Acl.Caller caller = request.caller();
        return new Router.Watch(WatchKeys.SERVICES, () -> catalog.read(WatchKeys.SERVICES, view -> {
            ServiceInstance service = view.agentService(serviceId);
            if (service == null) {
                throw RequestRejectedException.notFound("unknown service ID: " + serviceId);
            }
            caller.require(Acl.Resource.SERVICE, Acl.Access.READ, service.name());
            Map<String, Object> out = JsonViews.agentService(service, view.node().datacenter());
            // api.AgentService field order: ContentHash comes before Datacenter.
            Object datacenter = out.remove("Datacenter");
            out.put("ContentHash", contentHash(out));
            out.put("Datacenter", datacenter);
            return out;
        }), value -> String.valueOf(((Map<?, ?>) value).get("ContentHash")));
    }

    /** An opaque 64-bit hash in hex, as Consul's hashstructure value is: only equality matters to clients. */
    private String contentHash(Map<String, Object> view) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(json.write(view));
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** GET /v1/agent/members: the agent's single LAN member (or WAN member with ?wan), filtered by node:read. */
    private ApiResponse members(ApiRequest request) {
        String wanValue = request.first("wan");
        boolean wan = wanValue != null && !wanValue.isEmpty();
        String segment = request.first("segment");
        if (wan && segment != null && !segment.isEmpty() && !segment.equals("_all")) {
            throw RequestRejectedException.badRequest("Cannot provide a segment with wan=true");
        }
        Acl.Caller caller = request.caller();
        List<Object> members = caller.mayReadEverything() ? List.of(member(wan)) : List.of();
        return ApiResponse.json(json.write(members), 0);
    }

    /** PUT .../deregister/{id} of a service or a check: the caller must be allowed to change it. */
    private static ApiResponse deregister(ApiRequest request, BiConsumer<Acl.Caller, String> vet,
            BiConsumer<String, String> deregisterWithReason) {
        String id = request.pathParameter();
        vet.accept(request.caller(), id);
        deregisterWithReason.accept(id, "API request");
        return ApiResponse.ok();
    }

    private ApiResponse ttl(ApiRequest request, CheckStatus status) {
        String note = request.first("note");
        vetCheckUpdate(request.caller(), request.pathParameter());
        agent.updateTtl(request.pathParameter(), status, note == null ? "" : note);
        return ApiResponse.ok();
    }

    /** The PUT alternative to pass/warn/fail: {"Status": "...", "Output": "..."}. */
    private ApiResponse checkUpdate(ApiRequest request) {
        CheckUpdate update = parser.parseCheckUpdate(request.body());
        vetCheckUpdate(request.caller(), request.pathParameter());
        agent.updateTtl(request.pathParameter(), update.status(), update.output());
        return ApiResponse.ok();
    }

    /**
     * agent/acl.go vetServiceUpdateWithAuthorizer: service:write on the existing service. An unknown ID is
     * left to the agent, whose 404 Consul gives before (and instead of) the ACL check.
     */
    private void vetServiceUpdate(Acl.Caller caller, String serviceId) {
        if (caller.mayReadEverything()) {
            return;
        }
        ServiceInstance existing = agentService(serviceId);
        if (existing != null) {
            caller.require(Acl.Resource.SERVICE, Acl.Access.WRITE, existing.name());
        }
    }

    /** agent/acl.go vetCheckUpdateWithAuthorizer: 404 for an unknown check, else write on its owner. */
    private void vetCheckUpdate(Acl.Caller caller, String checkId) {
        if (caller.mayReadEverything()) {
            return;
        }
        HealthCheck existing = agentCheck(checkId);
        if (existing == null) {
            throw Catalog.unknownCheck(checkId);
        }
        requireCheckWrite(caller, existing);
    }

    private void requireCheckWrite(Acl.Caller caller, HealthCheck check) {
        if (check.isNodeCheck()) {
            caller.require(Acl.Resource.NODE, Acl.Access.WRITE, catalog.node().name());
        } else {
            caller.require(Acl.Resource.SERVICE, Acl.Access.WRITE, check.serviceName());
        }
    }

    private ServiceInstance agentService(String serviceId) {
        return catalog.read(WatchKeys.SERVICES, view -> view.agentService(serviceId)).value();
    }

    private HealthCheck agentCheck(String checkId) {
        return catalog.read(WatchKeys.CHECKS, view -> view.agentCheck(checkId)).value();
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
        vetServiceUpdate(request.caller(), serviceId);
        agent.maintenance(serviceId, enable, reason);
        return ApiResponse.ok();
    }

    /**
     * The agent as a Serf member (serf.Member), for /v1/agent/members and the Member of /v1/agent/self.
     * On the WAN a server is known as "node.datacenter" on port 8302.
     */
    private Map<String, Object> member(boolean wan) {
        Node node = catalog.node();
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("acls", aclsEnforced ? "1" : "0");
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
        member.put("Name", wan ? node.name() + "." + node.datacenter() : node.name());
        member.put("Addr", node.address());
        member.put("Port", wan ? 8302 : 8301);
        member.put("Tags", tags);
        member.put("Status", 1);
        member.put("ProtocolMin", 1);
        member.put("ProtocolMax", 5);
        member.put("ProtocolCur", 2);
        member.put("DelegateMin", 2);
        member.put("DelegateMax", 5);
        member.put("DelegateCur", 4);
        return member;
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

        Map<String, Object> member = member(false);

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
