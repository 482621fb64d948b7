package dev.reconnect.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes and decodes {@link Frame}s. Decoding is strict about what it needs and lenient about extra
 * fields, so that a newer peer can add fields without breaking an older one.
 */
public final class FrameCodec {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private FrameCodec() {}

    public static String encode(Frame frame) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", frame.type());
        if (frame instanceof Frame.Hello f) {
            node.put("lastSeq", f.lastSeq());
        } else if (frame instanceof Frame.Welcome f) {
            node.put("instance", f.instance());
            node.put("head", f.head());
            node.put("resumeFrom", f.resumeFrom());
            node.put("heartbeatMillis", f.heartbeatMillis());
        } else if (frame instanceof Frame.Message f) {
            node.put("seq", f.seq());
            node.put("body", f.body());
            node.put("publishedAt", f.publishedAt());
        } else if (frame instanceof Frame.Publish f) {
            node.put("key", f.key());
            node.put("body", f.body());
        } else if (frame instanceof Frame.Ack f) {
            node.put("key", f.key());
            node.put("seq", f.seq());
        } else if (frame instanceof Frame.Error f) {
            node.put("code", f.code());
            node.put("message", f.message());
            if (f.key() != null) {
                node.put("key", f.key());
            }
        } else if (frame instanceof Frame.Ping f) {
            node.put("serverTime", f.serverTime());
        } else if (frame instanceof Frame.Gap f) {
            node.put("from", f.from());
            node.put("to", f.to());
        }
        return JSON.writeValueAsString(node);
    }

    /** The size of {@code frame} on the wire: its encoding's UTF-8 bytes. */
    public static int encodedBytes(Frame frame) {
        return utf8Length(encode(frame));
    }

    /** The UTF-8 length of {@code text}, without encoding it (what frame limits and send queues count). */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * Checks that {@code body} can travel: both the {@code publish} frame that brings it with
     * {@code key} and the {@code message} frame that will carry it to every subscriber (with the
     * widest seq and time) fit in {@link Limits#MAX_FRAME_BYTES}. Anything the log accepts can
     * therefore always be delivered.
     *
     * @throws ProtocolException ({@link ErrorCodes#BAD_VALUE}) with the size and the limit
     */
    public static void requirePublishable(String key, String body) {
        int widest = Math.max(encodedBytes(new Frame.Publish(key, body)),
                encodedBytes(new Frame.Message(Long.MAX_VALUE, body, Long.MAX_VALUE)));
        if (widest > Limits.MAX_FRAME_BYTES) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"body\" is too large: the frame carrying it would be "
                    + widest + " bytes and the limit is " + Limits.MAX_FRAME_BYTES
                    + " bytes (UTF-8, after JSON escaping; control characters take 6 bytes each)");
        }
    }

    /** @throws ProtocolException with a message that says what is wrong with the frame */
    public static Frame decode(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame must be a JSON object with a \"type\"");
        }
        JsonNode typeNode = node.path("type");
        if (!typeNode.isMissingNode() && !typeNode.isString()) {
            throw new ProtocolException(ErrorCodes.BAD_FRAME, "\"type\" must be a string");
        }
        String type = typeNode.asString("");
        switch (type) {
            case Frame.Hello.TYPE:
                return new Frame.Hello(nonNegativeLong(node, "lastSeq", true));
            case Frame.Welcome.TYPE:
                return new Frame.Welcome(text(node, "instance"), nonNegativeLong(node, "head", false),
                        nonNegativeLong(node, "resumeFrom", false), nonNegativeLong(node, "heartbeatMillis", false));
            case Frame.Message.TYPE:
                return new Frame.Message(positiveLong(node, "seq"), text(node, "body"),
                        nonNegativeLong(node, "publishedAt", true));
            case Frame.Publish.TYPE:
                String key = key(node);
                String body = text(node, "body");
                requirePublishable(key, body);
                return new Frame.Publish(key, body);
            case Frame.Ack.TYPE:
                return new Frame.Ack(text(node, "key"), positiveLong(node, "seq"));
            case Frame.Error.TYPE:
                return new Frame.Error(text(node, "code"), text(node, "message"),
                        node.hasNonNull("key") ? text(node, "key") : null);
            case Frame.Ping.TYPE:
                return new Frame.Ping(nonNegativeLong(node, "serverTime", true));
            case Frame.Gap.TYPE:
                return new Frame.Gap(positiveLong(node, "from"), positiveLong(node, "to"));
            case "":
                throw new ProtocolException(ErrorCodes.BAD_FRAME, "frame has no \"type\"");
            default:
                throw new ProtocolException(ErrorCodes.BAD_FRAME, "unknown frame type " + Quoted.of(type));
        }
    }

    private static String key(JsonNode node) {
        String key = text(node, "key");
        if (!Limits.isValidKey(key)) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, Limits.KEY_RULE);
        }
        return key;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isString()) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"" + field + "\" must be a string");
        }
        return value.asString();
    }

    private static long positiveLong(JsonNode node, String field) {
        long value = nonNegativeLong(node, field, false);
        if (value == 0) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"" + field + "\" must be at least 1");
        }
        return value;
    }

    private static long nonNegativeLong(JsonNode node, String field, boolean optional) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (optional) {
                return 0;
            }
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"" + field + "\" is missing");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"" + field + "\" must be a whole number");
        }
        long number = value.asLong();
        if (number < 0) {
            throw new ProtocolException(ErrorCodes.BAD_VALUE, "\"" + field + "\" must not be negative");
        }
        return number;
    }
}
