// The outcome of Packet.parse: a packet or the reason it is dropped, never an exception.
package org.ibmodel.sim.wire;

/** Either a {@link Valid} packet view or a {@link Dropped} reason. */
public sealed interface ParseResult {

    boolean isValid();

    /** The packet; a bug to ask for on a dropped result. */
    Packet packet();

    /** Why the packet was dropped; null when valid. */
    DropReason dropReason();

    /** A packet that passed every check. */
    record Valid(Packet packet) implements ParseResult {
        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public DropReason dropReason() {
            return null;
        }

        @Override
        public String toString() {
            return "valid " + packet;
        }
    }

    /** A packet a receiver drops, with the numbers that made it fail. */
    record Dropped(DropReason reason, String detail) implements ParseResult {
        @Override
        public boolean isValid() {
            return false;
        }

        @Override
        public Packet packet() {
            throw new IllegalStateException("no packet: dropped " + reason + " (" + detail + ")");
        }

        @Override
        public DropReason dropReason() {
            return reason;
        }

        @Override
        public String toString() {
            return "dropped " + reason + ": " + reason.description() + " (" + detail + ")";
        }
    }
}
