// drivers/infiniband/core/mad.c: ib_mad_port_open, ib_mad_port_start, ib_mad_port_close,
// ib_mad_post_receive_mads, ib_mad_recv_done, handle_ib_smi, ib_send_mad, ib_mad_send_done
package org.ibmodel.core.mad;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Result;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.kernel.Workqueue;
import org.ibmodel.traces.Tracepoint;

/**
 * The MAD layer on one port: a PD, one CQ polled on the unbound workqueue, the SMI and GSI QPs
 * with receive buffers always posted, and the agent that answers. Every MAD received is checked,
 * offered to the device's process_mad, and answered from here when the device has an answer or,
 * for a Get or Set nobody takes, with an unsupported method/attribute status.
 */
public final class MadPort {
    /** IB_QP1_QKEY and IB_QP_SET_QKEY (include/rdma/ib_mad.h, ib_verbs.h). */
    static final int QP1_QKEY = 0x8001_0000;
    static final int QP_SET_QKEY = 0x8000_0000;
    /** IB_DEFAULT_PKEY_FULL: the P_Key the SMI and GSI QPs are made with, if the table has it. */
    static final int DEFAULT_PKEY_FULL = 0xffff;
    /** IB_MAD_SEND_REQ_MAX_SG and IB_MAD_RECV_REQ_MAX_SG. */
    static final int SEND_MAX_SG = 2;
    static final int RECV_MAX_SG = 1;
    /** IB_MAD_SEND_Q_PSN. */
    static final int SEND_Q_PSN = 0;
    /** A receive buffer: the GRH, then the MAD (mad_priv_dma_size). */
    static final int RECV_BUF = Mad.GRH + Mad.SIZE;

    /** struct ib_mad_qp_info: one special QP, its posted receives and its send queue. */
    static final class QpInfo {
        private Qp qp;
        /** Receive buffers posted, in order (recv_queue.list). */
        private final ArrayDeque<Long> recvList = new ArrayDeque<>();
        private int recvCount;
        private final int recvMaxActive;
        private final SpinLock recvLock;
        /** Sends on the QP (send_queue.list), and those waiting for room (overflow_list). */
        private final ArrayDeque<MadSendBuf> sendList = new ArrayDeque<>();
        private final ArrayDeque<MadSendBuf> overflowList = new ArrayDeque<>();
        /** Both lists: the kernel counts a send queued on the overflow list as on the queue. */
        private int sendCount;
        private final int sendMaxActive;
        private final SpinLock sendLock;

        QpInfo(MadPort port, int sendMaxActive, int recvMaxActive) {
            this.sendMaxActive = sendMaxActive;
            this.recvMaxActive = recvMaxActive;
            this.recvLock = new SpinLock(port.device.kernel(), "mad_queue->lock");
            this.sendLock = new SpinLock(port.device.kernel(), "mad_queue->lock");
        }

        Qp qp() {
            return qp;
        }

        int recvPosted() {
            return recvLock.withIrqsave(() -> recvCount);
        }
    }

    /**
     * MAX_MGMT_VERSION and MAX_MGMT_CLASS (mad_priv.h; class versions reach 0x82, OPA's SM class
     * version being 0x80); MAX_MGMT_OUI OUIs per vendor class; the vendor classes that carry one.
     */
    static final int MAX_MGMT_VERSION = 0x83;
    static final int MAX_MGMT_CLASS = 80;
    static final int MAX_MGMT_OUI = 8;
    static final int VENDOR_RANGE2_START = 0x30;
    static final int VENDOR_RANGE2_END = 0x4f;

    private final MadLayer layer;
    private final IbDevice device;
    private final int portNum;
    /**
     * The agents that take requests, by class version, class (DR aliased to 0) and, in the vendor
     * range, OUI: each a table by method (port_priv->version[].class and .vendor).
     */
    private final Map<Long, MadAgent[]> methodTables = new HashMap<>();
    private final SpinLock regLock;
    private final QpInfo[] qpInfo = new QpInfo[2];
    private Pd pd;
    private Cq cq;
    private Workqueue wq;
    /** On ib_mad_port_list: completions that find the port closed are ignored. */
    private boolean listed;
    private Agent agent;

