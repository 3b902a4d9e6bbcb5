// Broken MPT checks (docs/HCA.md §4.1) for mutation tests outside this package
package org.ibmodel.sim.device;

/**
 * One wrong {@link TransportPolicy} each, for the property tests of other packages that must show
 * they catch the bug: {@link TransportPolicy} and {@link Transport#policy} stay package-private so
 * nothing but a test can break a device.
 */
public enum MptCheckBug {
    /** A key of another PD passes: a process reaches what the kernel or another process registered. */
    IGNORES_PD {
        @Override
        TransportPolicy policy() {
            return new TransportPolicy() {
                @Override
                public boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
                    return accessBit && inRange;
                }
            };
        }
    },
    /** Any address passes through a valid key: a process reaches past the end of its own region. */
    IGNORES_BOUNDS {
        @Override
        TransportPolicy policy() {
            return new TransportPolicy() {
                @Override
                public boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
                    return samePd && accessBit;
                }
            };
        }
    };

    abstract TransportPolicy policy();

    /** Makes the device behind {@code transport} check keys with this bug. */
    public void install(Transport transport) {
        transport.policy(policy());
    }
}
