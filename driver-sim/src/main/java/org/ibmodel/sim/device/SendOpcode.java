// docs/HCA.md §5.6; the numbers of include/linux/mlx4/qp.h MLX4_OPCODE_*
package org.ibmodel.sim.device;

/** Opcodes of send WQEs, with the segments each needs after the control segment (§5). */
public enum SendOpcode {
    SEND_INVAL(0x01, false, false),
    RDMA_WRITE(0x08, true, false),
    RDMA_WRITE_IMM(0x09, true, false),
    SEND(0x0a, false, false),
    SEND_IMM(0x0b, false, false),
    RDMA_READ(0x10, true, false),
    ATOMIC_CS(0x11, true, true),
    ATOMIC_FA(0x12, true, true),
    /** Registers a fast_reg MPT (§5.7); nothing is sent. */
    FAST_REG(0x19, false, false),
    /** Frees a fast_reg MPT (§5.8); nothing is sent. */
    LOCAL_INVAL(0x1b, false, false);

    /** values() copies its array on every call; lookups walk this one. */
    private static final SendOpcode[] VALUES = values();

    private final int value;
    private final boolean remoteAddress;
    private final boolean atomic;

    SendOpcode(int value, boolean remoteAddress, boolean atomic) {
        this.value = value;
        this.remoteAddress = remoteAddress;
        this.atomic = atomic;
    }

    public int value() {
        return value;
    }

    /** A remote address segment follows (§5.3). */
    public boolean hasRemoteAddress() {
        return remoteAddress;
    }

    /** An atomic segment follows (§5.4). */
    public boolean hasAtomic() {
        return atomic;
    }

    /** The message takes a receive WQE at the responder, so it needs an end-to-end credit. */
    public boolean consumesRecvWqe() {
        return this == SEND || this == SEND_IMM || this == SEND_INVAL || this == RDMA_WRITE_IMM;
    }

    /** Carried out by the device itself, with no packet: FAST_REG and LOCAL_INVAL. */
    public boolean isLocal() {
        return this == FAST_REG || this == LOCAL_INVAL;
    }

    /** The opcode for a value, or null for one the device does not know. */
    public static SendOpcode of(int value) {
        for (SendOpcode o : VALUES) {
            if (o.value == value) {
                return o;
            }
        }
        return null;
    }
}
