package dev.reconnect.consul.emulator.checks;

import dev.reconnect.consul.emulator.catalog.CheckStatus;

/** Where check runners report; the agent stores the result and wakes watchers. */
@FunctionalInterface
public interface CheckResultSink {

    void record(String checkId, CheckStatus status, String output);
}
