// docs/HCA.md §6; the numbers of include/linux/mlx4/cq.h MLX4_CQE_SYNDROME_*
package org.ibmodel.sim.device;

/** The syndrome of an error CQE. */
public enum Syndrome {
    LOCAL_LENGTH_ERR(0x01),
    LOCAL_QP_OP_ERR(0x02),
    LOCAL_PROT_ERR(0x04),
    WR_FLUSH_ERR(0x05),
    MW_BIND_ERR(0x06),
    BAD_RESP_ERR(0x10),
    LOCAL_ACCESS_ERR(0x11),
    REMOTE_INVAL_REQ_ERR(0x12),
    REMOTE_ACCESS_ERR(0x13),
    REMOTE_OP_ERR(0x14),
    TRANSPORT_RETRY_EXC_ERR(0x15),
    RNR_RETRY_EXC_ERR(0x16),
    REMOTE_ABORTED_ERR(0x22);

    private final int value;

    Syndrome(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
