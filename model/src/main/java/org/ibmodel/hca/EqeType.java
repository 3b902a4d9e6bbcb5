// docs/HCA.md §7; the numbers of include/linux/mlx4/device.h and the dispatch of
// drivers/net/ethernet/mellanox/mlx4/eq.c mlx4_eq_int
package org.ibmodel.hca;

import org.ibmodel.core.IbEventType;

/** EQE types and the ib_core event each becomes (null: handled otherwise). */
public enum EqeType {
    COMPLETION(0x00, null),
    PATH_MIG(0x01, IbEventType.PATH_MIG),
    COMM_EST(0x02, IbEventType.COMM_EST),
    SQ_DRAINED(0x03, IbEventType.SQ_DRAINED),
    CQ_ERROR(0x04, IbEventType.CQ_ERR),
    WQ_CATAS_ERROR(0x05, IbEventType.QP_FATAL),
    PATH_MIG_FAILED(0x07, IbEventType.PATH_MIG_ERR),
    /** Not asked for (MLX4_ASYNC_EVENT_MASK): the catastrophic error is found by polling. */
    LOCAL_CATAS_ERROR(0x08, null),
    PORT_CHANGE(0x09, null),
    CMD(0x0a, null),
    /** mlx4's MLX4_EVENT_TYPE_EQ_OVERFLOW: the device could not write an EQE. */
    EQ_OVERFLOW(0x0f, null),
    WQ_INVAL_REQ_ERROR(0x10, IbEventType.QP_REQ_ERR),
    WQ_ACCESS_ERROR(0x11, IbEventType.QP_ACCESS_ERR),
    SRQ_CATAS_ERROR(0x12, IbEventType.SRQ_ERR),
    SRQ_QP_LAST_WQE(0x13, IbEventType.QP_LAST_WQE_REACHED),
    SRQ_LIMIT(0x14, IbEventType.SRQ_LIMIT_REACHED),
    PORT_MNG_CHG(0x1d, null);

    private final int value;
    private final IbEventType event;

    EqeType(int value, IbEventType event) {
        this.value = value;
        this.event = event;
    }

    public int value() {
        return value;
    }

    public IbEventType event() {
        return event;
    }

    public long maskBit() {
        return 1L << value;
    }

    public static EqeType of(int value) {
        for (EqeType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        return null;
    }
}
