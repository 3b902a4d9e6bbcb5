// drivers/infiniband/core/device.c: struct ib_device, ports, client data, event dispatch
package org.ibmodel.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.RwLock;
import org.ibmodel.kernel.RwSemaphore;
import org.ibmodel.kernel.Work;
import org.ibmodel.mm.HostMemory;

/** An RDMA device as ib_core sees it: a driver behind {@link DeviceOps}, ports, and clients. */
public final class IbDevice {
    private final IbCore core;
    private final RwLock cacheLock;
    private final String name;
    private final DeviceOps ops;
    private final DeviceAttr attr;
    private final HostMemory memory;
    private int index = -1;
    private final Port[] ports;
    private final Map<IbClient, Object> clientData = new IdentityHashMap<>();
    private final RwSemaphore clientDataRwsem;
    private final List<IbEventHandler> eventHandlers = new ArrayList<>();
    /**
     * event_handler_rwsem: taken for write to register or unregister a handler (it may sleep), and
     * for read while the handlers run, so that a handler that sleeps (an ib_query_port asking the
     * device) lets the next event's work run its handlers too, as ib_wq's workers may.
     */
    private final RwSemaphore eventHandlerLock;
    private final Map<ResType, Integer> live = new EnumMap<>(ResType.class);
    private boolean registered;
    private final Restrack restrack = new Restrack();
    private final long nodeGuid;
    /** ib_device.num_comp_vectors: the completion vectors a CQ may name; set by the driver. */
    private int numCompVectors = 1;

    /**
     * @param portAttrs one entry per port, numbered from 1
     * @param nodeGuid  the node GUID; port GUIDs are derived from it
     */
    public IbDevice(IbCore core, String name, DeviceOps ops, DeviceAttr attr, HostMemory memory,
            long nodeGuid, PortAttr... portAttrs) {
        if (portAttrs.length < 1) {
            throw new IllegalArgumentException(name + ": a device has at least one port");
        }
        this.core = core;
        this.name = name;
        this.ops = ops;
        this.attr = attr;
        this.memory = memory;
        this.nodeGuid = nodeGuid;
        this.eventHandlerLock = new RwSemaphore(core.kernel(), "ib_device->event_handler_rwsem");
        this.clientDataRwsem = new RwSemaphore(core.kernel(), "ib_device->client_data_rwsem");
        this.cacheLock = new RwLock(core.kernel(), "device->cache_lock");
        this.ports = new Port[portAttrs.length];
        for (int i = 0; i < portAttrs.length; i++) {
            ports[i] = new Port(this, i + 1, portAttrs[i], nodeGuid + i + 1);
        }
        for (ResType t : ResType.values()) {
            live.put(t, 0);
        }
    }

    /** ib_device.num_comp_vectors, which uverbs reports and checks CREATE_CQ against. */
    public int numCompVectors() {
        return numCompVectors;
    }

    /** The driver sets it before ib_register_device (mlx4: its completion EQs). */
    public void setNumCompVectors(int n) {
        if (n < 1) {
            throw new IllegalArgumentException(name + ": num_comp_vectors " + n);
        }
        numCompVectors = n;
    }

    public String name() {
        return name;
    }

    public IbCore core() {
        return core;
    }

    public Kernel kernel() {
        return core.kernel();
    }

    /**
     * cache_lock (drivers/infiniband/core/cache.c): guards the ports' cached P_Key tables, LMC
     * and state; readers take it with read_lock_irqsave from any context, ib_cache_update with
     * write_lock_irq.
     */
    RwLock cacheLock() {
        return cacheLock;
    }

    public DeviceOps ops() {
        return ops;
    }

