// IBA 9.7.2: PSNs are 24 bits and wrap; drivers/infiniband/sw/rxe/rxe_hdr.h psn_compare
package org.ibmodel.sim.device;

/** 24-bit packet sequence number arithmetic. */
final class Psn {
    static final int MASK = 0xff_ffff;

    private Psn() {
    }

    static int add(int psn, int n) {
        return (psn + n) & MASK;
    }

    /**
     * Signed distance from {@code b} to {@code a}, in [-2^23, 2^23): positive when {@code a}
     * is later, as psn_compare shifts both into the top of an int.
     */
    static int diff(int a, int b) {
        return ((a - b) << 8) >> 8;
    }
}
