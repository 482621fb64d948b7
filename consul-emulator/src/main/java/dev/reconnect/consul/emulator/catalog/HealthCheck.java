package dev.reconnect.consul.emulator.catalog;

import java.util.List;
import java.util.Objects;

/**
 * A health check as readers see it (the fields of Consul's {@code structs.HealthCheck} that clients use).
 * {@code type} is Consul's lower-case kind: "http", "ttl", "tcp", "maintenance", or "" for serfHealth.
 */
public record HealthCheck(
        String node,
        String checkId,
        String name,
        CheckStatus status,
        String notes,
        String output,
        String serviceId,
        String serviceName,
        List<String> serviceTags,
        String type,
        String interval,
        String timeout,
        long createIndex,
        long modifyIndex) {

    public HealthCheck {
        Objects.requireNonNull(checkId, "checkId");
        Objects.requireNonNull(status, "status");
        notes = notes == null ? "" : notes;
        output = output == null ? "" : output;
        serviceId = serviceId == null ? "" : serviceId;
        serviceName = serviceName == null ? "" : serviceName;
        serviceTags = List.copyOf(serviceTags);
        type = type == null ? "" : type;
        interval = interval == null ? "" : interval;
        timeout = timeout == null ? "" : timeout;
    }

    public boolean isNodeCheck() {
        return serviceId.isEmpty();
    }

    /** Same definition, whatever the state: used to decide whether a re-registration changed this check. */
    public boolean sameDefinitionAs(HealthCheck other) {
        return other != null
                && checkId.equals(other.checkId)
                && Objects.equals(name, other.name)
                && notes.equals(other.notes)
                && serviceId.equals(other.serviceId)
                && serviceName.equals(other.serviceName)
                && serviceTags.equals(other.serviceTags)
                && type.equals(other.type)
                && interval.equals(other.interval)
                && timeout.equals(other.timeout);
    }

    public HealthCheck withState(CheckStatus newStatus, String newOutput, long newModifyIndex) {
        return new HealthCheck(node, checkId, name, newStatus, notes, newOutput, serviceId, serviceName, serviceTags,
                type, interval, timeout, createIndex, newModifyIndex);
    }

    public HealthCheck withOutput(String newOutput) {
        return new HealthCheck(node, checkId, name, status, notes, newOutput, serviceId, serviceName, serviceTags,
                type, interval, timeout, createIndex, modifyIndex);
    }

    public HealthCheck withService(String newServiceName, List<String> newTags, long newModifyIndex) {
        return new HealthCheck(node, checkId, name, status, notes, output, serviceId, newServiceName, newTags,
                type, interval, timeout, createIndex, newModifyIndex);
    }
}
