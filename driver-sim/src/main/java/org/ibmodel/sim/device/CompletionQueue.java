// docs/HCA.md §4.4, §6, §6.1, §8 (CQ_ARM, event moderation); overrun and access violation as
// drivers/net/ethernet/mellanox/mlx4/eq.c reports MLX4_EVENT_TYPE_CQ_ERROR, the states as
// drivers/infiniband/hw/mthca/mthca_cq.c numbers them
package org.ibmodel.sim.device;

import org.ibmodel.sim.sched.Scheduler;

/**
 * One CQ in hardware ownership. A CQE goes to the ring unless the ring is full (the consumer
 * index in the doorbell record says so): then the CQ is overrun for good and reports CQ_ERROR.
 * A ring or doorbell record the device cannot reach (§6.1) puts it in error the same way, with
 * the other CQ_ERROR syndrome. An armed CQ sends one COMPLETION EQE to its EQ, at once or, with
 * event moderation, after a count of CQEs or a period (§8).
 */
final class CompletionQueue {
    static final int STATE_OK = 0;
    static final int STATE_OVERRUN = 9;
    static final int STATE_WRITE_FAIL = 0xa;

    private final int cqn;
    private final Dma dma;
    private final EqTable eqs;
    private final int compEqn;
    private final long dbRecord;
    private CqeWriter ring;
    private int pi;
    /** The consumer index as last read from the doorbell record; the real one is never behind it. */
    private int knownCi;
    /** STATE_OK, or the error that stopped the CQ for good. */
    private int state = STATE_OK;
    private int arm;
    private int users;
    private final Scheduler scheduler;
    /** cq_max_count and cq_period (µs) of §4.4; both 0: no moderation. */
    private int maxCount;
    private int periodUs;
    /** CQEs that satisfied the arm since it was set, while moderation holds the event back. */
    private int pending;
    /** The period running, from the first CQE held back; only while the CQ is armed. */
    private Scheduler.Handle periodTimer;

