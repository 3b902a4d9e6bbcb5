// drivers/infiniband/core/verbs.c: qp_state_table and ib_modify_qp_is_ok, for RC, UC, UD and GSI
package org.ibmodel.props;

import static org.ibmodel.core.QpState.ERR;
import static org.ibmodel.core.QpState.INIT;
import static org.ibmodel.core.QpState.RESET;
import static org.ibmodel.core.QpState.RTR;
import static org.ibmodel.core.QpState.RTS;
import static org.ibmodel.core.QpState.SQD;
import static org.ibmodel.core.QpState.SQE;
import static org.ibmodel.core.QpType.GSI;
import static org.ibmodel.core.QpType.RC;
import static org.ibmodel.core.QpType.UC;
import static org.ibmodel.core.QpType.UD;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;

/**
 * The stateful test's own copy of the kernel's QP transition table, transcribed from verbs.c for
 * the QP types the test creates. It is kept apart from {@code org.ibmodel.core.QpStateTable} on
 * purpose: the abstract model predicts with this table, so a wrong cell on either side shows up
 * as a disagreement. Bit values are spelled out from include/rdma/ib_verbs.h for the same reason.
 */
final class QpTableSpec {
    // include/rdma/ib_verbs.h: enum ib_qp_attr_mask
    static final int STATE = 1;
    static final int CUR_STATE = 1 << 1;
    static final int EN_SQD_ASYNC_NOTIFY = 1 << 2;
    static final int ACCESS_FLAGS = 1 << 3;
    static final int PKEY_INDEX = 1 << 4;
    static final int PORT = 1 << 5;
    static final int QKEY = 1 << 6;
    static final int AV = 1 << 7;
    static final int PATH_MTU = 1 << 8;
    static final int TIMEOUT = 1 << 9;
    static final int RETRY_CNT = 1 << 10;
    static final int RNR_RETRY = 1 << 11;
    static final int RQ_PSN = 1 << 12;
    static final int MAX_QP_RD_ATOMIC = 1 << 13;
    static final int ALT_PATH = 1 << 14;
    static final int MIN_RNR_TIMER = 1 << 15;
    static final int SQ_PSN = 1 << 16;
    static final int MAX_DEST_RD_ATOMIC = 1 << 17;
    static final int PATH_MIG_STATE = 1 << 18;
    static final int CAP = 1 << 19;
    static final int DEST_QPN = 1 << 20;
    static final int RATE_LIMIT = 1 << 25;
    /** Every bit ib_verbs.h names (the reserved ones included), for "one bit too many" requests. */
    static final int[] ALL_BITS = {CUR_STATE, EN_SQD_ASYNC_NOTIFY, ACCESS_FLAGS, PKEY_INDEX, PORT, QKEY,
        AV, PATH_MTU, TIMEOUT, RETRY_CNT, RNR_RETRY, RQ_PSN, MAX_QP_RD_ATOMIC, ALT_PATH, MIN_RNR_TIMER,
        SQ_PSN, MAX_DEST_RD_ATOMIC, PATH_MIG_STATE, CAP, DEST_QPN, 1 << 21, 1 << 22, 1 << 23, 1 << 24,
        RATE_LIMIT};

    /** Required and optional attributes of one move for one QP type. */
    record Cell(int required, int optional) {
    }

    private static final Cell STATE_ONLY = new Cell(0, 0);
    private static final Map<QpState, Map<QpState, Map<QpType, Cell>>> TABLE = new EnumMap<>(QpState.class);

