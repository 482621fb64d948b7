package dev.reconnect.devkit.launch;

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
}
