package dev.reconnect.client.cli;

import dev.reconnect.client.cli.listen.ListenCommand;
import dev.reconnect.client.cli.publish.PublishCommand;
import dev.reconnect.protocol.AsyncStages;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code client-cli [listen|publish] [options]}: listens through the gateway with N reconnecting
 * clients (the default command), or publishes messages to the gateway's message API.
 */
@Command(name = "client-cli", mixinStandardHelpOptions = true, version = "client-cli 0.1.0",
        description = "Readiness-gated reconnecting WebSocket client for the gateway. "
                + "Without a command, 'listen' is run.",
        synopsisSubcommandLabel = "[listen | publish]",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:normal end (duration/count reached, or SIGINT/SIGTERM)",
                "1:a client failed (terminal close code or gave up), a publish was refused, or an unexpected error",
                ExitCodes.USAGE_LINE})
public final class ClientCli implements Runnable {
    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // only reached with no subcommand, which main() turns into 'listen'
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        AsyncStages.onTheCommonPool(); // first: see there
        quietLogging();
        CountDownLatch stop = new CountDownLatch(1);
        Signals.onTermination(stop::countDown);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        int code = execute(args, new CliIo(out, err, stop));
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Everything the library logs is also printed as an event on stdout, so the JDK log goes quiet
     * except for real errors; {@code -Dclient.log=INFO} (or FINE, WARNING, …) brings it back.
     */
    private static void quietLogging() {
        java.util.logging.Level level;
        try {
            level = java.util.logging.Level.parse(System.getProperty("client.log", "SEVERE"));
        } catch (IllegalArgumentException e) {
            level = java.util.logging.Level.SEVERE;
        }
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(level);
        for (java.util.logging.Handler handler : root.getHandlers()) {
            handler.setLevel(level);
        }
    }

    /** Runs the CLI in-process and returns its exit code (for tests and embedding). */
    public static int execute(String[] args, CliIo io) {
        CommandLine cli = commandLine(io);
        return cli.execute(withDefaultCommand(args));
    }

    static CommandLine commandLine(CliIo io) {
        CommandLine cli = new CommandLine(new ClientCli());
        cli.addSubcommand("listen", new ListenCommand(io));
        cli.addSubcommand("publish", new PublishCommand(io));
        // After the subcommands: a converter reaches the commands registered at the time.
        cli.registerConverter(Duration.class, new DurationConverter());
        cli.setOut(new PrintWriter(io.out(), true));
        cli.setErr(new PrintWriter(io.err(), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((ex, args) -> {
            String message = String.valueOf(ex.getMessage()).replaceAll("\\s*\\R\\s*", " ").trim();
            String command = ex.getCommandLine() == null ? "client-cli" : ex.getCommandLine().getCommandName();
            io.err().println("client-cli: " + message + " (see '" + ("client-cli".equals(command) ? "" : command + " ")
                    + "--help')");
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            io.err().println("client-cli: error: " + ex);
            return ExitCodes.CLIENT_FAILED;
        });
        return cli;
    }

    static String[] withDefaultCommand(String[] args) {
        if (args.length == 0 || (args[0].startsWith("-") && !TOP_LEVEL_OPTIONS.contains(args[0]))) {
            List<String> list = new ArrayList<>();
            list.add("listen");
            list.addAll(Arrays.asList(args));
            return list.toArray(new String[0]);
        }
        return args;
    }
}
