package dev.reconnect.api.log;

/** As many long-polls are held as {@code log.max-waiting-reads} allows; the caller should retry shortly. */
public class TooManyWaitingReadsException extends RuntimeException {
    public TooManyWaitingReadsException(int max) {
        super("too many waiting reads (at most " + max + " are held at once); retry shortly");
    }
}
