package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {
    static long exact(long[] sorted, double p) {
        long rank = Math.max(1, (long) Math.ceil(p / 100 * sorted.length));
        return sorted[(int) rank - 1];
    }

    @Test
    void percentilesMatchASortedArrayWithinOnePercent() {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(50_000);
            long[] values = new long[n];
            Histogram h = new Histogram();
            for (int i = 0; i < n; i++) {
                values[i] = (long) Math.exp(random.nextDouble() * Math.log(round % 2 == 0 ? 10_000_000 : 2_000));
                h.record(values[i]);
            }
            Arrays.sort(values);
            for (double p : new double[] {0.1, 1, 25, 50, 90, 99, 99.9, 99.99, 100}) {
                long want = exact(values, p), got = h.percentile(p);
                assertTrue(Math.abs(got - want) <= Math.max(1, want * 0.01),
                        "p" + p + " of " + n + " values: want " + want + ", got " + got);
            }
            assertEquals(values[n - 1], h.max());
            assertEquals(n, h.count());
        }
    }

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (int v = 0; v < 200; v++) {
            h.record(v);
        }
        assertEquals(99, h.percentile(50));
        assertEquals(197, h.percentile(99));
        assertEquals(199, h.percentile(100));
        assertEquals(0, new Histogram().percentile(99));
    }

    @Test
    void bucketsAreContiguousAndIncreasing() {
        int last = -1;
        for (long v = 0; v < 5_000_000; v += 1 + v / 500) {
            int i = Histogram.index(v);
            assertTrue(i == last || i == last + 1, "value " + v + " jumped from bucket " + last + " to " + i);
            last = i;
        }
    }
}
