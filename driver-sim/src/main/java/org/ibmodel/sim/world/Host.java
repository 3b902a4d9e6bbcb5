// One machine of the simulated world: a kernel, its memory, ib_core and the PCI devices in it
package org.ibmodel.sim.world;

import org.ibmodel.sim.sched.Scheduler;
import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbCore;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.TimerBase;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.IrqLine;
import org.ibmodel.sim.sched.DelayLine;
import org.ibmodel.sim.device.TransportStage;

/**
 * A host: one {@link Kernel} with its {@link HostMemory} and {@link IbCore}, and the devices
 * plugged into it. An interrupt is an event on the world's scheduler that runs the handler in
 * HARDIRQ and then the deferred work it raised, as irq_exit runs softirqs. A task that sleeps
 * here lets the world take a step, so a device can answer it.
 */
public final class Host {
    /** Time from an MSI-X write to the handler running. */
    public static final long IRQ_LATENCY_NS = 500;

    private final String name;
    private final Scheduler scheduler;
    private final Kernel kernel;
    private final HostMemory memory = new HostMemory();
    private final IbCore core;
    private final List<Hca> hcas = new ArrayList<>();
    private final List<HcaDriver> drivers = new ArrayList<>();
    /** Interrupt event labels by vector label, made once: every interrupt is a scheduler event. */

    public Host(String name, Scheduler scheduler) {
        this.name = name;
        this.scheduler = scheduler;
        this.kernel = new Kernel(name);
        this.core = new IbCore(kernel);
        // A sleeping task waits for something other than a timer (but its own timeout): with only
        // timers left there is nothing it can wait for, and it must not sleep through them for ever.
        kernel.setElsewhere(() -> scheduler.pendingForeground() > 0 && scheduler.runNext());
        kernel.setTimerBase(new TimerBase() {
            @Override
            public Event event(String timer, Runnable expiry) {
                return wrap(scheduler.backgroundEvent(timer, expiry));
            }

            @Override
            public long nowNs() {
                return scheduler.now();
            }

            @Override
            public Event timeout(String timer, Runnable expiry) {
                // A task sleeps on it: the world must run up to it.
                return wrap(scheduler.event(timer, expiry));
            }
        });
    }

    private static TimerBase.Event wrap(Scheduler.Handle h) {
        return new TimerBase.Event() {
            @Override
            public void arm(long delayNs) {
                h.arm(delayNs);
            }

            @Override
            public boolean cancel() {
                return h.cancel();
            }
        };
    }

    public String name() {
        return name;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public Kernel kernel() {
        return kernel;
    }

    public HostMemory memory() {
        return memory;
    }

    public IbCore core() {
        return core;
    }

    /** Where the MSI-X messages of this host's devices go. */
    public IrqLine irqLine() {
        return (label, handler) -> {
            // Every message of a vector takes the same latency, so they arrive in order.
            DelayLine<Runnable> line = new DelayLine<>(scheduler, name + " irq " + label, (h, tag) -> interrupt(h));
            return () -> line.add(scheduler.now() + IRQ_LATENCY_NS, handler, 0);
        };
    }

    private void interrupt(Runnable handler) {
        kernel.runIn(ExecContext.HARDIRQ, handler);
        kernel.runPending();
    }

    /** Plugs an HCA into the next PCI slot. */
    public Hca plugHca(DevCaps caps, TransportStage stage) {
        Hca hca = new Hca(String.format("0000:%02x:00.0", 3 + hcas.size()), memory, scheduler, irqLine(), caps, stage);
        hcas.add(hca);
        return hca;
    }

    public Hca hca(int i) {
        return hcas.get(i);
    }

    /** Loads the HCA driver for {@code hca}: probe, then registration with ib_core. */
    public int loadDriver(Hca hca, String devName) {
        return loadDriver(hca, devName, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #loadDriver(Hca, String)}, with {@code decorate} between ib_core and the driver. */
    public int loadDriver(Hca hca, String devName,
            java.util.function.UnaryOperator<org.ibmodel.core.DeviceOps> decorate) {
        HcaDriver d = new HcaDriver(core, hca, devName, decorate);
        int ret = d.probe();
        if (ret == 0) {
            drivers.add(d);
        }
        return ret;
    }

    public HcaDriver driver(int i) {
        return drivers.get(i);
    }

    /**
     * Runs the world and this kernel's deferred work until neither has anything left: what a
     * test does instead of sleeping.
     */
    public void settle() {
        while (true) {
            boolean ran = kernel.runPending();
            long events = scheduler.runUntilIdle(1_000_000);
            if (!ran && events == 0) {
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "Host[" + name + "]";
    }
}
