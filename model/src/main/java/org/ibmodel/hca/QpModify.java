// drivers/infiniband/hw/mthca/mthca_qp.c (state_table's trans, __mthca_modify_qp) and
// drivers/infiniband/hw/mlx4/qp.c (to_mlx4_state, __mlx4_ib_modify_qp optpar); docs/HCA.md §3.3, §4.5
package org.ibmodel.hca;

import static org.ibmodel.core.QpState.ERR;
import static org.ibmodel.core.QpState.INIT;
import static org.ibmodel.core.QpState.RESET;
import static org.ibmodel.core.QpState.RTR;
import static org.ibmodel.core.QpState.RTS;
import static org.ibmodel.core.QpState.SQD;
import static org.ibmodel.core.QpState.SQE;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;

/**
 * How an ib_modify_qp becomes a firmware command: the command for cur→next, the optpar bits the
 * attribute mask names, and the QP context mailbox built from the QP's attributes with the
 * requested ones laid over them.
 */
final class QpModify {
    /** The command for each (cur, next) ib_core may ask for; RESET and ERR targets are separate. */
    private static final Map<QpState, Map<QpState, CmdOp>> COMMAND = new EnumMap<>(QpState.class);

    static {
        put(RESET, INIT, CmdOp.RST2INIT_QP);
        put(INIT, INIT, CmdOp.INIT2INIT_QP);
        put(INIT, RTR, CmdOp.INIT2RTR_QP);
        put(RTR, RTS, CmdOp.RTR2RTS_QP);
        put(RTS, RTS, CmdOp.RTS2RTS_QP);
        put(SQE, RTS, CmdOp.SQERR2RTS_QP);
        put(RTS, SQD, CmdOp.RTS2SQD_QP);
        put(SQD, SQD, CmdOp.SQD2SQD_QP);
        put(SQD, RTS, CmdOp.SQD2RTS_QP);
    }

    /** §4.5 optpar: which ib_qp_attr_mask bit names which optpar bit. */
    private static final Map<QpAttrMask, Field> OPTPAR = new LinkedHashMap<>();

    static {
        OPTPAR.put(QpAttrMask.ACCESS_FLAGS, Hw.Optpar.REMOTE_ACCESS);
        OPTPAR.put(QpAttrMask.PKEY_INDEX, Hw.Optpar.PKEY_INDEX);
        OPTPAR.put(QpAttrMask.PORT, Hw.Optpar.PORT);
        OPTPAR.put(QpAttrMask.QKEY, Hw.Optpar.QKEY);
        OPTPAR.put(QpAttrMask.AV, Hw.Optpar.ADDRESS_PATH);
        OPTPAR.put(QpAttrMask.PATH_MTU, Hw.Optpar.PATH_MTU);
        OPTPAR.put(QpAttrMask.TIMEOUT, Hw.Optpar.ACK_TIMEOUT);
        OPTPAR.put(QpAttrMask.RETRY_CNT, Hw.Optpar.RETRY_CNT);
        OPTPAR.put(QpAttrMask.RNR_RETRY, Hw.Optpar.RNR_RETRY);
        OPTPAR.put(QpAttrMask.MIN_RNR_TIMER, Hw.Optpar.MIN_RNR_TIMER);
        OPTPAR.put(QpAttrMask.MAX_QP_RD_ATOMIC, Hw.Optpar.MAX_RD_ATOMIC);
        OPTPAR.put(QpAttrMask.MAX_DEST_RD_ATOMIC, Hw.Optpar.MAX_DEST_RD_ATOMIC);
        OPTPAR.put(QpAttrMask.ALT_PATH, Hw.Optpar.ALT_ADDRESS_PATH);
        OPTPAR.put(QpAttrMask.PATH_MIG_STATE, Hw.Optpar.PM_STATE);
    }

    /** enum ib_mig_state (MIGRATED, REARM, ARMED) as §4.5's pm_state, as mthca_qp.c maps it. */
    private static final int[] PM_STATE = {Hw.QpCtx.PM_MIGRATED, Hw.QpCtx.PM_REARM, Hw.QpCtx.PM_ARMED};

