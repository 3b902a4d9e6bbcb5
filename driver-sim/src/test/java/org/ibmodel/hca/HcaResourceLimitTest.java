// The driver's object numbers on a device with few of each: drivers/net/ethernet/mellanox/mlx4/alloc.c
// (mlx4_bitmap_alloc, round robin), pd.c, mr.c, cq.c, qp.c, srq.c and mcg.c (their -ENOMEM when
// the bitmap is full), drivers/infiniband/hw/mthca/mthca_pd.c (a process's PD has no MPT)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.HoldingStage;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.Host;
import org.junit.jupiter.api.Test;

class HcaResourceLimitTest {
    private static final long GUID = 0x0002_c903_0000_4321L;
    private static final int FIRST_QPN = 0x40;

    private final Host host = new Host("h1", new Scheduler(0x5eed));
    private final HcaDriver drv = load(host, 8);
    private final IbDevice dev = drv.device();
    private final Firmware fw = host.hca(0).firmware();

    /**
     * Plugs an HCA with two PDs, two MPTs past the firmware's own, two CQs, two QPs, one SRQ and
     * {@code maxMcg} multicast entries (half hashed) and loads its driver.
     */
    private static HcaDriver load(Host host, int maxMcg) {
        DevCaps s = DevCaps.standard(GUID);
        DevCaps small = new DevCaps(FIRST_QPN + 2, s.maxQpWr(), 2, s.maxCqe(), s.firstMpt() + 2, 2, s.maxEq(),
                s.maxSendSge(),
                s.maxRecvSge(), s.maxQpRdAtom(), s.maxQpInitRdAtom(), 1, s.maxSrqWr(), s.maxSrqSge(), s.numPorts(),
                s.maxMtu(), s.pkeyTableLen(), s.localCaAckDelay(), s.gidTableLen(), s.maxInlineData(), FIRST_QPN,
                s.nodeGuid(), s.sysImageGuid(), s.vendorId(), s.vendorPartId(), s.msixVectors(), maxMcg);
        host.plugHca(small, new HoldingStage());
        assertEquals(0, host.loadDriver(host.hca(0), "hca0"));
        return host.driver(0);
    }

    @Test
    void shouldRefuseAPdOrKeyWhenTheirNumbersAreTakenAndGiveBackWhatItTook() {
        Pd first = Pd.alloc(dev).get();
        Pd second = Pd.alloc(dev).get();
        assertEquals(2, drv.live().get("pd"));
        assertEquals(2, drv.live().get("mpt"), "each kernel PD's local DMA key");
        assertEquals(Errno.ENOMEM, Pd.alloc(dev).errno(), "no PD number");
        assertEquals(Errno.ENOMEM, Mr.getDma(first, AccessFlags.LOCAL_WRITE).errno(), "no MPT");
        assertEquals(Errno.ENOMEM, Mr.alloc(first, 4).errno(), "no MPT for a fast-register MR");
        long buf = host.memory().alloc(4096);
        assertEquals(Errno.ENOMEM, Mr.reg(first, buf, 4096, buf, AccessFlags.LOCAL_WRITE).errno(), "no MPT");

        // A PD number free but no MPT for its local DMA key: the number goes back.
        assertEquals(0, first.dealloc());
        Mr dma = Mr.getDma(second, AccessFlags.LOCAL_WRITE).get();
        assertEquals(fw.caps().firstMpt(), dma.lkey() >>> 8, "round robin came back to the first MPT");
        assertEquals(Errno.ENOMEM, Pd.alloc(dev).errno(), "no MPT for the local DMA key");
        assertEquals(1, drv.live().get("pd"), "the PD number of the refused PD was given back");

        // A process's PD takes a number and no MPT (mthca_pd_alloc, privileged only without udata).
        Pd user = Pd.allocUser(dev).get();
        assertEquals(2, drv.live().get("pd"));
        assertEquals(2, drv.live().get("mpt"));
        assertEquals(2, fw.live().get("mpt"));
        assertEquals(0, user.dealloc());
        assertEquals(0, dma.dereg());
        assertEquals(0, second.dealloc());
        assertEquals(0, drv.live().get("pd"));
        assertEquals(0, drv.live().get("mpt"));
    }

