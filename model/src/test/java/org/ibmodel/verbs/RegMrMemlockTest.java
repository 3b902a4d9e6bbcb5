// drivers/infiniband/core/umem.c (ib_umem_get, ib_umem_release), mm/mlock.c (can_do_mlock),
// include/uapi/linux/resource.h (MLOCK_LIMIT): ibv_reg_mr against the process's RLIMIT_MEMLOCK
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Mr;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.junit.jupiter.api.Test;

class RegMrMemlockTest {
    static final long PAGE = 4096;
    /** The default limit in pages: 8 MiB. */
    static final long LIMIT_PAGES = Task.MLOCK_LIMIT / PAGE;

    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final Task task = VerbsWorld.task(ibv);
    final UserAddressSpace mm = task.mm();
    final IbvContext ctx = world.open(ibv);
    final IbvPd pd = ctx.allocPd();

    long buf(long pages) {
        long a = ibv.alloc(pages * PAGE);
        assertEquals(0, a & (PAGE - 1), "alloc errno " + ibv.errno());
        return a;
    }

    IbvMr reg(long addr, long len) {
        return pd.regMr(addr, len, IbvAccessFlags.LOCAL_WRITE);
    }

    int liveMrs() {
        return world.host.device().liveCount(ResType.MR);
    }

    @Test
    void shouldStartWithTheDefaultLimitOf8MibAndNoCapIpcLock() {
        assertEquals(8L << 20, task.rlimitMemlock());
        assertEquals(false, task.capable(Task.CAP_IPC_LOCK));
        assertEquals(0, mm.pinnedVm());
    }

    @Test
    void shouldChargeARegistrationWithinTheLimitByItsPages() {
        long a = buf(4);
        assertNotNull(reg(a, 4 * PAGE), "errno " + ibv.errno());
        assertEquals(4, mm.pinnedVm());
        // Up to the limit exactly: only a count past it is refused.
        long b = buf(LIMIT_PAGES - 4);
        assertNotNull(reg(b, (LIMIT_PAGES - 4) * PAGE), "errno " + ibv.errno());
        assertEquals(LIMIT_PAGES, mm.pinnedVm());
    }

