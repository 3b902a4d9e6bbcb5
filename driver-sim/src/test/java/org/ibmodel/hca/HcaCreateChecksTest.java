// The sizes ib_core leaves to the driver, checked by the HCA driver as mlx4 does:
// drivers/infiniband/hw/mlx4/qp.c set_rq_size / set_kernel_sq_size, cq.c mlx4_ib_create_cq /
// mlx4_ib_resize_cq, srq.c mlx4_ib_create_srq / mlx4_ib_modify_srq, main.c mlx4_ib_query_device
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Result;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.sim.device.DevCaps;
import org.junit.jupiter.api.Test;

class HcaCreateChecksTest {
    private static final int EINVAL = Errno.EINVAL.negative();

    /** How often ib_core handed each request to the driver: a refusal counted here is the driver's. */
    private final Map<String, Integer> reached = new HashMap<>();
    private final HcaHost h = new HcaHost(HcaHost.LID, this::counting);
    private final DevCaps caps = h.fw.caps();
    private final DeviceAttr a = h.dev.attr();
    private final Cq cq = h.cq(16);

    private DeviceOps counting(DeviceOps real) {
        return new ForwardingDeviceOps(real) {
            @Override
            public int createQp(Qp qp, QpInitAttr init) {
                reached.merge("createQp", 1, Integer::sum);
                return super.createQp(qp, init);
            }

            @Override
            public int createCq(Cq c, CqInitAttr attr) {
                reached.merge("createCq", 1, Integer::sum);
                return super.createCq(c, attr);
            }

            @Override
            public int resizeCq(Cq c, int cqe) {
                reached.merge("resizeCq", 1, Integer::sum);
                return super.resizeCq(c, cqe);
            }

            @Override
            public int createSrq(Srq srq, SrqAttr attr) {
                reached.merge("createSrq", 1, Integer::sum);
                return super.createSrq(srq, attr);
            }

            @Override
            public int modifySrq(Srq srq, SrqAttr attr, int mask) {
                reached.merge("modifySrq", 1, Integer::sum);
                return super.modifySrq(srq, attr, mask);
            }

            @Override
            public int allocMr(Mr mr, int maxNumSg) {
                reached.merge("allocMr", 1, Integer::sum);
                return super.allocMr(mr, maxNumSg);
            }
        };
    }

    private int createQp(QpType type, QpCap cap, Srq srq) {
        QpInitAttr init = QpInitAttr.of(type, cq, cq, cap);
        init.srq = srq;
        init.portNum = 1;
        Result<Qp> r = Qp.create(h.pd, init);
        return r.isErr() ? -r.errno().number() : 0;
    }

    /** mlx4_ib_query_device: max_qp_wr without the spare WQEs, one SGE limit for both queues. */
    @Test
    void shouldReportTheQueueLimitsAsMlx4Does() {
        assertEquals(caps.maxQpWr() - HcaDriver.SQ_MAX_SPARE, a.maxQpWr);
        assertEquals(33, HcaDriver.SQ_MAX_SPARE);
        assertEquals(Math.min(caps.maxSendSge(), caps.maxRecvSge()), a.maxSendSge);
        assertEquals(a.maxSendSge, a.maxRecvSge);
    }

    /** set_rq_size and set_kernel_sq_size: WRs above max_wqes less the spare, SGEs above the limit. */
    @Test
    void shouldRefuseQueueSizesAboveMlx4sLimitsInTheDriver() {
        int maxWr = caps.maxQpWr() - HcaDriver.SQ_MAX_SPARE;
        QpCap[] bad = {
            new QpCap(maxWr + 1, 1, 1, 1, 0),
            new QpCap(1, maxWr + 1, 1, 1, 0),
            new QpCap(caps.maxQpWr(), 1, 1, 1, 0),
            new QpCap(1, 1, a.maxSendSge + 1, 1, 0),
            new QpCap(1, 1, 1, a.maxRecvSge + 1, 0),
            new QpCap(-1, 1, 1, 1, 0),
            new QpCap(1, 1, 1, -1, 0),
        };
        for (QpCap c : bad) {
            assertEquals(EINVAL, createQp(QpType.RC, c, null), c.toString());
        }
        assertEquals(bad.length, reached.get("createQp"), "every one reached the driver");
        assertEquals(0, createQp(QpType.RC, new QpCap(maxWr, maxWr, a.maxSendSge, a.maxRecvSge, 0), null));
    }

