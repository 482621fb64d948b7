package dev.reconnect.protocol.log;

/**
 * Body of {@code POST /api/messages}. A retry with the same {@code key} returns the original seq;
 * the same key with another body is refused with 409.
 */
public record PublishRequest(String key, String body) {}
