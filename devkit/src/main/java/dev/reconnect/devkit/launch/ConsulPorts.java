package dev.reconnect.devkit.launch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every port a Consul dev agent listens on, all set explicitly. Left to its defaults, {@code consul agent
 * -dev} also opens DNS 8600 (TCP and UDP), server RPC 8300, Serf LAN 8301 and WAN 8302 (TCP and UDP),
 * gRPC 8502 (dev mode) and gRPC TLS 8503 (hashicorp/consul agent/config/default.go, DefaultSource and
 * DevSource; the ports reference in Consul's documentation). Two agents with those defaults on one
 * host collide, so each gets ports next to its HTTP port, inside its test's 20-port block: the block
 * already holds the registry (+0), gateway, api-service and ws-service (+1..+3), a second ws-service
 * (+13) and their management ports (+5..+7, +17); Consul takes +8..+12 and +14. HTTPS stays off (-1),
 * as in the dev agent. The sidecar, expose and proxy port ranges are only handed out to registrations
 * and never opened by the agent itself.
 */
public record ConsulPorts(int http, int server, int serfLan, int serfWan, int dns, int grpc, int grpcTls) {

    /** The layout around {@code http}, for tests and for the demo's {@code consul agent -dev}. */
    public static ConsulPorts around(int http) {
        return new ConsulPorts(http, http + 8, http + 9, http + 10, http + 11, http + 12, http + 14);
    }

    /** Each port by its name in Consul's {@code ports} configuration block. */
    public Map<String, Integer> byName() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("http", http);
        ports.put("server", server);
        ports.put("serf_lan", serfLan);
        ports.put("serf_wan", serfWan);
        ports.put("dns", dns);
        ports.put("grpc", grpc);
        ports.put("grpc_tls", grpcTls);
        return ports;
    }

    /** The {@code ports { ... }} block for {@code consul agent -hcl}, HTTPS off. */
    public String hcl() {
        StringBuilder hcl = new StringBuilder("ports { https = -1");
        byName().forEach((name, port) -> hcl.append(", ").append(name).append(" = ").append(port));
        return hcl.append(" }").toString();
    }

    /** The arguments after {@code consul}: a dev agent on loopback only, with every port above. */
    public List<String> devAgentArgs() {
        return List.of("agent", "-dev", "-client=127.0.0.1", "-bind=127.0.0.1", "-hcl", hcl());
    }
}
