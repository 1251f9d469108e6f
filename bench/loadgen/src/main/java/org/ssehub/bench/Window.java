package org.ssehub.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Deliveries of the events published in one measurement window, by sequence number.
 * Written by the subscriber thread only; read by others after {@link Subscribers#call} froze it.
 */
final class Window {
    static final int PENDING = 0, ACCEPTED = 1, FAILED = 2;

    final long firstSeq;
    final int count;
    final int[] received;
    final long[] slowestNanos;
    final AtomicIntegerArray publishStatus;
    final Histogram latencyMicros = new Histogram();
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
        latencyMicros.record(latencyNanos / 1000);
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
        Histogram h = new Histogram();
        for (int i = 0; i < count; i++) {
            if (publishStatus.get(i) == ACCEPTED && subscribers > 0 && received[i] >= subscribers) {
                h.record(slowestNanos[i] / 1000);
            }
        }
        return h;
    }
}
