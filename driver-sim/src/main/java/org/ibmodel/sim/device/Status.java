// docs/HCA.md §3.2; the numbers of drivers/net/ethernet/mellanox/mlx4/cmd.c CMD_STAT_*
package org.ibmodel.sim.device;

/** The status a command leaves in HCR bits 31:24. */
public enum Status {
    OK(0x00),
    INTERNAL_ERR(0x01),
    BAD_OP(0x02),
    BAD_PARAM(0x03),
    BAD_SYS_STATE(0x04),
    BAD_RESOURCE(0x05),
    RESOURCE_BUSY(0x06),
    EXCEED_LIM(0x08),
    BAD_RES_STATE(0x09),
    BAD_INDEX(0x0a),
    /** Never returned by this device, as ICM_ERROR, LAM_NOT_PRE and MULTI_FUNC_REQ (§3.2). */
    BAD_NVMEM(0x0b),
    ICM_ERROR(0x0c),
    BAD_QP_STATE(0x10),
    BAD_SEG_PARAM(0x20),
    REG_BOUND(0x21),
    LAM_NOT_PRE(0x22),
    BAD_PKT(0x30),
    BAD_SIZE(0x40),
    MULTI_FUNC_REQ(0x50);

    private final int value;

    Status(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static Status of(int value) {
        for (Status s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        throw new IllegalArgumentException("no status 0x" + Integer.toHexString(value));
    }
}
