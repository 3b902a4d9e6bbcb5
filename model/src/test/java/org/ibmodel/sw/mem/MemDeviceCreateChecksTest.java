// The sizes and counts ib_core leaves to the driver, checked by the in-memory device as rxe does:
// drivers/infiniband/sw/rxe/rxe_qp.c rxe_qp_chk_cap, rxe_cq.c rxe_cq_chk_attr, rxe_srq.c
// rxe_srq_chk_init / rxe_srq_chk_attr, rxe_pool.c rxe_add_to_pool
package org.ibmodel.sw.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Result;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.junit.jupiter.api.Test;

class MemDeviceCreateChecksTest {
    private static final int EINVAL = Errno.EINVAL.negative();

    /** How often ib_core handed each request to the driver: a refusal counted here is the driver's. */
    private final Map<String, Integer> reached = new HashMap<>();
    private final Kernel kernel = new Kernel("host");
    private final HostMemory memory = new HostMemory();
    private final IbDevice dev = MemDevice.create(new IbCore(kernel), "mem0", memory, 1, this::counting);
    private final DeviceAttr a = dev.attr();
    private final Pd pd = Pd.alloc(dev).get();
    private final Cq cq = Cq.create(dev, c -> { }, null, new CqInitAttr(16, 0)).get();

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
            public int regMr(Mr mr, long start, long length, long iova, int access) {
                reached.merge("regMr", 1, Integer::sum);
                return super.regMr(mr, start, length, iova, access);
            }

