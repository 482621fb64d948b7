package dev.reconnect.client.cli;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What {@code listen} and {@code publish} share: the gateway, JSON or human output, how long to run, the I/O,
 * and their help's form (picocli reads a superclass's {@code @Command} attributes for its subclasses).
 */
@Command(mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n")
public abstract class GatewayCommand implements Callable<Integer> {
    protected final CliIo io;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--gateway", defaultValue = GatewayOption.DEFAULT, converter = GatewayOption.class,
            description = "Gateway base URI (default: ${DEFAULT-VALUE}).")
    protected URI gateway;

    @Option(names = "--json", description = "One JSON object per line (client-cli/README.md) instead of human output.")
    protected boolean json;

    @Option(names = "--duration",
            description = "Stop after this long (e.g. 60s); default: until SIGINT/SIGTERM (publish: or --count).")
    protected Duration duration;

    protected GatewayCommand(CliIo io) {
        this.io = io;
    }

    /** A bad option value found after parsing: one line on stderr and exit code 2, as picocli's own. */
    protected CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** A daemon thread for periodic output, so that it never keeps the CLI alive. */
    protected static ScheduledExecutorService ticker(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
