// drivers/infiniband/hw/mlx4/qp.c (create_qp_common, mlx4_ib_post_send, mlx4_ib_post_recv,
// set_datagram_seg, set_raddr_seg, set_atomic_seg, set_data_seg) and drivers/infiniband/hw/mlx4/cq.c
// mlx4_ib_poll_one; checks as drivers/infiniband/sw/rxe/rxe_verbs.c validate_send_wr; docs/HCA.md §5, §6
package org.ibmodel.hca;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mr;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;

/**
 * The driver side of one QP: its send and receive rings in host memory, its doorbell record,
 * the WQEs it writes (docs/HCA.md §5) and the completions it reads back (§6).
 */
final class HcaQp {
    /** §4.5: RQ producer counter at +0 of the doorbell record, SQ producer counter at +4. */
    static final int DB_RQ = 0;
    static final int DB_SQ = 4;
    /** §5.1: ds is 6 bits of 16-byte units. */
    static final int MAX_WQE_SIZE = 63 * 16;
    /** mlx4's MLX4_IB_MAX_HEADROOM: the bytes of send WQEs kept spare (see sqHeadroom). */
    static final int SQ_HEADROOM_BYTES = 2048;
    /** The byte_len of an atomic's send completion: the 64-bit original value it returns. */
    static final int ATOMIC_BYTE_LEN = 8;

    private final Qp ibQp;
    private final int qpn;
    private final PciFunction pci;
    private final HostMemory memory;
    private final WorkQueue sq;
    /** mlx4's sq_spare_wqes: entries of the send ring never posted to (sqHeadroom). */
    private final int sqSpare;
    private final WorkQueue rq;
    private final HcaSrq srq;
    private final DoorbellRecord db;
    /** Created with IB_QP_CREATE_BLOCK_MULTICAST_LOOPBACK: attached with the MGM's block bit. */
    boolean blockMulticastLoopback;
    /**
     * mlx4_ib_qp's atomic_rd_en and resp_depth: the access flags and max_dest_rd_atomic last
     * given, which a move to RESET leaves as they were (__mlx4_ib_modify_qp never clears them).
     */
    int atomicRdEn;
    int respDepth;
    /** The WQEs being built by post_send and post_recv, one stride each; the locks serialize them. */
    private byte[] sendWqeBuf = new byte[0];
    private byte[] recvWqeBuf = new byte[0];

    private HcaQp(Qp ibQp, int qpn, PciFunction pci, WorkQueue sq, int sqSpare, WorkQueue rq, HcaSrq srq) {
        this.ibQp = ibQp;
        this.qpn = qpn;
        this.pci = pci;
        this.memory = pci.hostMemory();
        this.sq = sq;
        this.sqSpare = sqSpare;
        this.rq = rq;
        this.srq = srq;
        this.db = new DoorbellRecord(memory, 8);
    }

    /**
     * The capabilities the rings give, written back into the caller's ib_qp_cap as mlx4's
     * set_kernel_sq_size and set_rq_size write them (drivers/infiniband/hw/mlx4/qp.c): the send
     * ring's entries less its spare WQEs, the receive ring's entries, each at most
     * {@code maxQpWr} (set_rq_size's bound, which the send side needs too: with WQEs above 64
     * bytes fewer are spare and the ring less its spare could exceed what ib_query_device
     * reported); as many data segments as a WQE of the ring's stride holds after its other
     * segments, up to the device's limits; the inline size as asked (docs/HCA.md §4.5, §10).
     * post_send and post_recv refuse a WR beyond these, so ib_query_qp reports what they allow.
     */
    QpCap actualCap(QpCap asked, int maxQpWr, int maxSendSge, int maxRecvSge) {
        int sendWr = Math.min(maxQpWr, sq.entries() - sqSpare);
        int sendSge = Math.min(maxSendSge,
                (Math.min(MAX_WQE_SIZE, sq.stride()) - sendHeaderSize(ibQp.type())) / Hw.Data.SIZE);
        int recvWr = rq == null ? 0 : Math.min(maxQpWr, rq.entries());
        int recvSge = rq == null ? 0 : Math.min(maxRecvSge, rq.stride() / Hw.Data.SIZE);
        return new QpCap(sendWr, recvWr, sendSge, recvSge, asked.maxInlineData());
    }

