package dev.reconnect.consul.emulator.catalog;

import java.util.SortedMap;

/** The one node of a dev agent. It never changes after start. */
public record Node(
        String id,
        String name,
        String address,
        String datacenter,
        SortedMap<String, String> taggedAddresses,
        SortedMap<String, String> meta,
        long createIndex,
        long modifyIndex) {
}
