// include/rdma/ib_pma.h (struct ib_pma_portcounters, ib_pma_portcounters_ext) and
// drivers/infiniband/core/sysfs.c (get_perf_mad, get_counter_table, show_pma_counter): a port's
// counters as /sys/class/infiniband/*/ports/N/counters shows them
package org.ibmodel.core;

import org.ibmodel.kernel.Errno;

/**
 * The performance counters of a port, one field per sysfs counter file of the same name. With
 * {@code extended}, the data and packet counts come from PortCountersExtended (64 bits, and the
 * unicast and multicast packet counts exist); without, from PortCounters (32 bits, stopping at
 * their largest value) and the unicast and multicast fields are 0, files sysfs does not have.
 */
public record PortCounters(long symbolError, long linkErrorRecovery, long linkDowned, long portRcvErrors,
        long portRcvRemotePhysicalErrors, long portRcvSwitchRelayErrors, long portXmitDiscards,
        long portXmitConstraintErrors, long portRcvConstraintErrors, long localLinkIntegrityErrors,
        long excessiveBufferOverrunErrors, long vl15Dropped, long portXmitData, long portRcvData,
        long portXmitPackets, long portRcvPackets, long portXmitWait, boolean extended,
        long unicastXmitPackets, long unicastRcvPackets, long multicastXmitPackets, long multicastRcvPackets) {

    static final int MGMT_CLASS_PERF_MGMT = 0x04;
    static final int ATTR_CLASS_PORT_INFO = 0x0001;
    static final int ATTR_PORT_COUNTERS = 0x0012;
    static final int ATTR_PORT_COUNTERS_EXT = 0x001D;
    /** IB_PMA_CLASS_CAP_EXT_WIDTH in ClassPortInfo:CapabilityMask. */
    static final int CAP_EXT_WIDTH = 1 << 9;
    static final int METHOD_GET = 0x01;
    /** Where a PerfMgt MAD's attribute starts: after the 24-byte header and 40 reserved bytes. */
    static final int DATA = 64;

    /**
     * What sysfs shows: get_counter_table asks ClassPortInfo once whether the extended counters
     * are there, then each file is one get_perf_mad of PortCounters or PortCountersExtended.
     * -EINVAL for a port the device has not, or unless process_mad answers SUCCESS | REPLY; the
     * MAD status is not looked at, as the kernel does not. (ib_core gives a device without
     * process_mad no counter files at all.)
     */
    public static Result<PortCounters> query(IbDevice dev, int port) {
        if (!dev.isPortValid(port)) {
            return Result.err(Errno.EINVAL);
        }
        byte[] cpi = get(dev, port, ATTR_CLASS_PORT_INFO);
        boolean ext = cpi != null && (u(cpi, DATA + 2, 2) & CAP_EXT_WIDTH) != 0;
        byte[] out = get(dev, port, ATTR_PORT_COUNTERS);
        byte[] x = ext ? get(dev, port, ATTR_PORT_COUNTERS_EXT) : null;
        if (out == null || (ext && x == null)) {
            return Result.err(Errno.EINVAL);
        }
        int d = DATA;
        return Result.of(new PortCounters(u(out, d + 4, 2), u(out, d + 6, 1), u(out, d + 7, 1), u(out, d + 8, 2),
                u(out, d + 10, 2), u(out, d + 12, 2), u(out, d + 14, 2), u(out, d + 16, 1), u(out, d + 17, 1),
                u(out, d + 19, 1) >>> 4, u(out, d + 19, 1) & 0xf, u(out, d + 22, 2),
                ext ? u(x, d + 8, 8) : u(out, d + 24, 4), ext ? u(x, d + 16, 8) : u(out, d + 28, 4),
                ext ? u(x, d + 24, 8) : u(out, d + 32, 4), ext ? u(x, d + 32, 8) : u(out, d + 36, 4),
                u(out, d + 40, 4), ext, ext ? u(x, d + 40, 8) : 0, ext ? u(x, d + 48, 8) : 0,
                ext ? u(x, d + 56, 8) : 0, ext ? u(x, d + 64, 8) : 0));
    }

    // get_perf_mad: a PerfMgt Get of attr with PortSelect = port, except for ClassPortInfo, which
    // has no PortSelect; null unless SUCCESS | REPLY.
    private static byte[] get(IbDevice dev, int port, int attr) {
        byte[] in = new byte[MadResult.MAD_SIZE];
        in[0] = 1;
        in[1] = MGMT_CLASS_PERF_MGMT;
        in[2] = 1;
        in[3] = METHOD_GET;
        in[16] = (byte) (attr >>> 8);
        in[17] = (byte) attr;
        if (attr != ATTR_CLASS_PORT_INFO) {
            in[DATA + 1] = (byte) port;
        }
        byte[] out = new byte[MadResult.MAD_SIZE];
        int r = dev.processMad(MadResult.IGNORE_MKEY, port, null, in, out);
        return r == (MadResult.SUCCESS | MadResult.REPLY) ? out : null;
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
