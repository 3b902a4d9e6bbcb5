// include/rdma/ib_verbs.h: struct ib_send_wr, ib_rdma_wr, ib_atomic_wr, ib_ud_wr
package org.ibmodel.core;

import java.util.List;
import org.ibmodel.mm.UserAddressSpace;

/**
 * A send work request. One class carries the fields of the kernel's ib_send_wr and of the
 * ib_rdma_wr / ib_atomic_wr / ib_ud_wr structures that embed it; which ones matter depends on
 * the opcode and the QP type.
 */
public final class SendWr {
    private long wrId;
    private Cqe wrCqe;
    private WrOpcode opcode = WrOpcode.SEND;
    private int sendFlags;
    private List<Sge> sgList = List.of();
    private int immData;
    private long remoteAddr;
    private int rkey;
    private long compareAdd;
    private long swap;
    private Ah ah;
    private int remoteQpn;
    private int remoteQkey;
    /** ib_ud_wr.pkey_index: valid for the GSI QP only. */
    private int pkeyIndex;
    private Mr regMr;
    private int regKey;
    private int regAccess;
    private UserAddressSpace userMm;

    public static SendWr send(long wrId, Sge... sges) {
        return new SendWr().wrId(wrId).opcode(WrOpcode.SEND).sgList(sges).sendFlags(SendFlags.SIGNALED);
    }

    public long wrId() {
        return wrId;
    }

    public SendWr wrId(long v) {
        wrId = v;
        return this;
    }

    public Cqe wrCqe() {
        return wrCqe;
    }

    public SendWr wrCqe(Cqe v) {
        wrCqe = v;
        return this;
    }

    public WrOpcode opcode() {
        return opcode;
    }

    public SendWr opcode(WrOpcode v) {
        opcode = v;
        return this;
    }

    public int sendFlags() {
        return sendFlags;
    }

    public SendWr sendFlags(int v) {
        sendFlags = v;
        return this;
    }

    public List<Sge> sgList() {
        return sgList;
    }

    public SendWr sgList(Sge... v) {
        sgList = List.of(v);
        return this;
    }

    public SendWr sgList(List<Sge> v) {
        sgList = List.copyOf(v);
        return this;
    }

    public int numSge() {
        return sgList.size();
    }

    /** Total bytes described by the scatter/gather list. */
    public long length() {
        long n = 0;
        for (Sge s : sgList) {
            n += Integer.toUnsignedLong(s.length());
        }
        return n;
    }

    /** ex.imm_data, or ex.invalidate_rkey for SEND_WITH_INV and LOCAL_INV. */
    public int immData() {
        return immData;
    }

    public SendWr immData(int v) {
        immData = v;
        return this;
    }

    /** ex.invalidate_rkey: the key SEND_WITH_INV or LOCAL_INV invalidates (it shares ex with imm_data). */
    public SendWr invalidateRkey(int v) {
        immData = v;
        return this;
    }

    /** struct ib_reg_wr: IB_WR_REG_MR gives {@code mr} the key {@code key} and {@code access}. */
    public SendWr reg(Mr mr, int key, int access) {
        regMr = mr;
        regKey = key;
        regAccess = access;
        return this;
    }

    public Mr regMr() {
        return regMr;
    }

    public int regKey() {
        return regKey;
    }

    public int regAccess() {
        return regAccess;
    }

    public long remoteAddr() {
        return remoteAddr;
    }

    public SendWr remoteAddr(long v) {
        remoteAddr = v;
        return this;
    }

    public int rkey() {
        return rkey;
    }

    public SendWr rkey(int v) {
        rkey = v;
        return this;
    }

    public long compareAdd() {
        return compareAdd;
    }

    public SendWr compareAdd(long v) {
        compareAdd = v;
        return this;
    }

    public long swap() {
        return swap;
    }

    public SendWr swap(long v) {
        swap = v;
        return this;
    }

    public Ah ah() {
        return ah;
    }

    public SendWr ah(Ah v) {
        ah = v;
        return this;
    }

    public int remoteQpn() {
        return remoteQpn;
    }

    public SendWr remoteQpn(int v) {
        remoteQpn = v;
        return this;
    }

    public int remoteQkey() {
        return remoteQkey;
    }

    public SendWr remoteQkey(int v) {
        remoteQkey = v;
        return this;
    }

    public int pkeyIndex() {
        return pkeyIndex;
    }

    /** The P_Key table entry a GSI datagram goes out with (ib_ud_wr.pkey_index). */
    public SendWr pkeyIndex(int v) {
        pkeyIndex = v;
        return this;
    }

    /**
     * The address space of the process that posted the WR through uverbs, in which its SGE
     * addresses lie; null for a kernel consumer's WR, whose addresses are the kernel's. A driver
     * that reads the data itself (IB_SEND_INLINE) copies from here, as copy_from_user would.
     */
    public UserAddressSpace userMm() {
        return userMm;
    }

    public SendWr userMm(UserAddressSpace v) {
        userMm = v;
        return this;
    }

    public boolean signaled() {
        return (sendFlags & SendFlags.SIGNALED) != 0;
    }

    @Override
    public String toString() {
        return "send_wr{wr_id=" + wrId + " opcode=" + opcode.kernelName() + " num_sge=" + numSge()
                + " flags=0x" + Integer.toHexString(sendFlags) + "}";
    }
}