    /**
     * mlx4_init_mr_table reserves the firmware's MPTs: none is handed out, so no key is 0x100, the
     * invalid lkey that ends a WQE's data segments (a region with that key would read as empty).
     */
    @Test
    void shouldNeverHandOutTheFirmwaresMptsNorTheInvalidLkey() {
        int first = fw.caps().firstMpt();
        assertEquals(2, dev.attr().maxMr, "max_mr: the MPTs past the firmware's");
        Pd pd = Pd.alloc(dev).get();
        long buf = host.memory().alloc(4096);
        for (int i = 0; i < 600; i++) {
            Mr mr = Mr.reg(pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).get();
            assertTrue(mr.lkey() >>> 8 >= first, "registration " + i + ": key 0x" + Integer.toHexString(mr.lkey()));
            assertTrue(mr.lkey() != Hw.Data.INVALID_LKEY, "registration " + i);
            assertEquals(0, mr.dereg());
        }
        assertEquals(0, pd.dealloc());
    }

    @Test
    void shouldRefuseACqQpOrSrqWhenTheirNumbersAreTakenAndReuseAFreedOne() {
        Pd pd = Pd.alloc(dev).get();
        Cq a = Cq.create(dev, null, null, new CqInitAttr(4, 0)).get();
        Cq b = Cq.create(dev, null, null, new CqInitAttr(4, 0)).get();
        assertEquals(Errno.ENOMEM, Cq.create(dev, null, null, new CqInitAttr(4, 0)).errno());
        assertEquals(2, drv.live().get("cqn"));
        Srq srq = Srq.create(pd, null, new SrqAttr(4, 1, 0)).get();
        assertEquals(Errno.ENOMEM, Srq.create(pd, null, new SrqAttr(4, 1, 0)).errno());
        assertEquals(1, drv.live().get("srqn"));
        Qp q1 = Qp.create(pd, QpInitAttr.of(QpType.RC, a, a, QpCap.of(2, 2, 1))).get();
        Qp q2 = Qp.create(pd, QpInitAttr.of(QpType.UD, b, b, QpCap.of(2, 2, 1))).get();
        assertEquals(Errno.ENOMEM, Qp.create(pd, QpInitAttr.of(QpType.RC, a, a, QpCap.of(2, 2, 1))).errno());
        assertEquals(2, drv.live().get("qpn"));

        int freed = q1.qpNum();
        assertEquals(0, q1.destroy());
        Qp again = Qp.create(pd, QpInitAttr.of(QpType.RC, a, a, QpCap.of(2, 2, 1))).get();
        assertEquals(freed, again.qpNum(), "the only number free");
        // mlx4_bitmap_alloc's round robin starts after the last number it gave: when that one is
        // the only one free it is found at the end of the search.
        int last = again.qpNum();
        assertEquals(0, again.destroy());
        again = Qp.create(pd, QpInitAttr.of(QpType.RC, a, a, QpCap.of(2, 2, 1))).get();
        assertEquals(last, again.qpNum(), "the number just freed, when it is the only one");
        assertEquals(0, again.destroy());
        assertEquals(0, q2.destroy());
        assertEquals(0, srq.destroy());
        assertEquals(0, b.destroy());
        assertEquals(0, a.destroy());
        assertEquals(0, pd.dealloc());
        for (String kind : new String[] {"cqn", "qpn", "srqn", "cq", "qp", "srq"}) {
            assertEquals(0, drv.live().get(kind), kind);
        }
    }

