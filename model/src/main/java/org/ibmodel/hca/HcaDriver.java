// drivers/infiniband/hw/mlx4/main.c (mlx4_ib_add, mlx4_ib_query_device, mlx4_ib_query_port),
// drivers/net/ethernet/mellanox/mlx4/main.c (mlx4_init_hca, mlx4_setup_hca),
// drivers/infiniband/hw/mthca/mthca_pd.c, mthca_mr.c, mthca_provider.c (the MAD_IFC queries);
// docs/HCA.md
package org.ibmodel.hca;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Port;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.PortState;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Completion;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.kernel.Timer;
import org.ibmodel.kernel.Work;
import org.ibmodel.kernel.Workqueue;
import org.ibmodel.mm.HostMemory;

/**
 * The HCA driver: brings the device up through its command interface, registers it with
 * ib_core and implements the verbs. It owns no transport logic; objects live in firmware
 * contexts, work requests in rings in host memory, completions and events arrive by owner bit.
 */
public final class HcaDriver implements DeviceOps {
    /** MLX4_NUM_ASYNC_EQE (drivers/net/ethernet/mellanox/mlx4/eq.c): the async EQ's entries, spares apart. */
    static final int NUM_ASYNC_EQE = 0x100;
    static final int ASYNC_EQN = 0;
    /**
     * CONF_SPECIAL_QP's base among the QPNs below first_qpn: mlx4 aligns phys_caps.base_sqpn to 8
     * past the ones its firmware keeps (mlx4_init_qp_table); 0 would configure none.
     */
    static final int SQP_BASE = 8;
    static final int PAGE_SHIFT = 12;
    /** drivers/net/ethernet/mellanox/mlx4/catas.c MLX4_CATAS_POLL_INTERVAL: 5 s. */
    public static final long CATAS_POLL_NS = 5_000_000_000L;
    /** mlx4_reset and mthca_reset: after the reset the device is left alone for one second. */
    public static final long RESET_WAIT_NS = 1_000_000_000L;

    /** The MPT of a process's PD, which has none. */
    private static final int NO_MPT = -1;

    /** The PD number and the MPT of its local DMA lkey (mthca_pd_alloc's ntmr), or NO_MPT. */
    record HcaPd(int pdn, int mpt) {
    }

    /**
     * The MPT index of a memory region and the host memory of its translation table, 0 if it has
     * none: the MTT, or for a fast_reg MR the page list map_mr_sg fills.
     */
    record HcaMr(int mpt, long table, boolean fastReg) {
        /** A fast_reg MR's page list. */
        long pageList() {
            return table;
        }
    }

    /**
     * mlx4's MLX4_IB_SQ_MAX_SPARE: the most WQEs a send queue keeps spare, those of the smallest
     * stride, 64 bytes (HcaQp.sqHeadroom), which the driver takes off the device's max_qp_wr.
     */
    static final int SQ_MAX_SPARE = HcaQp.sqHeadroom(6);
    /** mlx4's MLX4_MAX_FAST_REG_PAGES: the longest page list one IB_WR_REG_MR may carry. */
    static final int MAX_FAST_REG_PAGES = 511;
    /** One entry of a fast-register page list (§5.7): a 64-bit page address. */
    private static final Field PAGE_ADDRESS = new Field("page address", 0, 63, 0);
    /** One GUID of a GUIDInfo block. */
    private static final Field GUID = new Field("guid", 0, 63, 0);
    static final int PORT_EXTENDED_SPEEDS_SUP = 1 << 14;
    static final int SPEED_SDR = 1;
    static final int SPEED_QDR = 4;
    static final int SPEED_FDR10 = 8;
    static final int SPEED_FDR = 16;
    static final int SPEED_EDR = 32;
    /** ExtendedPortInfo:LinkSpeedActive's FDR10 bit (opensm's ib_mlnx_ext_port_info_t). */
    static final int MLNX_SPEED_FDR10 = 1;

    private final IbCore core;
    private final Kernel kernel;
    private final PciFunction pci;
    private final HostMemory memory;
    private final String name;
    private final Cmd cmd;
    private final HcaMad madIfc;
    /**
     * The tables' locks as mlx4_core has them (drivers/net/ethernet/mellanox/mlx4/cq.c, qp.c,
     * srq.c): qp_table->lock is taken by the EQ handler, with spin_lock in hard-interrupt
     * context, so its other takers disable interrupts (spin_lock_irq where they are known to be
     * on, spin_lock_irqsave elsewhere); the handler finds CQs and SRQs without a lock (RCU there,
     * a plain read on one CPU here), so cq_table->lock is a plain spin_lock and srq_table->lock
     * a spin_lock_irq.
     */
    private final SpinLock cqTableLock;
    private final SpinLock qpTableLock;
    private final SpinLock srqTableLock;
    /** The port events waiting for the port work (the model's own; mlx4 dispatches them at once). */
    private final SpinLock portEventLock;
    /**
     * mlx4_ib_dev's qp_list: every QP, for the catastrophic-error walk; changed under
     * reset_flow_resource_lock and the QP's CQ locks.
     */
    private final List<HcaQp> qpList = new ArrayList<>();
    /** poll_cq's QP lookup, made once rather than on every poll. */
    private final java.util.function.IntFunction<HcaQp> qpLookup = this::qpByQpn;
    private final SpinLock resetFlowLock;
    private final Map<Integer, HcaCq> cqs = new TreeMap<>();
    /**
     * By QPN, iterated in creation order: mlx4_ib_dev's qp_list, to whose tail create_qp_common
     * adds each QP (drivers/infiniband/hw/mlx4/qp.c), and which mlx4_ib_handle_catas_error walks.
     */
    private final Map<Integer, HcaQp> qps = new LinkedHashMap<>();
    private final Map<Integer, HcaSrq> srqs = new TreeMap<>();
    private final Eq[] eqs;
    /** Each EQ's tasklet_ctx (mlx4_create_eq sets one up per EQ). */
    private final EqTasklet[] eqTasklets;
    private final Workqueue wq;
    /** mlx4_ib_qp_event_wq: QP events reach the consumer from it, in process context. */
    private final Workqueue qpEventWq;
    private final Work portWork;
    private final Work catasWork;
    private final Timer catasTimer;
    private final Timer resetTimer;
    private final Work restartWork;
    /**
     * mthca's catas_reset_disable module parameter: when set, the driver stays in its error
     * state after a catastrophic error instead of resetting the device and probing it again.
     */
    private boolean catasResetDisable;
    /** mlx4_ib_dev's ib_active: false once a catastrophic error was reported, until a new probe. */
    private boolean ibActive;
    /** The device's caps.max_sq_sg as QUERY_DEV_CAP gave it: a special QP's bound (checkQueueSizes). */
    private int maxSqSg;
    private int restarts;
    private int restartError;
    /** ib_core has been told of the catastrophic error (the error state itself is the command layer's). */
    private boolean fatalReported;
    /** What the catastrophic error buffer said when the error was found. */
    private int catasCause;
    private Bitmap pdBitmap;
    private Bitmap mptBitmap;
    private Bitmap cqBitmap;
    private Bitmap qpBitmap;
    private Bitmap srqBitmap;
    private int numPorts;
    /**
     * By port: the events the PORT_CHANGE and PORT_MNG_CHG EQEs asked for, in EQE order, that the
     * port work has not yet dispatched; guarded by portEventLock.
     */
    private final Map<Integer, List<IbEventType>> mngEvents = new TreeMap<>();
    private int pkeyTableLen;
    private int gidTableLen;
    private int firstQpn;
    /** The async EQ's MAP_EQ mask, unmapped again at teardown. */
    private long asyncMask;
    private boolean asyncMapped;
    private boolean specialQpsConfigured;
    private int keyTag;
    private long fwVer;
    /** QUERY_FW's log_max_cmd: the commands event mode may have outstanding. */
    private int maxCmds;
    private IbDevice device;
    private final UnaryOperator<DeviceOps> decorate;
    private boolean hcaUp;
    private HcaMcg mcg;

    public HcaDriver(IbCore core, PciFunction pci, String name) {
        this(core, pci, name, UnaryOperator.identity());
    }

    /**
     * With {@code decorate} put between ib_core and the driver's ops on every registration: a
     * recorder, or a bug a test shows its checker catches (see ForwardingDeviceOps).
     */
    public HcaDriver(IbCore core, PciFunction pci, String name, UnaryOperator<DeviceOps> decorate) {
        this.decorate = decorate;
        this.core = core;
        this.kernel = core.kernel();
        this.pci = pci;
        this.memory = pci.hostMemory();
        this.name = name;
        this.cmd = new Cmd(pci, kernel);
        this.madIfc = new HcaMad(cmd);
        this.cqTableLock = new SpinLock(kernel, "cq_table->lock");
        this.qpTableLock = new SpinLock(kernel, "qp_table->lock");
        this.srqTableLock = new SpinLock(kernel, "srq_table->lock");
        this.portEventLock = new SpinLock(kernel, "hca->port_event_lock");
        this.resetFlowLock = new SpinLock(kernel, "ibdev->reset_flow_resource_lock");
        this.eqs = new Eq[pci.msixVectors()];
        this.eqTasklets = new EqTasklet[eqs.length];
        for (int v = 0; v < eqs.length; v++) {
            eqTasklets[v] = new EqTasklet(kernel, v);
        }
        this.wq = kernel.allocWorkqueue(name + "_port");
        this.qpEventWq = kernel.allocOrderedWorkqueue("mlx4_ib_qp_event_wq");
        this.portWork = new Work("hca_port_change", this::refreshPorts);
        this.catasWork = new Work("hca_catas", this::enterErrorState);
        this.catasTimer = kernel.timerSetup("hca_catas_poll", this::pollCatas);
        this.restartWork = new Work("hca_restart", this::restart);
        Work resetDone = new Work("hca_catas_reset", () -> {
            // mlx4_enter_error_state, once mlx4_reset's wait is over.
            kernel.printk(pci.slot() + ": device was reset successfully");
            if (device == null) {
                // mlx4_handle_error_state restarts only a device that is up: a probe the error
                // cut short stays failed, a device being removed stays removed; both are reset.
                return;
            }
            reportFatal();
            // The rest of mlx4_handle_error_state: after ib_core's event work, which runs on
            // another CPU while the driver starts to unload.
            wq.queueWork(restartWork);
        });
        this.resetTimer = kernel.timerSetup("hca_reset_wait", () -> wq.queueWork(resetDone));
        cmd.onDeviceBroken(() -> wq.queueWork(catasWork));
    }

    /** The registered device; null before {@link #probe} succeeded. */
    public IbDevice device() {
        return device;
    }

    /** The firmware version QUERY_FW reported, as ib_device_attr.fw_ver packs it. */
    public long fwVer() {
        return fwVer;
    }

    /** Objects the driver holds numbers for, by kind: zero after every object is destroyed. */
    public Map<String, Integer> live() {
        Map<String, Integer> m = new TreeMap<>();
        m.put("pd", pdBitmap == null ? 0 : pdBitmap.used());
        m.put("mpt", mptBitmap == null ? 0 : mptBitmap.used());
        m.put("cq", cqTableLock.with(cqs::size));
        m.put("qp", qpTableLock.withIrqsave(qps::size));
        m.put("srq", srqTableLock.withIrq(srqs::size));
        // The numbers handed out, apart from the tables: a number an error path forgets to give
        // back is a leak no table shows (mlx4_bitmap_free).
        m.put("cqn", cqBitmap == null ? 0 : cqBitmap.used());
        m.put("qpn", qpBitmap == null ? 0 : qpBitmap.used());
        m.put("srqn", srqBitmap == null ? 0 : srqBitmap.used());
        // Multicast groups chained past their hash slot; none once every QP has detached.
        m.put("amgm", mcg == null ? 0 : mcg.amgmInUse());
        return m;
    }

    /**
     * DMA pages of the command mailbox pool: held until the driver is removed, not a leak, so a
     * leak check of host memory leaves them out.
     */
    public int mailboxPages() {
        return cmd.poolPages();
    }

    /** The firmware status of the last command. */
    public int lastCmdStatus() {
        return cmd.lastStatus();
    }

    static int pdn(Pd pd) {
        return ((HcaPd) pd.drv()).pdn();
    }

