package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.hca.PciFunction;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.sched.Scheduler;

/**
 * An HCA driven by hand: HCR writes, mailboxes and rings in host memory, MSI-X vectors recorded
 * as they fire. No driver and no kernel, so a test sees exactly what the firmware does.
 */
final class RawHca {
    static final int NUM_QP = 128;
    static final int NUM_CQ = 16;
    static final int NUM_MPT = 32;
    static final int NUM_EQ = 3;
    static final int NUM_SRQ = 8;
    static final int NUM_MCG = 16;
    static final int MCG_HASH_SIZE = 8;

    final Scheduler scheduler;
    final HostMemory mem = new HostMemory();
    /** The stage that holds what the device fetches, or null when it has a real transport. */
    final HoldingStage stage;
    final DevCaps caps = DevCaps.standard(0x0002_c903_0000_0100L);
    final List<Integer> fired = new ArrayList<>();
    final Hca hca;
    final long inbox = mem.alloc(4096);
    final long outbox = mem.alloc(4096);
    private int token;

    RawHca() {
        this(new Scheduler(7), new HoldingStage());
    }

    /** An HCA whose packets go to {@code transport}, which the caller binds to {@link #hca}. */
    RawHca(Scheduler scheduler, TransportStage transport) {
        this.scheduler = scheduler;
        this.stage = transport instanceof HoldingStage held ? held : null;
        this.hca = new Hca("0000:01:00.0", mem, scheduler, (label, h) -> h, caps, transport);
        for (int v = 0; v < caps.msixVectors(); v++) {
            int vector = v;
            hca.requestIrq(v, () -> fired.add(vector));
        }
    }

    /** Writes the HCR, sets go, lets the world run, returns the status. */
    Status cmd(int opcode, int inMod, long inParam, long outParam, int opMod, boolean event) {
        hca.writel(PciFunction.BAR0, 0x00, (int) (inParam >>> 32));
        hca.writel(PciFunction.BAR0, 0x04, (int) inParam);
        hca.writel(PciFunction.BAR0, 0x08, inMod);
        hca.writel(PciFunction.BAR0, 0x0c, (int) (outParam >>> 32));
        hca.writel(PciFunction.BAR0, 0x10, (int) outParam);
        hca.writel(PciFunction.BAR0, 0x14, ++token << 16);
        hca.writel(PciFunction.BAR0, 0x18, (1 << 23) | (event ? 1 << 22 : 0) | (opMod << 12) | opcode);
        scheduler.runUntilIdle(1000);
        int w = hca.readl(PciFunction.BAR0, 0x18);
        assertEquals(0, w & (1 << 23), "go still set");
        return Status.of(w >>> 24);
    }

    /** out_param as the device left it in the HCR. */
    long outParam() {
        return (hca.readl(PciFunction.BAR0, 0x0c) & 0xffff_ffffL) << 32 | (hca.readl(PciFunction.BAR0, 0x10) & 0xffff_ffffL);
    }

    int lastToken() {
        return token;
    }

    Status cmd(Command c, int inMod, long inParam) {
        return cmd(c.opcode(), inMod, inParam, 0, 0, false);
    }

    Status in(Command c, int inMod, byte[] box) {
        return in(c, inMod, box, 0);
    }

    Status in(Command c, int inMod, byte[] box, int opMod) {
        byte[] page = new byte[4096];
        System.arraycopy(box, 0, page, 0, box.length);
        mem.write(inbox, page);
        return cmd(c.opcode(), inMod, inbox, 0, opMod, false);
    }

    /** Runs an outbox command that must succeed and returns the mailbox. */
    byte[] out(Command c, int inMod) {
        mem.write(outbox, new byte[4096]);
        assertEquals(Status.OK, cmd(c.opcode(), inMod, 0, outbox, 0, false));
        return mem.read(outbox, 4096);
    }

    /** INIT_HCA with the fixture's table sizes. */
    void init() {
        byte[] b = new byte[0x1c];
        Layout.InitHca.NUM_MCG.set(b, 0, NUM_MCG);
        Layout.InitHca.MCG_HASH_SIZE.set(b, 0, MCG_HASH_SIZE);
        Layout.InitHca.NUM_QP.set(b, 0, NUM_QP);
        Layout.InitHca.NUM_CQ.set(b, 0, NUM_CQ);
        Layout.InitHca.NUM_MPT.set(b, 0, NUM_MPT);
        Layout.InitHca.NUM_EQ.set(b, 0, NUM_EQ);
        Layout.InitHca.NUM_SRQ.set(b, 0, NUM_SRQ);
        assertEquals(Status.OK, in(Command.INIT_HCA, 0, b));
    }

    // ---- event queues ------------------------------------------------------------------

    /** An EQ ring as the driver would lay it out: every owner bit 1 (hardware's). */
    final class EqRing {
        final int eqn;
        final int logSize;
        final long buf;
        int ci;

        EqRing(int eqn, int logSize, int vector, long mask) {
            this.eqn = eqn;
            this.logSize = logSize;
            this.buf = mem.alloc(32L << logSize);
            for (int i = 0; i < (1 << logSize); i++) {
                mem.write(buf + 32L * i + 0x1f, new byte[] {(byte) 0x80});
            }
            byte[] ctx = new byte[Layout.CTX + 32];
            Layout.EqCtx.LOG_SIZE.set(ctx, Layout.CTX, logSize);
            Layout.EqCtx.MSIX_VECTOR.set(ctx, Layout.CTX, vector);
            Layout.EqCtx.BUFFER.set(ctx, Layout.CTX, buf);
            assertEquals(Status.OK, in(Command.SW2HW_EQ, eqn, ctx));
            assertEquals(Status.OK, cmd(Command.MAP_EQ, eqn, mask));
        }