    /** Whether a send and a receive WQE of these capabilities fit §5.1's ds. */
    static boolean wqesFit(QpType type, QpCap cap) {
        return sendWqeSize(type, cap) <= MAX_WQE_SIZE && recvWqeSize(cap) <= MAX_WQE_SIZE;
    }

    private static long recvWqeSize(QpCap cap) {
        return (long) Hw.Data.SIZE * Math.max(1, cap.maxRecvSge());
    }

    /**
     * Sizes the rings from the capabilities, which {@link #wqesFit}. The send ring holds the WRs
     * asked and the spare WQEs of its stride, rounded up to a power of two, as set_kernel_sq_size
     * sizes it (drivers/infiniband/hw/mlx4/qp.c).
     */
    static HcaQp create(Kernel kernel, PciFunction pci, Qp ibQp, int qpn, HcaSrq srq) {
        QpCap cap = ibQp.cap();
        if (!wqesFit(ibQp.type(), cap)) {
            throw new IllegalArgumentException("WQEs of " + cap + " do not fit a ds of " + MAX_WQE_SIZE + " bytes");
        }
        long sendSize = sendWqeSize(ibQp.type(), cap);
        long recvSize = recvWqeSize(cap);
        int sqLogStride = log2Ceil((int) Math.max(64, sendSize));
        int sqSpare = sqHeadroom(sqLogStride);
        WorkQueue sq = new WorkQueue(kernel, pci.hostMemory(), "qp->sq.lock", log2Ceil(cap.maxSendWr() + sqSpare),
                sqLogStride);
        WorkQueue rq = srq != null ? null : new WorkQueue(kernel, pci.hostMemory(), "qp->rq.lock",
                log2Ceil(Math.max(1, cap.maxRecvWr())), log2Ceil((int) Math.max(64, recvSize)));
        return new HcaQp(ibQp, qpn, pci, sq, sqSpare, rq, srq);
    }

    /**
     * mlx4's MLX4_IB_SQ_HEADROOM (drivers/infiniband/hw/mlx4/mlx4_ib.h): send WQEs never posted
     * to, 2048 bytes of them and one more, room for mlx4's HCA to prefetch past the last WQE
     * posted. This device reads no WQE at or beyond the producer counter (§5); the driver keeps
     * them all the same, so its rings, and the WRs it takes, are mlx4's.
     */
    static int sqHeadroom(int logStride) {
        return (SQ_HEADROOM_BYTES >> logStride) + 1;
    }

    /**
     * The largest send WQE the capabilities allow: control, then the segments of §5. In 64 bits,
     * so an inline size near 2^31 is too large a WQE (set_kernel_sq_size's -EINVAL), not a
     * negative one.
     */
    static long sendWqeSize(QpType type, QpCap cap) {
        long data = Integer.toUnsignedLong(cap.maxInlineData());
        long inline = (data + Hw.Data.INLINE_HEADER * Math.max(1, inlineSegments(type, data)) + 15) & ~15L;
        return sendHeaderSize(type) + Math.max((long) Hw.Data.SIZE * cap.maxSendSge(), inline);
    }

    /**
     * The inline segments {@code len} bytes may take, one per 64-byte chunk of the WQE (libmlx4's
     * num_inline_segs, rdma-core providers/mlx4/qp.c): a datagram's data starts on a boundary,
     * after the control and datagram segments; another's as late as 32 bytes in, after the control
     * and remote address segments.
     */
    static long inlineSegments(QpType type, long len) {
        long start = type.datagram() ? 0 : Hw.Ctrl.SIZE + Hw.Raddr.SIZE;
        long chunk = Hw.Data.INLINE_ALIGN - Hw.Data.INLINE_HEADER;
        return (len + start + chunk - 1) / chunk;
    }

    /** A send WQE's segments before its data: control, then datagram or remote address (and atomic). */
    static int sendHeaderSize(QpType type) {
        int size = Hw.Ctrl.SIZE;
        if (type.datagram()) {
            size += Hw.Datagram.SIZE;
        } else if (type == QpType.RC) {
            size += Hw.Raddr.SIZE + Hw.Atomic.SIZE;
        } else {
            size += Hw.Raddr.SIZE;
        }
        return size;
    }

    static int log2Ceil(int v) {
        return 32 - Integer.numberOfLeadingZeros(v - 1);
    }

