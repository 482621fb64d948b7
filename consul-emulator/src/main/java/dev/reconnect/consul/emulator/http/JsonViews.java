package dev.reconnect.consul.emulator.http;

import dev.reconnect.consul.emulator.catalog.HealthCheck;
import dev.reconnect.consul.emulator.catalog.Node;
import dev.reconnect.consul.emulator.catalog.ServiceInstance;
import dev.reconnect.consul.emulator.catalog.Weights;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Consul's answer shapes, field by field, in Consul's order and spelling. Lists are never null
 * and maps never missing, because Consul itself replaces nil with [] and {} before answering.
 */
final class JsonViews {

    private JsonViews() {
    }

    /** /v1/agent/services values. */
    static Map<String, Object> agentService(ServiceInstance s, String datacenter) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ID", s.id());
        out.put("Service", s.name());
        out.put("Tags", new ArrayList<>(s.tags()));
        out.put("Meta", new LinkedHashMap<>(s.meta()));
        out.put("Port", s.port());
        out.put("Address", s.address());
        out.put("Weights", weights(s.weights()));
        out.put("EnableTagOverride", s.enableTagOverride());
        out.put("Datacenter", datacenter);
        return out;
    }

    /** The "Service" of a /v1/health/service entry. */
    static Map<String, Object> healthService(ServiceInstance s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ID", s.id());
        out.put("Service", s.name());
        out.put("Tags", new ArrayList<>(s.tags()));
        out.put("Address", s.address());
        out.put("Meta", new LinkedHashMap<>(s.meta()));
        out.put("Port", s.port());
        out.put("Weights", weights(s.weights()));
        out.put("EnableTagOverride", s.enableTagOverride());
        out.put("CreateIndex", s.createIndex());
        out.put("ModifyIndex", s.modifyIndex());
        return out;
    }

    /** Checks as /v1/agent/checks and every /v1/health endpoint write them. */
    static Map<String, Object> check(HealthCheck c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Node", c.node());
        out.put("CheckID", c.checkId());
        out.put("Name", c.name());
        out.put("Status", c.status().wire());
        out.put("Notes", c.notes());
        out.put("Output", c.output());
        out.put("ServiceID", c.serviceId());
        out.put("ServiceName", c.serviceName());
        out.put("ServiceTags", new ArrayList<>(c.serviceTags()));
        out.put("Type", c.type());
        out.put("Interval", c.interval());
        out.put("Timeout", c.timeout());
        out.put("ExposedPort", 0);
        out.put("CreateIndex", c.createIndex());
        out.put("ModifyIndex", c.modifyIndex());
        return out;
    }

    static List<Object> checks(List<HealthCheck> checks) {
        List<Object> out = new ArrayList<>();
        for (HealthCheck check : checks) {
            out.add(check(check));
        }
        return out;
    }

    /** The "Node" of a /v1/health/service entry and each element of /v1/catalog/nodes. */
    static Map<String, Object> node(Node n) {
        Map<String, Object> out = nodeIdentity(n);
        out.put("Meta", new LinkedHashMap<>(n.meta()));
        out.put("CreateIndex", n.createIndex());
        out.put("ModifyIndex", n.modifyIndex());
        return out;
    }

    static Map<String, Object> healthEntry(Node node, ServiceInstance service, List<HealthCheck> checks) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Node", node(node));
        out.put("Service", healthService(service));
        out.put("Checks", checks(checks));
        return out;
    }

    /** /v1/catalog/service/{name} elements: node fields flattened next to Service* fields. */
    static Map<String, Object> catalogEntry(Node n, ServiceInstance s) {
        Map<String, Object> out = nodeIdentity(n);
        out.put("NodeMeta", new LinkedHashMap<>(n.meta()));
        out.put("ServiceKind", "");
        out.put("ServiceID", s.id());
        out.put("ServiceName", s.name());
        out.put("ServiceTags", new ArrayList<>(s.tags()));
        out.put("ServiceAddress", s.address());
        out.put("ServiceWeights", weights(s.weights()));
        out.put("ServiceMeta", new LinkedHashMap<>(s.meta()));
        out.put("ServicePort", s.port());
        out.put("ServiceEnableTagOverride", s.enableTagOverride());
        out.put("CreateIndex", s.createIndex());
        out.put("ModifyIndex", s.modifyIndex());
        return out;
    }

    /** The node fields both node shapes start with; they name its meta differently after these. */
    private static Map<String, Object> nodeIdentity(Node n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ID", n.id());
        out.put("Node", n.name());
        out.put("Address", n.address());
        out.put("Datacenter", n.datacenter());
        out.put("TaggedAddresses", new LinkedHashMap<>(n.taggedAddresses()));
        return out;
    }

    private static Map<String, Object> weights(Weights w) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Passing", w.passing());
        out.put("Warning", w.warning());
        return out;
    }
}
