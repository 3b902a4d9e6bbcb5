// drivers/infiniband/core/verbs.c: qp_state_table and ib_modify_qp_is_ok
package org.ibmodel.core;

import static org.ibmodel.core.QpAttrMask.ACCESS_FLAGS;
import static org.ibmodel.core.QpAttrMask.ALT_PATH;
import static org.ibmodel.core.QpAttrMask.AV;
import static org.ibmodel.core.QpAttrMask.CUR_STATE;
import static org.ibmodel.core.QpAttrMask.DEST_QPN;
import static org.ibmodel.core.QpAttrMask.EN_SQD_ASYNC_NOTIFY;
import static org.ibmodel.core.QpAttrMask.MAX_DEST_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MAX_QP_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MIN_RNR_TIMER;
import static org.ibmodel.core.QpAttrMask.PATH_MIG_STATE;
import static org.ibmodel.core.QpAttrMask.PATH_MTU;
import static org.ibmodel.core.QpAttrMask.PKEY_INDEX;
import static org.ibmodel.core.QpAttrMask.PORT;
import static org.ibmodel.core.QpAttrMask.QKEY;
import static org.ibmodel.core.QpAttrMask.RATE_LIMIT;
import static org.ibmodel.core.QpAttrMask.RETRY_CNT;
import static org.ibmodel.core.QpAttrMask.RNR_RETRY;
import static org.ibmodel.core.QpAttrMask.RQ_PSN;
import static org.ibmodel.core.QpAttrMask.SQ_PSN;
import static org.ibmodel.core.QpAttrMask.STATE;
import static org.ibmodel.core.QpAttrMask.TIMEOUT;
import static org.ibmodel.core.QpState.ERR;
import static org.ibmodel.core.QpState.INIT;
import static org.ibmodel.core.QpState.RESET;
import static org.ibmodel.core.QpState.RTR;
import static org.ibmodel.core.QpState.RTS;
import static org.ibmodel.core.QpState.SQD;
import static org.ibmodel.core.QpState.SQE;
import static org.ibmodel.core.QpType.GSI;
import static org.ibmodel.core.QpType.RAW_PACKET;
import static org.ibmodel.core.QpType.RC;
import static org.ibmodel.core.QpType.SMI;
import static org.ibmodel.core.QpType.UC;
import static org.ibmodel.core.QpType.UD;
import static org.ibmodel.core.QpType.XRC_INI;
import static org.ibmodel.core.QpType.XRC_TGT;

import java.util.EnumMap;
import java.util.Map;

/**
 * The QP transition table as data: for each (current, next) state whether the move is legal at
 * all, and per QP type the attributes it requires and the ones it allows. A type with no entry
 * in a valid cell may make the move with {@code IB_QP_STATE} alone, as in the kernel, whose
 * arrays are zero for such types.
 */
public final class QpStateTable {

    /** One cell of the table. */
    public static final class Transition {
        private final QpState from;
        private final QpState to;
        private final Map<QpType, Integer> required = new EnumMap<>(QpType.class);
        private final Map<QpType, Integer> optional = new EnumMap<>(QpType.class);

        Transition(QpState from, QpState to) {
            this.from = from;
            this.to = to;
        }

        public QpState from() {
            return from;
        }

        public QpState to() {
            return to;
        }

        public int required(QpType type) {
            return required.getOrDefault(type, 0);
        }

        public int optional(QpType type) {
            return optional.getOrDefault(type, 0);
        }

        Transition req(QpType type, QpAttrMask... bits) {
            required.put(type, QpAttrMask.of(bits));
            return this;
        }

        Transition opt(QpType type, QpAttrMask... bits) {
            optional.put(type, QpAttrMask.of(bits));
            return this;
        }
    }

    private static final int N = QpState.values().length;
    private static final Transition[][] TABLE = new Transition[N][N];

