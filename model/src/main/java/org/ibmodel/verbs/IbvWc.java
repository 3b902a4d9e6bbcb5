// libibverbs/verbs.h: struct ibv_wc, filled by ibv_cmd_poll_cq from struct ib_uverbs_wc
package org.ibmodel.verbs;

/** One work completion. */
public final class IbvWc {
    public long wrId;
    public IbvWcStatus status;
    public int opcode;
    public int vendorErr;
    public int byteLen;
    /** imm_data, the __be32 member of the union, as its value. */
    public int immData;
    public int qpNum;
    public int srcQp;
    public int wcFlags;
    public int pkeyIndex;
    public int slid;
    public int sl;
    public int dlidPathBits;

    /**
     * invalidated_rkey: the union's other member, the same four bytes read in host order (a
     * little-endian host), for a completion with IB_WC_WITH_INVALIDATE.
     */
    public int invalidatedRkey() {
        return Integer.reverseBytes(immData);
    }

    @Override
    public String toString() {
        return "wc wr_id=" + wrId + " status=" + status + " opcode=" + opcode + " byte_len=" + byteLen
                + " qp_num=0x" + Integer.toHexString(qpNum);
    }
}
