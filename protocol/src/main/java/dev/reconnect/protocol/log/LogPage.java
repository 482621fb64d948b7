package dev.reconnect.protocol.log;

import java.util.List;

/**
 * Answer to {@code GET /api/messages?after=N&limit=M[&wait=…]}: the entries after N in order, and
 * the log's head (the highest seq stored) at the time of the answer.
 */
public record LogPage(List<LogEntry> entries, long head) {
    public static final String PARAM_AFTER = "after";
    public static final String PARAM_LIMIT = "limit";
    /** Long-poll: hold the request up to this long (e.g. {@code 20s}) when nothing is after N yet. */
    public static final String PARAM_WAIT = "wait";
    public static final int MAX_LIMIT = 1000;

    public LogPage {
        entries = List.copyOf(entries);
    }
}
