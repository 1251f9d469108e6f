package org.ssehub.bench;

/**
 * Fixed-size log-bucket histogram of non-negative longs (microseconds here): exact below 256,
 * then 128 buckets per power of two, so a reported value is within 0.4 % of a recorded one.
 */
final class Histogram {
    private static final int EXACT = 256, PER_OCTAVE = 128, OCTAVES = 40;
    private final long[] counts = new long[EXACT + OCTAVES * PER_OCTAVE];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;

    void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
        if (v < min) {
            min = v;
        }
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** Nearest-rank percentile (0 &lt; p &le; 100); 0 when empty. */
    long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, middle(i)));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - 7;
        if (shift > OCTAVES) {
            return EXACT + OCTAVES * PER_OCTAVE - 1;
        }
        return EXACT + (shift - 1) * PER_OCTAVE + (int) ((v >> shift) - PER_OCTAVE);
    }

    private static long middle(int index) {
        if (index < EXACT) {
            return index;
        }
        int k = index - EXACT;
        int shift = k / PER_OCTAVE + 1;
        long low = (long) (k % PER_OCTAVE + PER_OCTAVE) << shift;
        return low + (1L << shift) / 2;
    }
}
