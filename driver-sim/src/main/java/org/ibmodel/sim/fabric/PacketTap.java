package org.ibmodel.sim.fabric;

/**
 * Sees every packet that crosses a link, at the time its last bit arrives, with the bytes the
 * receiver gets (so a corrupted packet shows corrupted). Packets lost to a fault or a down link
 * never arrive and are not shown. The array must be neither changed nor kept.
 */
@FunctionalInterface
public interface PacketTap {
    void onPacket(long timeNs, Link link, Link.Direction direction, byte[] packet);

    /**
     * A packet a fault ({@link FaultPlan}) lost on {@code link}, at the time its first bit left;
     * the bytes are as sent, their CRCs perhaps not written. Nothing by default: a capture holds
     * only what arrived.
     */
    default void onLost(long timeNs, Link link, Link.Direction direction, byte[] packet) {
    }
}
