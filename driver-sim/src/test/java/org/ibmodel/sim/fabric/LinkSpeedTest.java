package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LinkSpeedTest {

    // 4X EDR: 4 lanes x 25.78125 Gb/s x 64/66 = 100 Gb/s of data, 0.08 ns per byte.
    @Test
    void shouldSerialize4xEdrAtHundredGigabits() {
        assertEquals(80, LinkSpeed.EDR.serializationNs(1000, LinkWidth.WIDTH_4X));
        assertEquals(1, LinkSpeed.EDR.serializationNs(1, LinkWidth.WIDTH_4X)); // 0.08 up to 1
        assertEquals(81, LinkSpeed.EDR.serializationNs(1001, LinkWidth.WIDTH_4X)); // 80.08
        assertEquals(333, LinkSpeed.EDR.serializationNs(4160, LinkWidth.WIDTH_4X)); // 332.8
        assertEquals(0, LinkSpeed.EDR.serializationNs(0, LinkWidth.WIDTH_4X));
    }

    // 1X SDR: 1 lane x 2.5 Gb/s x 8/10 = 2 Gb/s of data, 4 ns per byte.
    @Test
    void shouldSerialize1xSdrAtTwoGigabits() {
        assertEquals(4, LinkSpeed.SDR.serializationNs(1, LinkWidth.WIDTH_1X));
        assertEquals(1024, LinkSpeed.SDR.serializationNs(256, LinkWidth.WIDTH_1X));
        assertEquals(8312, LinkSpeed.SDR.serializationNs(2078, LinkWidth.WIDTH_1X));
    }

    @Test
    void shouldRoundUpRatesThatAreNotRoundNumbers() {
        // 4X FDR: 512 bits / (4 x 14.0625 x 64/66 Gb/s) = 9.387 ns
        assertEquals(10, LinkSpeed.FDR.serializationNs(64, LinkWidth.WIDTH_4X));
        // 12X QDR: 96 Gb/s, 1200 bytes = 9600 bits = exactly 100 ns
        assertEquals(100, LinkSpeed.QDR.serializationNs(1200, LinkWidth.WIDTH_12X));
        // 2X HDR: 2 x 53.125 x 16/17 = 100 Gb/s, 1000 bytes = exactly 80 ns
        assertEquals(80, LinkSpeed.HDR.serializationNs(1000, LinkWidth.WIDTH_2X));
    }

    @Test
    void shouldTabulateDataRatePerLane() {
        assertEquals(2.0, LinkSpeed.SDR.dataGbpsPerLane(), 1e-12);
        assertEquals(4.0, LinkSpeed.DDR.dataGbpsPerLane(), 1e-12);
        assertEquals(8.0, LinkSpeed.QDR.dataGbpsPerLane(), 1e-12);
        assertEquals(10.0, LinkSpeed.FDR10.dataGbpsPerLane(), 1e-12);
        assertEquals(14.0625 * 64 / 66, LinkSpeed.FDR.dataGbpsPerLane(), 1e-12);
        assertEquals(25.0, LinkSpeed.EDR.dataGbpsPerLane(), 1e-12);
        // sysfs.c rate_show: HDR, NDR and XDR lanes carry 50, 100 and 200 Gb/s.
        assertEquals(50.0, LinkSpeed.HDR.dataGbpsPerLane(), 1e-12);
        assertEquals(100.0, LinkSpeed.NDR.dataGbpsPerLane(), 1e-12);
        assertEquals(200.0, LinkSpeed.XDR.dataGbpsPerLane(), 1e-12);
        assertEquals(25.78125, LinkSpeed.EDR.signalGbps(), 1e-12);
    }

    @Test
    void shouldUseKernelEnumValues() {
        assertEquals(1, LinkSpeed.SDR.ibSpeed());
        assertEquals(32, LinkSpeed.EDR.ibSpeed());
        assertEquals(64, LinkSpeed.HDR.ibSpeed());
        assertEquals(1, LinkWidth.WIDTH_1X.ibWidth());
        assertEquals(2, LinkWidth.WIDTH_4X.ibWidth());
        assertEquals(16, LinkWidth.WIDTH_2X.ibWidth());
        assertEquals(12, LinkWidth.WIDTH_12X.lanes());
        assertEquals("4X", LinkWidth.WIDTH_4X.toString());
    }

    /** include/rdma/ib_verbs.h enum ib_port_speed goes on past HDR: IB_SPEED_NDR 128, IB_SPEED_XDR 256. */
    @Test
    void shouldHaveEveryKernelSpeedUpToXdr() {
        assertEquals(128, LinkSpeed.valueOf("NDR").ibSpeed());
        assertEquals(256, LinkSpeed.valueOf("XDR").ibSpeed());
        assertEquals(106.25, LinkSpeed.valueOf("NDR").signalGbps(), 1e-12);
        assertEquals(212.5, LinkSpeed.valueOf("XDR").signalGbps(), 1e-12);
        // 4X NDR: 400 Gb/s, 1000 bytes = exactly 20 ns
        assertEquals(20, LinkSpeed.valueOf("NDR").serializationNs(1000, LinkWidth.WIDTH_4X));
        // 1X XDR: 200 Gb/s, 1030 bytes = 8240 bits = 41.2 ns
        assertEquals(42, LinkSpeed.valueOf("XDR").serializationNs(1030, LinkWidth.WIDTH_1X));
        for (LinkSpeed s : LinkSpeed.values()) {
            assertEquals(1, Integer.bitCount(s.ibSpeed()), s + " is one bit of ib_port_speed");
        }
    }

    @Test
    void shouldRejectNegativeLength() {
        assertThrows(IllegalArgumentException.class,
                () -> LinkSpeed.SDR.serializationNs(-1, LinkWidth.WIDTH_1X));
    }
}
