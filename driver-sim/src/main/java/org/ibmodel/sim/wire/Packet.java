// IBA 5.2 (packet format) with the checks of IBA ch. 7 and 9.6; cf. drivers/infiniband/sw/rxe/rxe_recv.c
package org.ibmodel.sim.wire;

import java.util.Objects;

/**
 * A read-only view over one whole packet as it is on the wire:
 *
 * <pre>
 *  +-----+-------+-----+-------------+---------+-----+------+------+
 *  | LRH | [GRH] | BTH | ext headers | payload | pad | ICRC | VCRC |
 *  +-----+-------+-----+-------------+---------+-----+------+------+
 *    8     40      12    by opcode      0..      0-3    4      2
 * </pre>
 *
 * The GRH is present when LRH:LNH is IBA global; which extended headers follow the BTH comes from
 * the {@link Opcode} row. {@link #parse} checks the packet in the order a receiver does (the VCRC
 * first, whose place the frame's end gives, then the link and network headers, then the ICRC
 * before anything in the BTH is believed) and returns either the view or the first
 * {@link DropReason}. A packet whose bytes are known to be its sender's ({@link Crcs}) skips the
 * two CRC checks and nothing else.
 */
public final class Packet {
    /** The smallest IBA packet: LRH, BTH, ICRC, VCRC and nothing else. */
    public static final int MIN_LENGTH = Lrh.HEADER_LENGTH + Bth.HEADER_LENGTH + Icrc.LENGTH + Vcrc.LENGTH;

    private final Icrc.Calculator icrcCalculator = new Icrc.Calculator();
    private final Lrh lrh = new Lrh();
    private final Grh grh = new Grh();
    private final Bth bth = new Bth();
    private final ExtHeaders ext = new ExtHeaders();

    private byte[] buffer;
    private int offset;
    private int length;
    private boolean global;
    private Opcode opcode;
    private int bthOffset;
    private int payloadOffset;
    private int payloadLength;
    private int padCnt;
    /** Whether the ICRC and VCRC are still to be written (see {@link Crcs}). */
    private boolean crcsPending;
    /** Writes pending CRCs when someone asks for them; made on first need. */
    private Crcs crcs;
    /** The result that names this view, made on its first valid parse. */
    private ParseResult.Valid valid;

    private Packet() {
    }

    /**
     * Checks the {@code length} bytes at {@code offset} as one packet, LRH through VCRC. Malformed
     * input is a {@link ParseResult.Dropped}, never an exception; only a range outside
     * {@code buffer} (a caller bug) throws.
     */
    public static ParseResult parse(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        Packet p = new Packet();
        return p.check(buffer, offset, length, Crcs.State.UNVERIFIED);
    }

    /**
     * A view for a receiver that parses one packet at a time with {@link #parseInto}: the
     * flyweights are made once, not per packet.
     */
    public static Packet reusable() {
        return new Packet();
    }

    /**
     * {@link #parse} into this view. A valid result is this packet and stays valid until the
     * next call; whoever keeps a packet longer must {@link #parse} it into its own view.
     */
    public ParseResult parseInto(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return check(buffer, offset, length, Crcs.State.UNVERIFIED);
    }

