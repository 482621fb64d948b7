package dev.reconnect.api.log;

import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.PublishResult;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable message log. One writer thread stores every publish (group commit): it takes all the
 * publishes waiting, decides each one (new, duplicate of a stored key, or conflict), inserts the new
 * ones in one transaction, makes that transaction durable once ({@link LogProperties.Durability}) and
 * only then moves the head and answers every publish of the batch. So seqs are gapless, in commit
 * order, never handed out twice, and an answered publish survives a crash.
 *
 * <p>Why this is durable in H2 2.4 (MVStore), as read in its source: with {@code WRITE_DELAY 0},
 * every commit writes its chunk to the file before it returns ({@code TransactionStore.endTransaction}
 * calls {@code MVStore.commit()}); with the default 500 ms a commit returns before anything is
 * written. Neither forces the file: {@code CHECKPOINT SYNC} does ({@code Database.sync()} →
 * {@code FileChannel.force(true)}).
 */
@Component
public class MessageLog {
    private static final Logger log = LoggerFactory.getLogger(MessageLog.class);
    private static final String INSERT = "INSERT INTO message (seq, msg_key, body, published_at) VALUES (?, ?, ?, ?)";

    private record Pending(String key, String body, CompletableFuture<PublishResult> answer, long enqueuedNanos) {}

    private record Stored(long seq, String body) {}

    /** Stops the writer once everything enqueued before it is stored. */
    private static final Pending END = new Pending("", "", new CompletableFuture<>(), 0);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final HeadWatchers watchers;
    private final LogProperties properties;
    private final Clock clock = Clock.systemUTC();
    /** The highest durable seq: readers see nothing beyond it. Moves forward only, after a batch is durable. */
    private final AtomicLong head;
    /** The writer's own: the highest seq in the file, durable or not (it is ahead of head only after a failure). */
    private long written;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private boolean closed;

    private final Map<String, Timer> appendTimers = new HashMap<>();
    private final DistributionSummary batchSize;
    private final Timer durableTimer;

    public MessageLog(JdbcTemplate jdbc, TransactionTemplate tx, HeadWatchers watchers, LogProperties properties,
                      MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.watchers = watchers;
        this.properties = properties;
        // Without this a commit returns before it is written (see above). Set here, not in the URL,
        // so that no data source setting can turn it off.
        jdbc.execute("SET WRITE_DELAY 0");
        if (properties.durability() == LogProperties.Durability.FSYNC) {
            // Rows a killed process committed but never forced are in the file, and will be served
            // and acknowledged (to a retry of their key) from now on: force them before that.
            jdbc.execute("CHECKPOINT SYNC");
        }
        this.written = maxSeqOnDisk();
        this.head = new AtomicLong(written);
        log.info("Message log opened: head {}, durability {}", head.get(), properties.durability());

        Gauge.builder("log.head", head, AtomicLong::get).description("highest durable seq").register(meters);
        for (String outcome : List.of("created", "duplicate", "conflict", "failed")) {
            appendTimers.put(outcome, Timer.builder("log.appends").tag("outcome", outcome)
                    .description("publishes, from arrival to durable answer").register(meters));
        }
        batchSize = DistributionSummary.builder("log.append.batch.size")
                .description("publishes decided by one group commit").register(meters);
        durableTimer = Timer.builder("log.append.durable")
                .description("commit and, with durability fsync, the force to the device, per batch").register(meters);

        writer = new Thread(this::writeLoop, "log-writer");
        // close() drains it; as a daemon it cannot keep a JVM alive whose context was never closed.
        writer.setDaemon(true);
        writer.start();
    }

    /** The highest seq stored durably. */
    public long head() {
        return head.get();
    }

    /**
     * Stores {@code body} under {@code key} once. The answer completes once the publish is durable
     * (new, or already stored with the same body), or with {@link KeyConflictException} when {@code key}
     * is stored with another body, or {@link LogUnavailableException} when it could not be stored.
     */
    public CompletableFuture<PublishResult> append(String key, String body) {
        Pending pending = new Pending(key, body, new CompletableFuture<>(), System.nanoTime());
        synchronized (queue) {
            if (closed) {
                pending.answer().completeExceptionally(new LogUnavailableException("the log is shutting down", null));
                return pending.answer();
            }
            queue.add(pending);
        }
        return pending.answer();
    }

    /** Up to {@code limit} entries with seq greater than {@code after} and at most {@code upTo}, in order. */
    public List<LogEntry> after(long after, int limit, long upTo) {
        return jdbc.query("SELECT seq, body, published_at FROM message WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                (rs, row) -> new LogEntry(rs.getLong("seq"), rs.getString("body"), rs.getLong("published_at")),
                after, upTo, limit);
    }

