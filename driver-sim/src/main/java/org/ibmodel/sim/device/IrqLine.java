// include/linux/msi.h: an MSI-X message is a posted write the host turns into an interrupt
package org.ibmodel.sim.device;

/**
 * Where the device's MSI-X messages go: the host they are plugged into delivers {@code handler}
 * later, in hard-interrupt context. The device never runs a host handler itself.
 */
@FunctionalInterface
public interface IrqLine {
    void raise(String label, Runnable handler);
}