    /**
     * {@link #parseInto} a packet whose CRCs are in {@code crcs} ({@link Crcs}): only
     * {@link Crcs.State#UNVERIFIED} ones are checked; everything else about the packet always is.
     * Pending CRCs are written into {@code buffer} if the view is asked for {@link #icrc()} or
     * {@link #vcrc()}.
     */
    public ParseResult parseInto(byte[] buffer, int offset, int length, Crcs.State crcs) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        return check(buffer, offset, length, crcs);
    }

    /**
     * Whether the payload of the packet ({@link #payloadLengthOf}) is longer than {@code mtu}
     * bytes; the headers are read only when the packet is long enough to be, whatever its LNH.
     */
    public static boolean exceedsMtu(byte[] buf, int length, int mtu) {
        return length - Lrh.HEADER_LENGTH - Vcrc.LENGTH > mtu && payloadLengthOf(buf, length) > mtu;
    }

    /**
     * The payload of the {@code length}-byte packet at the start of {@code buf} (LRH through
     * VCRC) as a port that checks it against an MTU counts it, from the headers' lengths alone:
     * what follows the BTH and the extended headers of its opcode, less the pad, the ICRC and the
     * VCRC; for a packet that is not IBA transport (LNH raw or IPv6), what follows the LRH. An
     * unknown opcode counts as having no extended header. Nothing is checked; a well-formed
     * packet gets {@link #payloadLength()} of its parse.
     */
    public static int payloadLengthOf(byte[] buf, int length) {
        int lnh = buf[Lrh.SL_LNH_OFFSET] & 0x3;
        if (lnh != Lrh.LNH_IBA_LOCAL && lnh != Lrh.LNH_IBA_GLOBAL) {
            return length - Lrh.HEADER_LENGTH - Vcrc.LENGTH;
        }
        int bth = Lrh.HEADER_LENGTH + (lnh == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
        if (length < bth + Bth.HEADER_LENGTH + Icrc.LENGTH + Vcrc.LENGTH) {
            return 0;
        }
        Opcode op = OpcodeTable.lookup(buf[bth + Bth.OPCODE_OFFSET] & 0xff);
        int ext = op == null ? 0 : op.extHeaderLength();
        int pad = (buf[bth + Bth.FLAGS_OFFSET] >>> 4) & 0x3;
        return length - bth - Bth.HEADER_LENGTH - ext - pad - Icrc.LENGTH - Vcrc.LENGTH;
    }

    private ParseResult check(byte[] buf, int off, int len, Crcs.State crcs) {
        boolean trusted = crcs != Crcs.State.UNVERIFIED;
        if (len < MIN_LENGTH) {
            return drop(DropReason.TOO_SHORT, len + " bytes, minimum " + MIN_LENGTH);
        }
        int vcrcAt = off + len - Vcrc.LENGTH;
        if (!trusted) {
            int vcrc = Vcrc.compute(buf, off, len - Vcrc.LENGTH);
            if (vcrc != Vcrc.get(buf, vcrcAt)) {
                return drop(DropReason.BAD_VCRC, "computed " + BigEndian.hex(vcrc, 4) + " received "
                    + BigEndian.hex(Vcrc.get(buf, vcrcAt), 4));
            }
        }

        lrh.wrap(buf, off);
        if (lrh.lver() != 0) {
            return drop(DropReason.BAD_LVER, "LVer=" + lrh.lver());
        }
        // IBA 7.7: PktLen counts 4-byte words from the LRH through the ICRC. A length that does not
        // match is a malformed packet (PortRcvErrors, IBA 16.1.3.5) whatever its LNH names.
        if (lrh.pktLen() * 4 + Vcrc.LENGTH != len) {
            return drop(DropReason.BAD_LENGTH, "PktLen=" + lrh.pktLen() + " words but " + len + " bytes received");
        }
        if (lrh.lnh() != Lrh.LNH_IBA_LOCAL && lrh.lnh() != Lrh.LNH_IBA_GLOBAL) {
            return drop(DropReason.BAD_LNH, "LNH=" + lrh.lnh());
        }

        global = lrh.lnh() == Lrh.LNH_IBA_GLOBAL;
        bthOffset = off + Lrh.HEADER_LENGTH;
        if (global) {
            if (len < MIN_LENGTH + Grh.HEADER_LENGTH) {
                return drop(DropReason.SHORT_HEADERS, len + " bytes, a global packet needs "
                    + (MIN_LENGTH + Grh.HEADER_LENGTH));
            }
            grh.wrap(buf, bthOffset);
            if (grh.ipVer() != Grh.IPVER_IBA || grh.nxtHdr() != Grh.NXTHDR_IBA_TRANSPORT) {
                return drop(DropReason.BAD_GRH, "IPVer=" + grh.ipVer() + " NxtHdr=" + BigEndian.hex(grh.nxtHdr(), 2));
            }
            bthOffset += Grh.HEADER_LENGTH;
            // IBA 8.3: PayLen counts the bytes after the GRH through the ICRC.
            int expected = len - Lrh.HEADER_LENGTH - Grh.HEADER_LENGTH - Vcrc.LENGTH;
            if (grh.payLen() != expected) {
                return drop(DropReason.BAD_HEADER_LENGTH, "PayLen=" + grh.payLen() + " but " + expected + " bytes follow the GRH");
            }
        }

        int icrcAt = vcrcAt - Icrc.LENGTH;
        if (!trusted) {
            int icrc = icrcCalculator.compute(buf, off, icrcAt - off);
            if (icrc != Icrc.get(buf, icrcAt)) {
                return drop(DropReason.BAD_ICRC, "computed " + BigEndian.hex(icrc, 8) + " received "
                    + BigEndian.hex(Icrc.get(buf, icrcAt), 8));
            }
        }

        bth.wrap(buf, bthOffset);
        opcode = OpcodeTable.lookup(bth.opCode());
        if (opcode == null) {
            return drop(DropReason.UNKNOWN_OPCODE, "OpCode=" + BigEndian.hex(bth.opCode(), 2));
        }
        if (bth.tVer() != 0) {
            return drop(DropReason.BAD_TVER, "TVer=" + bth.tVer());
        }
        payloadOffset = bthOffset + opcode.headerLength();
        int rest = icrcAt - payloadOffset;
        if (rest < 0) {
            return drop(DropReason.SHORT_HEADERS, opcode + " needs " + opcode.headerLength() + " header bytes after the LRH"
                + (global ? "/GRH" : "") + ", " + (icrcAt - bthOffset) + " present");
        }
        padCnt = bth.padCnt();
        if (!opcode.hasPayload()) {
            if (padCnt != 0) {
                return drop(DropReason.BAD_PAD, opcode + " has no payload but PadCnt=" + padCnt);
            }
            if (rest != 0) {
                return drop(DropReason.BAD_HEADER_LENGTH, opcode + " has no payload but " + rest + " bytes follow its headers");
            }
        } else if (padCnt > rest) {
            return drop(DropReason.BAD_PAD, "PadCnt=" + padCnt + " with " + rest + " payload bytes");
        }
        payloadLength = rest - padCnt;

        this.buffer = buf;
        this.offset = off;
        this.length = len;
        this.crcsPending = crcs == Crcs.State.PENDING;
        ext.wrap(buffer, bthOffset, opcode);
        if (valid == null) {
            valid = new ParseResult.Valid(this);
        }
        return valid;
    }

    private static ParseResult drop(DropReason reason, String detail) {
        return new ParseResult.Dropped(reason, detail);
    }

    public byte[] buffer() {
        return buffer;
    }

    /** Offset of the LRH in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    /** Bytes on the wire, LRH through VCRC. */
    public int length() {
        return length;
    }

    public Opcode opcode() {
        return opcode;
    }

    public Lrh lrh() {
        return lrh;
    }

    /** Whether a GRH follows the LRH (LNH = IBA global). */
    public boolean hasGrh() {
        return global;
    }

    public Grh grh() {
        if (!global) {
            throw new IllegalStateException("local packet (LNH=" + lrh.lnh() + ") has no GRH");
        }
        return grh;
    }

    public Bth bth() {
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
        if (!opcode.has(h)) {
            throw new IllegalStateException(opcode + " has no " + h.ibtaName());
        }
        return flyweight;
    }

    /** Offset of the first payload byte in {@link #buffer()}. */
    public int payloadOffset() {
        return payloadOffset;
    }

    /** Payload bytes, pad excluded. */
    public int payloadLength() {
        return payloadLength;
    }

    public int padCnt() {
        return padCnt;
    }

    /** Copies the payload (pad excluded) to {@code dst} at {@code dstOffset}. */
    public void copyPayload(byte[] dst, int dstOffset) {
        System.arraycopy(buffer, payloadOffset, dst, dstOffset, payloadLength);
    }

    public int icrc() {
        writePendingCrcs();
        return Icrc.get(buffer, offset + length - Vcrc.LENGTH - Icrc.LENGTH);
    }

    public int vcrc() {
        writePendingCrcs();
        return Vcrc.get(buffer, offset + length - Vcrc.LENGTH);
    }

    private void writePendingCrcs() {
        if (crcsPending) {
            if (crcs == null) {
                crcs = new Crcs();
            }
            crcs.write(buffer, offset, length);
            crcsPending = false;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(256);
        sb.append(opcode.kernelName()).append(' ').append(lrh);
        if (global) {
            sb.append(' ').append(grh);
        }
        sb.append(' ').append(bth);
        for (ExtHeader h : opcode.headers()) {
            sb.append(' ').append(ext.of(h));
        }
        sb.append(" payload=").append(payloadLength).append(" PadCnt=").append(padCnt)
            // The CRCs go out least significant byte first; printed in the order of the wire, as
            // tshark shows the two fields, so the two can be read side by side.
            .append(" ICRC=").append(BigEndian.hex(Integer.reverseBytes(icrc()), 8))
            .append(" VCRC=").append(BigEndian.hex(Integer.reverseBytes(vcrc()) >>> 16, 4));
        return sb.toString();
    }
}
