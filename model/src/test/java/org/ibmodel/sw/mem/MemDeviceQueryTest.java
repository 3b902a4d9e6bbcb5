// What ib_query_device and ib_query_port report for the in-memory device, against rxe's
// rxe_init_device_param and rxe_init_port_param (drivers/infiniband/sw/rxe/rxe.c, rxe_param.h)
package org.ibmodel.sw.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.Fixture;
import org.ibmodel.core.PortAttr;
import org.junit.jupiter.api.Test;

class MemDeviceQueryTest {
    private final Fixture f = new Fixture();

    /** rxe reports IB_ATOMIC_HCA, and this device executes atomics as rxe does (MemExecutor). */
    @Test
    void shouldReportAtomicsAtomicAcrossTheDevice() {
        assertEquals(DeviceAttr.ATOMIC_HCA, f.dev.attr().atomicCap, "atomic_cap");
        assertEquals(DeviceAttr.ATOMIC_NONE, f.dev.attr().maskedAtomicCap, "rxe sets no masked_atomic_cap");
    }

    /**
     * rxe_param.h: RXE_MAX_QP_RD_ATOM and RXE_MAX_QP_INIT_RD_ATOM 128 RDMA READs and atomics in
     * flight per QP each way, RXE_MAX_RES_RD_ATOM 0x3f000 for the device; modify_qp takes depths
     * up to the first two.
     */
    @Test
    void shouldReportRxesReadAndAtomicDepths() {
        DeviceAttr a = f.dev.attr();
        assertEquals(128, a.maxQpRdAtom, "max_qp_rd_atom");
        assertEquals(128, a.maxQpInitRdAtom, "max_qp_init_rd_atom");
        assertEquals(0x3f000, a.maxResRdAtom, "max_res_rd_atom");
    }

    /**
     * rxe_param.h: RXE_MAX_MR_SIZE ~0ull, no limit on one region's length, and RXE_PAGE_SIZE_CAP
     * 0xfffff000, every page size from 4 KiB to 2^31.
     */
    @Test
    void shouldReportRxesRegionCaps() {
        assertEquals(-1L, f.dev.attr().maxMrSize, "max_mr_size");
        assertEquals(0xffff_f000L, f.dev.attr().pageSizeCap, "page_size_cap");
    }

    /** rxe_param.h: RXE_MAX_SGE_RD, the SGEs of an RDMA READ. */
    @Test
    void shouldReportRxesReadSges() {
        assertEquals(32, f.dev.attr().maxSgeRd, "max_sge_rd");
    }

    /**
     * rxe_init_port_param: RXE_PORT_GID_TBL_LEN 1024 GIDs and RXE_PORT_MAX_VL_NUM 1, VL0 only,
     * as ib_query_port asks the driver for them.
     */
    @Test
    void shouldReportRxesGidTableAndVls() {
        PortAttr p = new PortAttr();
        assertEquals(0, f.dev.queryPort(Fixture.PORT, p));
        assertEquals(1024, p.gidTblLen, "gid_tbl_len");
        assertEquals(1, p.maxVlNum, "max_vl_num");
        assertEquals(1 << 31, p.maxMsgSz, "max_msg_sz, RXE_PORT_MAX_MSG_SZ");
        assertEquals(64, f.dev.attr().maxPkeys, "max_pkeys, RXE_MAX_PKEYS");
        assertEquals(15, f.dev.attr().localCaAckDelay, "RXE_LOCAL_CA_ACK_DELAY");
    }
}