    static int align16(int v) {
        return (v + 15) & ~15;
    }

    Qp ibQp() {
        return ibQp;
    }

    int qpn() {
        return qpn;
    }

    WorkQueue sq() {
        return sq;
    }

    /** Null for a QP on an SRQ. */
    WorkQueue rq() {
        return rq;
    }

    HcaSrq srq() {
        return srq;
    }

    /** The rings and the doorbell record, once the device has let go of the QP (2RST_QP). */
    void freeBuffers() {
        sq.free();
        if (rq != null) {
            rq.free();
        }
        db.free();
    }

    DoorbellRecord db() {
        return db;
    }

    /** After 2RST: the rings start over and the device will read counters of 0. */
    void reset() {
        sq.reset();
        if (rq != null) {
            rq.reset();
        }
        db.set(DB_RQ, 0);
        db.set(DB_SQ, 0);
    }

    // ---- post_send ----------------------------------------------------------------------

    PostResult postSend(List<SendWr> wrs) {
        QpState s = ibQp.state();
        // rxe_post_send: nothing is sent before RTS; SQD and the error states still queue.
        if (s == QpState.RESET || s == QpState.INIT || s == QpState.RTR) {
            return PostResult.fail(Errno.EINVAL.negative(), 0);
        }
        // Under the lock in place, not through a lambda: the hot path allocates nothing whatever
        // the JIT inlines.
        long flags = sq.lock.lockIrqsave();
        try {
            return postSendLocked(wrs);
        } finally {
            sq.lock.unlockIrqrestore(flags);
        }
    }

    private PostResult postSendLocked(List<SendWr> wrs) {
        PostResult result = PostResult.OK;
        int posted = 0;
        for (int i = 0; i < wrs.size(); i++) {
            SendWr wr = wrs.get(i);
            // mlx4_ib_post_send: a full queue (mlx4_wq_overflow) before anything of the WR; full
            // at max_post, the max_send_wr written back, the spare WQEs never posted to.
            int err = sq.outstanding() >= ibQp.cap().maxSendWr() ? Errno.ENOMEM.negative() : checkSend(wr);
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            err = sendWqe(wr);
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            sq.post(sendWqeBuf, wr.wrId(), wr.wrCqe(), wr.opcode());
            posted++;
        }
        // The WRs before a bad one stay posted, so the doorbell rings for them too.
        if (posted > 0) {
            db.set(DB_SQ, sq.head());
            pci.writel(PciFunction.BAR2, Hw.Doorbell.SEND.offset(), Hw.Doorbell.SEND.insert(0, qpn));
        }
        return result;
    }

    private int checkSend(SendWr wr) {
        QpCap cap = ibQp.cap();
        if (wr.numSge() > cap.maxSendSge()) {
            return Errno.EINVAL.negative();
        }
        // rxe_verbs.c validate_send_wr: inline data fits max_inline_data, and only a send or an
        // RDMA write has any; mlx4 ignores the flag on the rest, and this device would read an
        // inline segment as a data segment's key and address.
        boolean inline = (wr.sendFlags() & SendFlags.INLINE) != 0;
        if (inline && (wr.length() > cap.maxInlineData() || !wr.opcode().takesInline())) {
            return Errno.EINVAL.negative();
        }
        SendOpcode op = SendOpcode.of(wr.opcode());
        if (op == null || !allowed(ibQp.type(), wr.opcode())) {
            return Errno.EINVAL.negative();
        }
        if (ibQp.type().datagram()
                && (wr.ah() == null || wr.ah().freed() || wr.ah().pd() != ibQp.pd())) {
            return Errno.EINVAL.negative();
        }
        // mlx4 build_mlx_header: QP1 sends with the P_Key the WR names, ib_get_cached_pkey's
        // -EINVAL for an entry the port's table does not have.
        if (ibQp.type() == QpType.GSI && ibQp.device().port(ibQp.portNum()).cachedPkey(wr.pkeyIndex()) < 0) {
            return Errno.EINVAL.negative();
        }
        if (op.hasAtomic() && (wr.numSge() != 1 || wr.sgList().get(0).length() != 8)) {
            return Errno.EINVAL.negative();
        }
        // struct ib_reg_wr: a region from ib_alloc_mr, mapped, and a key of the same MPT.
        if (op == SendOpcode.FAST_REG && (wr.regMr() == null || wr.regMr().freed()
                || !(wr.regMr().drv() instanceof HcaDriver.HcaMr h) || !h.fastReg() || wr.regMr().length() <= 0
                || (wr.regKey() >>> 8) != h.mpt())) {
            return Errno.EINVAL.negative();
        }
        return 0;
    }

