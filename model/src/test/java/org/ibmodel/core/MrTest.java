// drivers/infiniband/core/verbs.c: ib_get_dma_mr, ib_dereg_mr_user; include/rdma/ib_verbs.h: ib_check_mr_access
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

class MrTest {

    private final Fixture f = new Fixture();
    private final long addr = f.buf(4096);

    private void assertNoMr() {
        assertEquals(0, f.dev.liveCount(ResType.MR));
        assertEquals(0, f.pd.usecnt());
    }

    // include/rdma/ib_verbs.h: ib_check_mr_access, remote write needs local write
    @Test
    void shouldReturnEinvalForRemoteWriteWithoutLocalWrite() {
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 4096, addr, AccessFlags.REMOTE_WRITE).errno());
        assertEquals(Errno.EINVAL, Mr.getDma(f.pd, AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ).errno());

        assertNoMr();
    }

    // include/rdma/ib_verbs.h: ib_check_mr_access, remote atomic needs local write
    @Test
    void shouldReturnEinvalForRemoteAtomicWithoutLocalWrite() {
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 4096, addr, AccessFlags.REMOTE_ATOMIC).errno());

        assertNoMr();
        assertFalse(Mr.reg(f.pd, addr, 4096, addr, AccessFlags.REMOTE_ATOMIC | AccessFlags.LOCAL_WRITE).isErr());
    }

    // include/rdma/ib_verbs.h ib_check_mr_access: IB_ACCESS_SUPPORTED, then the capabilities
    @Test
    void shouldTakeHintsAndRefuseWhatIsUnknownOrNeedsACapability() {
        long addr = f.buf(4096);
        int lw = AccessFlags.LOCAL_WRITE;
        assertEquals(false, Mr.reg(f.pd, addr, 4096, addr, lw | AccessFlags.HUGETLB).isErr(), "HUGETLB");
        assertEquals(false, Mr.reg(f.pd, addr, 4096, addr, lw | AccessFlags.RELAXED_ORDERING).isErr(),
                "relaxed ordering, an optional hint");
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 4096, addr, lw | (1 << 12)).errno(), "an unknown flag");
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 4096, addr, lw | AccessFlags.ON_DEMAND | (1 << 30)).errno(),
                "unknown before unsupported");
        assertEquals(Errno.EOPNOTSUPP, Mr.reg(f.pd, addr, 4096, addr, lw | AccessFlags.ON_DEMAND).errno());
        assertEquals(Errno.EOPNOTSUPP, Mr.reg(f.pd, addr, 4096, addr, lw | AccessFlags.FLUSH_GLOBAL).errno());
    }

    // include/rdma/ib_verbs.h: ib_check_mr_access, remote read alone is fine
    @Test
    void shouldAcceptRemoteReadWithoutLocalWrite() {
        Mr mr = Mr.reg(f.pd, addr, 4096, addr, AccessFlags.REMOTE_READ).get();

        assertEquals(AccessFlags.REMOTE_READ, mr.access());
        assertEquals(1, f.dev.liveCount(ResType.MR));
    }

    // drivers/infiniband/core/umem.c: ib_umem_get faults on memory that is not mapped
    @Test
    void shouldReturnEfaultOverUnmappedMemory() {
        // The page after an allocation is a guard page: the range runs into it.
        assertEquals(Errno.EFAULT, Mr.reg(f.pd, addr, 8192, addr, AccessFlags.LOCAL_WRITE).errno());
        assertEquals(Errno.EFAULT, Mr.reg(f.pd, 0x1000, 64, 0x1000, AccessFlags.LOCAL_WRITE).errno());

        assertNoMr();
    }

    // drivers/infiniband/core/verbs.c: ib_dereg_mr_user releases the PD
    @Test
    void shouldRegisterCoveringItsRangeAndDeregister() {
        Mr mr = f.mr(addr, 256, Fixture.ALL_ACCESS);

        assertNotEquals(0, mr.lkey());
        assertTrue(mr.covers(addr, 256));
        assertFalse(mr.covers(addr + 1, 256));
        assertEquals(1, f.pd.usecnt());

        assertEquals(0, mr.dereg());

        assertTrue(mr.freed());
        assertNoMr();
    }

    // drivers/infiniband/core/verbs.c: ib_alloc_mr returns -EOPNOTSUPP when the driver has no alloc_mr
    @Test
    void shouldReturnEopnotsuppForAFastRegRegionOnADeviceWithoutOne() {
        assertEquals(Errno.EOPNOTSUPP, Mr.alloc(f.pd, 4).errno());
        assertEquals(Errno.EOPNOTSUPP, Mr.alloc(f.pd, 0).errno(), "ib_alloc_mr does not look at max_num_sg");
        assertNoMr();
    }

    // drivers/infiniband/core/verbs.c ib_reg_user_mr and core/umem.c ib_umem_get report max_mr_size
    // but check no length against it: the driver gets a region longer than it
    @Test
    void shouldNotCheckTheLengthAgainstMaxMrSize() {
        long two = f.buf(2 * 4096);
        f.dev.attr().maxMrSize = 4096;

        Mr mr = Mr.reg(f.pd, two, 2 * 4096, two, AccessFlags.LOCAL_WRITE).get();

        assertEquals(2 * 4096, mr.length());
    }

    // drivers/infiniband/core/umem.c: ib_umem_get, a range of no pages or one that wraps is -EINVAL
    @Test
    void shouldReturnEinvalForNoPagesOrAWrappingRange() {
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 0, addr, AccessFlags.LOCAL_WRITE).errno());
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, -addr, addr, AccessFlags.LOCAL_WRITE).errno());
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, -4096, 4095, 0, AccessFlags.LOCAL_WRITE).errno(),
                "wraps once rounded up to a page");
        assertEquals(Errno.EINVAL, Mr.reg(f.pd, addr, 1L << 44, addr, AccessFlags.LOCAL_WRITE).errno(),
                "more pages than a u32 counts");

        assertNoMr();
    }

    // include/rdma/ib_verbs.h: ib_update_fast_reg_key changes the low eight bits of both keys only
    @Test
    void shouldChangeOnlyTheTagOfAKey() {
        Mr mr = Mr.reg(f.pd, addr, 4096, addr, AccessFlags.LOCAL_WRITE).get();
        mr.assignKeys(0x1234_56aa, 0x1234_56aa);
        mr.updateFastRegKey(0x1c5);
        assertEquals(0x1234_56c5, mr.lkey());
        assertEquals(0x1234_56c5, mr.rkey());
    }
}
