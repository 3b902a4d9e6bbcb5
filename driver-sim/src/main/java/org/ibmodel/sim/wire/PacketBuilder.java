// IBA 5.2 (packet format), 7.7 (PktLen), 8.3 (PayLen), 9.2 (PadCnt), 7.8 (ICRC, VCRC)
package org.ibmodel.sim.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes one packet into a caller's buffer without allocating:
 *
 * <pre>
 *  builder.wrap(buf, 0).begin(Opcode.RC_SEND_ONLY, false);
 *  builder.lrh().sl(0).dlid(2).slid(1);
 *  builder.bth().pKey(0xFFFF).destQp(0x12).psn(7).ackReq(true);
 *  int len = builder.payload(data, 0, data.length).finish();
 * </pre>
 *
 * {@link #begin} zeroes the headers, the caller fills them through the flyweights, copies the
 * {@link #payload}, and {@link #finish()} writes the fields that follow from the rest
 * (LRH:PktLen, GRH:PayLen, BTH:PadCnt, the zero pad bytes, ICRC and VCRC) and returns the
 * packet's length. Headers changed after finish() leave stale CRCs, as a corrupted packet would
 * have. Misuse (a payload on an opcode without one, a buffer too small, a packet over the 11-bit
 * PktLen) is a bug and throws.
 */
public final class PacketBuilder {
    /** Largest LRH-through-ICRC length PktLen can express, in bytes. */
    public static final int MAX_PKTLEN_BYTES = Lrh.PKTLEN_MAX * 4;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final Crcs crcs = new Crcs();
    private final Lrh lrh = new Lrh();
    private final Grh grh = new Grh();
    private final Bth bth = new Bth();
    private final ExtHeaders ext = new ExtHeaders();

    private byte[] buffer;
    private int offset;
    private Opcode opcode;
    private boolean global;
    private int bthOffset;
    private int payloadOffset;
    private int payloadLength;

    /** Bytes on the wire of a packet with this opcode, routing and payload: LRH through VCRC. */
    public static int frameLength(Opcode opcode, boolean global, int payloadLength) {
        return Lrh.HEADER_LENGTH + (global ? Grh.HEADER_LENGTH : 0) + opcode.headerLength()
            + padded(payloadLength) + Icrc.LENGTH + Vcrc.LENGTH;
    }

    /** IBA 9.2: the payload is padded to a multiple of 4 bytes; PadCnt says by how many. */
    public static int padCount(int payloadLength) {
        return -payloadLength & 3;
    }

    private static int padded(int payloadLength) {
        return payloadLength + padCount(payloadLength);
    }

    public PacketBuilder wrap(byte[] buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        this.opcode = null;
        return this;
    }

    /**
     * Starts a packet: zeroes its headers and writes what the opcode and the routing fix
     * (LRH:LNH and LVer, GRH:IPVer and NxtHdr, BTH:OpCode and TVer). Everything else is 0 until
     * the caller sets it.
     */
    public PacketBuilder begin(Opcode opcode, boolean global) {
        if (buffer == null) {
            throw new IllegalStateException("begin(" + opcode + ") before wrap()");
        }
        requireCapacity(opcode, frameLength(opcode, global, 0));
        this.opcode = opcode;
        this.global = global;
        this.payloadLength = 0;
        bthOffset = offset + Lrh.HEADER_LENGTH + (global ? Grh.HEADER_LENGTH : 0);
        payloadOffset = bthOffset + opcode.headerLength();
        zero(buffer, offset, payloadOffset);

        lrh.wrap(buffer, offset).lver(0).lnh(global ? Lrh.LNH_IBA_GLOBAL : Lrh.LNH_IBA_LOCAL);
        if (global) {
            grh.wrap(buffer, offset + Lrh.HEADER_LENGTH).ipVer(Grh.IPVER_IBA).nxtHdr(Grh.NXTHDR_IBA_TRANSPORT);
        }
        bth.wrap(buffer, bthOffset).opCode(opcode.value()).tVer(0);
        ext.wrap(buffer, bthOffset, opcode);
        return this;
    }

    /** Copies the payload after the headers. */
    public PacketBuilder payload(byte[] src, int srcOffset, int length) {
        System.arraycopy(src, srcOffset, buffer, payloadRoom(length), length);
        return this;
    }

    /**
     * Makes room for a {@code length}-byte payload after the headers and returns where it starts
     * in {@link #buffer()}: the caller writes it there, as an HCA's DMA engine writes what it
     * reads from host memory straight into the packet.
     */
    public int payloadRoom(int length) {
        begun();
        if (length > 0 && !opcode.hasPayload()) {
            throw new IllegalArgumentException(opcode + " carries no payload, got " + length + " bytes");
        }
        int frame = frameLength(opcode, global, length);
        if (frame - Vcrc.LENGTH > MAX_PKTLEN_BYTES) {
            throw new IllegalArgumentException(opcode + " with " + length + " payload bytes is "
                + (frame - Vcrc.LENGTH) + " bytes, over the " + MAX_PKTLEN_BYTES + " PktLen can express");
        }
        requireCapacity(opcode, frame);
        payloadLength = length;
        return payloadOffset;
    }

    /** The buffer the packet is built in. */
    public byte[] buffer() {
        return buffer;
    }

    /** Writes the derived fields, pad, ICRC and VCRC; returns the packet's length in bytes. */
    public int finish() {
        int length = finishWithoutCrcs();
        crcs.write(buffer, offset, length);
        return length;
    }

    /**
     * As {@link #finish()}, but leaves the ICRC and VCRC to be written later (see {@link Crcs}):
     * their four and two bytes keep whatever the buffer held.
     */
    public int finishWithoutCrcs() {
        begun();
        int pad = padCount(payloadLength);
        int padAt = payloadOffset + payloadLength;
        zero(buffer, padAt, padAt + pad);
        int icrcAt = padAt + pad;
        int vcrcAt = icrcAt + Icrc.LENGTH;
        int length = vcrcAt + Vcrc.LENGTH - offset;

        bth.padCnt(pad);
        lrh.pktLen((vcrcAt - offset) / 4);
        if (global) {
            grh.payLen(vcrcAt - bthOffset);
        }
        return length;
    }

    // Headers are a few dozen bytes and pads at most three: eight bytes per store, then bytes.
    private static void zero(byte[] b, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            LONG.set(b, i, 0L);
        }
        for (; i < to; i++) {
            b[i] = 0;
        }
    }

    private void begun() {
        if (opcode == null) {
            throw new IllegalStateException("no packet begun: call begin() after wrap()");
        }
    }

    private void requireCapacity(Opcode op, int frame) {
        if (offset + frame > buffer.length) {
            throw new IllegalArgumentException(op + " needs " + frame + " bytes at offset " + offset
                + ", buffer holds " + buffer.length);
        }
    }

    public Opcode opcode() {
        return opcode;
    }

    public Lrh lrh() {
        begun();
        return lrh;
    }

    public Grh grh() {
        begun();
        if (!global) {
            throw new IllegalStateException(opcode + " begun as a local packet has no GRH");
        }
        return grh;
    }

    public Bth bth() {
        begun();
        return bth;
    }

    public Deth deth() {
        return header(ExtHeader.DETH, ext.deth);
    }

    public Reth reth() {
        return header(ExtHeader.RETH, ext.reth);
    }

    public AtomicEth atomicEth() {
        return header(ExtHeader.ATOMIC_ETH, ext.atomicEth);
    }

    public Aeth aeth() {
        return header(ExtHeader.AETH, ext.aeth);
    }

    public AtomicAckEth atomicAckEth() {
        return header(ExtHeader.ATOMIC_ACK_ETH, ext.atomicAckEth);
    }

    public ImmDt immDt() {
        return header(ExtHeader.IMM_DT, ext.immDt);
    }

    public Ieth ieth() {
        return header(ExtHeader.IETH, ext.ieth);
    }

    private <T> T header(ExtHeader h, T flyweight) {
        begun();
        if (!opcode.has(h)) {
            throw new IllegalStateException(opcode + " has no " + h.ibtaName());
        }
        return flyweight;
    }
}
