package dev.reconnect.protocol;

/**
 * A peer's text as an error message quotes it back: in double quotes and cut to 40 characters, so a
 * hostile value cannot make the answer (or the log line) as large as itself.
 */
public final class Quoted {
    private static final int MAX_CHARS = 40;

    private Quoted() {}

    public static String of(String text) {
        return "\"" + (text.length() <= MAX_CHARS ? text : text.substring(0, MAX_CHARS) + "…") + "\"";
    }
}
