package dev.reconnect.protocol;

/**
 * One JSON text frame of the /ws protocol. Every frame has a {@code type}; {@link FrameCodec} is the
 * only place that turns frames into JSON and back, for ws-service and the client alike.
 */
public sealed interface Frame
        permits Frame.Hello, Frame.Welcome, Frame.Message, Frame.Publish, Frame.Ack, Frame.Error,
                Frame.Ping, Frame.Gap {

    String type();

    /** Client → server, first frame: "I have seen everything up to {@code lastSeq}" (0 = nothing yet). */
    record Hello(long lastSeq) implements Frame {
        public static final String TYPE = "hello";
        public String type() { return TYPE; }
    }

    /**
     * Server → client, answer to {@link Hello}: which instance serves the session, the log's head,
     * where the stream resumes, and how often the server sends {@link Ping}s.
     */
    record Welcome(String instance, long head, long resumeFrom, long heartbeatMillis) implements Frame {
        public static final String TYPE = "welcome";
        public String type() { return TYPE; }
    }

    /** Server → client: one entry of the durable log, numbered gaplessly from 1. */
    record Message(long seq, String body, long publishedAt) implements Frame {
        public static final String TYPE = "message";
        public String type() { return TYPE; }
    }

    /** Client → server: store {@code body} once; {@code key} makes a retried publish idempotent. */
    record Publish(String key, String body) implements Frame {
        public static final String TYPE = "publish";
        public String type() { return TYPE; }
    }

    /** Server → client: the publish with {@code key} is stored as {@code seq}. */
    record Ack(String key, long seq) implements Frame {
        public static final String TYPE = "ack";
        public String type() { return TYPE; }
    }

    /**
     * Server → client: a frame was refused or could not be carried out. The session stays open;
     * {@code key} names the publish it concerns, when there is one.
     */
    record Error(String code, String message, String key) implements Frame {
        public static final String TYPE = "error";
        public String type() { return TYPE; }
    }

    /** Server → client heartbeat, so a client can tell a dead link from a quiet one. */
    record Ping(long serverTime) implements Frame {
        public static final String TYPE = "ping";
        public String type() { return TYPE; }
    }

    /**
     * Server → client: messages {@code from}..{@code to} can no longer be delivered (trimmed from the
     * log). Sent instead of pretending the stream is complete.
     */
    record Gap(long from, long to) implements Frame {
        public static final String TYPE = "gap";
        public String type() { return TYPE; }
    }
}