    /** Opcodes each transport allows (IBA Table 38's columns). */
    private static boolean allowed(QpType type, WrOpcode op) {
        return switch (type) {
            case RC -> true;
            case UC -> op == WrOpcode.SEND || op == WrOpcode.SEND_WITH_IMM || op == WrOpcode.SEND_WITH_INV
                    || op == WrOpcode.RDMA_WRITE || op == WrOpcode.RDMA_WRITE_WITH_IMM || op.isLocal();
            case UD, GSI, SMI -> op == WrOpcode.SEND || op == WrOpcode.SEND_WITH_IMM;
            default -> false;
        };
    }

    /**
     * One send WQE, §5, built in {@code sendWqeBuf}: control, datagram, remote address, atomic,
     * data or inline. 0, or -EINVAL when the segments would not fit the ring's stride, or -EFAULT
     * when the inline data of a process's WR is not in its address space. The headers always fit
     * (the smallest stride, 64, holds a REG_MR's control and fast-register segments); what follows
     * them may not: mlx4 writes a local operation's data segments after its fast-register or
     * invalidate segment, into the room its RC WQEs keep for masked atomics, which this device has
     * not, so a REG_MR with data can need more than the stride, and is refused rather than written
     * past it into the next WQE.
     */
    private int sendWqe(SendWr wr) {
        // Built in one buffer per QP: WorkQueue.post copies it into the ring and keeps nothing.
        if (sendWqeBuf.length != sq.stride()) {
            sendWqeBuf = new byte[sq.stride()];
        }
        byte[] w = sendWqeBuf;
        Arrays.fill(w, (byte) 0);
        SendOpcode op = SendOpcode.of(wr.opcode());
        int off = Hw.Ctrl.SIZE;
        if (ibQp.type().datagram()) {
            datagram(w, off, wr);
            off += Hw.Datagram.SIZE;
        }
        if (op.hasRemoteAddress()) {
            Hw.Raddr.VA.set(w, off, wr.remoteAddr());
            Hw.Raddr.RKEY.set(w, off, wr.rkey());
            off += Hw.Raddr.SIZE;
        }
        if (op.hasAtomic()) {
            boolean cs = op == SendOpcode.ATOMIC_CS;
            Hw.Atomic.SWAP_ADD.set(w, off, cs ? wr.swap() : wr.compareAdd());
            Hw.Atomic.COMPARE.set(w, off, cs ? wr.compareAdd() : 0);
            off += Hw.Atomic.SIZE;
        }
        if (op == SendOpcode.FAST_REG) {
            fastRegSeg(w, off, wr);
            off += Hw.FastReg.SIZE;
        } else if (op == SendOpcode.LOCAL_INVAL) {
            Hw.LocalInv.KEY.set(w, off, Integer.toUnsignedLong(wr.immData()));
            off += Hw.LocalInv.SIZE;
        }
        if ((wr.sendFlags() & SendFlags.INLINE) != 0) {
            off = inlineSegments(w, off, wr);
            if (off < 0) {
                return off;
            }
        } else {
            if (off + Hw.Data.SIZE * wr.numSge() > w.length) {
                return Errno.EINVAL.negative();
            }
            for (Sge sge : wr.sgList()) {
                dataSeg(w, off, sge);
                off += Hw.Data.SIZE;
            }
        }
        Hw.Ctrl.OPCODE.set(w, 0, op.value());
        Hw.Ctrl.FENCE.set(w, 0, (wr.sendFlags() & SendFlags.FENCE) != 0 ? 1 : 0);
        Hw.Ctrl.DS.set(w, 0, off / 16);
        Hw.Ctrl.SIGNALED.set(w, 0, ibQp.sigType() == SigType.ALL_WR || wr.signaled() ? 1 : 0);
        Hw.Ctrl.SOLICITED.set(w, 0, (wr.sendFlags() & SendFlags.SOLICITED) != 0 ? 1 : 0);
        Hw.Ctrl.IMM.set(w, 0, sendIeth(wr, op));
        return 0;
    }

