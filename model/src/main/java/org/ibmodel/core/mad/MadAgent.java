// drivers/infiniband/core/mad.c: ib_register_mad_agent (send-only), ib_create_send_mad,
// ib_post_send_mad, handle_outgoing_dr_smp, local_completions, ib_mad_complete_send_wr
package org.ibmodel.core.mad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.Result;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.kernel.Completion;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.kernel.Work;

/**
 * A MAD agent on one port's SMI or GSI QP that sends and is told when each send is done. It
 * registers no class, so no received MAD is routed to it (find_mad_agent skips an agent without
 * a receive handler), which is what agent.c's responders are.
 */
public final class MadAgent {
    private final MadPort port;
    private final MadPort.QpInfo qpInfo;
    private final BiConsumer<MadSendBuf, WcStatus> sendHandler;
    private final SpinLock lock;
    /** Sends posted and not yet completed (the agent's send_list). */
    private final List<MadSendBuf> sendList = new ArrayList<>();
    /** Directed-route SMPs handled on this node, waiting for their send completion. */
    private final ArrayDeque<MadSendBuf> localList = new ArrayDeque<>();
    private final Work localWork;
    /** The agent's own reference and one per send buffer it made and has not freed. */
    private int refcount = 1;
    private final Completion comp;
    private boolean unregistered;

    MadAgent(MadPort port, MadPort.QpInfo qpInfo, BiConsumer<MadSendBuf, WcStatus> sendHandler) {
        this.port = port;
        this.qpInfo = qpInfo;
        this.sendHandler = sendHandler;
        this.lock = new SpinLock(port.device().kernel(), "mad_agent_priv->lock");
        this.localWork = new Work("local_completions", this::localCompletions);
        this.comp = new Completion(port.device().kernel());
    }

    public Qp qp() {
        return qpInfo.qp();
    }

    public int portNum() {
        return port.portNum();
    }

    /** Sends posted and not completed, local ones included. */
    public int outstanding() {
        return lock.withIrqsave(() -> sendList.size() + localList.size());
    }

    /**
     * ib_create_send_mad for a MAD of one segment: a zeroed kernel buffer for the header and data,
     * -EINVAL when they do not fit in one MAD.
     */
    public Result<MadSendBuf> createSendMad(int remoteQpn, int pkeyIndex, int hdrLen, int dataLen) {
        int segSize = Mad.SIZE - hdrLen;
        int pad = dataLen != 0 && segSize != 0 ? (segSize - dataLen % segSize) % segSize : segSize;
        if (hdrLen + dataLen + pad > Mad.SIZE) {
            return Result.err(Errno.EINVAL);
        }
        long addr = port.device().memory().alloc(Mad.SIZE);
        lock.withIrqsave(() -> refcount++);
        return Result.of(new MadSendBuf(this, addr, hdrLen, remoteQpn, pkeyIndex));
    }

    /** ib_free_send_mad: the buffer goes, and with it the agent's reference. */
    public void freeSendMad(MadSendBuf sb) {
        port.device().memory().free(sb.addr);
        deref();
    }

    /**
     * ib_post_send_mad of one MAD, with no response awaited: a directed-route SMP first goes
     * through the SMI's send rules and may be handled on this node instead; 0 or a negative errno.
     */
    public int postSendMad(MadSendBuf sb) {
        if (sendHandler == null || sb.agent != this) {
            return Errno.EINVAL.negative();
        }
        if (Mad.mgmtClass(sb.mad) == Mad.CLASS_SUBN_DIRECTED_ROUTE) {
            int ret = handleOutgoingDrSmp(sb);
            if (ret < 0) {
                return ret;
            }
            if (ret == 1) {
                return 0;
            }
        }
        sb.refcount = 1;
        sb.status = WcStatus.SUCCESS;
        lock.withIrqsave(() -> sendList.add(sb));
        int ret = port.sendMad(qpInfo, sb);
        if (ret < 0) {
            lock.withIrqsave(() -> sendList.remove(sb));
        }
        return ret;
    }

    /**
     * handle_outgoing_dr_smp on a channel adapter: -EINVAL for a path the SMI refuses, 0 to send
     * it on the QP, 1 when it is for this node's own SMA or SM and completes here.
     */
    private int handleOutgoingDrSmp(MadSendBuf sb) {
        byte[] smp = sb.mad;
        int portNum = port.portNum();
        int drLid = Mad.direction(smp) ? Mad.drDlid(smp) : Mad.drSlid(smp);
        // A directed part starts here only when the LID-routed part before it is empty (IBA 14.2.2).
        if (drLid == Mad.LID_PERMISSIVE && Smi.handleDrSmpSend(smp, false, portNum) == Smi.Action.DISCARD) {
            port.devErr("Invalid directed route");
            return Errno.EINVAL.negative();
        }
        if (Smi.checkLocalSmp(smp, true) == Smi.Action.DISCARD
                && Smi.checkLocalReturningSmp(smp, true) == Smi.Action.DISCARD) {
            return 0;
        }
        // build_smp_wc: as if received on this QP from DrSLID; no GRH for a DR SMP.
        Wc wc = new Wc();
        wc.status = WcStatus.SUCCESS;
        wc.srcQp = qpInfo.qp().qpNum();
        wc.pkeyIndex = sb.pkeyIndex;
        wc.slid = Mad.drSlid(smp);
        wc.byteLen = Mad.GRH + Mad.SIZE;
        wc.portNum = portNum;
        wc.qp = qpInfo.qp();
        byte[] out = new byte[Mad.SIZE];
        int ret = port.device().processMad(0, portNum, wc, smp, out);
        // Whatever the answer, only an agent with a receive handler could take it, and none here has one.
        if (ret != (MadResult.SUCCESS | MadResult.REPLY) && ret != (MadResult.SUCCESS | MadResult.CONSUMED)
                && ret != MadResult.SUCCESS) {
            return Errno.EINVAL.negative();
        }
        lock.withIrqsave(() -> localList.add(sb));
        port.wq().queueWork(localWork);
        return 1;
    }

    /** local_completions: each local send completes, successfully, in the port's workqueue. */
    private void localCompletions() {
        while (true) {
            MadSendBuf sb = lock.withIrqsave(localList::poll);
            if (sb == null) {
                return;
            }
            sendHandler.accept(sb, WcStatus.SUCCESS);
        }
    }

    /** ib_mad_complete_send_wr: the send is done once nothing else holds it. */
    void completeSendWr(MadSendBuf sb, WcStatus status) {
        long flags = lock.lockIrqsave();
        if (status != WcStatus.SUCCESS && sb.status == WcStatus.SUCCESS) {
            sb.status = status;
        }
        if (--sb.refcount > 0) {
            lock.unlockIrqrestore(flags);
            return;
        }
        sendList.remove(sb);
        lock.unlockIrqrestore(flags);
        sendHandler.accept(sb, sb.status != WcStatus.SUCCESS ? sb.status : status);
    }

    /**
     * ib_unregister_mad_agent: no local completion left queued, then a wait until every send
     * buffer the agent made has been freed.
     */
    void unregister() {
        port.wq().flush();
        unregistered = true;
        deref();
        comp.waitForCompletion();
    }

    private void deref() {
        boolean last = lock.withIrqsave(() -> --refcount == 0);
        if (last && unregistered) {
            comp.complete();
        }
    }
}
