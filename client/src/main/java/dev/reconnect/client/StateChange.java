package dev.reconnect.client;

import java.time.Instant;

/** A state transition: {@code from → to} at {@code at}, and why. */
public record StateChange(String client, ClientState from, ClientState to, String reason, Instant at) {}
