package dev.reconnect.api.log;

import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.PublishResult;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable message log: appends are serialised here so that sequence numbers are gapless and in
 * commit order, which is what lets every reader resume with "after N".
 */
@Component
public class MessageLog {
    private static final Logger log = LoggerFactory.getLogger(MessageLog.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final HeadWatchers watchers;
    private final AtomicLong head;
    private final Object appendLock = new Object();

    public MessageLog(JdbcClient jdbc, TransactionTemplate tx, HeadWatchers watchers) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = Clock.systemUTC();
        this.watchers = watchers;
        this.head = new AtomicLong(jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM message").query(Long.class).single());
        log.info("Message log opened: {} message(s) stored", head.get());
    }

    /** The highest seq stored. */
    public long head() {
        return head.get();
    }

    /**
     * Stores {@code body} under {@code key} once.
     *
     * @throws KeyConflictException when {@code key} is already stored with another body
     */
    public PublishResult append(String key, String body) {
        synchronized (appendLock) {
            Optional<LogEntry> existing = findByKey(key);
            if (existing.isPresent()) {
                if (!existing.get().body().equals(body)) {
                    throw new KeyConflictException(key, existing.get().seq());
                }
                return new PublishResult(key, existing.get().seq(), true);
            }
            long seq = head.get() + 1;
            long now = clock.millis();
            tx.executeWithoutResult(status -> jdbc
                    .sql("INSERT INTO message (seq, msg_key, body, published_at) VALUES (?, ?, ?, ?)")
                    .params(seq, key, body, now)
                    .update());
            head.set(seq);
            watchers.headMoved(seq);
            return new PublishResult(key, seq, false);
        }
    }

    /** Up to {@code limit} entries with seq greater than {@code after}, in order. */
    public List<LogEntry> after(long after, int limit) {
        return jdbc.sql("SELECT seq, body, published_at FROM message WHERE seq > ? ORDER BY seq LIMIT ?")
                .params(after, limit)
                .query((rs, row) -> new LogEntry(rs.getLong("seq"), rs.getString("body"), rs.getLong("published_at")))
                .list();
    }

    private Optional<LogEntry> findByKey(String key) {
        return jdbc.sql("SELECT seq, body, published_at FROM message WHERE msg_key = ?")
                .param(key)
                .query((rs, row) -> new LogEntry(rs.getLong("seq"), rs.getString("body"), rs.getLong("published_at")))
                .optional();
    }
}
