// Ready-made hosts for scenarios and tests
package org.ibmodel.sim.world;

import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.HoldingStage;

/** Builds hosts: one HCA, its driver loaded, its port brought up on a static subnet. */
public final class Hosts {
    /** Node GUIDs of built hosts: Mellanox's OUI and the port's LID. */
    public static final long GUID_BASE = 0x0002_c903_0000_0000L;

    private Hosts() {
    }

    /**
     * A host with one HCA, registered as {@code hca0}, whose port 1 gets {@code lid}
     * by SET_PORT, the host being its own subnet manager; {@code lid} 0 leaves the port in
     * INIT. The world has run until the port change reached ib_core.
     */
    public static Host withHca(Scheduler scheduler, String name, int lid) {
        return withHca(scheduler, name, lid, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #withHca(Scheduler, String, int)}, the driver's ops seen through {@code decorate}. */
    public static Host withHca(Scheduler scheduler, String name, int lid,
            java.util.function.UnaryOperator<org.ibmodel.core.DeviceOps> decorate) {
        Host host = new Host(name, scheduler);
        long guid = GUID_BASE | ((long) (lid & 0xffff) << 16) | (name.hashCode() & 0xffffL);
        host.plugHca(DevCaps.standard(guid), new HoldingStage());
        int ret = host.loadDriver(host.hca(0), "hca0", decorate);
        if (ret != 0) {
            throw new IllegalStateException(name + ": HCA driver probe failed with " + ret);
        }
        if (lid != 0) {
            ret = host.driver(0).setPort(1, lid, 0, lid, 0, World.SUBNET_TIMEOUT);
            if (ret != 0) {
                throw new IllegalStateException(name + ": SET_PORT failed with " + ret);
            }
        }
        host.settle();
        return host;
    }
}
