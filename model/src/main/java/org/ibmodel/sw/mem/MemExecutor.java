// Executes work requests end to end inside one device: requester checks, responder checks
// and completions, with the statuses rxe reports for each failure
// (drivers/infiniband/sw/rxe/rxe_req.c, rxe_resp.c, rxe_comp.c)
package org.ibmodel.sw.mem;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Port;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemQueues.QpQueues;

/**
 * Runs the send queues of a {@link MemDevice}. A WR either completes, waits (RNR with infinite
 * retry, or a QP not sending), or fails; a failure completes that WR with its status, moves the
 * QP to ERR (SQE for unreliable types) and flushes the rest.
 */
final class MemExecutor {
    /** Bytes at the head of every UD receive buffer reserved for the GRH (IBA 11.4.1.2). */
    static final int GRH_BYTES = 40;
    /** IBA 9.2, 9.3.2, 9.4.2, 7.8.1: BTH, DETH, ImmDt and ICRC sizes, for a GRH's PayLen. */
    private static final int BTH_BYTES = 12;
    private static final int DETH_BYTES = 8;
    private static final int IMM_BYTES = 4;
    private static final int ICRC_BYTES = 4;
    /** IBA 8.3.1: the GRH's NxtHdr for an IBA transport header. */
    private static final byte NEXT_HEADER_IBA = 0x1b;

    private final MemDevice dev;
    private KeyCheck keyCheck = KeyCheck.CORRECT;

    MemExecutor(MemDevice dev) {
        this.dev = dev;
    }

    /** Only a mutation test installs another: see {@link KeyCheck}. */
    void keyCheck(KeyCheck check) {
        keyCheck = check;
    }

    /** Executes what every QP can execute now. */
    void run(List<Qp> qps) {
        for (Qp qp : qps) {
            QpQueues q = MemDevice.queues(qp);
            if (qp.state() == QpState.SQD && q.sqDraining) {
                dev.sqDrained(qp);
            }
            while (qp.state() == QpState.RTS && !q.sq.isEmpty()) {
                if (!execute(qp, q.sq.peek())) {
                    break;
                }
            }
        }
    }

    /** @return false when the WR must wait */
    private boolean execute(Qp qp, SendWr wr) {
        QpQueues q = MemDevice.queues(qp);
        if (qp.type() == QpType.UD && wr.length() > portMtu(qp)) {
            // rxe_req.c rxe_requester, IBA C10-93.1.1: a UD message longer than the port's MTU
            // emits no packet and raises no error; it completes as a successful send, before its
            // SGEs are read.
            return done(qp, wr);
        }
        byte[] payload = null;
        if (wr.opcode() != WrOpcode.RDMA_READ && !wr.opcode().isAtomic()) {
            payload = gather(qp, wr.sgList(), false);
            if (payload == null) {
                return fail(qp, wr, WcStatus.LOC_PROT_ERR);
            }
        }
        Qp dest = destination(qp, wr);
        if (dest == null || !receiving(dest) || matchedPkeyIndex(qp, wr, dest) < 0) {
            // Nothing answers: RC retries until its counter runs out; UC and UD lose the message.
            return qp.type() == QpType.RC ? fail(qp, wr, WcStatus.RETRY_EXC_ERR) : done(qp, wr);
        }
        if (qp.type().datagram() && !qkeyMatches(qp, wr, dest)) {
            return done(qp, wr);
        }
        q.rnrWait = false;
        return switch (wr.opcode()) {
            case SEND, SEND_WITH_IMM, SEND_WITH_INV -> send(qp, wr, dest, payload);
            case RDMA_WRITE, RDMA_WRITE_WITH_IMM -> write(qp, wr, dest, payload);
            case RDMA_READ -> read(qp, wr, dest);
            case ATOMIC_CMP_AND_SWP, ATOMIC_FETCH_AND_ADD -> atomic(qp, wr, dest);
            default -> fail(qp, wr, WcStatus.LOC_QP_OP_ERR);
        };
    }

    /** rxe_req.c get_mtu: a UD QP's limit is its port's active MTU (rxe's port.mtu_cap). */
    private int portMtu(Qp qp) {
        return dev.device().port(qp.portNum()).query().activeMtu.bytes();
    }

