package org.ssehub.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.HdrHistogram.Histogram;

/**
 * Deliveries of the events published in one measurement window, by sequence number.
 * Written by the subscriber thread only; read by others after {@link Subscribers#call} froze it.
 */
final class Window {
    static final int PENDING = 0, ACCEPTED = 1, FAILED = 2;
    /** Latencies above this are recorded as this, so they still count. */
    static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    final long firstSeq;
    final int count;
    final int[] received;
    final long[] slowestNanos;
    final AtomicIntegerArray publishStatus;
    final Histogram latencyMicros = histogram();
    int subscribers;
    long delivered;
    boolean frozen;

    Window(long firstSeq, int count) {
        this.firstSeq = firstSeq;
        this.count = count;
        this.received = new int[count];
        this.slowestNanos = new long[count];
        this.publishStatus = new AtomicIntegerArray(count);
    }

    void record(long seq, long latencyNanos) {
        long k = seq - firstSeq;
        if (frozen || k < 0 || k >= count) {
            return;
        }
        int i = (int) k;
        received[i]++;
        if (latencyNanos > slowestNanos[i]) {
            slowestNanos[i] = latencyNanos;
        }
        record(latencyMicros, latencyNanos);
        delivered++;
    }

    int accepted() {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += publishStatus.get(i) == ACCEPTED ? 1 : 0;
        }
        return n;
    }

    long lost() {
        long lost = 0;
        for (int i = 0; i < count; i++) {
            if (publishStatus.get(i) == ACCEPTED) {
                lost += Math.max(0, subscribers - received[i]);
            }
        }
        return lost;
    }

    /** Latency of the last subscriber to get each event that every subscriber got. */
    Histogram lastSubscriberMicros() {
        Histogram h = histogram();
        for (int i = 0; i < count; i++) {
            if (publishStatus.get(i) == ACCEPTED && subscribers > 0 && received[i] >= subscribers) {
                record(h, slowestNanos[i]);
            }
        }
        return h;
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(Math.max(0, nanos / 1000), MAX_MICROS));
    }
}
