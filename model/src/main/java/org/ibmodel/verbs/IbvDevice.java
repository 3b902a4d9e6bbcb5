// libibverbs/device.c, libibverbs/init.c: struct ibv_device as ibv_get_device_list finds it
package org.ibmodel.verbs;

/**
 * One /sys/class/infiniband_verbs/uverbsN entry: the uverbs name, the ib_core device name it
 * serves (the sysfs {@code ibdev} file) and the character device node to open.
 */
public record IbvDevice(String devName, String name, DevNode node) {
    /** ibv_get_device_name */
    public String getName() {
        return name;
    }
}