    // ---- bring-up ------------------------------------------------------------------------

    /**
     * mlx4_init_hca + mlx4_ib_add: QUERY_FW, QUERY_DEV_CAP, INIT_HCA, the EQs and their
     * interrupts, the special QPs, INIT_PORT and a SubnGet(PortInfo) on every port, then
     * ib_core's P_Key and GID tables through MAD_IFC, then registration. mlx4 leaves INIT_PORT to
     * QP0's move to RTR, which ib_mad makes; with no MAD layer the probe opens the ports
     * (docs/HCA.md §10).
     * Returns 0 or a negative errno; on failure the device is left closed.
     */
    public int probe() {
        kernel.mightSleep();
        // A load starts with the device state up (mlx4_load_one), whatever the last one left.
        cmd.leaveInternalError();
        cmd.initToggle();
        fatalReported = false;
        ibActive = true;
        byte[] fw = new byte[12];
        int ret = cmd.out(CmdOp.QUERY_FW, 0, fw);
        if (ret != 0) {
            return ret;
        }
        // ib_device_attr.fw_ver as mlx4 packs it: major << 32 | minor << 16 | subminor.
        fwVer = (Hw.QueryFw.FW_REV_MAJOR.get(fw, 0) << 32) | (Hw.QueryFw.FW_REV_MINOR.get(fw, 0) << 16)
                | Hw.QueryFw.FW_REV_SUBMINOR.get(fw, 0);
        maxCmds = 1 << Hw.QueryFw.LOG_MAX_CMD.getInt(fw, 0);
        byte[] cap = new byte[0x5c];
        ret = cmd.out(CmdOp.QUERY_DEV_CAP, 0, cap);
        if (ret != 0) {
            return ret;
        }
        DeviceAttr attr = deviceAttr(cap);
        ret = initHca(cap);
        if (ret != 0) {
            return ret;
        }
        ret = setupEqs(Hw.DevCap.MAX_CQ.getInt(cap, 0));
        if (ret == 0) {
            // mlx4_init_qp_table: one command; the SMI QP of port n at base + n - 1, the GSI QP
            // at base + 2 + n - 1.
            ret = cmd.exec(CmdOp.CONF_SPECIAL_QP, SQP_BASE, 0, 0);
            specialQpsConfigured = ret == 0;
        }
        PortAttr[] ports = new PortAttr[numPorts];
        for (int p = 1; ret == 0 && p <= numPorts; p++) {
            ret = cmd.exec(CmdOp.INIT_PORT, p, 0, 0);
            if (ret == 0) {
                ports[p - 1] = new PortAttr();
                ret = queryPort(p, ports[p - 1]);
            }
        }
        if (ret != 0) {
            teardown();
            return ret;
        }
        device = new IbDevice(core, name, decorate.apply(this), attr, memory, Hw.DevCap.NODE_GUID.get(cap, 0), ports);
        // mlx4_ib_add: num_comp_vectors is the number of completion EQs (compEqn maps onto them).
        device.setNumCompVectors(Math.max(1, eqs.length - 1));
        for (int p = 1; ret == 0 && p <= numPorts; p++) {
            ret = updateCache(device.port(p), null);
        }
        if (ret != 0) {
            device = null;
            teardown();
            return ret;
        }
        ret = core.registerDevice(device);
        if (ret != 0) {
            device = null;
            teardown();
            return ret;
        }
        // mlx4_start_catas_poll
        catasTimer.mod(CATAS_POLL_NS);
        return 0;
    }

    private DeviceAttr deviceAttr(byte[] cap) {
        DeviceAttr a = new DeviceAttr();
        a.fwVer = fwVer;
        a.sysImageGuid = Hw.DevCap.SYS_IMAGE_GUID.get(cap, 0);
        a.vendorId = Hw.DevCap.VENDOR_ID.getInt(cap, 0);
        a.vendorPartId = Hw.DevCap.VENDOR_PART_ID.getInt(cap, 0);
        // mlx4_ib_query_device and mthca_query_device: ~0ull, no limit.
        a.maxMrSize = -1L;
        // mlx4 and mthca: ~(u32)(min_page_sz - 1); the MPT's smallest page is the 4 KiB one (§4.1).
        a.pageSizeCap = ~((1L << PAGE_SHIFT) - 1) & 0xffff_ffffL;
        firstQpn = Hw.DevCap.FIRST_QPN.getInt(cap, 0);
        a.maxQp = Hw.DevCap.MAX_QP.getInt(cap, 0) - firstQpn;
        maxSqSg = Hw.DevCap.MAX_SEND_SGE.getInt(cap, 0);
        // mlx4_ib_query_device: what create_qp takes, the spare WQEs off and one SGE limit for both.
        a.maxQpWr = Hw.DevCap.MAX_QP_WR.getInt(cap, 0) - SQ_MAX_SPARE;
        a.maxSendSge = Math.min(maxSqSg, Hw.DevCap.MAX_RECV_SGE.getInt(cap, 0));
        a.maxRecvSge = a.maxSendSge;
        // mthca_query_device: an RDMA READ scatters into as many SGEs as a send WQE carries; its
        // WQE has the remote address segment of an RDMA WRITE's.
        a.maxSgeRd = a.maxSendSge;
        a.maxCq = Hw.DevCap.MAX_CQ.getInt(cap, 0);
        // mthca: one CQE of the ring stays empty, so a full ring is told from an empty one.
        a.maxCqe = Hw.DevCap.MAX_CQE.getInt(cap, 0) - 1;
        // mlx4_ib_query_device: max_mr is the MPTs the driver may use, the reserved ones off.
        a.maxMr = Hw.DevCap.MAX_MPT.getInt(cap, 0) - Hw.DevCap.FIRST_MPT.getInt(cap, 0);
        a.maxPd = Hw.DevCap.MAX_PD.getInt(cap, 0);
        a.maxQpRdAtom = Hw.DevCap.MAX_QP_RD_ATOM.getInt(cap, 0);
        a.maxQpInitRdAtom = Hw.DevCap.MAX_QP_INIT_RD_ATOM.getInt(cap, 0);
        // mlx4_ib_query_device and mthca_query_device: every QP with all its responder resources.
        a.maxResRdAtom = a.maxQpRdAtom * a.maxQp;
        // IB_ATOMIC_HCA, what mlx4 and mthca report when the firmware has atomics: this device
        // always executes them (§5.4), atomically against each other on the one HCA.
        a.atomicCap = DeviceAttr.ATOMIC_HCA;
        // mlx4 reports masked atomics as it reports atomics; this device has none (HcaQp's WQEs
        // carry no masked atomic segment), so IB_ATOMIC_NONE, as mthca leaves it.
        a.maskedAtomicCap = DeviceAttr.ATOMIC_NONE;
        // mlx4_ib_query_device: MLX4_MAX_CQ_COUNT and MLX4_MAX_CQ_PERIOD (include/linux/mlx4/cq.h),
        // all that the 16-bit cq_max_count and cq_period of the CQ context hold (HCA.md §4.4).
        a.maxCqModerationCount = 0xffff;
        a.maxCqModerationPeriod = 0xffff;
        // mlx4_ib_query_device: MLX4_MAX_FAST_REG_PAGES, what allocMr takes.
        a.maxFastRegPageListLen = MAX_FAST_REG_PAGES;
        // mlx4_ib_query_device: INT_MAX, as an AH is the driver's copy of its attributes (createAh).
        a.maxAh = Integer.MAX_VALUE;
        a.maxSrq = Hw.DevCap.MAX_SRQ.getInt(cap, 0);
        // mlx4_ib_query_device: one below the ring the device takes, as createSrq rounds max_wr + 1
        // up to a power of two; an SRQ of the max_srq_wr reported must fit.
        a.maxSrqWr = Hw.DevCap.MAX_SRQ_WR.getInt(cap, 0) - 1;
        a.maxSrqSge = Hw.DevCap.MAX_SRQ_SGE.getInt(cap, 0);
        a.maxPkeys = Hw.DevCap.PKEY_TABLE_LEN.getInt(cap, 0);
        a.localCaAckDelay = Hw.DevCap.LOCAL_CA_ACK_DELAY.getInt(cap, 0);
        // mlx4_ib_query_device: four whatever the firmware reports (mthca_dev_lim too), and what
        // this device always has: violation counters (§3.10), path migration (§5.10) and fast
        // registration with both invalidates (§5.7, §5.8). Multicast loopback blocking is a
        // kernel-only flag, which uverbs does not pass on.
        a.deviceCapFlags = DeviceAttr.CHANGE_PHY_PORT | DeviceAttr.PORT_ACTIVE_EVENT | DeviceAttr.SYS_IMAGE_GUID
                | DeviceAttr.RC_RNR_NAK_GEN | DeviceAttr.BAD_PKEY_CNTR | DeviceAttr.BAD_QKEY_CNTR
                | DeviceAttr.AUTO_PATH_MIG | DeviceAttr.MEM_MGT_EXTENSIONS;
        a.kernelCapFlags = DeviceAttr.IBK_BLOCK_MULTICAST_LOOPBACK;
        numPorts = Hw.DevCap.NUM_PORTS.getInt(cap, 0);
        pkeyTableLen = Hw.DevCap.PKEY_TABLE_LEN.getInt(cap, 0);
        gidTableLen = Hw.DevCap.GID_TABLE_LEN.getInt(cap, 0);
        // mthca_query_device: every entry of the table, eight QPs each.
        a.maxMcastGrp = Hw.DevCap.MAX_MCG.getInt(cap, 0);
        a.maxMcastQpAttach = a.maxMcastGrp == 0 ? 0 : Hw.Mgm.QPS;
        a.maxTotalMcastQpAttach = a.maxMcastGrp * a.maxMcastQpAttach;
        return a;
    }

    /** INIT_HCA with every table at the device's maximum (no ICM to budget for). */
    private int initHca(byte[] cap) {
        byte[] in = new byte[0x1c];
        int numQp = Hw.DevCap.MAX_QP.getInt(cap, 0);
        int numCq = Hw.DevCap.MAX_CQ.getInt(cap, 0);
        int numMpt = Hw.DevCap.MAX_MPT.getInt(cap, 0);
        int numSrq = Hw.DevCap.MAX_SRQ.getInt(cap, 0);
        Hw.InitHca.NUM_QP.set(in, 0, numQp);
        Hw.InitHca.NUM_CQ.set(in, 0, numCq);
        Hw.InitHca.NUM_MPT.set(in, 0, numMpt);
        Hw.InitHca.NUM_EQ.set(in, 0, eqs.length);
        Hw.InitHca.NUM_SRQ.set(in, 0, numSrq);
        // Half of the multicast table is hashed (MGM), half chained from it (AMGM).
        int numMcg = Hw.DevCap.MAX_MCG.getInt(cap, 0);
        int hashSize = (numMcg + 1) / 2;
        Hw.InitHca.NUM_MCG.set(in, 0, numMcg);
        Hw.InitHca.MCG_HASH_SIZE.set(in, 0, hashSize);
        int ret = cmd.in(CmdOp.INIT_HCA, 0, 0, in);
        if (ret != 0) {
            return ret;
        }
        hcaUp = true;
        pdBitmap = new Bitmap("pd", 0, Hw.DevCap.MAX_PD.getInt(cap, 0));
        // mlx4_init_mr_table: the firmware's reserved MPTs are never handed out (§3.5 first_mpt).
        int firstMpt = Hw.DevCap.FIRST_MPT.getInt(cap, 0);
        mptBitmap = new Bitmap("mpt", firstMpt, numMpt - firstMpt);
        cqBitmap = new Bitmap("cq", 0, numCq);
        qpBitmap = new Bitmap("qp", firstQpn, numQp - firstQpn);
        srqBitmap = new Bitmap("srq", 0, numSrq);
        mcg = numMcg == 0 ? null : new HcaMcg(cmd, kernel, hashSize, numMcg);
        return 0;
    }

