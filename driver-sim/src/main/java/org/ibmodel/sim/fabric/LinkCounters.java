package org.ibmodel.sim.fabric;

/**
 * Packet counters of one link direction, in the spirit of the PortCounters attribute of
 * performance management (IBA chapter 16). Every packet handed to the link ends in exactly one
 * of delivered, dropped by a fault, dropped by the link being down, or still in flight.
 */
public final class LinkCounters {
    long packetsSent;
    long bytesSent;
    long packetsDelivered;
    long bytesDelivered;
    long droppedByFault;
    long droppedLinkDown;
    long corrupted;

    LinkCounters() {
    }

    void add(LinkCounters o) {
        packetsSent += o.packetsSent;
        bytesSent += o.bytesSent;
        packetsDelivered += o.packetsDelivered;
        bytesDelivered += o.bytesDelivered;
        droppedByFault += o.droppedByFault;
        droppedLinkDown += o.droppedLinkDown;
        corrupted += o.corrupted;
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public long packetsDelivered() {
        return packetsDelivered;
    }

    public long bytesDelivered() {
        return bytesDelivered;
    }

    /** Lost to the fault plan's drop probability. */
    public long droppedByFault() {
        return droppedByFault;
    }

    /** In flight when the link went down, or sent while it was down. */
    public long droppedLinkDown() {
        return droppedLinkDown;
    }

    /** Delivered with one bit flipped. */
    public long corrupted() {
        return corrupted;
    }

    @Override
    public String toString() {
        return String.format("sent=%d/%dB delivered=%d/%dB droppedByFault=%d droppedLinkDown=%d"
                        + " corrupted=%d", packetsSent, bytesSent, packetsDelivered, bytesDelivered,
                droppedByFault, droppedLinkDown, corrupted);
    }
}
