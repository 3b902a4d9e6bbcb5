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
 * One host as user processes see it: a kernel, its memory, ib_core with one device (made by a
 * factory, or registered already by a driver's probe), and the uverbs client, whose first
 * character device is {@link #uverbs0()}. Deferred kernel work runs only in {@link #run()}.
 */
public final class UverbsHost {
    /** The pages one process may map by default (64 MiB). */
    public static final int MAX_PAGES = 16384;

    private final Kernel kernel;
    private final HostMemory memory;
    private final IbCore core;
    private final IbDevice device;
    private final UverbsDevice uverbs0;
    private Uverbs uverbs;
    private final Runnable run;

    public UverbsHost(BiFunction<IbCore, HostMemory, IbDevice> deviceFactory, UobjectPolicy policy) {
        kernel = new Kernel("host");
        memory = new HostMemory();
        core = new IbCore(kernel);
        run = kernel::runPending;
        device = deviceFactory.apply(core, memory);
        if (core.registerDevice(device) != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "cannot register " + device);
        }
        uverbs0 = addUverbs(policy);
    }

    /**
     * A host whose {@code device} a driver has registered with {@code core} already; {@code run}
     * is what happens between syscalls (a simulated world settling, its devices included).
     */
    public UverbsHost(IbCore core, HostMemory memory, IbDevice device, UobjectPolicy policy, Runnable run) {
        this.kernel = core.kernel();
        this.memory = memory;
        this.core = core;
        this.device = device;
        this.run = run;
        uverbs0 = addUverbs(policy);
    }

    private UverbsDevice addUverbs(UobjectPolicy policy) {
        uverbs = new Uverbs(policy);
        core.registerClient(uverbs);
        run.run();
        return uverbs.device("uverbs0");
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

    /** The uverbs client, whose character devices come and go with ib_core's devices. */
    public Uverbs uverbs() {
        return uverbs;
    }

    public IbCore core() {
        return core;
    }

    /** A new process with an empty address space. */
    public Task spawn(String name) {
        return new Task(name, new UserAddressSpace(memory, MAX_PAGES));
    }

    /** What the CPU does when a syscall returns: softirqs, interrupts and work items run. */
    public void run() {
        run.run();
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