    /**
     * mlx4_init_eq_table's sizes, rounded up to a power of two: the async EQ NUM_ASYNC_EQE
     * entries, a completion EQ one per CQ (a CQ has at most one COMPLETION EQE per arm), each
     * with Eq.NUM_SPARE_EQE more for what comes while the handler has not yet written its
     * consumer index. With no completion EQ (one vector) the async EQ takes the CQs' EQEs too.
     */
    static int eqLogSize(int eqn, int numEqs, int numCq) {
        int nent = (eqn == ASYNC_EQN ? NUM_ASYNC_EQE : 0) + (eqn != ASYNC_EQN || numEqs == 1 ? numCq : 0);
        return HcaQp.log2Ceil(nent + Eq.NUM_SPARE_EQE);
    }

    /** One EQ per MSI-X vector: EQ 0 takes every async event, the others completions (§2). */
    private int setupEqs(int numCq) {
        // MLX4_ASYNC_EVENT_MASK (drivers/net/ethernet/mellanox/mlx4/eq.c): every event but the
        // completions, and not LOCAL_CATAS_ERROR, which mlx4 finds by polling the catas buffer
        // (nor EQ_OVERFLOW, which an EQ reports of itself, unmapped).
        asyncMask = 0;
        for (EqeType t : EqeType.values()) {
            if (t != EqeType.COMPLETION && t != EqeType.LOCAL_CATAS_ERROR && t != EqeType.EQ_OVERFLOW) {
                asyncMask |= t.maskBit();
            }
        }
        for (int v = 0; v < eqs.length; v++) {
            Eq eq = new Eq(pci, v, v, eqLogSize(v, eqs.length, numCq));
            int ret = cmd.in(CmdOp.SW2HW_EQ, v, 0, eq.mailbox());
            if (ret != 0) {
                eq.free();
                return ret;
            }
            eqs[v] = eq;
            // mlx4_init_eq_table maps the async EQ alone: a completion EQ takes only the CQs'
            // completions, which SW2HW_CQ routes to it. A refused map fails the probe here; mlx4
            // (and mthca) only warn of it, but the map carries the command completions too, so
            // mlx4_setup_hca's NOP in event mode then times out and fails the probe there.
            if (v == ASYNC_EQN) {
                ret = cmd.exec(CmdOp.MAP_EQ, v, asyncMask, 0);
                if (ret != 0) {
                    return ret;
                }
                asyncMapped = true;
            }
            pci.requestIrq(v, () -> eq.interrupt(this::dispatch));
            eq.arm();
        }
        // mthca_cmd_use_events: the async EQ takes command completions from now on.
        cmd.useEvents(maxCmds);
        return 0;
    }

    /**
     * mthca_query_port / mlx4's ib_link_query_port: SubnGet(PortInfo) through MAD_IFC (§3.8,
     * §3.10) on every call, the table lengths from QUERY_DEV_CAP, and SubnGet(ExtendedPortInfo)
     * (§3.15) only when PortInfo says QDR. The violation counters are the device's own, read live.
     */
    @Override
    public int queryPort(int port, PortAttr a) {
        byte[] mad = new byte[Hw.Mad.SIZE];
        int ret = madIfc.subnGet(port, HcaMad.ATTR_PORT_INFO, port, mad);
        if (ret != 0) {
            return ret;
        }
        int d = Hw.Mad.DATA;
        a.state = PortState.values()[Hw.SmpPortInfo.PORT_STATE.getInt(mad, d)];
        a.physState = Hw.SmpPortInfo.PORT_PHYS_STATE.getInt(mad, d);
        a.lid = Hw.SmpPortInfo.LID.getInt(mad, d);
        a.lmc = Hw.SmpPortInfo.LMC.getInt(mad, d);
        a.smLid = Hw.SmpPortInfo.MASTER_SM_LID.getInt(mad, d);
        a.smSl = Hw.SmpPortInfo.MASTER_SM_SL.getInt(mad, d);
        a.portCapFlags = Hw.SmpPortInfo.CAPABILITY_MASK.getInt(mad, d);
        a.activeWidth = Hw.SmpPortInfo.LINK_WIDTH_ACTIVE.getInt(mad, d);
        a.activeSpeed = activeSpeed(mad, a.portCapFlags);
        a.activeMtu = Mtu.ofValue(Hw.SmpPortInfo.NEIGHBOR_MTU.getInt(mad, d));
        a.maxMtu = Mtu.ofValue(Hw.SmpPortInfo.MTU_CAP.getInt(mad, d));
        a.subnetTimeout = Hw.SmpPortInfo.SUBNET_TIMEOUT.getInt(mad, d);
        a.initTypeReply = Hw.SmpPortInfo.INIT_TYPE_REPLY.getInt(mad, d);
        a.maxVlNum = Hw.SmpPortInfo.VL_CAP.getInt(mad, d);
        a.badPkeyCntr = Hw.SmpPortInfo.P_KEY_VIOLATIONS.getInt(mad, d);
        a.qkeyViolCntr = Hw.SmpPortInfo.Q_KEY_VIOLATIONS.getInt(mad, d);
        a.gidTblLen = gidTableLen;
        a.pkeyTblLen = pkeyTableLen;
        if (a.activeSpeed == SPEED_QDR) {
            ret = fdr10(port, a);
            if (ret != 0) {
                return ret;
            }
        }
        // ib_link_query_port (drivers/infiniband/hw/mlx4/main.c): firmware may show a stale speed
        // for a link that is down.
        if (a.state == PortState.DOWN) {
            a.activeSpeed = SPEED_SDR;
        }
        return 0;
    }

    /**
     * LinkSpeedActive is IB_SPEED_SDR/DDR/QDR; with extended speeds, LinkSpeedExtActive 1 (FDR) or
     * 2 (EDR) overrides it. It is a value, not a mask of speeds: ib_link_query_port
     * (drivers/infiniband/hw/mlx4/main.c) switches on it and leaves any other value alone.
     */
    static int activeSpeed(byte[] mad, int capFlags) {
        int d = Hw.Mad.DATA;
        int speed = Hw.SmpPortInfo.LINK_SPEED_ACTIVE.getInt(mad, d);
        if ((capFlags & PORT_EXTENDED_SPEEDS_SUP) == 0) {
            return speed;
        }
        return switch (Hw.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.getInt(mad, d)) {
            case 1 -> SPEED_FDR;
            case 2 -> SPEED_EDR;
            default -> speed;
        };
    }

    /**
     * ib_link_query_port (drivers/infiniband/hw/mlx4/main.c) on a port PortInfo calls QDR with no
     * extended speed, which an FDR10 link is to it: Mellanox's ExtendedPortInfo (§3.15) has FDR10
     * in LinkSpeedActive bit 0. mlx4 reads that bit whatever the MAD status; an agent without the
     * attribute answers with a status and a zeroed attribute (§3.8), so the port stays QDR either
     * way. Only a failed command is an error.
     */
    private int fdr10(int port, PortAttr a) {
        byte[] mad = new byte[Hw.Mad.SIZE];
        int ret = madIfc.subnGetAnyStatus(port, HcaMad.ATTR_EXTENDED_PORT_INFO, port, mad);
        if (ret != 0) {
            return ret;
        }
        boolean answered = Hw.Mad.STATUS.getInt(mad, 0) == 0;
        if (answered && (Hw.ExtPortInfo.LINK_SPEED_ACTIVE.getInt(mad, Hw.Mad.DATA) & MLNX_SPEED_FDR10) != 0) {
            a.activeSpeed = SPEED_FDR10;
        }
        return 0;
    }

    /**
     * ib_cache_update for one port: the P_Key table 32 entries a block (P_KeyTable) and the GID
     * table from the PortInfo prefix and eight GUIDs a block (GUIDInfo), as mthca_query_pkey and
     * mthca_query_gid read them. The GIDs are stored as they are read; the P_Key table reaches
     * ib_core's copy whole, with {@code state} unless null, in one write section and only once
     * every read has succeeded (the reads sleep, and events queued before may reach clients
     * meanwhile); nothing here raises an event.
     */
    private int updateCache(Port port, PortState state) {
        int p = port.portNum();
        byte[] mad = new byte[Hw.Mad.SIZE];
        int[] table = new int[port.pkeyTableLength()];
        for (int block = 0; block * HcaMad.PKEYS_PER_BLOCK < table.length; block++) {
            int ret = madIfc.subnGet(p, HcaMad.ATTR_PKEY_TABLE, block, mad);
            if (ret != 0) {
                return ret;
            }
            for (int i = 0; i < HcaMad.PKEYS_PER_BLOCK && block * HcaMad.PKEYS_PER_BLOCK + i < table.length; i++) {
                int at = Hw.Mad.DATA + 2 * i;
                table[block * HcaMad.PKEYS_PER_BLOCK + i] = ((mad[at] & 0xff) << 8) | (mad[at + 1] & 0xff);
            }
        }
        int ret = madIfc.subnGet(p, HcaMad.ATTR_PORT_INFO, p, mad);
        if (ret != 0) {
            return ret;
        }
        long prefix = Hw.SmpPortInfo.GID_PREFIX.get(mad, Hw.Mad.DATA);
        for (int block = 0; block * HcaMad.GUIDS_PER_BLOCK < gidTableLen; block++) {
            ret = madIfc.subnGet(p, HcaMad.ATTR_GUID_INFO, block, mad);
            if (ret != 0) {
                return ret;
            }
            for (int i = 0; i < HcaMad.GUIDS_PER_BLOCK && block * HcaMad.GUIDS_PER_BLOCK + i < gidTableLen; i++) {
                long guid = GUID.get(mad, Hw.Mad.DATA + 8 * i);
                // __mlx4_ib_query_gid, mthca_query_gid: the prefix and the entry's GUID, so an
                // entry the SM left unassigned is prefix::0, which ib_core keeps as a GID.
                port.setGid(block * HcaMad.GUIDS_PER_BLOCK + i, Port.gid(prefix, guid));
            }
        }
        port.commitCache(table, state);
        return 0;
    }

    /**
     * The static subnet set-up of docs/HCA.md §3.7: SET_PORT with the port's LID and the SM's,
     * and the subnet timeout. What changed comes back as PORT_MNG_CHG through the EQ, and a port
     * that goes ACTIVE (or leaves it, for LID 0) as PORT_CHANGE after it.
     */
    public int setPort(int port, int lid, int lmc, int smLid, int smSl, int subnetTimeout) {
        return setPort(port, lid, lmc, smLid, smSl, subnetTimeout, false);
    }

    /** As above, and with {@code clientReregister} PortInfo:ClientReregister set in the same set (§3.7). */
    public int setPort(int port, int lid, int lmc, int smLid, int smSl, int subnetTimeout, boolean clientReregister) {
        kernel.mightSleep();
        byte[] b = new byte[Hw.PortInfo.PKEY.offset()];
        Hw.PortInfo.LID.set(b, 0, lid);
        Hw.PortInfo.LMC.set(b, 0, lmc);
        Hw.PortInfo.SM_LID.set(b, 0, smLid);
        Hw.PortInfo.SM_SL.set(b, 0, smSl);
        Hw.PortInfo.SUBNET_TIMEOUT.set(b, 0, subnetTimeout);
        Hw.PortInfo.CLIENT_REREGISTER.set(b, 0, clientReregister ? 1 : 0);
        return cmd.in(CmdOp.SET_PORT, port, 0, b);
    }

    /**
     * SET_PORT with a new P_Key table ({@code pkeys[i]} is entry i, the rest 0) and the port's
     * addresses as they are: what a subnet manager's SubnSet(P_KeyTable) does.
     */
    public int setPkeys(int port, int[] pkeys) {
        kernel.mightSleep();
        if (pkeys.length > pkeyTableLen) {
            return Errno.EINVAL.negative();
        }
        return setPortKeepingAddresses(port, b -> {
            Hw.PortInfo.SET_PKEY.set(b, 0, 1);
            for (int i = 0; i < pkeys.length; i++) {
                int at = Hw.PortInfo.PKEY.offset() + 4 * (i / 2);
                int word = Field.word(b, at);
                word = i % 2 == 0 ? (word & 0xffff) | (pkeys[i] << 16) : (word & 0xffff0000) | (pkeys[i] & 0xffff);
                Field.putWord(b, at, word);
            }
        });
    }

