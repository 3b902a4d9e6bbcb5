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
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

class UserMcastTest {
    private static final int MLID = 0xc002;
    private static final int QKEY = 0x1111_2222;
    private static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 2};

    private static IbvQp ud(UserProcess p) {
        return ud(p, 0);
    }

    /** A UD QP with create flags: ibv_create_qp_ex's IBV_QP_INIT_ATTR_CREATE_FLAGS when not 0. */
    private static IbvQp ud(UserProcess p, int createFlags) {
        IbvQp qp = p.pd.createQp(udInit(p, createFlags));
        assertNotNull(qp, "ibv_create_qp");
        return qp;
    }

    private static IbvQpInitAttr udInit(UserProcess p, int createFlags) {
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.createFlags = createFlags;
        init.sendCq = p.cq;
        init.recvCq = p.cq;
        init.cap = new IbvQpCap(4, 4, 1, 1);
        init.qpType = IbvQpType.UD;
        return init;
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

    /**
     * ibv_create_qp_ex with IBV_QP_CREATE_BLOCK_SELF_MCAST_LB through EX_CREATE_QP: the HCA spares
     * the QP its own copy of a datagram it sends to a group it is attached to, while another QP of
     * the process gets the loopback copy (mlx4's MLX4_IB_QP_BLOCK_MULTICAST_LOOPBACK). A flag the
     * HCA's driver does not take (SCATTER_FCS) passes uverbs and is refused by the driver.
     */
    @Test
    void shouldSpareAQpCreatedToBlockSelfLoopbackItsOwnCopy() {
        try (World w = World.of(3, 2)) {
            w.joinMulticast(MLID, 0, 1);
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            assertEquals(null, p.pd.createQp(udInit(p, 1 << 8)), "IBV_QP_CREATE_SCATTER_FCS");
            IbvQp blocking = ud(p, IbvQpInitAttr.CREATE_BLOCK_SELF_MCAST_LB);
            IbvQp other = ud(p);
            for (IbvQp q : new IbvQp[] {blocking, other}) {
                assertEquals(0, ProcessIsolationPropertyTest.connect(q, IbvQpType.UD, 0, 0, 0, 0, 0, QKEY));
                assertEquals(0, q.attachMcast(MGID, MLID), "ibv_attach_mcast");
                long id = q == blocking ? 10 : 20;
                assertEquals(0, q.postRecv(new IbvRecvWr(id, new IbvSge(p.buf + id * 256, 256, p.mr.lkey())),
                        new IbvRecvWr[1]), "ibv_post_recv");
            }
            IbvSendWr wr = new IbvSendWr(1, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(p.buf, 64, p.mr.lkey()));
            wr.ah = p.groupAh(MGID, MLID);
            wr.remoteQpn = 0xff_ffff;
            wr.remoteQkey = QKEY;
            assertEquals(0, blocking.postSend(wr, new IbvSendWr[1]), "ibv_post_send to the group");
            w.settle();
            IbvWc[] wc = {new IbvWc(), new IbvWc(), new IbvWc(), new IbvWc()};
            int n = p.cq.poll(wc.length, wc);
            java.util.Set<Long> ids = new java.util.TreeSet<>();
            for (int i = 0; i < n; i++) {
                ids.add(wc[i].wrId);
            }
            assertEquals(java.util.Set.of(1L, 20L), ids, "the send and the other QP's copy, not the sender's own");
        }
    }
}
