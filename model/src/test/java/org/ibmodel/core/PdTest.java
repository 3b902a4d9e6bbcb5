// drivers/infiniband/core/verbs.c: __ib_alloc_pd, ib_dealloc_pd_user
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.kernel.KernelBug;
import org.junit.jupiter.api.Test;

class PdTest {

    private final Fixture f = new Fixture();

    // drivers/infiniband/core/verbs.c: __ib_alloc_pd
    @Test
    void shouldCountAllocatedAndDeallocatedPds() {
        int before = f.dev.liveCount(ResType.PD);

        Pd a = Pd.alloc(f.dev).get();
        Pd b = Pd.alloc(f.dev).get();
        assertEquals(before + 2, f.dev.liveCount(ResType.PD));
        assertEquals(0, a.usecnt());

        assertEquals(0, a.dealloc());
        assertEquals(before + 1, f.dev.liveCount(ResType.PD));
        assertTrue(a.freed());
        assertFalse(b.freed());
    }

    // drivers/infiniband/core/verbs.c: every object made in a PD holds it
    @Test
    void shouldCountEveryObjectThatUsesThePd() {
        Pd pd = Pd.alloc(f.dev).get();
        Cq cq = f.cq(8);
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(1, 1, 1))).get();
        long addr = f.buf(64);
        Mr mr = Mr.reg(pd, addr, 64, addr, AccessFlags.LOCAL_WRITE).get();
        Ah ah = Ah.create(pd, AhAttr.lid(Fixture.PORT, Fixture.LID)).get();
        Srq srq = Srq.create(pd, null, new SrqAttr(4, 1, 0)).get();

        assertEquals(4, pd.usecnt());

        assertEquals(0, qp.destroy());
        assertEquals(0, mr.dereg());
        assertEquals(0, ah.destroy());
        assertEquals(0, srq.destroy());
        assertEquals(0, pd.usecnt());
    }

    // drivers/infiniband/core/verbs.c: ib_dealloc_pd_user WARNs while the PD has users
    @Test
    void shouldWarnOnDeallocWithUsersAndKeepPdUsable() {
        Pd pd = Pd.alloc(f.dev).get();
        Ah ah = Ah.create(pd, AhAttr.lid(Fixture.PORT, Fixture.LID)).get();
        int live = f.dev.liveCount(ResType.PD);

        KernelBug bug = assertThrows(KernelBug.class, pd::dealloc);

        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertFalse(pd.freed());
        assertEquals(1, pd.usecnt());
        assertEquals(live, f.dev.liveCount(ResType.PD));
        Result<Ah> second = Ah.create(pd, AhAttr.lid(Fixture.PORT, Fixture.LID));
        assertFalse(second.isErr(), "the PD still takes new objects");
        assertEquals(0, ah.destroy());
        assertEquals(0, second.get().destroy());
        assertEquals(0, pd.dealloc());
    }

    // drivers/infiniband/core/verbs.c: a freed PD may not be used again
    @Test
    void shouldReportUseOfDeallocatedPd() {
        Pd pd = Pd.alloc(f.dev).get();
        assertEquals(0, pd.dealloc());

        KernelBug bug = assertThrows(KernelBug.class, () -> Ah.create(pd, AhAttr.lid(Fixture.PORT, Fixture.LID)));

        assertEquals("use_after_free", bug.rule());
        assertThrows(KernelBug.class, pd::dealloc);
    }
}
