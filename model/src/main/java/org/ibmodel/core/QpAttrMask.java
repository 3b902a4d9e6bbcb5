// include/rdma/ib_verbs.h: enum ib_qp_attr_mask
package org.ibmodel.core;

import java.util.ArrayList;
import java.util.List;

/** Bits of the attribute mask passed to ib_modify_qp, with the kernel's values. */
public enum QpAttrMask {
    STATE(1 << 0),
    CUR_STATE(1 << 1),
    EN_SQD_ASYNC_NOTIFY(1 << 2),
    ACCESS_FLAGS(1 << 3),
    PKEY_INDEX(1 << 4),
    PORT(1 << 5),
    QKEY(1 << 6),
    AV(1 << 7),
    PATH_MTU(1 << 8),
    TIMEOUT(1 << 9),
    RETRY_CNT(1 << 10),
    RNR_RETRY(1 << 11),
    RQ_PSN(1 << 12),
    MAX_QP_RD_ATOMIC(1 << 13),
    ALT_PATH(1 << 14),
    MIN_RNR_TIMER(1 << 15),
    SQ_PSN(1 << 16),
    MAX_DEST_RD_ATOMIC(1 << 17),
    PATH_MIG_STATE(1 << 18),
    CAP(1 << 19),
    DEST_QPN(1 << 20),
    RATE_LIMIT(1 << 25);

    /** Every bit the model knows. */
    public static final int ALL = allBits();

    /**
     * IB_QP_ATTR_STANDARD_BITS (include/rdma/ib_verbs.h, GENMASK(20, 0)): IB_QP_STATE up to
     * IB_QP_DEST_QPN. IB_QP_RATE_LIMIT and the reserved bits lie above it.
     */
    public static final int STANDARD_BITS = (1 << 21) - 1;

    private final int bit;

    QpAttrMask(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }

    public boolean isSet(int mask) {
        return (mask & bit) != 0;
    }

    /** The kernel's enumerator name, e.g. {@code IB_QP_SQ_PSN}. */
    public String kernelName() {
        return "IB_QP_" + name();
    }

    public static int of(QpAttrMask... bits) {
        int mask = 0;
        for (QpAttrMask b : bits) {
            mask |= b.bit;
        }
        return mask;
    }

    /** The bits of a mask, lowest first. */
    public static List<QpAttrMask> decode(int mask) {
        List<QpAttrMask> out = new ArrayList<>();
        for (QpAttrMask b : values()) {
            if ((mask & b.bit) != 0) {
                out.add(b);
            }
        }
        return out;
    }

    /** A mask written the way the kernel source writes it: {@code IB_QP_STATE | IB_QP_PORT}. */
    public static String format(int mask) {
        if (mask == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        for (QpAttrMask b : decode(mask)) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(b.kernelName());
        }
        int unknown = mask & ~ALL;
        if (unknown != 0) {
            sb.append(sb.length() > 0 ? " | " : "").append(String.format("0x%x", unknown));
        }
        return sb.toString();
    }

    private static int allBits() {
        int all = 0;
        for (QpAttrMask b : values()) {
            all |= b.bit;
        }
        return all;
    }
}
