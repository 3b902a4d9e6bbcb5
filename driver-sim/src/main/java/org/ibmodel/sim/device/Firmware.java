// docs/HCA.md §3: command processing; the shape of drivers/net/ethernet/mellanox/mlx4/fw.c seen
// from the firmware's side
package org.ibmodel.sim.device;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.ibmodel.sim.sched.Scheduler;

/**
 * The HCA firmware: executes one command at a time from the {@link Command} table, reads and
 * writes mailboxes in host memory, and owns the context tables once INIT_HCA has sized them.
 * Every command checks its input before it changes anything.
 */
public final class Firmware {
    /** The firmware revision QUERY_FW reports. */
    public static final int FW_MAJOR = 2;
    public static final int FW_MINOR = 42;
    public static final int FW_SUBMINOR = 5000;
    public static final int CMD_INTERFACE_REV = 3;
    /** Commands that may be outstanding in event mode, log2 (QUERY_FW, §3.4). */
    public static final int LOG_MAX_CMD = 4;

    /**
     * Before INIT_HCA and after CLOSE_HCA the device is in RESET (§3.2); after a catastrophic
     * error it is FATAL until a reset (§2.1, §2.2).
     */
    public enum SysState { RESET, INITIALISED, FATAL }

    static final Set<SysState> ANY = EnumSet.allOf(SysState.class);
    static final Set<SysState> BEFORE_INIT = EnumSet.of(SysState.RESET);
    static final Set<SysState> RUNNING = EnumSet.of(SysState.INITIALISED);

    private final Dma dma;
    /** The device's clock, for the CQs' event moderation periods (§8). */
    private final Scheduler scheduler;
    private final DevCaps caps;
    private final EventQueue.Msix msix;
    private final TransportStage stage;
    private final HcaPort[] ports;
    private final Sma sma;
    private final Pma pma;
    private final Map<Integer, Status> injected = new HashMap<>();
    private int countdown;
    private Status countdownStatus;
    private SysState state = SysState.RESET;
    private MptTable mpts;
    /** The MPT checks' policy ({@link Transport#policy(TransportPolicy)}): the correct one but in mutation tests. */
    private TransportPolicy policy = TransportPolicy.CORRECT;
    private EqTable eqs;
    private CqTable cqs;
    private SrqTable srqs;
    private QpTable qps;
    private McgTable mcgs;
    private long commands;
    /** The immediate result of the command that just ran (MGID_HASH), for out_param; -1 if none. */
    private long immediate = -1;

