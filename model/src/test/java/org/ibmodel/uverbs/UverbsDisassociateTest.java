// drivers/infiniband/core/uverbs_main.c (ib_uverbs_remove_one, ib_uverbs_free_hw_resources),
// rdma_core.c (uverbs_destroy_ufile_hw with RDMA_REMOVE_DRIVER_REMOVE, rdma_lookup_get_uobject),
// uverbs_std_types_async_fd.c (uverbs_async_event_destroy_uobj)
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.QpType;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.AsyncEventDesc;
import org.junit.jupiter.api.Test;

/**
 * A device removed while a process has it open. A driver with disassociate_ucontext lets uverbs
 * take the device away: every object the file made is destroyed at once, the file stays open,
 * its async event file says IB_EVENT_DEVICE_FATAL, every command but a destroy fails, and a
 * destroy succeeds so that the process can clean up. Without it, the kernel would wait for the
 * files to close.
 */
class UverbsDisassociateTest {
    static final long RESP = OneProcess.RESP;
    static final long BUF = 0x12000;

    /** MemDevice as a driver that has disassociate_ucontext. */
    static DeviceOps disassociating(DeviceOps real) {
        return new ForwardingDeviceOps(real) {
            @Override
            public boolean hasDisassociateUcontext() {
                return true;
            }
        };
    }

    final OneProcess t = new OneProcess(UverbsDisassociateTest::disassociating);
    final UverbsHost host = t.host;
    final Task p = t.p;
    final int fd = t.fd;

    long w(byte[] cmd) {
        return t.w(cmd);
    }

    int u32(int off) {
        return t.u32(off);
    }

    int made(byte[] cmd) {
        assertTrue(w(cmd) > 0, "command failed before the removal");
        return u32(0);
    }

