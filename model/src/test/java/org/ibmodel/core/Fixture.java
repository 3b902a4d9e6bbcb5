package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemDevice;

/**
 * One host with one registered in-memory device, one PD, and shortcuts for the objects and
 * QP transitions the unit tests of ib_core and the in-memory device need. Deferred work
 * (executor softirq, interrupts, CQ polling, event work) only runs in {@link #run()}.
 */
public final class Fixture {
    /** The LID of the device's only port; both ends of a loopback connection use it. */
    public static final int LID = 1;
    public static final int PORT = 1;

    /** The masks the kernel's ULPs pass for each step of an RC connection (qp_state_table). */
    public static final int RC_INIT_MASK = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
            QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS);
    public static final int RC_RTR_MASK = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
            QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.MIN_RNR_TIMER);
    public static final int RC_RTS_MASK = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
            QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC);
    public static final int UD_INIT_MASK = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
            QpAttrMask.PORT, QpAttrMask.QKEY);
    public static final int UD_RTS_MASK = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN);

    public static final int ALL_ACCESS = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
            | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC;

    public final Kernel kernel = new Kernel("host");
    public final IbCore core = new IbCore(kernel);
    public final HostMemory mem = new HostMemory();
    public final IbDevice dev;
    public final Pd pd;

    public Fixture() {
        dev = MemDevice.create(core, "mem0", mem, LID);
        assertEquals(0, core.registerDevice(dev));
        kernel.runPending();
        pd = Pd.alloc(dev).get();
    }

    /** Lets every softirq and work item run, as the CPU would once the caller sleeps. */
    public void run() {
        kernel.runPending();
    }

    // ---- CQs -------------------------------------------------------------------------------

    public Cq cq(int cqe) {
        return cq(cqe, null, null);
    }

    public Cq cq(int cqe, CompHandler comp, IbEventHandler events) {
        return Cq.create(dev, comp, events, new CqInitAttr(cqe, 0)).get();
    }

    /** ib_poll_cq until empty; copies of every completion, oldest first. */
    public static List<Wc> poll(Cq cq) {
        List<Wc> out = new ArrayList<>();
        Wc[] batch = new Wc[4];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new Wc();
        }
        int n;
        while ((n = cq.poll(batch.length, batch)) > 0) {
            for (int i = 0; i < n; i++) {
                out.add(batch[i].copy());
            }
        }
        return out;
    }

    // ---- QPs -------------------------------------------------------------------------------

    public Qp qp(QpType type, Cq cq, QpCap cap) {
        return Qp.create(pd, QpInitAttr.of(type, cq, cq, cap)).get();
    }

    public Qp qp(QpInitAttr init) {
        return Qp.create(pd, init).get();
    }

    /** An RC QP on the given CQs, room for 16 WRs of 4 SGEs each way. */
    public Qp rcQp(Cq sendCq, Cq recvCq) {
        return Qp.create(pd, QpInitAttr.of(QpType.RC, sendCq, recvCq, QpCap.of(16, 16, 4))).get();
    }

    public static QpAttr rcInitAttr() {
        QpAttr a = new QpAttr().state(QpState.INIT);
        a.pkeyIndex = 0;
        a.portNum = PORT;
        a.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ
                | AccessFlags.REMOTE_ATOMIC;
        return a;
    }

    public static QpAttr rcRtrAttr(int destQpn) {
        QpAttr a = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_1024);
        a.ahAttr = AhAttr.lid(PORT, LID);
        a.destQpNum = destQpn;
        a.rqPsn = 0x100;
        a.maxDestRdAtomic = 1;
        a.minRnrTimer = 12;
        return a;
    }

    public static QpAttr rcRtsAttr(int rnrRetry) {
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.sqPsn = 0x100;
        a.timeout = 14;
        a.retryCnt = 7;
        a.rnrRetry = rnrRetry;
        a.maxRdAtomic = 1;
        return a;
    }

    /** RESET -> INIT -> RTR -> RTS towards {@code destQpn}, with the kernel's masks. */
    public static void rcToRts(Qp qp, int destQpn, int rnrRetry) {
        assertEquals(0, qp.modify(rcInitAttr(), RC_INIT_MASK));
        assertEquals(0, qp.modify(rcRtrAttr(destQpn), RC_RTR_MASK));
        assertEquals(0, qp.modify(rcRtsAttr(rnrRetry), RC_RTS_MASK));
    }

    /** Connects two RC QPs of this device to each other; RNR retries forever. */
    public static void connect(Qp a, Qp b) {
        connect(a, b, Qp.RNR_RETRY_INFINITE);
    }

    public static void connect(Qp a, Qp b, int rnrRetry) {
        rcToRts(a, b.qpNum(), rnrRetry);
        rcToRts(b, a.qpNum(), rnrRetry);
    }

    /** RESET -> INIT -> RTR -> RTS of a UD QP with Q_Key {@code qkey}. */
    public static void udToRts(Qp qp, int qkey) {
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = PORT;
        init.qkey = qkey;
        assertEquals(0, qp.modify(init, UD_INIT_MASK));
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RTS), UD_RTS_MASK));
    }

    /** ib_modify_qp to ERR with IB_QP_STATE alone. */
    public static void toErr(Qp qp) {
        assertEquals(0, qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()));
    }

    /** An address handle for this device's own port. */
    public Ah ah() {
        return Ah.create(pd, AhAttr.lid(PORT, LID)).get();
    }

    // ---- memory ----------------------------------------------------------------------------

    /** A zeroed buffer in host memory. */
    public long buf(int len) {
        return mem.alloc(len);
    }

    /** A buffer holding {@code len} bytes of a pattern derived from {@code seed}. */
    public long pattern(int len, int seed) {
        long addr = mem.alloc(len);
        mem.write(addr, bytes(len, seed));
        return addr;
    }

    public static byte[] bytes(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return b;
    }

    public Mr mr(long addr, int len, int access) {
        return Mr.reg(pd, addr, len, addr, access).get();
    }

    /** An SGE under the PD's local DMA lkey. */
    public Sge sge(long addr, int len) {
        return new Sge(addr, len, pd.localDmaLkey());
    }

    public RecvWr recv(long wrId, long addr, int len) {
        return new RecvWr(wrId, sge(addr, len));
    }

    public SendWr send(long wrId, long addr, int len) {
        return SendWr.send(wrId, sge(addr, len));
    }

    // ---- events ----------------------------------------------------------------------------

    /** An event handler that records each event and the context it arrived in. */
    public static final class Events implements IbEventHandler {
        private final Kernel kernel;
        public final List<IbEvent> events = new ArrayList<>();
        public final List<ExecContext> contexts = new ArrayList<>();

        public Events(Kernel kernel) {
            this.kernel = kernel;
        }

        @Override
        public void handle(IbEvent event) {
            events.add(event);
            contexts.add(kernel.context());
        }

        public List<IbEventType> types() {
            List<IbEventType> out = new ArrayList<>();
            for (IbEvent e : events) {
                out.add(e.event());
            }
            return out;
        }
    }

    public Events events() {
        return new Events(kernel);
    }

    /** A wr_cqe that records the completions handed to it and where they were handed over. */
    public static final class Done implements Cqe {
        private final Kernel kernel;
        public final List<Wc> wcs = new ArrayList<>();
        public final List<ExecContext> contexts = new ArrayList<>();

        public Done(Kernel kernel) {
            this.kernel = kernel;
        }

        @Override
        public void done(Cq cq, Wc wc) {
            wcs.add(wc.copy());
            contexts.add(kernel.context());
        }

        public List<Long> wrIds() {
            List<Long> out = new ArrayList<>();
            for (Wc wc : wcs) {
                out.add(wc.wrId);
            }
            return out;
        }
    }

    public Done done() {
        return new Done(kernel);
    }
}