    /** pm_state for an ib_mig_state; a value outside the enum leaves the bits 0, as mthca's switch does. */
    static int pmState(int migState) {
        return migState >= 0 && migState < PM_STATE.length ? PM_STATE[migState] : 0;
    }

    /** The ib_mig_state of a pm_state, -1 for none (mthca_qp.c, to_ib_mig_state). */
    static int migState(int pmState) {
        for (int i = 0; i < PM_STATE.length; i++) {
            if (PM_STATE[i] == pmState) {
                return i;
            }
        }
        return -1;
    }

    private QpModify() {
    }

    private static void put(QpState cur, QpState next, CmdOp op) {
        COMMAND.computeIfAbsent(cur, k -> new EnumMap<>(QpState.class)).put(next, op);
    }

    /** The command for cur→next, or null when none is needed (RESET→RESET) or none exists. */
    static CmdOp command(QpState cur, QpState next) {
        if (next == RESET) {
            return cur == RESET ? null : CmdOp.RST_QP;
        }
        if (next == ERR) {
            return CmdOp.ERR_QP;
        }
        return COMMAND.getOrDefault(cur, Map.of()).get(next);
    }

    static boolean takesMailbox(CmdOp op) {
        return op != CmdOp.RTS2SQD_QP && op != CmdOp.ERR_QP && op != CmdOp.RST_QP;
    }

    /** §4.5: fields a command always takes, so they are never named in optpar. */
    private static int alwaysTaken(CmdOp op) {
        return switch (op) {
            case INIT2RTR_QP -> QpAttrMask.of(QpAttrMask.AV, QpAttrMask.PATH_MTU, QpAttrMask.DEST_QPN,
                    QpAttrMask.RQ_PSN);
            case RTR2RTS_QP -> QpAttrMask.SQ_PSN.bit();
            default -> 0;
        };
    }

    /** The optpar word for {@code mask}; RST2INIT takes the whole context and needs none. */
    static int optpar(CmdOp op, int mask) {
        if (op == CmdOp.RST2INIT_QP) {
            return 0;
        }
        int word = 0;
        int named = mask & ~alwaysTaken(op);
        // __mlx4_ib_modify_qp: a new max_dest_rd_atomic recomputes the remote access bits too.
        if (QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(named)) {
            named |= QpAttrMask.ACCESS_FLAGS.bit();
        }
        for (Map.Entry<QpAttrMask, Field> e : OPTPAR.entrySet()) {
            if (e.getKey().isSet(named)) {
                word = e.getValue().insert(word, 1);
            }
        }
        return word;
    }

    /**
     * __mlx4_ib_modify_qp keeps a read depth as fls(n - 1), a log2, so the device runs with the
     * next power of two; 0 stays 0 (HCA.md §4.5: one outstanding read, no responder resources).
     */
    static int readDepth(int n) {
        return n <= 0 ? 0 : 1 << (Integer.SIZE - Integer.numberOfLeadingZeros(n - 1));
    }

    /** mlx4_ib_query_qp's 1 << log2 of a context's depth: a depth of 0 is 2^0. */
    static int reportedDepth(int depth) {
        return Math.max(1, depth);
    }

    /**
     * to_mlx4_access_flags (drivers/infiniband/hw/mlx4/qp.c): a QP that keeps no responder
     * resources takes no RDMA READ or atomic, whatever its access flags say; the flags themselves
     * stay with ib_core, so a later max_dest_rd_atomic gives them back.
     */
    static int remoteAccess(int accessFlags, int maxDestRdAtomic) {
        return maxDestRdAtomic == 0 ? accessFlags & AccessFlags.REMOTE_WRITE : accessFlags;
    }