    private MadPort(MadLayer layer, IbDevice device, int portNum, int sendQueueSize, int recvQueueSize) {
        this.layer = layer;
        this.device = device;
        this.regLock = new SpinLock(device.kernel(), "port_priv->reg_lock");
        this.portNum = portNum;
        qpInfo[0] = new QpInfo(this, sendQueueSize, recvQueueSize);
        qpInfo[1] = new QpInfo(this, sendQueueSize, recvQueueSize);
    }

    public IbDevice device() {
        return device;
    }

    public int portNum() {
        return portNum;
    }

    Workqueue wq() {
        return wq;
    }

    /** The port's responder agent on QP {@code qpn} (0 or 1). */
    public MadAgent responder(int qpn) {
        return agent.agent(qpn);
    }

    /** The special QP {@code qpn} (0 or 1). */
    public Qp qp(int qpn) {
        return qpInfo[qpn].qp;
    }

    /** Receive buffers posted on QP {@code qpn}. */
    public int recvPosted(int qpn) {
        return qpInfo[qpn].recvPosted();
    }

    void devErr(String msg) {
        device.kernel().printk(device.name() + ": " + msg);
    }

    /**
     * ib_mad_port_open, then ib_agent_port_open: the port's MAD resources made and started, or
     * the errno of the step that failed with everything before it undone.
     */
    static Result<MadPort> open(MadLayer layer, IbDevice device, int portNum, int sendQueueSize,
            int recvQueueSize) {
        MadPort p = new MadPort(layer, device, portNum, sendQueueSize, recvQueueSize);
        // Both QPs' sends and receives, the SMI's too: an InfiniBand port always has one.
        int cqSize = (sendQueueSize + recvQueueSize) * 2;
        Result<Pd> pd = Pd.alloc(device);
        if (pd.isErr()) {
            p.devErr("Couldn't create ib_mad PD");
            return Result.err(pd.err());
        }
        p.pd = pd.get();
        Result<Cq> cq = Cq.alloc(device, cqSize, 0, PollContext.UNBOUND_WORKQUEUE);
        if (cq.isErr()) {
            p.devErr("Couldn't create ib_mad CQ");
            p.pd.dealloc();
            return Result.err(cq.err());
        }
        p.cq = cq.get();
        int ret = p.createMadQp(p.qpInfo[0], QpType.SMI);
        if (ret == 0) {
            ret = p.createMadQp(p.qpInfo[1], QpType.GSI);
            if (ret != 0) {
                p.qpInfo[0].qp.destroy();
            }
        }
        if (ret != 0) {
            p.cq.freeCq();
            p.pd.dealloc();
            return Result.err(ret);
        }
        p.wq = device.kernel().allocOrderedWorkqueue("ib_mad" + portNum);
        p.listed = true;
        ret = p.start();
        if (ret != 0) {
            p.devErr("Couldn't start port");
            p.listed = false;
            p.destroyResources();
            return Result.err(ret);
        }
        Result<Agent> agent = Agent.open(p);
        if (agent.isErr()) {
            // ib_mad_init_device: the port is closed again.
            p.devErr("Couldn't open port " + portNum + " for agents");
            p.listed = false;
            p.destroyResources();
            return Result.err(agent.err());
        }
        p.agent = agent.get();
        return Result.of(p);
    }

    /** create_mad_qp: every WR signalled, both QPs on the one CQ. */
    private int createMadQp(QpInfo info, QpType type) {
        QpInitAttr init = QpInitAttr.of(type, cq, cq,
                new QpCap(info.sendMaxActive, info.recvMaxActive, SEND_MAX_SG, RECV_MAX_SG, 0));
        init.sqSigType = SigType.ALL_WR;
        init.portNum = portNum;
        init.qpContext = info;
        init.eventHandler = event -> devErr("Fatal error (" + event.event().kernelName() + ") on MAD QP ("
                + info.qp.qpNum() + ")");
        Result<Qp> qp = Qp.create(pd, init);
        if (qp.isErr()) {
            devErr("Couldn't create ib_mad QP" + (type == QpType.SMI ? 0 : 1));
            return qp.err();
        }
        info.qp = qp.get();
        return 0;
    }

