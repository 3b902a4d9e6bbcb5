package org.ibmodel.sim.fabric;

/**
 * The fabric's packet buffers, like a NIC driver's skb recycling: a packet sent on a link is
 * taken from here, travels through links and switches in the same array, and the HCA that
 * receives it gives it back when its receive path returns. Arrays are exactly as long as their
 * packet, so {@code packet.length} stays the packet's length; each length has its own free list.
 *
 * <p>Whoever holds a packet owns it: once given back, or handed to a port's {@code xmit}, the
 * array may be anyone's next packet and must not be touched. A packet nobody gives back is
 * simply left to the garbage collector.
 */
public final class PacketPool {
    /** Longest packet kept: LRH, GRH, BTH and extended headers, 4096 bytes of payload, CRCs. */
    static final int MAX_LENGTH = 4096 + 256;
    /** Free arrays kept per length: enough for a 1 MiB message in flight at a 4096-byte MTU. */
    static final int PER_LENGTH = 512;
    /** Bytes kept in all: traffic of many lengths must not grow the pool without bound. */
    static final long MAX_BYTES = 16L << 20;

    private final byte[][][] free = new byte[MAX_LENGTH + 1][][];
    private final int[] count = new int[MAX_LENGTH + 1];
    private long taken;
    private long reused;
    private long heldBytes;

    /** An array of exactly {@code length} bytes; its contents are whatever the last packet left. */
    public byte[] take(int length) {
        taken++;
        if (length <= MAX_LENGTH && count[length] > 0) {
            reused++;
            byte[][] list = free[length];
            byte[] b = list[--count[length]];
            list[count[length]] = null;
            heldBytes -= length;
            return b;
        }
        return new byte[length];
    }

    /** Takes back a packet its owner is done with. */
    public void give(byte[] packet) {
        int length = packet.length;
        if (length == 0 || length > MAX_LENGTH || count[length] == PER_LENGTH || heldBytes + length > MAX_BYTES) {
            return;
        }
        heldBytes += length;
        byte[][] list = free[length];
        if (list == null) {
            list = free[length] = new byte[8][];
        } else if (count[length] == list.length) {
            list = free[length] = java.util.Arrays.copyOf(list, Math.min(PER_LENGTH, 2 * list.length));
        }
        list[count[length]++] = packet;
    }

    /** Free arrays of {@code length} bytes held for reuse. */
    int free(int length) {
        return length <= MAX_LENGTH ? count[length] : 0;
    }

    /** Arrays handed out by {@link #take}. */
    public long taken() {
        return taken;
    }

    /** Of those, how many were given back earlier and used again. */
    public long reused() {
        return reused;
    }
}