    /**
     * mlx4 send_ieth (drivers/infiniband/hw/mlx4/qp.c): the control segment's imm is imm_data for
     * the opcodes with immediate, the rkey to invalidate for SEND_INVAL, and 0 for the rest, whatever
     * the WR's union ex holds (LOCAL_INVAL's key goes in its own segment, §5.8).
     */
    private static int sendIeth(SendWr wr, SendOpcode op) {
        return op.wr().hasImmediate() || op == SendOpcode.SEND_INVAL ? wr.immData() : 0;
    }

    /**
     * The WR's data gathered into inline segments from {@code off} (§5.5): the first word of each
     * is its byte_count with the inline bit, and none crosses a 64-byte boundary of the WQE, so one
     * that reaches a boundary ends there and the rest of the data follows in the next (mlx4's rule:
     * drivers/infiniband/hw/mlx4/qp.c build_mlx_header, drivers/net/ethernet/mellanox/mlx4/en_tx.c
     * build_inline_wqe; libmlx4's mlx4_post_send builds a WR's inline data the same way, and no
     * segment for no data). WQEs start on 64-byte boundaries: the ring is page-aligned and its
     * stride at least 64. Returns the offset after the last segment, 16-byte aligned, -EINVAL when
     * the data would go past the stride, or -EFAULT when a process's data is not in its address
     * space.
     */
    private int inlineSegments(byte[] w, int off, SendWr wr) {
        int seg = off;
        int at = seg + Hw.Data.INLINE_HEADER;
        int segLen = 0;
        for (Sge sge : wr.sgList()) {
            long addr = sge.addr();
            int left = sge.length();
            while (left > 0) {
                int n = Math.min(left, Hw.Data.INLINE_ALIGN - (at & (Hw.Data.INLINE_ALIGN - 1)));
                if (at + n > w.length) {
                    return Errno.EINVAL.negative();
                }
                // A process names its data by its own addresses, which are no host addresses: the
                // bytes come through copy_from_user as rxe's and rdmavt's user QPs take them
                // (drivers/infiniband/sw/rxe/rxe_verbs.c, drivers/infiniband/sw/rdmavt/qp.c).
                if (wr.userMm() == null) {
                    memory.read(addr, w, at, n);
                } else if (wr.userMm().copyFromUser(w, at, addr, n) != 0) {
                    return Errno.EFAULT.negative();
                }
                addr += n;
                left -= n;
                at += n;
                segLen += n;
                if ((at & (Hw.Data.INLINE_ALIGN - 1)) == 0) {
                    inlineHeader(w, seg, segLen);
                    segLen = 0;
                    seg = at;
                    at = seg + Hw.Data.INLINE_HEADER;
                }
            }
        }
        if (segLen == 0) {
            return seg;
        }
        inlineHeader(w, seg, segLen);
        return align16(at);
    }

    private static void inlineHeader(byte[] w, int off, int len) {
        Hw.Data.INLINE.set(w, off, 1);
        Hw.Data.BYTE_COUNT.set(w, off, len);
    }

    /** mlx4 set_reg_seg: the mapping ib_map_mr_sg gave the region, with the WR's key and access. */
    private static void fastRegSeg(byte[] w, int off, SendWr wr) {
        Mr mr = wr.regMr();
        int access = wr.regAccess();
        Hw.FastReg.ATOMIC.set(w, off, (access & AccessFlags.REMOTE_ATOMIC) != 0 ? 1 : 0);
        Hw.FastReg.REMOTE_WRITE.set(w, off, (access & AccessFlags.REMOTE_WRITE) != 0 ? 1 : 0);
        Hw.FastReg.REMOTE_READ.set(w, off, (access & AccessFlags.REMOTE_READ) != 0 ? 1 : 0);
        Hw.FastReg.LOCAL_WRITE.set(w, off, (access & AccessFlags.LOCAL_WRITE) != 0 ? 1 : 0);
        Hw.FastReg.KEY.set(w, off, Integer.toUnsignedLong(wr.regKey()));
        Hw.FastReg.PAGE_LIST.set(w, off, ((HcaDriver.HcaMr) mr.drv()).pageList());
        Hw.FastReg.START.set(w, off, mr.iova());
        Hw.FastReg.LENGTH.set(w, off, mr.length());
        Hw.FastReg.PAGE_COUNT.set(w, off, mr.pages().length);
        Hw.FastReg.LOG_PAGE_SIZE.set(w, off, HcaDriver.PAGE_SHIFT);
    }

