package dev.reconnect.e2e.scenarios;

import dev.reconnect.devkit.launch.Ports;
import dev.reconnect.devkit.launch.RegistryRunner;

/** What a scenario suite runs on: a registry (consul-emulator or real Consul) and the case's own port block. */
record Target(RegistryRunner registry, Ports ports) {
}
