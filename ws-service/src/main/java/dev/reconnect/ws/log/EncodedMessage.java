package dev.reconnect.ws.log;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
import dev.reconnect.protocol.log.LogEntry;

/**
 * A log entry as the {@link Frame.Message} text every session sends, encoded once: a backlog that fifty
 * resuming sessions replay, or a live message fanned out to all of them, is encoded once, not once per session.
 *
 * @param frameBytes the text's length in UTF-8, what the frame limit and the outbound queue count
 */
public record EncodedMessage(long seq, String frame, int frameBytes) {

    public static EncodedMessage of(LogEntry entry) {
        String frame = FrameCodec.encode(new Frame.Message(entry.seq(), entry.body(), entry.publishedAt()));
        return new EncodedMessage(entry.seq(), frame, FrameCodec.utf8Length(frame));
    }
}