    static {
        valid(RESET, RESET);
        valid(RESET, INIT)
                .req(UD, PKEY_INDEX | PORT | QKEY)
                .req(UC, PKEY_INDEX | PORT | ACCESS_FLAGS)
                .req(RC, PKEY_INDEX | PORT | ACCESS_FLAGS)
                .req(GSI, PKEY_INDEX | QKEY);
        valid(INIT, RESET);
        valid(INIT, ERR);
        valid(INIT, INIT)
                .opt(UD, PKEY_INDEX | PORT | QKEY)
                .opt(UC, PKEY_INDEX | PORT | ACCESS_FLAGS)
                .opt(RC, PKEY_INDEX | PORT | ACCESS_FLAGS)
                .opt(GSI, PKEY_INDEX | QKEY);
        valid(INIT, RTR)
                .req(UC, AV | PATH_MTU | DEST_QPN | RQ_PSN)
                .req(RC, AV | PATH_MTU | DEST_QPN | RQ_PSN | MAX_DEST_RD_ATOMIC | MIN_RNR_TIMER)
                .opt(UD, PKEY_INDEX | QKEY)
                .opt(UC, ALT_PATH | ACCESS_FLAGS | PKEY_INDEX)
                .opt(RC, ALT_PATH | ACCESS_FLAGS | PKEY_INDEX)
                .opt(GSI, PKEY_INDEX | QKEY);
        valid(RTR, RESET);
        valid(RTR, ERR);
        valid(RTR, RTS)
                .req(UD, SQ_PSN)
                .req(UC, SQ_PSN)
                .req(RC, TIMEOUT | RETRY_CNT | RNR_RETRY | SQ_PSN | MAX_QP_RD_ATOMIC)
                .req(GSI, SQ_PSN)
                .opt(UD, CUR_STATE | QKEY)
                .opt(UC, CUR_STATE | ALT_PATH | ACCESS_FLAGS | PATH_MIG_STATE)
                .opt(RC, CUR_STATE | ALT_PATH | ACCESS_FLAGS | MIN_RNR_TIMER | PATH_MIG_STATE)
                .opt(GSI, CUR_STATE | QKEY);
        valid(RTS, RESET);
        valid(RTS, ERR);
        valid(RTS, RTS)
                .opt(UD, CUR_STATE | QKEY)
                .opt(UC, CUR_STATE | ACCESS_FLAGS | ALT_PATH | PATH_MIG_STATE)
                .opt(RC, CUR_STATE | ACCESS_FLAGS | ALT_PATH | PATH_MIG_STATE | MIN_RNR_TIMER)
                .opt(GSI, CUR_STATE | QKEY);
        valid(RTS, SQD)
                .opt(UD, EN_SQD_ASYNC_NOTIFY)
                .opt(UC, EN_SQD_ASYNC_NOTIFY)
                .opt(RC, EN_SQD_ASYNC_NOTIFY)
                .opt(GSI, EN_SQD_ASYNC_NOTIFY);
        valid(SQD, RESET);
        valid(SQD, ERR);
        valid(SQD, RTS)
                .opt(UD, CUR_STATE | QKEY)
                .opt(UC, CUR_STATE | ALT_PATH | ACCESS_FLAGS | PATH_MIG_STATE)
                .opt(RC, CUR_STATE | ALT_PATH | ACCESS_FLAGS | MIN_RNR_TIMER | PATH_MIG_STATE)
                .opt(GSI, CUR_STATE | QKEY);
        valid(SQD, SQD)
                .opt(UD, PKEY_INDEX | QKEY)
                .opt(UC, AV | ALT_PATH | ACCESS_FLAGS | PKEY_INDEX | PATH_MIG_STATE)
                .opt(RC, PORT | AV | TIMEOUT | RETRY_CNT | RNR_RETRY | MAX_QP_RD_ATOMIC | MAX_DEST_RD_ATOMIC
                        | ALT_PATH | ACCESS_FLAGS | PKEY_INDEX | MIN_RNR_TIMER | PATH_MIG_STATE)
                .opt(GSI, PKEY_INDEX | QKEY);
        valid(SQE, RESET);
        valid(SQE, ERR);
        valid(SQE, RTS)
                .opt(UD, CUR_STATE | QKEY)
                .opt(UC, CUR_STATE | ACCESS_FLAGS)
                .opt(GSI, CUR_STATE | QKEY);
        valid(ERR, RESET);
        valid(ERR, ERR);
    }

    private QpTableSpec() {
    }

    /** The cell for a move, or null when verbs.c marks the move invalid. */
    static Cell cell(QpState from, QpState to, QpType type) {
        Map<QpState, Map<QpType, Cell>> row = TABLE.get(from);
        Map<QpType, Cell> types = row == null ? null : row.get(to);
        if (types == null) {
            return null;
        }
        // A type without an entry in a valid cell may move with IB_QP_STATE alone.
        return types.getOrDefault(type, STATE_ONLY);
    }

    /** The states a QP of {@code type} may move to from {@code from}. */
    static List<QpState> successors(QpState from, QpType type) {
        List<QpState> out = new ArrayList<>();
        for (QpState to : QpState.values()) {
            if (cell(from, to, type) != null) {
                out.add(to);
            }
        }
        return out;
    }

    /**
     * ib_modify_qp_is_ok: IB_QP_CUR_STATE only from the states that can send, every required bit,
     * nothing beyond required, optional and IB_QP_STATE.
     */
    static boolean isModifyOk(QpState cur, QpState next, QpType type, int mask) {
        if ((mask & CUR_STATE) != 0 && cur != RTR && cur != RTS && cur != SQD && cur != SQE) {
            return false;
        }
        Cell c = cell(cur, next, type);
        if (c == null) {
            return false;
        }
        return (mask & c.required()) == c.required() && (mask & ~(c.required() | c.optional() | STATE)) == 0;
    }

    private static Row valid(QpState from, QpState to) {
        Map<QpType, Cell> types = new EnumMap<>(QpType.class);
        TABLE.computeIfAbsent(from, k -> new EnumMap<>(QpState.class)).put(to, types);
        return new Row(types);
    }

    private record Row(Map<QpType, Cell> types) {
        Row req(QpType t, int bits) {
            Cell c = types.getOrDefault(t, STATE_ONLY);
            types.put(t, new Cell(bits, c.optional()));
            return this;
        }

        Row opt(QpType t, int bits) {
            Cell c = types.getOrDefault(t, STATE_ONLY);
            types.put(t, new Cell(c.required(), bits));
            return this;
        }
    }
}
