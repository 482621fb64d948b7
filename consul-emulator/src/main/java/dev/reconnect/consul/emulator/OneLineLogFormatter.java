package dev.reconnect.consul.emulator;

import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * "12:00:01.234 registered service ..." — one line per event for the command-line emulator, with the
 * level only when it is not plain information. A stack trace, if any, follows on its own lines.
 */
final class OneLineLogFormatter extends Formatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder();
        line.append(TIME.format(LocalTime.ofInstant(record.getInstant(), ZoneId.systemDefault()))).append(' ');
        if (record.getLevel().intValue() != Level.INFO.intValue()) {
            line.append(record.getLevel().getName()).append(' ');
        }
        line.append(formatMessage(record)).append(System.lineSeparator());
        if (record.getThrown() != null) {
            java.io.StringWriter trace = new java.io.StringWriter();
            record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }
}
