// include/rdma/ib_verbs.h: struct ib_recv_wr
package org.ibmodel.core;

import java.util.List;

/** A receive work request. */
public final class RecvWr {
    private final long wrId;
    private final Cqe wrCqe;
    private final List<Sge> sgList;

    public RecvWr(long wrId, Sge... sges) {
        this(wrId, null, List.of(sges));
    }

    public RecvWr(long wrId, Cqe wrCqe, List<Sge> sgList) {
        this.wrId = wrId;
        this.wrCqe = wrCqe;
        this.sgList = List.copyOf(sgList);
    }

    public long wrId() {
        return wrId;
    }

    public Cqe wrCqe() {
        return wrCqe;
    }

    public List<Sge> sgList() {
        return sgList;
    }

    public int numSge() {
        return sgList.size();
    }

    public long length() {
        long n = 0;
        for (Sge s : sgList) {
            n += Integer.toUnsignedLong(s.length());
        }
        return n;
    }

    @Override
    public String toString() {
        return "recv_wr{wr_id=" + wrId + " num_sge=" + numSge() + "}";
    }
}