    private Qp destination(Qp qp, SendWr wr) {
        if (qp.type().datagram()) {
            int dlid = wr.ah().attr().dlid();
            Port port = dev.device().port(wr.ah().attr().portNum());
            if (port.lid() != dlid) {
                return null;
            }
            Qp dest = dev.qp(wr.remoteQpn(), port.portNum());
            // IBA 7.6.5, 13.5.1: only QP0 sends on VL15 (mthca_qp.c build_mlx_header sets VL 15 for
            // QP0 alone) and QP0 takes nothing else, so no other QP reaches the SMI QP, nor it them.
            boolean smi = qp.type() == QpType.SMI;
            return dest != null && dest.type().datagram() && (dest.type() == QpType.SMI) == smi ? dest : null;
        }
        // The BTH has 24 bits for it (rxe's bth_set_qpn masks what modify_qp stored).
        Qp dest = dev.qp(qp.attr().destQpNum & Qp.QPN_MASK, qp.portNum());
        return dest != null && dest.type() == qp.type() ? dest : null;
    }

    private static boolean receiving(Qp dest) {
        QpState s = dest.state();
        return s == QpState.RTR || s == QpState.RTS || s == QpState.SQD || s == QpState.SQE;
    }

    /** IBA 10.9.3: P_Keys match in their low 15 bits and at least one is a full member. */
    private static boolean pkeysMatch(int a, int b) {
        return (a & 0x7fff) == (b & 0x7fff) && ((a | b) & 0x8000) != 0 && (a & 0x7fff) != 0;
    }

    /**
     * The entry of the receiving port's P_Key table the packet's P_Key matches, or -1 (IBA
     * 10.9.3, rxe_recv.c check_keys): the QP's own entry; for QP1 any entry, the one matched
     * reported in the completion; QP0 checks none. QP1 sends with the WR's entry.
     */
    private int matchedPkeyIndex(Qp src, SendWr wr, Qp dest) {
        Port srcPort = dev.device().port(portOf(src));
        int sent = srcPort.pkey(src.type() == QpType.GSI ? wr.pkeyIndex() : src.attr().pkeyIndex);
        Port port = dev.device().port(portOf(dest));
        if (dest.type() == QpType.SMI) {
            return dest.attr().pkeyIndex;
        }
        if (dest.type() == QpType.GSI) {
            for (int i = 0; i < port.pkeyTableLength(); i++) {
                if (pkeysMatch(sent, port.pkey(i))) {
                    return i;
                }
            }
            return -1;
        }
        return pkeysMatch(sent, port.pkey(dest.attr().pkeyIndex)) ? dest.attr().pkeyIndex : -1;
    }

    private static int portOf(Qp qp) {
        return qp.portNum() == 0 ? 1 : qp.portNum();
    }

    /**
     * IBA 10.2.4: a Q_Key with the high bit set means "use the sender QP's own"; QP1 takes the
     * well-known Q_Key whatever its own (rxe_recv.c check_keys, GSI_QKEY).
     */
    private static boolean qkeyMatches(Qp qp, SendWr wr, Qp dest) {
        int qkey = (wr.remoteQkey() & Qp.QKEY_CONTROLLED) != 0 ? qp.attr().qkey : wr.remoteQkey();
        return qkey == (dest.type() == QpType.GSI ? Qp.QP1_QKEY : dest.attr().qkey);
    }

