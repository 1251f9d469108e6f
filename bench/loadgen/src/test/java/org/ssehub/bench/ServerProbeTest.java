package org.ssehub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerProbeTest {
    @Test
    void g1() {
        assertEquals(1037L << 10, ServerProbe.parseHeapUsed("""
                23503:
                 garbage-first heap   total 10240K, used 1037K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 0 young (0K), 0 survivors (0K)
                 Metaspace       used 73K, committed 320K, reserved 1114112K
                  class space    used 3K, committed 128K, reserved 1048576K
                """));
    }

    @Test
    void parallelAndSerialSumTheGenerations() {
        assertEquals((100L + 449) << 10, ServerProbe.parseHeapUsed("""
                 PSYoungGen      total 76288K, used 100K [0x00000000fab00000, 0x0000000100000000, 0x0000000100000000)
                  eden space 65536K, 0% used [0x00000000fab00000,0x00000000fab00000,0x00000000feb00000)
                  from space 10752K, 0% used [0x00000000feb00000,0x00000000feb00000,0x00000000ff580000)
                 ParOldGen       total 175104K, used 449K [0x00000000f0000000, 0x00000000fab00000, 0x00000000fab00000)
                  object space 175104K, 0% used [0x00000000f0000000,0x00000000f0070510,0x00000000fab00000)
                 Metaspace       used 122K, committed 320K, reserved 1114112K
                """));
        assertEquals((7L << 10) + (3L << 20), ServerProbe.parseHeapUsed("""
                 def new generation   total 78656K, used 7K [0x00000000f0000000, 0x00000000f5550000, 0x00000000f5550000)
                  eden space 69952K,   0% used [0x00000000f0000000, 0x00000000f0000000, 0x00000000f4450000)
                 tenured generation   total 174784K, used 3M [0x00000000f5550000, 0x0000000100000000, 0x0000000100000000)
                   the space 174784K,   0% used [0x00000000f5550000, 0x00000000f55c0510, 0x00000000f55c0600, 0x0000000100000000)
                 Metaspace       used 123K, committed 320K, reserved 1114112K
                """));
    }

    @Test
    void zgcAndShenandoah() {
        assertEquals(2L << 20, ServerProbe.parseHeapUsed("""
                 ZHeap           used 2M, capacity 256M, max capacity 256M
                 Metaspace       used 129K, committed 320K, reserved 1114112K
                """));
        assertEquals(542L << 10, ServerProbe.parseHeapUsed("""
                Shenandoah Heap
                 256M max, 256M soft max, 256M committed, 542K used
                 1024 x 256K regions
                 Metaspace       used 125K, committed 320K, reserved 1114112K
                """));
    }

    @Test
    void unknownOutputIsAnError() {
        assertThrows(IllegalStateException.class, () -> ServerProbe.parseHeapUsed("no heap here\n"));
    }

    @Test
    void readsOwnCpuAndRss() {
        ServerProbe p = new ServerProbe(ProcessHandle.current().pid());
        assertTrue(p.cpuTicks() > 0);
        assertTrue(p.rssBytes() > 1 << 20);
        assertTrue(p.clockTicks > 0);
    }
}
