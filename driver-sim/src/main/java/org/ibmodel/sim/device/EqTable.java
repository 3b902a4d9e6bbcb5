// docs/HCA.md §3.3 (SW2HW_EQ, HW2SW_EQ, MAP_EQ), §7
package org.ibmodel.sim.device;

/** The EQ context table and the routing of events to EQs. */
final class EqTable {
    private final EventQueue[] eqs;
    private boolean halted;
    private final Dma dma;
    private final EventQueue.Msix msix;
    private final int msixVectors;

    EqTable(int numEq, Dma dma, EventQueue.Msix msix, int msixVectors) {
        this.eqs = new EventQueue[numEq];
        this.dma = dma;
        this.msix = msix;
        this.msixVectors = msixVectors;
    }

    EventQueue eq(int eqn) {
        return eqn >= 0 && eqn < eqs.length ? eqs[eqn] : null;
    }

    boolean inRange(int eqn) {
        return eqn >= 0 && eqn < eqs.length;
    }

    int live() {
        int n = 0;
        for (EventQueue eq : eqs) {
            n += eq == null ? 0 : 1;
        }
        return n;
    }

    Status sw2hw(int eqn, byte[] mailbox) {
        if (!inRange(eqn)) {
            return Status.BAD_INDEX;
        }
        if (eqs[eqn] != null) {
            return Status.BAD_RES_STATE;
        }
        Status s = EventQueue.check(mailbox, dma, msixVectors);
        if (s != Status.OK) {
            return s;
        }
        eqs[eqn] = new EventQueue(eqn, mailbox, dma, msix);
        return Status.OK;
    }

    /** HW2SW_EQ: the EQ returns to software; its last context goes to {@code ctx[0]}. */
    Status hw2sw(int eqn, byte[][] ctx) {
        if (!inRange(eqn)) {
            return Status.BAD_INDEX;
        }
        if (eqs[eqn] == null) {
            return Status.BAD_RES_STATE;
        }
        ctx[0] = eqs[eqn].context();
        eqs[eqn] = null;
        return Status.OK;
    }

    /**
     * MAP_EQ: the event types of {@code mask} go to the EQ the in_modifier names, and to no other
     * (each type has one EQ: mlx4 cmd.c mlx4_MAP_EQ_wrapper sets event_eq[type].eqn, which
     * mlx4_test_interrupt relies on to move events to an EQ and back), or with its bit 31 set no
     * longer go there (mlx4 eq.c mlx4_MAP_EQ, whose unmap mlx4_cleanup_eq_table sends before it
     * frees the async EQ).
     */
    Status map(int inModifier, long mask) {
        int eqn = inModifier & 0x7fff_ffff;
        if (!inRange(eqn)) {
            return Status.BAD_INDEX;
        }
        if (eqs[eqn] == null) {
            return Status.BAD_RES_STATE;
        }
        EventQueue eq = eqs[eqn];
        if (inModifier < 0) {
            eq.eventMask(eq.eventMask() & ~mask);
            return Status.OK;
        }
        for (EventQueue other : eqs) {
            if (other != null && other != eq) {
                other.eventMask(other.eventMask() & ~mask);
            }
        }
        eq.eventMask(eq.eventMask() | mask);
        return Status.OK;
    }

    /** The EQ doorbell (§8); one for an EQ in software ownership is ignored, as by hardware. */
    void doorbell(int eqn, int value) {
        EventQueue eq = eq(eqn);
        if (eq != null) {
            eq.doorbell(value & 0xffffff, (value & (1 << 31)) != 0);
        }
    }

    /** A COMPLETION EQE for {@code cqn} on its CQ's EQ. */
    void completion(int eqn, int cqn) {
        EventQueue eq = eq(eqn);
        if (eq != null && !halted) {
            eq.post(eqe(EventType.COMPLETION, 0, cqn));
        }
    }

    /** An affiliated or port event on the EQ MAP_EQ routed its type to (the first one). */
    void post(EventType type, int subtype, int object) {
        post(type, eqe(type, subtype, object));
    }

    /** §2.1: after a catastrophic error only command completions are still posted. */
    void halt() {
        halted = true;
    }

    void post(EventType type, byte[] eqe) {
        if (halted && type != EventType.CMD) {
            return;
        }
        for (EventQueue eq : eqs) {
            if (eq != null && eq.routes(type)) {
                eq.post(eqe);
                return;
            }
        }
    }

    static byte[] eqe(EventType type, int subtype, int object) {
        byte[] b = new byte[Layout.Eqe.SIZE];
        Layout.Eqe.TYPE.set(b, 0, type.value());
        Layout.Eqe.SUBTYPE.set(b, 0, subtype);
        Layout.Eqe.OBJECT.set(b, 0, object);
        return b;
    }
}
