// drivers/infiniband/hw/mthca/mthca_mad.c (mthca_process_mad) and mthca_cmd.c (mthca_MAD_IFC);
// include/rdma/ib_mad.h and ib_smi.h for the numbers; docs/HCA.md §3.8
package org.ibmodel.hca;

import org.ibmodel.core.MadResult;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.Errno;

/**
 * The driver's side of the firmware's management agent: the SubnGets its own queries send, and
 * process_mad, which decides which MADs the firmware should answer and hands those to MAD_IFC.
 */
final class HcaMad {
    static final int MGMT_CLASS_SUBN_LID_ROUTED = 0x01;
    static final int MGMT_CLASS_PERF_MGMT = 0x04;
    static final int MGMT_CLASS_VENDOR_1 = 0x09;
    static final int MGMT_CLASS_VENDOR_2 = 0x0a;
    static final int MGMT_CLASS_SUBN_DIRECTED_ROUTE = 0x81;
    static final int METHOD_GET = 0x01;
    static final int METHOD_SET = 0x02;
    static final int METHOD_TRAP = 0x05;
    static final int METHOD_TRAP_REPRESS = 0x07;
    static final int ATTR_GUID_INFO = 0x0014;
    static final int ATTR_PORT_INFO = 0x0015;
    static final int ATTR_PKEY_TABLE = 0x0016;
    static final int ATTR_SM_INFO = 0x0020;
    /** MLX4_ATTR_EXTENDED_PORT_INFO (include/linux/mlx4/device.h): Mellanox's vendor attribute, §3.15. */
    static final int ATTR_EXTENDED_PORT_INFO = 0xff90;
    static final int ATTR_VENDOR_MASK = 0xff00;
    static final int PKEYS_PER_BLOCK = 32;
    static final int GUIDS_PER_BLOCK = 8;
    /** MAD_IFC opcode_modifier bits: ignore M_Key (0), ignore B_Key (1). */
    static final int MAD_IFC_IGNORE_MKEY = 0x1;
    static final int MAD_IFC_IGNORE_BKEY = 0x2;
    /** The D bit of a directed-route SMP's status: set in responses (IBA 14.2.1.2). */
    static final int STATUS_DIRECTION = 0x8000;
    /** The LID a locally generated MAD is taken to come from (IB_LID_PERMISSIVE). */
    static final int LID_PERMISSIVE = 0xffff;

    private final Cmd cmd;

    HcaMad(Cmd cmd) {
        this.cmd = cmd;
    }

    /**
     * One SubnGet to the firmware's agent, as mthca's query functions send it (M_Key and B_Key
     * checks off): the response MAD in {@code mad}; -EINVAL when the agent answered with a MAD
     * status, which the kernel's query functions would not notice.
     */
    int subnGet(int port, int attrId, long attrMod, byte[] mad) {
        int ret = subnGetAnyStatus(port, attrId, attrMod, mad);
        if (ret != 0) {
            return ret;
        }
        return Hw.Mad.STATUS.getInt(mad, 0) == 0 ? 0 : Errno.EINVAL.negative();
    }

    /**
     * The same SubnGet as mlx4_MAD_IFC sends it: 0 or the command's errno, the MAD status left in
     * the response for the caller to judge.
     */
    int subnGetAnyStatus(int port, int attrId, long attrMod, byte[] mad) {
        byte[] in = new byte[Hw.Mad.SIZE];
        Hw.Mad.BASE_VERSION.set(in, 0, 1);
        Hw.Mad.MGMT_CLASS.set(in, 0, MGMT_CLASS_SUBN_LID_ROUTED);
        Hw.Mad.CLASS_VERSION.set(in, 0, 1);
        Hw.Mad.METHOD.set(in, 0, METHOD_GET);
        Hw.Mad.ATTR_ID.set(in, 0, attrId);
        Hw.Mad.ATTR_MOD.set(in, 0, attrMod);
        return cmd.inOut(CmdOp.MAD_IFC, port, MAD_IFC_IGNORE_MKEY | MAD_IFC_IGNORE_BKEY, in, mad);
    }

    /**
     * mthca_process_mad: subnet Get, Set and TrapRepress (not SMInfo or vendor attributes) and
     * performance and vendor-class Get and Set go to the firmware; anything else is left to the
     * MAD layer. A trap the HCA raised itself (SLID 0) would be forwarded to the SM; with no MAD
     * layer here to send it, it is consumed. A MAD_IFC that fails is FAILURE, one the firmware
     * has no answer for (BAD_PKT) is SUCCESS alone.
     */
    int process(int flags, int port, Wc inWc, byte[] in, byte[] out) {
        int mgmtClass = Hw.Mad.MGMT_CLASS.getInt(in, 0);
        int method = Hw.Mad.METHOD.getInt(in, 0);
        int attrId = Hw.Mad.ATTR_ID.getInt(in, 0);
        int slid = inWc != null ? inWc.slid : LID_PERMISSIVE;
        if (method == METHOD_TRAP && slid == 0) {
            return MadResult.SUCCESS | MadResult.CONSUMED;
        }
        boolean subnet = mgmtClass == MGMT_CLASS_SUBN_LID_ROUTED || mgmtClass == MGMT_CLASS_SUBN_DIRECTED_ROUTE;
        if (subnet) {
            if (method != METHOD_GET && method != METHOD_SET && method != METHOD_TRAP_REPRESS) {
                return MadResult.SUCCESS;
            }
            if (attrId == ATTR_SM_INFO || (attrId & ATTR_VENDOR_MASK) == ATTR_VENDOR_MASK) {
                return MadResult.SUCCESS;
            }
        } else if (mgmtClass == MGMT_CLASS_PERF_MGMT || mgmtClass == MGMT_CLASS_VENDOR_1
                || mgmtClass == MGMT_CLASS_VENDOR_2) {
            if (method != METHOD_GET && method != METHOD_SET) {
                return MadResult.SUCCESS;
            }
        } else {
            return MadResult.SUCCESS;
        }
        // mthca_MAD_IFC, mlx4_MAD_IFC: a MAD with no work completion came from this host, and
        // key-check traps need one, so both keys are ignored for it.
        int modifier = ((flags & MadResult.IGNORE_MKEY) != 0 || inWc == null ? MAD_IFC_IGNORE_MKEY : 0)
                | ((flags & MadResult.IGNORE_BKEY) != 0 || inWc == null ? MAD_IFC_IGNORE_BKEY : 0);
        if (cmd.inOut(CmdOp.MAD_IFC, port, modifier, in, out) != 0) {
            return cmd.lastStatus() == CmdStatus.BAD_PKT.value() ? MadResult.SUCCESS : MadResult.FAILURE;
        }
        if (mgmtClass == MGMT_CLASS_SUBN_DIRECTED_ROUTE) {
            Hw.Mad.STATUS.set(out, 0, Hw.Mad.STATUS.getInt(out, 0) | STATUS_DIRECTION);
        }
        if (method == METHOD_TRAP_REPRESS) {
            return MadResult.SUCCESS | MadResult.CONSUMED;
        }
        return MadResult.SUCCESS | MadResult.REPLY;
    }
}