    private boolean send(Qp qp, SendWr wr, Qp dest, byte[] payload) {
        int offset = dest.type().datagram() ? GRH_BYTES : 0;
        RecvWr head = dest.srq() == null ? MemDevice.queues(dest).rq.peek() : null;
        if (dest.type().datagram() && head != null && payload.length + offset > head.length()) {
            // rxe_resp.c rxe_resp_check_length: a UD or GSI receive that cannot hold the GRH and
            // the payload is a length error, class D without an SRQ: the message is dropped and
            // the receive WQE, never consumed, waits for the next one. UD never learns of it.
            return done(qp, wr);
        }
        RecvWr rwr = takeRecv(dest);
        if (rwr == null) {
            return noReceive(qp, wr);
        }
        Wc rwc = MemDevice.recvWc(dest, rwr, WcStatus.SUCCESS);
        if (dest.type().datagram() && payload.length + offset > rwr.length()) {
            // ... and class E with an SRQ (rxe_responder, RESPST_ERR_LENGTH): the WQE taken from
            // the SRQ completes with IB_WC_REM_INV_REQ_ERR; the QP stays where it is.
            complete(dest, rwc, WcStatus.REM_INV_REQ_ERR, false);
            return done(qp, wr);
        }
        if (payload.length + offset > rwr.length()) {
            complete(dest, rwc, WcStatus.LOC_LEN_ERR, false);
            responderError(dest, qp);
            return qp.type() == QpType.RC ? fail(qp, wr, WcStatus.REM_INV_REQ_ERR) : done(qp, wr);
        }
        byte[] grh = dest.type().datagram() ? grh(qp, wr, payload.length) : null;
        boolean scattered = grh == null ? scatter(recvPd(dest), rwr.sgList(), offset, payload)
                : scatter(recvPd(dest), rwr.sgList(), 0, concat(grh, payload));
        if (!scattered) {
            complete(dest, rwc, WcStatus.LOC_PROT_ERR, false);
            responderError(dest, qp);
            return qp.type() == QpType.RC ? fail(qp, wr, WcStatus.REM_OP_ERR) : done(qp, wr);
        }
        rwc.byteLen = payload.length + offset;
        fillRecvSource(rwc, qp, wr, dest);
        if (dest.type().datagram()) {
            // qib_ud.c qib_ud_loopback: the SL of the sender's address handle, and IB_WC_GRH when
            // the datagram carried a GRH, which lands in the buffer's first 40 bytes.
            rwc.sl = wr.ah().attr().sl();
            if (grh != null) {
                rwc.wcFlags |= WcFlags.GRH;
            }
        }
        if (wr.opcode() == WrOpcode.SEND_WITH_IMM) {
            rwc.wcFlags |= WcFlags.WITH_IMM;
            rwc.immData = wr.immData();
        } else if (wr.opcode() == WrOpcode.SEND_WITH_INV) {
            rwc.wcFlags |= WcFlags.WITH_INVALIDATE;
            rwc.immData = wr.immData();
        }
        complete(dest, rwc, null, (wr.sendFlags() & SendFlags.SOLICITED) != 0);
        return done(qp, wr);
    }

    private boolean write(Qp qp, SendWr wr, Qp dest, byte[] payload) {
        boolean keyless = keyless(dest, payload.length, AccessFlags.REMOTE_WRITE);
        Mr mr = keyless ? null : remoteMr(dest, wr.rkey(), wr.remoteAddr(), payload.length, AccessFlags.REMOTE_WRITE);
        if (!keyless && mr == null) {
            return remoteAccessError(qp, wr, dest);
        }
        RecvWr rwr = null;
        if (wr.opcode() == WrOpcode.RDMA_WRITE_WITH_IMM) {
            rwr = takeRecv(dest);
            if (rwr == null) {
                return noReceive(qp, wr);
            }
        }
        if (!keyless) {
            dmaWrite(mr, wr.remoteAddr(), payload, 0, payload.length);
        }
        if (rwr != null) {
            Wc rwc = MemDevice.recvWc(dest, rwr, WcStatus.SUCCESS);
            rwc.opcode = WcOpcode.RECV_RDMA_WITH_IMM;
            rwc.byteLen = payload.length;
            rwc.wcFlags |= WcFlags.WITH_IMM;
            rwc.immData = wr.immData();
            fillRecvSource(rwc, qp, wr, dest);
            complete(dest, rwc, null, (wr.sendFlags() & SendFlags.SOLICITED) != 0);
        }
        return done(qp, wr);
    }

