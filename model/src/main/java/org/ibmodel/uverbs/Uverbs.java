// drivers/infiniband/core/uverbs_main.c: ib_uverbs_client, ib_uverbs_add_one, ib_uverbs_remove_one
package org.ibmodel.uverbs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.ibmodel.core.IbClient;
import org.ibmodel.core.IbDevice;
import org.ibmodel.kernel.KernelBug;

/**
 * The uverbs ib_core client: every registered device gets a character device uverbsN, numbered
 * in the order devices appear (the kernel's dev_map bitmap gives the lowest free number).
 */
public final class Uverbs implements IbClient {
    private final UobjectPolicy policy;
    private final Map<String, UverbsDevice> devices = new LinkedHashMap<>();
    private final boolean[] used = new boolean[64];

    public Uverbs() {
        this(UobjectPolicy.KERNEL);
    }

    /** With a different ownership policy, for the mutation tests of the uverbs checkers. */
    public Uverbs(UobjectPolicy policy) {
        this.policy = policy;
    }

    @Override
    public String name() {
        return "uverbs";
    }

    @Override
    public int add(IbDevice device) {
        int n = 0;
        while (n < used.length && used[n]) {
            n++;
        }
        if (n == used.length) {
            return org.ibmodel.kernel.Errno.ENOMEM.negative();
        }
        used[n] = true;
        UverbsDevice ud = new UverbsDevice("uverbs" + n, device, policy);
        devices.put(ud.name(), ud);
        device.setClientData(this, ud);
        return 0;
    }

    @Override
    public void remove(IbDevice device, Object clientData) {
        UverbsDevice ud = (UverbsDevice) clientData;
        boolean open = !ud.openFiles().isEmpty();
        if (open && !device.ops().hasDisassociateUcontext()) {
            // ib_uverbs_remove_one would wait for every file to close, and nothing else could
            // run to close them.
            throw new KernelBug(KernelBug.WARN_ON, ud.name() + " removed with files open and a driver that"
                    + " cannot disassociate them: ib_uverbs_remove_one waits for ever");
        }
        // cdev_device_del and ida_free: no new open, and the number is free for the next device.
        devices.remove(ud.name());
        used[Integer.parseInt(ud.name().substring("uverbs".length()))] = false;
        if (open) {
            ud.freeHwResources();
        }
    }

    /** The character device by name (uverbs0, ...), or null. */
    public UverbsDevice device(String name) {
        return devices.get(name);
    }
}