            @Override
            public int getDmaMr(Mr mr, int access) {
                reached.merge("getDmaMr", 1, Integer::sum);
                return super.getDmaMr(mr, access);
            }
        };
    }

    private int refusals(String op, int calls) {
        return reached.getOrDefault(op, 0) - calls;
    }

    private int createQp(QpCap cap, Srq srq) {
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, cap);
        init.srq = srq;
        Result<Qp> r = Qp.create(pd, init);
        return r.isErr() ? -r.errno().number() : 0;
    }

    /**
     * rxe_queue_init gives a queue asked for n entries roundup_pow_of_two(n + 1) slots and keeps one
     * empty; rxe writes back, reports and lets be posted what that holds (rxe_init_sq, rxe_init_rq,
     * rxe_cq_from_init, rxe_cq_resize_queue, rxe_srq_from_init, rxe_queue_resize).
     */
    @Test
    void shouldWriteBackTheQueueSizesRxeMakes() {
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 8, 1));
        Qp qp = Qp.create(pd, init).get();
        assertEquals(7, init.cap.maxSendWr());
        assertEquals(15, init.cap.maxRecvWr());
        assertEquals(7, qp.cap().maxSendWr());
        assertEquals(15, qp.cap().maxRecvWr());
        Srq srq = Srq.create(pd, null, new SrqAttr(2, 0, 0)).get();
        assertEquals(3, srq.maxWr());
        assertEquals(1, srq.maxSge(), "rxe_srq_chk_init raises max_sge to RXE_MIN_SRQ_SGE");
        QpInitAttr onSrq = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(1, 5, 1));
        onSrq.srq = srq;
        Qp.create(pd, onSrq).get();
        assertEquals(1, onSrq.cap.maxSendWr(), "1 needs no more than two slots");
        assertEquals(5, onSrq.cap.maxRecvWr(), "no receive queue of its own: left as asked");

        for (int[] asked : new int[][] {{1, 1}, {2, 3}, {3, 3}, {4, 7}, {100, 127}, {128, 255}}) {
            Cq c = Cq.create(dev, x -> { }, null, new CqInitAttr(asked[0], 0)).get();
            assertEquals(asked[1], c.cqe(), "cqe " + asked[0]);
        }
        assertEquals(0, cq.resize(40));
        assertEquals(63, cq.cqe());
        assertEquals(0, srq.modify(new SrqAttr(9, 0, 0), SrqAttr.MAX_WR));
        assertEquals(15, query(srq).maxWr);
        long buf = memory.alloc(4096);
        Mr mr = Mr.reg(pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).get();
        for (int i = 0; i < 6; i++) {
            assertEquals(0, srq.postRecv(new RecvWr(i, new Sge(buf, 64, mr.lkey()))).ret(), "WR " + i);
        }
        // resize_finish compares the resized queue's room (7) with the six posted, not the 5 asked.
        assertEquals(0, srq.modify(new SrqAttr(5, 0, 0), SrqAttr.MAX_WR));
        assertEquals(7, query(srq).maxWr);
        assertEquals(EINVAL, srq.modify(new SrqAttr(3, 0, 0), SrqAttr.MAX_WR));
    }

    /** rxe_qp_chk_cap: each size above the device's, or negative (a u32 there), is the driver's -EINVAL. */
    @Test
    void shouldRefuseQpCapsAboveTheDevicesInTheDriver() {
        QpCap[] bad = {
            new QpCap(a.maxQpWr + 1, 1, 1, 1, 0),
            new QpCap(1, a.maxQpWr + 1, 1, 1, 0),
            new QpCap(1, 1, a.maxSendSge + 1, 1, 0),
            new QpCap(1, 1, 1, a.maxRecvSge + 1, 0),
            new QpCap(-1, 1, 1, 1, 0),
            new QpCap(1, 1, 1, -1, 0),
            new QpCap(1, 1, 1, 1, -1),
        };
        for (QpCap c : bad) {
            assertEquals(EINVAL, createQp(c, null), c.toString());
        }
        assertEquals(bad.length, reached.get("createQp"), "every one reached the driver");
        assertEquals(0, createQp(new QpCap(a.maxQpWr, a.maxQpWr, a.maxSendSge, a.maxRecvSge, 0), null));
    }

    /** rxe_qp_chk_cap leaves the receive sizes alone on an SRQ. */
    @Test
    void shouldIgnoreTheReceiveCapsOfAQpOnAnSrq() {
        Srq srq = Srq.create(pd, null, new SrqAttr(4, 1, 0)).get();
        assertEquals(0, createQp(new QpCap(1, a.maxQpWr + 1, 1, a.maxRecvSge + 1, 0), srq));
    }

    /** rxe_add_to_pool: one QP more than max_qp is -EINVAL, from the driver. */
    @Test
    void shouldRefuseAQpBeyondThePoolWithEinval() {
        for (int i = 0; i < a.maxQp; i++) {
            assertEquals(0, createQp(QpCap.of(1, 1, 1), null), "QP " + i);
        }
        assertEquals(EINVAL, createQp(QpCap.of(1, 1, 1), null));
        assertEquals(a.maxQp + 1, reached.get("createQp"));
    }

    /** rxe_cq_chk_attr: a size of 0 or above max_cqe, on create and on resize; then a full pool. */
    @Test
    void shouldCheckCqSizesAndCountInTheDriver() {
        int before = reached.getOrDefault("createCq", 0);
        for (int cqe : new int[] {0, -1, a.maxCqe + 1}) {
            assertEquals(Errno.EINVAL, Cq.create(dev, c -> { }, null, new CqInitAttr(cqe, 0)).errno(), "cqe " + cqe);
            assertEquals(EINVAL, cq.resize(cqe), "resize to " + cqe);
        }
        assertEquals(3, refusals("createCq", before));
        assertEquals(3, reached.get("resizeCq"));
        assertEquals(31, cq.cqe(), "16 as rxe_queue_init makes it");
        for (int i = 1; i < a.maxCq; i++) {
            assertFalse(Cq.create(dev, c -> { }, null, new CqInitAttr(1, 0)).isErr(), "CQ " + i);
        }
        assertEquals(Errno.EINVAL, Cq.create(dev, c -> { }, null, new CqInitAttr(1, 0)).errno());
    }

    /** rxe_srq_chk_init: max_wr from 1 to max_srq_wr and max_sge to max_srq_sge, as u32s; then a full pool. */
    @Test
    void shouldCheckSrqSizesAndCountInTheDriver() {
        SrqAttr[] bad = {
            new SrqAttr(0, 1, 0), new SrqAttr(a.maxSrqWr + 1, 1, 0), new SrqAttr(-1, 1, 0),
            new SrqAttr(1, a.maxSrqSge + 1, 0), new SrqAttr(1, -1, 0),
        };
        for (SrqAttr s : bad) {
            assertEquals(Errno.EINVAL, Srq.create(pd, null, s).errno(), s.maxWr + "/" + s.maxSge);
        }
        assertEquals(bad.length, reached.get("createSrq"));
        for (int i = 0; i < a.maxSrq; i++) {
            assertFalse(Srq.create(pd, null, new SrqAttr(a.maxSrqWr, a.maxSrqSge, 0)).isErr(), "SRQ " + i);
        }
        assertEquals(Errno.EINVAL, Srq.create(pd, null, new SrqAttr(1, 1, 0)).errno());
    }

    /**
     * rxe_srq_chk_attr: a new size of 0, above max_srq_wr or below the armed limit; a limit above
     * max_srq_wr or the queue's size, negative ones being large u32s.
     */
    @Test
    void shouldCheckSrqModifyInTheDriver() {
        Srq srq = Srq.create(pd, null, new SrqAttr(7, 1, 0)).get();
        assertEquals(EINVAL, srq.modify(new SrqAttr(0, 0, 8), SrqAttr.LIMIT));
        assertEquals(EINVAL, srq.modify(new SrqAttr(0, 0, -1), SrqAttr.LIMIT));
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 7), SrqAttr.LIMIT));
        assertEquals(EINVAL, srq.modify(new SrqAttr(6, 0, 0), SrqAttr.MAX_WR), "below the armed limit");
        assertEquals(EINVAL, srq.modify(new SrqAttr(0, 0, 0), SrqAttr.MAX_WR));
        assertEquals(EINVAL, srq.modify(new SrqAttr(a.maxSrqWr + 1, 0, 0), SrqAttr.MAX_WR));
        assertEquals(EINVAL, srq.modify(new SrqAttr(-1, 0, 0), SrqAttr.MAX_WR));
        assertEquals(7, reached.get("modifySrq"), "every one reached the driver");
        assertEquals(0, srq.modify(new SrqAttr(16, 0, 0), SrqAttr.MAX_WR));
        assertEquals(31, query(srq).maxWr, "16 as rxe_queue_resize makes it");
        assertEquals(7, query(srq).srqLimit);
    }

    /** rxe_reg_user_mr and rxe_get_dma_mr: one MR past the pool's max_elem is -EINVAL (rxe_add_to_pool). */
    @Test
    void shouldRefuseAnMrBeyondThePoolWithEinval() {
        long buf = memory.alloc(4096);
        for (int i = 0; i < a.maxMr; i++) {
            assertFalse(Mr.reg(pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).isErr(), "MR " + i);
        }
        assertEquals(Errno.EINVAL, Mr.reg(pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).errno());
        assertEquals(Errno.EINVAL, Mr.getDma(pd, AccessFlags.LOCAL_WRITE).errno());
        assertEquals(a.maxMr + 1, reached.get("regMr"));
        assertEquals(1, reached.get("getDmaMr"), "refused by the driver");
    }

    /**
     * rxe_qp_chk_init: a GSI QP's port is the driver's to check (-EINVAL), after its sizes; it may
     * receive from an SRQ. ib_core checks neither.
     */
    @Test
    void shouldCheckASpecialQpsPortInTheDriverAndAllowItAnSrq() {
        QpInitAttr gsi = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(1, 1, 1));
        for (int port : new int[] {0, 2, -1}) {
            gsi.portNum = port;
            assertEquals(Errno.EINVAL, Qp.create(pd, gsi).errno(), "port " + port);
        }
        assertEquals(3, reached.get("createQp"), "every one reached the driver");
        gsi.portNum = 1;
        gsi.srq = Srq.create(pd, null, new SrqAttr(4, 1, 0)).get();
        gsi.cap = QpCap.of(1, 0, 1);
        Qp qp = Qp.create(pd, gsi).get();
        assertEquals(1, qp.qpNum());
        assertEquals(gsi.srq, qp.srq());
    }

    /**
     * rxe_qp_chk_cap: inline data above RXE_MAX_INLINE_DATA, the largest SGE list's bytes, is the
     * driver's -EINVAL; rxe_qp_init_req then sizes the send WQE for the larger of the two and
     * gives the QP all it holds, which ib_query_qp reports.
     */
    @Test
    void shouldCheckAndWriteBackTheInlineDataAsRxeDoes() {
        int max = a.maxSendSge * 16;
        assertEquals(EINVAL, createQp(new QpCap(1, 1, 1, 1, max + 1), null));
        assertEquals(1, reached.get("createQp"), "refused by the driver");

        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(1, 1, 2, 1, 0));
        assertEquals(new QpCap(1, 1, 2, 1, 32), Qp.create(pd, init).get().cap(), "two SGEs hold 32 bytes");
        init.cap = new QpCap(1, 1, 1, 1, 100);
        Qp qp = Qp.create(pd, init).get();
        assertEquals(new QpCap(1, 1, 6, 1, 100), qp.cap(), "100 bytes of inline data hold 6 SGEs");
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(100, q.cap.maxInlineData());
        init.cap = new QpCap(1, 1, 1, 1, max);
        assertEquals(a.maxSendSge, Qp.create(pd, init).get().cap().maxSendSge());
    }

    /** ib_query_srq, which must succeed here. */
    private static SrqAttr query(Srq srq) {
        SrqAttr a = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(a));
        return a;
    }
}
