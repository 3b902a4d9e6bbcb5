// docs/HCA.md §3.3 (QP transition commands) and §4.5 (which fields each takes); the states of
// IBA 10.3.1, as drivers/net/ethernet/mellanox/mlx4/qp.c __mlx4_qp_modify tabulates op[cur][next]
package org.ibmodel.sim.device;

import static org.ibmodel.sim.device.HwQpState.ERR;
import static org.ibmodel.sim.device.HwQpState.INIT;
import static org.ibmodel.sim.device.HwQpState.RESET;
import static org.ibmodel.sim.device.HwQpState.RTR;
import static org.ibmodel.sim.device.HwQpState.RTS;
import static org.ibmodel.sim.device.HwQpState.SQD;
import static org.ibmodel.sim.device.HwQpState.SQE;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The device's QP state machine: each transition command, the states it may start from, the
 * state it ends in, the context fields it always takes and the optpar groups it accepts.
 */
enum QpTransition {
    RST2INIT(EnumSet.of(RESET), INIT, true, List.of()),
    INIT2INIT(EnumSet.of(INIT), INIT, true, List.of(),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.PKEY_INDEX, Layout.Optpar.PORT, Layout.Optpar.QKEY),
    INIT2RTR(EnumSet.of(INIT), RTR, true,
            concat(group(Layout.Optpar.ADDRESS_PATH), List.of(Layout.QpCtx.PATH_MTU, Layout.QpCtx.REMOTE_QPN,
                    Layout.QpCtx.RQ_PSN)),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.PKEY_INDEX, Layout.Optpar.QKEY,
            Layout.Optpar.MIN_RNR_TIMER, Layout.Optpar.MAX_DEST_RD_ATOMIC, Layout.Optpar.ALT_ADDRESS_PATH),
    RTR2RTS(EnumSet.of(RTR), RTS, true, List.of(Layout.QpCtx.SQ_PSN),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.QKEY, Layout.Optpar.ACK_TIMEOUT, Layout.Optpar.RETRY_CNT,
            Layout.Optpar.RNR_RETRY, Layout.Optpar.MIN_RNR_TIMER, Layout.Optpar.MAX_RD_ATOMIC,
            Layout.Optpar.ALT_ADDRESS_PATH, Layout.Optpar.PM_STATE),
    RTS2RTS(EnumSet.of(RTS), RTS, true, List.of(),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.QKEY, Layout.Optpar.MIN_RNR_TIMER,
            Layout.Optpar.ALT_ADDRESS_PATH, Layout.Optpar.PM_STATE),
    SQERR2RTS(EnumSet.of(SQE), RTS, true, List.of(), Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.QKEY),
    RTS2SQD(EnumSet.of(RTS), SQD, false, List.of()),
    SQD2SQD(EnumSet.of(SQD), SQD, true, List.of(),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.PKEY_INDEX, Layout.Optpar.PORT, Layout.Optpar.QKEY,
            Layout.Optpar.ADDRESS_PATH, Layout.Optpar.PATH_MTU, Layout.Optpar.ACK_TIMEOUT, Layout.Optpar.RETRY_CNT,
            Layout.Optpar.RNR_RETRY, Layout.Optpar.MIN_RNR_TIMER, Layout.Optpar.MAX_RD_ATOMIC,
            Layout.Optpar.MAX_DEST_RD_ATOMIC, Layout.Optpar.ALT_ADDRESS_PATH, Layout.Optpar.PM_STATE),
    SQD2RTS(EnumSet.of(SQD), RTS, true, List.of(),
            Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.QKEY, Layout.Optpar.MIN_RNR_TIMER,
            Layout.Optpar.ALT_ADDRESS_PATH, Layout.Optpar.PM_STATE),
    TO_ERR(EnumSet.allOf(HwQpState.class), ERR, false, List.of()),
    TO_RST(EnumSet.allOf(HwQpState.class), RESET, false, List.of());

    private final Set<HwQpState> from;
    private final HwQpState to;
    private final boolean mailbox;
    private final List<Field> always;
    private final int optparAllowed;

    QpTransition(Set<HwQpState> from, HwQpState to, boolean mailbox, List<Field> always, Field... optpar) {
        this.from = from;
        this.to = to;
        this.mailbox = mailbox;
        this.always = always;
        int m = 0;
        for (Field f : optpar) {
            m |= 1 << f.lo();
        }
        this.optparAllowed = m;
    }

    boolean allowedFrom(HwQpState s) {
        return from.contains(s);
    }

    /**
     * Whether the transition waits for the send queue to have drained (§4.5): SQD is left for
     * itself or RTS only once no WQE begun before it is in progress, so that new attributes never
     * meet a message in flight (rxe_qp.c rxe_qp_chk_attr refuses the same moves).
     */
    boolean needsDrainedSq() {
        return this == SQD2SQD || this == SQD2RTS;
    }

    HwQpState to() {
        return to;
    }

    boolean takesMailbox() {
        return mailbox;
    }

    List<Field> always() {
        return always;
    }

    int optparAllowed() {
        return optparAllowed;
    }

