package org.ibmodel.uverbs.abi;

/** Little-endian loads and stores, the byte order of the uverbs ABI on x86-64. */
public final class Le {
    private Le() {
    }

    public static int u32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    public static void u32(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    public static long u64(byte[] b, int off) {
        return (u32(b, off) & 0xffff_ffffL) | ((long) u32(b, off + 4)) << 32;
    }

    public static void u64(byte[] b, int off, long v) {
        u32(b, off, (int) v);
        u32(b, off + 4, (int) (v >>> 32));
    }
}
