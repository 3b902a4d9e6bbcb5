// IBA ch. 7 (link layer packet checks) and 9.6 (transport header validation): why a packet is dropped
package org.ibmodel.sim.wire;

/**
 * Why {@link Packet#parse} refused a packet. Receivers drop such packets silently; the model
 * counts and narrates them instead of throwing.
 */
public enum DropReason {
    /** Shorter than the smallest packet the link layer takes (LRH, BTH and both CRCs). */
    TOO_SHORT("shorter than its headers", true),
    /** VCRC mismatch: corrupted on the last link. */
    BAD_VCRC("VCRC mismatch", true),
    /** LRH:LVer is not 0. */
    BAD_LVER("unsupported link version", true),
    /** LRH:LNH is raw or IP, not an IBA transport packet. */
    BAD_LNH("LNH is not IBA local or IBA global", false),
    /** LRH:PktLen disagrees with the bytes received. */
    BAD_LENGTH("length field disagrees with the packet", true),
    /** Too short for its GRH, or for the extension headers its opcode has. */
    SHORT_HEADERS("shorter than its network or transport headers", false),
    /** GRH:PayLen disagrees with the bytes after the GRH, or a no-payload opcode has bytes left over. */
    BAD_HEADER_LENGTH("network or transport length disagrees with the packet", false),
    /** GRH:IPVer is not 6 or GRH:NxtHdr is not the IBA transport. */
    BAD_GRH("GRH IPVer or NxtHdr invalid", false),
    /** ICRC mismatch: corrupted between the two end nodes. */
    BAD_ICRC("ICRC mismatch", true),
    /** BTH:OpCode is reserved or of a transport the model does not implement. */
    UNKNOWN_OPCODE("unknown opcode", false),
    /** BTH:TVer is not 0. */
    BAD_TVER("unsupported transport header version", false),
    /** BTH:PadCnt is larger than the payload, or non-zero without a payload. */
    BAD_PAD("pad count does not fit the payload", false);

    private final String description;
    private final boolean portRcvError;

    DropReason(String description, boolean portRcvError) {
        this.description = description;
        this.portRcvError = portRcvError;
    }

    /**
     * Whether the port counts it in PortRcvErrors: local physical errors (ICRC, VCRC) and
     * malformed data packets (LVer, length), IBA 16.1.3.5; a packet the link layer took whole
     * but whose network or transport header the node refuses is dropped without it.
     */
    public boolean portRcvError() {
        return portRcvError;
    }

    public String description() {
        return description;
    }
}
