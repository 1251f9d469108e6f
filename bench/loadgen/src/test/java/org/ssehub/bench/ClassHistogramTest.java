package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {
    private static final String BEFORE = """
            1234:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          64000  [B (java.base@17)
               2:            10            400  java.lang.String (java.base@17)
            Total          1010          64400
            """;
    private static final String AFTER = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          3000         864000  [B (java.base@17)
               2:           210           8400  java.lang.String (java.base@17)
               3:           100           4800  org.example.Sink
            Total          3310         877200
            """;

    @Test
    void growthIsRankedByBytesAndDividedByStreams() {
        String[] lines = ClassHistogram.growth(BEFORE, AFTER, 100, 2).split("\\R");
        assertTrue(lines[0].startsWith("100 streams; heap grew 7.9 KB per stream"), lines[0]);
        assertEquals(4, lines.length);
        assertTrue(lines[2].matches("\\s+2000\\s+800000\\s+8000\\.0\\s+\\[B"), lines[2]);
        assertTrue(lines[3].matches("\\s+200\\s+8000\\s+80\\.0\\s+java\\.lang\\.String"), lines[3]);
    }
}
