// drivers/net/ethernet/mellanox/mlx4/alloc.c (mlx4_buf_free, mlx4_db_free), cq.c, srq.c, eq.c
// (mlx4_free_eq), mr.c (mlx4_mtt_cleanup), drivers/infiniband/hw/mlx4/cq.c (mlx4_ib_resize_cq)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Mr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Qp;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;

/**
 * The host memory the driver takes for rings, doorbell records, translation tables and mailboxes
 * goes back once the device has let go of what uses it: destroying every object, or failing to
 * make one, leaves the host's memory as it was, and a removed driver holds none.
 */
class HcaHostMemoryTest {
    private final HcaHost h = new HcaHost();
    private final HostMemory memory = h.host.memory();
    private final long buf = memory.alloc(4 * HostMemory.PAGE_SIZE);

    private void assertHeldAsBefore(long bytes, int buffers, String what) {
        assertEquals(bytes, memory.allocatedBytes(), what + ": bytes");
        assertEquals(buffers, memory.allocations(), what + ": buffers");
    }

    @Test
    void shouldGiveBackEverythingAnObjectTookWhenItIsDestroyed() {
        long bytes = memory.allocatedBytes();
        int buffers = memory.allocations();
        Cq cq = h.cq(8);
        assertEquals(0, cq.resize(100), "a larger ring; the old one goes back");
        assertEquals(0, cq.resize(20), "a smaller one");
        Srq srq = Srq.create(h.pd, null, new SrqAttr(16, 2, 0)).get();
        Qp rc = h.qp(QpType.RC, cq, QpCap.of(8, 8, 2));
        HcaHost.toRts(rc);
        Qp ud = h.qp(QpType.UD, cq, QpCap.of(4, 4, 1));
        QpInitAttr onSrq = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 0, 1));
        onSrq.srq = srq;
        Qp shared = Qp.create(h.pd, onSrq).get();
        Mr mr = Mr.reg(h.pd, buf, 4L * HostMemory.PAGE_SIZE, buf, AccessFlags.LOCAL_WRITE).get();
        Mr fast = Mr.alloc(h.pd, 16).get();
        Mr dma = Mr.getDma(h.pd, AccessFlags.LOCAL_WRITE).get();
        assertTrue(memory.allocatedBytes() > bytes, "the objects hold memory");

        for (Qp q : new Qp[] {rc, ud, shared}) {
            assertEquals(0, q.destroy());
        }
        for (Mr m : new Mr[] {mr, fast, dma}) {
            assertEquals(0, m.dereg());
        }
        assertEquals(0, srq.destroy());
        assertEquals(0, cq.destroy());
        assertHeldAsBefore(bytes, buffers, "after destroying everything");
    }

    @Test
    void shouldGiveBackWhatAFailedCreateTook() {
        long bytes = memory.allocatedBytes();
        int buffers = memory.allocations();
        h.fw.injectStatus(Command.SW2HW_CQ.opcode(), Status.BAD_RES_STATE);
        assertEquals(Errno.EBADF, Cq.create(h.dev, null, null, new org.ibmodel.core.CqInitAttr(8, 0)).errno());
        h.fw.injectStatus(Command.SW2HW_SRQ.opcode(), Status.BAD_RES_STATE);
        assertEquals(Errno.EBADF, Srq.create(h.pd, null, new SrqAttr(16, 2, 0)).errno());
        h.fw.injectStatus(Command.WRITE_MTT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.reg(h.pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.reg(h.pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.alloc(h.pd, 16).errno());
        assertHeldAsBefore(bytes, buffers, "after the refused creates");

        Cq cq = h.cq(8);
        long withCq = memory.allocatedBytes();
        h.fw.injectStatus(Command.RESIZE_CQ.opcode(), Status.BAD_SIZE);
        assertEquals(Errno.ENOMEM.negative(), cq.resize(100));
        assertEquals(withCq, memory.allocatedBytes(), "the new ring of a refused resize goes back");
        assertEquals(0, cq.destroy());
        assertHeldAsBefore(bytes, buffers, "after the CQ");
    }

    /** A driver that touched a ring after destroy_cq gave it back would be told where that was. */
    @Test
    void shouldNameWhereTheDriverFreedARing() {
        Cq cq = h.cq(8);
        long ring = ((HcaCq) cq.drv()).buffer();
        assertEquals(0, cq.destroy());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory.read(ring, 32));
        assertTrue(e.getMessage().contains("freed at HcaCq.freeBuffers(HcaCq.java:")
                && e.getMessage().contains("< HcaDriver.destroyCq(HcaDriver.java:"), e.getMessage());
    }

    private void catastrophicErrorAndRestart(int restarts) {
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        long until = h.scheduler.now() + HcaDriver.CATAS_POLL_NS + 2 * HcaDriver.RESET_WAIT_NS;
        while (h.scheduler.nextEventTime() >= 0 && h.scheduler.nextEventTime() <= until) {
            h.scheduler.runNext();
            h.settle();
        }
        assertEquals(restarts, h.drv.restarts());
        assertEquals(0, h.drv.restartError());
    }

    @Test
    void shouldHoldNothingOnceRemovedAndNoMoreAfterEachRestart() {
        long probed = memory.allocatedBytes();
        assertEquals(0, h.pd.dealloc());
        catastrophicErrorAndRestart(1);
        long once = memory.allocatedBytes();
        int onceBuffers = memory.allocations();
        // The first probe's mailbox pool may have grown further than a restart's needs.
        assertTrue(once <= probed, once + " bytes after a restart, " + probed + " after the probe");
        catastrophicErrorAndRestart(2);
        assertHeldAsBefore(once, onceBuffers, "after a second restart");
        h.drv.remove();
        assertHeldAsBefore(4L * HostMemory.PAGE_SIZE, 1, "after remove, only the test's buffer");
    }
}
