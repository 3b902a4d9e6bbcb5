// docs/HCA.md §3.3: command opcodes, as drivers/infiniband/hw/mthca/mthca_cmd.c numbers its CMD_*
package org.ibmodel.hca;

/** The commands the driver issues. */
public enum CmdOp {
    QUERY_FW(0x004),
    QUERY_DEV_CAP(0x003),
    INIT_HCA(0x007),
    CLOSE_HCA(0x008),
    INIT_PORT(0x009),
    CLOSE_PORT(0x00a),
    QUERY_PORT(0x043),
    SET_PORT(0x00c),
    SW2HW_MPT(0x00d),
    HW2SW_MPT(0x00f),
    WRITE_MTT(0x011),
    MAP_EQ(0x012),
    SW2HW_EQ(0x013),
    HW2SW_EQ(0x014),
    SW2HW_CQ(0x016),
    HW2SW_CQ(0x017),
    RESIZE_CQ(0x02c),
    SW2HW_SRQ(0x035),
    HW2SW_SRQ(0x036),
    QUERY_SRQ(0x037),
    ARM_SRQ(0x040),
    RST2INIT_QP(0x019),
    INIT2INIT_QP(0x02d),
    INIT2RTR_QP(0x01a),
    RTR2RTS_QP(0x01b),
    RTS2RTS_QP(0x01c),
    SQERR2RTS_QP(0x01d),
    RTS2SQD_QP(0x01f),
    SQD2SQD_QP(0x038),
    SQD2RTS_QP(0x020),
    ERR_QP(0x01e),
    RST_QP(0x021),
    QUERY_QP(0x022),
    CONF_SPECIAL_QP(0x023),
    MAD_IFC(0x024),
    READ_MGM(0x025),
    WRITE_MGM(0x026),
    MGID_HASH(0x027);

    private final int value;

    CmdOp(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The name docs/HCA.md uses: {@code 2ERR_QP}, {@code 2RST_QP} are no Java names. */
    public String docName() {
        return this == ERR_QP || this == RST_QP ? "2" + name() : name();
    }
}
