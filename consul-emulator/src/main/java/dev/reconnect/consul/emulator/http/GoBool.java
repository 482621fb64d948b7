package dev.reconnect.consul.emulator.http;

import java.util.Optional;

/** Go's {@code strconv.ParseBool}, which Consul uses for {@code ?passing=} and {@code ?enable=}. */
final class GoBool {

    private GoBool() {
    }

    static Optional<Boolean> parse(String text) {
        switch (text) {
            case "1": case "t": case "T": case "TRUE": case "true": case "True":
                return Optional.of(Boolean.TRUE);
            case "0": case "f": case "F": case "FALSE": case "false": case "False":
                return Optional.of(Boolean.FALSE);
            default:
                return Optional.empty();
        }
    }
}