    @Test
    void shouldDestroyEverythingAndLeaveOnlyDestroyToTheProcess() {
        int asyncFd = made(Commands.getContext(RESP));
        int ch = made(Commands.createCompChannel(RESP));
        int pd = made(Commands.allocPd(RESP));
        int cq = made(Commands.createCq(RESP, 0xc0ffee, 8, ch));
        int qp = made(Commands.createQp(RESP, 7, pd, cq, cq, -1, QpType.RC.value(), 4, 1));
        assertTrue(w(Commands.regMr(RESP, pd, BUF, 4096, BUF, AccessFlags.LOCAL_WRITE)) > 0);
        int mr = u32(0);
        int lkey = u32(4);
        assertEquals(1, p.mm().pinCount() > 0 ? 1 : 0, "the MR pinned its page");
        assertEquals(1, p.mm().pinnedVm(), "and charged it to pinned_vm");
        IbDevice dev = host.device();
        UverbsFile file = host.uverbs0().openFiles().get(0);

        host.core().unregisterDevice(dev);
        host.run();

        assertEquals(0, dev.liveTotal(), "every object destroyed: " + dev.liveSummary());
        assertEquals(0, p.mm().pinCount(), "the MR's pages unpinned");
        assertEquals(0, p.mm().pinnedVm(), "and uncharged (ib_umem_release)");
        assertTrue(host.uverbs0().disassociated());
        assertFalse(file.hasContext(), "the context went too (ufile_destroy_ucontext)");
        assertFalse(file.released(), "but the file is open");
        assertTrue(host.uverbs0().openFiles().isEmpty(), "the file left the device's list");
        assertNull(host.uverbs().device("uverbs0"), "no new open of the character device");
        assertEquals(Errno.EIO.negative(), host.uverbs0().open(p), "nor through a node still held");

        // The async event file outlives the device to say so; the completion channel closed.
        OpenFile.ReadResult ev = p.read(asyncFd, AsyncEventDesc.SIZE);
        assertEquals(AsyncEventDesc.SIZE, ev.ret());
        AsyncEventDesc d = new AsyncEventDesc(ev.data(), 0);
        assertEquals(IbEventType.DEVICE_FATAL.ordinal(), d.eventType());
        assertEquals(0, d.element());
        assertEquals(0, p.fcntl(asyncFd, Task.F_SETFL, OpenFile.O_NONBLOCK));
        assertEquals(Errno.EAGAIN.negative(), p.read(asyncFd, AsyncEventDesc.SIZE).ret(), "nothing more");
        assertEquals(0, p.poll(asyncFd, OpenFile.POLLIN), "and the async queue stays open");
        assertEquals(Errno.EIO.negative(), p.read(ch, 8).ret(), "the completion channel is closed");
        assertEquals(OpenFile.POLLERR, p.poll(ch, OpenFile.POLLIN), "ib_uverbs_event_poll on a closed queue");

        // Commands: -EIO, where the context is needed and where an object is named
        // (rdma_lookup_get_uobject, passed on since Linux 6.15).
        assertEquals(Errno.EIO.negative(), w(Commands.getContext(RESP)));
        assertEquals(Errno.EIO.negative(), w(Commands.queryDevice(RESP)));
        assertEquals(Errno.EIO.negative(), w(Commands.queryPort(RESP, 1)));
        assertEquals(Errno.EIO.negative(), w(Commands.allocPd(RESP)));
        assertEquals(Errno.EIO.negative(), w(Commands.createCompChannel(RESP)));
        assertEquals(Errno.EIO.negative(), w(Commands.pollCq(RESP, cq, 1)));
        assertEquals(Errno.EIO.negative(), w(Commands.postSend(RESP, qp, 1, WrOpcode.SEND.value(), BUF, 8, lkey)));
        assertEquals(Errno.EIO.negative(), w(Commands.queryQp(RESP, qp, 0)));
        // The handle is looked up and its type checked first: -ENOENT and -EINVAL come before -EIO.
        assertEquals(Errno.ENOENT.negative(), w(Commands.pollCq(RESP, cq + 100, 1)), "a handle never given");
        assertEquals(Errno.EINVAL.negative(), w(Commands.pollCq(RESP, qp, 1)), "a QP's handle is no CQ");

        // Destroying frees the handles left behind, once each, and only as their own type.
        assertEquals(Errno.EINVAL.negative(), w(Commands.destroyCq(RESP, qp)), "a QP's handle is no CQ");
        assertTrue(w(Commands.destroyQp(RESP, qp)) > 0, "destroy QP");
        assertEquals(Errno.ENOENT.negative(), w(Commands.destroyQp(RESP, qp)), "and only once");
        assertTrue(w(Commands.deregMr(mr)) > 0, "dereg MR");
        assertEquals(0, p.mm().pinnedVm(), "the remnant's destroy gives nothing back twice");
        assertTrue(w(Commands.destroyCq(RESP, cq)) > 0, "destroy CQ");
        assertTrue(w(Commands.deallocPd(pd)) > 0, "dealloc PD");
        assertEquals(Errno.ENOENT.negative(), w(Commands.deallocPd(pd + 100)), "a handle never given");

        // The next device takes the free number; closing the old file finds nothing left.
        IbDevice next = MemDevice.create(host.core(), "mem1", host.memory(), 2);
        assertEquals(0, host.core().registerDevice(next));
        host.run();
        UverbsDevice again = host.uverbs().device("uverbs0");
        assertNotNull(again, "uverbs0 again");
        assertEquals("mem1", again.ibDevice().name());
        p.close(fd);
        p.close(ch);
        p.close(asyncFd);
        host.run();
        assertFalse(again.disassociated());
    }

    @Test
    void shouldTakeTheDeviceFromAFileThatHadNoContextYet() {
        host.core().unregisterDevice(host.device());
        host.run();
        assertTrue(host.uverbs0().disassociated(), "an open file is enough");
        assertEquals(Errno.EIO.negative(), w(Commands.getContext(RESP)), "ib_alloc_ucontext finds no device");
        assertEquals(Errno.EIO.negative(), w(Commands.allocPd(RESP)));
        p.close(fd);
    }

    @Test
    void shouldRefuseToTakeADeviceFromOpenFilesWithoutDisassociateUcontext() {
        UverbsHost plain = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1));
        Task q = plain.spawn("q");
        plain.uverbs0().open(q);
        KernelBug bug = assertThrows(KernelBug.class, () -> plain.core().unregisterDevice(plain.device()));
        assertTrue(bug.getMessage().contains("waits for ever"), bug.getMessage());
    }
}
