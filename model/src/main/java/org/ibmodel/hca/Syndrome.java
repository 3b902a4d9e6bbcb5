// docs/HCA.md §6; the table of drivers/infiniband/hw/mlx4/cq.c mlx4_ib_handle_error_cqe
package org.ibmodel.hca;

import org.ibmodel.core.WcStatus;

/** Error CQE syndromes and the ib_wc_status each becomes. */
public enum Syndrome {
    LOCAL_LENGTH_ERR(0x01, WcStatus.LOC_LEN_ERR),
    LOCAL_QP_OP_ERR(0x02, WcStatus.LOC_QP_OP_ERR),
    LOCAL_PROT_ERR(0x04, WcStatus.LOC_PROT_ERR),
    WR_FLUSH_ERR(0x05, WcStatus.WR_FLUSH_ERR),
    MW_BIND_ERR(0x06, WcStatus.MW_BIND_ERR),
    BAD_RESP_ERR(0x10, WcStatus.BAD_RESP_ERR),
    LOCAL_ACCESS_ERR(0x11, WcStatus.LOC_ACCESS_ERR),
    REMOTE_INVAL_REQ_ERR(0x12, WcStatus.REM_INV_REQ_ERR),
    REMOTE_ACCESS_ERR(0x13, WcStatus.REM_ACCESS_ERR),
    REMOTE_OP_ERR(0x14, WcStatus.REM_OP_ERR),
    TRANSPORT_RETRY_EXC_ERR(0x15, WcStatus.RETRY_EXC_ERR),
    RNR_RETRY_EXC_ERR(0x16, WcStatus.RNR_RETRY_EXC_ERR),
    REMOTE_ABORTED_ERR(0x22, WcStatus.REM_ABORT_ERR);

    private final int value;
    private final WcStatus status;

    Syndrome(int value, WcStatus status) {
        this.value = value;
        this.status = status;
    }

    public int value() {
        return value;
    }

    public WcStatus status() {
        return status;
    }

    /** The status for a syndrome; one the table lacks is IB_WC_GENERAL_ERR, as in mlx4. */
    public static WcStatus statusOf(int syndrome) {
        for (Syndrome s : values()) {
            if (s.value == syndrome) {
                return s.status;
            }
        }
        return WcStatus.GENERAL_ERR;
    }
}
