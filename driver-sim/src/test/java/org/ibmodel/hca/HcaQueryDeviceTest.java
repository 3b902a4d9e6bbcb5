// What ib_query_device reports for the HCA, field by field against mlx4_ib_query_device
// (drivers/infiniband/hw/mlx4/main.c) and mthca_query_device (drivers/infiniband/hw/mthca/mthca_provider.c)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.DeviceAttr;
import org.junit.jupiter.api.Test;

class HcaQueryDeviceTest {
    private final HcaHost h = new HcaHost();

    /**
     * mlx4_ib_query_device sets these four whatever the firmware says, as mthca_dev_lim does
     * (drivers/infiniband/hw/mthca/mthca_main.c), and mlx4 adds multicast loopback blocking.
     */
    @Test
    void shouldReportTheCapabilityFlagsEveryMellanoxHcaHas() {
        long flags = h.dev.attr().deviceCapFlags;
        long always = DeviceAttr.CHANGE_PHY_PORT | DeviceAttr.PORT_ACTIVE_EVENT | DeviceAttr.SYS_IMAGE_GUID
                | DeviceAttr.RC_RNR_NAK_GEN | DeviceAttr.BLOCK_MULTICAST_LOOPBACK;
        assertEquals(always, flags & always, "device_cap_flags 0x" + Long.toHexString(flags));
    }

    /** Both drivers: no limit on one region's length (~0ull), as the device checks none. */
    @Test
    void shouldReportNoLimitOnTheLengthOfARegion() {
        assertEquals(-1L, h.dev.attr().maxMrSize, "max_mr_size ~0ull");
    }

    /**
     * mlx4 and mthca: ~(u32)(min_page_sz - 1), every page size from the smallest the MPT takes
     * (log_page_size 12, docs/HCA.md §4.1) to 2^31.
     */
    @Test
    void shouldReportEveryPageSizeFromFourKibibytes() {
        assertEquals(0xffff_f000L, h.dev.attr().pageSizeCap, "page_size_cap");
    }
}
