package dev.reconnect.consul.emulator.registration;

import dev.reconnect.consul.emulator.catalog.CheckStatus;

/** A parsed {@code PUT /v1/agent/check/update/{id}} body: the TTL check's new status and output. */
public record CheckUpdate(CheckStatus status, String output) {
}
