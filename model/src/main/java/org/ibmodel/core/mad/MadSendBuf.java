// include/rdma/ib_mad.h: struct ib_mad_send_buf; drivers/infiniband/core/mad_priv.h: ib_mad_send_wr_private
package org.ibmodel.core.mad;

import org.ibmodel.core.Ah;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WcStatus;

/**
 * One MAD to send: its 256 bytes, the kernel buffer they are mapped from, the address handle and
 * remote QP, and the state the MAD layer keeps while it is on the send queue.
 */
public final class MadSendBuf {
    final MadAgent agent;
    /** The MAD as the sender fills it in; copied to {@link #addr} when it is posted. */
    public final byte[] mad = new byte[Mad.SIZE];
    /** The kzalloc'd buffer the two SGEs point into: the header, then the data. */
    final long addr;
    final int hdrLen;
    final int remoteQpn;
    final int pkeyIndex;
    public Ah ah;
    /** The work request posted for it, kept to post it again from the overflow list or after a flush. */
    SendWr wr;
    WcStatus status = WcStatus.SUCCESS;
    int refcount;
    /** Set for the sends on the queue when the QP went from SQE back to RTS: a flush reposts them. */
    boolean retry;

    MadSendBuf(MadAgent agent, long addr, int hdrLen, int remoteQpn, int pkeyIndex) {
        this.agent = agent;
        this.addr = addr;
        this.hdrLen = hdrLen;
        this.remoteQpn = remoteQpn;
        this.pkeyIndex = pkeyIndex;
    }

    public int remoteQpn() {
        return remoteQpn;
    }

    public int pkeyIndex() {
        return pkeyIndex;
    }
}
