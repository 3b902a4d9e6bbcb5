// IBA 16.1.3.5 (PortCounters), 16.1.4.11 (PortCountersExtended); include/rdma/ib_pma.h
package org.ibmodel.sim.fabric;

import org.ibmodel.sim.wire.Vcrc;

/**
 * What one external port of a switch counts, as its performance agent reports it: the error
 * counters PortCounters carries and the data and packet counters of PortCountersExtended, each
 * kept here in 64 bits. The agent narrows each to its field's width when it answers
 * PortCounters, where a counter stops at its largest value instead of wrapping.
 */
public final class SwitchPortCounters {

    /**
     * The counters a PerfMgt Set can clear, each on its own (IB_PMA_SEL_* and IB_PMA_SELX_*), and
     * the two reasons PortXmitDiscardDetails gives for a discard (IBA 16.1.4.3): the port was not
     * active, or the packet was longer than its NeighborMTU.
     */
    public enum Counter {
        LINK_DOWNED, RCV_ERRORS, RCV_SWITCH_RELAY_ERRORS, XMIT_DISCARDS, XMIT_DATA, RCV_DATA, XMIT_PACKETS,
        RCV_PACKETS, UNICAST_XMIT_PACKETS, UNICAST_RCV_PACKETS, MULTICAST_XMIT_PACKETS, MULTICAST_RCV_PACKETS,
        INACTIVE_DISCARDS, NEIGHBOR_MTU_DISCARDS
    }

    private final long[] value = new long[Counter.values().length];

    SwitchPortCounters() {
    }

    /** The counter's value, in the units its attribute gives it (data in 4-octet words). */
    public long get(Counter c) {
        return c == Counter.XMIT_DATA || c == Counter.RCV_DATA ? value[c.ordinal()] / 4 : value[c.ordinal()];
    }

    /** A PerfMgt Set with the counter's bit: it starts again from 0. */
    public void clear(Counter c) {
        value[c.ordinal()] = 0;
    }

    /** A packet of {@code bytes} came in by the port from its link, whatever becomes of it. */
    void received(int bytes, boolean multicast) {
        value[Counter.RCV_DATA.ordinal()] += dataOctets(bytes);
        value[Counter.RCV_PACKETS.ordinal()]++;
        value[(multicast ? Counter.MULTICAST_RCV_PACKETS : Counter.UNICAST_RCV_PACKETS).ordinal()]++;
    }

    /** A packet of {@code bytes} left by the port onto its link. */
    void transmitted(int bytes, boolean multicast) {
        value[Counter.XMIT_DATA.ordinal()] += dataOctets(bytes);
        value[Counter.XMIT_PACKETS.ordinal()]++;
        value[(multicast ? Counter.MULTICAST_XMIT_PACKETS : Counter.UNICAST_XMIT_PACKETS).ordinal()]++;
    }

    /**
     * A packet {@link #transmitted} counted never left: the link went down while it waited for
     * the wire. It is a discard, not a packet sent; a counter a Set cleared since stays at 0.
     */
    void unsent(int bytes, boolean multicast) {
        down(Counter.XMIT_DATA, dataOctets(bytes));
        down(Counter.XMIT_PACKETS, 1);
        down(multicast ? Counter.MULTICAST_XMIT_PACKETS : Counter.UNICAST_XMIT_PACKETS, 1);
        count(Counter.XMIT_DISCARDS);
        count(Counter.INACTIVE_DISCARDS);
    }

    /**
     * A packet relayed to the port was longer than its NeighborMTU: discarded, never sent
     * (PortXmitDiscards, and PortNeighborMTUDiscards of PortXmitDiscardDetails).
     */
    void tooLong() {
        count(Counter.XMIT_DISCARDS);
        count(Counter.NEIGHBOR_MTU_DISCARDS);
    }

    void count(Counter c) {
        value[c.ordinal()]++;
    }

    private void down(Counter c, long by) {
        value[c.ordinal()] = Math.max(0, value[c.ordinal()] - by);
    }

    /**
     * IBA 16.1.3.5 PortXmitData and PortRcvData: the octets between the start-of-packet delimiter
     * and the VCRC, neither included, so LRH through ICRC.
     */
    private static int dataOctets(int packetBytes) {
        return Math.max(0, packetBytes - Vcrc.LENGTH);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (Counter c : Counter.values()) {
            b.append(b.length() > 1 ? ", " : "").append(c.name().toLowerCase()).append('=').append(get(c));
        }
        return b.append('}').toString();
    }
}
