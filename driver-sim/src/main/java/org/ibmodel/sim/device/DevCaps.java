// docs/HCA.md §3.5: what QUERY_DEV_CAP reports
package org.ibmodel.sim.device;

/**
 * The limits of one simulated HCA. {@code maxCqe} is the size of the largest CQ ring;
 * {@code msixVectors} is 1 (async EQ) plus one per completion EQ (docs/HCA.md §2).
 */
public record DevCaps(int maxQp, int maxQpWr, int maxCq, int maxCqe, int maxMpt, int maxPd, int maxEq,
        int maxSendSge, int maxRecvSge, int maxQpRdAtom, int maxQpInitRdAtom, int maxSrq, int maxSrqWr,
        int maxSrqSge, int numPorts, int maxMtu, int pkeyTableLen, int localCaAckDelay, int gidTableLen,
        int maxInlineData, int firstQpn, long nodeGuid, long sysImageGuid, int vendorId, int vendorPartId,
        int msixVectors, int maxMcg) {

    /** The largest EQ ring: 2^12 EQEs. */
    public static final int MAX_EQ_LOG_SIZE = 12;
    /** WQE strides from 64 bytes to one page. */
    public static final int MIN_LOG_STRIDE = 6;
    public static final int MAX_LOG_STRIDE = 12;

    /** A ConnectX-like one-port HCA (vendor 0x02c9, Mellanox) with the given node GUID. */
    public static DevCaps standard(long nodeGuid) {
        return standard(nodeGuid, 1);
    }

    /** The same HCA with {@code numPorts} ports (1 or 2, as ConnectX cards have). */
    public static DevCaps standard(long nodeGuid, int numPorts) {
        if (numPorts < 1 || numPorts > 2) {
            throw new IllegalArgumentException(numPorts + " ports: an HCA here has 1 or 2");
        }
        return new DevCaps(256, 1024, 256, 4096, 1024, 256, 8, 16, 16, 16, 16, 64, 1024, 16, numPorts, 5, 64,
                15, 16, 256, 0x40, nodeGuid, nodeGuid, 0x02c9, 0x1003, 3, 256);
    }

    /**
     * The same HCA with ports of MTUCap {@code mtuCap}, an IB MTU code (1 for 256 bytes to 5 for
     * 4096): an older HCA, whose ports take no longer packets, on the same fabric.
     */
    public DevCaps withMaxMtu(int mtuCap) {
        if (mtuCap < 1 || mtuCap > 5) {
            throw new IllegalArgumentException("MTUCap " + mtuCap + " is not an IB MTU code 1..5");
        }
        return new DevCaps(maxQp, maxQpWr, maxCq, maxCqe, maxMpt, maxPd, maxEq, maxSendSge, maxRecvSge, maxQpRdAtom,
                maxQpInitRdAtom, maxSrq, maxSrqWr, maxSrqSge, numPorts, mtuCap, pkeyTableLen, localCaAckDelay,
                gidTableLen, maxInlineData, firstQpn, nodeGuid, sysImageGuid, vendorId, vendorPartId, msixVectors,
                maxMcg);
    }

    /**
     * MPT indexes below this are the firmware's (mlx4's reserved_mrws): a key of index 1 and tag
     * 0 would be 0x100, the invalid lkey that ends a data-segment list (§5).
     */
    public int firstMpt() {
        return 2;
    }

    public int log2(int v) {
        return 31 - Integer.numberOfLeadingZeros(v);
    }
}
