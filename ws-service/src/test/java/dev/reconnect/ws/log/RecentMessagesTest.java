package dev.reconnect.ws.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.log.LogEntry;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RecentMessagesTest {
    private static List<LogEntry> entries(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(seq -> new LogEntry(seq, "m" + seq, 0)).toList();
    }

    @Test
    void keepsTheNewestUpToItsCapacityAndAnswersOnlyConsecutiveRuns() {
        RecentMessages recent = new RecentMessages(5);
        recent.add(entries(1, 8));

        assertThat(recent.from(1, 10)).as("evicted").isEmpty();
        assertThat(recent.from(4, 10)).extracting(LogEntry::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(recent.from(6, 2)).extracting(LogEntry::seq).containsExactly(6L, 7L);
        assertThat(recent.from(9, 10)).as("not seen yet").isEmpty();
    }

    @Test
    void aBacklogAddedTwiceIsCountedOnce() {
        RecentMessages recent = new RecentMessages(5);
        recent.add(entries(1, 3));
        recent.add(entries(1, 3));
        recent.add(entries(4, 5));

        assertThat(recent.from(1, 10)).extracting(LogEntry::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
}