    @PreDestroy
    void close() throws InterruptedException {
        synchronized (queue) {
            closed = true;
            queue.add(END);
        }
        writer.join(Duration.ofSeconds(10).toMillis());
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            Pending first = takeUninterruptibly();
            if (first == END) {
                return;
            }
            batch.add(first);
            queue.drainTo(batch, properties.maxBatch() - 1);
            boolean end = batch.remove(END);
            try {
                write(batch);
            } catch (RuntimeException | Error e) {
                // write() answers every publish itself; this only keeps the writer alive.
                log.error("Log writer failed", e);
            }
            batch.clear();
            if (end) {
                return;
            }
        }
    }

    /**
     * Decides, stores and answers one batch. Nothing is answered, and the head does not move, until
     * everything up to the highest seq the batch refers to is durable; on a failure every publish of
     * the batch is refused (none was acknowledged) and may be retried with its key.
     */
    private void write(List<Pending> batch) {
        batchSize.record(batch.size());
        long last = written;
        long now = clock.millis();
        Map<String, Stored> decided = new HashMap<>();
        List<Object[]> rows = new ArrayList<>();
        Object[] outcomes = new Object[batch.size()];
        try {
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                Stored stored = decided.containsKey(p.key()) ? decided.get(p.key()) : findByKey(p.key());
                if (stored == null) {
                    stored = new Stored(++last, p.body());
                    rows.add(new Object[] {stored.seq(), p.key(), p.body(), now});
                    outcomes[i] = new PublishResult(p.key(), stored.seq(), false);
                } else if (stored.body().equals(p.body())) {
                    outcomes[i] = new PublishResult(p.key(), stored.seq(), true);
                    // A row written by a batch whose force failed is acknowledged only once durable.
                    last = Math.max(last, stored.seq());
                } else {
                    outcomes[i] = new KeyConflictException(p.key(), stored.seq());
                }
                decided.put(p.key(), stored);
            }
            if (last > head.get()) {
                long start = System.nanoTime();
                if (!rows.isEmpty()) {
                    tx.executeWithoutResult(status -> jdbc.batchUpdate(INSERT, rows));
                    written = last;
                }
                if (properties.durability() == LogProperties.Durability.FSYNC) {
                    // Forces the whole file: this batch and anything written before it.
                    jdbc.execute("CHECKPOINT SYNC");
                }
                durableTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                head.set(last);
                watchers.headMoved(last);
            }
        } catch (RuntimeException e) {
            log.error("Could not store {} publish(es); they are refused and may be retried", batch.size(), e);
            readWrittenBack();
            LogUnavailableException failure = new LogUnavailableException(written > head.get()
                    ? "the log may or may not have stored the message; send it again with the same key"
                    : "the log could not store the message; send it again with the same key", e);
            batch.forEach(p -> finish(p, failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            finish(batch.get(i), outcomes[i]);
        }
    }

    private void finish(Pending p, Object outcome) {
        String name;
        if (outcome instanceof PublishResult result) {
            name = result.duplicate() ? "duplicate" : "created";
            p.answer().complete(result);
        } else {
            name = outcome instanceof KeyConflictException ? "conflict" : "failed";
            p.answer().completeExceptionally((Throwable) outcome);
        }
        appendTimers.get(name).record(System.nanoTime() - p.enqueuedNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * After a failed batch some of its rows may be in the file (committed, then the force failed), or
     * none: the next seq must come after what is there. Those rows become visible with the next
     * batch that is made durable (a force covers the whole file).
     */
    private void readWrittenBack() {
        try {
            written = Math.max(head.get(), maxSeqOnDisk());
        } catch (RuntimeException e) {
            log.error("Could not read the log's head back; the next batch will try again", e);
        }
    }

    private long maxSeqOnDisk() {
        Long max = jdbc.queryForObject("SELECT COALESCE(MAX(seq), 0) FROM message", Long.class);
        return max == null ? 0 : max;
    }

    private Stored findByKey(String key) {
        List<Stored> found = jdbc.query("SELECT seq, body FROM message WHERE msg_key = ?",
                (rs, row) -> new Stored(rs.getLong("seq"), rs.getString("body")), key);
        return found.isEmpty() ? null : found.get(0);
    }

    private Pending takeUninterruptibly() {
        // Never interrupted on purpose: an interrupt during H2's file I/O would close its FileChannel.
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // keep going; close() stops the loop with END
            }
        }
    }
}
