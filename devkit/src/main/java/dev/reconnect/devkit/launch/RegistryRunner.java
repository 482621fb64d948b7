package dev.reconnect.devkit.launch;

/**
 * How a local system runs its registry: consul-emulator as a process (always available), or real
 * Consul where the tests have a Docker engine. Scenarios only start it, kill it and start it again.
 */
public interface RegistryRunner {
    /** A name for messages and test reports. */
    String name();

    /** Starts the registry on {@code port} of 127.0.0.1 and returns once it answers. */
    Running start(LocalSystem system, int port);

    /** A started registry. */
    interface Running {
        /** Stops it at once, losing its state, as a crash would. */
        void kill();
    }

    /** consul-emulator as a real process, started from its jar. */
    static RegistryRunner emulator() {
        return new RegistryRunner() {
            @Override
            public String name() {
                return "consul-emulator";
            }

            @Override
            public Running start(LocalSystem system, int port) {
                ManagedProcess process = system.startEmulatorProcess(port);
                system.awaitOk(process, system.registry().resolve("/v1/status/leader"));
                return new Running() {
                    @Override
                    public void kill() {
                        process.kill();
                    }

                    @Override
                    public String toString() {
                        return process.toString();
                    }
                };
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }
}
