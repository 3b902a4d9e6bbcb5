// docs/HCA.md §5.9: the IBA rate codes (include/rdma/ib_verbs.h enum ib_rate) and the Mb/s
// drivers/infiniband/core/verbs.c ib_rate_to_mbps gives them
package org.ibmodel.sim.device;

/**
 * Pacing a QP to a static rate below its port's. Both rates are signalling rates, as
 * ib_rate_to_mbps gives them and as the port's width and speed make it (HcaPort.signalMbps):
 * a packet takes its time on the link (at the port's data rate, HcaPort.rateMbps), then the
 * inter-packet delay, a whole number of such times, ⌈port rate / static rate⌉ − 1 (IBA 9.11;
 * qib_iba7322.c's ib_rate_to_delay table holds the same multiples).
 */
final class StaticRate {
    // Index: rate code; value: Mb/s, 0 for a code that names no rate.
    private static final long[] MBPS = new long[32];

    static {
        int[][] table = {{2, 2500}, {5, 5000}, {3, 10_000}, {6, 20_000}, {4, 30_000}, {7, 40_000}, {8, 60_000},
            {9, 80_000}, {10, 120_000}, {11, 14_062}, {12, 56_250}, {13, 112_500}, {14, 168_750}, {15, 25_781},
            {16, 103_125}, {17, 206_250}, {18, 309_375}, {19, 28_125}, {20, 53_125}, {21, 425_000}, {22, 637_500}};
        for (int[] r : table) {
            MBPS[r[0]] = r[1];
        }
    }

    private StaticRate() {
    }

    /**
     * How long after a packet of {@code bytes} started the next may start, in ns; 0 when
     * {@code code} does not slow the QP below the port it sends by, which signals at
     * {@code portSignalMbps} and carries {@code portDataMbps} of data.
     */
    static long gapNs(int code, int bytes, HcaPort port) {
        return code == 0 ? 0 : gapNs(code, bytes, port.signalMbps(), port.rateMbps());
    }

    static long gapNs(int code, int bytes, long portSignalMbps, long portDataMbps) {
        long mbps = code >= 0 && code < MBPS.length ? MBPS[code] : 0;
        if (mbps == 0) {
            return 0;
        }
        long times = (portSignalMbps + mbps - 1) / mbps;
        if (times <= 1) {
            return 0;
        }
        // That many times the packet's bits at the port's data rate, in ns, rounded up: a packet
        // never starts early.
        return (times * bytes * 8_000L + portDataMbps - 1) / portDataMbps;
    }
}
