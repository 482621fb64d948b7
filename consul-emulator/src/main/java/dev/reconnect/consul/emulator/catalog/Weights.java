package dev.reconnect.consul.emulator.catalog;

/** DNS SRV weights of a service instance; Consul fills in {@code {Passing:1, Warning:1}} when none are given. */
public record Weights(int passing, int warning) {

    public static final Weights DEFAULT = new Weights(1, 1);
}
