package org.ibmodel.sim.fabric;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Vcrc;

/**
 * Packets for fabric tests: an LRH (IBA 7.7), then a 32-bit sequence number, then filler, then a
 * VCRC. The LRH is one a switch port takes: LVer 0 and a PktLen that matches the length. No
 * transport headers: the fabric reads none.
 */
final class TestPackets {
    static final int SEQ_OFFSET = 8;
    static final int MIN_LENGTH = SEQ_OFFSET + 4 + Vcrc.LENGTH;

    private TestPackets() {
    }

    /**
     * {@code length} is PktLen 4-byte words and the VCRC, so it is 2 more than a multiple of 4
     * (IBA 7.7).
     */
    static byte[] packet(int dlid, int slid, int seq, int length) {
        if (length < MIN_LENGTH || (length - Vcrc.LENGTH) % 4 != 0) {
            throw new IllegalArgumentException("test packet of " + length + " bytes: PktLen words and a VCRC");
        }
        byte[] p = new byte[length];
        new Lrh().wrap(p, 0).lver(0).lnh(Lrh.LNH_IBA_LOCAL).dlid(dlid)
                .pktLen((length - Vcrc.LENGTH) / 4).slid(slid);
        p[SEQ_OFFSET] = (byte) (seq >>> 24);
        p[SEQ_OFFSET + 1] = (byte) (seq >>> 16);
        p[SEQ_OFFSET + 2] = (byte) (seq >>> 8);
        p[SEQ_OFFSET + 3] = (byte) seq;
        for (int i = SEQ_OFFSET + 4; i < length - Vcrc.LENGTH; i++) {
            p[i] = (byte) (seq * 31 + i);
        }
        // Switch ports check it (IBA 7.8.2).
        Vcrc.put(p, length - Vcrc.LENGTH, Vcrc.compute(p, 0, length - Vcrc.LENGTH));
        return p;
    }

    static int seq(byte[] p) {
        return (p[SEQ_OFFSET] & 0xff) << 24 | (p[SEQ_OFFSET + 1] & 0xff) << 16
                | (p[SEQ_OFFSET + 2] & 0xff) << 8 | (p[SEQ_OFFSET + 3] & 0xff);
    }

    /** A sink that records what arrives, with the arrival time. */
    static final class Recorder implements PacketSink {
        final List<byte[]> packets = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<Link.State> states = new ArrayList<>();
        private final Scheduler scheduler;

        Recorder(Scheduler scheduler) {
            this.scheduler = scheduler;
        }

        @Override
        public void receive(FabricPort port, byte[] packet) {
            packets.add(packet);
            times.add(scheduler.now());
        }

        @Override
        public void linkStateChanged(FabricPort port, Link.State state) {
            states.add(state);
        }

        List<Integer> seqs() {
            List<Integer> out = new ArrayList<>();
            for (byte[] p : packets) {
                out.add(seq(p));
            }
            return out;
        }
    }
}
