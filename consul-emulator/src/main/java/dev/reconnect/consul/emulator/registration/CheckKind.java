package dev.reconnect.consul.emulator.registration;

import java.util.Locale;

/** The kinds of check the emulator runs. Consul's "Type" field spells them in lower case. */
public enum CheckKind {
    HTTP,
    TCP,
    TTL;

    /** Consul spells every kind as the constant's name in lower case. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }
}
