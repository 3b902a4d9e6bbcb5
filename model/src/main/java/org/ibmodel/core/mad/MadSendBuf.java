// include/rdma/ib_mad.h: struct ib_mad_send_buf; drivers/infiniband/core/mad_priv.h: ib_mad_send_wr_private
package org.ibmodel.core.mad;

import org.ibmodel.core.Ah;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WcStatus;

/**
 * One MAD to send: its 256 bytes, the kernel buffer they are mapped from, the address handle,
 * remote QP, response timeout and retries the sender sets, and the state the MAD layer keeps
 * while it is sent and while its response is awaited.
 */
public final class MadSendBuf {
    final MadAgent agent;
    /** The MAD as the sender fills it in; copied to {@link #addr} each time it is posted. */
    public final byte[] mad = new byte[Mad.SIZE];
    /** The kzalloc'd buffer the two SGEs point into: the header, then the data. */
    final long addr;
    final int hdrLen;
    final int dataLen;
    final int remoteQpn;
    final int pkeyIndex;
    public Ah ah;
    /** Milliseconds to wait for the response, 0 for none (send_buf.timeout_ms). */
    public int timeoutMs;
    /** Set by the sender: how many times to send again on a timeout; then counts those sent. */
    public int retries;
    /** The sender's own, handed back with every completion. */
    public Object context;
    /** The work request posted for it, kept to post it again from the overflow list, after a flush or a timeout. */
    SendWr wr;
    WcStatus status = WcStatus.SUCCESS;
    /** One for the send on the QP, one while a response is awaited. */
    int refcount;
    long tid;
    int retriesLeft;
    int maxRetries;
    /** A response is awaited (mad_send_wr->timeout non-zero): until {@link #deadlineNs} once on the wait list. */
    boolean awaiting;
    long deadlineNs;
    /** Set for the sends on the queue when the QP went from SQE back to RTS: a flush reposts them. */
    boolean retry;

    MadSendBuf(MadAgent agent, long addr, int hdrLen, int dataLen, int remoteQpn, int pkeyIndex) {
        this.agent = agent;
        this.addr = addr;
        this.hdrLen = hdrLen;
        this.dataLen = dataLen;
        this.remoteQpn = remoteQpn;
        this.pkeyIndex = pkeyIndex;
    }

    public MadAgent agent() {
        return agent;
    }

    public int remoteQpn() {
        return remoteQpn;
    }

    public int pkeyIndex() {
        return pkeyIndex;
    }
}
