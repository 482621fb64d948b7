package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Limits;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored messages whose message frame would exceed {@link Limits#MAX_FRAME_BYTES} (stored before the
 * limit existed). Each is sent as a one-seq gap; the warning is logged once per seq, not per session.
 */
final class OversizedMessages {
    private static final Logger log = LoggerFactory.getLogger(OversizedMessages.class);
    /** Bounds the memory of which seqs were reported; past it a seq may be reported again. */
    private static final int REMEMBERED = 10_000;

    private final Set<Long> reported = ConcurrentHashMap.newKeySet();
    private final StreamMeters meters;

    OversizedMessages(StreamMeters meters) {
        this.meters = meters;
    }

    void replacedByGap(long seq, int frameBytes) {
        meters.replacedByGap();
        if (reported.size() >= REMEMBERED) {
            reported.clear();
        }
        if (reported.add(seq)) {
            log.warn("Message {} is too large to send ({} bytes, the limit is {}): clients get a gap for it instead",
                    seq, frameBytes, Limits.MAX_FRAME_BYTES);
        }
    }
}
