// IBA 7.8: the ICRC and VCRC at the end of every packet
package org.ibmodel.sim.wire;

/**
 * Writes the two CRCs that close a packet, the ICRC then the VCRC that covers it, without
 * allocating: whoever writes them often keeps one.
 *
 * <p>A packet travels with a {@link State}. The simulated HCA sends with its CRCs
 * {@link State#PENDING}, and the fabric writes them at the first place where anything could see
 * or change the bytes (a capture tap, a corrupting fault, a sink that is not an HCA or a switch, a
 * receiver that asks for a CRC's value). Only a packet whose bytes may differ from what its
 * sender built ({@link State#UNVERIFIED}) has its CRCs checked: for any other the checks' outcome
 * is fixed, and they are skipped. Every packet anyone can look at carries its real CRCs.
 */
public final class Crcs {
    /** What is known of a packet's CRCs on its way. */
    public enum State {
        /** Not written yet; the bytes are as the sender built them. */
        PENDING,
        /** Written over the bytes as the sender built them, and nothing changed since. */
        INTACT,
        /** The bytes may differ from what was built (a fault, or a packet from outside): check them. */
        UNVERIFIED;

        private static final State[] VALUES = values();

        /** The state of {@link #ordinal()} {@code n}. */
        public static State of(int n) {
            return VALUES[n];
        }
    }

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

    /** Writes the CRCs of a whole-array packet in {@code state} if they are pending; its state after. */
    public State writePending(byte[] packet, State state) {
        if (state != State.PENDING) {
            return state;
        }
        write(packet);
        return State.INTACT;
    }
}
