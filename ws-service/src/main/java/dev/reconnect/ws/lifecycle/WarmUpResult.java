package dev.reconnect.ws.lifecycle;

/**
 * How the loopback warm-up went.
 *
 * @param requested      sessions it meant to run (0 when it was skipped)
 * @param completed      sessions that got their welcome and backlog and closed normally
 * @param millis         how long it took in all
 * @param problem        why a session did not complete (the first such reason), or null
 * @param skippedBecause why no session ran at all, or null
 */
record WarmUpResult(int requested, int completed, long millis, String problem, String skippedBecause) {

    static WarmUpResult skipped(String because) {
        return new WarmUpResult(0, 0, 0, null, because);
    }

    static WarmUpResult of(int requested, int completed, long millis, String problem) {
        return new WarmUpResult(requested, completed, millis, completed == requested ? null : problem, null);
    }

    /** Every session it meant to run completed (trivially so when skipped on purpose). */
    boolean complete() {
        return problem == null && completed == requested;
    }

    /** The start of the one log line about the warm-up. */
    String describe() {
        if (skippedBecause != null) {
            return "No warm-up sessions (" + skippedBecause + ")";
        }
        if (complete()) {
            return "Warmed up in " + millis + " ms: " + completed + " sessions";
        }
        return "Warm-up incomplete after " + millis + " ms: " + completed + " of " + requested + " sessions completed ("
                + problem + "), so the first clients may be served more slowly";
    }
}
