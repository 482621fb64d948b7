package dev.reconnect.ws.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reconnect.protocol.Frame;
import dev.reconnect.protocol.FrameCodec;
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
        assertThat(recent.from(4, 10)).extracting(EncodedMessage::seq).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThat(recent.from(6, 2)).extracting(EncodedMessage::seq).containsExactly(6L, 7L);
        assertThat(recent.from(9, 10)).as("not seen yet").isEmpty();
    }

    @Test
    void aBacklogAddedTwiceIsCountedOnce() {
        RecentMessages recent = new RecentMessages(5);
        recent.add(entries(1, 3));
        recent.add(entries(1, 3));
        recent.add(entries(4, 5));

        assertThat(recent.from(1, 10)).extracting(EncodedMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void eachEntryIsEncodedOnceAsTheMessageFrameEverySessionSends() {
        RecentMessages recent = new RecentMessages(5);
        LogEntry entry = new LogEntry(1, "grüß 😀", 42);
        recent.add(List.of(entry));

        EncodedMessage held = recent.from(1, 1).get(0);
        assertThat(FrameCodec.decode(held.frame())).isEqualTo(new Frame.Message(1, "grüß 😀", 42));
        assertThat(held.frameBytes()).isEqualTo(held.frame().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(recent.from(1, 1).get(0)).as("the same text for the next session").isSameAs(held);
        assertThat(recent.add(List.of(entry), recent.generation()).get(0)).as("a backlog read again").isSameAs(held);
    }

    @Test
    void aReadFromBeforeAClearIsEncodedForItsReaderButNotKept() {
        RecentMessages recent = new RecentMessages(5);
        long before = recent.generation();
        recent.clear();

        List<EncodedMessage> encoded = recent.add(entries(1, 2), before);
        assertThat(encoded).extracting(EncodedMessage::seq).containsExactly(1L, 2L);
        assertThat(recent.from(1, 10)).isEmpty();
    }
}
