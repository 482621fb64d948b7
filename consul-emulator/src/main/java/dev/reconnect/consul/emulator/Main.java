package dev.reconnect.consul.emulator;

import dev.reconnect.consul.emulator.time.GoDuration;
import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * {@code java -jar consul-emulator.jar --port 8500}. Mistakes on the command line get one line on
 * stderr and exit code 2, a taken port exit code 1; never a stack trace. SIGTERM stops it cleanly.
 */
public final class Main {

    /** Returned by {@link #run} when the emulator is up and the JVM should keep running. */
    static final int RUNNING = -1;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != RUNNING) {
            System.exit(code);
        }
        // The HTTP server's own (non-daemon) dispatcher thread keeps the JVM alive until SIGTERM.
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine.Parsed parsed;
        try {
            parsed = CommandLine.parse(args);
        } catch (UsageException e) {
            err.println("consul-emulator: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("consul-emulator: " + e.getMessage());
            return 2;
        }
        if (parsed.help()) {
            out.print(CommandLine.usage());
            out.flush();
            return 0;
        }
        ConsulEmulator emulator;
        if (parsed.config().aclsEnforced()) {
            // The emulator logs at start that ACLs are enforced: that line belongs on stdout, one line like the rest.
            logTo(out);
        }
        try {
            emulator = ConsulEmulator.start(parsed.config());
        } catch (EmulatorStartException e) {
            err.println("consul-emulator: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("consul-emulator: could not start: " + e);
            return 1;
        }
        if (!parsed.config().aclsEnforced()) {
            logTo(out);
        }
        EmulatorConfig config = parsed.config();
        out.println("consul-emulator listening on " + emulator.baseUri() + " (reaper every "
                + GoDuration.formatShort(config.reaperInterval()) + ", deregister-after minimum "
                + GoDuration.formatShort(config.minDeregisterAfter()) + ")");
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // JUL's own shutdown hook may already have closed the handlers, so say goodbye directly.
            emulator.close();
            out.println("consul-emulator stopped");
            out.flush();
        }, "consul-emulator-shutdown"));
        return RUNNING;
    }

    /** The emulator's events, one line each, on stdout next to the start line. */
    private static void logTo(PrintStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new StreamHandler(out, new OneLineLogFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }

            /** JUL closes handlers in its own shutdown hook; closing would close stdout under our feet. */
            @Override
            public synchronized void close() {
                flush();
            }
        };
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
    }
}
