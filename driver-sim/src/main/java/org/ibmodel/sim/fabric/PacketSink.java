package org.ibmodel.sim.fabric;

/** What sits behind a port: an HCA port's receive path, or a switch. */
@FunctionalInterface
public interface PacketSink {

    /**
     * A whole packet has arrived on {@code port}. The array is the receiver's to keep, or to give
     * back to {@code port.pool()} when done with it.
     */
    void receive(FabricPort port, byte[] packet);

    /** The link on {@code port} went up or down; an HCA turns this into a port event. */
    default void linkStateChanged(FabricPort port, Link.State state) {
    }
}
