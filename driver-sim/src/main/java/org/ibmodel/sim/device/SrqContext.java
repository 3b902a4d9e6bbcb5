// docs/HCA.md §4.6; the limit event as IBA 10.2.9.4 and drivers/infiniband/sw/rxe/rxe_resp.c get_srq_wqe
package org.ibmodel.sim.device;

/**
 * One SRQ in hardware ownership: receive WQEs taken along their next_wqe_index links (§5.12),
 * starting from WQE 0, as many as the producer counter says are posted; and an armed limit.
 */
public final class SrqContext {
    private final int srqn;
    private final Dma dma;
    private final EqTable eqs;
    private final int pd;
    private final int logSize;
    private final int logStride;
    private final long buffer;
    private final long dbRecord;
    private int limit;
    private int consumer;
    /** The WQE taken next: 0 at first, then the link of the WQE last taken. */
    private int next;
    private int users;
    /** §6.1: a DMA fault on the SRQ's ring or doorbell record put it in error for good. */
    private boolean error;

    SrqContext(int srqn, byte[] mailbox, Dma dma, EqTable eqs) {
        this.srqn = srqn;
        this.dma = dma;
        this.eqs = eqs;
        this.limit = Layout.SrqCtx.LIMIT.getInt(mailbox, Layout.CTX);
        this.pd = Layout.SrqCtx.PD.getInt(mailbox, Layout.CTX);
        this.logSize = Layout.SrqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        this.logStride = Layout.SrqCtx.LOG_STRIDE.getInt(mailbox, Layout.CTX);
        this.buffer = Layout.SrqCtx.BUFFER.get(mailbox, Layout.CTX);
        this.dbRecord = Layout.SrqCtx.DB_RECORD.get(mailbox, Layout.CTX);
    }

    static Status check(byte[] mailbox, Dma dma, DevCaps caps) {
        int logSize = Layout.SrqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        int logStride = Layout.SrqCtx.LOG_STRIDE.getInt(mailbox, Layout.CTX);
        if ((1L << logSize) > caps.maxSrqWr()) {
            return Status.EXCEED_LIM;
        }
        if (logStride < DevCaps.MIN_LOG_STRIDE || logStride > DevCaps.MAX_LOG_STRIDE
                || Layout.SrqCtx.PD.getInt(mailbox, Layout.CTX) >= caps.maxPd()
                || !dma.mapped(Layout.SrqCtx.BUFFER.get(mailbox, Layout.CTX), 1L << (logSize + logStride))
                || !dma.mapped(Layout.SrqCtx.DB_RECORD.get(mailbox, Layout.CTX), 4)) {
            return Status.BAD_PARAM;
        }
        return Status.OK;
    }

    public int srqn() {
        return srqn;
    }

    public int pd() {
        return pd;
    }

    public int limit() {
        return limit;
    }

    public int size() {
        return 1 << logSize;
    }

    /** Bytes per receive WQE. */
    public int stride() {
        return 1 << logStride;
    }

    void limit(int l) {
        limit = l;
    }

    int users() {
        return users;
    }

    void attach() {
        users++;
    }

    void detach() {
        users--;
    }

    /** WQEs posted and not yet taken. */
    public int posted() {
        if (error) {
            throw new DmaFault("SRQ " + srqn + " in error");
        }
        try {
            return dma.read32(dbRecord) - consumer;
        } catch (DmaFault f) {
            fail();
            throw f;
        }
    }

    /**
     * §6.1, IBA 11.6.3.1: the device could not reach the SRQ's ring or doorbell record. The SRQ
     * reports SRQ_CATAS_ERROR once and gives no WQE any more; a QP that needs one from it has a
     * catastrophic error of its own (QpTable.catastrophic).
     */
    void fail() {
        if (!error) {
            error = true;
            eqs.post(EventType.SRQ_CATAS_ERROR, 0, srqn);
        }
    }

    /** Whether a DMA fault put the SRQ in error. */
    public boolean inError() {
        return error;
    }

    /** The host address of receive WQE {@code n}. */
    public long wqeAddress(int n) {
        return buffer + ((long) (n & (size() - 1)) << logStride);
    }

    /**
     * The responder takes the next WQE: its index, or -1 when none is posted. Falling below
     * the armed limit raises SRQ_LIMIT once and disarms (IBA 10.2.9.4).
     */
    public int take() {
        if (posted() <= 0) {
            return -1;
        }
        int n = next;
        // The driver set the link before it posted the WQE; freed WQEs join the list after it.
        int link;
        try {
            link = dma.read32(wqeAddress(n));
        } catch (DmaFault f) {
            fail();
            throw f;
        }
        next = Layout.SrqNext.NEXT_WQE_INDEX.extract(link) & (size() - 1);
        consumer++;
        if (limit != 0 && posted() < limit) {
            limit = 0;
            eqs.post(EventType.SRQ_LIMIT, 0, srqn);
        }
        return n;
    }

    byte[] context() {
        byte[] b = new byte[Layout.SrqCtx.SIZE];
        Layout.SrqCtx.LIMIT.set(b, 0, limit);
        Layout.SrqCtx.PD.set(b, 0, pd);
        Layout.SrqCtx.LOG_SIZE.set(b, 0, logSize);
        Layout.SrqCtx.LOG_STRIDE.set(b, 0, logStride);
        Layout.SrqCtx.BUFFER.set(b, 0, buffer);
        Layout.SrqCtx.DB_RECORD.set(b, 0, dbRecord);
        return b;
    }
}