    /**
     * SET_PORT with a new port GID (subnet prefix and port GUID, GID table entry 0) and the
     * port's addresses as they are: SubnSet(PortInfo:GidPrefix) plus the GUID an SM assigns.
     */
    public int setGid(int port, long prefix, long guid) {
        kernel.mightSleep();
        return setPortKeepingAddresses(port, b -> {
            Hw.PortInfo.SET_GID.set(b, 0, 1);
            Hw.PortInfo.GID_PREFIX.set(b, 0, prefix);
            Hw.PortInfo.PORT_GUID.set(b, 0, guid);
        });
    }

    /** SET_PORT with the port's LID, LMC and SM as PortInfo has them, and what {@code more} adds. */
    private int setPortKeepingAddresses(int port, java.util.function.Consumer<byte[]> more) {
        if (port < 1 || port > numPorts) {
            return Errno.EINVAL.negative();
        }
        PortAttr a = new PortAttr();
        int ret = queryPort(port, a);
        if (ret != 0) {
            return ret;
        }
        byte[] b = new byte[Hw.PortInfo.PKEY.offset() + 2 * pkeyTableLen];
        Hw.PortInfo.LID.set(b, 0, a.lid);
        Hw.PortInfo.LMC.set(b, 0, a.lmc);
        Hw.PortInfo.SM_LID.set(b, 0, a.smLid);
        Hw.PortInfo.SM_SL.set(b, 0, a.smSl);
        Hw.PortInfo.SUBNET_TIMEOUT.set(b, 0, a.subnetTimeout);
        more.accept(b);
        return cmd.in(CmdOp.SET_PORT, port, 0, b);
    }

    /** CLOSE_PORT: the link goes down; PORT_ERR follows through the EQ. */
    public int closePort(int port) {
        kernel.mightSleep();
        return cmd.exec(CmdOp.CLOSE_PORT, port, 0, 0);
    }

    /** mlx4_ib_remove + mlx4_close_hca: unregister, close the ports, return the EQs, close. */
    public void remove() {
        // A reset under way ends here: its wait is cancelled, so nothing probes again (mlx4
        // restarts only while not being deleted: mlx4_handle_error_state).
        resetTimer.del();
        unload();
    }

    /** mlx4_unload_one: what removing the driver and restarting it after a reset share. */
    private void unload() {
        kernel.mightSleep();
        // mlx4_stop_catas_poll
        catasTimer.del();
        if (device != null) {
            core.unregisterDevice(device);
            device = null;
        }
        for (int p = 1; p <= numPorts; p++) {
            cmd.exec(CmdOp.CLOSE_PORT, p, 0, 0);
        }
        teardown();
    }

    private void teardown() {
        if (specialQpsConfigured) {
            // mlx4_cleanup_qp_table: base 0, no special QPs any more.
            cmd.exec(CmdOp.CONF_SPECIAL_QP, 0, 0, 0);
            specialQpsConfigured = false;
        }
        // mthca_cmd_use_polling: the EQs that complete commands are about to go.
        cmd.usePolling();
        if (asyncMapped) {
            // mlx4_cleanup_eq_table: the async events leave their EQ before it is freed.
            cmd.exec(CmdOp.MAP_EQ, 1 << 31 | ASYNC_EQN, asyncMask, 0);
            asyncMapped = false;
        }
        for (int v = eqs.length - 1; v >= 0; v--) {
            if (eqs[v] != null) {
                pci.freeIrq(v);
                cmd.exec(CmdOp.HW2SW_EQ, v, 0, 0);
                eqs[v].free();
                eqs[v] = null;
            }
        }
        if (hcaUp) {
            int ret = cmd.exec(CmdOp.CLOSE_HCA, 0, 0, 0);
            if (ret != 0) {
                throw new KernelBug(KernelBug.WARN_ON, name + ": CLOSE_HCA failed " + Errno.ofNumber(ret)
                        + " (firmware status 0x" + Integer.toHexString(cmd.lastStatus()) + "): objects leaked");
            }
            hcaUp = false;
        }
        cmd.freeMailboxes();
    }

    /**
     * The port-change work: PortInfo and the tables through MAD_IFC into ib_core's copy, then the
     * events the PORT_CHANGE and PORT_MNG_CHG EQEs asked for ({@link #portChange},
     * {@link #portMgmtChangeEvents}), once ib_core's copy holds the new port:
     * drivers/infiniband/core/cache.c ib_cache_event_task runs ib_cache_update before the clients
     * hear of a change. Nothing is raised for what merely differs from the copy.
     */
    private void refreshPorts() {
        IbDevice dev = device;
        if (dev == null) {
            return;
        }
        for (int p = 1; p <= numPorts; p++) {
            // EQEs that come while the tables are read queue this work again, and are its next run's.
            int portNum = p;
            List<IbEventType> events = portEventLock.withIrq(() -> {
                List<IbEventType> pending = mngEvents.remove(portNum);
                return pending == null ? List.<IbEventType>of() : pending;
            });
            PortAttr a = new PortAttr();
            // ib_cache_update fails with ib_query_port, and the clients hear nothing.
            if (queryPort(p, a) != 0) {
                continue;
            }
            Port port = dev.port(p);
            // What ib_query_port would read now (the kernel asks the driver on every call), in place
            // before any event below reaches a client.
            port.setLink(a);
            port.setLid(a.lid, a.lmc);
            port.setSm(a.smLid, a.smSl);
            if (updateCache(port, a.state) == 0) {
                for (IbEventType e : events) {
                    dev.dispatchEvent(IbEvent.port(dev, e, p));
                }
            }
        }
    }

    // ---- events (HARDIRQ) -----------------------------------------------------------------

    /** mlx4_eq_int's dispatch of one EQE, entry {@code index} of EQ {@code eqn}. */
    private void dispatch(byte[] eqe, int eqn, int index) {
        if (kernel.context() != ExecContext.HARDIRQ) {
            throw new KernelBug(KernelBug.WARN_ON, name + ": EQE dispatched outside hard-interrupt context");
        }
        EqeType type = EqeType.of(Hw.Eqe.TYPE.getInt(eqe, 0));
        int object = Hw.Eqe.OBJECT.getInt(eqe, 0);
        // mlx4_eq_int's default case: a type it has no case for (LOCAL_CATAS_ERROR among them,
        // which its mask never asks for) is logged and skipped.
        if (type == null || type == EqeType.LOCAL_CATAS_ERROR) {
            kernel.printk(String.format("%s: Unhandled event %02x(%02x) on EQ %d at index %d", pci.slot(),
                    Hw.Eqe.TYPE.getInt(eqe, 0), Hw.Eqe.SUBTYPE.getInt(eqe, 0), eqn, index));
            return;
        }
        if (type == EqeType.EQ_OVERFLOW) {
            kernel.printk(String.format("%s: EQ overrun on EQN %d", pci.slot(), eqn));
            return;
        }
        if (type == EqeType.CMD) {
            cmd.event(Hw.Eqe.TOKEN.getInt(eqe, 0), Hw.Eqe.STATUS.getInt(eqe, 0), Hw.Eqe.OUT_PARAM.get(eqe, 0));
            return;
        }
        switch (type) {
            case COMPLETION -> {
                // mlx4_cq_completion: a CQ no longer in the table (mlx4_cq_free took it out) gets
                // nothing. The lookup takes no lock (rcu_read_lock there).
                HcaCq cq = cqs.get(object);
                if (cq != null) {
                    cq.comp();
                }
            }
            case CQ_ERROR -> {
                // mlx4_eq_int warns with the syndrome, then mlx4_cq_event (a CQN no longer in the
                // table, whose destroy the device refused, only warns).
                kernel.printk(String.format("%s: CQ %s on CQN %06x", pci.slot(),
                        Hw.Eqe.CQ_SYNDROME.getInt(eqe, 0) == Hw.Eqe.CQ_OVERRUN ? "overrun" : "access violation",
                        object));
                HcaCq cq = cqs.get(object);
                if (cq != null) {
                    cq.ibCq().eventUpcall(IbEventType.CQ_ERR);
                }
            }
            // mlx4_eq_int (drivers/net/ethernet/mellanox/mlx4/eq.c): each PORT_CHANGE EQE is
            // IB_EVENT_PORT_ERR (subtype down) or else IB_EVENT_PORT_ACTIVE, whatever the port's
            // state when the work reads it; the work tells the clients. (mthca_eq_int's
            // port_change takes only subtype active as up.)
            case PORT_CHANGE -> {
                portChange(Hw.Eqe.PORT.getInt(eqe, 0), Hw.Eqe.SUBTYPE.getInt(eqe, 0) != Hw.Eqe.PORT_DOWN);
                wq.queueWork(portWork);
            }
            // PORT_MNG_CHG says the SM changed a port's attributes: the events come from the EQE
            // (handle_port_mgmt_change_event, which mlx4_ib_event runs at once for a device that is
            // no SR-IOV master). They wait here for the port work, which reads the port into ib_core's
            // copy (reading sleeps), as ib_cache_event_task updates the cache before any client hears.
            case PORT_MNG_CHG -> {
                int p = Hw.Eqe.PMC_PORT.getInt(eqe, 0);
                if (p >= 1 && p <= numPorts) {
                    List<IbEventType> events = portMgmtChangeEvents(eqe);
                    portEventLock.with(() -> {
                        mngEvents.computeIfAbsent(p, k -> new ArrayList<>()).addAll(events);
                    });
                }
                wq.queueWork(portWork);
            }
            case SRQ_LIMIT, SRQ_CATAS_ERROR -> {
                // mlx4_srq_event looks the SRQ up under rcu_read_lock.
                HcaSrq srq = srqs.get(object);
                if (srq == null) {
                    // mlx4_srq_event (drivers/net/ethernet/mellanox/mlx4/srq.c)
                    kernel.printk(String.format("%s: Async event for bogus SRQ %08x", pci.slot(), object));
                    return;
                }
                if (type == EqeType.SRQ_LIMIT) {
                    srq.ibSrq().limitReached();
                } else {
                    srq.ibSrq().eventUpcall(type.event());
                }
            }
            default -> {
                // mlx4_qp_event: spin_lock(&qp_table->lock), interrupts being off already.
                HcaQp qp = qpTableLock.with(() -> qps.get(object));
                if (qp == null) {
                    return;
                }
                IbEventType ev = type.event();
                // These errors moved the QP to ERR in the device (IBA 11.6.2).
                if (ev == IbEventType.QP_FATAL || ev == IbEventType.QP_REQ_ERR || ev == IbEventType.QP_ACCESS_ERR) {
                    qp.ibQp().deviceSetState(QpState.ERR);
                }
                // mlx4_ib_qp_event (drivers/infiniband/hw/mlx4/qp.c, since Linux 6.6): the handler
                // runs from an ordered workqueue, so it may sleep. mlx4 holds the QP until it has
                // run; here destroy_qp's 2RST_QP sleeps, and the queued work runs first.
                qpEventWq.queueWork(new Work("mlx4_ib_handle_qp_event", () -> qp.ibQp().eventUpcall(ev)));
            }
        }
    }

    /**
     * The events of one PORT_MNG_CHG EQE, in the order drivers/infiniband/hw/mlx4/mad.c
     * handle_port_mgmt_change_event dispatches them. PortInfo: its changed_attr mask says which
     * (an SM LID or SL change only moves the driver's SM address handle, update_sm_ah, which needs
     * the MAD layer's send agent this model has not: no event, and mlx4 raises no IB_EVENT_SM_CHANGE);
     * P_KeyTable one PKEY_CHANGE, GUIDInfo one GID_CHANGE, whatever the number of entries changed.
     */
    private List<IbEventType> portMgmtChangeEvents(byte[] eqe) {
        int subtype = Hw.Eqe.SUBTYPE.getInt(eqe, 0);
        switch (subtype) {
            case Hw.Eqe.MNG_PORT_INFO -> {
                int changed = Hw.Eqe.CHANGED_ATTR.getInt(eqe, 0);
                List<IbEventType> events = new ArrayList<>(3);
                if ((changed & Hw.Eqe.LID_CHANGE) != 0) {
                    events.add(IbEventType.LID_CHANGE);
                }
                if ((changed & Hw.Eqe.GID_PFX_CHANGE) != 0) {
                    events.add(IbEventType.GID_CHANGE);
                }
                // handle_client_rereg_event
                if ((changed & Hw.Eqe.CLIENT_REREG) != 0) {
                    events.add(IbEventType.CLIENT_REREGISTER);
                }
                return events;
            }
            case Hw.Eqe.MNG_PKEY_TABLE -> {
                return List.of(IbEventType.PKEY_CHANGE);
            }
            case Hw.Eqe.MNG_GUID_INFO -> {
                return List.of(IbEventType.GID_CHANGE);
            }
            default -> {
                kernel.printk(String.format("%s: PORT_MNG_CHG of unknown subtype 0x%x", name, subtype));
                return List.of();
            }
        }
    }