    /** set_datagram_seg: the address vector the driver keeps for the AH, copied in. */
    private void datagram(byte[] w, int off, SendWr wr) {
        AhAttr av = (AhAttr) wr.ah().drv();
        Hw.Datagram.PORT.set(w, off, av.portNum());
        Hw.Datagram.PD.set(w, off, HcaDriver.pdn(wr.ah().pd()));
        AddressPath.DATAGRAM.write(w, off, av);
        Hw.Datagram.REMOTE_QPN.set(w, off, wr.remoteQpn());
        Hw.Datagram.QKEY.set(w, off, Integer.toUnsignedLong(wr.remoteQkey()));
        Hw.Datagram.PKEY_INDEX.set(w, off, wr.pkeyIndex());
    }

    static void dataSeg(byte[] w, int off, Sge sge) {
        Hw.Data.BYTE_COUNT.set(w, off, Integer.toUnsignedLong(sge.length()));
        Hw.Data.LKEY.set(w, off, Integer.toUnsignedLong(sge.lkey()));
        Hw.Data.ADDR.set(w, off, sge.addr());
    }

    /** A receive WQE, §5.5: data segments, ended by the invalid lkey when shorter than the stride. */
    static byte[] recvWqe(RecvWr wr, int stride) {
        return recvWqe(wr, new byte[stride]);
    }

    /** {@link #recvWqe(RecvWr, int)} built in {@code w}, whose length is the stride. */
    static byte[] recvWqe(RecvWr wr, byte[] w) {
        Arrays.fill(w, (byte) 0);
        int stride = w.length;
        int off = 0;
        for (Sge sge : wr.sgList()) {
            dataSeg(w, off, sge);
            off += Hw.Data.SIZE;
        }
        if (off < stride) {
            Hw.Data.LKEY.set(w, off, Hw.Data.INVALID_LKEY);
        }
        return w;
    }

    // ---- post_recv ----------------------------------------------------------------------

    PostResult postRecv(List<RecvWr> wrs) {
        // mlx4_ib_post_recv: a QP on an SRQ has a receive queue of no entries, always full.
        if (rq == null) {
            return PostResult.fail(Errno.ENOMEM.negative(), 0);
        }
        // rxe_post_recv: receives may be posted from INIT on.
        if (ibQp.state() == QpState.RESET) {
            return PostResult.fail(Errno.EINVAL.negative(), 0);
        }

        long flags = rq.lock.lockIrqsave();
        try {
            return postRecvLocked(wrs);
        } finally {
            rq.lock.unlockIrqrestore(flags);
        }
    }

    private PostResult postRecvLocked(List<RecvWr> wrs) {
        PostResult result = PostResult.OK;
        int posted = 0;
        for (int i = 0; i < wrs.size(); i++) {
            RecvWr wr = wrs.get(i);
            // mlx4_ib_post_recv: a full queue first, then too many segments.
            int err = rq.outstanding() >= ibQp.cap().maxRecvWr() ? Errno.ENOMEM.negative()
                    : wr.numSge() > ibQp.cap().maxRecvSge() ? Errno.EINVAL.negative() : 0;
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            if (recvWqeBuf.length != rq.stride()) {
                recvWqeBuf = new byte[rq.stride()];
            }
            rq.post(recvWqe(wr, recvWqeBuf), wr.wrId(), wr.wrCqe(), null);
            posted++;
        }
        if (posted > 0) {
            db.set(DB_RQ, rq.head());
            pci.writel(PciFunction.BAR2, Hw.Doorbell.RECV.offset(), Hw.Doorbell.RECV.insert(0, qpn));
        }
        return result;
    }

    // ---- poll_cq ------------------------------------------------------------------------

    /** mlx4_ib_qp_sw_comp: the oldest WQE of {@code q} as a WR_FLUSH_ERR completion of no CQE. */
    void flushed(WorkQueue q, boolean send, Wc wc) {
        int index = q.tail();
        clear(wc);
        wc.wrId = q.wrId(index);
        wc.wrCqe = q.wrCqe(index);
        wc.status = WcStatus.WR_FLUSH_ERR;
        wc.vendorErr = Syndrome.WR_FLUSH_ERR.value();
        wc.opcode = send ? q.opcode(index).completion() : WcOpcode.RECV;
        q.completeOldest();
    }