    /**
     * destroy_qp_common cleans the destroyed QP's CQEs out of its CQs: with its number handed out
     * again at once, the next QP must not poll completions of the one before.
     */
    @Test
    void shouldGiveAReusedQpNumberNoneOfTheDestroyedQpsCompletions() {
        Pd pd = Pd.alloc(dev).get();
        Cq cq = Cq.create(dev, null, null, new CqInitAttr(8, 0)).get();
        Qp other = Qp.create(pd, QpInitAttr.of(QpType.UD, cq, cq, QpCap.of(2, 2, 1))).get();
        Qp old = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 4, 1))).get();
        HcaHost.toRts(old);
        HcaHost.toErr(old);
        Sge sge = new Sge(0x1_0000_1000L, 8, pd.localDmaLkey());
        assertTrue(old.postSend(SendWr.send(1, sge), SendWr.send(2, sge)).ok());
        host.settle();
        int qpn = old.qpNum();
        assertEquals(0, old.destroy());
        Qp reused = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 4, 1))).get();
        assertEquals(qpn, reused.qpNum(), "the only number free");
        assertEquals(List.of(), HcaHost.poll(cq), "the flushed sends went with the QP");
        assertEquals(0, reused.destroy());
        assertEquals(0, other.destroy());
        assertEquals(0, cq.destroy());
    }

    /** ff12:401b:ffff::low; with four hashed entries, lows equal modulo 4 share a hash chain. */
    private static byte[] mgid(int low) {
        byte[] g = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        g[14] = (byte) (low >>> 8);
        g[15] = (byte) low;
        return g;
    }

    /**
     * mlx4_qp_attach_common: a group its hash slot cannot hold takes an AMGM entry from the
     * bitmap of the entries not hashed; with none left the attach is -ENOMEM and changes nothing.
     */
    @Test
    void shouldRefuseAGroupWhenNoChainEntryIsLeft() {
        Pd pd = Pd.alloc(dev).get();
        Cq cq = Cq.create(dev, null, null, new CqInitAttr(4, 0)).get();
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.UD, cq, cq, QpCap.of(2, 2, 1))).get();
        for (int k = 0; k < 5; k++) {
            assertEquals(0, qp.attachMcast(mgid(1 + 4 * k), 0xc001), "group " + k);
        }
        assertEquals(4, drv.live().get("amgm"));
        assertEquals(Errno.ENOMEM.negative(), qp.attachMcast(mgid(1 + 4 * 5), 0xc001), "the chain is full");
        assertEquals(5, fw.multicastEntries());
        assertEquals(4, drv.live().get("amgm"));
        assertEquals(0, qp.attachMcast(mgid(2), 0xc001), "another hash slot still takes a group");
        assertEquals(0, qp.detachMcast(mgid(1 + 4 * 2), 0xc001));
        assertEquals(0, qp.attachMcast(mgid(1 + 4 * 5), 0xc001), "a chain entry was given back");
        for (int k : new int[] {0, 1, 3, 4, 5}) {
            assertEquals(0, qp.detachMcast(mgid(1 + 4 * k), 0xc001), "group " + k);
        }
        assertEquals(0, qp.detachMcast(mgid(2), 0xc001));
        assertEquals(0, fw.multicastEntries());
        assertEquals(0, drv.live().get("amgm"));
        assertEquals(0, qp.destroy());
    }

    /** A device with no multicast table: no attach_mcast, so ib_attach_mcast is -EOPNOTSUPP. */
    @Test
    void shouldOfferNoMulticastWithoutAGroupTable() {
        HcaDriver none = load(new Host("h2", new Scheduler(0x5eed)), 0);
        assertFalse(none.hasMulticast());
        assertEquals(0, none.device().attr().maxMcastGrp);
        Pd pd = Pd.alloc(none.device()).get();
        Cq cq = Cq.create(none.device(), null, null, new CqInitAttr(4, 0)).get();
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.UD, cq, cq, QpCap.of(2, 2, 1))).get();
        assertEquals(Errno.EOPNOTSUPP.negative(), qp.attachMcast(mgid(1), 0xc001));
        assertTrue(drv.hasMulticast(), "a table of eight entries has");
    }
}
