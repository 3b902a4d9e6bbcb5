// include/rdma/ib_pma.h (struct ib_pma_portcounters) and drivers/infiniband/core/sysfs.c
// (get_perf_mad, show_pma_counter): a port's counters as /sys/class/infiniband/*/ports/N/counters shows them
package org.ibmodel.core;

import org.ibmodel.kernel.Errno;

/**
 * The PortCounters attribute of the performance management class, one field per sysfs counter
 * file of the same name. {@link #query} reads it as ib_core's sysfs does: a PerfMgt Get through
 * the device's process_mad, PortSelect naming the port.
 */
public record PortCounters(long symbolError, long linkErrorRecovery, long linkDowned, long portRcvErrors,
        long portRcvRemotePhysicalErrors, long portRcvSwitchRelayErrors, long portXmitDiscards,
        long portXmitConstraintErrors, long portRcvConstraintErrors, long localLinkIntegrityErrors,
        long excessiveBufferOverrunErrors, long vl15Dropped, long portXmitData, long portRcvData,
        long portXmitPackets, long portRcvPackets, long portXmitWait) {

    static final int MGMT_CLASS_PERF_MGMT = 0x04;
    static final int ATTR_PORT_COUNTERS = 0x0012;
    static final int METHOD_GET = 0x01;
    /** Where a PerfMgt MAD's attribute starts: after the 24-byte header and 40 reserved bytes. */
    static final int DATA = 64;

    /**
     * get_perf_mad: -EINVAL unless process_mad answers SUCCESS | REPLY; the MAD status is not
     * looked at, as the kernel does not. (ib_core gives a device without process_mad no counter
     * files at all.)
     */
    public static Result<PortCounters> query(IbDevice dev, int port) {
        if (!dev.isPortValid(port)) {
            return Result.err(Errno.EINVAL);
        }
        byte[] in = new byte[MadResult.MAD_SIZE];
        in[0] = 1;
        in[1] = MGMT_CLASS_PERF_MGMT;
        in[2] = 1;
        in[3] = METHOD_GET;
        in[16] = (byte) (ATTR_PORT_COUNTERS >>> 8);
        in[17] = (byte) ATTR_PORT_COUNTERS;
        in[DATA + 1] = (byte) port;
        byte[] out = new byte[MadResult.MAD_SIZE];
        int r = dev.processMad(MadResult.IGNORE_MKEY, port, null, in, out);
        if (r != (MadResult.SUCCESS | MadResult.REPLY)) {
            return Result.err(Errno.EINVAL);
        }
        int d = DATA;
        return Result.of(new PortCounters(u(out, d + 4, 2), u(out, d + 6, 1), u(out, d + 7, 1), u(out, d + 8, 2),
                u(out, d + 10, 2), u(out, d + 12, 2), u(out, d + 14, 2), u(out, d + 16, 1), u(out, d + 17, 1),
                u(out, d + 19, 1) >>> 4, u(out, d + 19, 1) & 0xf, u(out, d + 22, 2), u(out, d + 24, 4),
                u(out, d + 28, 4), u(out, d + 32, 4), u(out, d + 36, 4), u(out, d + 40, 4)));
    }

    // A big-endian unsigned field of n bytes at off.
    private static long u(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }
}
