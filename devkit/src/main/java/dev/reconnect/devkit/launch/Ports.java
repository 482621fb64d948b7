package dev.reconnect.devkit.launch;

/** The loopback ports of one local system. */
public record Ports(int registry, int gateway, int api, int ws) {
    /** The documented defaults: gateway 8080, api-service 8081, ws-service 8082, registry 8500. */
    public static Ports defaults() {
        return new Ports(8500, 8080, 8081, 8082);
    }

    /** A block of ports from {@code base}, for tests that must not collide with a running demo. */
    public static Ports from(int base) {
        return new Ports(base, base + 1, base + 2, base + 3);
    }
}
