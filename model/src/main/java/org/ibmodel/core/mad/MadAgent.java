// drivers/infiniband/core/mad.c: ib_mad_agent_private and what works on it: ib_create_send_mad,
// ib_post_send_mad, handle_outgoing_dr_smp, local_completions, ib_mad_complete_send_wr,
// wait_for_response, timeout_sends, retry_send, ib_find_send_mad, ib_mad_complete_recv,
// ib_modify_mad, cancel_mads, unregister_mad_agent
package org.ibmodel.core.mad;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.Result;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.kernel.Completion;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.kernel.Timer;
import org.ibmodel.kernel.Work;
import org.ibmodel.traces.Tracepoint;

/**
 * A MAD agent on one port's SMI or GSI QP. It sends MADs, each with an optional response
 * timeout and retries, and is told when each is done; with a receive handler it gets the
 * responses to them (matched by TID, whose high 32 bits are its {@link #hiTid()}) and, if it
 * registered a class, the requests of that class and its methods.
 */
public final class MadAgent {
    /** ib_mad_send_handler: a send is done, with the status of its send or of the wait for its response. */
    @FunctionalInterface
    public interface SendHandler {
        void done(MadSendBuf sb, WcStatus status);
    }

    /** ib_mad_recv_handler: a MAD for the agent; {@code sendBuf} the request it answers, or null. */
    @FunctionalInterface
    public interface RecvHandler {
        void received(MadSendBuf sendBuf, MadRecvWc recv);
    }

    /** A directed-route SMP handled on this node: the answer (or request) for {@code recvAgent}, if any. */
    private record Local(MadSendBuf sb, MadAgent recvAgent, byte[] mad) {
    }

    private final MadPort port;
    private final MadPort.QpInfo qpInfo;
    private final MadRegReq regReq;
    private final SendHandler sendHandler;
    private final RecvHandler recvHandler;
    private final int hiTid;
    private final SpinLock lock;
    /** Sends on the QP (send_list), sends awaiting their response by deadline (wait_list), answered (done_list). */
    private final List<MadSendBuf> sendList = new ArrayList<>();
    private final List<MadSendBuf> waitList = new ArrayList<>();
    private final List<MadSendBuf> doneList = new ArrayList<>();
    private final ArrayDeque<Local> localList = new ArrayDeque<>();
    private final Work localWork;
    /** timed_work, a delayed work: its timer queues it on the port's workqueue. */
    private final Work timedWork;
    private final Timer timedWorkTimer;
    /** The agent's own reference and one per send buffer it made and has not freed. */
    private int refcount = 1;
    private final Completion comp;
    private boolean unregistered;

    MadAgent(MadPort port, MadPort.QpInfo qpInfo, MadRegReq regReq, SendHandler sendHandler,
            RecvHandler recvHandler, int hiTid) {
        this.port = port;
        this.qpInfo = qpInfo;
        this.regReq = regReq;
        this.sendHandler = sendHandler;
        this.recvHandler = recvHandler;
        this.hiTid = hiTid;
        this.lock = new SpinLock(port.device().kernel(), "mad_agent_priv->lock");
        this.localWork = new Work("local_completions", this::localCompletions);
        this.timedWork = new Work("timeout_sends", this::timeoutSends);
        this.timedWorkTimer = port.device().kernel().timerSetup("mad_agent timed_work",
                () -> port.wq().queueWork(timedWork));
        this.comp = new Completion(port.device().kernel());
    }

    public Qp qp() {
        return qpInfo.qp();
    }

    IbDevice device() {
        return port.device();
    }

    public int portNum() {
        return port.portNum();
    }

    /** The high 32 bits of the TIDs whose responses come back to this agent. */
    public int hiTid() {
        return hiTid;
    }

    MadRegReq regReq() {
        return regReq;
    }

    boolean hasRecvHandler() {
        return recvHandler != null;
    }

    /** Sends posted and not done, local ones and those awaiting a response included. */
    public int outstanding() {
        return lock.withIrqsave(() -> sendList.size() + waitList.size() + doneList.size() + localList.size());
    }