    /** The ib access flags of the context's remote access bits (mlx4's to_ib_qp_access_flags). */
    static int accessFlags(byte[] b, int c) {
        int flags = 0;
        if (Hw.QpCtx.REMOTE_READ.isSet(b, c)) {
            flags |= AccessFlags.REMOTE_READ;
        }
        if (Hw.QpCtx.REMOTE_WRITE.isSet(b, c)) {
            flags |= AccessFlags.REMOTE_WRITE;
        }
        if (Hw.QpCtx.REMOTE_ATOMIC.isSet(b, c)) {
            flags |= AccessFlags.REMOTE_ATOMIC;
        }
        return flags;
    }

    /** The QP's attributes with those {@code mask} names replaced by {@code req}'s. */
    static QpAttr merge(QpAttr cur, QpAttr req, int mask) {
        QpAttr m = cur.copy();
        if (QpAttrMask.PORT.isSet(mask)) {
            m.portNum = req.portNum;
        }
        if (QpAttrMask.PKEY_INDEX.isSet(mask)) {
            m.pkeyIndex = req.pkeyIndex;
        }
        if (QpAttrMask.QKEY.isSet(mask)) {
            m.qkey = req.qkey;
        }
        if (QpAttrMask.ACCESS_FLAGS.isSet(mask)) {
            m.qpAccessFlags = req.qpAccessFlags;
        }
        if (QpAttrMask.AV.isSet(mask)) {
            m.ahAttr = req.ahAttr;
        }
        if (QpAttrMask.ALT_PATH.isSet(mask)) {
            m.altAhAttr = req.altAhAttr;
            m.altPortNum = req.altPortNum;
            m.altPkeyIndex = req.altPkeyIndex;
            m.altTimeout = req.altTimeout;
        }
        if (QpAttrMask.PATH_MIG_STATE.isSet(mask)) {
            m.pathMigState = req.pathMigState;
        }
        if (QpAttrMask.PATH_MTU.isSet(mask)) {
            m.pathMtuValue = req.pathMtuValue;
        }
        if (QpAttrMask.DEST_QPN.isSet(mask)) {
            m.destQpNum = req.destQpNum;
        }
        if (QpAttrMask.RQ_PSN.isSet(mask)) {
            m.rqPsn = req.rqPsn;
        }
        if (QpAttrMask.SQ_PSN.isSet(mask)) {
            m.sqPsn = req.sqPsn;
        }
        if (QpAttrMask.TIMEOUT.isSet(mask)) {
            m.timeout = req.timeout;
        }
        if (QpAttrMask.RETRY_CNT.isSet(mask)) {
            m.retryCnt = req.retryCnt;
        }
        if (QpAttrMask.RNR_RETRY.isSet(mask)) {
            m.rnrRetry = req.rnrRetry;
        }
        if (QpAttrMask.MIN_RNR_TIMER.isSet(mask)) {
            m.minRnrTimer = req.minRnrTimer;
        }
        if (QpAttrMask.MAX_QP_RD_ATOMIC.isSet(mask)) {
            m.maxRdAtomic = req.maxRdAtomic;
        }
        if (QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(mask)) {
            m.maxDestRdAtomic = req.maxDestRdAtomic;
        }
        return m;
    }

    /** §4.5 service type of an ib_qp_type. */
    static int serviceType(QpType t) {
        return switch (t) {
            case RC -> 0;
            case UC -> 1;
            case UD -> 3;
            default -> 7;
        };
    }

