package dev.reconnect.consul.emulator.catalog;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One registered service instance as the agent holds it. Meta is kept sorted because Consul (Go)
 * writes map keys in sorted order, and clients diffing answers should see the same bytes.
 */
public record ServiceInstance(
        String id,
        String name,
        List<String> tags,
        String address,
        int port,
        SortedMap<String, String> meta,
        boolean enableTagOverride,
        Weights weights,
        long createIndex,
        long modifyIndex) {

    public ServiceInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        tags = List.copyOf(tags);
        address = address == null ? "" : address;
        meta = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(meta));
        weights = weights == null ? Weights.DEFAULT : weights;
    }

    public static ServiceInstance of(String id, String name, List<String> tags, String address, int port,
            Map<String, String> meta, boolean enableTagOverride, Weights weights) {
        return new ServiceInstance(id, name, tags, address, port, new TreeMap<>(meta), enableTagOverride, weights, 0, 0);
    }

    /** True when a re-registration would change nothing a reader can see (indexes aside). */
    public boolean sameRegistrationAs(ServiceInstance other) {
        return other != null
                && id.equals(other.id)
                && name.equals(other.name)
                && tags.equals(other.tags)
                && address.equals(other.address)
                && port == other.port
                && meta.equals(other.meta)
                && enableTagOverride == other.enableTagOverride
                && weights.equals(other.weights);
    }

    public ServiceInstance withIndexes(long create, long modify) {
        return new ServiceInstance(id, name, tags, address, port, meta, enableTagOverride, weights, create, modify);
    }
}
