// drivers/infiniband/core/device.c: device and client registration
package org.ibmodel.core;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.RwSemaphore;
import org.ibmodel.kernel.Workqueue;

/**
 * ib_core of one kernel: the registered devices and clients. Every (client, device) pair gets
 * {@code add} whichever registers first; removal runs clients in reverse registration order.
 * A client's {@code add} runs with devices_rwsem and clients_rwsem held, for write when the
 * client registers and for read when a device does, and the device's client_data_rwsem held for
 * read; its {@code remove} with none of them (device.c).
 */
public final class IbCore {
    private final Kernel kernel;
    private final RwSemaphore devicesRwsem;
    private final RwSemaphore clientsRwsem;
    private final List<IbDevice> devices = new ArrayList<>();
    private final List<IbClient> clients = new ArrayList<>();
    private final Workqueue ibWq;
    private final Workqueue compWq;
    private final Workqueue compUnboundWq;
    private Tracer tracer;
    /**
     * device.c's devices xarray: the last index assign_name handed out. xa_alloc_cyclic counts up
     * from 0 and only wraps past 2^31, so each registration, a device's next one too, gets the
     * next number.
     */
    private int lastIndex = -1;

    public IbCore(Kernel kernel) {
        this.kernel = kernel;
        this.devicesRwsem = new RwSemaphore(kernel, "devices_rwsem");
        this.clientsRwsem = new RwSemaphore(kernel, "clients_rwsem");
        // drivers/infiniband/core/device.c ib_core_init: a per-CPU queue, and the two completion
        // queues, high priority, the second unbound.
        this.ibWq = kernel.allocWorkqueue("infiniband");
        this.compWq = kernel.allocWorkqueue("ib-comp-wq", Workqueue.WQ_HIGHPRI | Workqueue.WQ_MEM_RECLAIM);
        this.compUnboundWq = kernel.allocWorkqueue("ib-comp-unb-wq",
                Workqueue.WQ_UNBOUND | Workqueue.WQ_HIGHPRI | Workqueue.WQ_MEM_RECLAIM);
    }

    public Kernel kernel() {
        return kernel;
    }

    /** The tracer attached to this kernel, or null when tracing is off. */
    public Tracer tracer() {
        return tracer;
    }

    /** Attaches a tracer (null detaches): the rdma_core tracepoints fire into it. */
    public void tracer(Tracer t) {
        tracer = t;
    }

    /** ib_wq: events and other deferred ib_core work. */
    public Workqueue ibWq() {
        return ibWq;
    }

    Workqueue compWq(PollContext ctx) {
        return ctx == PollContext.UNBOUND_WORKQUEUE ? compUnboundWq : compWq;
    }

    public List<IbDevice> devices() {
        return List.copyOf(devices);
    }

    public List<IbClient> clients() {
        return List.copyOf(clients);
    }

    /** ib_device_get_by_name */
    public IbDevice device(String name) {
        for (IbDevice d : devices) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * ib_register_device: -ENFILE when the name is taken, -EEXIST when already registered. Then
     * enable_device_and_get: marked registered under devices_rwsem, which is downgraded to a read
     * hold for the clients' add calls, made under clients_rwsem for read.
     */
    public int registerDevice(IbDevice device) {
        kernel.mightSleep();
        devicesRwsem.downWrite();
        if (device.registered()) {
            devicesRwsem.upWrite();
            return Errno.EEXIST.negative();
        }
        if (device(device.name()) != null) {
            devicesRwsem.upWrite();
            return Errno.ENFILE.negative();
        }
        devices.add(device);
        device.setRegistered(true);
        device.setIndex(++lastIndex);
        devicesRwsem.downgradeWrite();
        try {
            clientsRwsem.withRead(() -> {
                for (IbClient c : List.copyOf(clients)) {
                    addClientContext(device, c);
                }
            });
        } finally {
            devicesRwsem.upRead();
        }
        return 0;
    }

    /**
     * ib_unregister_device: remove every client in reverse order; whatever they leave behind is
     * a leak the kernel reports (rdma_restrack_clean).
     */
    public void unregisterDevice(IbDevice device) {
        kernel.mightSleep();
        if (!device.registered()) {
            throw new KernelBug(KernelBug.WARN_ON, device.name() + ": unregister of a device that is not registered");
        }
        // disable_device reads the clients under clients_rwsem, then removes them with no lock held.
        List<IbClient> snapshot = new ArrayList<>();
        clientsRwsem.withRead(() -> snapshot.addAll(clients));
        for (int i = snapshot.size() - 1; i >= 0; i--) {
            removeClientContext(device, snapshot.get(i));
        }
        devicesRwsem.withWrite(() -> {
            devices.remove(device);
            device.setRegistered(false);
        });
        if (device.liveTotal() != 0) {
            throw new KernelBug(KernelBug.WARN_ON, device.name()
                    + ": objects still allocated at unregistration: " + device.liveSummary());
        }
    }

    /**
     * ib_register_client: -EEXIST when the client is already registered. devices_rwsem and
     * clients_rwsem are held for write across the add calls, so that a device registering at
     * the same time sees the client and the devices consistently.
     */
    public int registerClient(IbClient client) {
        kernel.mightSleep();
        devicesRwsem.downWrite();
        clientsRwsem.downWrite();
        try {
            if (clients.contains(client)) {
                return Errno.EEXIST.negative();
            }
            clients.add(client);
            for (IbDevice d : List.copyOf(devices)) {
                addClientContext(d, client);
            }
            return 0;
        } finally {
            clientsRwsem.upWrite();
            devicesRwsem.upWrite();
        }
    }

    /** ib_unregister_client: {@code remove} on every device the client was added to. */
    public void unregisterClient(IbClient client) {
        kernel.mightSleep();
        boolean[] known = {false};
        clientsRwsem.withRead(() -> known[0] = clients.contains(client));
        if (!known[0]) {
            throw new KernelBug(KernelBug.WARN_ON, "unregister of client " + client.name() + ", which is not registered");
        }
        // "We do not want to have locks while calling client->remove()": the devices are walked
        // under RCU there.
        for (IbDevice d : List.copyOf(devices)) {
            removeClientContext(d, client);
        }
        clientsRwsem.withWrite(() -> {
            clients.remove(client);
        });
    }

    /**
     * add_client_context: the client's slot made under the device's client_data_rwsem, which is
     * downgraded to a read hold for the add call.
     */
    private void addClientContext(IbDevice device, IbClient client) {
        RwSemaphore rwsem = device.clientDataRwsem();
        rwsem.downWrite();
        device.attachClient(client);
        rwsem.downgradeWrite();
        try {
            if (client.add(device) != 0) {
                // A client that declines a device gets no further calls for it.
                device.detachClient(client);
            }
        } finally {
            rwsem.upRead();
        }
    }

    private void removeClientContext(IbDevice device, IbClient client) {
        if (!device.hasClient(client)) {
            return;
        }
        Object data = device.clientData(client);
        client.remove(device, data);
        device.detachClient(client);
    }
}