    @Test
    void shouldFailWithEnomemPastTheLimitAndChangeNothing() {
        long a = buf(LIMIT_PAGES / 2);
        assertNotNull(reg(a, LIMIT_PAGES / 2 * PAGE));
        long b = buf(LIMIT_PAGES / 2 + 1);
        int pins = mm.pinCount();
        assertNull(reg(b, (LIMIT_PAGES / 2 + 1) * PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        assertEquals(LIMIT_PAGES / 2, mm.pinnedVm());
        assertEquals(pins, mm.pinCount());
        assertEquals(1, liveMrs());
    }

    @Test
    void shouldSucceedOnceSetrlimitRaisesTheLimit() {
        long a = buf(LIMIT_PAGES + 1);
        assertNull(reg(a, (LIMIT_PAGES + 1) * PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        assertEquals(0, mm.pinnedVm());
        task.setrlimitMemlock(Task.MLOCK_LIMIT + PAGE);
        assertNotNull(reg(a, (LIMIT_PAGES + 1) * PAGE), "errno " + ibv.errno());
        assertEquals(LIMIT_PAGES + 1, mm.pinnedVm());
        // Lowering the limit takes nothing back, but the next registration is over it.
        task.setrlimitMemlock(PAGE);
        assertEquals(LIMIT_PAGES + 1, mm.pinnedVm());
        assertNull(reg(a, PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        task.setrlimitMemlock(Task.RLIM_INFINITY);
        assertNotNull(reg(a, PAGE), "errno " + ibv.errno());
        assertEquals(LIMIT_PAGES + 2, mm.pinnedVm());
    }

    @Test
    void shouldLetCapIpcLockPinPastTheLimitAndStillCount() {
        long a = buf(LIMIT_PAGES + 1);
        task.setCapability(Task.CAP_IPC_LOCK, true);
        assertNotNull(reg(a, (LIMIT_PAGES + 1) * PAGE), "errno " + ibv.errno());
        assertEquals(LIMIT_PAGES + 1, mm.pinnedVm());
        task.setCapability(Task.CAP_IPC_LOCK, false);
        assertNull(reg(a, PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        assertEquals(LIMIT_PAGES + 1, mm.pinnedVm());
    }

    @Test
    void shouldCountTheSameBufferAgainForEachRegistration() {
        long n = LIMIT_PAGES / 2;
        long a = buf(n + 1);
        assertNotNull(reg(a, n * PAGE));
        assertNotNull(reg(a, n * PAGE));
        assertEquals(2 * n, mm.pinnedVm());
        // The process pins only n distinct pages, but the count is per region: one page more is over.
        assertNull(reg(a, PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        assertEquals(2 * n, mm.pinnedVm());
    }

    @Test
    void shouldCountEveryPageAStraddlingRegionTouches() {
        long a = buf(3);
        assertNotNull(reg(a + PAGE - 100, 200));
        assertEquals(2, mm.pinnedVm());
        assertNotNull(reg(a + 100, 2 * PAGE));
        assertEquals(5, mm.pinnedVm());
        assertNotNull(reg(a + 2 * PAGE, 1));
        assertEquals(6, mm.pinnedVm());
    }

    @Test
    void shouldRefuseAStraddlingRegionByThePagesItTouches() {
        // LIMIT_PAGES bytes' worth of pages, shifted off the page start: one page more than the limit.
        long a = buf(LIMIT_PAGES + 1);
        assertNull(reg(a + 1, Task.MLOCK_LIMIT));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        assertNotNull(reg(a, Task.MLOCK_LIMIT), "errno " + ibv.errno());
        assertEquals(LIMIT_PAGES, mm.pinnedVm());
    }

    @Test
    void shouldReturnTheChargeOnDereg() {
        long a = buf(3);
        IbvMr m1 = reg(a, 3 * PAGE);
        IbvMr m2 = reg(a + 10, PAGE);
        assertEquals(5, mm.pinnedVm());
        assertEquals(0, m1.dereg());
        assertEquals(2, mm.pinnedVm());
        assertEquals(0, m2.dereg());
        assertEquals(0, mm.pinnedVm());
    }

    @Test
    void shouldReturnTheChargeWhenTheDeviceIsClosed() {
        long a = buf(3);
        assertNotNull(reg(a, 3 * PAGE));
        assertNotNull(reg(a, PAGE));
        assertEquals(4, mm.pinnedVm());
        assertEquals(0, ibv.closeDevice(ctx));
        world.run();
        assertEquals(0, mm.pinnedVm());
        assertEquals(0, mm.pinCount());
    }

    @Test
    void shouldReturnTheChargeWhenTheProcessExits() {
        long a = buf(3);
        assertNotNull(reg(a, 3 * PAGE));
        assertNotNull(reg(a + 1, 2 * PAGE));
        assertEquals(6, mm.pinnedVm());
        task.exit();
        world.run();
        assertEquals(0, mm.pinnedVm());
        assertEquals(0, mm.pinCount());
    }

    @Test
    void shouldLeaveTheCountAsItWasWhenTheRegistrationFailsLater() {
        long a = buf(2);
        assertNotNull(reg(a, PAGE));
        // Not mapped: charged, then pin_user_pages fails and the charge is taken back.
        assertNull(reg(a + 2 * PAGE, PAGE));
        assertEquals(Errno.EFAULT.number(), ibv.errno());
        assertEquals(1, mm.pinnedVm());
        assertEquals(1, liveMrs());
    }

    @Test
    void shouldUnpinAndUnchargeWhenTheDriverRefusesTheRegion() {
        // The driver refuses after ib_umem_get charged and pinned the pages (mlx4 with its MPT
        // table full): ib_umem_release gives both back.
        VerbsWorld full = new VerbsWorld(ops -> new ForwardingDeviceOps(ops) {
            @Override
            public int regMr(Mr mr, long start, long length, long iova, int access) {
                return Errno.ENOMEM.negative();
            }
        });
        Ibv p = full.process("p2");
        IbvPd fullPd = full.open(p).allocPd();
        long a = p.alloc(2 * PAGE);
        UserAddressSpace pmm = VerbsWorld.task(p).mm();
        assertNull(fullPd.regMr(a, 2 * PAGE, IbvAccessFlags.LOCAL_WRITE));
        assertEquals(Errno.ENOMEM.number(), p.errno());
        assertEquals(0, pmm.pinnedVm());
        assertEquals(0, pmm.pinCount());
        assertEquals(0, full.host.device().liveCount(ResType.MR));
    }

    @Test
    void shouldCheckTheLimitBeforeTheMappingAndTheRangeBeforeTheLimit() {
        // More than the limit and not mapped at all: the charge is refused before any page is looked up.
        assertNull(reg(0x1000_0000L, Task.MLOCK_LIMIT + PAGE));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
        // A range that wraps is -EINVAL whatever the limit.
        task.setrlimitMemlock(0);
        assertNull(reg(-PAGE, 2 * PAGE));
        assertEquals(Errno.EINVAL.number(), ibv.errno());
        assertEquals(0, mm.pinnedVm());
    }

    @Test
    void shouldRefuseEveryRegistrationWithEpermUnderAZeroLimitWithoutCapIpcLock() {
        long a = buf(1);
        task.setrlimitMemlock(0);
        assertNull(reg(a, PAGE));
        assertEquals(Errno.EPERM.number(), ibv.errno());
        // can_do_mlock comes before the page count: even an empty region is -EPERM.
        assertNull(reg(a, 0));
        assertEquals(Errno.EPERM.number(), ibv.errno());
        task.setCapability(Task.CAP_IPC_LOCK, true);
        assertNull(reg(a, 0));
        assertEquals(Errno.EINVAL.number(), ibv.errno());
        assertNotNull(reg(a, PAGE), "errno " + ibv.errno());
        assertEquals(1, mm.pinnedVm());
    }

    /**
     * ib_umem_num_pages counts from the page the start is in to the one its end rounds up to, so
     * an empty region that does not start on a page boundary has one page, and neither ib_core
     * nor mlx4_ib_reg_user_mr refuses a region for its length: it is registered, its page pinned.
     */
    @Test
    void shouldRegisterAnEmptyRegionInsideAPage() {
        long a = buf(1);
        IbvMr mr = reg(a + 8, 0);
        assertNotNull(mr, "errno " + ibv.errno());
        assertEquals(1, mm.pinnedVm());
        assertEquals(1, liveMrs());
        assertEquals(0, mr.dereg());
        assertEquals(0, mm.pinnedVm());
    }
}
