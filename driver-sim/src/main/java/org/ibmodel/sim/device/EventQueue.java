// docs/HCA.md §4.3, §7, §8 (EQ doorbell), §9; arming as drivers/net/ethernet/mellanox/mlx4/eq.c eq_set_ci
package org.ibmodel.sim.device;

/**
 * One event queue in hardware ownership: a ring of EQEs in host memory with an owner bit, a
 * consumer index the driver moves through the doorbell, and an MSI-X vector that fires once
 * per arm.
 */
final class EventQueue {
    private final int eqn;
    private final Dma dma;
    private final Msix msix;
    private final int logSize;
    private final int vector;
    private final long buffer;
    private int ci;
    private int pi;
    private boolean fired;
    private long eventMask;
    private long overruns;
    /** EQEs lost to a ring the device could not write (§6.1). */
    private long faults;

    /** The MSI-X side of the device, as an EQ sees it. */
    interface Msix {
        void fire(int vector);
    }

    EventQueue(int eqn, byte[] mailbox, Dma dma, Msix msix) {
        this.eqn = eqn;
        this.dma = dma;
        this.msix = msix;
        this.logSize = Layout.EqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        this.vector = Layout.EqCtx.MSIX_VECTOR.getInt(mailbox, Layout.CTX);
        this.buffer = Layout.EqCtx.BUFFER.get(mailbox, Layout.CTX);
    }

    /** SW2HW_EQ's checks on a context, before anything changes. */
    static Status check(byte[] mailbox, Dma dma, int msixVectors) {
        int logSize = Layout.EqCtx.LOG_SIZE.getInt(mailbox, Layout.CTX);
        if (logSize > DevCaps.MAX_EQ_LOG_SIZE) {
            return Status.EXCEED_LIM;
        }
        if (Layout.EqCtx.MSIX_VECTOR.getInt(mailbox, Layout.CTX) >= msixVectors) {
            return Status.BAD_PARAM;
        }
        long buf = Layout.EqCtx.BUFFER.get(mailbox, Layout.CTX);
        if (!dma.mapped(buf, (long) Layout.Eqe.SIZE << logSize)) {
            return Status.BAD_PARAM;
        }
        return Status.OK;
    }

    int eqn() {
        return eqn;
    }

    int vector() {
        return vector;
    }

    int size() {
        return 1 << logSize;
    }

    int producerIndex() {
        return pi;
    }

    int consumerIndex() {
        return ci;
    }

    boolean armed() {
        return !fired;
    }

    long eventMask() {
        return eventMask;
    }

    void eventMask(long mask) {
        eventMask = mask;
    }

    boolean routes(EventType type) {
        return (eventMask & type.maskBit()) != 0;
    }

    /** EQEs dropped because the driver had not consumed the ring. */
    long overruns() {
        return overruns;
    }

    long faults() {
        return faults;
    }

    byte[] context() {
        byte[] b = new byte[Layout.EqCtx.SIZE];
        Layout.EqCtx.STATE.set(b, 0, fired ? 1 : 0);
        Layout.EqCtx.LOG_SIZE.set(b, 0, logSize);
        Layout.EqCtx.MSIX_VECTOR.set(b, 0, vector);
        Layout.EqCtx.BUFFER.set(b, 0, buffer);
        Layout.EqCtx.CONSUMER_INDEX.set(b, 0, ci);
        Layout.EqCtx.PRODUCER_INDEX.set(b, 0, pi);
        return b;
    }

    /** Writes one EQE at the producer index; fires the vector if the EQ is armed. */
    void post(byte[] eqe) {
        if (((pi - ci) & 0xffffff) >= size()) {
            overruns++;
            return;
        }
        Layout.Eqe.OWNER.set(eqe, 0, (pi >>> logSize) & 1);
        if (!dma.tryWrite(buffer + (long) (pi & (size() - 1)) * Layout.Eqe.SIZE, eqe, 0, eqe.length)) {
            // §6.1: a ring the driver freed takes nothing; the EQE is lost, and counted.
            faults++;
            return;
        }
        pi = (pi + 1) & 0xffffff;
        if (!fired) {
            fired = true;
            msix.fire(vector);
        }
    }

    /**
     * The EQ doorbell: a new consumer index, and with {@code arm} a request for one more
     * interrupt. Arming with EQEs still unconsumed fires at once, so none waits unseen.
     */
    void doorbell(int consumerIndex, boolean arm) {
        ci = consumerIndex & 0xffffff;
        if (!arm) {
            return;
        }
        if (ci != pi) {
            fired = true;
            msix.fire(vector);
        } else {
            fired = false;
        }
    }
}
