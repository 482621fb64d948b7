package dev.reconnect.consul.emulator.registration;

/**
 * A parsed {@code PUT /v1/agent/check/register} body: the check's ID (its Name when no ID was given,
 * as in Consul), the service it belongs to (null for a node-level check) and its definition.
 */
public record CheckRegistration(String checkId, String serviceId, CheckDefinition definition) {
}
