package org.ibmodel.uverbs.abi;

import java.util.Arrays;

/**
 * A fixed-size struct of the uverbs ABI over {@code buf} at {@code base}: little-endian loads and
 * stores for the flyweights of {@link IbUserVerbs}. Accessors never allocate except for byte
 * arrays (GIDs) and {@link #toBytes()}.
 */
public abstract class AbiStruct<T extends AbiStruct<T>> {
    protected final byte[] buf;
    protected final int base;
    private final int size;

    protected AbiStruct(byte[] buf, int base, int size) {
        if (base < 0 || base + size > buf.length) {
            throw new IndexOutOfBoundsException("struct of " + size + " bytes at " + base + " in " + buf.length);
        }
        this.buf = buf;
        this.base = base;
        this.size = size;
    }

    /** A copy of the struct's bytes. */
    public byte[] toBytes() {
        return Arrays.copyOfRange(buf, base, base + size);
    }

    public byte[] buffer() {
        return buf;
    }

    protected final int u8(int off) {
        return buf[base + off] & 0xff;
    }

    protected final void u8(int off, int v) {
        buf[base + off] = (byte) v;
    }

    protected final int u16(int off) {
        return (buf[base + off] & 0xff) | (buf[base + off + 1] & 0xff) << 8;
    }

    protected final void u16(int off, int v) {
        buf[base + off] = (byte) v;
        buf[base + off + 1] = (byte) (v >>> 8);
    }

    protected final int u32(int off) {
        return Le.u32(buf, base + off);
    }

    protected final void u32(int off, int v) {
        Le.u32(buf, base + off, v);
    }

    protected final long u64(int off) {
        return Le.u64(buf, base + off);
    }

    protected final void u64(int off, long v) {
        Le.u64(buf, base + off, v);
    }

    protected final int be32(int off) {
        return Integer.reverseBytes(u32(off));
    }

    protected final void be32(int off, int v) {
        u32(off, Integer.reverseBytes(v));
    }

    protected final long be64(int off) {
        return Long.reverseBytes(u64(off));
    }

    protected final void be64(int off, long v) {
        u64(off, Long.reverseBytes(v));
    }

    protected final byte[] bytes(int off, int len) {
        return Arrays.copyOfRange(buf, base + off, base + off + len);
    }

    protected final void bytes(int off, byte[] v) {
        System.arraycopy(v, 0, buf, base + off, v.length);
    }
}
