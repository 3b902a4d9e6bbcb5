// docs/HCA.md §3.3 (SW2HW_SRQ, HW2SW_SRQ, QUERY_SRQ, ARM_SRQ)
package org.ibmodel.sim.device;

/** The SRQ context table. */
final class SrqTable {
    private final SrqContext[] srqs;
    private final Dma dma;
    private final DevCaps caps;
    private final EqTable eqs;

    SrqTable(int numSrq, Dma dma, DevCaps caps, EqTable eqs) {
        this.srqs = new SrqContext[numSrq];
        this.dma = dma;
        this.caps = caps;
        this.eqs = eqs;
    }

    SrqContext srq(int srqn) {
        return srqn >= 0 && srqn < srqs.length ? srqs[srqn] : null;
    }

    int live() {
        int n = 0;
        for (SrqContext s : srqs) {
            n += s == null ? 0 : 1;
        }
        return n;
    }

    private boolean inRange(int srqn) {
        return srqn >= 0 && srqn < srqs.length;
    }

    Status sw2hw(int srqn, byte[] mailbox) {
        if (!inRange(srqn)) {
            return Status.BAD_INDEX;
        }
        if (srqs[srqn] != null) {
            return Status.BAD_RES_STATE;
        }
        Status s = SrqContext.check(mailbox, dma, caps);
        if (s != Status.OK) {
            return s;
        }
        srqs[srqn] = new SrqContext(srqn, mailbox, dma, eqs);
        return Status.OK;
    }

    Status hw2sw(int srqn) {
        if (!inRange(srqn)) {
            return Status.BAD_INDEX;
        }
        if (srqs[srqn] == null || srqs[srqn].users() > 0) {
            return Status.BAD_RES_STATE;
        }
        srqs[srqn] = null;
        return Status.OK;
    }

    /** QUERY_SRQ: the context of an SRQ in hardware ownership, into {@code ctx[0]}. */
    Status query(int srqn, byte[][] ctx) {
        if (!inRange(srqn)) {
            return Status.BAD_INDEX;
        }
        SrqContext s = srqs[srqn];
        if (s == null) {
            return Status.BAD_RES_STATE;
        }
        ctx[0] = s.context();
        return Status.OK;
    }

    /** ARM_SRQ: limit 0 disarms; a limit beyond the ring is BAD_PARAM. */
    Status arm(int srqn, long limit) {
        if (!inRange(srqn)) {
            return Status.BAD_INDEX;
        }
        SrqContext s = srqs[srqn];
        if (s == null) {
            return Status.BAD_RES_STATE;
        }
        if (limit < 0 || limit > s.size()) {
            return Status.BAD_PARAM;
        }
        s.limit((int) limit);
        return Status.OK;
    }
}
