// include/linux/msi.h: an MSI-X message is a posted write the host turns into an interrupt
package org.ibmodel.sim.device;

/**
 * Where the device's MSI-X messages go: the host they are plugged into delivers each one later,
 * in hard-interrupt context. The device never runs a host handler itself.
 */
@FunctionalInterface
public interface IrqLine {
    /**
     * Wires one vector, named {@code label}: each run of the returned message makes the host run
     * {@code handler} once, later, in hard-interrupt context.
     */
    Runnable connect(String label, Runnable handler);
}
