package org.ibmodel.sim.fabric;

import org.ibmodel.sim.wire.Crcs;

/** What sits behind a port: an HCA port's receive path, or a switch. */
@FunctionalInterface
public interface PacketSink {

    /**
     * A whole packet has arrived on {@code port}. The array is the receiver's to keep, or to give
     * back to {@code port.pool()} when done with it.
     */
    void receive(FabricPort port, byte[] packet);

    /**
     * As {@link #receive}, for a packet whose ICRC and VCRC are still to be written and which
     * nothing has touched since its sender built it ({@link Crcs}). A sink that never reads the
     * CRCs (a switch, which forwards the packet) or knows what pending ones mean (an HCA's
     * receive path) takes it as it is; by default the CRCs are written first.
     */
    default void receiveWithoutCrcs(FabricPort port, byte[] packet) {
        new Crcs().write(packet);
        receive(port, packet);
    }

    /** The link on {@code port} went up or down; an HCA turns this into a port event. */
    default void linkStateChanged(FabricPort port, Link.State state) {
    }
}
