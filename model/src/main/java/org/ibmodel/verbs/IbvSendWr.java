// libibverbs/verbs.h: struct ibv_send_wr
package org.ibmodel.verbs;

import java.util.List;

/**
 * A send work request. Requests chain through {@link #next}, as in libibverbs, so that
 * ibv_post_send can name the one that failed. The remote fields used depend on the opcode and
 * the QP type: RDMA ({@code remoteAddr}, {@code rkey}), atomics (plus {@code compareAdd},
 * {@code swap}), UD ({@code ah}, {@code remoteQpn}, {@code remoteQkey}).
 */
public final class IbvSendWr {
    public long wrId;
    public IbvSendWr next;
    public List<IbvSge> sgList = List.of();
    public int opcode = IbvWrOpcode.SEND;
    public int sendFlags;
    public int immData;
    public long remoteAddr;
    public int rkey;
    public long compareAdd;
    public long swap;
    public IbvAh ah;
    public int remoteQpn;
    public int remoteQkey;

    public IbvSendWr() {
    }

    public IbvSendWr(long wrId, int opcode, int sendFlags, IbvSge... sges) {
        this.wrId = wrId;
        this.opcode = opcode;
        this.sendFlags = sendFlags;
        this.sgList = List.of(sges);
    }
}