    /**
     * One PORT_CHANGE EQE is one IB_EVENT_PORT_ACTIVE or IB_EVENT_PORT_ERR, as the EQE says
     * (mlx4_ib_event): a port that went down and came back before the work read it raises both.
     * Clients hear it from the port work, after ib_core's copy of the port has been read again
     * (ib_cache_event_task runs ib_cache_update before ib_dispatch_event_clients).
     */
    private void portChange(int portNum, boolean active) {
        IbDevice dev = device;
        if (dev == null || !dev.isPortValid(portNum)) {
            return;
        }
        IbEventType e = active ? IbEventType.PORT_ACTIVE : IbEventType.PORT_ERR;
        portEventLock.with(() -> {
            mngEvents.computeIfAbsent(portNum, k -> new ArrayList<>()).add(e);
        });
    }

    // ---- PD, MR, AH -----------------------------------------------------------------------

    private int nextKey(int mpt) {
        keyTag = (keyTag + 1) & 0xff;
        return (mpt << 8) | keyTag;
    }

    private static byte[] mptMailbox(int key, int pdn, int access, boolean physical, long start, long length,
            long mttAddr, int mttEntries) {
        byte[] b = new byte[Hw.CTX + Hw.Mpt.SIZE];
        int c = Hw.CTX;
        Hw.Mpt.PHYSICAL.set(b, c, physical ? 1 : 0);
        Hw.Mpt.ATOMIC.set(b, c, (access & AccessFlags.REMOTE_ATOMIC) != 0 ? 1 : 0);
        Hw.Mpt.REMOTE_WRITE.set(b, c, (access & AccessFlags.REMOTE_WRITE) != 0 ? 1 : 0);
        Hw.Mpt.REMOTE_READ.set(b, c, (access & AccessFlags.REMOTE_READ) != 0 ? 1 : 0);
        Hw.Mpt.LOCAL_WRITE.set(b, c, (access & AccessFlags.LOCAL_WRITE) != 0 ? 1 : 0);
        Hw.Mpt.KEY.set(b, c, Integer.toUnsignedLong(key));
        Hw.Mpt.PD.set(b, c, pdn);
        Hw.Mpt.START.set(b, c, start);
        Hw.Mpt.LENGTH.set(b, c, length);
        Hw.Mpt.MTT_ADDR.set(b, c, mttAddr);
        Hw.Mpt.MTT_ENTRIES.set(b, c, mttEntries);
        Hw.Mpt.LOG_PAGE_SIZE.set(b, c, physical ? 0 : PAGE_SHIFT);
        return b;
    }

    /**
     * SW2HW_MPT, warned about when refused, as mthca_mr_alloc (hw/mthca/mthca_mr.c) and
     * mlx4_mr_enable (drivers/net/ethernet/mellanox/mlx4/mr.c) do; the caller unwinds.
     */
    private int sw2hwMpt(int mpt, byte[] mailbox) {
        int ret = cmd.in(CmdOp.SW2HW_MPT, mpt, 0, mailbox);
        if (ret != 0) {
            kernel.printk(String.format("%s: SW2HW_MPT failed (%d)", pci.slot(), ret));
        }
        return ret;
    }

    /**
     * mthca_pd_alloc: a PD number, and for a kernel PD a no-translation MPT over all of host
     * memory whose key is the PD's local DMA lkey; a process's PD gets no MPT (privileged is
     * !udata in mthca_alloc_pd), so no key of it reaches past the regions the process registered.
     */
    @Override
    public int allocPd(Pd pd) {
        int pdn = pdBitmap.alloc();
        if (pdn < 0) {
            return Errno.ENOMEM.negative();
        }
        if (pd.user()) {
            pd.drv(new HcaPd(pdn, NO_MPT));
            return 0;
        }
        int mpt = mptBitmap.alloc();
        if (mpt < 0) {
            pdBitmap.free(pdn);
            return Errno.ENOMEM.negative();
        }
        int key = nextKey(mpt);
        int ret = sw2hwMpt(mpt, mptMailbox(key, pdn, AccessFlags.LOCAL_WRITE, true, 0, -1L, 0, 0));
        if (ret != 0) {
            mptBitmap.free(mpt);
            pdBitmap.free(pdn);
            return ret;
        }
        pd.drv(new HcaPd(pdn, mpt));
        pd.localDmaLkey(key);
        return 0;
    }

    /**
     * mthca_dealloc_pd (mthca_free_mr of a kernel PD's key): a refused HW2SW_MPT is only warned
     * about; the PD and its key's index are freed all the same.
     */
    @Override
    public int deallocPd(Pd pd) {
        HcaPd p = (HcaPd) pd.drv();
        if (p.mpt() != NO_MPT) {
            warnIfRefused(cmd.exec(CmdOp.HW2SW_MPT, p.mpt(), 0, 0), "HW2SW_MPT", "MPT", p.mpt());
            mptBitmap.free(p.mpt());
        }
        pdBitmap.free(p.pdn());
        return 0;
    }

    @Override
    public int getDmaMr(Mr mr, int access) {
        return addMpt(mr, access, true, 0, -1L, 0, 0);
    }

    /**
     * mthca_mr_alloc: the translation table first (WRITE_MTT, one mailbox at a time), then the
     * key. {@code iova} and {@code start} must share their page offset (one MTT per page).
     */
    @Override
    public int regMr(Mr mr, long start, long length, long iova, int access) {
        long mask = (1L << PAGE_SHIFT) - 1;
        if (((start ^ iova) & mask) != 0) {
            return Errno.EINVAL.negative();
        }
        long first = iova >>> PAGE_SHIFT;
        int pages = (int) (((iova + length - 1) >>> PAGE_SHIFT) - first + 1);
        // The host pages behind the region: contiguous for kernel memory, scattered for a user MR.
        long[] hostPages = mr.pages();
        if (hostPages.length != pages) {
            return Errno.EINVAL.negative();
        }
        long mtt = memory.alloc(8L * pages);
        for (int done = 0; done < pages;) {
            int n = Math.min(pages - done, (Cmd.MAILBOX_SIZE - Hw.WriteMtt.ENTRY.offset()) / 8);
            byte[] b = new byte[Hw.WriteMtt.ENTRY.offset() + 8 * n];
            Hw.WriteMtt.MTT_ADDR.set(b, 0, mtt + 8L * done);
            Hw.WriteMtt.COUNT.set(b, 0, n);
            for (int i = 0; i < n; i++) {
                long page = hostPages[done + i];
                Hw.WriteMtt.ENTRY.set(b, 8 * i, page);
            }
            int ret = cmd.in(CmdOp.WRITE_MTT, 0, 0, b);
            if (ret != 0) {
                // __mthca_write_mtt (hw/mthca/mthca_mr.c) warns about a refused WRITE_MTT.
                kernel.printk(String.format("%s: WRITE_MTT failed (%d)", pci.slot(), ret));
                memory.free(mtt);
                return ret;
            }
            done += n;
        }
        int ret = addMpt(mr, access, false, iova, length, mtt, pages);
        if (ret != 0) {
            memory.free(mtt);
        }
        return ret;
    }

    private int addMpt(Mr mr, int access, boolean physical, long start, long length, long mtt, int entries) {
        int mpt = mptBitmap.alloc();
        if (mpt < 0) {
            return Errno.ENOMEM.negative();
        }
        int key = nextKey(mpt);
        int ret = sw2hwMpt(mpt, mptMailbox(key, pdn(mr.pd()), access, physical, start, length, mtt, entries));
        if (ret != 0) {
            mptBitmap.free(mpt);
            return ret;
        }
        mr.drv(new HcaMr(mpt, mtt, false));
        mr.assignKeys(key, key);
        return 0;
    }

    /**
     * mlx4_ib_alloc_mr: a fast_reg MPT, free until an IB_WR_REG_MR, and the page list in host
     * memory that map_mr_sg fills and the WQE points the HCA at (docs/HCA.md §4.1, §5.7).
     */
    @Override
    public int allocMr(Mr mr, int maxNumSg) {
        // mlx4_ib_alloc_mr (hw/mlx4/mr.c): max_num_sg, a u32, up to MLX4_MAX_FAST_REG_PAGES, else
        // -EINVAL; none at all is taken (mapping onto it then finds no room).
        if (Integer.compareUnsigned(maxNumSg, MAX_FAST_REG_PAGES) > 0) {
            return Errno.EINVAL.negative();
        }
        int mpt = mptBitmap.alloc();
        if (mpt < 0) {
            return Errno.ENOMEM.negative();
        }
        long pageList = memory.alloc(8L * Math.max(1, maxNumSg));
        int key = nextKey(mpt);
        byte[] b = mptMailbox(key, pdn(mr.pd()), 0, false, 0, 0, pageList, maxNumSg);
        Hw.Mpt.FAST_REG.set(b, Hw.CTX, 1);
        int ret = sw2hwMpt(mpt, b);
        if (ret != 0) {
            mptBitmap.free(mpt);
            memory.free(pageList);
            return ret;
        }
        mr.drv(new HcaMr(mpt, pageList, true));
        mr.assignKeys(key, key);
        return 0;
    }

    /** mlx4_ib_map_mr_sg / mlx4_set_page: the page addresses, big-endian, into the page list. */
    @Override
    public int mapMrSg(Mr mr, long[] pages) {
        HcaMr h = (HcaMr) mr.drv();
        if (!h.fastReg()) {
            return Errno.EINVAL.negative();
        }
        byte[] b = new byte[8 * pages.length];
        for (int i = 0; i < pages.length; i++) {
            PAGE_ADDRESS.set(b, 8 * i, pages[i]);
        }
        memory.write(h.pageList(), b);
        return 0;
    }

    /**
     * mlx4_ib_dereg_mr through mlx4_mr_free_reserved (drivers/net/ethernet/mellanox/mlx4/mr.c): a
     * refused HW2SW_MPT is warned about and fails the deregistration; the key stays the device's.
     */
    @Override
    public int deregMr(Mr mr) {
        HcaMr h = (HcaMr) mr.drv();
        int ret = cmd.exec(CmdOp.HW2SW_MPT, h.mpt(), 0, 0);
        if (ret != 0) {
            kernel.printk(String.format("%s: HW2SW_MPT failed (%d), MR has MWs bound to it", pci.slot(), ret));
            return ret;
        }
        mptBitmap.free(h.mpt());
        if (h.table() != 0) {
            // mlx4_mtt_cleanup: the translation goes once the device no longer reads it.
            memory.free(h.table());
        }
        return 0;
    }