    /** set_rq_size checks the receive sizes before it knows there is no receive queue: on an SRQ too. */
    @Test
    void shouldCheckTheReceiveSgesOfAQpOnAnSrq() {
        Srq srq = Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).get();
        assertEquals(EINVAL, createQp(QpType.RC, new QpCap(1, 0, 1, a.maxRecvSge + 1, 0), srq));
        assertEquals(EINVAL, createQp(QpType.RC, new QpCap(1, 1, 1, 0, 0), srq), "receive WRs on an SRQ's QP");
        assertEquals(0, createQp(QpType.RC, new QpCap(1, 0, 1, a.maxRecvSge, 0), srq));
    }

    /** set_kernel_sq_size: an SMI or GSI QP keeps two of max_sq_sg for its header and checksum. */
    @Test
    void shouldKeepTwoSendSgesOfASpecialQp() {
        assertEquals(EINVAL, createQp(QpType.GSI, new QpCap(1, 1, caps.maxSendSge() - 1, 1, 0), null));
        assertEquals(0, createQp(QpType.GSI, new QpCap(1, 1, caps.maxSendSge() - 2, 1, 0), null));
    }

    /**
     * create_qp_common adds a receive SGE to an SMI or GSI QP's (for the SR-IOV tunnel header,
     * native mode too) before set_rq_size compares them with the limit.
     */
    @Test
    void shouldCountTheExtraReceiveSgeOfASpecialQp() {
        assertEquals(EINVAL, createQp(QpType.GSI, new QpCap(1, 1, 1, a.maxRecvSge, 0), null));
        assertEquals(0, createQp(QpType.RC, new QpCap(1, 1, 1, a.maxRecvSge, 0), null), "not on an RC QP");
        assertEquals(0, createQp(QpType.GSI, new QpCap(1, 1, 1, a.maxRecvSge - 1, 0), null));
    }

    /**
     * create_qp_common sizes the queues (set_kernel_sq_size's -EINVAL for a WQE too large) before
     * it takes a QP number, and before mlx4_qp_alloc finds the special QP's number taken (-EEXIST).
     */
    @Test
    void shouldRefuseAWqeTooLargeBeforeTakingAQpNumber() {
        assertEquals(0, createQp(QpType.GSI, new QpCap(1, 1, 1, 1, 0), null));
        assertEquals(Errno.EEXIST.negative(), createQp(QpType.GSI, new QpCap(1, 1, 1, 1, 0), null));
        assertEquals(EINVAL, createQp(QpType.GSI, new QpCap(1, 1, 1, 1, 2000), null), "inline past the ds");
    }

    /** mlx4_ib_create_cq and mlx4_ib_resize_cq: entries from 1 to max_cqes, else -EINVAL. */
    @Test
    void shouldCheckCqSizesInTheDriver() {
        int before = reached.get("createCq");
        for (int cqe : new int[] {0, -1, a.maxCqe + 1}) {
            assertEquals(Errno.EINVAL, Cq.create(h.dev, null, null, new CqInitAttr(cqe, 0)).errno(), "cqe " + cqe);
            assertEquals(EINVAL, cq.resize(cqe), "resize to " + cqe);
        }
        assertEquals(before + 3, reached.get("createCq"));
        assertEquals(3, reached.get("resizeCq"));
        assertFalse(Cq.create(h.dev, null, null, new CqInitAttr(a.maxCqe, 0)).isErr());
        assertEquals(0, cq.resize(a.maxCqe));
    }

    /**
     * mlx4_ib_create_cq: the size first, then a flag but IB_UVERBS_CQ_FLAGS_TIMESTAMP_COMPLETION
     * is -EINVAL; that one mlx4 takes, and this device, writing no timestamps, refuses with
     * -EOPNOTSUPP. The in-memory device answers every flag -EOPNOTSUPP first, as rxe_create_cq.
     */
    @Test
    void shouldAnswerCqFlagsAsMlx4AndRxeDo() {
        int ignoreOverrun = CqInitAttr.IGNORE_OVERRUN;
        assertEquals(Errno.EINVAL, Cq.create(h.dev, null, null, new CqInitAttr(8, 0, ignoreOverrun)).errno());
        assertEquals(Errno.EOPNOTSUPP, Cq.create(h.dev, null, null,
                new CqInitAttr(8, 0, CqInitAttr.TIMESTAMP_COMPLETION)).errno());
        assertEquals(Errno.EINVAL, Cq.create(h.dev, null, null, new CqInitAttr(0, 0, ignoreOverrun)).errno(),
                "the size is looked at first");
        org.ibmodel.uverbs.UverbsHost mem = new org.ibmodel.uverbs.UverbsHost(
                (core, memory) -> org.ibmodel.sw.mem.MemDevice.create(core, "mem0", memory, 1));
        assertEquals(Errno.EOPNOTSUPP, Cq.create(mem.device(), null, null, new CqInitAttr(0, 0, ignoreOverrun))
                .errno(), "rxe: the flags before the size");
    }

    /** mlx4_ib_create_srq: max_wr and max_sge above the device's, as u32s, are -EINVAL. */
    @Test
    void shouldCheckSrqSizesInTheDriver() {
        SrqAttr[] bad = {
            new SrqAttr(a.maxSrqWr + 1, 1, 0), new SrqAttr(-1, 1, 0), new SrqAttr(1, a.maxSrqSge + 1, 0),
            new SrqAttr(1, -1, 0),
        };
        for (SrqAttr s : bad) {
            assertEquals(Errno.EINVAL, Srq.create(h.pd, null, s).errno(), s.maxWr + "/" + s.maxSge);
        }
        assertEquals(bad.length, reached.get("createSrq"));
        assertFalse(Srq.create(h.pd, null, new SrqAttr(0, 1, 0)).isErr(), "mlx4 takes an SRQ of no WRs");
    }

    /**
     * mlx4_ib_query_device reports max_srq_wr one below the device's SRQ WQEs, because the ring is
     * roundup_pow_of_two(max_wr + 1) with one entry kept free: an SRQ of max_srq_wr WRs fits it.
     */
    @Test
    void shouldMakeAnSrqOfTheReportedMaxSrqWr() {
        Result<Srq> r = Srq.create(h.pd, null, new SrqAttr(a.maxSrqWr, 1, 0));
        assertFalse(r.isErr(), () -> "SRQ of max_srq_wr " + a.maxSrqWr + ": " + r.errno());
        assertEquals(a.maxSrqWr, r.get().maxWr());
        assertEquals(caps.maxSrqWr() - 1, a.maxSrqWr, "max_srq_wr is max_srq_wqes - 1");
    }

    /** mlx4_ib_modify_srq: a limit the ring's WQEs do not exceed is -EINVAL; no resizing at all. */
    @Test
    void shouldCheckTheSrqLimitInTheDriver() {
        Srq srq = Srq.create(h.pd, null, new SrqAttr(7, 1, 0)).get();
        int max = srq.maxWr();
        assertEquals(EINVAL, srq.modify(new SrqAttr(0, 0, max + 1), SrqAttr.LIMIT));
        assertEquals(EINVAL, srq.modify(new SrqAttr(0, 0, -1), SrqAttr.LIMIT));
        assertEquals(EINVAL, srq.modify(new SrqAttr(max, 0, 0), SrqAttr.MAX_WR));
        assertEquals(3, reached.get("modifySrq"), "every one reached the driver");
        assertEquals(0, srq.modify(new SrqAttr(0, 0, max), SrqAttr.LIMIT));
        assertEquals(max, srq.srqLimit());
    }

    /**
     * ib_alloc_mr checks no max_num_sg; mlx4_ib_alloc_mr refuses above MLX4_MAX_FAST_REG_PAGES,
     * as a u32 (-EINVAL), and takes none at all.
     */
    @Test
    void shouldCheckTheFastRegPagesInTheDriver() {
        for (int n : new int[] {HcaDriver.MAX_FAST_REG_PAGES + 1, -1, Integer.MIN_VALUE}) {
            assertEquals(Errno.EINVAL, Mr.alloc(h.pd, n).errno(), "max_num_sg " + n);
        }
        assertEquals(3, reached.get("allocMr"), "every one reached the driver");
        assertFalse(Mr.alloc(h.pd, 0).isErr());
        assertFalse(Mr.alloc(h.pd, HcaDriver.MAX_FAST_REG_PAGES).isErr());
    }

    /**
     * core/verbs.c create_qp takes a missing CQ to the driver, where mlx4 dereferences it
     * (create_qp_common, mlx4_ib_lock_cqs): a kernel bug, after the sizes are checked and before
     * anything is taken. (The in-memory device refuses it with -EINVAL, as rxe_qp_chk_init.)
     */
    @Test
    void shouldLeaveAMissingCqToTheDriver() {
        int before = reached.getOrDefault("createQp", 0);
        KernelBug bug = assertThrows(KernelBug.class,
                () -> Qp.create(h.pd, QpInitAttr.of(QpType.RC, cq, null, QpCap.of(1, 1, 1))));
        assertEquals(KernelBug.NULL_POINTER, bug.rule(), bug.getMessage());
        assertEquals(before + 1, reached.get("createQp"), "it reached the driver");
        assertEquals(0, h.pd.usecnt(), "nothing taken");
        assertEquals(EINVAL, Qp.create(h.pd, QpInitAttr.of(QpType.RC, null, cq, QpCap.of(1, 1, 1 << 20))).err(),
                "a size the driver refuses comes first");
    }

    /**
     * Neither ib_core nor mlx4 checks a special QP's port (mlx4 trusts ib_mad's); a port the
     * device does not have is a kernel bug. mlx4 lets a special QP receive from an SRQ.
     */
    @Test
    void shouldLeaveASpecialQpsPortAndSrqToTheDriver() {
        QpInitAttr gsi = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(1, 0, 1));
        gsi.portNum = h.dev.numPorts() + 1;
        KernelBug bug = assertThrows(KernelBug.class, () -> Qp.create(h.pd, gsi));
        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertEquals(1, reached.get("createQp"), "ib_core passed it on");
        gsi.portNum = 1;
        gsi.srq = Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).get();
        Qp qp = Qp.create(h.pd, gsi).get();
        assertEquals(1, qp.qpNum());
        assertEquals(gsi.srq, qp.srq());
    }
}
