// docs/HCA.md §3.3 (SW2HW_CQ, HW2SW_CQ, RESIZE_CQ), §8 (CQ_ARM, event moderation)
package org.ibmodel.sim.device;

import org.ibmodel.sim.sched.Scheduler;

/** The CQ context table. */
final class CqTable {
    private final CompletionQueue[] cqs;
    private final Dma dma;
    private final DevCaps caps;
    private final EqTable eqs;
    private final Scheduler scheduler;

    CqTable(int numCq, Dma dma, DevCaps caps, EqTable eqs, Scheduler scheduler) {
        this.cqs = new CompletionQueue[numCq];
        this.dma = dma;
        this.caps = caps;
        this.eqs = eqs;
        this.scheduler = scheduler;
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
        cqs[cqn] = new CompletionQueue(cqn, mailbox, dma, eqs, scheduler);
        return Status.OK;
    }

    Status hw2sw(int cqn) {
        if (!inRange(cqn)) {
            return Status.BAD_INDEX;
        }
        if (cqs[cqn] == null || cqs[cqn].users() > 0) {
            return Status.BAD_RES_STATE;
        }
        cqs[cqn].retire();
        cqs[cqn] = null;
        return Status.OK;
    }

    /** The device drops its tables (CLOSE_HCA, a reset): no CQ raises an event any more. */
    void retireAll() {
        for (CompletionQueue cq : cqs) {
            if (cq != null) {
                cq.retire();
            }
        }
    }

    /**
     * RESIZE_CQ: opcode modifier 0 resizes, 1 sets the event moderation (§3.3); another is
     * BAD_OP, mlx4 cmd.c's "opcode modifier not supported".
     */
    Status modify(int cqn, int opcodeModifier, byte[] mailbox) {
        if (opcodeModifier != 0 && opcodeModifier != 1) {
            return Status.BAD_OP;
        }
        if (!inRange(cqn)) {
            return Status.BAD_INDEX;
        }
        if (cqs[cqn] == null) {
            return Status.BAD_RES_STATE;
        }
        if (opcodeModifier == 1) {
            cqs[cqn].moderate(mailbox);
            return Status.OK;
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
