// drivers/infiniband/core/device.c: device and client registration
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemDevice;
import org.junit.jupiter.api.Test;

class IbCoreTest {

    private final Kernel kernel = new Kernel("host");
    private final IbCore core = new IbCore(kernel);
    private final HostMemory mem = new HostMemory();
    private final List<String> log = new ArrayList<>();

    /** A client that logs its calls; {@code addRet} is what add() returns. */
    private final class Client implements IbClient {
        private final String name;
        private final int addRet;
        private final List<Object> removedData = new ArrayList<>();

        Client(String name, int addRet) {
            this.name = name;
            this.addRet = addRet;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int add(IbDevice device) {
            log.add("add " + name + " " + device.name());
            if (addRet == 0) {
                device.setClientData(this, name + "@" + device.name());
            }
            return addRet;
        }

        @Override
        public void remove(IbDevice device, Object clientData) {
            log.add("remove " + name + " " + device.name());
            removedData.add(clientData);
        }
    }

    private IbDevice device(String name, int lid) {
        IbDevice d = MemDevice.create(core, name, mem, lid);
        kernel.runPending();
        return d;
    }

    // drivers/infiniband/core/device.c: ib_register_device, add_client_context
    @Test
    void shouldAddEveryClientToEveryDeviceWhenDevicesRegisterFirst() {
        IbDevice d0 = device("mem0", 1);
        IbDevice d1 = device("mem1", 2);
        assertEquals(0, core.registerDevice(d0));
        assertEquals(0, core.registerDevice(d1));

        assertEquals(0, core.registerClient(new Client("a", 0)));
        assertEquals(0, core.registerClient(new Client("b", 0)));

        assertEquals(List.of("add a mem0", "add a mem1", "add b mem0", "add b mem1"), log);
    }

    // drivers/infiniband/core/device.c: ib_register_client, add_client_context
    @Test
    void shouldAddEveryClientToEveryDeviceWhenClientsRegisterFirst() {
        assertEquals(0, core.registerClient(new Client("a", 0)));
        assertEquals(0, core.registerClient(new Client("b", 0)));

        assertEquals(0, core.registerDevice(device("mem0", 1)));
        assertEquals(0, core.registerDevice(device("mem1", 2)));

        assertEquals(List.of("add a mem0", "add b mem0", "add a mem1", "add b mem1"), log);
    }

    // drivers/infiniband/core/device.c: disable_device removes clients in reverse order
    @Test
    void shouldRemoveClientsInReverseRegistrationOrderOnDeviceUnregister() {
        IbDevice d0 = device("mem0", 1);
        core.registerClient(new Client("a", 0));
        core.registerDevice(d0);
        core.registerClient(new Client("b", 0));
        core.registerClient(new Client("c", 0));
        log.clear();

        core.unregisterDevice(d0);

        assertEquals(List.of("remove c mem0", "remove b mem0", "remove a mem0"), log);
        assertFalse(d0.registered());
        assertTrue(core.devices().isEmpty());
    }

    // drivers/infiniband/core/device.c: add_client_context drops a client whose add fails
    @Test
    void shouldNeverRemoveAClientWhoseAddFailed() {
        IbDevice d0 = device("mem0", 1);
        Client declines = new Client("declines", Errno.EOPNOTSUPP.negative());
        Client accepts = new Client("accepts", 0);
        core.registerClient(declines);
        core.registerClient(accepts);
        core.registerDevice(d0);

        assertNull(d0.clientData(declines));
        KernelBug bug = assertThrows(KernelBug.class, () -> d0.setClientData(declines, "late"));
        assertEquals(KernelBug.WARN_ON, bug.rule());
        log.clear();

        core.unregisterDevice(d0);
        core.unregisterClient(declines);

        assertEquals(List.of("remove accepts mem0"), log);
        assertTrue(declines.removedData.isEmpty());
    }

    // drivers/infiniband/core/device.c: ib_set_client_data, ib_get_client_data
    @Test
    void shouldKeepClientDataPerDeviceAndHandItToRemove() {
        IbDevice d0 = device("mem0", 1);
        IbDevice d1 = device("mem1", 2);
        core.registerDevice(d0);
        core.registerDevice(d1);
        Client a = new Client("a", 0);
        Client b = new Client("b", 0);
        core.registerClient(a);
        core.registerClient(b);

        assertEquals("a@mem0", d0.clientData(a));
        assertEquals("a@mem1", d1.clientData(a));
        assertEquals("b@mem0", d0.clientData(b));

        d1.setClientData(a, "changed");
        core.unregisterClient(a);

        assertEquals(List.of("a@mem0", "changed"), a.removedData);
        assertNull(d0.clientData(a));
        assertEquals("b@mem1", d1.clientData(b));
    }