    /** mthca_process_mad: what the firmware's agent should answer goes to MAD_IFC (HcaMad). */
    @Override
    public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
        kernel.mightSleep();
        return madIfc.process(flags, portNum, inWc, inMad, outMad);
    }

    /**
     * docs/HCA.md §5.9: an ah_attr static_rate as the device takes it: an ib_rate value from
     * IB_RATE_2_5_GBPS (2) to IB_RATE_600_GBPS (22) passes through (the device knows them all);
     * IB_RATE_PORT_CURRENT and anything else is 0, the port's rate.
     */
    static int staticRate(int ibRate) {
        return ibRate >= 2 && ibRate <= 22 ? ibRate : 0;
    }

    @Override
    public boolean hasProcessMad() {
        return true;
    }

    @Override
    public boolean hasDisassociateUcontext() {
        // mlx4_ib_disassociate_ucontext: nothing of a context outlives the device.
        return true;
    }

    @Override
    public boolean hasMulticast() {
        return mcg != null;
    }

    @Override
    public boolean hasDrain() {
        return true;
    }

    @Override
    public void drainSq(Qp qp) {
        drain(qp, true);
    }

    @Override
    public void drainRq(Qp qp) {
        drain(qp, false);
    }

    /**
     * mlx4_ib_drain_sq and mlx4_ib_drain_rq (drivers/infiniband/hw/mlx4/qp.c): ib_core's drain,
     * but through a device in its error state too, where ULPs drain as they tear down after
     * IB_EVENT_DEVICE_FATAL. The move to ERR may fail there; the marker is posted anyway (a
     * drain's post is not refused for the error state) and completes flushed by the software
     * poll (§8); handle_drain_completion calls the CQ's handler so that its consumer polls it.
     */
    private void drain(Qp qp, boolean send) {
        String what = send ? "send" : "recv";
        kernel.mightSleep();
        Cq cq = send ? qp.sendCq() : qp.recvCq();
        if (cq.pollContext() == null) {
            throw new KernelBug(KernelBug.WARN_ON, "drain of a QP whose CQ is not from ib_alloc_cq");
        }
        int ret = qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit());
        if (ret != 0 && !cmd.internalError()) {
            throw new KernelBug(KernelBug.WARN_ON, "failed to drain " + what + " queue: " + ret);
        }
        Completion done = new Completion(kernel);
        Cqe marker = (c, wc) -> done.complete();
        HcaQp hq = (HcaQp) qp.drv();
        PostResult pr = send ? hq.postSend(List.of(new SendWr().opcode(WrOpcode.RDMA_WRITE).wrCqe(marker)))
                : hq.postRecv(List.of(new RecvWr(0, marker, List.of())));
        if (!pr.ok()) {
            throw new KernelBug(KernelBug.WARN_ON, "failed to drain " + what + " queue: " + pr.ret());
        }
        if (cq.pollContext() != PollContext.DIRECT && cmd.internalError()) {
            // handle_drain_completion: the CQ marked under reset_flow_resource_lock; if the
            // catastrophic-error walk or another drain marked it first, the poll it scheduled is
            // waited for; then the handler runs, no lock held, so the marker is polled.
            HcaCq mcq = (HcaCq) cq.drv();
            boolean triggered = resetFlowLock.withIrqsave(() -> {
                boolean was = mcq.resetNotifyAdded;
                mcq.resetNotifyAdded = true;
                return was;
            });
            if (triggered) {
                cq.waitForScheduledPoll();
            }
            mcq.comp();
        }
        qp.awaitDrainMarker(cq, done);
    }

    @Override
    public boolean hasModifyCq() {
        return true;
    }

    @Override
    public int attachMcast(Qp qp, byte[] gid, int lid) {
        kernel.mightSleep();
        return mcg.attach(qp.qpNum(), ((HcaQp) qp.drv()).blockMulticastLoopback, gid);
    }

    @Override
    public int detachMcast(Qp qp, byte[] gid, int lid) {
        kernel.mightSleep();
        if (cmd.internalError()) {
            // mlx4_internal_err_ret_value: once the device is in error a detach succeeds without
            // reaching it, so that the QP can still be destroyed; the group table went with the
            // device.
            return 0;
        }
        return mcg.detach(qp.qpNum(), gid);
    }

    /** The driver keeps the address vector; post_send copies it into each datagram segment. */
    @Override
    public int createAh(Ah ah, AhAttr attr) {
        ah.drv(attr);
        return 0;
    }

    @Override
    public int destroyAh(Ah ah) {
        return 0;
    }

    // ---- CQ -------------------------------------------------------------------------------

    private int compEqn(int compVector) {
        int comp = eqs.length - 1;
        return comp <= 0 ? ASYNC_EQN : 1 + Math.floorMod(compVector, comp);
    }

    /**
     * mlx4_ib_create_cq: a ring of the next power of two above cqe, one entry kept free. A CQ
     * asked for with udata ({@link Cq#user}) has its completion handler deferred to its EQ's
     * tasklet ({@link HcaCq#comp}).
     */
    @Override
    public int createCq(Cq cq, CqInitAttr attr) {
        // mlx4_ib_create_cq (hw/mlx4/cq.c): entries from 1 to caps.max_cqes, the max_cqe reported.
        if (attr.cqe() < 1 || attr.cqe() > device.attr().maxCqe) {
            return Errno.EINVAL.negative();
        }
        // mlx4_ib_create_cq: a flag but TIMESTAMP_COMPLETION is -EINVAL. mlx4 takes that one;
        // this device writes no completion timestamps, so it is -EOPNOTSUPP here.
        if ((attr.flags() & ~CqInitAttr.TIMESTAMP_COMPLETION) != 0) {
            return Errno.EINVAL.negative();
        }
        if (attr.flags() != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        int log = HcaQp.log2Ceil(attr.cqe() + 1);
        int cqn = cqBitmap.alloc();
        if (cqn < 0) {
            return Errno.ENOMEM.negative();
        }
        int eqn = compEqn(attr.compVector());
        HcaCq hc = new HcaCq(kernel, pci, cqn, eqn, eqTasklets[eqn], cq, log);
        int ret = cmd.in(CmdOp.SW2HW_CQ, cqn, 0, hc.mailbox());
        if (ret != 0) {
            hc.freeBuffers();
            cqBitmap.free(cqn);
            return ret;
        }
        cq.cqe((1 << log) - 1);
        cq.drv(hc);
        // mlx4_cq_alloc: spin_lock(&cq_table->lock), which no interrupt takes.
        cqTableLock.with(() -> {
            cqs.put(cqn, hc);
        });
        return 0;
    }

    /**
     * mlx4_cq_free: a refused HW2SW_CQ is warned about and the CQ freed anyway; destroy never
     * fails. Out of the table no EQE reaches the CQ; a handler the tasklet still owes it runs
     * before the CQ is freed (the wait for cq->free).
     */
    @Override
    public int destroyCq(Cq cq) {
        HcaCq hc = (HcaCq) cq.drv();
        warnIfRefused(cmd.exec(CmdOp.HW2SW_CQ, hc.cqn(), 0, 0), "HW2SW_CQ", "CQN", hc.cqn());
        cqTableLock.with(() -> {
            cqs.remove(hc.cqn());
        });
        hc.release();
        hc.freeBuffers();
        cqBitmap.free(hc.cqn());
        return 0;
    }

    /**
     * mlx4_ib_modify_cq, mlx4_cq_modify (drivers/net/ethernet/mellanox/mlx4/cq.c): the command mlx4
     * calls MODIFY_CQ, here RESIZE_CQ, with opcode modifier 1 and a context holding only
     * cq_max_count and cq_period (HCA.md §8).
     */
    @Override
    public int modifyCq(Cq cq, int cqCount, int cqPeriod) {
        byte[] b = new byte[Hw.CTX + Hw.CqCtx.SIZE];
        Hw.CqCtx.CQ_MAX_COUNT.set(b, Hw.CTX, cqCount);
        Hw.CqCtx.CQ_PERIOD.set(b, Hw.CTX, cqPeriod);
        return cmd.in(CmdOp.RESIZE_CQ, ((HcaCq) cq.drv()).cqn(), 1, b);
    }

    /** mlx4_ib_resize_cq: a new ring; the driver moves the unconsumed CQEs over once the device took it. */
    @Override
    public int resizeCq(Cq cq, int cqe) {
        HcaCq hc = (HcaCq) cq.drv();
        // mlx4_ib_resize_cq: entries from 1 to caps.max_cqes, and the ring they round up to at
        // most one more, else -EINVAL; the size it has already is done; one that cannot hold the
        // completions not yet polled (and the one slot kept empty) is -EINVAL.
        if (cqe < 1 || cqe > device.attr().maxCqe) {
            return Errno.EINVAL.negative();
        }
        int log = HcaQp.log2Ceil(cqe + 1);
        if ((1 << log) == cq.cqe() + 1) {
            return 0;
        }
        if ((1 << log) > device.attr().maxCqe + 1 || (1 << log) < hc.outstanding() + 1) {
            return Errno.EINVAL.negative();
        }
        int err = hc.prepareResize(log);
        if (err != 0) {
            return err;
        }
        int ret = cmd.in(CmdOp.RESIZE_CQ, hc.cqn(), 0, hc.mailbox(hc.resizeBuffer(), log));
        if (ret != 0) {
            hc.abortResize();
            return ret;
        }
        hc.finishResize();
        cq.cqe((1 << log) - 1);
        return 0;
    }

    /**
     * __mlx4_qp_lookup, as mlx4_ib_poll_one calls it under the CQ's lock: no lock of its own. A
     * QP leaves the table under its CQs' locks (destroy_qp_common), so one with a CQE still on
     * the ring is there.
     */
    private HcaQp qpByQpn(int qpn) {
        return qps.get(qpn);
    }

    @Override
    public int pollCq(Cq cq, int numEntries, Wc[] wc) {
        if (cmd.internalError()) {
            return ((HcaCq) cq.drv()).pollSoftware(numEntries, wc);
        }
        return ((HcaCq) cq.drv()).poll(numEntries, wc, qpLookup);
    }

    @Override
    public int reqNotifyCq(Cq cq, int flags) {
        // mlx4_ib_arm_cq (hw/mlx4/cq.c): anything but exactly IB_CQ_SOLICITED arms for the next
        // completion, no arm bit at all or both included; no flags are refused.
        HcaCq hc = (HcaCq) cq.drv();
        boolean solicited = (flags & CqNotifyFlags.SOLICITED_MASK) == CqNotifyFlags.SOLICITED;
        hc.arm(solicited ? Hw.Doorbell.ARM_SOLICITED : Hw.Doorbell.ARM_NEXT);
        // Never 1 for IB_CQ_REPORT_MISSED_EVENTS, as mlx4_ib_arm_cq and mthca_arm_cq: a CQE
        // already at the consumer index raises the event at once (§8), so none is missed.
        return 0;
    }

    // ---- QP -------------------------------------------------------------------------------

    @Override
    public int createQp(Qp qp, QpInitAttr attr) {
        // mlx4_ib_create_qp: any create flag but blocking multicast loopback is -EINVAL.
        if ((attr.createFlags & ~QpInitAttr.CREATE_BLOCK_MULTICAST_LOOPBACK) != 0) {
            return Errno.EINVAL.negative();
        }
        boolean special = attr.qpType == QpType.SMI || attr.qpType == QpType.GSI;
        int err = checkQueueSizes(attr.qpType, attr.cap, attr.srq != null, special);
        if (err != 0) {
            return err;
        }
        // mlx4's create_qp_common takes the CQs as given (ib_core checks none): one missing is
        // dereferenced when the QP is put on its CQs' lists (mlx4_ib_lock_cqs), an oops there.
        if (attr.sendCq == null || attr.recvCq == null) {
            throw new KernelBug(KernelBug.NULL_POINTER, device.name() + ": create_qp with no "
                    + (attr.sendCq == null ? "send" : "receive") + " CQ");
        }
        int qpn;
        if (special) {
            // mlx4 (hw/mlx4/qp.c get_sqp_num, mlx4_ib_create_qp) takes the port from its caller,
            // ib_mad, unchecked: it makes the QP number from it and reads that port's data, out of
            // bounds for a port the device does not have. Undefined there, a kernel bug here.
            if (attr.portNum < 1 || attr.portNum > numPorts) {
                throw new KernelBug(KernelBug.WARN_ON, device.name() + ": special QP on port " + attr.portNum
                        + ", which mlx4 does not check");
            }
            // mlx4_ib get_sqp_num: where CONF_SPECIAL_QP put the port's SMI or GSI QP.
            qpn = SQP_BASE + (attr.qpType == QpType.SMI ? 0 : 2) + attr.portNum - 1;
            if (qpTableLock.withIrq(() -> qps.get(qpn)) != null) {
                // mlx4_qp_alloc: the radix tree already holds the QPN.
                return Errno.EEXIST.negative();
            }
        } else {
            qpn = qpBitmap.alloc();
            if (qpn < 0) {
                return Errno.ENOMEM.negative();
            }
        }
        HcaSrq srq = attr.srq == null ? null : (HcaSrq) attr.srq.drv();
        HcaQp hq = HcaQp.create(kernel, pci, qp, qpn, srq);
        qp.assignQpNum(special ? (attr.qpType == QpType.SMI ? 0 : 1) : qpn);
        attr.cap = hq.actualCap(attr.cap, device.attr().maxQpWr, device.attr().maxSendSge,
                device.attr().maxRecvSge);
        hq.blockMulticastLoopback = (attr.createFlags & QpInitAttr.CREATE_BLOCK_MULTICAST_LOOPBACK) != 0;
        qp.drv(hq);
        // mlx4_qp_alloc: spin_lock_irq(&qp_table->lock) around the radix tree insert.
        qpTableLock.withIrq(() -> {
            qps.put(qpn, hq);
        });
        // create_qp_common: on the device's and the CQs' lists under reset_flow_resource_lock
        // and both CQ locks, as the reset flow reads them.
        HcaCq send = (HcaCq) qp.sendCq().drv();
        HcaCq recv = (HcaCq) qp.recvCq().drv();
        long flags = resetFlowLock.lockIrqsave();
        lockCqs(send, recv);
        qpList.add(hq);
        send.sendQps.add(hq);
        recv.recvQps.add(hq);
        unlockCqs(send, recv);
        resetFlowLock.unlockIrqrestore(flags);
        return 0;
    }

    /**
     * mlx4's set_rq_size, then set_kernel_sq_size (hw/mlx4/qp.c), as u32s: WRs at most the
     * device's max_wqes less the spare ones, SGEs at most the smaller of max_sq_sg and max_rq_sg,
     * the receive limits checked even on an SRQ; then no receive WRs on an SRQ's QP; an SMI or GSI
     * QP keeps two send SGEs of max_sq_sg for its header and checksum; then WQEs that fit §5.1's
     * ds (all -EINVAL). All before a QP number is taken, as create_qp_common and mthca_alloc_sqp
     * size the queues first.
     */
    private int checkQueueSizes(QpType type, QpCap c, boolean hasSrq, boolean special) {
        // What mlx4_ib_query_device reports is what these checks allow.
        int maxWr = device.attr().maxQpWr;
        int maxSg = device.attr().maxSendSge;
        // create_qp_common adds a receive SGE to an SMI or GSI QP's before set_rq_size checks them
        // (the SR-IOV tunnel header's, added whatever the mode).
        long recvSge = Integer.toUnsignedLong(c.maxRecvSge()) + (special ? 1 : 0);
        boolean bad = above(c.maxRecvWr(), maxWr) || recvSge > maxSg
                || hasSrq && c.maxRecvWr() != 0
                || above(c.maxSendWr(), maxWr) || above(c.maxSendSge(), maxSg)
                || special && c.maxSendSge() + 2 > maxSqSg
                || !HcaQp.wqesFit(type, c);
        return bad ? Errno.EINVAL.negative() : 0;
    }

    /** The kernel's comparison of a u32 value with a limit. */
    private static boolean above(int u32, int max) {
        return Integer.compareUnsigned(u32, max) > 0;
    }

    /**
     * The transition command for cur→next with the context and optpar the mask asks for. A
     * refusal by the firmware is returned as its errno and changes nothing here.
     */
    @Override
    public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
        // mlx4_ib_modify_qp's -EOPNOTSUPP for bits beyond IB_QP_ATTR_STANDARD_BITS (IB_QP_RATE_LIMIT
        // among them) is made before the transition table, where the model checks that: Qp.modify.
        // _mlx4_ib_modify_qp and __mlx4_ib_modify_qp check the read depths against the device's
        // and that the path MTU is one (256 to 4096); every other value goes into its context
        // field as it comes, the bits beyond the field lost (a timeout of 32 is 0, no timeout).
        if (QpAttrMask.MAX_QP_RD_ATOMIC.isSet(mask)
                && (attr.maxRdAtomic < 0 || attr.maxRdAtomic > device.attr().maxQpInitRdAtom)
                || QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(mask)
                        && (attr.maxDestRdAtomic < 0 || attr.maxDestRdAtomic > device.attr().maxQpRdAtom)
                || QpAttrMask.PATH_MTU.isSet(mask) && Mtu.ofValue(attr.pathMtuValue) == null) {
            return Errno.EINVAL.negative();
        }
        HcaQp hq = (HcaQp) qp.drv();
        CmdOp op = QpModify.command(cur, next);
        if (op == null) {
            return cur == QpState.RESET && next == QpState.RESET ? 0 : Errno.EINVAL.negative();
        }
        int ret;
        if (QpModify.takesMailbox(op)) {
            QpAttr merged = QpModify.merge(qp.attr(), attr, mask);
            // to_mlx4_access_flags: what this modify gives, else what the QP kept, through RESET too.
            int access = QpModify.remoteAccess(
                    QpAttrMask.ACCESS_FLAGS.isSet(mask) ? attr.qpAccessFlags : hq.atomicRdEn,
                    QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(mask) ? attr.maxDestRdAtomic : hq.respDepth);
            ret = cmd.in(op, hq.qpn(), 0, QpModify.mailbox(hq, merged, access, QpModify.optpar(op, mask),
                    QpAttrMask.PATH_MTU.isSet(mask)));
        } else {
            boolean notify = op == CmdOp.RTS2SQD_QP && QpAttrMask.EN_SQD_ASYNC_NOTIFY.isSet(mask)
                    && attr.enSqdAsyncNotify;
            // mlx4 qp.c __mlx4_qp_modify: the request for SQ_DRAINED is bit 31 of the in_modifier.
            ret = cmd.exec(op, hq.qpn() | (notify ? 1 << 31 : 0), 0, 0);
        }
        if (ret != 0) {
            return ret;
        }
        if (QpAttrMask.ACCESS_FLAGS.isSet(mask)) {
            hq.atomicRdEn = attr.qpAccessFlags;
        }
        if (QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(mask)) {
            hq.respDepth = attr.maxDestRdAtomic;
        }
        if (next == QpState.RESET) {
            cleanCqs(hq);
            hq.reset();
        }
        return 0;
    }

    /**
     * mlx4_ib_query_qp: QUERY_QP, and every attribute as the context holds it: a value cut to its
     * field when it went in is reported cut, and the paths and pm_state as a migration left them
     * (HCA.md §5.10). Only connected QPs have paths; the SMI and GSI QPs are read as any other.
     */
    @Override
    public int queryQp(Qp qp, QpAttr out) {
        // The outbox holds the context after its first 8 bytes, as the transition commands' inbox does.
        byte[] ctx = new byte[Hw.CTX + Hw.QpCtx.SIZE];
        // mlx4_ib_query_qp: a QUERY_QP that fails, whatever its status, is -EINVAL.
        if (cmd.out(CmdOp.QUERY_QP, ((HcaQp) qp.drv()).qpn(), ctx) != 0) {
            return Errno.EINVAL.negative();
        }
        int c = Hw.CTX;
        // mlx4_ib_query_qp takes the state from the device: an error completion or a send error
        // moved the QP to ERR or SQE with no event, and the driver learns it here.
        int state = Hw.QpCtx.STATE.getInt(ctx, c);
        QpState hw = state < QpState.values().length ? QpState.ofValue(state) : null;
        if (hw != null && hw != qp.state() && (hw == QpState.ERR || hw == QpState.SQE)) {
            qp.deviceSetState(hw);
        }
        if (hw != null) {
            out.qpState = hw;
            out.curQpState = hw;
        }
        Mtu mtu = Mtu.ofValue(Hw.QpCtx.PATH_MTU.getInt(ctx, c));
        if (mtu != null) {
            out.pathMtu = mtu;
        }
        out.pathMtuValue = Hw.QpCtx.PATH_MTU.getInt(ctx, c);
        out.pathMigState = QpModify.migState(Hw.QpCtx.PM_STATE.getInt(ctx, c));
        // mlx4_ib_query_qp: sq_draining while the device's state is SQ_DRAINING (its SQD not yet drained).
        out.sqDraining = out.qpState == QpState.SQD && Hw.QpCtx.SQ_DRAINING.getInt(ctx, c) != 0;
        out.qkey = Hw.QpCtx.QKEY.getInt(ctx, c);
        out.rqPsn = Hw.QpCtx.RQ_PSN.getInt(ctx, c);
        out.sqPsn = Hw.QpCtx.SQ_PSN.getInt(ctx, c);
        out.destQpNum = Hw.QpCtx.REMOTE_QPN.getInt(ctx, c);
        out.qpAccessFlags = QpModify.accessFlags(ctx, c);
        out.pkeyIndex = Hw.QpCtx.PKEY_INDEX.getInt(ctx, c);
        out.portNum = Hw.QpCtx.PORT.getInt(ctx, c);
        out.minRnrTimer = Hw.QpCtx.MIN_RNR_TIMER.getInt(ctx, c);
        out.timeout = Hw.QpCtx.ACK_TIMEOUT.getInt(ctx, c);
        out.retryCnt = Hw.QpCtx.RETRY_CNT.getInt(ctx, c);
        out.rnrRetry = Hw.QpCtx.RNR_RETRY.getInt(ctx, c);
        out.maxRdAtomic = QpModify.reportedDepth(Hw.QpCtx.MAX_RD_ATOMIC.getInt(ctx, c));
        out.maxDestRdAtomic = QpModify.reportedDepth(Hw.QpCtx.MAX_DEST_RD_ATOMIC.getInt(ctx, c));
        if (qp.type() != QpType.RC && qp.type() != QpType.UC) {
            return 0;
        }
        // mlx4_ib_query_qp decodes both address paths of an RC or UC QP whatever was loaded: one
        // never loaded reads as zeros, on port 1 (to_rdma_ah_attr takes the port from sched_queue).
        out.ahAttr = AddressPath.PRIMARY.read(ctx, c, out.portNum);
        int altPort = Hw.QpCtx.ALT_PORT.getInt(ctx, c);
        out.altPortNum = altPort == 0 ? 1 : altPort;
        out.altPkeyIndex = Hw.QpCtx.ALT_PKEY_INDEX.getInt(ctx, c);
        out.altTimeout = Hw.QpCtx.ALT_ACK_TIMEOUT.getInt(ctx, c);
        out.altAhAttr = AddressPath.ALTERNATE.read(ctx, c, out.altPortNum);
        return 0;
    }

    /** mlx4_ib_cq_clean on both CQs: no completion of a reset or destroyed QP is polled. */
    private void cleanCqs(HcaQp hq) {
        HcaCq send = (HcaCq) hq.ibQp().sendCq().drv();
        HcaCq recv = (HcaCq) hq.ibQp().recvCq().drv();
        // Receive CQEs are only on the receive CQ: only its cleaning frees SRQ WQEs.
        recv.clean(hq.qpn(), hq.srq());
        if (recv != send) {
            send.clean(hq.qpn(), null);
        }
    }

    /**
     * mlx4_ib_lock_cqs (hw/mlx4/qp.c): a QP's two CQ locks, the lower CQ number first with
     * spin_lock_irq, the other nested (one lock when both CQs are one).
     */
    private static void lockCqs(HcaCq send, HcaCq recv) {
        HcaCq first = lowerCqn(send, recv);
        first.lock().lockIrq();
        if (send != recv) {
            (first == send ? recv : send).lock().lockNested(SpinLock.SINGLE_DEPTH_NESTING);
        }
    }

    private static HcaCq lowerCqn(HcaCq a, HcaCq b) {
        return a.cqn() <= b.cqn() ? a : b;
    }

    /** mlx4_ib_unlock_cqs: the nested lock first, then spin_unlock_irq of the first. */
    private static void unlockCqs(HcaCq send, HcaCq recv) {
        HcaCq first = lowerCqn(send, recv);
        if (send != recv) {
            (first == send ? recv : send).lock().unlock();
        }
        first.lock().unlockIrq();
    }

    @Override
    public int destroyQp(Qp qp) {
        HcaQp hq = (HcaQp) qp.drv();
        // destroy_qp_common: a QP the device will not reset is warned about and destroyed anyway.
        if (qp.state() != QpState.RESET) {
            warnIfRefused(cmd.exec(CmdOp.RST_QP, hq.qpn(), 0, 0), "2RST_QP", "QPN", hq.qpn());
        }
        // Off the lists, its CQEs cleaned and out of the QP table under reset_flow_resource_lock
        // and both CQ locks, so that neither the reset flow nor a poll finds it half gone.
        HcaCq send = (HcaCq) qp.sendCq().drv();
        HcaCq recv = (HcaCq) qp.recvCq().drv();
        long flags = resetFlowLock.lockIrqsave();
        lockCqs(send, recv);
        qpList.remove(hq);
        send.sendQps.remove(hq);
        recv.recvQps.remove(hq);
        // Receive CQEs are only on the receive CQ: only its cleaning frees SRQ WQEs.
        recv.cleanLocked(hq.qpn(), hq.srq());
        if (recv != send) {
            send.cleanLocked(hq.qpn(), null);
        }
        // mlx4_qp_remove: spin_lock_irqsave(&qp_table->lock).
        qpTableLock.withIrqsave(() -> {
            qps.remove(hq.qpn());
        });
        unlockCqs(send, recv);
        resetFlowLock.unlockIrqrestore(flags);
        hq.freeBuffers();
        if (qp.type() != QpType.SMI && qp.type() != QpType.GSI) {
            qpBitmap.free(hq.qpn());
        }
        return 0;
    }

    /**
     * mlx4_warn after a tear-down command the device refused: the driver frees its side all the
     * same, and the device keeps the context it would not give back (mlx4_cq_free, mlx4_srq_free,
     * destroy_qp_common, mthca_free_mr).
     */
    private void warnIfRefused(int ret, String command, String what, int number) {
        if (ret != 0) {
            kernel.printk(String.format("%s: %s failed (%d) for %s %06x", pci.slot(), command, ret, what, number));
        }
    }

    // mlx4_ib_post_send, _post_recv, _post_srq_recv: nothing is posted to a device in error.
    @Override
    public PostResult postSend(Qp qp, List<SendWr> wrs) {
        return cmd.internalError() ? PostResult.fail(Errno.EIO.negative(), 0) : ((HcaQp) qp.drv()).postSend(wrs);
    }

    @Override
    public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
        return cmd.internalError() ? PostResult.fail(Errno.EIO.negative(), 0) : ((HcaQp) qp.drv()).postRecv(wrs);
    }

    // ---- SRQ ------------------------------------------------------------------------------

    @Override
    public int createSrq(Srq srq, SrqAttr attr) {
        // mlx4_ib_create_srq (hw/mlx4/srq.c): max_wr below caps.max_srq_wqes, one above the
        // max_srq_wr reported, and max_sge at most caps.max_srq_sge, as u32s (-EINVAL).
        if (above(attr.maxWr, device.attr().maxSrqWr) || above(attr.maxSge, device.attr().maxSrqSge)) {
            return Errno.EINVAL.negative();
        }
        int srqn = srqBitmap.alloc();
        if (srqn < 0) {
            return Errno.ENOMEM.negative();
        }
        HcaSrq hs = new HcaSrq(kernel, pci, srq, srqn);
        int ret = cmd.in(CmdOp.SW2HW_SRQ, srqn, 0, hs.mailbox(pdn(srq.pd())));
        if (ret != 0) {
            hs.freeBuffers();
            srqBitmap.free(srqn);
            return ret;
        }
        srq.drv(hs);
        // mlx4_srq_alloc: spin_lock_irq(&srq_table->lock).
        srqTableLock.withIrq(() -> {
            srqs.put(srqn, hs);
        });
        // mlx4_ib_create_srq writes back what the ring holds.
        attr.maxWr = hs.capacity();
        return 0;
    }

    /**
     * mlx4_ib_modify_srq (hw/mlx4/srq.c): resizing is not supported and a limit the ring's WQEs
     * do not exceed (as a u32) is refused (-EINVAL); the limit arms through ARM_SRQ.
     */
    @Override
    public int modifySrq(Srq srq, SrqAttr attr, int mask) {
        if ((mask & SrqAttr.MAX_WR) != 0) {
            return Errno.EINVAL.negative();
        }
        if ((mask & SrqAttr.LIMIT) != 0 && above(attr.srqLimit, ((HcaSrq) srq.drv()).capacity())) {
            return Errno.EINVAL.negative();
        }
        if ((mask & SrqAttr.LIMIT) != 0) {
            return cmd.exec(CmdOp.ARM_SRQ, ((HcaSrq) srq.drv()).srqn(), attr.srqLimit, 0);
        }
        return 0;
    }

    /**
     * mlx4_ib_query_srq (hw/mlx4/srq.c): the limit as the device holds it, read back with
     * QUERY_SRQ (mlx4_srq_query's limit_watermark), so 0 once the device fired SRQ_LIMIT; max_wr
     * the ring's WQEs less the one kept free (msrq.max - 1) and max_sge as created (msrq.max_gs).
     */
    @Override
    public int querySrq(Srq srq, SrqAttr out) {
        HcaSrq hs = (HcaSrq) srq.drv();
        byte[] ctx = new byte[Hw.CTX + Hw.SrqCtx.SIZE];
        int ret = cmd.out(CmdOp.QUERY_SRQ, hs.srqn(), ctx);
        if (ret != 0) {
            return ret;
        }
        out.srqLimit = Hw.SrqCtx.LIMIT.getInt(ctx, Hw.CTX);
        out.maxWr = hs.capacity();
        out.maxSge = srq.maxSge();
        return 0;
    }

    /** mlx4_srq_free: a refused HW2SW_SRQ is warned about and the SRQ freed anyway. */
    @Override
    public int destroySrq(Srq srq) {
        HcaSrq hs = (HcaSrq) srq.drv();
        warnIfRefused(cmd.exec(CmdOp.HW2SW_SRQ, hs.srqn(), 0, 0), "HW2SW_SRQ", "SRQN", hs.srqn());
        srqTableLock.withIrq(() -> {
            srqs.remove(hs.srqn());
        });
        hs.freeBuffers();
        srqBitmap.free(hs.srqn());
        return 0;
    }

    @Override
    public PostResult postSrqRecv(Srq srq, List<RecvWr> wrs) {
        return cmd.internalError() ? PostResult.fail(Errno.EIO.negative(), 0) : ((HcaSrq) srq.drv()).post(wrs);
    }

    // ---- catastrophic errors (HCA.md §2.1) ------------------------------------------------

    /**
     * mlx4's poll_catas, a timer every 5 s: a non-zero catastrophic error buffer sends the
     * driver into its error state, from a work item; otherwise the timer is armed again.
     */
    private void pollCatas() {
        int cause = pci.readl(PciFunction.BAR0, Hw.Catas.CAUSE.offset());
        if (cause != 0) {
            // dump_err_buf: the buffer, word by word (here one word).
            kernel.printk(pci.slot() + ": Internal error detected:");
            kernel.printk(String.format("%s:   buf[00]: %08x", pci.slot(), cause));
            wq.queueWork(catasWork);
            return;
        }
        catasTimer.mod(CATAS_POLL_NS);
    }

    /**
     * mlx4_enter_error_state: no command reaches the device any more; the device is reset
     * (mlx4_reset_master) and, a second later, the driver reports the error and restarts
     * ({@link #restart}). With {@link #catasResetDisable} it reports the error at once and stays.
     */
    private void enterErrorState() {
        if (fatalReported) {
            return;
        }
        if (cmd.deferReset(() -> wq.queueWork(catasWork))) {
            return;
        }
        fatalReported = true;
        cmd.enterInternalError();
        // mlx4_cmd_wake_completions: a command waiting for its CMD EQE gets INTERNAL_ERR.
        cmd.wakeCompletions();
        catasCause = pci.readl(PciFunction.BAR0, Hw.Catas.CAUSE.offset());
        if (catasResetDisable) {
            reportFatal();
            return;
        }
        kernel.printk(pci.slot() + ": device is going to be reset");
        pci.writel(PciFunction.BAR0, Hw.Reset.SW_RESET.offset(), Hw.Reset.SW_RESET.insert(0, 1));
        resetTimer.mod(RESET_WAIT_NS);
    }

    /**
     * mlx4_restart_one after mlx4_enter_error_state reported the error: the driver tears this
     * device down (mlx4_unload_one; the module stays loaded): ib_core's clients are removed, so
     * uverbs disassociates its open files and every object is destroyed, the commands answered
     * from the error state; then it probes the reset device again, registering a new ib_device
     * under the same name.
     */
    private void restart() {
        unload();
        restarts++;
        // mlx4 logs a failed load and leaves the device down; device() stays null.
        restartError = probe();
    }

    /**
     * mlx4_ib_event on MLX4_DEV_EVENT_CATASTROPHIC_ERROR (drivers/infiniband/hw/mlx4/main.c):
     * mlx4_ib_handle_catas_error first calls the completion handler of every CQ with work
     * outstanding on one of its QPs, so that its consumer polls the flushed completions; then
     * ib_core hears IB_EVENT_DEVICE_FATAL.
     */
    /**
     * One queue of mlx4_ib_handle_catas_error's walk: under the queue's lock, then its CQ's, a
     * CQ with work outstanding on it and a handler joins {@code notify} unless it was added
     * before. Only a CQ with a comp_handler: one made without (polled only) is passed over, as
     * mlx4 tests ibqp.send_cq->comp_handler.
     */
    private static void noteOutstanding(WorkQueue q, Cq ibCq, List<HcaCq> notify) {
        if (q == null) {
            return;
        }
        long qFlags = q.lock.lockIrqsave();
        try {
            if (q.outstanding() > 0) {
                HcaCq cq = (HcaCq) ibCq.drv();
                long cqFlags = cq.lock().lockIrqsave();
                if (ibCq.hasCompHandler() && !cq.resetNotifyAdded) {
                    cq.resetNotifyAdded = true;
                    notify.add(cq);
                }
                cq.lock().unlockIrqrestore(cqFlags);
            }
        } finally {
            q.lock.unlockIrqrestore(qFlags);
        }
    }

    private void reportFatal() {
        if (device == null) {
            return;
        }
        kernel.printk("<mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error was started");
        // Under reset_flow_resource_lock, each QP's queue lock then its CQ's lock: a CQ with work
        // outstanding on a queue (an SRQ's receives excepted) and a handler goes on the list
        // once, marked reset_notify_added; then each listed CQ's comp runs, the lock still held
        // (a user CQ's goes on its EQ's tasklet).
        List<HcaCq> notify = new ArrayList<>();
        long flags = resetFlowLock.lockIrqsave();
        try {
            for (HcaQp hq : qpList) {
                noteOutstanding(hq.sq(), hq.ibQp().sendCq(), notify);
                if (hq.srq() == null) {
                    noteOutstanding(hq.rq(), hq.ibQp().recvCq(), notify);
                }
            }
            for (HcaCq cq : notify) {
                cq.comp();
            }
        } finally {
            resetFlowLock.unlockIrqrestore(flags);
        }
        kernel.printk("<mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error ended");
        // mlx4_ib_event: the device takes no new user context any more (mlx4_ib_alloc_ucontext).
        ibActive = false;
        device.dispatchEvent(IbEvent.device(device, IbEventType.DEVICE_FATAL));
    }

    /** mlx4_ib_alloc_ucontext: -EAGAIN once a catastrophic error was reported (ib_active false). */
    @Override
    public int allocUcontext() {
        return ibActive ? 0 : Errno.EAGAIN.negative();
    }

    /**
     * Tells {@code o} what the command interface does in event mode and in the error state
     * (specs/src/main/tla/HcaCommands.tla's driver actions); null, the default: nobody.
     */
    public void cmdObserver(CmdObserver o) {
        cmd.observer(o);
    }

    /** Mutation tests only: the command interface decides as {@code p} does. */
    void cmdPolicy(CmdPolicy p) {
        cmd.policy(p);
    }

    /** mthca's catas_reset_disable: stay in the error state instead of resetting the device. */
    public void catasResetDisable(boolean disable) {
        catasResetDisable = disable;
    }

    /** What the last restart's probe returned: 0, or the negative errno it failed with. */
    public int restartError() {
        return restartError;
    }

    /** Restarts after a catastrophic error so far (mlx4_restart_one). */
    public int restarts() {
        return restarts;
    }

    /** Whether the device had a catastrophic error (mlx4's MLX4_DEVICE_STATE_INTERNAL_ERROR). */
    public boolean internalError() {
        return cmd.internalError();
    }

    /** The catastrophic error buffer's catas_cause as read when the error was found; 0 before. */
    public int catasCause() {
        return catasCause;
    }
}
