package dev.reconnect.consul.emulator.registration;

/** The kinds of check the emulator runs. Consul's "Type" field spells them in lower case. */
public enum CheckKind {
    HTTP("http"),
    TCP("tcp"),
    TTL("ttl");

    private final String wire;

    CheckKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