    /**
     * ib_mad_port_start: each QP to RTS with the full default P_Key's index (0 if the table has
     * none) and its Q_Key (0 on QP0, the GSI's on QP1), the CQ armed, every receive posted.
     */
    private int start() {
        int pkeyIndex = device.port(portNum).findPkey(DEFAULT_PKEY_FULL);
        if (pkeyIndex < 0) {
            pkeyIndex = 0;
        }
        for (QpInfo info : qpInfo) {
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.pkeyIndex = pkeyIndex;
            a.qkey = info.qp.qpNum() == 0 ? 0 : QP1_QKEY;
            int ret = info.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY));
            if (ret == 0) {
                ret = info.qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit());
            }
            if (ret == 0) {
                QpAttr rts = new QpAttr().state(QpState.RTS);
                rts.sqPsn = SEND_Q_PSN;
                ret = info.qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN));
            }
            if (ret != 0) {
                devErr("Couldn't change QP" + info.qp.qpNum() + " state: " + ret);
                return ret;
            }
        }
        int ret = cq.reqNotify(CqNotifyFlags.NEXT_COMP);
        if (ret != 0) {
            devErr("Failed to request completion notification: " + ret);
            return ret;
        }
        for (QpInfo info : qpInfo) {
            ret = postReceiveMads(info, 0);
            if (ret != 0) {
                devErr("Couldn't post receive WRs");
                return ret;
            }
        }
        return 0;
    }

    /** ib_agent_port_close, then ib_mad_port_close. */
    void close() {
        agent.close();
        listed = false;
        destroyResources();
    }

    private void destroyResources() {
        wq.flush();
        qpInfo[1].qp.destroy();
        qpInfo[0].qp.destroy();
        cq.freeCq();
        pd.dealloc();
        cleanupRecvQueue(qpInfo[1]);
        cleanupRecvQueue(qpInfo[0]);
    }

    /**
     * ib_register_mad_agent's checks of a request for QP {@code qpn} (0 the SMI, 1 the GSI),
     * made before it looks for the port: a class version below MAX_MGMT_VERSION, a receive
     * handler, a class below 0x50 (DR aside) but not 0, an OUI for a vendor-range class, a class
     * the QP carries; with no request, a send handler.
     */
    static boolean validRegistration(int qpn, MadRegReq reg, MadAgent.SendHandler sendHandler,
            MadAgent.RecvHandler recvHandler) {
        if (reg == null) {
            return sendHandler != null;
        }
        int c = reg.mgmtClass();
        boolean smp = c == Mad.CLASS_SUBN_LID_ROUTED || c == Mad.CLASS_SUBN_DIRECTED_ROUTE;
        return reg.classVersion() >= 0 && reg.classVersion() < MAX_MGMT_VERSION && recvHandler != null
                && (c < MAX_MGMT_CLASS || c == Mad.CLASS_SUBN_DIRECTED_ROUTE) && c > 0
                && !(isVendorClass(c) && reg.oui() == 0) && smp == (qpn == 0)
                && reg.methods().length() <= MadRegReq.MAX_METHODS;
    }

    /**
     * The rest of ib_register_mad_agent on this port: a hi_tid, then the methods claimed, -EINVAL
     * if another agent has one of them, -ENOMEM for a ninth OUI of a vendor class.
     */
    Result<MadAgent> registerAgent(int qpn, MadRegReq reg, MadAgent.SendHandler sendHandler,
            MadAgent.RecvHandler recvHandler) {
        int hiTid = layer.allocHiTid();
        if (hiTid < 0) {
            return Result.err(hiTid);
        }
        MadAgent agent = new MadAgent(this, qpInfo[qpn], reg, sendHandler, recvHandler, hiTid);
        if (reg != null) {
            long flags = regLock.lockIrqsave();
            long key = regKey(reg.classVersion(), reg.mgmtClass(), reg.oui());
            int err = 0;
            if (isVendorClass(reg.mgmtClass()) && !methodTables.containsKey(key)
                    && ouisOf(reg.classVersion(), reg.mgmtClass()) >= MAX_MGMT_OUI) {
                devErr("All OUI slots in use");
                err = Errno.ENOMEM.negative();
            } else {
                MadAgent[] table = methodTables.computeIfAbsent(key, k -> new MadAgent[MadRegReq.MAX_METHODS]);
                if (reg.methods().stream().anyMatch(m -> table[m] != null)) {
                    err = Errno.EINVAL.negative();
                } else {
                    reg.methods().stream().forEach(m -> table[m] = agent);
                }
            }
            regLock.unlockIrqrestore(flags);
            if (err != 0) {
                return Result.err(err);
            }
        }
        layer.add(hiTid, agent);
        MadTrace.agent(Tracepoint.IB_MAD_CREATE_AGENT, agent);
        return Result.of(agent);
    }

    /** remove_mad_reg_req and the TID's release, for unregister_mad_agent. */
    void unregisterAgent(MadAgent agent) {
        MadRegReq reg = agent.regReq();
        if (reg != null) {
            long flags = regLock.lockIrqsave();
            long key = regKey(reg.classVersion(), reg.mgmtClass(), reg.oui());
            MadAgent[] table = methodTables.get(key);
            for (int m = 0; m < table.length; m++) {
                if (table[m] == agent) {
                    table[m] = null;
                }
            }
            if (java.util.Arrays.stream(table).allMatch(a -> a == null)) {
                methodTables.remove(key);
            }
            regLock.unlockIrqrestore(flags);
        }
        layer.remove(agent.hiTid());
    }

    /** How many OUIs of vendor class {@code mgmtClass} have a method table here. */
    private int ouisOf(int classVersion, int mgmtClass) {
        long prefix = regKey(classVersion, mgmtClass, 0);
        return (int) methodTables.keySet().stream().filter(k -> (k & ~0xffffffL) == prefix).count();
    }

    private static boolean isVendorClass(int mgmtClass) {
        return mgmtClass >= VENDOR_RANGE2_START && mgmtClass <= VENDOR_RANGE2_END;
    }

    /** convert_mgmt_class aliases DR to 0; only the vendor range is told apart by OUI. */
    private static long regKey(int classVersion, int mgmtClass, int oui) {
        int c = mgmtClass == Mad.CLASS_SUBN_DIRECTED_ROUTE ? 0 : mgmtClass;
        return (long) classVersion << 40 | (long) c << 32 | (isVendorClass(mgmtClass) ? oui & 0xffffff : 0);
    }

    /**
     * find_mad_agent: a response goes by the high 32 bits of its TID, to whichever agent holds
     * them; a request by class version, class, method (and OUI); an agent with no receive handler
     * takes nothing.
     */
    MadAgent findMadAgent(byte[] mad) {
        MadAgent agent;
        if (Mad.isResponse(mad)) {
            agent = layer.agentByHiTid((int) (Mad.tid(mad) >>> 32));
        } else {
            int version = Mad.classVersion(mad);
            if (version >= MAX_MGMT_VERSION) {
                return null;
            }
            int oui = (mad[Mad.OUI] & 0xff) << 16 | (mad[Mad.OUI + 1] & 0xff) << 8 | mad[Mad.OUI + 2] & 0xff;
            long flags = regLock.lockIrqsave();
            MadAgent[] table = methodTables.get(regKey(version, Mad.mgmtClass(mad), oui));
            agent = table == null ? null : table[Mad.method(mad) & ~Mad.METHOD_RESP];
            regLock.unlockIrqrestore(flags);
        }
        if (agent == null || !agent.ref()) {
            return null;
        }
        if (!agent.hasRecvHandler()) {
            devErr("No receive handler for client on port " + portNum);
            agent.deref();
            return null;
        }
        return agent;
    }

    /**
     * ib_mad_post_receive_mads: post {@code buf} (0: a new buffer), then new ones until the queue
     * holds its maximum; 0 or the first post's errno, whose buffer is freed.
     */
    private int postReceiveMads(QpInfo info, long buf) {
        boolean post;
        do {
            long addr = buf != 0 ? buf : device.memory().alloc(RECV_BUF);
            buf = 0;
            long flags = info.recvLock.lockIrqsave();
            post = ++info.recvCount < info.recvMaxActive;
            info.recvList.add(addr);
            info.recvLock.unlockIrqrestore(flags);
            RecvWr wr = new RecvWr(0, (c, wc) -> recvDone(info, addr, wc),
                    List.of(new Sge(addr, RECV_BUF, pd.localDmaLkey())));
            PostResult pr = info.qp.postRecv(wr);
            if (!pr.ok()) {
                flags = info.recvLock.lockIrqsave();
                info.recvList.remove(addr);
                info.recvCount--;
                info.recvLock.unlockIrqrestore(flags);
                device.memory().free(addr);
                devErr("ib_post_recv failed: " + pr.ret());
                return pr.ret();
            }
        } while (post);
        return 0;
    }

    /** cleanup_recv_queue: the buffers still posted when the QP is gone. */
    private void cleanupRecvQueue(QpInfo info) {
        for (long addr : info.recvList) {
            device.memory().free(addr);
        }
        info.recvList.clear();
        info.recvCount = 0;
    }

    /**
     * ib_mad_recv_done: a MAD in the buffer at {@code buf}. A receive error means the QP went to
     * the error state, and closing the port cleans up; otherwise the buffer goes back on the queue
     * whatever became of its MAD.
     */
    private void recvDone(QpInfo info, long buf, Wc wc) {
        if (!listed || wc.status != WcStatus.SUCCESS) {
            return;
        }
        long flags = info.recvLock.lockIrqsave();
        info.recvList.remove(buf);
        info.recvCount--;
        info.recvLock.unlockIrqrestore(flags);
        byte[] grh = device.memory().read(buf, Mad.GRH);
        byte[] recv = device.memory().read(buf + Mad.GRH, Mad.SIZE);
        if (validate(recv, info.qp.qpNum())) {
            MadTrace.recvDone(device, portNum, info.qp.qpNum(), wc, recv);
            handle(info, wc, grh, recv);
        }
        postReceiveMads(info, buf);
    }

    private void handle(QpInfo info, Wc wc, byte[] grh, byte[] recv) {
        int qpn = info.qp.qpNum();
        if (Mad.mgmtClass(recv) == Mad.CLASS_SUBN_DIRECTED_ROUTE && handleIbSmi(recv) == Smi.Action.DISCARD) {
            return;
        }
        // The driver's right of first refusal.
        byte[] response = new byte[Mad.SIZE];
        int ret = device.ops().hasProcessMad() ? device.processMad(0, portNum, wc, recv, response)
                : MadResult.SUCCESS;
        if ((ret & MadResult.SUCCESS) != 0) {
            if ((ret & MadResult.CONSUMED) != 0) {
                return;
            }
            if ((ret & MadResult.REPLY) != 0) {
                agent.sendResponse(response, grh, wc, portNum, qpn);
                return;
            }
        }
        MadAgent to = findMadAgent(recv);
        if (to != null) {
            MadTrace.agent(Tracepoint.IB_MAD_RECV_DONE_AGENT, to);
            to.completeRecv(new MadRecvWc(wc.copy(), grh, recv));
            to.deref();
        } else if ((ret & MadResult.SUCCESS) != 0 && generateUnmatchedResp(recv, response)) {
            agent.sendResponse(response, grh, wc, portNum, qpn);
        }
    }

    /**
     * validate_mad: base version 1; SMPs only on QP0 and nothing else there; a CM MAD other than
     * ClassPortInfo only with the Send method.
     */
    static boolean validate(byte[] mad, int qpn) {
        if (Mad.baseVersion(mad) != Mad.BASE_VERSION_IB) {
            return false;
        }
        int mgmtClass = Mad.mgmtClass(mad);
        if (mgmtClass == Mad.CLASS_SUBN_LID_ROUTED || mgmtClass == Mad.CLASS_SUBN_DIRECTED_ROUTE) {
            return qpn == 0;
        }
        if (mgmtClass == Mad.CLASS_CM && Mad.attrId(mad) != Mad.ATTR_CLASS_PORT_INFO
                && Mad.method(mad) != Mad.METHOD_SEND) {
            return false;
        }
        return qpn != 0;
    }

    /**
     * handle_ib_smi on a channel adapter: the receive rules, then, for an SMP to be sent on rather
     * than handled where it is, the send rules and the check that it ends at this node's SMA.
     */
    private Smi.Action handleIbSmi(byte[] smp) {
        MadTrace.smp(Tracepoint.IB_MAD_HANDLE_IB_SMI, device, smp);
        if (Smi.handleDrSmpRecv(smp, false, portNum, device.numPorts()) == Smi.Action.DISCARD) {
            return Smi.Action.DISCARD;
        }
        if (Smi.checkForwardDrSmp(smp) == Smi.Forward.SEND) {
            if (Smi.handleDrSmpSend(smp, false, portNum) == Smi.Action.DISCARD) {
                return Smi.Action.DISCARD;
            }
            return Smi.checkLocalSmp(smp, device.ops().hasProcessMad());
        }
        // LOCAL; FORWARD would be a switch's to relay, and the receive rules kept it from a CA.
        return Smi.Action.HANDLE;
    }

    /**
     * generate_unmatched_resp: a Get or Set nobody took is answered GetResp with status
     * unsupported method/attribute (and the D bit on a directed-route SMP); anything else is not.
     */
    static boolean generateUnmatchedResp(byte[] recv, byte[] response) {
        int method = Mad.method(recv);
        if (method != Mad.METHOD_GET && method != Mad.METHOD_SET) {
            return false;
        }
        System.arraycopy(recv, 0, response, 0, Mad.SIZE);
        Mad.method(response, Mad.METHOD_GET_RESP);
        int status = Mad.STATUS_UNSUPPORTED_METHOD_ATTRIB;
        if (Mad.mgmtClass(recv) == Mad.CLASS_SUBN_DIRECTED_ROUTE) {
            status |= Mad.SMP_DIRECTION;
        }
        Mad.status(response, status);
        return true;
    }

    /**
     * ib_send_mad: map the MAD as a header and a data SGE and post it, or queue it on the
     * overflow list while the send queue is full; 0 or the post's errno.
     */
    int sendMad(QpInfo info, MadSendBuf sb) {
        device.memory().write(sb.addr, sb.mad);
        int lkey = pd.localDmaLkey();
        sb.wr = SendWr.send(0, new Sge(sb.addr, sb.hdrLen, lkey), new Sge(sb.addr + sb.hdrLen, Mad.SIZE - sb.hdrLen,
                lkey)).wrCqe((c, wc) -> sendDone(info, sb, wc)).sendFlags(SendFlags.SIGNALED).ah(sb.ah)
                .remoteQpn(sb.remoteQpn).remoteQkey(QP_SET_QKEY).pkeyIndex(sb.pkeyIndex);
        long flags = info.sendLock.lockIrqsave();
        int ret = 0;
        ArrayDeque<MadSendBuf> list;
        if (info.sendCount < info.sendMaxActive) {
            MadTrace.send(Tracepoint.IB_MAD_IB_SEND_MAD, sb);
            PostResult pr = info.qp.postSend(sb.wr);
            ret = pr.ok() ? 0 : pr.ret();
            list = info.sendList;
        } else {
            list = info.overflowList;
        }
        if (ret == 0) {
            info.sendCount++;
            list.add(sb);
        }
        info.sendLock.unlockIrqrestore(flags);
        return ret;
    }

    /**
     * ib_mad_send_done: the send leaves the queue, the first one waiting takes its place, and the
     * agent is told; a queued send that cannot be posted completes with LOC_QP_OP_ERR.
     */
    private void sendDone(QpInfo info, MadSendBuf sb, Wc wc) {
        if (!listed) {
            return;
        }
        if (wc.status != WcStatus.SUCCESS && !sendError(info, sb, wc.status)) {
            return;
        }
        MadTrace.agent(Tracepoint.IB_MAD_SEND_DONE_AGENT, sb.agent);
        MadTrace.sendDone(sb, wc);
        WcStatus status = wc.status;
        while (sb != null) {
            MadSendBuf queued = null;
            long flags = info.sendLock.lockIrqsave();
            info.sendList.remove(sb);
            if (info.sendCount-- > info.sendMaxActive) {
                queued = info.overflowList.poll();
                info.sendList.add(queued);
            }
            info.sendLock.unlockIrqrestore(flags);
            sb.agent.completeSendWr(sb, status);
            sb = null;
            if (queued != null) {
                MadTrace.send(Tracepoint.IB_MAD_SEND_DONE_RESEND, queued);
                PostResult pr = info.qp.postSend(queued.wr);
                if (!pr.ok()) {
                    devErr("ib_post_send failed: " + pr.ret());
                    sb = queued;
                    status = WcStatus.LOC_QP_OP_ERR;
                }
            }
        }
    }

    /**
     * ib_mad_send_error: a flushed send marked for retry is posted again (and not completed);
     * any other error took the QP to SQE, so it goes back to RTS, the sends still on the queue
     * are marked for retry, and this one fails.
     */
    private boolean sendError(QpInfo info, MadSendBuf sb, WcStatus status) {
        if (status == WcStatus.WR_FLUSH_ERR) {
            if (sb.retry) {
                sb.retry = false;
                MadTrace.send(Tracepoint.IB_MAD_ERROR_HANDLER, sb);
                if (info.qp.postSend(sb.wr).ok()) {
                    return false;
                }
            }
            return true;
        }
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.curQpState = QpState.SQE;
        int ret = info.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.CUR_STATE));
        if (ret != 0) {
            devErr("ib_mad_send_error - ib_modify_qp to RTS: " + ret);
        } else {
            info.sendLock.withIrqsave(() -> info.sendList.forEach(s -> s.retry = true));
        }
        return true;
    }
}
