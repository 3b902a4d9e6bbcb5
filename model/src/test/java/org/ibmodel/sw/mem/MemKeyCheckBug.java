// Broken key checks of the in-memory device for mutation tests outside this package
package org.ibmodel.sw.mem;

import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.Pd;

/**
 * One wrong {@link KeyCheck} each, for the property tests of other packages that must show they
 * catch the bug: {@link KeyCheck} and {@link MemDevice#keyCheck} stay package-private so nothing
 * but a test can break a device.
 */
public enum MemKeyCheckBug {
    /** A key of another PD passes: a process reaches what the kernel or another process registered. */
    IGNORES_PD {
        @Override
        KeyCheck check() {
            return new KeyCheck() {
                @Override
                public boolean allows(boolean samePd, boolean accessBit, boolean inRange) {
                    return accessBit && inRange;
                }
            };
        }
    },
    /** Any address passes through a valid key: a process reaches past the end of its own region. */
    IGNORES_BOUNDS {
        @Override
        KeyCheck check() {
            return new KeyCheck() {
                @Override
                public boolean allows(boolean samePd, boolean accessBit, boolean inRange) {
                    return samePd && accessBit;
                }
            };
        }
    },
    /** The reserved lkey serves a process's QP too: all of host memory, by physical address. */
    USER_RESERVED_LKEY {
        @Override
        KeyCheck check() {
            return new KeyCheck() {
                @Override
                public boolean reservedLkeyServes(Pd pd) {
                    return true;
                }
            };
        }
    };

    abstract KeyCheck check();

    /** For MemDevice.create: the device it is given checks keys with this bug. */
    public UnaryOperator<DeviceOps> install() {
        return ops -> {
            ((MemDevice) ops).keyCheck(check());
            return ops;
        };
    }
}
