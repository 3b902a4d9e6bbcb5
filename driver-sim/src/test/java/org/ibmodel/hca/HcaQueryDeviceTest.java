// What ib_query_device reports for the HCA, field by field against mlx4_ib_query_device
// (drivers/infiniband/hw/mlx4/main.c) and mthca_query_device (drivers/infiniband/hw/mthca/mthca_provider.c)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.DeviceAttr;
import org.junit.jupiter.api.Test;

class HcaQueryDeviceTest {
    private final HcaHost h = new HcaHost();

    /**
     * mlx4_ib_query_device sets four whatever the firmware says, as mthca_dev_lim does
     * (drivers/infiniband/hw/mthca/mthca_main.c), then one per feature the firmware has: this
     * device counts P_Key and Q_Key violations, migrates paths and fast-registers (with both
     * invalidates), so a ULP that asks for IB_DEVICE_MEM_MGT_EXTENSIONS before using REG_MR
     * finds it. Multicast loopback blocking is a kernel capability (IBK_, since 5.19), in
     * kernel_cap_flags, which uverbs never reports: no kernel-only bit is left in device_cap_flags.
     */
    @Test
    void shouldReportTheCapabilityFlagsOfWhatTheDeviceDoes() {
        long flags = h.dev.attr().deviceCapFlags;
        long expected = DeviceAttr.CHANGE_PHY_PORT | DeviceAttr.PORT_ACTIVE_EVENT | DeviceAttr.SYS_IMAGE_GUID
                | DeviceAttr.RC_RNR_NAK_GEN | DeviceAttr.BAD_PKEY_CNTR | DeviceAttr.BAD_QKEY_CNTR
                | DeviceAttr.AUTO_PATH_MIG | DeviceAttr.MEM_MGT_EXTENSIONS;
        assertEquals(expected, flags, "device_cap_flags 0x" + Long.toHexString(flags));
        assertEquals(DeviceAttr.IBK_BLOCK_MULTICAST_LOOPBACK, h.dev.attr().kernelCapFlags, "kernel_cap_flags");
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
