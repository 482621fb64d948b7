package dev.reconnect.devkit.bench;

/** A client's socket became open (the Welcome arrived) or stopped being open, at {@code at} (epoch ms). */
record OpenEvent(long at, String client, boolean open) {}
