package dev.reconnect.protocol.log;

/** One stored message of api-service's durable log; {@code seq} counts from 1 without gaps. */
public record LogEntry(long seq, String body, long publishedAt) {}