    /** mlx4_ib_poll_one for a CQE of this QP: the WQE it names and everything §6 says. */
    void complete(byte[] cqe, Wc wc) {
        boolean send = Hw.Cqe.IS_SEND.isSet(cqe, 0);
        int index = Hw.Cqe.WQE_INDEX.getInt(cqe, 0);
        int opcode = Hw.Cqe.OPCODE.getInt(cqe, 0);
        clear(wc);
        WrOpcode posted = null;
        if (send) {
            wc.wrId = sq.wrId(index);
            wc.wrCqe = sq.wrCqe(index);
            posted = sq.opcode(index);
            sq.completeUpTo(index);
        } else if (srq != null) {
            // mlx4_ib_poll_one: an SRQ's WQEs complete in any order; this one goes back on its list.
            wc.wrId = srq.wrId(index);
            wc.wrCqe = srq.wrCqe(index);
            srq.free(index);
        } else {
            wc.wrId = rq.wrId(index);
            wc.wrCqe = rq.wrCqe(index);
            rq.completeUpTo(index);
        }
        if (opcode == Hw.Cqe.OPCODE_ERROR) {
            wc.status = Syndrome.statusOf(Hw.Cqe.SYNDROME.getInt(cqe, 0));
            wc.vendorErr = Hw.Cqe.VENDOR_SYNDROME.getInt(cqe, 0);
            wc.opcode = send ? posted.completion() : WcOpcode.RECV;
            return;
        }
        wc.byteLen = Hw.Cqe.BYTE_CNT.getInt(cqe, 0);
        if (send) {
            SendOpcode op = SendOpcode.of(opcode);
            wc.opcode = op != null ? op.completion() : posted.completion();
            // mlx4_ib_poll_one: the send side of SEND_IMM and RDMA_WRITE_IMM completes with
            // IB_WC_WITH_IMM too (with no imm_data), as the receive side does.
            if (op != null && op.wr().hasImmediate()) {
                wc.wcFlags |= WcFlags.WITH_IMM;
            }
            // mlx4_ib_poll_one: an RDMA_READ reports the CQE's byte count, an atomic the 8 bytes
            // of its result whatever the CQE says.
            if (op != null && op.hasAtomic()) {
                wc.byteLen = ATOMIC_BYTE_LEN;
            }
            return;
        }
        wc.opcode = opcode == Hw.Cqe.RECV_RDMA_WRITE_IMM ? WcOpcode.RECV_RDMA_WITH_IMM : WcOpcode.RECV;
        if (opcode == Hw.Cqe.RECV_RDMA_WRITE_IMM || opcode == Hw.Cqe.RECV_SEND_IMM) {
            wc.wcFlags |= WcFlags.WITH_IMM;
        }
        if (opcode == Hw.Cqe.RECV_SEND_INVAL) {
            wc.wcFlags |= WcFlags.WITH_INVALIDATE;
        }
        if (Hw.Cqe.GRH.isSet(cqe, 0)) {
            wc.wcFlags |= WcFlags.GRH;
        }
        wc.immData = Hw.Cqe.IMM.getInt(cqe, 0);
        wc.srcQp = Hw.Cqe.SRC_QPN.getInt(cqe, 0);
        wc.slid = Hw.Cqe.SLID.getInt(cqe, 0);
        wc.sl = Hw.Cqe.SL.getInt(cqe, 0);
        wc.pkeyIndex = Hw.Cqe.PKEY_INDEX.getInt(cqe, 0);
        wc.dlidPathBits = Hw.Cqe.DLID_PATH_BITS.getInt(cqe, 0);
    }

    private void clear(Wc wc) {
        wc.qp = ibQp;
        wc.portNum = ibQp.portNum();
        wc.status = WcStatus.SUCCESS;
        wc.vendorErr = 0;
        wc.byteLen = 0;
        wc.immData = 0;
        wc.srcQp = 0;
        wc.wcFlags = 0;
        wc.pkeyIndex = 0;
        wc.slid = 0;
        wc.sl = 0;
        wc.dlidPathBits = 0;
    }
}
