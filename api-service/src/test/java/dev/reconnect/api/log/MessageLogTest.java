package dev.reconnect.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reconnect.protocol.log.LogEntry;
import dev.reconnect.protocol.log.PublishResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The group commit itself: seqs, idempotency and conflicts inside and across batches, and failures. */
class MessageLogTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HeadWatchers watchers = new HeadWatchers();
    private JdbcTemplate jdbc;
    private MessageLog log;

    @BeforeEach
    void open() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:log-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(dataSource).load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        log = new MessageLog(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), watchers,
                new LogProperties(LogProperties.Durability.FSYNC, 10, 64), meters);
    }

    @AfterEach
    void close() throws InterruptedException {
        log.close();
    }

    @Test
    void concurrentPublishesOfTheSameKeysGetOneSeqEachGaplessAndInOrder() throws Exception {
        int keys = 60;
        int copies = 5;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<CompletableFuture<PublishResult>> answers = new CopyOnWriteArrayList<>();
        try {
            List<CompletableFuture<?>> sent = new ArrayList<>();
            for (int copy = 0; copy < copies; copy++) {
                for (int k = 0; k < keys; k++) {
                    String key = "key-" + k;
                    sent.add(CompletableFuture.runAsync(() -> answers.add(log.append(key, "body of " + key)), pool));
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        Map<String, Long> seqOfKey = new HashMap<>();
        int created = 0;
        for (CompletableFuture<PublishResult> answer : answers) {
            PublishResult result = answer.join();
            Long before = seqOfKey.putIfAbsent(result.key(), result.seq());
            assertThat(before == null ? result.seq() : before).as(result.key()).isEqualTo(result.seq());
            created += result.duplicate() ? 0 : 1;
        }
        assertThat(created).isEqualTo(keys);
        assertThat(log.head()).isEqualTo(keys);
        List<LogEntry> entries = log.after(0, 1000, log.head());
        assertThat(entries).extracting(LogEntry::seq).containsExactlyElementsOf(
                LongStream.rangeClosed(1, keys).boxed().toList());
        seqOfKey.forEach((key, seq) -> assertThat(entries.get((int) (seq - 1)).body()).isEqualTo("body of " + key));
        assertThat(meters.get("log.append.batch.size").summary().count()).isBetween(1L, (long) keys * copies);
        assertThat(meters.get("log.appends").tag("outcome", "duplicate").timer().count()).isEqualTo(keys * (copies - 1));
    }

    @Test
    void theSameKeyWithAnotherBodyIsAConflictAndStoresNothing() {
        long seq = log.append("k", "first").join().seq();
        assertThatThrownBy(() -> log.append("k", "second").join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(KeyConflictException.class).hasMessageContaining("message " + seq);
        assertThat(log.head()).isEqualTo(seq);
        assertThat(log.append("k", "first").join()).isEqualTo(new PublishResult("k", seq, true));
    }

    @Test
    void aFailedBatchIsRefusedWholeAndLeavesTheHeadWhereItWas() {
        log.append("a", "one").join();
        // A row the table cannot hold: the transaction fails (the API never lets such a body through).
        CompletableFuture<PublishResult> failed = log.append("too-long", "x".repeat(70_000));
        assertThatThrownBy(failed::join).cause().isInstanceOf(LogUnavailableException.class);
        assertThat(log.head()).isEqualTo(1);
        assertThat(log.append("b", "two").join()).isEqualTo(new PublishResult("b", 2, false));
        assertThat(log.after(0, 10, log.head())).extracting(LogEntry::body).containsExactly("one", "two");
    }

    @Test
    void aWaitingReaderHearsOfTheHeadOnlyOnceTheBatchIsDurable() {
        List<Long> heard = new CopyOnWriteArrayList<>();
        watchers.await(0, log::head, heard::add);
        PublishResult result = log.append("w", "wake").join();
        assertThat(heard).containsExactly(result.seq());
        assertThat(log.head()).isEqualTo(result.seq());
    }

    @Test
    void afterCloseAPublishIsRefusedAsRetryable() throws InterruptedException {
        log.close();
        assertThatThrownBy(() -> log.append("late", "x").join()).cause().isInstanceOf(LogUnavailableException.class);
    }
}
