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
     * As {@link #receive}, with what is known of the packet's CRCs ({@link Crcs}). A sink that
     * knows what that means (an HCA's receive path, a switch) takes the packet as it is; by
     * default pending CRCs are written first and {@link #receive} called, which treats every
     * packet as {@link Crcs.State#UNVERIFIED}.
     */
    default void receive(FabricPort port, byte[] packet, Crcs.State crcs) {
        if (crcs == Crcs.State.PENDING) {
            new Crcs().write(packet);
        }
        receive(port, packet);
    }

    /**
     * A packet for a switch's management port {@code port} (port 0) that came in by its port
     * {@code inPort}, or by port 0 itself for one the switch sent to itself. An agent that needs
     * to know where a packet entered (a subnet management agent's LocalPortNum) takes it here; by
     * default it is {@link #receive(FabricPort, byte[], Crcs.State)}.
     */
    default void receiveAtManagementPort(FabricPort port, int inPort, byte[] packet, Crcs.State crcs) {
        receive(port, packet, crcs);
    }

    /**
     * A packet this sink's {@code port} handed its link never left: the link went down while it
     * waited behind others for the wire. The port counts it in PortXmitDiscards instead of as
     * sent. {@code packet} is only to be read; the link frees it.
     */
    default void unsent(FabricPort port, byte[] packet) {
    }

    /** The link on {@code port} went up or down; an HCA turns this into a port event. */
    default void linkStateChanged(FabricPort port, Link.State state) {
    }
}
