// libibverbs/verbs.h: struct ibv_recv_wr
package org.ibmodel.verbs;

import java.util.List;

/** A receive work request; requests chain through {@link #next}. */
public final class IbvRecvWr {
    public long wrId;
    public IbvRecvWr next;
    public List<IbvSge> sgList = List.of();

    public IbvRecvWr() {
    }

    public IbvRecvWr(long wrId, IbvSge... sges) {
        this.wrId = wrId;
        this.sgList = List.of(sges);
    }
}