    /**
     * The mailbox: optpar at 0x00, the context at 0x08 (§4). {@code pathMtuGiven}: this modify
     * names IB_QP_PATH_MTU.
     */
    static byte[] mailbox(HcaQp hq, QpAttr a, int access, int optpar, boolean pathMtuGiven) {
        Qp qp = hq.ibQp();
        byte[] b = new byte[Hw.CTX + Hw.QpCtx.SIZE];
        Field.putWord(b, 0, optpar);
        int c = Hw.CTX;
        Hw.QpCtx.SERVICE_TYPE.set(b, c, serviceType(qp.type()));
        Hw.QpCtx.PM_STATE.set(b, c, pmState(a.pathMigState));
        Hw.QpCtx.PD.set(b, c, HcaDriver.pdn(qp.pd()));
        Hw.QpCtx.SEND_CQN.set(b, c, ((HcaCq) qp.sendCq().drv()).cqn());
        Hw.QpCtx.RECV_CQN.set(b, c, ((HcaCq) qp.recvCq().drv()).cqn());
        if (hq.srq() != null) {
            Hw.QpCtx.HAS_SRQ.set(b, c, 1);
            Hw.QpCtx.SRQN.set(b, c, hq.srq().srqn());
        }
        Hw.QpCtx.SQ_LOG_SIZE.set(b, c, hq.sq().logSize());
        Hw.QpCtx.SQ_LOG_STRIDE.set(b, c, hq.sq().logStride());
        if (hq.rq() != null) {
            Hw.QpCtx.RQ_LOG_SIZE.set(b, c, hq.rq().logSize());
            Hw.QpCtx.RQ_LOG_STRIDE.set(b, c, hq.rq().logStride());
            Hw.QpCtx.RQ_ADDR.set(b, c, hq.rq().buffer());
        }
        Hw.QpCtx.SQ_ADDR.set(b, c, hq.sq().buffer());
        Hw.QpCtx.DB_RECORD.set(b, c, hq.db().addr());
        Hw.QpCtx.PKEY_INDEX.set(b, c, a.pkeyIndex);
        // SMI and GSI QPs belong to the port they were created for (ib_core keeps it).
        Hw.QpCtx.PORT.set(b, c, qp.type() == QpType.SMI || qp.type() == QpType.GSI ? qp.portNum() : a.portNum);
        Hw.QpCtx.QKEY.set(b, c, Integer.toUnsignedLong(a.qkey));
        Hw.QpCtx.REMOTE_QPN.set(b, c, a.destQpNum);
        if (a.ahAttr != null) {
            AddressPath.PRIMARY.write(b, c, a.ahAttr);
        }
        if (a.altAhAttr != null) {
            Hw.QpCtx.ALT_PKEY_INDEX.set(b, c, a.altPkeyIndex);
            Hw.QpCtx.ALT_PORT.set(b, c, a.altPortNum);
            Hw.QpCtx.ALT_ACK_TIMEOUT.set(b, c, a.altTimeout);
            AddressPath.ALTERNATE.write(b, c, a.altAhAttr);
        }
        // __mlx4_ib_modify_qp: UD, GSI and SMI QPs get a 4096-byte MTU in every context; the
        // device sends datagrams at its max_mtu (§3.5), and ib_query_qp reads the 4096 back. A
        // connected QP's is written only by the modify that gives it (INIT->RTR), so one in
        // INIT reads back 0, as mlx4_ib_query_qp reports it.
        int mtu = pathMtuGiven ? a.pathMtuValue : 0;
        Hw.QpCtx.PATH_MTU.set(b, c, qp.type().datagram() ? Mtu.MTU_4096.value() : mtu);
        Hw.QpCtx.ACK_TIMEOUT.set(b, c, a.timeout);
        Hw.QpCtx.RETRY_CNT.set(b, c, a.retryCnt);
        Hw.QpCtx.RNR_RETRY.set(b, c, a.rnrRetry);
        Hw.QpCtx.MIN_RNR_TIMER.set(b, c, a.minRnrTimer);
        Hw.QpCtx.SQ_PSN.set(b, c, a.sqPsn);
        Hw.QpCtx.RQ_PSN.set(b, c, a.rqPsn);
        Hw.QpCtx.MAX_RD_ATOMIC.set(b, c, readDepth(a.maxRdAtomic));
        Hw.QpCtx.MAX_DEST_RD_ATOMIC.set(b, c, readDepth(a.maxDestRdAtomic));
        Hw.QpCtx.REMOTE_ATOMIC.set(b, c, (access & AccessFlags.REMOTE_ATOMIC) != 0 ? 1 : 0);
        Hw.QpCtx.REMOTE_WRITE.set(b, c, (access & AccessFlags.REMOTE_WRITE) != 0 ? 1 : 0);
        Hw.QpCtx.REMOTE_READ.set(b, c, (access & AccessFlags.REMOTE_READ) != 0 ? 1 : 0);
        return b;
    }
}