    // drivers/infiniband/core/device.c: assign_name returns -ENFILE for a name in use
    @Test
    void shouldReturnEnfileForDuplicateDeviceName() {
        IbDevice first = device("mem0", 1);
        IbDevice second = device("mem0", 2);
        core.registerDevice(first);
        core.registerClient(new Client("a", 0));
        log.clear();

        int ret = core.registerDevice(second);

        assertEquals(Errno.ENFILE.negative(), ret);
        assertFalse(second.registered());
        assertEquals(List.of(first), core.devices());
        assertSame(first, core.device("mem0"));
        assertTrue(log.isEmpty(), "no client may be added to a device that failed to register");
    }

    // drivers/infiniband/core/device.c: ib_register_client of a registered client
    @Test
    void shouldReturnEexistWhenRegisteringClientTwice() {
        core.registerDevice(device("mem0", 1));
        Client a = new Client("a", 0);
        core.registerClient(a);
        log.clear();

        assertEquals(Errno.EEXIST.negative(), core.registerClient(a));

        assertEquals(List.of(a), core.clients());
        assertTrue(log.isEmpty());
    }

    // drivers/infiniband/core/device.c: ib_unregister_device; rdma_restrack_clean warns on leaks
    @Test
    void shouldWarnWhenUnregisteringDeviceWithObjectsStillAllocated() {
        IbDevice d0 = device("mem0", 1);
        core.registerDevice(d0);
        Pd pd = Pd.alloc(d0).get();
        Cq cq = Cq.create(d0, null, null, new CqInitAttr(4, 0)).get();

        KernelBug bug = assertThrows(KernelBug.class, () -> core.unregisterDevice(d0));

        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertTrue(bug.getMessage().contains("pd=1"), bug.getMessage());
        assertEquals(1, d0.liveCount(ResType.PD));
        assertEquals(1, d0.liveCount(ResType.CQ));
        assertFalse(pd.freed());
        assertFalse(cq.freed());
    }

    // drivers/infiniband/core/device.c: ib_unregister_device with nothing left behind
    @Test
    void shouldUnregisterCleanDeviceSilently() {
        IbDevice d0 = device("mem0", 1);
        core.registerDevice(d0);
        Pd pd = Pd.alloc(d0).get();
        assertEquals(0, pd.dealloc());

        core.unregisterDevice(d0);

        assertFalse(d0.registered());
        assertNull(core.device("mem0"));
    }

    /** A client whose add() does {@code inAdd}. */
    private static IbClient client(String name, java.util.function.Consumer<IbDevice> inAdd) {
        return new IbClient() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public int add(IbDevice device) {
                inAdd.accept(device);
                return 0;
            }

            @Override
            public void remove(IbDevice device, Object clientData) {
            }
        };
    }

    /**
     * A client's add runs under devices_rwsem and clients_rwsem (for write from
     * ib_register_client, for read, devices_rwsem downgraded, from ib_register_device) and the
     * device's client_data_rwsem for read: registering a client or a device from it deadlocks,
     * which lockdep reports; its remove runs with none of them, so it may.
     */
    @Test
    void shouldReportRegistrationFromAClientsAdd() {
        IbDevice d0 = device("mem0", 1);
        assertEquals(0, core.registerDevice(d0));
        IbClient nested = new Client("nested", 0);
        IbClient registersClient = client("registers a client", d -> core.registerClient(nested));

        KernelBug fromClient = assertThrows(KernelBug.class, () -> core.registerClient(registersClient));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, fromClient.rule(), fromClient.getMessage());
        assertTrue(fromClient.getMessage().contains("acquiring devices_rwsem"), fromClient.getMessage());
        assertTrue(kernel.lockdep().held().isEmpty(), "let go on the way out: " + kernel.lockdep().held());

        Kernel k2 = new Kernel("host2");
        IbCore core2 = new IbCore(k2);
        IbDevice d1 = MemDevice.create(core2, "mem1", mem, 2);
        k2.runPending();
        assertEquals(0, core2.registerClient(client("registers a device", d -> core2.registerDevice(d1))));
        IbDevice d2 = MemDevice.create(core2, "mem2", mem, 3);
        k2.runPending();
        KernelBug fromDevice = assertThrows(KernelBug.class, () -> core2.registerDevice(d2));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, fromDevice.rule(), fromDevice.getMessage());
        assertTrue(fromDevice.getMessage().contains("acquiring devices_rwsem"), fromDevice.getMessage());
        assertTrue(k2.lockdep().held().isEmpty(), "let go on the way out: " + k2.lockdep().held());
    }

    @Test
    void shouldHoldTheRegistrationLocksAcrossAddAsDeviceCDoes() {
        List<List<String>> heldInAdd = new ArrayList<>();
        assertEquals(0, core.registerClient(client("early", d -> heldInAdd.add(kernel.lockdep().held()))));
        IbDevice d0 = device("mem0", 1);
        assertEquals(0, core.registerDevice(d0));
        assertEquals(0, core.registerClient(client("late", d -> heldInAdd.add(kernel.lockdep().held()))));

        List<String> order = List.of("devices_rwsem", "clients_rwsem", "ib_device->client_data_rwsem");
        assertEquals(List.of(order, order), heldInAdd);
        assertTrue(kernel.lockdep().held().isEmpty());
    }
}
