// ibv_query_device and ibv_query_port on the HCA, as a process sees them through uverbs
// (drivers/infiniband/core/uverbs_cmd.c copy_query_dev_fields, ib_uverbs_query_port) against what
// mlx4_ib_query_device and ib_link_query_port (drivers/infiniband/hw/mlx4/main.c) fill in
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.core.DeviceAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.verbs.IbvDeviceAttr;
import org.ibmodel.verbs.IbvPortAttr;
import org.junit.jupiter.api.Test;

class HcaUserQueryTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);

    private static IbvDeviceAttr queryDevice(World w) {
        UserProcess p = new UserProcess(w, 0, 4096);
        IbvDeviceAttr a = new IbvDeviceAttr();
        assertEquals(0, p.ctx.queryDevice(a));
        return a;
    }

    /**
     * GET_CONTEXT reports the device's num_comp_vectors, which mlx4_ib_add sets to its completion
     * EQs (two here), and CREATE_CQ takes any vector below it (ib_uverbs_add_one copies it,
     * create_cq checks it); the vector past the last is -EINVAL.
     */
    @Test
    void shouldOfferEveryCompletionVectorOfTheHca() {
        try (World w = World.of(SEED, 1)) {
            UserProcess p = new UserProcess(w, 0, 4096);
            assertEquals(2, p.ctx.numCompVectors(), "num_comp_vectors");
            assertTrue(p.ctx.createCq(4, null, null, 1) != null, "a CQ on vector 1: errno " + p.ibv.errno());
            assertEquals(null, p.ctx.createCq(4, null, null, 2), "vector 2");
            assertEquals(Errno.EINVAL.number(), p.ibv.errno());
        }
    }

    /** mlx4 and mthca: max_res_rd_atom is max_qp_rd_atom for every QP the device has. */
    @Test
    void shouldReportResponderResourcesForEveryQp() {
        try (World w = World.of(SEED, 1)) {
            IbvDeviceAttr a = queryDevice(w);
            assertEquals(a.maxQpRdAtom * a.maxQp, a.maxResRdAtom, "max_res_rd_atom");
        }
    }

    /**
     * mlx4 and mthca: IB_ATOMIC_HCA when the device executes atomics (MLX4_DEV_CAP_FLAG_ATOMIC,
     * DEV_LIM_FLAG_ATOMIC), as this one does (docs/HCA.md §5.4).
     */
    @Test
    void shouldReportAtomicsAtomicAcrossTheHca() {
        try (World w = World.of(SEED, 1)) {
            assertEquals(1, queryDevice(w).atomicCap, "IB_ATOMIC_HCA");
        }
    }

    /**
     * ib_link_query_port reads SubnetTimeOut and InitTypeReply from PortInfo and uverbs passes
     * both on (copy_port_attr_to_resp): the subnet manager's 18 (OpenSM's default) and 0, then
     * whatever a later SET_PORT gives, which changes no other attribute.
     */
    @Test
    void shouldReportTheSubnetTimeoutTheSubnetManagerSet() {
        try (World w = World.of(SEED, 1)) {
            UserProcess p = new UserProcess(w, 0, 4096);
            IbvPortAttr a = new IbvPortAttr();
            assertEquals(0, p.ctx.queryPort(1, a));
            assertEquals(18, a.subnetTimeout, "subnet_timeout");
            assertEquals(0, a.initTypeReply, "init_type_reply");
            org.ibmodel.core.PortAttr k = new org.ibmodel.core.PortAttr();
            assertEquals(0, w.host(0).driver(0).queryPort(1, k));
            assertEquals(0, w.host(0).driver(0).setPort(1, k.lid, k.lmc, k.smLid, k.smSl, 12));
            w.settle();
            IbvPortAttr b = new IbvPortAttr();
            assertEquals(0, p.ctx.queryPort(1, b));
            assertEquals(12, b.subnetTimeout, "subnet_timeout after SET_PORT");
            assertEquals(a.lid, b.lid, "the LID stays");
            assertEquals(a.state, b.state, "the state stays");
        }
    }

    /**
     * ib_link_query_port reads PortInfo afresh on every call and reports IB_SPEED_SDR for a port
     * that is DOWN, whatever speed the firmware still shows; a port closed after it was up must not
     * keep the speed and physical state it had.
     */
    @Test
    void shouldReportTheLinkOfAPortThatWentDown() {
        try (World w = World.of(SEED, 1)) {
            UserProcess p = new UserProcess(w, 0, 4096);
            IbvPortAttr up = new IbvPortAttr();
            assertEquals(0, p.ctx.queryPort(1, up));
            assertEquals(4, up.state, "IB_PORT_ACTIVE");
            assertEquals(32, up.activeSpeed, "IB_SPEED_EDR");
            assertEquals(0, w.host(0).driver(0).closePort(1));
            w.settle();
            IbvPortAttr down = new IbvPortAttr();
            assertEquals(0, p.ctx.queryPort(1, down));
            assertEquals(1, down.state, "IB_PORT_DOWN");
            assertEquals(1, down.activeSpeed, "IB_SPEED_SDR");
            assertEquals(3, down.physState, "Disabled");
        }
    }

    /**
     * copy_query_dev_fields passes max_sge_rd on; mthca_query_device reports the send SGE limit
     * for it, an RDMA READ's WQE having the segments of an RDMA WRITE's.
     */
    @Test
    void shouldReportTheSgesOfAnRdmaRead() {
        try (World w = World.of(SEED, 1)) {
            IbvDeviceAttr a = queryDevice(w);
            assertEquals(w.host(0).driver(0).device().attr().maxSendSge, a.maxSgeRd, "max_sge_rd");
            assertEquals(a.maxSge, a.maxSgeRd);
        }
    }

    /**
     * libibverbs' copy_query_dev_fields copies every field of the response, the multicast limits
     * of mthca_query_device among them.
     */
    @Test
    void shouldReportTheMulticastLimits() {
        try (World w = World.of(SEED, 1)) {
            IbvDeviceAttr a = queryDevice(w);
            DeviceAttr k = w.host(0).driver(0).device().attr();
            assertTrue(k.maxMcastGrp > 0);
            assertEquals(k.maxMcastGrp, a.maxMcastGrp, "max_mcast_grp");
            assertEquals(8, a.maxMcastQpAttach, "max_mcast_qp_attach");
            assertEquals(k.maxTotalMcastQpAttach, a.maxTotalMcastQpAttach, "max_total_mcast_qp_attach");
            assertEquals(0, a.maxMw, "no memory windows");
        }
    }

    /** mlx4_ib_query_device: INT_MAX address handles, which live in software only. */
    @Test
    void shouldReportAddressHandlesWithoutALimit() {
        try (World w = World.of(SEED, 1)) {
            assertEquals(Integer.MAX_VALUE, queryDevice(w).maxAh, "max_ah");
        }
    }
}
