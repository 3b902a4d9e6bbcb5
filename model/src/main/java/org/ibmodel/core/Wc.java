// include/rdma/ib_verbs.h: struct ib_wc
package org.ibmodel.core;

/** A work completion, as ib_poll_cq returns it. Mutable so pollers can reuse an array. */
public final class Wc {
    public long wrId;
    /** wr_cqe of the work request; the union with wr_id in the kernel. */
    public Cqe wrCqe;
    public WcStatus status = WcStatus.SUCCESS;
    public WcOpcode opcode = WcOpcode.SEND;
    public int vendorErr;
    public int byteLen;
    public Qp qp;
    /** ex.imm_data, or ex.invalidate_rkey when wc_flags has WITH_INVALIDATE. */
    public int immData;
    public int srcQp;
    public int wcFlags;
    public int pkeyIndex;
    public int slid;
    public int sl;
    public int dlidPathBits;
    public int portNum;

    public Wc copy() {
        Wc c = new Wc();
        c.copyFrom(this);
        return c;
    }

    public void copyFrom(Wc o) {
        wrId = o.wrId;
        wrCqe = o.wrCqe;
        status = o.status;
        opcode = o.opcode;
        vendorErr = o.vendorErr;
        byteLen = o.byteLen;
        qp = o.qp;
        immData = o.immData;
        srcQp = o.srcQp;
        wcFlags = o.wcFlags;
        pkeyIndex = o.pkeyIndex;
        slid = o.slid;
        sl = o.sl;
        dlidPathBits = o.dlidPathBits;
        portNum = o.portNum;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("wc{wr_id=").append(wrId)
                .append(" status=").append(status.kernelName());
        if (status != WcStatus.SUCCESS) {
            // Only wr_id, status, qp and vendor_err mean anything in a failed completion (struct
            // ib_wc in include/rdma/ib_verbs.h; mlx4_ib_poll_one stops there on an error CQE).
            if (qp != null) {
                sb.append(" qp=0x").append(Integer.toHexString(qp.qpNum()));
            }
            return sb.append(" vendor_err=0x").append(Integer.toHexString(vendorErr)).append('}').toString();
        }
        sb.append(" opcode=").append(opcode.kernelName())
                .append(" byte_len=").append(Integer.toUnsignedString(byteLen));
        if (qp != null) {
            sb.append(" qp=0x").append(Integer.toHexString(qp.qpNum()));
        }
        if (opcode.isRecv()) {
            sb.append(" src_qp=0x").append(Integer.toHexString(srcQp))
                    .append(" slid=").append(slid);
        }
        if ((wcFlags & WcFlags.WITH_IMM) != 0) {
            sb.append(" imm_data=0x").append(Integer.toHexString(immData));
        }
        return sb.append('}').toString();
    }
}
