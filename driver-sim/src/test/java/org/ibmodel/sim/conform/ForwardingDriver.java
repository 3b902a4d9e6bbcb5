package org.ibmodel.sim.conform;

import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;

/** A driver that passes every verb to another; the deliberately broken drivers override one. */
abstract class ForwardingDriver extends ForwardingDeviceOps {
    protected final DeviceOps d;

    ForwardingDriver(DeviceOps d) {
        super(d);
        this.d = d;
    }
}
