// IBA 7.8: the ICRC and VCRC at the end of every packet
package org.ibmodel.sim.wire;

/**
 * Writes the two CRCs that close a packet, the ICRC then the VCRC that covers it, without
 * allocating: whoever writes them often keeps one.
 *
 * <p>A packet may travel with its CRCs still to be written ("pending"): the simulated HCA leaves
 * them out when it sends, and the fabric writes them at the first place where anything could see
 * or change the bytes (a capture tap, a corrupting fault, a sink that is not an HCA, a receiver
 * that asks for a CRC's value). A packet that reaches an HCA with its CRCs still pending holds
 * exactly the bytes its sender built, so the receiver's CRC checks, whose outcome that fixes,
 * are skipped. Every packet anyone can look at carries its real CRCs.
 */
public final class Crcs {
    private final Icrc.Calculator icrc = new Icrc.Calculator();

    /**
     * Writes the ICRC and the VCRC of the {@code length}-byte packet at {@code offset}, LRH
     * through VCRC, over whatever the two fields held.
     */
    public void write(byte[] buffer, int offset, int length) {
        int vcrcAt = offset + length - Vcrc.LENGTH;
        int icrcAt = vcrcAt - Icrc.LENGTH;
        Icrc.put(buffer, icrcAt, icrc.compute(buffer, offset, icrcAt - offset));
        Vcrc.put(buffer, vcrcAt, Vcrc.compute(buffer, offset, vcrcAt - offset));
    }

    /** {@link #write} for a packet that fills its whole array. */
    public void write(byte[] packet) {
        write(packet, 0, packet.length);
    }
}