    CompletionQueue(int cqn, byte[] mailbox, Dma dma, EqTable eqs, Scheduler scheduler) {
        this.cqn = cqn;
        this.dma = dma;
        this.eqs = eqs;
        this.scheduler = scheduler;
        moderate(mailbox);
        this.compEqn = Layout.CqCtx.COMP_EQN.getInt(mailbox, Layout.CTX);
        this.dbRecord = Layout.CqCtx.DB_RECORD.get(mailbox, Layout.CTX);
        this.ring = new CqeWriter(dma, Layout.CqCtx.BUFFER.get(mailbox, Layout.CTX),
                Layout.CqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX));
    }

    /** SW2HW_CQ's and RESIZE_CQ's checks on a context. */
    static Status check(byte[] mailbox, Dma dma, DevCaps caps, EqTable eqs) {
        int logSize = Layout.CqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        if ((1L << logSize) > caps.maxCqe()) {
            return Status.EXCEED_LIM;
        }
        EventQueue eq = eqs.eq(Layout.CqCtx.COMP_EQN.getInt(mailbox, Layout.CTX));
        if (eq == null) {
            return Status.BAD_RESOURCE;
        }
        long buf = Layout.CqCtx.BUFFER.get(mailbox, Layout.CTX);
        long db = Layout.CqCtx.DB_RECORD.get(mailbox, Layout.CTX);
        if (!dma.mapped(buf, (long) Layout.Cqe.SIZE << logSize) || !dma.mapped(db, 4)) {
            return Status.BAD_PARAM;
        }
        return Status.OK;
    }

    int cqn() {
        return cqn;
    }

    int producerIndex() {
        return pi;
    }

    /** The CQ stops for good and reports CQ_ERROR with {@code syndrome} (§7), once. */
    private void fail(int newState, int syndrome) {
        if (state == STATE_OK) {
            state = newState;
            byte[] eqe = EqTable.eqe(EventType.CQ_ERROR, 0, cqn);
            Layout.Eqe.CQ_SYNDROME.set(eqe, 0, syndrome);
            eqs.post(EventType.CQ_ERROR, eqe);
        }
    }

    int armed() {
        return arm;
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

    private int consumerIndex() {
        knownCi = dma.read32(dbRecord) & 0xffffff;
        return knownCi;
    }

    /**
     * The ring is full. The consumer index only moves forward, so while the producer is less than
     * a ring ahead of the last one read the ring has room, and the doorbell record is read again
     * only when it might not: a DMA read per CQE would change nothing.
     */
    private boolean full() {
        return ((pi - knownCi) & 0xffffff) >= ring.size() && outstanding() >= ring.size();
    }

    private int outstanding() {
        return (pi - consumerIndex()) & 0xffffff;
    }

    byte[] context() {
        byte[] b = new byte[Layout.CqCtx.SIZE];
        Layout.CqCtx.STATE.set(b, 0, state);
        Layout.CqCtx.LOG_SIZE.set(b, 0, ring.logSize());
        Layout.CqCtx.COMP_EQN.set(b, 0, compEqn);
        Layout.CqCtx.BUFFER.set(b, 0, ring.buffer());
        Layout.CqCtx.DB_RECORD.set(b, 0, dbRecord);
        Layout.CqCtx.PRODUCER_INDEX.set(b, 0, pi);
        Layout.CqCtx.CQ_PERIOD.set(b, 0, periodUs);
        Layout.CqCtx.CQ_MAX_COUNT.set(b, 0, maxCount);
        return b;
    }

    /**
     * Writes one CQE. {@code solicited} is the WQE's solicited flag; an error CQE satisfies a
     * solicited arm too (IBA 11.4.2.2). False when the CQ is overrun, now or before: the CQE is
     * lost, and the work queue that wrote it can report nothing more (QpTable.catastrophic).
     */
    boolean post(byte[] cqe, boolean solicited) {
        if (state != STATE_OK) {
            return false;
        }
        try {
            if (full()) {
                fail(STATE_OVERRUN, Layout.Eqe.CQ_OVERRUN);
                return false;
            }
            ring.write(pi, cqe);
        } catch (DmaFault f) {
            fail(STATE_WRITE_FAIL, Layout.Eqe.CQ_ACCESS_VIOLATION);
            return false;
        }
        pi = (pi + 1) & 0xffffff;
        boolean error = Layout.Cqe.OPCODE.getInt(cqe, 0) == Layout.Cqe.OPCODE_ERROR;
        if (arm == Layout.Doorbell.ARM_NEXT || (arm == Layout.Doorbell.ARM_SOLICITED && (solicited || error))) {
            satisfied();
        }
        return true;
    }

    /** A CQE satisfied the arm: the event now, or when the moderation's count or period says. */
    private void satisfied() {
        pending++;
        if (due()) {
            raise();
        } else if (periodUs != 0 && periodTimer == null) {
            periodTimer = scheduler.schedule(periodUs * 1000L, "cq 0x" + Integer.toHexString(cqn)
                    + " moderation period", () -> {
                        periodTimer = null;
                        raise();
                    });
        }
    }

    /** The CQEs held back are enough: no moderation, or its count reached. */
    private boolean due() {
        return maxCount == 0 && periodUs == 0 || maxCount != 0 && pending >= maxCount;
    }

    /** The COMPLETION EQE; the CQ is disarmed and the moderation starts again. */
    private void raise() {
        arm = 0;
        pending = 0;
        if (periodTimer != null) {
            periodTimer.cancel();
            periodTimer = null;
        }
        eqs.completion(compEqn, cqn);
    }

    /**
     * SW2HW_CQ's context, or RESIZE_CQ with opcode modifier 1 (§3.3): cq_max_count and cq_period.
     * A count the CQEs held back already reach raises the event; a running period keeps its length.
     */
    void moderate(byte[] mailbox) {
        maxCount = Layout.CqCtx.CQ_MAX_COUNT.getInt(mailbox, Layout.CTX);
        periodUs = Layout.CqCtx.CQ_PERIOD.getInt(mailbox, Layout.CTX);
        if (pending > 0 && due()) {
            raise();
        }
    }

    /** HW2SW_CQ, or the device dropped its tables: a period still running raises nothing. */
    void retire() {
        if (periodTimer != null) {
            periodTimer.cancel();
            periodTimer = null;
        }
    }

    /**
     * CQ_ARM (§8). A CQE already valid at the consumer index raises the event at once, so a
     * completion between the driver's last poll and the arm is never missed. A solicited arm
     * leaves a CQ armed for the next completion as it was (IBA 11.4.2.2), as rxe_req_notify_cq
     * (drivers/infiniband/sw/rxe/rxe_verbs.c) keeps IB_CQ_NEXT_COMP.
     */
    void arm(int cmd) {
        if (cmd != Layout.Doorbell.ARM_SOLICITED && cmd != Layout.Doorbell.ARM_NEXT) {
            return;
        }
        int outstanding;
        try {
            outstanding = outstanding();
        } catch (DmaFault f) {
            fail(STATE_WRITE_FAIL, Layout.Eqe.CQ_ACCESS_VIOLATION);
            return;
        }
        if (outstanding != 0) {
            raise();
            return;
        }
        if (arm != Layout.Doorbell.ARM_NEXT) {
            arm = cmd;
        }
    }

    /**
     * RESIZE_CQ: BAD_SIZE when the unconsumed CQEs do not fit. Otherwise a RESIZE CQE marks the
     * producer index in the old ring, every entry of the new ring is made the device's for the
     * index it will next hold there, and CQEs go on at the next index in the new ring; moving
     * the unconsumed ones is the driver's (§3.3; mlx4_ib_cq_resize_copy_cqes).
     */
    Status resize(byte[] mailbox) {
        int newLog = Layout.CqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        if (state != STATE_OK) {
            return Status.BAD_RES_STATE;
        }
        try {
            if (outstanding() > (1 << newLog)) {
                return Status.BAD_SIZE;
            }
            if (full()) {
                // No room for the marker: the CQ is overrun as by any other CQE.
                fail(STATE_OVERRUN, Layout.Eqe.CQ_OVERRUN);
                return Status.BAD_RES_STATE;
            }
            byte[] marker = new byte[Layout.Cqe.SIZE];
            Layout.Cqe.OPCODE.set(marker, 0, Layout.Cqe.OPCODE_RESIZE);
            ring.write(pi, marker);
            pi = (pi + 1) & 0xffffff;
            CqeWriter next = new CqeWriter(dma, Layout.CqCtx.BUFFER.get(mailbox, Layout.CTX), newLog);
            byte[] empty = new byte[Layout.Cqe.SIZE];
            for (int k = 0; k < next.size(); k++) {
                // The device's until written: the owner bit of the lap before the one of entry pi + k.
                int n = (pi + k) & 0xffffff;
                Layout.Cqe.OWNER.set(empty, 0, next.owner(n) ^ 1);
                dma.write(next.address(n), empty);
            }
            ring = next;
            return Status.OK;
        } catch (DmaFault f) {
            // §6.1: the old ring, the new one or the doorbell record is gone; the CQ is in error.
            fail(STATE_WRITE_FAIL, Layout.Eqe.CQ_ACCESS_VIOLATION);
            return Status.BAD_PARAM;
        }
    }
}
