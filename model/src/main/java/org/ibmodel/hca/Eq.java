// drivers/net/ethernet/mellanox/mlx4/eq.c (mlx4_create_eq, next_eqe_sw, mlx4_eq_int, eq_set_ci);
// docs/HCA.md §4.3, §7, §8, §9
package org.ibmodel.hca;

import org.ibmodel.mm.HostMemory;

/**
 * The driver side of one event queue: an EQE ring in host memory and the interrupt handler that
 * consumes EQEs by owner bit, hands each to the dispatcher, and re-arms.
 */
final class Eq {
    /**
     * MLX4_NUM_SPARE_EQE (drivers/net/ethernet/mellanox/mlx4/eq.c), MTHCA_NUM_SPARE_EQE
     * (drivers/infiniband/hw/mthca/mthca_eq.c): the handler tells the device its consumer index
     * at least this often, and every EQ has this many entries more than it could ever hold.
     */
    static final int NUM_SPARE_EQE = 0x80;

    private final PciFunction pci;
    private final HostMemory memory;
    private final int eqn;
    private final int vector;
    private final int logSize;
    private final long buffer;
    private int ci;
    private long handled;

    Eq(PciFunction pci, int eqn, int vector, int logSize) {
        this.pci = pci;
        this.memory = pci.hostMemory();
        this.eqn = eqn;
        this.vector = vector;
        this.logSize = logSize;
        this.buffer = memory.alloc((long) Hw.Eqe.SIZE << logSize);
        // Every entry starts owned by hardware: owner 1 is never valid on the first pass.
        byte[] eqe = new byte[Hw.Eqe.SIZE];
        Hw.Eqe.OWNER.set(eqe, 0, 1);
        for (int i = 0; i < (1 << logSize); i++) {
            memory.write(buffer + (long) i * Hw.Eqe.SIZE, eqe);
        }
    }

    int eqn() {
        return eqn;
    }

    /** mlx4_free_eq: the ring goes back once the device has let go of the EQ (HW2SW_EQ). */
    void free() {
        memory.free(buffer);
    }

    int vector() {
        return vector;
    }

    /** EQEs handled since creation. */
    long handled() {
        return handled;
    }

    /** The SW2HW_EQ mailbox (§4.3 after the 8-byte header). */
    byte[] mailbox() {
        byte[] b = new byte[Hw.CTX + Hw.EqCtx.SIZE];
        Hw.EqCtx.LOG_SIZE.set(b, Hw.CTX, logSize);
        Hw.EqCtx.MSIX_VECTOR.set(b, Hw.CTX, vector);
        Hw.EqCtx.BUFFER.set(b, Hw.CTX, buffer);
        return b;
    }

    /** eq_set_ci(eq, 1): the consumer index, and a request for the next interrupt. */
    void arm() {
        setCi(true);
    }

    /** eq_set_ci: the consumer index, with {@code reqNot} a request for the next interrupt. */
    private void setCi(boolean reqNot) {
        pci.writel(PciFunction.BAR2, Hw.Doorbell.EQ_CI.offset() + 4 * eqn,
                Hw.Doorbell.EQ_ARM.insert(Hw.Doorbell.EQ_CI.insert(0, ci), reqNot ? 1 : 0));
    }

    /**
     * The interrupt handler body, in HARDIRQ: every valid EQE, then re-arm. mlx4_eq_int and
     * mthca_eq_int write the consumer index without arming every NUM_SPARE_EQE EQEs: the device
     * may add EQEs while the handler runs (a completion handler that re-arms a CQ with CQEs
     * waiting makes one at once), and it would take a ring the handler is emptying for full.
     */
    /** One EQE to dispatch, with the EQ's number and the EQE's index (mlx4_eq_int's eq->cons_index). */
    interface Dispatch {
        void eqe(byte[] eqe, int eqn, int index);
    }

    void interrupt(Dispatch dispatch) {
        int setCi = 0;
        while (true) {
            byte[] eqe = memory.read(buffer + (long) (ci & ((1 << logSize) - 1)) * Hw.Eqe.SIZE, Hw.Eqe.SIZE);
            // next_eqe_sw: valid when the owner bit matches this pass around the ring.
            if (Hw.Eqe.OWNER.getInt(eqe, 0) != ((ci >>> logSize) & 1)) {
                break;
            }
            int index = ci++;
            handled++;
            dispatch.eqe(eqe, eqn, index);
            if (++setCi >= NUM_SPARE_EQE) {
                setCi(false);
                setCi = 0;
            }
        }
        arm();
    }
}
