package org.ibmodel.uverbs;

import java.util.function.BiFunction;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.mm.UserAddressSpace;

/**
 * One host as user processes see it: a kernel, its memory, ib_core with one device made by a
 * factory (any ib_core device), and the uverbs client, whose first character device is
 * {@link #uverbs0()}. Deferred kernel work runs only in {@link #run()}.
 */
public final class UverbsHost {
    /** The pages one process may map by default (64 MiB). */
    public static final int MAX_PAGES = 16384;

    private final Kernel kernel = new Kernel("host");
    private final HostMemory memory = new HostMemory();
    private final IbCore core = new IbCore(kernel);
    private final IbDevice device;
    private final UverbsDevice uverbs0;

    public UverbsHost(BiFunction<IbCore, HostMemory, IbDevice> deviceFactory, UobjectPolicy policy) {
        device = deviceFactory.apply(core, memory);
        if (core.registerDevice(device) != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "cannot register " + device);
        }
        Uverbs uverbs = new Uverbs(policy);
        core.registerClient(uverbs);
        kernel.runPending();
        uverbs0 = uverbs.device("uverbs0");
    }

    public UverbsHost(BiFunction<IbCore, HostMemory, IbDevice> deviceFactory) {
        this(deviceFactory, UobjectPolicy.KERNEL);
    }

    public Kernel kernel() {
        return kernel;
    }

    public HostMemory memory() {
        return memory;
    }

    public IbDevice device() {
        return device;
    }

    public UverbsDevice uverbs0() {
        return uverbs0;
    }

    /** A new process with an empty address space. */
    public Task spawn(String name) {
        return new Task(name, new UserAddressSpace(memory, MAX_PAGES));
    }

    /** What the CPU does when a syscall returns: softirqs, interrupts and work items run. */
    public void run() {
        kernel.runPending();
    }

    /**
     * Null when the device's object counts equal the sum over open uverbs files for every kind,
     * else what differs.
     */
    public String accountingError() {
        for (ResType t : ResType.values()) {
            if (device.liveCount(t) != uverbs0.liveCountOverFiles(t)) {
                return t + ": device has " + device.liveCount(t) + ", open files own "
                        + uverbs0.liveCountOverFiles(t);
            }
        }
        return null;
    }
}
