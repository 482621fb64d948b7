package dev.reconnect.devkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * What the user sees while the bench runs: a line when a phase begins and one with what it measured. The
 * scenario engine's step-by-step narration goes to a file instead, for when something needs explaining.
 */
final class Progress {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Path narrationLog;
    private final int phases;
    private int phase;

    Progress(Path narrationLog, int phases) {
        this.narrationLog = narrationLog;
        this.phases = phases;
    }

    void phase(String what) {
        phase++;
        line("[" + phase + "/" + phases + "] " + what);
        narrate("=== " + what);
    }

    void line(String text) {
        System.out.println("bench " + LocalTime.now().format(TIME) + " " + text);
    }

    /** One line of narration into the log file; a file that cannot be written costs the narration, not the run. */
    synchronized void narrate(String text) {
        try {
            Files.createDirectories(narrationLog.getParent());
            Files.writeString(narrationLog, LocalTime.now() + " " + text + System.lineSeparator(),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("bench: cannot write " + narrationLog + ": " + e.getMessage());
        }
    }
}
