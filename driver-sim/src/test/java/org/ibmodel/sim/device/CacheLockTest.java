// ib_core's cache_lock (drivers/infiniband/core/cache.c ib_get_cached_pkey, ib_cache_update) as
// the HCA driver meets it: mlx4's build_mlx_header reads the cached P_Key under qp->sq.lock
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReplayOnFailure.class)
class CacheLockTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 23);
    private static final int GSI_QKEY = 0x8001_0000;

    private static String at(String what) {
        return ReplayOnFailure.at("CacheLockTest", SEED, what);
    }

    /**
     * A GSI send posted from a completion handler, in hard-interrupt context, reads the cached
     * P_Key under qp->sq.lock and cache_lock for read, the cached LMC under cache_lock too, and a
     * GID under its table's rwlock; the tables' update, from the driver's work, writes ib_core's
     * copies with write_lock_irq. Lockdep accepts both and learns
     * the order sq.lock -> cache_lock. A write_lock that left interrupts on would be an
     * inconsistent lock state ({IN-HARDIRQ-R} -> {HARDIRQ-ON-W}): the interrupt could come while
     * the update holds the lock and spin on it for read.
     */
    @Test
    void shouldReadTheCachedPkeyInAnInterruptAndUpdateItWithInterruptsOff() {
        try (World w = World.of(SEED, 2)) {
            IbDevice dev = w.host(0).driver(0).device();
            Pd pd = Pd.alloc(dev).get();
            long buf = w.host(0).memory().alloc(4096);
            Mr mr = Mr.reg(pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).get();
            Ah ah = Ah.create(pd, AhAttr.lid(1, w.lid(1))).get();
            Qp[] gsi = new Qp[1];
            int[] completions = {0};
            ExecContext[] postedIn = new ExecContext[1];
            byte[][] gidInIrq = new byte[1][];
            int[] lmcInIrq = {-1};
            Cq cq = Cq.create(dev, c -> {
                Wc[] wc = {new Wc(), new Wc()};
                completions[0] += c.poll(wc.length, wc);
                if (postedIn[0] == null) {
                    postedIn[0] = dev.kernel().context();
                    // rdma_query_gid from the interrupt: the GID table's rwlock for read.
                    gidInIrq[0] = dev.port(1).gid(0);
                    // ib_get_cached_lmc from the interrupt: cache_lock for read.
                    lmcInIrq[0] = dev.port(1).cachedLmc();
                    assertTrue(gsi[0].postSend(send(buf, mr, ah)).ok(), at("posted from the handler"));
                }
                c.reqNotify(CqNotifyFlags.NEXT_COMP);
            }, null, new CqInitAttr(16, 0)).get();
            QpInitAttr init = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(8, 8, 1));
            init.portNum = 1;
            gsi[0] = Qp.create(pd, init).get();
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.qkey = GSI_QKEY;
            a.portNum = 1;
            assertEquals(0, gsi[0].modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
            assertEquals(0, gsi[0].modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, gsi[0].modify(new QpAttr().state(QpState.RTS),
                    QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            cq.reqNotify(CqNotifyFlags.NEXT_COMP);

            assertTrue(gsi[0].postSend(send(buf, mr, ah)).ok());
            w.settle();
            assertEquals(ExecContext.HARDIRQ, postedIn[0], at("the handler runs in the EQ's interrupt"));
            assertEquals(2, completions[0], at("both sends completed"));
            assertTrue(dev.kernel().lockdep().hasDependency("qp->sq.lock", "device->cache_lock"),
                    at("build_mlx_header's order"));

            org.junit.jupiter.api.Assertions.assertArrayEquals(dev.port(1).gid(0), gidInIrq[0], at("the port GID"));

            // The update rewrites the P_Keys under cache_lock and every GID under the table's
            // rwlock, each with write_lock_irq.
            TransportPair.setPkey(w.host(0).hca(0).firmware().port(1), 1, 0x8001);
            w.settle();
            assertEquals(0x8001, dev.port(1).cachedPkey(1), at("ib_cache_update wrote the new entry"));
            // So is the LMC after a LID change, with write_lock_irq.
            assertEquals(0, lmcInIrq[0], at("the LMC the handler read"));
            HcaPort port = w.host(0).hca(0).firmware().port(1);
            byte[] mb = port.query();
            Layout.PortInfo.LMC.set(mb, 0, 1);
            port.set(mb);
            w.settle();
            assertEquals(1, dev.port(1).cachedLmc(), at("ib_cache_update wrote the new LMC"));
            org.junit.jupiter.api.Assertions.assertArrayEquals(gidInIrq[0], dev.port(1).gid(0), at("GID 0 kept"));
        }
    }

    private static SendWr send(long buf, Mr mr, Ah ah) {
        return new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(buf, 256, mr.lkey())).ah(ah)
                .remoteQpn(1).remoteQkey(GSI_QKEY).sendFlags(SendFlags.SIGNALED);
    }
}
