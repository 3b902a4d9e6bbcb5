// ibv_attach_mcast and ibv_detach_mcast through uverbs on the HCA (libibverbs/verbs.c,
// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_attach_mcast, ib_uverbs_detach_mcast;
// rdma_core.c: closing the file detaches what is left, uverbs_free_qp)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpCap;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpType;
import org.junit.jupiter.api.Test;

class UserMcastTest {
    private static final int MLID = 0xc002;
    private static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 2};

    private static IbvQp ud(UserProcess p) {
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = p.cq;
        init.recvCq = p.cq;
        init.cap = new IbvQpCap(4, 4, 1, 1);
        init.qpType = IbvQpType.UD;
        IbvQp qp = p.pd.createQp(init);
        assertNotNull(qp, "ibv_create_qp");
        return qp;
    }

    @Test
    void shouldAttachOnceHoldTheQpAndDetach() {
        try (World w = World.of(3, 2)) {
            w.joinMulticast(MLID, 0, 1);
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            IbvQp qp = ud(p);
            assertEquals(0, qp.attachMcast(MGID, MLID), "ibv_attach_mcast");
            assertEquals(1, w.host(0).hca(0).firmware().multicastEntries(), "the device's group entry");
            // The QP already has the attachment: uverbs answers 0 without asking ib_core again.
            assertEquals(0, qp.attachMcast(MGID, MLID), "ibv_attach_mcast again");
            assertEquals(Errno.EBUSY.number(), qp.destroy(), "ibv_destroy_qp of an attached QP");
            assertEquals(0, qp.detachMcast(MGID, MLID), "ibv_detach_mcast");
            assertEquals(0, w.host(0).hca(0).firmware().multicastEntries(), "no group entry left");
            assertEquals(Errno.EINVAL.number(), qp.detachMcast(MGID, MLID), "ibv_detach_mcast of no attachment");
            assertEquals(0, qp.destroy(), "ibv_destroy_qp");
        }
    }

    @Test
    void shouldDetachWhatAProcessLeftAttachedWhenItExits() {
        try (World w = World.of(3, 2)) {
            w.joinMulticast(MLID, 0, 1);
            UserProcess.uverbs(w, 0);
            int objects = w.host(0).driver(0).device().liveTotal();
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            assertEquals(0, ud(p).attachMcast(MGID, MLID), "ibv_attach_mcast");
            p.ibv.task().exit();
            w.settle();
            assertEquals(0, w.host(0).hca(0).firmware().multicastEntries(), "no group entry left");
            assertEquals(objects, w.host(0).driver(0).device().liveTotal(), "the QP and the rest destroyed");
            assertEquals(0, w.host(0).driver(0).live().get("qp"), "no QP in the driver's table");
        }
    }

    /**
     * A process that exits after its HCA failed and before the driver's poll found it: the
     * firmware answers the group table's commands INTERNAL_ERR, so ib_detach_mcast fails (-EIO),
     * the QP stays held and cannot be destroyed, and uverbs_destroy_ufile_hw WARNs, as the kernel
     * does over mlx4 (HCA.md 2.1: a detach succeeds without the device only once the driver knows).
     */
    @Test
    void shouldWarnWhenAnExitInTheCatastrophicErrorWindowCannotDetach() {
        try (World w = World.of(3, 2)) {
            w.joinMulticast(MLID, 0, 1);
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            assertEquals(0, ud(p).attachMcast(MGID, MLID), "ibv_attach_mcast");
            w.host(0).hca(0).catastrophicError(org.ibmodel.sim.device.Layout.Catas.CAUSE_INTERNAL);
            KernelBug bug = assertThrows(KernelBug.class, () -> {
                p.ibv.task().exit();
                w.settle();
            });
            assertEquals(KernelBug.WARN_ON, bug.rule());
            assertTrue(bug.getMessage().contains("uverbs_destroy_ufile_hw cannot destroy [QP"), bug.getMessage());
            assertEquals(1, w.host(0).hca(0).firmware().multicastEntries(),
                    "the group entry the detach could not clear");
        }
    }

    /** The same exit once the driver knows (reset disabled): the detach succeeds without the device. */
    @Test
    void shouldDetachWithoutTheDeviceOnceTheDriverKnowsItFailed() {
        try (World w = World.of(3, 2)) {
            w.joinMulticast(MLID, 0, 1);
            w.host(0).driver(0).catasResetDisable(true);
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            assertEquals(0, ud(p).attachMcast(MGID, MLID), "ibv_attach_mcast");
            w.host(0).hca(0).catastrophicError(org.ibmodel.sim.device.Layout.Catas.CAUSE_INTERNAL);
            w.runUntil(w.scheduler().now() + 6_000_000_000L);
            p.ibv.task().exit();
            w.settle();
            assertEquals(0, w.host(0).driver(0).live().get("qp"), "the QP destroyed");
        }
    }
}
