// docs/HCA.md §7; the numbers of include/linux/mlx4/device.h MLX4_EVENT_TYPE_*
package org.ibmodel.sim.device;

/** EQE types; bit {@code value} of a MAP_EQ mask routes the type to that EQ. */
public enum EventType {
    COMPLETION(0x00),
    PATH_MIG(0x01),
    COMM_EST(0x02),
    SQ_DRAINED(0x03),
    CQ_ERROR(0x04),
    WQ_CATAS_ERROR(0x05),
    PATH_MIG_FAILED(0x07),
    LOCAL_CATAS_ERROR(0x08),
    PORT_CHANGE(0x09),
    CMD(0x0a),
    /** Never written here: an EQE with no room is dropped and counted (EventQueue.overruns). */
    EQ_OVERFLOW(0x0f),
    WQ_INVAL_REQ_ERROR(0x10),
    WQ_ACCESS_ERROR(0x11),
    SRQ_CATAS_ERROR(0x12),
    SRQ_QP_LAST_WQE(0x13),
    SRQ_LIMIT(0x14),
    PORT_MNG_CHG(0x1d);

    private final int value;

    EventType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public long maskBit() {
        return 1L << value;
    }
}
