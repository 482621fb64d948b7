package dev.reconnect.client;

import java.util.Optional;

/** A snapshot of one client's counters. */
public record ClientStats(String client, ClientState state, long lastSeq, long received, long duplicates, long lost,
                          long reconnects, long connectAttempts, long failedUpgrades, long readinessRequests,
                          long malformedFrames, int buffered, Optional<String> failureReason) {}
