package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class WindowTest {

    @Test
    void latenciesAreMicrosAndOnlyTheWindowCounts() {
        Window w = new Window(100, 3);
        w.record(99, 5_000_000);
        w.record(100, 1_000_000);
        w.record(101, 2_000_000);
        w.record(103, 9_000_000);
        assertEquals(2, w.delivered);
        assertEquals(2, w.latencyMicros.getTotalCount());
        assertEquals(1000, w.latencyMicros.getValueAtPercentile(50));
        assertEquals(2000, w.latencyMicros.getMaxValue());
    }

    @Test
    void latenciesAboveTheTrackableRangeStillCount() {
        Window w = new Window(0, 2);
        w.record(0, 3 * Window.MAX_MICROS * 1000);
        w.record(1, -5);
        assertEquals(2, w.latencyMicros.getTotalCount());
        assertEquals(0, w.latencyMicros.getValueAtPercentile(50));
        assertEquals(Window.MAX_MICROS, w.latencyMicros.getMaxValue(), Window.MAX_MICROS / 1000.0);
        assertEquals(Bench.ms(w.latencyMicros.getMaxValue()), 3_600_000, 3_600);
    }

    @Test
    void lastSubscriberCountsEventsEverySubscriberGot() {
        Window w = new Window(0, 3);
        w.subscribers = 2;
        for (int i = 0; i < 3; i++) {
            w.publishStatus.set(i, Window.ACCEPTED);
        }
        w.record(0, 1_000_000);
        w.record(0, 1_300_000);
        w.record(1, 1_200_000);
        w.record(2, 1_400_000);
        w.record(2, 1_500_000);
        Histogram last = w.lastSubscriberMicros();
        assertEquals(2, last.getTotalCount());
        assertEquals(1300, last.getValueAtPercentile(50));
        assertEquals(1500, last.getValueAtPercentile(99));
        assertEquals(1, w.lost());
    }
}
