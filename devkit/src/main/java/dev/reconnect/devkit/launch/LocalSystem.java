package dev.reconnect.devkit.launch;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The whole system on this machine: consul-emulator, api-service, ws-service instances, the gateway
 * and client CLIs, each a real process started from the built jars. Knows each module's jar, port
 * and settings, so that the demo and every scenario start things the same way.
 *
 * <p>When the registry enforces ACLs, the system draws one token for its whole run: the registry is
 * started with it (also when a scenario restarts the registry) and every service gets it as
 * {@code CONSUL_TOKEN}. The token never goes into a log or a message; {@link #aclToken()} hands it to
 * code that must talk to the registry itself.
 */
public final class LocalSystem implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path root;
    private final Ports ports;
    private final ProcessLauncher launcher;
    private final Path dataDir;
    private final RegistryRunner registryRunner;
    private final Optional<String> aclToken;
    /** Every registry this system started, so that close() stops each (a container outlives the JVM's children). */
    private final List<RegistryRunner.Running> registries = new CopyOnWriteArrayList<>();

    public LocalSystem(Path root, Ports ports, Path runDir) {
        this(root, ports, runDir, RegistryRunner.emulator());
    }

    public LocalSystem(Path root, Ports ports, Path runDir, RegistryRunner registryRunner) {
        this.root = root;
        this.ports = ports;
        this.registryRunner = registryRunner;
        this.launcher = new ProcessLauncher(runDir.resolve("logs"));
        this.dataDir = runDir.resolve("data");
        this.aclToken = registryRunner.enforcesAcl() ? Optional.of(newAclToken()) : Optional.empty();
    }

    /**
     * A fresh secret in the form of Consul's secret IDs (a random UUID). {@link UUID#randomUUID()} draws
     * its 122 random bits from a {@link java.security.SecureRandom}, as Consul's own token generation does.
     */
    static String newAclToken() {
        return UUID.randomUUID().toString();
    }

    /** The repository root: {@code -Dreconnect.root}, or the first folder upwards with devkit/ and pom.xml. */
    public static Path findRoot() {
        String configured = System.getProperty("reconnect.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("devkit"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new LaunchException("cannot find the repository root (a folder with pom.xml and devkit/); "
                + "run from inside the repository or pass -Dreconnect.root=<path>");
    }

    public Ports ports() {
        return ports;
    }

    public Path logDir() {
        return launcher.logDir();
    }

    public URI gateway() {
        return URI.create("http://127.0.0.1:" + ports.gateway());
    }

    public URI registry() {
        return URI.create("http://127.0.0.1:" + ports.registry());
    }

    /** Starts the registry (consul-emulator unless told otherwise) and returns once it answers. */
    public RegistryRunner.Running startRegistry() {
        RegistryRunner.Running running = registryRunner.start(this, ports.registry());
        registries.add(running);
        return running;
    }

    /**
     * The token this run's registry requires, empty when ACLs are off. Secret: never log it; the demo
     * shows it once so that a user can query the emulator by hand.
     */
    public Optional<String> aclToken() {
        return aclToken;
    }

    /**
     * GET {@code path} on the registry as the services see it: with the run's token when ACLs are on
     * (an anonymous list read would come back empty); empty when the registry did not answer.
     */
    public Optional<Http.Answer> readRegistry(String path) {
        return Http.get(registry().resolve(path), Duration.ofSeconds(2),
                aclToken.map(token -> Map.of("X-Consul-Token", token)).orElse(Map.of()));
    }

    public RegistryRunner registryRunner() {
        return registryRunner;
    }

    ManagedProcess startEmulatorProcess(int port) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--reaper-interval", "1s",
                "--min-deregister-after", "10s"));
        aclToken.ifPresent(token -> args.addAll(List.of("--acl-token", token)));
        return launcher.startJar("consul-emulator", jar("consul-emulator", "consul-emulator.jar"), port, args, Map.of());
    }

    /** {@code consul agent -dev} with every port of {@code consulPorts}; each must be free first. */
    ManagedProcess startConsulAgentProcess(Path consulBinary, ConsulPorts consulPorts) {
        consulPorts.byName().forEach((name, port) -> ProcessLauncher.requireFreePort("consul (" + name + ")", port));
        List<String> command = new ArrayList<>();
        command.add(consulBinary.toString());
        command.addAll(consulPorts.devAgentArgs());
        return launcher.start("consul", command, Map.of(), null);
    }

    /** Waits for the registry's leader endpoint, which answers without a token even with ACLs on. */
    void awaitLeader(ManagedProcess registryProcess) {
        awaitOk(registryProcess, registry().resolve("/v1/status/leader"));
    }

    public ManagedProcess startApi() {
        return startSpring("api-service", "api-service", ports.api(), List.of(), serviceEnv(ports.api(),
                "API_PORT", Integer.toString(ports.api()), "API_DATA_DIR", dataDir.resolve("api-service").toString()));
    }

    public ManagedProcess startWs(int port, Duration startupDelay) {
        return startWs(port, startupDelay, List.of());
    }

    /**
     * ws-service on {@code port}; {@code settings} are extra Spring properties as command-line
     * arguments, e.g. {@code --ws.hello-timeout=1s} (an unknown one is ignored by Spring).
     */
    public ManagedProcess startWs(int port, Duration startupDelay, List<String> settings) {
        return startSpring("ws-service-" + port, "ws-service", port, settings, serviceEnv(port,
                "WS_PORT", Integer.toString(port), "WS_STARTUP_DELAY", startupDelay.toMillis() + "ms"));
    }

    public ManagedProcess startGateway() {
        return startSpring("gateway", "gateway", ports.gateway(), List.of(),
                serviceEnv(ports.gateway(), "GATEWAY_PORT", Integer.toString(ports.gateway())));
    }

    /** The management port (actuator endpoints other than /readyz and /livez) of the service on {@code port}. */
    public int managementPort(int port) {
        return ports.management(port);
    }

    private ManagedProcess startSpring(String name, String module, int port, List<String> settings,
                                       Map<String, String> env) {
        ProcessLauncher.requireFreePort(name + " (management)", ports.management(port));
        List<String> args = new ArrayList<>(springArgs());
        // MANAGEMENT_PORT (in env) is the convention; the property itself also goes on the command line,
        // which wins over any application.yml, so that no two processes can ever share a management port.
        args.add("--management.server.port=" + ports.management(port));
        args.addAll(settings);
        return launcher.startSpringBootJar(name, jar(module, module + ".jar"), port, args, env, training(module));
    }

    /**
     * The one start that trains a service's start-up archive: the same profile, but every port 0, so it can
     * never meet a running process, and api-service's data in a throw-away folder (the context refresh opens
     * the database). It stops right after the refresh, before registering anywhere.
     */
    private StartupArchive.Training training(String module) {
        List<String> args = new ArrayList<>(springArgs());
        args.addAll(List.of("--server.port=0", "--management.server.port=0"));
        Map<String, String> env = new HashMap<>(Map.of("MANAGEMENT_PORT", "0"));
        if (module.equals("api-service")) {
            env.put("API_DATA_DIR", dataDir.resolve("startup-training").resolve(UUID.randomUUID().toString()).toString());
        }
        return StartupArchive.Training.of(args, env);
    }

    /** The client CLI with {@code args} after the jar; every line it prints goes to {@code lines}. */
    public ManagedProcess startClient(String name, List<String> args, Consumer<String> lines) {
        return launcher.startJar(name, jar("client-cli", "client-cli.jar"), 0, args, Map.of(), lines);
    }

    /** Waits until {@code url} answers 200; fails at once, with the log's tail, if the process dies. */
    public void awaitOk(ManagedProcess process, URI url) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!Http.isOk(url)) {
            if (!process.isAlive()) {
                throw new LaunchException(process.name() + " exited before " + url + " answered 200. Last lines of "
                        + process.log() + ":\n" + process.logTail(30));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new LaunchException(process.name() + " did not answer 200 at " + url + " within "
                        + START_TIMEOUT.toSeconds() + " s. Last lines of " + process.log() + ":\n" + process.logTail(30));
            }
            pause();
        }
    }

    /** The service's own readiness on its main port (what the service reports to Consul's ready check). */
    public URI readinessOf(int port) {
        return URI.create("http://127.0.0.1:" + port + "/readyz");
    }

    public List<ManagedProcess> running() {
        return launcher.running();
    }

    /** Stops every process, then every registry it started (a container is not a child process). */
    @Override
    public void close() {
        try {
            launcher.close();
        } finally {
            RuntimeException failure = null;
            for (RegistryRunner.Running registry : registries) {
                try {
                    registry.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            registries.clear();
            if (failure != null) {
                throw failure;
            }
        }
    }

    private List<String> springArgs() {
        return List.of("--spring.profiles.active=local");
    }

    /**
     * Every service finds the registry the same way, with the run's ACL token when the registry
     * enforces ACLs, and gets its own management port; {@code pairs} add the service's own settings.
     */
    Map<String, String> serviceEnv(int port, String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("CONSUL_HOST", "127.0.0.1",
                "CONSUL_PORT", Integer.toString(ports.registry()), "SERVICE_HOST", "127.0.0.1",
                "MANAGEMENT_PORT", Integer.toString(ports.management(port))));
        // The services read it as spring.cloud.consul.token: ${CONSUL_TOKEN:}. Environment, not a command-line
        // argument, so that it does not show in ps; the services never log it.
        aclToken.ifPresent(token -> env.put("CONSUL_TOKEN", token));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private Path jar(String module, String file) {
        return root.resolve(module).resolve("target").resolve(file);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while waiting for a process to start", e);
        }
    }
}
