package dev.reconnect.devkit.launch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loopback ports of one local system. Every Spring service also listens on a management port
 * (actuator endpoints other than /readyz and /livez): its own port plus {@code managementOffset},
 * so that two ws-service instances, parallel test blocks and a running demo never share one.
 */
public record Ports(int registry, int gateway, int api, int ws, int managementOffset) {
    /**
     * Offset of a test block's management ports: inside the block (registry +0, gateway +1,
     * api-service +2, ws-service +3 and +13 for a second instance; management +5, +6, +7, +17).
     */
    public static final int BLOCK_MANAGEMENT_OFFSET = 4;

    /**
     * Ports a test block from {@link #from} may use, from its base: every port of {@link #all()} lies in
     * [base, base + BLOCK_SIZE), so blocks that far apart never meet, Consul's own ports included.
     */
    public static final int BLOCK_SIZE = 20;

    /** A block of four consecutive-or-not ports, with management ports inside the block. */
    public Ports(int registry, int gateway, int api, int ws) {
        this(registry, gateway, api, ws, BLOCK_MANAGEMENT_OFFSET);
    }

    /**
     * The documented defaults: gateway 8080, api-service 8081, ws-service 8082, registry 8500; their
     * management ports are the services' defaults 9080, 9081, 9082 (a second ws-service on 8092: 9092).
     */
    public static Ports defaults() {
        return new Ports(8500, 8080, 8081, 8082, 1000);
    }

    /** A block of ports from {@code base}, for tests that must not collide with a running demo. */
    public static Ports from(int base) {
        return new Ports(base, base + 1, base + 2, base + 3, BLOCK_MANAGEMENT_OFFSET);
    }

    /** The management port of the service that listens on {@code port}. */
    public int management(int port) {
        return port + managementOffset;
    }

    /** The port of ws-service instance {@code instance} (0, 1, ...): 10 apart, as {@code ScenarioRun.wsPort}. */
    public int ws(int instance) {
        return ws + 10 * instance;
    }

    /** Every port a Consul dev agent as registry would open (consul-emulator opens only {@link #registry}). */
    public ConsulPorts consul() {
        return ConsulPorts.around(registry);
    }

    /**
     * Every port a system on these ports may listen on, by what listens: the services, two ws-service
     * instances, their management ports, and all of a Consul dev agent's ports. For checks that no two
     * systems (test cases, the demo) can ever meet on a port.
     */
    public Map<String, Integer> all() {
        Map<String, Integer> all = new LinkedHashMap<>();
        all.put("gateway", gateway);
        all.put("api-service", api);
        for (int i = 0; i < 2; i++) {
            all.put("ws-service#" + i, ws(i));
        }
        all.put("gateway (management)", management(gateway));
        all.put("api-service (management)", management(api));
        for (int i = 0; i < 2; i++) {
            all.put("ws-service#" + i + " (management)", management(ws(i)));
        }
        consul().byName().forEach((name, port) -> all.put("registry " + name, port));
        return all;
    }
}
