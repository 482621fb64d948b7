package dev.reconnect.devkit.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the launcher started, with the signals the scenarios need. SIGKILL and SIGTERM are
 * what Process offers on Unix; SIGSTOP/SIGCONT go through {@code kill}.
 */
public final class ManagedProcess {
    private final String name;
    private final Process process;
    private final Path log;
    private volatile Thread outputPump;

    ManagedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** The thread copying the process's output into its log, when there is one. */
    void outputPump(Thread pump) {
        this.outputPump = pump;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    Process process() {
        return process;
    }

    /** SIGKILL, and wait until it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM; the caller decides how long to wait with {@link #awaitExit}. */
    public void terminate() {
        process.destroy();
    }

    /** SIGSTOP: the process stays, its sockets stay open, nothing answers (a half-open link). */
    public void suspend() {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend}. */
    public void resume() {
        signal("CONT");
    }

    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of the process's log, for failure messages. */
    public String logTail(int lines) {
        Thread pump = outputPump;
        if (pump != null && !process.isAlive()) {
            try {
                pump.join(2_000); // the last lines may still be in the pipe
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            List<String> all = Files.readAllLines(log);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new LaunchException("kill -" + signal + " " + process.pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new LaunchException("cannot send SIG" + signal + " to " + name + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while sending SIG" + signal + " to " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