    /**
     * ib_create_send_mad for a MAD of one segment: a zeroed kernel buffer for the header and data,
     * -EINVAL when they do not fit in one MAD.
     */
    public Result<MadSendBuf> createSendMad(int remoteQpn, int pkeyIndex, int hdrLen, int dataLen) {
        if (hdrLen < 0 || dataLen < 0) {
            return Result.err(Errno.EINVAL);
        }
        int segSize = Mad.SIZE - hdrLen;
        int pad = dataLen != 0 && segSize != 0 ? (segSize - dataLen % segSize) % segSize : segSize;
        if (hdrLen + dataLen + pad > Mad.SIZE) {
            return Result.err(Errno.EINVAL);
        }
        long addr = port.device().memory().alloc(Mad.SIZE);
        lock.withIrqsave(() -> refcount++);
        return Result.of(new MadSendBuf(this, addr, hdrLen, dataLen, remoteQpn, pkeyIndex));
    }

    /** ib_free_send_mad: the buffer goes, and with it the agent's reference. */
    public void freeSendMad(MadSendBuf sb) {
        port.device().memory().free(sb.addr);
        deref();
    }

    /**
     * ib_post_send_mad of one MAD: -EINVAL without a send handler, or with a response timeout
     * and no receive handler to take the response; a directed-route SMP first goes through the
     * SMI's send rules and may be handled on this node instead. 0 or a negative errno.
     */
    public int postSendMad(MadSendBuf sb) {
        if (sb.agent != this || sendHandler == null || sb.timeoutMs != 0 && recvHandler == null || sb.timeoutMs < 0
                || sb.retries < 0) {
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
        sb.tid = Mad.tid(sb.mad);
        sb.awaiting = sb.timeoutMs > 0;
        sb.retriesLeft = sb.retries;
        sb.maxRetries = sb.retries;
        sb.retries = 0;
        // One reference for the work request, one for the response.
        sb.refcount = 1 + (sb.awaiting ? 1 : 0);
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
        MadTrace.smp(Tracepoint.IB_MAD_HANDLE_OUT_IB_SMI, port.device(), smp);
        int drLid = Mad.direction(smp) ? Mad.drDlid(smp) : Mad.drSlid(smp);
        // The directed part starts here only when the LID-routed part before it is empty (IBA 14.2.2).
        if (drLid == Mad.LID_PERMISSIVE && Smi.handleDrSmpSend(smp, false, portNum) == Smi.Action.DISCARD) {
            port.devErr("Invalid directed route");
            return Errno.EINVAL.negative();
        }
        boolean hasProcessMad = port.device().ops().hasProcessMad();
        if (Smi.checkLocalSmp(smp, hasProcessMad) == Smi.Action.DISCARD
                && Smi.checkLocalReturningSmp(smp, hasProcessMad) == Smi.Action.DISCARD) {
            return 0;
        }
        // build_smp_wc: as if received on QP0 from DrSLID, with no GRH (a DR SMP has none).
        Wc wc = smpWc(Mad.drSlid(smp), sb.pkeyIndex, 0);
        byte[] out = new byte[Mad.SIZE];
        int ret = port.device().processMad(0, portNum, wc, smp, out);
        Local local;
        if (ret == (MadResult.SUCCESS | MadResult.REPLY)) {
            boolean mine = Mad.isResponse(out) && recvHandler != null;
            if (mine) {
                // The receive side's reference.
                ref();
            }
            local = new Local(sb, mine ? this : null, mine ? out : null);
        } else if (ret == (MadResult.SUCCESS | MadResult.CONSUMED)) {
            local = new Local(sb, null, null);
        } else if (ret == MadResult.SUCCESS) {
            // As if received: for whichever agent would take it from the wire.
            byte[] copy = smp.clone();
            MadAgent to = port.findMadAgent(copy);
            local = to != null ? new Local(sb, to, copy) : new Local(sb, null, null);
        } else {
            return Errno.EINVAL.negative();
        }
        // The send side's reference, until local_completions has told the sender.
        ref();
        lock.withIrqsave(() -> localList.add(local));
        port.wq().queueWork(localWork);
        return 1;
    }

    private Wc smpWc(int slid, int pkeyIndex, int portNum) {
        Wc wc = new Wc();
        wc.status = WcStatus.SUCCESS;
        wc.opcode = WcOpcode.RECV;
        wc.pkeyIndex = pkeyIndex;
        wc.byteLen = Mad.GRH + Mad.SIZE;
        wc.srcQp = 0;
        wc.qp = qpInfo.qp();
        wc.slid = slid;
        wc.portNum = portNum;
        return wc;
    }

    /**
     * local_completions, in the port's workqueue: the answer to a locally handled SMP goes to its
     * agent first (as if received from the permissive LID), then the send completes, successfully.
     */
    private void localCompletions() {
        while (true) {
            Local local = lock.withIrqsave(localList::poll);
            if (local == null) {
                return;
            }
            if (local.mad() != null) {
                Wc wc = local.recvAgent().smpWc(Mad.LID_PERMISSIVE, local.sb().pkeyIndex, port.portNum());
                local.recvAgent().recvHandler.received(local.sb(), new MadRecvWc(wc, null, local.mad()));
                local.recvAgent().deref();
            }
            sendHandler.done(local.sb(), WcStatus.SUCCESS);
            deref();
        }
    }

    /**
     * ib_mad_complete_send_wr: one reference of the send dropped (its work request's, or its
     * response's). An error fails the wait for the response too. A send with a response to come
     * waits for it; one with nothing left is done, and its agent told.
     */
    void completeSendWr(MadSendBuf sb, WcStatus status) {
        long flags = lock.lockIrqsave();
        if (status != WcStatus.SUCCESS && sb.status == WcStatus.SUCCESS) {
            sb.status = status;
            sb.refcount -= sb.awaiting ? 1 : 0;
        }
        if (--sb.refcount > 0) {
            if (sb.refcount == 1 && sb.awaiting && sb.status == WcStatus.SUCCESS) {
                waitForResponse(sb);
            }
            lock.unlockIrqrestore(flags);
            return;
        }
        unlink(sb);
        adjustTimeout();
        lock.unlockIrqrestore(flags);
        sendHandler.done(sb, sb.status != WcStatus.SUCCESS ? sb.status : status);
    }

    private void unlink(MadSendBuf sb) {
        if (!sendList.remove(sb) && !waitList.remove(sb)) {
            doneList.remove(sb);
        }
    }

    /**
     * wait_for_response: onto the wait list, in deadline order, with its timeout from now; the
     * delayed work is moved up when it becomes the first.
     */
    private void waitForResponse(MadSendBuf sb) {
        unlink(sb);
        long delay = Kernel.jiffiesToNs(Kernel.msecsToJiffies(sb.timeoutMs));
        sb.deadlineNs = port.device().kernel().nowNs() + delay;
        int at = 0;
        if (delay != 0) {
            at = waitList.size();
            while (at > 0 && waitList.get(at - 1).deadlineNs >= sb.deadlineNs) {
                at--;
            }
        }
        waitList.add(at, sb);
        if (at == 0) {
            modDelayedWork(delay);
        }
    }

    /** mod_delayed_work on timed_work. */
    private void modDelayedWork(long delayNs) {
        if (delayNs <= 0) {
            timedWorkTimer.del();
            port.wq().queueWork(timedWork);
        } else {
            port.wq().cancelWork(timedWork);
            timedWorkTimer.mod(delayNs);
        }
    }

    /**
     * adjust_timeout: with nothing awaited the delayed work is cancelled. (It would also move the
     * work up to an earlier first deadline, but the agent's own timeout it compares with is never
     * set, so timeout_sends, which re-arms itself for the first deadline, does that.)
     */
    private void adjustTimeout() {
        if (waitList.isEmpty()) {
            timedWorkTimer.del();
            port.wq().cancelWork(timedWork);
        }
    }

    /**
     * timeout_sends: each send whose deadline has passed is sent again while it has retries left,
     * and otherwise done with RESP_TIMEOUT_ERR (or the error it already had); the work comes back
     * for the first deadline still ahead.
     */
    private void timeoutSends() {
        long flags = lock.lockIrqsave();
        while (!waitList.isEmpty()) {
            MadSendBuf sb = waitList.get(0);
            long now = port.device().kernel().nowNs();
            if (sb.deadlineNs > now) {
                // queue_delayed_work: nothing if the work is pending, its timer armed or it queued.
                if (!timedWorkTimer.pending() && !timedWork.pending()) {
                    timedWorkTimer.mod(sb.deadlineNs - now);
                }
                break;
            }
            waitList.remove(0);
            if (sb.status == WcStatus.SUCCESS && retrySend(sb) == 0) {
                continue;
            }
            lock.unlockIrqrestore(flags);
            sendHandler.done(sb, sb.status == WcStatus.SUCCESS ? WcStatus.RESP_TIMEOUT_ERR : sb.status);
            flags = lock.lockIrqsave();
        }
        lock.unlockIrqrestore(flags);
    }

    /** retry_send: -ETIMEDOUT with no retry left; otherwise the MAD is posted again, counted in its retries. */
    private int retrySend(MadSendBuf sb) {
        if (sb.retriesLeft == 0) {
            return Errno.ETIMEDOUT.negative();
        }
        sb.retriesLeft--;
        sb.retries++;
        sb.awaiting = true;
        int ret = port.sendMad(qpInfo, sb);
        if (ret == 0) {
            sb.refcount++;
            sendList.add(sb);
        }
        return ret;
    }

    /**
     * ib_mad_complete_recv: a response goes to the agent with the request it answers, which is
     * then done; one that answers nothing awaited is dropped. A request goes to it alone.
     */
    void completeRecv(MadRecvWc recv) {
        if (!Mad.isResponse(recv.mad())) {
            recvHandler.received(null, recv);
            return;
        }
        long flags = lock.lockIrqsave();
        MadSendBuf sb = findSendMad(recv);
        if (sb == null) {
            lock.unlockIrqrestore(flags);
            return;
        }
        // ib_mark_mad_done.
        sb.awaiting = false;
        if (sb.refcount == 1) {
            unlink(sb);
            doneList.add(sb);
        }
        lock.unlockIrqrestore(flags);
        // The response before the request's completion, as the kernel defines it.
        recvHandler.received(sb, recv);
        completeSendWr(sb, WcStatus.SUCCESS);
    }

    /**
     * ib_find_send_mad: the awaited request with the response's TID and class, from the same
     * peer (not checked for a directed-route SMP, whose LIDs may be permissive); one still on
     * the send queue too, as the response can beat the send's completion. Null for one cancelled.
     */
    private MadSendBuf findSendMad(MadRecvWc recv) {
        long tid = Mad.tid(recv.mad());
        int mgmtClass = Mad.mgmtClass(recv.mad());
        boolean direct = mgmtClass == Mad.CLASS_SUBN_DIRECTED_ROUTE;
        for (List<MadSendBuf> list : List.of(waitList, sendList)) {
            for (MadSendBuf sb : list) {
                if (sb.tid == tid && Mad.mgmtClass(sb.mad) == mgmtClass && (list == waitList || sb.awaiting)
                        && (direct || sameGid(sb, recv))) {
                    return sb.status == WcStatus.SUCCESS ? sb : null;
                }
            }
        }
        return null;
    }

    /**
     * rcv_has_same_gid: a response from where the request went. Without a GRH only the DLID path
     * bits under the port's LMC are compared (the response's SLID is not); with one, the GID
     * the request left from against the response's DGID.
     */
    private boolean sameGid(MadSendBuf sb, MadRecvWc recv) {
        boolean sendResp = Mad.isResponse(sb.mad);
        boolean rcvResp = Mad.isResponse(recv.mad());
        if (sendResp == rcvResp || sb.ah == null) {
            return false;
        }
        AhAttr attr = sb.ah.attr();
        boolean hasGrh = attr.grh() != null;
        if (hasGrh != ((recv.wc().wcFlags & WcFlags.GRH) != 0)) {
            return false;
        }
        if (!sendResp) {
            if (!hasGrh) {
                int lmc = port.device().port(port.portNum()).cachedLmc();
                return lmc == 0 || ((attr.srcPathBits() ^ recv.wc().dlidPathBits) & ((1 << lmc) - 1)) == 0;
            }
            byte[] sgid = port.device().port(port.portNum()).gid(attr.grh().sgidIndex());
            return sgid != null && Arrays.equals(sgid, 0, 16, recv.grh(), 24, 40);
        }
        if (!hasGrh) {
            return attr.dlid() == recv.wc().slid;
        }
        return Arrays.equals(attr.grh().dgid(), 0, 16, recv.grh(), 8, 24);
    }

    /**
     * ib_modify_mad: a new response timeout for a send still sent or awaited; 0 cancels it, and
     * it is then done with WR_FLUSH_ERR. -EINVAL for one not found or already failed. As in
     * mad.c, a send posted with no timeout must not be given one: given one while its work
     * request is out and then cancelled, it loses the work request's reference and is done once
     * by the cancel and again by its send completion.
     */
    public int modifyMad(MadSendBuf sb, int timeoutMs) {
        long flags = lock.lockIrqsave();
        boolean found = waitList.contains(sb) || sendList.contains(sb);
        if (!found || sb.status != WcStatus.SUCCESS) {
            lock.unlockIrqrestore(flags);
            return Errno.EINVAL.negative();
        }
        boolean active = !sb.awaiting || sb.refcount > 1;
        if (timeoutMs == 0) {
            sb.status = WcStatus.WR_FLUSH_ERR;
            sb.refcount -= sb.awaiting ? 1 : 0;
        }
        sb.timeoutMs = timeoutMs;
        if (active) {
            sb.awaiting = timeoutMs > 0;
        } else {
            // ib_reset_mad_timeout: back on the wait list with the new timeout from now.
            waitForResponse(sb);
        }
        lock.unlockIrqrestore(flags);
        return 0;
    }

    /** ib_cancel_mad: {@link #modifyMad} with timeout 0. */
    public void cancelMad(MadSendBuf sb) {
        modifyMad(sb, 0);
    }

    /**
     * ib_unregister_mad_agent: every send cancelled (those awaiting a response are done with
     * WR_FLUSH_ERR now, those on the queue when their completion comes), no more requests routed
     * here, no local completion left queued, then a wait until every send buffer the agent made
     * has been freed.
     */
    public void unregister() {
        MadTrace.agent(Tracepoint.IB_MAD_UNREGISTER_AGENT, this);
        cancelMads();
        timedWorkTimer.del();
        port.wq().cancelWork(timedWork);
        port.unregisterAgent(this);
        port.wq().flush();
        unregistered = true;
        deref();
        comp.waitForCompletion();
    }

    /** cancel_mads. */
    private void cancelMads() {
        long flags = lock.lockIrqsave();
        for (MadSendBuf sb : sendList) {
            if (sb.status == WcStatus.SUCCESS) {
                sb.status = WcStatus.WR_FLUSH_ERR;
                sb.refcount -= sb.awaiting ? 1 : 0;
            }
        }
        List<MadSendBuf> cancelled = new ArrayList<>(waitList);
        waitList.clear();
        lock.unlockIrqrestore(flags);
        for (MadSendBuf sb : cancelled) {
            sendHandler.done(sb, WcStatus.WR_FLUSH_ERR);
        }
    }

    /** atomic_inc_not_zero on the agent's reference count: false once it is going away. */
    boolean ref() {
        return lock.withIrqsave(() -> {
            if (refcount == 0) {
                return false;
            }
            refcount++;
            return true;
        });
    }

    void deref() {
        boolean last = lock.withIrqsave(() -> --refcount == 0);
        if (last && unregistered) {
            comp.complete();
        }
    }
}
