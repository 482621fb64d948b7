package dev.reconnect.consul.emulator.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what the emulator logs (java.util.logging under "dev.reconnect.consul.emulator"). */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("dev.reconnect.consul.emulator");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Level previousLevel;

    /** Captures from INFO up; {@code new LogCapture(Level.FINE)} also sees the debug lines. */
    public LogCapture() {
        this(Level.INFO);
    }

    public LogCapture(Level level) {
        previousLevel = logger.getLevel();
        if (level.intValue() < Level.INFO.intValue()) {
            logger.setLevel(level);
        }
        setLevel(level);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    public List<String> messages() {
        List<String> out = new ArrayList<>();
        for (LogRecord record : records) {
            out.add(record.getMessage());
        }
        return out;
    }

    public List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}
