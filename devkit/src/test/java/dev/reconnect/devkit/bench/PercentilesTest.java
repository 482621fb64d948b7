package dev.reconnect.devkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Nearest-rank percentiles: every value reported is one that was measured. */
class PercentilesTest {

    @Test
    void aHundredSamplesGiveTheFiftiethAndNinetyNinthInOrder() {
        long[] samples = LongStream.rangeClosed(1, 100).map(i -> 101 - i).toArray(); // 100 down to 1
        assertThat(Percentiles.of(samples)).isEqualTo(new Percentiles(100, 50, 99, 100));
    }

    @Test
    void fewerThanAHundredSamplesHaveTheLargestAsP99() {
        assertThat(Percentiles.of(new long[] {30, 10, 20, 40, 50, 60, 70, 80, 90, 1000}))
                .isEqualTo(new Percentiles(10, 50, 1000, 1000));
    }

    @Test
    void oneSampleIsEveryPercentile() {
        assertThat(Percentiles.of(new long[] {-7})).isEqualTo(new Percentiles(1, -7, -7, -7));
    }

    @Test
    void noSamplesAreCountedAsNone() {
        assertThat(Percentiles.of(new long[0]).count()).isZero();
    }

    @Test
    void theMedianOfAnEvenCountIsTheLowerMiddleSample() {
        assertThat(Percentiles.of(new long[] {4, 1, 3, 2}).p50()).isEqualTo(2);
    }

    @Test
    void theCallersArrayIsLeftAsItWas() {
        long[] samples = {3, 1, 2};
        Percentiles.of(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }
}
