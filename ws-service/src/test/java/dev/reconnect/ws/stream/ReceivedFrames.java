package dev.reconnect.ws.stream;

import dev.reconnect.protocol.Frame;

/** The frames a test's client end received, read one at a time with pings skipped. */
interface ReceivedFrames {
    /** The next frame received, waiting up to 5 s; null when none came. */
    Frame poll() throws InterruptedException;

    /** The next frame that is not a ping; fails after 5 s without one. */
    default Frame next() throws InterruptedException {
        while (true) {
            Frame frame = poll();
            if (frame == null) {
                throw new AssertionError("no frame within 5 s");
            }
            if (!(frame instanceof Frame.Ping)) {
                return frame;
            }
        }
    }

    @SuppressWarnings("unchecked")
    default <T extends Frame> T next(Class<T> type) throws InterruptedException {
        Frame frame = next();
        if (!type.isInstance(frame)) {
            throw new AssertionError("expected a " + type.getSimpleName() + " frame, got " + frame);
        }
        return (T) frame;
    }
}
