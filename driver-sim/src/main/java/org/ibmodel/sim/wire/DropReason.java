// IBA ch. 7 (link layer packet checks) and 9.6 (transport header validation): why a packet is dropped
package org.ibmodel.sim.wire;

/**
 * Why {@link Packet#parse} refused a packet. Receivers drop such packets silently; the model
 * counts and narrates them instead of throwing.
 */
public enum DropReason {
    /** Shorter than the smallest packet its headers need. */
    TOO_SHORT("shorter than its headers"),
    /** VCRC mismatch: corrupted on the last link. */
    BAD_VCRC("VCRC mismatch"),
    /** LRH:LVer is not 0. */
    BAD_LVER("unsupported link version"),
    /** LRH:LNH is raw or IP, not an IBA transport packet. */
    BAD_LNH("LNH is not IBA local or IBA global"),
    /** LRH:PktLen (or GRH:PayLen) disagrees with the bytes received, or a no-payload opcode has bytes left over. */
    BAD_LENGTH("length field disagrees with the packet"),
    /** GRH:IPVer is not 6 or GRH:NxtHdr is not the IBA transport. */
    BAD_GRH("GRH IPVer or NxtHdr invalid"),
    /** ICRC mismatch: corrupted between the two end nodes. */
    BAD_ICRC("ICRC mismatch"),
    /** BTH:OpCode is reserved or of a transport the model does not implement. */
    UNKNOWN_OPCODE("unknown opcode"),
    /** BTH:TVer is not 0. */
    BAD_TVER("unsupported transport header version"),
    /** BTH:PadCnt is larger than the payload, or non-zero without a payload. */
    BAD_PAD("pad count does not fit the payload");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