        /** The next EQE if software owns it (owner bit), consuming it. */
        byte[] poll() {
            byte[] e = mem.read(buf + 32L * (ci & ((1 << logSize) - 1)), 32);
            if (((e[0x1f] >> 7) & 1) != ((ci >>> logSize) & 1)) {
                return null;
            }
            ci++;
            return e;
        }

        void arm() {
            hca.writel(PciFunction.BAR2, 0x800 + 4 * eqn, (1 << 31) | (ci & 0xffffff));
        }
    }

    // ---- completion queues -------------------------------------------------------------

    final class CqRing {
        final int cqn;
        final int logSize;
        final long buf;
        final long db;
        int ci;

        CqRing(int cqn, int logSize, int eqn) {
            this.cqn = cqn;
            this.logSize = logSize;
            this.buf = mem.alloc(32L << logSize);
            this.db = mem.alloc(4);
            for (int i = 0; i < (1 << logSize); i++) {
                mem.write(buf + 32L * i + 0x1f, new byte[] {(byte) 0x80});
            }
            assertEquals(Status.OK, in(Command.SW2HW_CQ, cqn, context(eqn)));
        }

        byte[] context(int eqn) {
            byte[] ctx = new byte[Layout.CTX + 32];
            Layout.CqCtx.LOG_SIZE.set(ctx, Layout.CTX, logSize);
            Layout.CqCtx.COMP_EQN.set(ctx, Layout.CTX, eqn);
            Layout.CqCtx.BUFFER.set(ctx, Layout.CTX, buf);
            Layout.CqCtx.DB_RECORD.set(ctx, Layout.CTX, db);
            return ctx;
        }

        byte[] poll() {
            byte[] e = mem.read(buf + 32L * (ci & ((1 << logSize) - 1)), 32);
            if (((e[0x1f] >> 7) & 1) != ((ci >>> logSize) & 1)) {
                return null;
            }
            ci++;
            byte[] w = new byte[4];
            Field.putWord(w, 0, ci & 0xffffff);
            mem.write(db, w);
            return e;
        }

        void arm(int cmd) {
            hca.writel(PciFunction.BAR2, 0x20, (cmd << 24) | cqn);
        }
    }

    // ---- queue pairs -------------------------------------------------------------------

    /** Rings and a doorbell record for a QP of 2^log entries of 64 bytes each way. */
    final class QpRings {
        final int qpn;
        final int log;
        final long sq;
        final long rq;
        final long db;
        int sqHead;
        int rqHead;

        QpRings(int qpn, int log) {
            this.qpn = qpn;
            this.log = log;
            this.sq = mem.alloc(64L << log);
            this.rq = mem.alloc(64L << log);
            this.db = mem.alloc(8);
        }

        /** A RST2INIT context for an RC QP on {@code cqn}. */
        byte[] init(int serviceType, int cqn) {
            byte[] b = new byte[Layout.CTX + 128];
            int c = Layout.CTX;
            Layout.QpCtx.SERVICE_TYPE.set(b, c, serviceType);
            Layout.QpCtx.PD.set(b, c, 1);
            Layout.QpCtx.SEND_CQN.set(b, c, cqn);
            Layout.QpCtx.RECV_CQN.set(b, c, cqn);
            Layout.QpCtx.SQ_LOG_SIZE.set(b, c, log);
            Layout.QpCtx.SQ_LOG_STRIDE.set(b, c, 6);
            Layout.QpCtx.RQ_LOG_SIZE.set(b, c, log);
            Layout.QpCtx.RQ_LOG_STRIDE.set(b, c, 6);
            Layout.QpCtx.SQ_ADDR.set(b, c, sq);
            Layout.QpCtx.RQ_ADDR.set(b, c, rq);
            Layout.QpCtx.DB_RECORD.set(b, c, db);
            Layout.QpCtx.PORT.set(b, c, 1);
            return b;
        }

        /** Posts {@code n} SEND WQEs (the bytes do not matter to a flush) and rings SEND. */
        void postSends(int n) {
            for (int i = 0; i < n; i++) {
                byte[] w = new byte[64];
                Layout.Ctrl.OPCODE.set(w, 0, SendOpcode.SEND.value());
                Layout.Ctrl.DS.set(w, 0, 1);
                mem.write(sq + 64L * (sqHead & ((1 << log) - 1)), w);
                sqHead++;
            }
            byte[] w = new byte[4];
            Field.putWord(w, 0, sqHead);
            mem.write(db + 4, w);
            hca.writel(PciFunction.BAR2, 0x14, qpn);
        }

        void postRecvs(int n) {
            rqHead += n;
            byte[] w = new byte[4];
            Field.putWord(w, 0, rqHead);
            mem.write(db, w);
            hca.writel(PciFunction.BAR2, 0x18, qpn);
        }
    }

    /** A QP moved RESET→INIT→RTR→RTS with an RC context on {@code cqn}. */
    QpRings rcQpToRts(int qpn, int cqn) {
        QpRings r = new QpRings(qpn, 3);
        assertEquals(Status.OK, in(Command.RST2INIT_QP, qpn, r.init(QpContext.RC, cqn)));
        byte[] rtr = new byte[Layout.CTX + 128];
        Layout.QpCtx.PATH_MTU.set(rtr, Layout.CTX, 3);
        Layout.QpCtx.REMOTE_QPN.set(rtr, Layout.CTX, 0x99);
        Layout.QpCtx.DLID.set(rtr, Layout.CTX, 5);
        assertEquals(Status.OK, in(Command.INIT2RTR_QP, qpn, rtr));
        assertEquals(Status.OK, in(Command.RTR2RTS_QP, qpn, new byte[Layout.CTX + 128]));
        return r;
    }
}
