// drivers/net/ethernet/mellanox/mlx4/eq.c (mlx4_eq_int, eq_set_ci); docs/HCA.md §7, §8
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.mm.HostMemory;
import org.junit.jupiter.api.Test;

class EqTest {
    private static final int LOG_SIZE = 8;
    private static final int EQN = 1;
    /** MLX4_NUM_SPARE_EQE */
    private static final int SPARE_EQE = 0x80;

    /**
     * The device side of one EQ as §7 and §8 describe it: EQEs by owner bit at the producer
     * index, dropped when the ring is full by the consumer index last written to the doorbell.
     */
    private static final class FakeDevice implements PciFunction {
        final HostMemory memory = new HostMemory();
        final List<Integer> doorbells = new ArrayList<>();
        long buffer;
        int pi;
        int ci;
        int dropped;

        void post(int object) {
            if (pi - ci >= 1 << LOG_SIZE) {
                dropped++;
                return;
            }
            byte[] eqe = new byte[Hw.Eqe.SIZE];
            Hw.Eqe.TYPE.set(eqe, 0, EqeType.COMPLETION.value());
            Hw.Eqe.OBJECT.set(eqe, 0, object);
            Hw.Eqe.OWNER.set(eqe, 0, (pi >>> LOG_SIZE) & 1);
            memory.write(buffer + (long) (pi & ((1 << LOG_SIZE) - 1)) * Hw.Eqe.SIZE, eqe);
            pi++;
        }

        @Override
        public String slot() {
            return "0000:00:00.0";
        }

        @Override
        public int vendorId() {
            return 0x02c9;
        }

        @Override
        public int deviceId() {
            return 0x1003;
        }

        @Override
        public int readl(int bar, int offset) {
            return 0;
        }

        @Override
        public void writel(int bar, int offset, int value) {
            if (bar == BAR2 && offset == Hw.Doorbell.EQ_CI.offset() + 4 * EQN) {
                doorbells.add(value);
                ci = Hw.Doorbell.EQ_CI.extract(value);
            }
        }

        @Override
        public int msixVectors() {
            return 2;
        }

        @Override
        public void requestIrq(int vector, Runnable handler) {
        }

        @Override
        public void freeIrq(int vector) {
        }

        @Override
        public HostMemory hostMemory() {
            return memory;
        }
    }

    private static Eq eqOn(FakeDevice dev) {
        Eq eq = new Eq(dev, EQN, EQN, LOG_SIZE);
        dev.buffer = Hw.EqCtx.BUFFER.get(eq.mailbox(), Hw.CTX);
        return eq;
    }

    // mlx4_eq_int: eq_set_ci(eq, 0) every MLX4_NUM_SPARE_EQE EQEs, eq_set_ci(eq, 1) at the end
    @Test
    void shouldTellTheDeviceItsConsumerIndexWhileTheHandlerStillRuns() {
        FakeDevice dev = new FakeDevice();
        Eq eq = eqOn(dev);
        int total = (1 << LOG_SIZE) + 100;
        List<Integer> seen = new ArrayList<>();
        dev.post(0);
        // Each dispatch makes the device add one more EQE, as a completion handler that re-arms
        // a CQ with CQEs waiting does.
        eq.interrupt((eqe, eqn, index) -> {
            int n = Hw.Eqe.OBJECT.getInt(eqe, 0);
            seen.add(n);
            if (n + 1 < total) {
                dev.post(n + 1);
            }
        });
        assertEquals(0, dev.dropped, "EQEs the device found no room for");
        assertEquals(total, seen.size());
        assertEquals(total, eq.handled());
        int unarmed = 0;
        for (int i = 0; i < dev.doorbells.size() - 1; i++) {
            int v = dev.doorbells.get(i);
            assertEquals(0, Hw.Doorbell.EQ_ARM.extract(v), "only the last doorbell arms");
            assertEquals(SPARE_EQE * (i + 1), Hw.Doorbell.EQ_CI.extract(v));
            unarmed++;
        }
        assertEquals(total / SPARE_EQE, unarmed);
        int last = dev.doorbells.get(dev.doorbells.size() - 1);
        assertEquals(1, Hw.Doorbell.EQ_ARM.extract(last));
        assertEquals(total, Hw.Doorbell.EQ_CI.extract(last));
    }

    @Test
    void shouldArmOnceWithTheConsumerIndexWhenFewerThanTheSpareEqesWereHandled() {
        FakeDevice dev = new FakeDevice();
        Eq eq = eqOn(dev);
        for (int i = 0; i < 3; i++) {
            dev.post(i);
        }
        List<Integer> seen = new ArrayList<>();
        eq.interrupt((eqe, eqn, index) -> seen.add(Hw.Eqe.OBJECT.getInt(eqe, 0)));
        assertEquals(List.of(0, 1, 2), seen);
        assertEquals(1, dev.doorbells.size());
        assertEquals(1, Hw.Doorbell.EQ_ARM.extract(dev.doorbells.get(0)));
        assertEquals(3, Hw.Doorbell.EQ_CI.extract(dev.doorbells.get(0)));
    }
}
