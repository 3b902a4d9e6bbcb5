package org.ibmodel.sim.fabric;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Vcrc;

/**
 * Packets for fabric tests: an LRH with DLID and SLID (IBA 7.7), then a 32-bit sequence number,
 * then filler, then a VCRC. Only what the fabric reads is filled in.
 */
final class TestPackets {
    static final int SEQ_OFFSET = 8;
    static final int MIN_LENGTH = 12;

    private TestPackets() {
    }

    static byte[] packet(int dlid, int slid, int seq, int length) {
        if (length < MIN_LENGTH) {
            throw new IllegalArgumentException("test packet of " + length + " bytes");
        }
        byte[] p = new byte[length];
        p[1] = (byte) 0x02; // SL 0, LNH 2 = IBA local (IBA 7.7)
        p[2] = (byte) (dlid >>> 8);
        p[3] = (byte) dlid;
        p[6] = (byte) (slid >>> 8);
        p[7] = (byte) slid;
        p[SEQ_OFFSET] = (byte) (seq >>> 24);
        p[SEQ_OFFSET + 1] = (byte) (seq >>> 16);
        p[SEQ_OFFSET + 2] = (byte) (seq >>> 8);
        p[SEQ_OFFSET + 3] = (byte) seq;
        for (int i = SEQ_OFFSET + 4; i < length - Vcrc.LENGTH; i++) {
            p[i] = (byte) (seq * 31 + i);
        }
        // Switch ports check it (IBA 7.8.2); a packet with no room for it is for a bare link.
        if (length >= SEQ_OFFSET + 4 + Vcrc.LENGTH) {
            Vcrc.put(p, length - Vcrc.LENGTH, Vcrc.compute(p, 0, length - Vcrc.LENGTH));
        }
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
