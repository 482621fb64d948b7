package dev.reconnect.client.cli;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * Where a command writes, and the signal that asks it to stop (SIGINT/SIGTERM in the real CLI,
 * anything in tests).
 *
 * @param out  events and progress
 * @param err  usage errors and diagnostics
 * @param stop counted down when the command should end early and clean up
 */
public record CliIo(PrintStream out, PrintStream err, CountDownLatch stop) {
    public static CliIo of(PrintStream out, PrintStream err) {
        return new CliIo(out, err, new CountDownLatch(1));
    }
}
