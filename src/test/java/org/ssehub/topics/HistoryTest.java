package org.ssehub.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssehub.wire.Frame;

class HistoryTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void givesTheEventsAfterAnIdInOrder() {
        History history = new History(10, 60 * SECOND);
        for (long id = 1; id <= 5; id++) {
            history.add(id, Frame.event(Long.toString(id), "e", "d" + id), 0);
        }
        assertEquals(List.of(4L, 5L), ids(history, 3));
        assertEquals(List.of(), ids(history, 5));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), ids(history, 0));
    }

    @Test
    void keepsAtMostItsSizeAndRefusesWhatItDropped() {
        History history = new History(3, 60 * SECOND);
        for (long id = 1; id <= 5; id++) {
            history.add(id, Frame.event(Long.toString(id), "e", "d"), 0);
        }
        assertEquals(List.of(3L, 4L, 5L), ids(history, 2));
        assertTrue(history.after(1).isEmpty(), "event 2 was dropped, so after 1 cannot be served");
    }

    @Test
    void dropsWhatIsOlderThanItsAge() {
        History history = new History(10, 60 * SECOND);
        history.add(1, Frame.event("1", "e", "d"), 0);
        history.add(2, Frame.event("2", "e", "d"), 30 * SECOND);
        history.trim(61 * SECOND);
        assertEquals(List.of(2L), ids(history, 1));
        assertTrue(history.after(0).isEmpty());
    }

    @Test
    void idsOfOtherTopicsInBetweenDoNotMatter() {
        History history = new History(10, 60 * SECOND);
        history.add(10, Frame.event("10", "e", "d"), 0);
        history.add(20, Frame.event("20", "e", "d"), 0);
        assertEquals(List.of(20L), ids(history, 15));
    }

    private static List<Long> ids(History history, long after) {
        return history.after(after).orElseThrow().stream().map(History.Entry::id).toList();
    }
}
