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
    /** Deliveries to a node other than the one the event was published on; empty with one node. */
    final Histogram crossNodeMicros = histogram();
    private final Targets targets;
    /** Healthy subscribers when the window opened: each event is due to {@code subscribers / topics} of them. */
    int subscribers;
    long delivered;
    boolean frozen;

    Window(long firstSeq, int count) {
        this(firstSeq, count, null);
    }

    Window(long firstSeq, int count, Targets targets) {
        this.targets = targets;
        this.firstSeq = firstSeq;
        this.count = count;
        this.received = new int[count];
        this.slowestNanos = new long[count];
        this.publishStatus = new AtomicIntegerArray(count);
    }

    void record(long seq, long latencyNanos, int node) {
        if (frozen || seq - firstSeq < 0 || seq - firstSeq >= count) {
            return;
        }
        record(seq, latencyNanos);
        if (targets != null && targets.nodes > 1 && targets.eventNode(seq) != node) {
            record(crossNodeMicros, latencyNanos);
        }
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
                lost += Math.max(0, perEvent() - received[i]);
            }
        }
        return lost;
    }

    /** Latency of the last subscriber to get each event that every subscriber got. */
    Histogram lastSubscriberMicros() {
        Histogram h = histogram();
        for (int i = 0; i < count; i++) {
            if (publishStatus.get(i) == ACCEPTED && perEvent() > 0 && received[i] >= perEvent()) {
                record(h, slowestNanos[i]);
            }
        }
        return h;
    }

    /** How many subscribers each event is due to. */
    int perEvent() {
        return targets == null ? subscribers : subscribers / targets.topics;
    }

    private static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(Math.max(0, nanos / 1000), MAX_MICROS));
    }
}
