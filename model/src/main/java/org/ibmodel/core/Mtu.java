// include/rdma/ib_verbs.h: enum ib_mtu
package org.ibmodel.core;

/** Path MTU values; the kernel numbers them 1 (256 bytes) to 5 (4096 bytes). */
public enum Mtu {
    MTU_256(1, 256),
    MTU_512(2, 512),
    MTU_1024(3, 1024),
    MTU_2048(4, 2048),
    MTU_4096(5, 4096);

    private final int value;
    private final int bytes;

    Mtu(int value, int bytes) {
        this.value = value;
        this.bytes = bytes;
    }

    public int value() {
        return value;
    }

    /** ib_mtu_enum_to_int() */
    public int bytes() {
        return bytes;
    }

    /** The enum for a kernel value, or null when the value is not an ib_mtu. */
    public static Mtu ofValue(int value) {
        for (Mtu m : values()) {
            if (m.value == value) {
                return m;
            }
        }
        return null;
    }

    public String kernelName() {
        return "IB_" + name();
    }
}
