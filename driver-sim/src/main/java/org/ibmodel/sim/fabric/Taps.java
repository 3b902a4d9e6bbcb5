package org.ibmodel.sim.fabric;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A fabric's taps, which every link shows its arriving packets to. */
final class Taps {
    private final List<PacketTap> taps = new ArrayList<>();

    void add(PacketTap t) {
        taps.add(Objects.requireNonNull(t, "tap"));
    }

    void remove(PacketTap t) {
        taps.remove(t);
    }

    /** No tap looks: a link need not write a packet's pending CRCs for one. */
    boolean isEmpty() {
        return taps.isEmpty();
    }

    void showLost(long timeNs, Link link, Link.Direction dir, byte[] packet) {
        for (int i = 0; i < taps.size(); i++) {
            taps.get(i).onLost(timeNs, link, dir, packet);
        }
    }

    void show(long timeNs, Link link, Link.Direction dir, byte[] packet) {
        for (int i = 0; i < taps.size(); i++) {
            taps.get(i).onPacket(timeNs, link, dir, packet);
        }
    }
}