    private boolean read(Qp qp, SendWr wr, Qp dest) {
        int len = (int) wr.length();
        if (keyless(dest, len, AccessFlags.REMOTE_READ)) {
            return done(qp, wr);
        }
        Mr mr = remoteMr(dest, wr.rkey(), wr.remoteAddr(), len, AccessFlags.REMOTE_READ);
        if (mr == null) {
            return remoteAccessError(qp, wr, dest);
        }
        byte[] data = new byte[len];
        dmaRead(mr, wr.remoteAddr(), data, 0, len);
        if (!scatter(qp.pd(), wr.sgList(), 0, data)) {
            return fail(qp, wr, WcStatus.LOC_PROT_ERR);
        }
        return done(qp, wr);
    }

    private boolean atomic(Qp qp, SendWr wr, Qp dest) {
        // IBA 9.4.5: atomics operate on naturally aligned 8-byte words.
        if ((wr.remoteAddr() & 7) != 0) {
            responderError(dest, qp);
            return fail(qp, wr, WcStatus.REM_INV_REQ_ERR);
        }
        Mr mr = remoteMr(dest, wr.rkey(), wr.remoteAddr(), 8, AccessFlags.REMOTE_ATOMIC);
        if (mr == null) {
            return remoteAccessError(qp, wr, dest);
        }
        HostMemory mem = dev.memory();
        // 8-byte aligned, so the word never straddles two pages of the region.
        long hostAddr = mr.dmaAddr(wr.remoteAddr());
        long old = mem.readLong(hostAddr);
        long updated = wr.opcode() == WrOpcode.ATOMIC_FETCH_AND_ADD ? old + wr.compareAdd()
                : (old == wr.compareAdd() ? wr.swap() : old);
        byte[] result = new byte[8];
        for (int i = 0; i < 8; i++) {
            result[i] = (byte) (old >>> (8 * i));
        }
        if (!scatter(qp.pd(), wr.sgList(), 0, result)) {
            return fail(qp, wr, WcStatus.LOC_PROT_ERR);
        }
        mem.writeLong(hostAddr, updated);
        return done(qp, wr);
    }

    /** No receive WR at the target: RNR NAK; infinite retry waits, anything else fails now. */
    private boolean noReceive(Qp qp, SendWr wr) {
        if (qp.type() != QpType.RC) {
            return done(qp, wr);
        }
        if (qp.attr().rnrRetry == Qp.RNR_RETRY_INFINITE) {
            MemDevice.queues(qp).rnrWait = true;
            return false;
        }
        return fail(qp, wr, WcStatus.RNR_RETRY_EXC_ERR);
    }

    private boolean remoteAccessError(Qp qp, SendWr wr, Qp dest) {
        if (qp.type() != QpType.RC) {
            return done(qp, wr);
        }
        responderError(dest, qp);
        return fail(qp, wr, WcStatus.REM_ACCESS_ERR);
    }

    /**
     * The responder of an RC connection that NAKs a fatal error goes to ERR too (IBA 9.9.3.1).
     * On a loopback connection the responder is the requester, whose failing WR is still at the
     * head of its send queue: {@link #fail} completes it and then moves the QP to ERR, so
     * flushing here would complete that WR twice.
     */
    private void responderError(Qp dest, Qp requester) {
        if (dest != requester && dest.type() == QpType.RC && dest.state() != QpState.ERR) {
            dev.qpError(dest);
        }
    }

    /**
     * rxe_resp.c check_rkey, IBA C9-88: a zero-byte RDMA READ or WRITE need not carry a valid
     * rkey or address, so neither is looked at; the responder QP must still allow the access.
     */
    private static boolean keyless(Qp dest, long len, int access) {
        return len == 0 && (dest.attr().qpAccessFlags & access) != 0;
    }

    private Mr remoteMr(Qp dest, int rkey, long addr, long len, int access) {
        Mr mr = dev.mrByKey(rkey);
        if (mr == null || mr.freed()) {
            return null;
        }
        boolean granted = (mr.access() & access) != 0 && (dest.attr().qpAccessFlags & access) != 0;
        return keyCheck.allows(mr.pd() == dest.pd(), granted, mr.covers(addr, len)) ? mr : null;
    }