    static {
        valid(RESET, RESET);
        valid(RESET, INIT)
                .req(UD, PKEY_INDEX, PORT, QKEY)
                .req(RAW_PACKET, PORT)
                .req(UC, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .req(RC, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .req(XRC_INI, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .req(XRC_TGT, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .req(SMI, PKEY_INDEX, QKEY)
                .req(GSI, PKEY_INDEX, QKEY);

        valid(INIT, RESET);
        valid(INIT, ERR);
        valid(INIT, INIT)
                .opt(UD, PKEY_INDEX, PORT, QKEY)
                .opt(UC, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .opt(RC, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .opt(XRC_INI, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .opt(XRC_TGT, PKEY_INDEX, PORT, ACCESS_FLAGS)
                .opt(SMI, PKEY_INDEX, QKEY)
                .opt(GSI, PKEY_INDEX, QKEY);
        valid(INIT, RTR)
                .req(UC, AV, PATH_MTU, DEST_QPN, RQ_PSN)
                .req(RC, AV, PATH_MTU, DEST_QPN, RQ_PSN, MAX_DEST_RD_ATOMIC, MIN_RNR_TIMER)
                .req(XRC_INI, AV, PATH_MTU, DEST_QPN, RQ_PSN)
                .req(XRC_TGT, AV, PATH_MTU, DEST_QPN, RQ_PSN, MAX_DEST_RD_ATOMIC, MIN_RNR_TIMER)
                .opt(UD, PKEY_INDEX, QKEY)
                .opt(UC, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX)
                .opt(RC, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX)
                .opt(XRC_INI, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX)
                .opt(XRC_TGT, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX)
                .opt(SMI, PKEY_INDEX, QKEY)
                .opt(GSI, PKEY_INDEX, QKEY);

        valid(RTR, RESET);
        valid(RTR, ERR);
        valid(RTR, RTS)
                .req(UD, SQ_PSN)
                .req(UC, SQ_PSN)
                .req(RC, TIMEOUT, RETRY_CNT, RNR_RETRY, SQ_PSN, MAX_QP_RD_ATOMIC)
                .req(XRC_INI, TIMEOUT, RETRY_CNT, RNR_RETRY, SQ_PSN, MAX_QP_RD_ATOMIC)
                .req(XRC_TGT, TIMEOUT, SQ_PSN)
                .req(SMI, SQ_PSN)
                .req(GSI, SQ_PSN)
                .opt(UD, CUR_STATE, QKEY)
                .opt(UC, CUR_STATE, ALT_PATH, ACCESS_FLAGS, PATH_MIG_STATE)
                .opt(RC, CUR_STATE, ALT_PATH, ACCESS_FLAGS, MIN_RNR_TIMER, PATH_MIG_STATE)
                .opt(XRC_INI, CUR_STATE, ALT_PATH, ACCESS_FLAGS, PATH_MIG_STATE)
                .opt(XRC_TGT, CUR_STATE, ALT_PATH, ACCESS_FLAGS, MIN_RNR_TIMER, PATH_MIG_STATE)
                .opt(SMI, CUR_STATE, QKEY)
                .opt(GSI, CUR_STATE, QKEY)
                .opt(RAW_PACKET, RATE_LIMIT);

        valid(RTS, RESET);
        valid(RTS, ERR);
        valid(RTS, RTS)
                .opt(UD, CUR_STATE, QKEY)
                .opt(UC, CUR_STATE, ACCESS_FLAGS, ALT_PATH, PATH_MIG_STATE)
                .opt(RC, CUR_STATE, ACCESS_FLAGS, ALT_PATH, PATH_MIG_STATE, MIN_RNR_TIMER)
                .opt(XRC_INI, CUR_STATE, ACCESS_FLAGS, ALT_PATH, PATH_MIG_STATE)
                .opt(XRC_TGT, CUR_STATE, ACCESS_FLAGS, ALT_PATH, PATH_MIG_STATE, MIN_RNR_TIMER)
                .opt(SMI, CUR_STATE, QKEY)
                .opt(GSI, CUR_STATE, QKEY)
                .opt(RAW_PACKET, RATE_LIMIT);
        valid(RTS, SQD)
                .opt(UD, EN_SQD_ASYNC_NOTIFY)
                .opt(UC, EN_SQD_ASYNC_NOTIFY)
                .opt(RC, EN_SQD_ASYNC_NOTIFY)
                .opt(XRC_INI, EN_SQD_ASYNC_NOTIFY)
                .opt(XRC_TGT, EN_SQD_ASYNC_NOTIFY)
                .opt(SMI, EN_SQD_ASYNC_NOTIFY)
                .opt(GSI, EN_SQD_ASYNC_NOTIFY);

        valid(SQD, RESET);
        valid(SQD, ERR);
        valid(SQD, RTS)
                .opt(UD, CUR_STATE, QKEY)
                .opt(UC, CUR_STATE, ALT_PATH, ACCESS_FLAGS, PATH_MIG_STATE)
                .opt(RC, CUR_STATE, ALT_PATH, ACCESS_FLAGS, MIN_RNR_TIMER, PATH_MIG_STATE)
                .opt(XRC_INI, CUR_STATE, ALT_PATH, ACCESS_FLAGS, PATH_MIG_STATE)
                .opt(XRC_TGT, CUR_STATE, ALT_PATH, ACCESS_FLAGS, MIN_RNR_TIMER, PATH_MIG_STATE)
                .opt(SMI, CUR_STATE, QKEY)
                .opt(GSI, CUR_STATE, QKEY);
        valid(SQD, SQD)
                .opt(UD, PKEY_INDEX, QKEY)
                .opt(UC, AV, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX, PATH_MIG_STATE)
                .opt(RC, PORT, AV, TIMEOUT, RETRY_CNT, RNR_RETRY, MAX_QP_RD_ATOMIC,
                        MAX_DEST_RD_ATOMIC, ALT_PATH, ACCESS_FLAGS, PKEY_INDEX, MIN_RNR_TIMER,
                        PATH_MIG_STATE)
                .opt(XRC_INI, PORT, AV, TIMEOUT, RETRY_CNT, RNR_RETRY, MAX_QP_RD_ATOMIC,
                        ALT_PATH, ACCESS_FLAGS, PKEY_INDEX, PATH_MIG_STATE)
                .opt(XRC_TGT, PORT, AV, TIMEOUT, MAX_DEST_RD_ATOMIC, ALT_PATH, ACCESS_FLAGS,
                        PKEY_INDEX, MIN_RNR_TIMER, PATH_MIG_STATE)
                .opt(SMI, PKEY_INDEX, QKEY)
                .opt(GSI, PKEY_INDEX, QKEY);

        valid(SQE, RESET);
        valid(SQE, ERR);
        valid(SQE, RTS)
                .opt(UD, CUR_STATE, QKEY)
                .opt(UC, CUR_STATE, ACCESS_FLAGS)
                .opt(SMI, CUR_STATE, QKEY)
                .opt(GSI, CUR_STATE, QKEY);

        valid(ERR, RESET);
        valid(ERR, ERR);
    }

    private QpStateTable() {
    }

    private static Transition valid(QpState from, QpState to) {
        Transition t = new Transition(from, to);
        TABLE[from.ordinal()][to.ordinal()] = t;
        return t;
    }

    /** The cell for a move, or null when the kernel's table marks it invalid. */
    public static Transition lookup(QpState from, QpState to) {
        return TABLE[from.ordinal()][to.ordinal()];
    }

    /**
     * ib_modify_qp_is_ok: {@code cur} is the state the caller asserts (the QP's own state, or
     * {@code cur_qp_state} when the mask carries {@code IB_QP_CUR_STATE}).
     */
    public static boolean isModifyOk(QpState cur, QpState next, QpType type, int mask) {
        // IB_QP_CUR_STATE is only meaningful from the states where a QP can already send.
        if (CUR_STATE.isSet(mask) && cur != RTR && cur != RTS && cur != SQD && cur != SQE) {
            return false;
        }
        Transition t = lookup(cur, next);
        if (t == null) {
            return false;
        }
        int req = t.required(type);
        int opt = t.optional(type);
        if ((mask & req) != req) {
            return false;
        }
        return (mask & ~(req | opt | STATE.bit())) == 0;
    }
}
