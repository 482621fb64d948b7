package dev.reconnect.devkit.demo;

import dev.reconnect.devkit.launch.LaunchException;
import dev.reconnect.devkit.launch.RegistryRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which registry the demo runs: {@code --registry consul} (a {@code consul agent -dev} from the PATH),
 * {@code --registry emulator} (consul-emulator, ACLs on unless -Dreconnect.registry.acl=false), or by
 * default a consul on the PATH when there is one, else the emulator.
 *
 * @param runner what starts the registry
 * @param description the demo's first line: which registry, why, and whether ACLs are on (never the token)
 */
record RegistryChoice(RegistryRunner runner, String description) {
    static final String CONSUL = "consul";
    static final String EMULATOR = "emulator";

    /**
     * @param requested {@code consul}, {@code emulator}, or null for "consul if on the PATH"
     * @param onPath finds a program on the PATH (injected so tests need no Consul installed)
     * @throws LaunchException when {@code consul} is requested and there is none on the PATH
     */
    static RegistryChoice choose(String requested, Function<String, Optional<Path>> onPath) {
        if (EMULATOR.equals(requested)) {
            return emulator("--registry emulator");
        }
        Optional<Path> consul = onPath.apply(CONSUL);
        if (CONSUL.equals(requested)) {
            Path binary = consul.orElseThrow(() -> new LaunchException("--registry consul: there is no consul on the PATH."
                    + " Install Consul (a single binary: https://developer.hashicorp.com/consul/install) and put it on"
                    + " the PATH, or run the demo with --registry emulator"));
            return agent(binary, "--registry consul");
        }
        return consul.map(binary -> agent(binary, "found on the PATH; --registry emulator to use consul-emulator"))
                .orElseGet(() -> emulator("no consul on the PATH; --registry consul runs a real Consul dev agent"));
    }

    private static RegistryChoice emulator(String why) {
        RegistryRunner runner = RegistryRunner.emulator();
        String acl = runner.enforcesAcl()
                ? "ACLs on: a fresh token for this run, given to every service as CONSUL_TOKEN"
                : "ACLs off (-D" + RegistryRunner.ACL_PROPERTY + "=false)";
        return new RegistryChoice(runner, "registry: consul-emulator (" + why + "), " + acl);
    }

    private static RegistryChoice agent(Path binary, String why) {
        return new RegistryChoice(RegistryRunner.consulAgent(binary),
                "registry: consul agent -dev from " + binary + " (" + why + "), ACLs off (a dev agent without ACL settings)");
    }

    /** The first executable file named {@code program} in the directories of {@code pathVariable}. */
    static Optional<Path> findOnPath(String program, String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue; // an empty entry means the current folder; a demo should not run whatever lies there
            }
            try {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            } catch (InvalidPathException e) {
                // A malformed PATH entry cannot hold the program; look at the next one.
            }
        }
        return Optional.empty();
    }
}
