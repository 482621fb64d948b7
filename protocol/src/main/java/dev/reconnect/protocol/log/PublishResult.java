package dev.reconnect.protocol.log;

/** Answer to {@code POST /api/messages}: where the message is stored, and whether it was already. */
public record PublishResult(String key, long seq, boolean duplicate) {}
