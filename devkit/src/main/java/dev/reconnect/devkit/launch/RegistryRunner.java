package dev.reconnect.devkit.launch;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How a local system runs its registry: consul-emulator as a process (always available; by default with
 * ACLs enforced), a {@code consul agent -dev} from the PATH (the demo), or real Consul where the tests
 * have a Docker engine. Scenarios only start it, kill it and start it again.
 */
public interface RegistryRunner {
    /**
     * {@code -Dreconnect.registry.acl=false} runs consul-emulator without ACLs wherever
     * {@link #emulator()} is used (the demo and every emulator scenario); {@code true} or unset: with ACLs.
     */
    String ACL_PROPERTY = "reconnect.registry.acl";

    /** A name for messages and test reports; says whether ACLs are on, never the token. */
    String name();

    /**
     * True when this registry refuses requests without the run's token: the local system then draws a
     * token for the run, starts the registry with it and gives it to every service as {@code CONSUL_TOKEN}.
     */
    default boolean enforcesAcl() {
        return false;
    }

    /** Starts the registry on {@code port} of 127.0.0.1 and returns once it answers. */
    Running start(LocalSystem system, int port);

    /** A started registry. Closing it releases everything it holds (process, container, ports). */
    interface Running extends AutoCloseable {
        /** Stops it at once, losing its state, as a crash would. */
        void kill();

        /** Stops it for good at the end of a run; harmless when it is already gone. */
        @Override
        default void close() {
            kill();
        }
    }

    /** consul-emulator, with ACLs unless {@code -Dreconnect.registry.acl=false}. */
    static RegistryRunner emulator() {
        return aclRequested(System.getProperty(ACL_PROPERTY)) ? emulatorWithAcl() : emulatorWithoutAcl();
    }

    /** consul-emulator in default-deny ACL mode: started with {@code --acl-token <the run's token>}. */
    static RegistryRunner emulatorWithAcl() {
        return new EmulatorRunner(true);
    }

    /** consul-emulator as a plain dev agent: no token needed, any token ignored. */
    static RegistryRunner emulatorWithoutAcl() {
        return new EmulatorRunner(false);
    }

    /**
     * {@code consul agent -dev} from {@code consulBinary}, on loopback, with every one of its ports set
     * next to the registry port ({@link ConsulPorts}). ACLs off: a dev agent without ACL settings accepts
     * every request and ignores tokens.
     */
    static RegistryRunner consulAgent(Path consulBinary) {
        return new RegistryRunner() {
            @Override
            public String name() {
                return "consul agent -dev (" + consulBinary + "), ACLs off";
            }

            @Override
            public Running start(LocalSystem system, int port) {
                ManagedProcess process = system.startConsulAgentProcess(consulBinary, ConsulPorts.around(port));
                system.awaitLeader(process);
                return processRunning(process);
            }

            @Override
            public String toString() {
                return name();
            }
        };
    }

    /**
     * The value of {@code -Dreconnect.registry.acl}: unset means on.
     *
     * @throws LaunchException for anything but true or false, so a typo cannot silently turn ACLs off
     */
    static boolean aclRequested(String value) {
        if (value == null || value.isBlank()) {
            return true;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new LaunchException("-D" + ACL_PROPERTY + " takes true or false, not \"" + value + "\"");
        };
    }

    private static Running processRunning(ManagedProcess process) {
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

    /** consul-emulator as a real process, started from its jar. */
    final class EmulatorRunner implements RegistryRunner {
        private final boolean acl;

        private EmulatorRunner(boolean acl) {
            this.acl = acl;
        }

        @Override
        public String name() {
            return acl ? "consul-emulator, ACLs on" : "consul-emulator, ACLs off";
        }

        @Override
        public boolean enforcesAcl() {
            return acl;
        }

        @Override
        public Running start(LocalSystem system, int port) {
            ManagedProcess process = system.startEmulatorProcess(port);
            system.awaitLeader(process);
            return processRunning(process);
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
