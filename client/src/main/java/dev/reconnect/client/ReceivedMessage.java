package dev.reconnect.client;

/** A message delivered in order, exactly once (duplicates are dropped before this). */
public record ReceivedMessage(String client, long seq, String body, long publishedAt) {}