    Firmware(Dma dma, DevCaps caps, EventQueue.Msix msix, TransportStage stage, Scheduler scheduler) {
        this.dma = dma;
        this.scheduler = scheduler;
        this.caps = caps;
        this.msix = msix;
        this.stage = stage;
        this.ports = new HcaPort[caps.numPorts()];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = new HcaPort(i + 1, this, caps);
        }
        this.sma = new Sma(caps, ports);
        this.pma = new Pma();
    }

    public SysState state() {
        return state;
    }

    public DevCaps caps() {
        return caps;
    }

    public HcaPort port(int num) {
        return ports[num - 1];
    }

    /** Commands executed, whatever their status. */
    public long commands() {
        return commands;
    }

    /** Makes the next command with {@code opcode} fail with {@code status}, changing nothing. */
    public void injectStatus(int opcode, Status status) {
        injected.put(opcode, status);
    }

    /**
     * Tests only: the command after the next {@code passing} (whatever their opcodes) fails with
     * {@code status}, changing nothing; replaces an earlier such injection that has not fired.
     */
    public void injectStatusAfter(int passing, Status status) {
        countdown = passing;
        countdownStatus = status;
    }

    /** Whether the {@link #injectStatusAfter} failure is still to come; {@code cancel} drops it. */
    public boolean injectionPending(boolean cancel) {
        boolean pending = countdownStatus != null;
        if (cancel) {
            countdownStatus = null;
        }
        return pending;
    }

    /** The QP context of {@code qpn}, or null before INIT_HCA or out of range. */
    public QpContext qp(int qpn) {
        return qps == null ? null : qps.qp(qpn);
    }

    public SrqContext srq(int srqn) {
        return srqs == null ? null : srqs.srq(srqn);
    }

    /** The CQ context of {@code cqn} as HW2SW would return it, or null when in software ownership. */
    public byte[] cqContext(int cqn) {
        CompletionQueue cq = cqs == null ? null : cqs.cq(cqn);
        return cq == null ? null : cq.context();
    }

    public byte[] eqContext(int eqn) {
        EventQueue eq = eqs == null ? null : eqs.eq(eqn);
        return eq == null ? null : eq.context();
    }

    /** EQEs lost because the EQ's ring was not there (§6.1); 0 for an EQ not in hardware ownership. */
    public long eqFaults(int eqn) {
        EventQueue eq = eqs == null ? null : eqs.eq(eqn);
        return eq == null ? 0 : eq.faults();
    }

    /** A valid MPT entry, or null. */
    public byte[] mpt(int index) {
        return mpts == null ? null : mpts.entry(index);
    }

    /** §4.1 address resolution through a key, for the transport; -1 on a protection error. */
    public long translate(int key, int pd, long va, long len, Field access) {
        return mpts == null ? -1 : mpts.translate(key, pd, va, len, access);
    }

    void policy(TransportPolicy p) {
        policy = p;
        if (mpts != null) {
            mpts.policy(p);
        }
        if (qps != null) {
            qps.policy(p);
        }
    }

    /** Objects in hardware ownership, by kind: what a leak check compares with zero. */
    public Map<String, Integer> live() {
        Map<String, Integer> m = new java.util.TreeMap<>();
        m.put("mpt", mpts == null ? 0 : mpts.live());
        m.put("eq", eqs == null ? 0 : eqs.live());
        m.put("cq", cqs == null ? 0 : cqs.live());
        m.put("srq", srqs == null ? 0 : srqs.live());
        m.put("qp", qps == null ? 0 : qps.live());
        return m;
    }

    /** Multicast group entries in use (MGID not zero); 0 without a table. */
    public int multicastEntries() {
        return mcgs == null ? 0 : mcgs.live();
    }

    /** The multicast group entry naming {@code mgid}, found as a packet's would be; null if none. */
    byte[] multicastGroup(long prefix, long interfaceId) {
        return mcgs == null ? null : mcgs.find(prefix, interfaceId);
    }

    /** The immediate the last command left for out_param, once; -1 if it left none. */
    long takeImmediate() {
        long v = immediate;
        immediate = -1;
        return v;
    }

    MptTable mpts() {
        return mpts;
    }

    EqTable eqs() {
        return eqs;
    }

    CqTable cqs() {
        return cqs;
    }

    SrqTable srqs() {
        return srqs;
    }

    QpTable qps() {
        return qps;
    }

    /** Runs one command latched from the HCR; in event mode also posts the CMD EQE (§7). */
    Status execute(HcrCommand c) {
        commands++;
        Status s = run(c);
        if (c.event() && eqs != null) {
            byte[] eqe = EqTable.eqe(EventType.CMD, 0, 0);
            Layout.Eqe.TOKEN.set(eqe, 0, c.token());
            Layout.Eqe.STATUS.set(eqe, 0, s.value());
            if (s == Status.OK && immediate >= 0) {
                Layout.Eqe.OUT_PARAM.set(eqe, 0, immediate);
            }
            eqs.post(EventType.CMD, eqe);
        }
        return s;
    }

    private Status run(HcrCommand c) {
        if (state == SysState.FATAL) {
            return Status.INTERNAL_ERR;
        }
        Command cmd = Command.of(c.opcode());
        if (cmd == null) {
            return Status.BAD_OP;
        }
        if (!cmd.allowedIn(state)) {
            return Status.BAD_SYS_STATE;
        }
        Status inj = injected.remove(c.opcode());
        if (inj != null) {
            return inj;
        }
        if (countdownStatus != null && countdown-- == 0) {
            inj = countdownStatus;
            countdownStatus = null;
            return inj;
        }
        byte[] in = null;
        if (cmd.box() == Command.Box.IN || cmd.box() == Command.Box.IN_OUT) {
            if (!dma.mapped(c.inParam(), Layout.MAILBOX_SIZE)) {
                return Status.BAD_PARAM;
            }
            in = dma.read(c.inParam(), Layout.MAILBOX_SIZE);
        }
        boolean out = cmd.box() == Command.Box.OUT || cmd.box() == Command.Box.IN_OUT
                || (cmd.box() == Command.Box.OPT_OUT && c.outParam() != 0);
        if (out && !dma.mapped(c.outParam(), Layout.MAILBOX_SIZE)) {
            return Status.BAD_PARAM;
        }
        return cmd.handler().run(this, c, in);
    }

    private void out(HcrCommand c, byte[] data, int at) {
        if (c.outParam() != 0) {
            byte[] page = new byte[Layout.MAILBOX_SIZE];
            System.arraycopy(data, 0, page, at, data.length);
            dma.write(c.outParam(), page);
        }
    }

    private HcaPort portOf(HcrCommand c) {
        int n = c.inModifier();
        return n >= 1 && n <= ports.length ? ports[n - 1] : null;
    }

    /** A PORT_MNG_CHG EQE (§7) a port built, on the EQ that takes the type. */
    void portMngChg(byte[] eqe) {
        if (eqs != null) {
            eqs.post(EventType.PORT_MNG_CHG, eqe);
        }
    }

    /** PORT_CHANGE (§7) for {@code port}, on the EQ that takes the type. */
    void portEvent(EventType type, int port, int subtype) {
        if (eqs == null) {
            return;
        }
        byte[] eqe = EqTable.eqe(type, subtype, 0);
        Layout.Eqe.PORT.set(eqe, 0, port);
        eqs.post(type, eqe);
    }

    // ---- command handlers, named as Command names them ----------------------------------

    Status queryFw(HcrCommand c, byte[] in) {
        byte[] b = new byte[12];
        Layout.QueryFw.FW_REV_MAJOR.set(b, 0, FW_MAJOR);
        Layout.QueryFw.FW_REV_MINOR.set(b, 0, FW_MINOR);
        Layout.QueryFw.FW_REV_SUBMINOR.set(b, 0, FW_SUBMINOR);
        Layout.QueryFw.CMD_INTERFACE_REV.set(b, 0, CMD_INTERFACE_REV);
        Layout.QueryFw.LOG_MAX_CMD.set(b, 0, LOG_MAX_CMD);
        out(c, b, 0);
        return Status.OK;
    }

    Status queryDevCap(HcrCommand c, byte[] in) {
        byte[] b = new byte[0x5c];
        Layout.DevCap.MAX_QP.set(b, 0, caps.maxQp());
        Layout.DevCap.MAX_QP_WR.set(b, 0, caps.maxQpWr());
        Layout.DevCap.MAX_CQ.set(b, 0, caps.maxCq());
        Layout.DevCap.MAX_CQE.set(b, 0, caps.maxCqe());
        Layout.DevCap.MAX_MPT.set(b, 0, caps.maxMpt());
        Layout.DevCap.MAX_PD.set(b, 0, caps.maxPd());
        Layout.DevCap.MAX_EQ.set(b, 0, caps.maxEq());
        Layout.DevCap.MAX_SEND_SGE.set(b, 0, caps.maxSendSge());
        Layout.DevCap.MAX_RECV_SGE.set(b, 0, caps.maxRecvSge());
        Layout.DevCap.MAX_QP_RD_ATOM.set(b, 0, caps.maxQpRdAtom());
        Layout.DevCap.MAX_QP_INIT_RD_ATOM.set(b, 0, caps.maxQpInitRdAtom());
        Layout.DevCap.MAX_SRQ.set(b, 0, caps.maxSrq());
        Layout.DevCap.MAX_SRQ_WR.set(b, 0, caps.maxSrqWr());
        Layout.DevCap.MAX_SRQ_SGE.set(b, 0, caps.maxSrqSge());
        Layout.DevCap.NUM_PORTS.set(b, 0, caps.numPorts());
        Layout.DevCap.MAX_MTU.set(b, 0, caps.maxMtu());
        Layout.DevCap.PKEY_TABLE_LEN.set(b, 0, caps.pkeyTableLen());
        Layout.DevCap.LOCAL_CA_ACK_DELAY.set(b, 0, caps.localCaAckDelay());
        Layout.DevCap.GID_TABLE_LEN.set(b, 0, caps.gidTableLen());
        Layout.DevCap.MAX_INLINE_DATA.set(b, 0, caps.maxInlineData());
        Layout.DevCap.FIRST_QPN.set(b, 0, caps.firstQpn());
        Layout.DevCap.NODE_GUID.set(b, 0, caps.nodeGuid());
        Layout.DevCap.SYS_IMAGE_GUID.set(b, 0, caps.sysImageGuid());
        Layout.DevCap.VENDOR_ID.set(b, 0, caps.vendorId());
        Layout.DevCap.VENDOR_PART_ID.set(b, 0, caps.vendorPartId());
        Layout.DevCap.MAX_MCG.set(b, 0, caps.maxMcg());
        Layout.DevCap.FIRST_MPT.set(b, 0, caps.firstMpt());
        out(c, b, 0);
        return Status.OK;
    }

    Status initHca(HcrCommand c, byte[] in) {
        long numQp = Layout.InitHca.NUM_QP.get(in, 0);
        long numCq = Layout.InitHca.NUM_CQ.get(in, 0);
        long numMpt = Layout.InitHca.NUM_MPT.get(in, 0);
        long numEq = Layout.InitHca.NUM_EQ.get(in, 0);
        long numSrq = Layout.InitHca.NUM_SRQ.get(in, 0);
        long numMcg = Layout.InitHca.NUM_MCG.get(in, 0);
        long hashSize = Layout.InitHca.MCG_HASH_SIZE.get(in, 0);
        if (numQp > caps.maxQp() || numCq > caps.maxCq() || numMpt > caps.maxMpt() || numEq > caps.maxEq()
                || numSrq > caps.maxSrq() || numMcg > caps.maxMcg()) {
            return Status.EXCEED_LIM;
        }
        if (numQp < caps.firstQpn() || numEq < 1 || hashSize > numMcg || (numMcg > 0 && hashSize == 0)) {
            return Status.BAD_PARAM;
        }
        mcgs = numMcg == 0 ? null : new McgTable((int) numMcg, (int) hashSize);
        mpts = new MptTable((int) numMpt, dma, caps, policy);
        eqs = new EqTable((int) numEq, dma, msix, caps.msixVectors());
        cqs = new CqTable((int) numCq, dma, caps, eqs, scheduler);
        srqs = new SrqTable((int) numSrq, dma, caps, eqs);
        qps = new QpTable((int) numQp, dma, caps, cqs, srqs, eqs, stage, policy);
        state = SysState.INITIALISED;
        return Status.OK;
    }

    /**
     * §2.1: a catastrophic error (the buffer says which). The device stops: its QPs forget their
     * work, its ports' links go down, doorbells are ignored, no EQE but a command's is posted, and
     * every command completes with INTERNAL_ERR.
     */
    void catastrophic() {
        if (state == SysState.FATAL) {
            return;
        }
        stop();
        state = SysState.FATAL;
    }

    /** No EQE but a command's from now on, every QP's work forgotten, the links down. */
    private void stop() {
        if (state == SysState.INITIALISED) {
            eqs.halt();
            qps.forEach(stage::drop);
        }
        stage.halt();
    }

    /** What INIT_HCA made goes: every context and table. */
    private void dropTables() {
        if (cqs != null) {
            cqs.retireAll();
        }
        mpts = null;
        eqs = null;
        cqs = null;
        srqs = null;
        qps = null;
        mcgs = null;
    }

    /**
     * §2.2: the device resets. It stops as on a catastrophic error, then forgets everything:
     * no contexts, no INIT_HCA, every port disabled with its power-on attributes and counters,
     * and the state of the link on its cable as the fabric has it.
     */
    void reset() {
        stop();
        dropTables();
        immediate = -1;
        for (int i = 0; i < ports.length; i++) {
            ports[i] = new HcaPort(i + 1, this, caps);
            // The ports are new, their cables are not: a reset does not plug a cable back in.
            stage.cable(i + 1);
        }
        state = SysState.RESET;
    }

    Status closeHca(HcrCommand c, byte[] in) {
        for (int n : live().values()) {
            if (n != 0) {
                return Status.RESOURCE_BUSY;
            }
        }
        for (HcaPort p : ports) {
            if (p.opened()) {
                p.close();
                // As CLOSE_PORT: the port stops driving its link (§3.7).
                stage.portDisabled(p.num());
            }
        }
        dropTables();
        state = SysState.RESET;
        return Status.OK;
    }

    Status initPort(HcrCommand c, byte[] in) {
        HcaPort p = portOf(c);
        if (p == null) {
            return Status.BAD_INDEX;
        }
        Status s = p.init();
        if (s == Status.OK) {
            // A port the device stopped trains its link again (§2.2).
            stage.portEnabled(p.num());
        }
        return s;
    }

    Status closePort(HcrCommand c, byte[] in) {
        HcaPort p = portOf(c);
        if (p == null) {
            return Status.BAD_INDEX;
        }
        Status s = p.close();
        if (s == Status.OK) {
            // The port stops driving its link: the link goes down, for the peer too (§3.7).
            stage.portDisabled(p.num());
        }
        return s;
    }

    Status queryPort(HcrCommand c, byte[] in) {
        HcaPort p = portOf(c);
        if (p == null) {
            return Status.BAD_INDEX;
        }
        out(c, p.query(), 0);
        return Status.OK;
    }

    Status setPort(HcrCommand c, byte[] in) {
        HcaPort p = portOf(c);
        if (p == null) {
            return Status.BAD_INDEX;
        }
        p.set(in);
        return Status.OK;
    }

    /** §3.8: one MAD for the agent; BAD_PKT, and no outbox written, for a class it does not serve. */
    Status madIfc(HcrCommand c, byte[] in) {
        HcaPort p = portOf(c);
        if (p == null) {
            return Status.BAD_INDEX;
        }
        byte[] mad = Arrays.copyOf(in, Layout.Mad.SIZE);
        boolean perf = Layout.Mad.MGMT_CLASS.getInt(mad, 0) == Pma.CLASS_PERF_MGMT;
        byte[] response = perf ? pma.answer(p, mad) : sma.answer(p, mad);
        if (response == null) {
            return Status.BAD_PKT;
        }
        out(c, response, 0);
        return Status.OK;
    }

    Status readMgm(HcrCommand c, byte[] in) {
        if (mcgs == null) {
            return Status.BAD_INDEX;
        }
        byte[][] entry = new byte[1][];
        Status s = mcgs.read(c.inModifier(), entry);
        if (s == Status.OK) {
            out(c, entry[0], 0);
        }
        return s;
    }

    Status writeMgm(HcrCommand c, byte[] in) {
        return mcgs == null ? Status.BAD_INDEX : mcgs.write(c.inModifier(), in);
    }

    /** §3.11: the hash of the inbox's MGID, an immediate for out_param. */
    Status mgidHash(HcrCommand c, byte[] in) {
        if (mcgs == null) {
            return Status.BAD_RES_STATE;
        }
        // The inbox holds the MGID alone, where an entry holds it from 0x10.
        int base = -Layout.Mgm.MGID_PREFIX.offset();
        immediate = mcgs.hash(Layout.Mgm.MGID_PREFIX.get(in, base), Layout.Mgm.MGID_INTERFACE_ID.get(in, base));
        return Status.OK;
    }

    Status hw2swMpt(HcrCommand c, byte[] in) {
        byte[][] entry = new byte[1][];
        Status s = mpts.hw2sw(c.inModifier(), entry);
        if (s == Status.OK) {
            out(c, entry[0], Layout.CTX);
        }
        return s;
    }

    Status hw2swEq(HcrCommand c, byte[] in) {
        byte[][] ctx = new byte[1][];
        Status s = eqs.hw2sw(c.inModifier(), ctx);
        if (s == Status.OK) {
            out(c, ctx[0], Layout.CTX);
        }
        return s;
    }

    Status modifyQp(QpTransition t, HcrCommand c, byte[] in) {
        return qps.transition(t, c.inModifier(), in);
    }

    /** §3.3 QUERY_SRQ: the SRQ context (§4.6), with the limit as it is now (0 once fired). */
    Status querySrq(HcrCommand c, byte[] in) {
        byte[][] ctx = new byte[1][];
        Status s = srqs.query(c.inModifier(), ctx);
        if (s == Status.OK) {
            out(c, ctx[0], Layout.CTX);
        }
        return s;
    }

    Status queryQp(HcrCommand c, byte[] in) {
        QpContext qp = qps.qp(c.inModifier());
        if (qp == null) {
            return Status.BAD_INDEX;
        }
        byte[] image = qp.image();
        // §4.5: still draining while a WQE begun before SQD has not completed.
        Layout.QpCtx.SQ_DRAINING.set(image, 0, qp.state() == HwQpState.SQD && stage.inProgress(qp) > 0 ? 1 : 0);
        out(c, image, Layout.CTX);
        return Status.OK;
    }

    // ---- doorbells (§8) ------------------------------------------------------------------

    void doorbell(int offset, int value) {
        boolean eqDoorbell = offset >= Layout.Doorbell.EQ_CI.offset()
                && (offset - Layout.Doorbell.EQ_CI.offset()) % 4 == 0;
        // §2.1: a failed device still takes the EQs' doorbells, so that each command completion
        // it posts interrupts the driver; every other doorbell is ignored.
        if (state != SysState.INITIALISED && !(state == SysState.FATAL && eqDoorbell && eqs != null)) {
            return;
        }
        if (offset == Layout.Doorbell.SEND.offset()) {
            qps.sendDoorbell(Layout.Doorbell.SEND.extract(value));
        } else if (offset == Layout.Doorbell.RECV.offset()) {
            qps.recvDoorbell(Layout.Doorbell.RECV.extract(value));
        } else if (offset == Layout.Doorbell.CQ_ARM_CQN.offset()) {
            cqs.armDoorbell(value);
        } else if (eqDoorbell) {
            eqs.doorbell((offset - Layout.Doorbell.EQ_CI.offset()) / 4, value);
        }
    }
}
