package dev.reconnect.client.session;

import dev.reconnect.protocol.CloseCodes;

/** How a close is told in states, events and logs. */
public final class CloseDescription {
    private CloseDescription() {}

    /** The per-session codes in words, e.g. "closed by the server: too slow (4000)"; others as "close 1001 restarting". */
    public static String of(int code, String reason) {
        String text = reason == null ? "" : reason.strip();
        if (!CloseCodes.isSessionClose(code)) {
            return "close " + code + (text.isEmpty() ? "" : " " + text);
        }
        String words = switch (code) {
            case CloseCodes.TOO_SLOW -> "too slow";
            case CloseCodes.HELLO_TIMEOUT -> "no hello in time";
            case CloseCodes.INSTANCE_FULL -> "instance full";
            case CloseCodes.RESYNC -> "the log went backwards, resynchronising";
            case CloseCodes.BUSY -> "the gateway is busy, try again shortly";
            default -> "session closed";
        };
        String base = "closed by the server: " + words + " (" + code + ")";
        return text.isEmpty() || text.equalsIgnoreCase(words) ? base : base + ": " + text;
    }

}
