package dev.reconnect.devkit.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Starts real processes ({@code java -jar}) with their output in a log folder, and stops every one
 * of them on {@link #close()}, also when the JVM exits on Ctrl-C or a failure.
 */
public final class ProcessLauncher implements AutoCloseable {
    private static final List<String> JVM_FLAGS = List.of(
            // Quicker start-up on a small machine; these processes are short-lived.
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k", "-Xmx384m");

    private final Path logDir;
    private final List<ManagedProcess> started = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "stop-launched-processes");
    private final StartupArchive startupArchive = StartupArchive.forRunningJdk(javaBinary(),
            line -> System.out.println("[devkit] " + line));

    public ProcessLauncher(Path logDir) {
        this.logDir = logDir;
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new LaunchException("cannot create the log folder " + logDir + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Starts {@code java -jar jar args} as {@code name}. Fails at once, with a message that says
     * what to do, when the jar is missing or {@code port} (if not 0) is already taken.
     */
    public ManagedProcess startJar(String name, Path jar, int port, List<String> args, Map<String, String> env) {
        return startJar(name, jar, port, args, env, null);
    }

    /** As above; each line the process prints also goes to {@code lines} (when not null). */
    public ManagedProcess startJar(String name, Path jar, int port, List<String> args, Map<String, String> env,
                                   Consumer<String> lines) {
        return startJar(name, jar, port, args, env, lines, null);
    }

    /**
     * A Spring Boot service, from a start-up archive when the running JDK offers one (see
     * {@link StartupArchive}); the first start of a newly built jar trains it, which {@code training} is for.
     */
    ManagedProcess startSpringBootJar(String name, Path jar, int port, List<String> args, Map<String, String> env,
                                      StartupArchive.Training training) {
        return startJar(name, jar, port, args, env, null, training);
    }

    private ManagedProcess startJar(String name, Path jar, int port, List<String> args, Map<String, String> env,
                                    Consumer<String> lines, StartupArchive.Training training) {
        if (!Files.isRegularFile(jar)) {
            throw new LaunchException(name + ": " + jar + " is missing; build it first with: mvn -B package -DskipTests");
        }
        if (port > 0) {
            requireFreePort(name, port);
        }
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(JVM_FLAGS);
        command.addAll(startupArchive.launch(name, jar, JVM_FLAGS, training, env));
        command.addAll(args);
        return start(name, command, env, lines);
    }

    public ManagedProcess start(String name, List<String> command, Map<String, String> env, Consumer<String> lines) {
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.redirectOutput(lines == null ? ProcessBuilder.Redirect.appendTo(log.toFile()) : ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            ManagedProcess managed = new ManagedProcess(name, process, log);
            started.add(managed);
            if (lines != null) {
                Thread pump = new Thread(() -> pumpLines(process, log, lines), name + "-output");
                pump.setDaemon(true);
                managed.outputPump(pump);
                pump.start();
            }
            return managed;
        } catch (IOException e) {
            throw new LaunchException(name + " could not be started (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /** Every process started so far that is still running. */
    public List<ManagedProcess> running() {
        return started.stream().filter(ManagedProcess::isAlive).toList();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run.
        }
    }

    private void stopAll() {
        for (ManagedProcess process : started) {
            process.process().descendants().forEach(ProcessHandle::destroyForcibly);
            process.process().destroyForcibly();
        }
        for (ManagedProcess process : started) {
            process.awaitExit(Duration.ofSeconds(10));
        }
    }

    private static void pumpLines(Process process, Path log, Consumer<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = reader.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                try {
                    lines.accept(line);
                } catch (RuntimeException e) {
                    out.write("(devkit could not read that line: " + e + ")\n");
                }
            }
        } catch (IOException e) {
            // The process ended and closed its output; nothing more to read.
        }
    }

    /** Fails with a message naming {@code name} and {@code port} when something already listens there. */
    public static void requireFreePort(String name, int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new LaunchException(name + " cannot start: port " + port
                    + " is already in use by another process; stop that process or choose another port");
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
