package org.ibmodel.sim.fabric;

/**
 * Lane speeds: the signalling rate of one lane and the line code that turns it into a data
 * rate (IBA Vol 2, physical layer). {@code ibSpeed} is the PortInfo LinkSpeedActive /
 * LinkSpeedExtActive value (IBA 14.2.5.6) as the kernel folds it into {@code enum ib_port_speed}
 * (include/rdma/ib_verbs.h).
 *
 * <p>Only the line code is charged: start/end delimiters, idles and skip ordered sets are left
 * out. HDR, NDR and XDR lanes carry 64b/66b blocks transcoded to 256b/257b under RS(544,514) FEC,
 * 16 data bits in 17, so 50, 100 and 200 Gb/s of data per lane, the rates the kernel prints for
 * them (drivers/infiniband/core/sysfs.c rate_show: 4X HDR is 200 Gb/sec).
 */
public enum LinkSpeed {
    // signalling rate per lane in kb/s, so every row is an exact integer
    SDR(2_500_000L, LineCode.B8B10B, 1),
    DDR(5_000_000L, LineCode.B8B10B, 2),
    QDR(10_000_000L, LineCode.B8B10B, 4),
    FDR10(10_312_500L, LineCode.B64B66B, 8),
    FDR(14_062_500L, LineCode.B64B66B, 16),
    EDR(25_781_250L, LineCode.B64B66B, 32),
    HDR(53_125_000L, LineCode.RS_FEC_544_514, 64),
    // IB_SPEED_NDR and IB_SPEED_XDR (include/rdma/ib_verbs.h); their lanes signal at twice and four
    // times HDR's rate (drivers/infiniband/core/verbs.c ib_rate_to_mbps: 400 Gb/s is 425,000 Mb/s).
    NDR(106_250_000L, LineCode.RS_FEC_544_514, 128),
    XDR(212_500_000L, LineCode.RS_FEC_544_514, 256);

    /** Data bits carried per signalled bit. */
    public enum LineCode {
        B8B10B(8, 10),
        B64B66B(64, 66),
        /** 64b/66b, 256b/257b transcoding and RS(544,514): (64/66)(264/257)(514/544) = 16/17. */
        RS_FEC_544_514(16, 17);

        final int dataBits;
        final int lineBits;

        LineCode(int dataBits, int lineBits) {
            this.dataBits = dataBits;
            this.lineBits = lineBits;
        }
    }

    private final long signalKbps;
    private final LineCode code;
    private final int ibSpeed;

    LinkSpeed(long signalKbps, LineCode code, int ibSpeed) {
        this.signalKbps = signalKbps;
        this.code = code;
        this.ibSpeed = ibSpeed;
    }

    /** Signalling rate of one lane in Gb/s, as the speed is usually named. */
    public double signalGbps() {
        return signalKbps / 1e6;
    }

    public LineCode lineCode() {
        return code;
    }

    /** Data rate of one lane in Gb/s after the line code. */
    public double dataGbpsPerLane() {
        return signalKbps / 1e6 * code.dataBits / code.lineBits;
    }

    /** The value of {@code enum ib_port_speed}. */
    public int ibSpeed() {
        return ibSpeed;
    }

    /**
     * Time to clock {@code bytes} onto a link of {@code width}: bits / (lanes x data rate),
     * rounded up to a whole nanosecond. Exact integer arithmetic, so rows like FDR whose data
     * rate is not a round number give the same answer on every machine.
     */
    public long serializationNs(long bytes, LinkWidth width) {
        long den = nsDenominator(width);
        return Math.floorDiv(nsNumerator(bytes) + den - 1, den);
    }

    /**
     * The exact time to clock {@code bytes} onto a link is {@code nsNumerator(bytes) /
     * nsDenominator(width)} nanoseconds: bits × 10^9 / (lanes × signal rate × data bits / line
     * bits), with the signal rate in kb/s.
     */
    long nsNumerator(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative length " + bytes);
        }
        return Math.multiplyExact(Math.multiplyExact(bytes, 8_000_000L), code.lineBits);
    }

    long nsDenominator(LinkWidth width) {
        return (long) width.lanes() * signalKbps * code.dataBits;
    }
}
