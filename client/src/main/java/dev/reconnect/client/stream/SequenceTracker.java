package dev.reconnect.client.stream;

/**
 * Remembers the last seq delivered, so that every (re)connect can resume after it, and judges each
 * incoming message: deliver, drop as a duplicate, or deliver after counting the ones skipped as lost.
 * Used only on the client's event loop; {@link #lastSeq()} may be read from anywhere.
 */
public final class SequenceTracker {

    /** What to do with one message. */
    public sealed interface Verdict permits Deliver, Duplicate {}

    /**
     * Deliver the message; {@code lostFrom..lostTo} were skipped ({@code lost} = 0 when none).
     */
    public record Deliver(long lost, long lostFrom, long lostTo) implements Verdict {}

    /** Already delivered (seq at or below the last one): drop it. */
    public record Duplicate(long seq, long lastSeq) implements Verdict {}

    private volatile long lastSeq;

    public SequenceTracker(long lastSeq) {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("lastSeq must not be negative");
        }
        this.lastSeq = lastSeq;
    }

    /** Where a client that starts resumes: after {@code lastSeq}, the last seq it had already seen. */
    public void resumeAfter(long lastSeq) {
        if (lastSeq < 0) {
            throw new IllegalArgumentException("resumeAfter must not be negative, was " + lastSeq);
        }
        this.lastSeq = lastSeq;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public Verdict onMessage(long seq) {
        long last = lastSeq;
        if (seq <= last) {
            return new Duplicate(seq, last);
        }
        lastSeq = seq;
        long lost = seq - last - 1;
        return lost == 0 ? new Deliver(0, 0, 0) : new Deliver(lost, last + 1, seq - 1);
    }

    /**
     * The server resumes from {@code seq}, below the last one delivered: its log's head went
     * backwards (a restored or replaced log), and the seqs after {@code seq} are new messages now.
     * Without this, they would all be dropped as duplicates.
     */
    public void rewindTo(long seq) {
        if (seq < 0 || seq > lastSeq) {
            throw new IllegalArgumentException("can only rewind to a seq between 0 and " + lastSeq + ", not " + seq);
        }
        lastSeq = seq;
    }

    /**
     * The server says {@code from..to} can never be delivered. Returns how many of them were not
     * already delivered or counted (those are lost now); the stream then continues after {@code to}.
     */
    public long onGap(long from, long to) {
        long last = lastSeq;
        if (to <= last || to < from) {
            return 0;
        }
        long firstMissing = Math.max(from, last + 1);
        lastSeq = to;
        return to - firstMissing + 1;
    }
}
