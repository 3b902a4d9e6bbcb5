package org.ibmodel.sim;

import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Qp;

/** Drivers broken on purpose, which more than one checker's mutation test puts under it. */
public final class BrokenDrivers {
    private BrokenDrivers() {
    }

    /** A destroy_qp that answers 0 and leaves the QP on the device, still working. */
    public static UnaryOperator<DeviceOps> destroyQpDoesNothing() {
        return real -> new ForwardingDeviceOps(real) {
            @Override
            public int destroyQp(Qp qp) {
                return 0;
            }
        };
    }
}