    private RecvWr takeRecv(Qp dest) {
        Srq srq = dest.srq();
        if (srq == null) {
            return MemDevice.queues(dest).rq.poll();
        }
        MemQueues.SrqQueue q = MemDevice.queue(srq);
        RecvWr wr = q.wrs.poll();
        if (wr != null && q.limit > 0 && srq.hasEventHandler() && q.wrs.size() < q.limit) {
            // rxe_resp.c get_srq_wqe: the limit disarms as the WQE that crosses it is taken, so
            // the WQEs taken after it raise nothing; the handler runs in the responder's context.
            // An SRQ without a handler keeps its limit armed: there is no one to tell.
            q.limit = 0;
            srq.limitReached();
        }
        return wr;
    }

    /**
     * The GRH a datagram sent through an address handle with one carries (IBA 8.3): IP version 6,
     * the handle's traffic class and flow label, PayLen from the BTH to the ICRC, next header
     * 0x1B (IBA transport), its hop limit, the sender port's GID at its SGID index and its DGID.
     * Null when the handle has none.
     */
    private byte[] grh(Qp src, SendWr wr, int payloadLength) {
        AhAttr.Grh g = wr.ah().attr().grh();
        if (g == null) {
            return null;
        }
        byte[] b = new byte[GRH_BYTES];
        int word = 6 << 28 | (g.trafficClass() & 0xff) << 20 | g.flowLabel() & 0xfffff;
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) (word >>> (24 - 8 * i));
        }
        int pad = -payloadLength & 3;
        int payLen = BTH_BYTES + DETH_BYTES + (wr.opcode() == WrOpcode.SEND_WITH_IMM ? IMM_BYTES : 0) + payloadLength
                + pad + ICRC_BYTES;
        b[4] = (byte) (payLen >>> 8);
        b[5] = (byte) payLen;
        b[6] = NEXT_HEADER_IBA;
        b[7] = (byte) g.hopLimit();
        byte[] sgid = dev.device().port(src.portNum() == 0 ? 1 : src.portNum()).gid(g.sgidIndex());
        System.arraycopy(sgid, 0, b, 8, 16);
        System.arraycopy(g.dgid(), 0, b, 24, 16);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void fillRecvSource(Wc rwc, Qp src, SendWr wr, Qp dest) {
        rwc.srcQp = src.qpNum();
        rwc.slid = dev.device().port(portOf(src)).lid();
        rwc.pkeyIndex = matchedPkeyIndex(src, wr, dest);
        rwc.portNum = dest.portNum();
    }

    /** Reads the SGEs; null on a local protection error. */
    private byte[] gather(Qp qp, List<Sge> sges, boolean needWrite) {
        long total = 0;
        for (Sge s : sges) {
            if (!localOk(qp.pd(), s, needWrite)) {
                return null;
            }
            total += Integer.toUnsignedLong(s.length());
        }
        byte[] out = new byte[(int) total];
        int off = 0;
        for (Sge s : sges) {
            dmaRead(localMr(s), s.addr(), out, off, s.length());
            off += s.length();
        }
        return out;
    }

    /** Writes {@code data} into the SGEs starting {@code skip} bytes in; false on protection error. */
    private boolean scatter(Pd pd, List<Sge> sges, int skip, byte[] data) {
        for (Sge s : sges) {
            if (!localOk(pd, s, true)) {
                return false;
            }
        }
        int pos = 0;
        int toSkip = skip;
        for (Sge s : sges) {
            int room = s.length();
            long addr = s.addr();
            if (toSkip > 0) {
                int k = Math.min(toSkip, room);
                toSkip -= k;
                room -= k;
                addr += k;
            }
            int n = Math.min(room, data.length - pos);
            if (n > 0) {
                dmaWrite(localMr(s), addr, data, pos, n);
                pos += n;
            }
        }
        return true;
    }

    /**
     * An SGE is usable when its lkey names a live region of {@code pd} that covers it. The
     * reserved lkey serves a kernel QP only (mlx5 sets the QP context's rlky bit in
     * create_kernel_qp alone): a process's QP naming it is refused like any unknown key.
     */
    private boolean localOk(Pd pd, Sge s, boolean write) {
        long len = Integer.toUnsignedLong(s.length());
        if (s.lkey() == MemDevice.LOCAL_DMA_LKEY && keyCheck.reservedLkeyServes(pd)) {
            return dev.memory().isMapped(s.addr(), len);
        }
        Mr mr = dev.mrByKey(s.lkey());
        if (mr == null || mr.freed()) {
            return false;
        }
        boolean granted = !write || (mr.access() & AccessFlags.LOCAL_WRITE) != 0;
        boolean inRange = mr.covers(s.addr(), len) && dmaMapped(mr, s.addr(), len);
        return keyCheck.allows(mr.pd() == pd, granted, inRange);
    }

    /**
     * The PD a receive's lkeys must belong to: the SRQ's when the QP takes its receives from one,
     * as rdmavt's init_sge takes srq->pd (drivers/infiniband/sw/rdmavt/qp.c) and the HCA does. rxe
     * checks them against the QP's PD (rxe_resp.c send_data_in); here the device follows the SRQ
     * owner's PD, which is what keeps a QP of another PD out of the SRQ owner's buffers.
     */
    private static Pd recvPd(Qp qp) {
        return qp.srq() != null ? qp.srq().pd() : qp.pd();
    }

    /** The region an SGE's lkey names; null for the reserved lkey, which maps host memory 1:1. */
    private Mr localMr(Sge s) {
        return s.lkey() == MemDevice.LOCAL_DMA_LKEY ? null : dev.mrByKey(s.lkey());
    }

    // A region's pages need not be contiguous in host memory (a user MR over pinned pages), so
    // DMA through a region goes page by page via Mr.dmaAddr, as the HCA walks its MTT.

    private boolean dmaMapped(Mr mr, long addr, long len) {
        for (long done = 0; done < len; ) {
            long a = addr + done;
            int n = (int) Math.min(len - done, HostMemory.PAGE_SIZE - (a & (HostMemory.PAGE_SIZE - 1)));
            if (!dev.memory().isMapped(mr.dmaAddr(a), n)) {
                return false;
            }
            done += n;
        }
        return true;
    }

    private void dmaRead(Mr mr, long addr, byte[] dst, int off, int len) {
        if (mr == null) {
            dev.memory().read(addr, dst, off, len);
            return;
        }
        for (int done = 0; done < len; ) {
            long a = addr + done;
            int n = (int) Math.min(len - done, HostMemory.PAGE_SIZE - (a & (HostMemory.PAGE_SIZE - 1)));
            dev.memory().read(mr.dmaAddr(a), dst, off + done, n);
            done += n;
        }
    }

    private void dmaWrite(Mr mr, long addr, byte[] src, int off, int len) {
        if (mr == null) {
            dev.memory().write(addr, src, off, len);
            return;
        }
        for (int done = 0; done < len; ) {
            long a = addr + done;
            int n = (int) Math.min(len - done, HostMemory.PAGE_SIZE - (a & (HostMemory.PAGE_SIZE - 1)));
            dev.memory().write(mr.dmaAddr(a), src, off + done, n);
            done += n;
        }
    }

    private void complete(Qp dest, Wc wc, WcStatus status, boolean solicited) {
        if (status != null) {
            wc.status = status;
        }
        dev.complete(dest.recvCq(), wc, solicited);
    }

    /** The WR succeeded: it leaves the queue, with a CQE if it was signaled. */
    private boolean done(Qp qp, SendWr wr) {
        MemDevice.queues(qp).sq.poll();
        if (wr.signaled() || qp.sigType() == SigType.ALL_WR) {
            dev.complete(qp.sendCq(), MemDevice.sendWc(qp, wr, WcStatus.SUCCESS), false);
        }
        return true;
    }

    /**
     * The WR failed: an error CQE (always, signaled or not), then the QP leaves RTS — to SQE
     * for unreliable types, to ERR for RC — and the WRs behind it are flushed.
     */
    private boolean fail(Qp qp, SendWr wr, WcStatus status) {
        MemDevice.queues(qp).sq.poll();
        dev.complete(qp.sendCq(), MemDevice.sendWc(qp, wr, status), false);
        if (qp.type() == QpType.RC) {
            dev.qpError(qp);
        } else {
            qp.deviceSetState(QpState.SQE);
            dev.flushSq(qp);
        }
        return true;
    }
}
