package dev.reconnect.consul.emulator.catalog;

/** A read result together with the index that goes into {@code X-Consul-Index}. */
public record Indexed<T>(long index, T value) {
}