    /**
     * The MAD layer's call of the driver's process_mad (ib_mad.c), for a port of this device and
     * 256-byte MADs; FAILURE, with nothing called, for anything else.
     */
    public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
        if (portNum < 1 || portNum > ports.length || inMad == null || outMad == null
                || inMad.length != MadResult.MAD_SIZE || outMad.length != MadResult.MAD_SIZE) {
            return MadResult.FAILURE;
        }
        return ops.processMad(flags, portNum, inWc, inMad, outMad);
    }

    /** ib_query_device */
    public DeviceAttr attr() {
        return attr;
    }

    /** The host memory this device reaches by DMA. */
    public HostMemory memory() {
        return memory;
    }

    /** ib_device.node_guid */
    public long nodeGuid() {
        return nodeGuid;
    }

    public int numPorts() {
        return ports.length;
    }

    /** rdma_is_port_valid */
    public boolean isPortValid(int portNum) {
        return portNum >= 1 && portNum <= ports.length;
    }

    /**
     * ib_query_port (drivers/infiniband/core/device.c): -EINVAL for a port the device does not
     * have, else whatever the driver's query_port reports now; nothing comes from the cache, so
     * counters such as bad_pkey_cntr are as live as the driver makes them. {@code out} is a new
     * PortAttr.
     */
    public int queryPort(int portNum, PortAttr out) {
        if (!isPortValid(portNum)) {
            return org.ibmodel.kernel.Errno.EINVAL.negative();
        }
        return ops.queryPort(portNum, out);
    }

    public Port port(int portNum) {
        if (!isPortValid(portNum)) {
            throw new IllegalArgumentException(name + " has no port " + portNum);
        }
        return ports[portNum - 1];
    }

    public boolean registered() {
        return registered;
    }

    void setRegistered(boolean r) {
        registered = r;
    }

    /** ib_device.index, what traces print for the device: given at registration. */
    public int index() {
        return index;
    }

    void setIndex(int i) {
        index = i;
    }

    /** ib_set_client_data */
    public void setClientData(IbClient client, Object data) {
        if (!clientData.containsKey(client)) {
            throw new KernelBug(KernelBug.WARN_ON,
                    name + ": client data set for " + client.name() + ", which is not attached");
        }
        clientData.put(client, data);
    }

    /** ib_get_client_data */
    public Object clientData(IbClient client) {
        return clientData.get(client);
    }

    boolean hasClient(IbClient client) {
        return clientData.containsKey(client);
    }

    /** device->client_data_rwsem: guards the clients' slots (device.c add_client_context). */
    RwSemaphore clientDataRwsem() {
        return clientDataRwsem;
    }

    void attachClient(IbClient client) {
        clientData.put(client, null);
    }

    Object detachClient(IbClient client) {
        return clientData.remove(client);
    }

    /** ib_register_event_handler */
    public void registerEventHandler(IbEventHandler handler) {
        eventHandlerLock.withWrite(() -> {
            eventHandlers.add(handler);
        });
    }

    /** ib_unregister_event_handler */
    public void unregisterEventHandler(IbEventHandler handler) {
        eventHandlerLock.withWrite(() -> {
            eventHandlers.remove(handler);
        });
    }

    /** drivers/infiniband/core/cache.c is_cache_update_event: the events whose work updates the cache first. */
    private static boolean isCacheUpdateEvent(IbEventType type) {
        return switch (type) {
            case PORT_ERR, PORT_ACTIVE, LID_CHANGE, PKEY_CHANGE, CLIENT_REREGISTER, GID_CHANGE -> true;
            default -> false;
        };
    }

    /**
     * ib_dispatch_event: device and port events reach the registered handlers from a work item
     * on ib_wq, in process context, after the cache has been updated
     * (drivers/infiniband/core/cache.c ib_cache_event_task; ib_generic_event_task for the rest).
     * IB_EVENT_GID_CHANGE only updates the cache: ib_cache_event_task leaves it to
     * dispatch_gid_change_event, which only the RoCE GID table's adds and deletes call, so on an
     * InfiniBand port no client hears of it.
     */
    public void dispatchEvent(IbEvent event) {
        if (event.event().scope() != IbEventType.Scope.PORT
                && event.event().scope() != IbEventType.Scope.DEVICE) {
            throw new IllegalArgumentException("ib_dispatch_event takes port and device events, not " + event);
        }
        // Before registration nobody can have seen the device; the change is only cached.
        if (!registered) {
            return;
        }
        boolean cacheUpdate = isCacheUpdateEvent(event.event());
        core.ibWq().queueWork(new Work(cacheUpdate ? "ib_cache_event_task" : "ib_generic_event_task", () -> {
            if (event.event() == IbEventType.GID_CHANGE) {
                return;
            }
            // ib_dispatch_event_clients: the handlers run under down_read, so one that unregisters
            // itself deadlocks, as in the kernel; another event's work may run them meanwhile.
            eventHandlerLock.withRead(() -> {
                for (IbEventHandler h : List.copyOf(eventHandlers)) {
                    h.handle(event);
                }
            });
        }));
    }

    /** How many objects of a kind are live on this device (rdma_restrack). */
    public int liveCount(ResType type) {
        return live.get(type);
    }

    public int liveTotal() {
        int n = 0;
        for (int v : live.values()) {
            n += v;
        }
        return n;
    }

    void track(ResType type) {
        live.merge(type, 1, Integer::sum);
    }

    void untrack(ResType type) {
        int n = live.merge(type, -1, Integer::sum);
        if (n < 0) {
            throw new KernelBug(KernelBug.WARN_ON, name + ": " + type + " count went negative");
        }
    }

    /** rdma_restrack: the ids of this device's objects. */
    Restrack restrack() {
        return restrack;
    }

    /** A summary like {@code pd=1 cq=2 qp=0 ...} for leak reports. */
    public String liveSummary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<ResType, Integer> e : live.entrySet()) {
            sb.append(sb.length() > 0 ? " " : "").append(e.getKey().name().toLowerCase()).append('=').append(e.getValue());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}
