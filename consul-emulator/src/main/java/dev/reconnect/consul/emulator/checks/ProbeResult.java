package dev.reconnect.consul.emulator.checks;

import dev.reconnect.consul.emulator.catalog.CheckStatus;

/** What one run of a check found, with Output in Consul's words. */
public record ProbeResult(CheckStatus status, String output) {
}
