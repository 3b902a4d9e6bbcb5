package org.ibmodel.sim.fabric;

/**
 * Link widths: how many lanes a link stripes its bytes over (IBA Vol 2, physical layer).
 * {@code ibWidth} is the PortInfo LinkWidthActive encoding (IBA 14.2.5.6), which the kernel
 * keeps as {@code enum ib_port_width} in include/rdma/ib_verbs.h; it is not ordered by lanes.
 */
public enum LinkWidth {
    WIDTH_1X(1, 1),
    WIDTH_2X(2, 16),
    WIDTH_4X(4, 2),
    WIDTH_8X(8, 4),
    WIDTH_12X(12, 8);

    private final int lanes;
    private final int ibWidth;

    LinkWidth(int lanes, int ibWidth) {
        this.lanes = lanes;
        this.ibWidth = ibWidth;
    }

    public int lanes() {
        return lanes;
    }

    /** The value of {@code enum ib_port_width} / PortInfo LinkWidthActive. */
    public int ibWidth() {
        return ibWidth;
    }

    @Override
    public String toString() {
        return lanes + "X";
    }
}