    static final List<Field> OPTPAR = List.of(Layout.Optpar.REMOTE_ACCESS, Layout.Optpar.PKEY_INDEX,
            Layout.Optpar.PORT, Layout.Optpar.QKEY, Layout.Optpar.ADDRESS_PATH, Layout.Optpar.PATH_MTU,
            Layout.Optpar.ACK_TIMEOUT, Layout.Optpar.RETRY_CNT, Layout.Optpar.RNR_RETRY,
            Layout.Optpar.MIN_RNR_TIMER, Layout.Optpar.MAX_RD_ATOMIC, Layout.Optpar.MAX_DEST_RD_ATOMIC,
            Layout.Optpar.ALT_ADDRESS_PATH, Layout.Optpar.PM_STATE);

    /** §5.10: the alternate path, which optpar bit 12 loads and a migration copies over the primary. */
    static final List<Field> ALTERNATE_PATH = List.of(Layout.QpCtx.ALT_PKEY_INDEX, Layout.QpCtx.ALT_PORT,
            Layout.QpCtx.ALT_DLID, Layout.QpCtx.ALT_SL, Layout.QpCtx.ALT_STATIC_RATE, Layout.QpCtx.ALT_SRC_PATH_BITS,
            Layout.QpCtx.ALT_GRH, Layout.QpCtx.ALT_SGID_INDEX, Layout.QpCtx.ALT_HOP_LIMIT,
            Layout.QpCtx.ALT_TRAFFIC_CLASS, Layout.QpCtx.ALT_FLOW_LABEL, Layout.QpCtx.ALT_DGID,
            Layout.QpCtx.ALT_ACK_TIMEOUT);

    /** The primary path's field for each of {@link #ALTERNATE_PATH}, in the same order. */
    static final List<Field> PRIMARY_PATH = List.of(Layout.QpCtx.PKEY_INDEX, Layout.QpCtx.PORT,
            Layout.QpCtx.DLID, Layout.QpCtx.SL, Layout.QpCtx.STATIC_RATE, Layout.QpCtx.SRC_PATH_BITS,
            Layout.QpCtx.GRH, Layout.QpCtx.SGID_INDEX, Layout.QpCtx.HOP_LIMIT,
            Layout.QpCtx.TRAFFIC_CLASS, Layout.QpCtx.FLOW_LABEL, Layout.QpCtx.DGID,
            Layout.QpCtx.ACK_TIMEOUT);

    /** The context fields an optpar bit names (§4.5 optpar table). */
    static List<Field> group(Field optparBit) {
        if (optparBit == Layout.Optpar.REMOTE_ACCESS) {
            return List.of(Layout.QpCtx.REMOTE_ATOMIC, Layout.QpCtx.REMOTE_WRITE, Layout.QpCtx.REMOTE_READ);
        }
        if (optparBit == Layout.Optpar.ADDRESS_PATH) {
            return List.of(Layout.QpCtx.DLID, Layout.QpCtx.SL, Layout.QpCtx.STATIC_RATE, Layout.QpCtx.SRC_PATH_BITS,
                    Layout.QpCtx.GRH, Layout.QpCtx.SGID_INDEX, Layout.QpCtx.HOP_LIMIT, Layout.QpCtx.TRAFFIC_CLASS,
                    Layout.QpCtx.FLOW_LABEL, Layout.QpCtx.DGID);
        }
        if (optparBit == Layout.Optpar.PKEY_INDEX) {
            return List.of(Layout.QpCtx.PKEY_INDEX);
        }
        if (optparBit == Layout.Optpar.PORT) {
            return List.of(Layout.QpCtx.PORT);
        }
        if (optparBit == Layout.Optpar.QKEY) {
            return List.of(Layout.QpCtx.QKEY);
        }
        if (optparBit == Layout.Optpar.PATH_MTU) {
            return List.of(Layout.QpCtx.PATH_MTU);
        }
        if (optparBit == Layout.Optpar.ACK_TIMEOUT) {
            return List.of(Layout.QpCtx.ACK_TIMEOUT);
        }
        if (optparBit == Layout.Optpar.RETRY_CNT) {
            return List.of(Layout.QpCtx.RETRY_CNT);
        }
        if (optparBit == Layout.Optpar.RNR_RETRY) {
            return List.of(Layout.QpCtx.RNR_RETRY);
        }
        if (optparBit == Layout.Optpar.MIN_RNR_TIMER) {
            return List.of(Layout.QpCtx.MIN_RNR_TIMER);
        }
        if (optparBit == Layout.Optpar.MAX_RD_ATOMIC) {
            return List.of(Layout.QpCtx.MAX_RD_ATOMIC);
        }
        if (optparBit == Layout.Optpar.MAX_DEST_RD_ATOMIC) {
            return List.of(Layout.QpCtx.MAX_DEST_RD_ATOMIC);
        }
        if (optparBit == Layout.Optpar.ALT_ADDRESS_PATH) {
            return ALTERNATE_PATH;
        }
        if (optparBit == Layout.Optpar.PM_STATE) {
            return List.of(Layout.QpCtx.PM_STATE);
        }
        throw new IllegalArgumentException("not an optpar bit: " + optparBit);
    }

    private static List<Field> concat(List<Field> a, List<Field> b) {
        List<Field> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
