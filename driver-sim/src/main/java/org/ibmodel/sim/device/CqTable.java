// docs/HCA.md §3.3 (SW2HW_CQ, HW2SW_CQ, RESIZE_CQ), §8 (CQ_ARM)
package org.ibmodel.sim.device;

/** The CQ context table. */
final class CqTable {
    private final CompletionQueue[] cqs;
    private final Dma dma;
    private final DevCaps caps;
    private final EqTable eqs;

    CqTable(int numCq, Dma dma, DevCaps caps, EqTable eqs) {
        this.cqs = new CompletionQueue[numCq];
        this.dma = dma;
        this.caps = caps;
        this.eqs = eqs;
    }

    CompletionQueue cq(int cqn) {
        return cqn >= 0 && cqn < cqs.length ? cqs[cqn] : null;
    }

    int live() {
        int n = 0;
        for (CompletionQueue cq : cqs) {
            n += cq == null ? 0 : 1;
        }
        return n;
    }

    private boolean inRange(int cqn) {
        return cqn >= 0 && cqn < cqs.length;
    }

    Status sw2hw(int cqn, byte[] mailbox) {
        if (!inRange(cqn)) {
            return Status.BAD_INDEX;
        }
        if (cqs[cqn] != null) {
            return Status.BAD_RES_STATE;
        }
        Status s = CompletionQueue.check(mailbox, dma, caps, eqs);
        if (s != Status.OK) {
            return s;
        }
        cqs[cqn] = new CompletionQueue(cqn, mailbox, dma, eqs);
        return Status.OK;
    }

    Status hw2sw(int cqn) {
        if (!inRange(cqn)) {
            return Status.BAD_INDEX;
        }
        if (cqs[cqn] == null || cqs[cqn].users() > 0) {
            return Status.BAD_RES_STATE;
        }
        cqs[cqn] = null;
        return Status.OK;
    }

    Status resize(int cqn, byte[] mailbox) {
        if (!inRange(cqn)) {
            return Status.BAD_INDEX;
        }
        if (cqs[cqn] == null) {
            return Status.BAD_RES_STATE;
        }
        Status s = CompletionQueue.check(mailbox, dma, caps, eqs);
        if (s != Status.OK) {
            return s;
        }
        return cqs[cqn].resize(mailbox);
    }

    void armDoorbell(int value) {
        CompletionQueue cq = cq(Layout.Doorbell.CQ_ARM_CQN.extract(value));
        if (cq != null) {
            cq.arm(Layout.Doorbell.CQ_ARM_CMD.extract(value));
        }
    }
}
