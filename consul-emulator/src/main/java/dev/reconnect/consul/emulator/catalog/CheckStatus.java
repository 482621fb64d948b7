package dev.reconnect.consul.emulator.catalog;

import java.util.Locale;
import java.util.Optional;

/** A health check's state, spelled on the wire exactly as Consul spells it. */
public enum CheckStatus {
    PASSING,
    WARNING,
    CRITICAL;

    /** Consul spells every status as the constant's name in lower case. */
    private final String wire = name().toLowerCase(Locale.ROOT);

    public String wire() {
        return wire;
    }

    /** Consul compares these case-sensitively: "Passing" is not a status. */
    public static Optional<CheckStatus> fromWire(String text) {
        for (CheckStatus status : values()) {
            if (status.wire.equals(text)) {
                return Optional.of(status);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return wire.toLowerCase(Locale.ROOT);
    }
}
