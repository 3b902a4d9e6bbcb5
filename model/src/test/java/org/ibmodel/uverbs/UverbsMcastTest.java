// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_attach_mcast / ib_uverbs_detach_mcast, and
// uverbs_std_types_qp.c uverbs_free_qp's handling of a QP's attachments
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.Le;
import org.junit.jupiter.api.Test;

/**
 * ATTACH_MCAST and DETACH_MCAST on a device whose driver has multicast (a recording double over
 * the in-memory device): what reaches ib_attach_mcast and ib_detach_mcast, the attachments a QP
 * keeps, DESTROY_QP refused while it has any, and closing the file detaching them.
 */
class UverbsMcastTest {
    static final long MEM = 0x10000;
    static final long RESP = 0x10000;
    static final int MLID = 0xC00A;

    /** "attach qpn gid lid" and "detach qpn gid lid", in the order the driver saw them. */
    final List<String> calls = new ArrayList<>();
    final UverbsHost host = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1, this::withMulticast));
    final Task p = host.spawn("p1");
    final int fd;

    UverbsMcastTest() {
        assertEquals(MEM, p.mm().mmap(MEM, 0x10000));
        fd = host.uverbs0().open(p);
    }

    private DeviceOps withMulticast(DeviceOps real) {
        return new ForwardingDeviceOps(real) {
            @Override
            public boolean hasMulticast() {
                return true;
            }

            @Override
            public int attachMcast(Qp qp, byte[] gid, int lid) {
                calls.add("attach " + qp.qpNum() + " " + HexFormat.of().formatHex(gid) + " " + Integer.toHexString(lid));
                return 0;
            }

            @Override
            public int detachMcast(Qp qp, byte[] gid, int lid) {
                calls.add("detach " + qp.qpNum() + " " + HexFormat.of().formatHex(gid) + " " + Integer.toHexString(lid));
                return 0;
            }
        };
    }

    static byte[] mgid(int low) {
        byte[] g = new byte[16];
        g[0] = (byte) 0xff;
        g[1] = 0x12;
        g[15] = (byte) low;
        return g;
    }

    long w(byte[] cmd) {
        long r = p.write(fd, cmd);
        host.run();
        return r;
    }

    int u32(int off) {
        byte[] b = new byte[4];
        assertEquals(0, p.mm().copyFromUser(b, 0, RESP + off, 4));
        return Le.u32(b, 0);
    }

    /** A context, a PD, a CQ and a QP of {@code type}: the QP's handle. */
    int qp(QpType type) {
        byte[] c = Commands.getContext(RESP);
        if (!host.uverbs0().openFiles().get(0).hasContext()) {
            assertEquals(c.length, w(c));
        }
        assertTrue(w(Commands.allocPd(RESP)) > 0);
        int pd = u32(0);
        assertTrue(w(Commands.createCq(RESP, 1, 4, -1)) > 0);
        int cq = u32(0);
        assertTrue(w(Commands.createQp(RESP, 7, pd, cq, cq, -1, type.value(), 4, 1)) > 0);
        return u32(0);
    }

    long ok(byte[] cmd) {
        return cmd.length;
    }

    @Test
    void shouldAttachOnceAndRefuseToDestroyUntilDetached() {
        int qp = qp(QpType.UD);
        byte[] attach = Commands.attachMcast(qp, mgid(1), MLID);
        assertEquals(ok(attach), w(attach));
        assertEquals(ok(attach), w(attach), "the same attachment again is 0");
        assertEquals(1, calls.size(), "and reaches the driver once: " + calls);
        assertTrue(calls.get(0).startsWith("attach ") && calls.get(0).endsWith(" ff12" + "0".repeat(26) + "01 c00a"),
                calls.get(0));
        assertEquals(Errno.EBUSY.negative(), w(Commands.destroyQp(RESP, qp)), "uverbs_free_qp with attachments");
        byte[] detach = Commands.detachMcast(qp, mgid(1), MLID);
        assertEquals(ok(detach), w(detach));
        assertEquals(Errno.EINVAL.negative(), w(detach), "an attachment the QP no longer has");
        assertEquals(Errno.EINVAL.negative(), w(Commands.detachMcast(qp, mgid(1), MLID + 1)), "another LID");
        assertEquals(2, calls.size(), calls.toString());
        assertTrue(w(Commands.destroyQp(RESP, qp)) > 0, "destroyed once detached");
    }

    @Test
    void shouldRefuseWhatIbCoreRefusesAndHandlesNamingNoQp() {
        int ud = qp(QpType.UD);
        int rc = qp(QpType.RC);
        assertEquals(Errno.EINVAL.negative(), w(Commands.attachMcast(rc, mgid(1), MLID)), "an RC QP");
        byte[] unicast = mgid(1);
        unicast[0] = (byte) 0xfe;
        assertEquals(Errno.EINVAL.negative(), w(Commands.attachMcast(ud, unicast, MLID)), "a unicast GID");
        assertEquals(Errno.EINVAL.negative(), w(Commands.attachMcast(ud, mgid(1), 0x0042)), "a unicast LID");
        assertEquals(Errno.ENOENT.negative(), w(Commands.attachMcast(ud + 40, mgid(1), MLID)), "no such QP");
        assertEquals(Errno.ENOENT.negative(), w(Commands.detachMcast(ud + 40, mgid(1), MLID)), "no such QP");
        assertTrue(calls.isEmpty(), calls.toString());
    }

    /**
     * The kernel's own trap, reproduced: uverbs keys a QP's attachments by MGID and MLID, drivers
     * key their tables by MGID alone (mthca_mcg.c, mlx4 mcg.c, rxe_mcast.c each answer a second
     * attach of a member with 0). Attaching one MGID under two MLIDs so holds the QP twice for one
     * membership; on close ib_uverbs_detach_umcast's second detach fails unheard, ib_destroy_qp
     * answers -EBUSY, and uverbs_destroy_ufile_hw WARNs with the QP still there.
     */
    @Test
    void shouldWarnOnCloseAfterOneMgidWasAttachedUnderTwoMlidsAsTheKernelDoes() {
        java.util.Set<String> members = new java.util.HashSet<>();
        UverbsHost gidKeyed = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1,
                real -> new ForwardingDeviceOps(real) {
                    @Override
                    public boolean hasMulticast() {
                        return true;
                    }

                    @Override
                    public int attachMcast(Qp qp, byte[] gid, int lid) {
                        members.add(qp.qpNum() + HexFormat.of().formatHex(gid));
                        return 0;
                    }

                    @Override
                    public int detachMcast(Qp qp, byte[] gid, int lid) {
                        return members.remove(qp.qpNum() + HexFormat.of().formatHex(gid)) ? 0 : Errno.EINVAL.negative();
                    }
                }));
        Task q = gidKeyed.spawn("p1");
        assertEquals(MEM, q.mm().mmap(MEM, 0x10000));
        int f = gidKeyed.uverbs0().open(q);
        int qp = attachedUdQp(q, f);
        assertTrue(q.write(f, Commands.attachMcast(qp, mgid(1), MLID + 1)) > 0, "another MLID: uverbs asks again");
        org.ibmodel.kernel.KernelBug warn = org.junit.jupiter.api.Assertions.assertThrows(
                org.ibmodel.kernel.KernelBug.class, () -> q.close(f));
        assertTrue(warn.getMessage().contains("cannot destroy") && warn.getMessage().contains("QP"), warn.getMessage());
    }

    /**
     * The kernel's other trap: ib_uverbs_detach_mcast drops its record of the attachment before
     * it asks the driver to detach (uverbs_cmd.c), so a detach the driver refuses leaves the QP
     * attached, and held, with no record left; on close nothing detaches it, ib_destroy_qp
     * answers -EBUSY and uverbs_destroy_ufile_hw WARNs. A detach can be refused when the device
     * refuses one of its commands (HCA.md §3.11); a driver that refuses once shows it here.
     */
    @Test
    void shouldWarnOnCloseAfterADetachTheDriverRefusedAsTheKernelDoes() {
        boolean[] refuseNext = {false};
        UverbsHost refusing = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1,
                real -> new ForwardingDeviceOps(real) {
                    @Override
                    public boolean hasMulticast() {
                        return true;
                    }

                    @Override
                    public int attachMcast(Qp qp, byte[] gid, int lid) {
                        return 0;
                    }

                    @Override
                    public int detachMcast(Qp qp, byte[] gid, int lid) {
                        if (refuseNext[0]) {
                            refuseNext[0] = false;
                            return Errno.EBUSY.negative();
                        }
                        return 0;
                    }
                }));
        Task q = refusing.spawn("p1");
        assertEquals(MEM, q.mm().mmap(MEM, 0x10000));
        int f = refusing.uverbs0().open(q);
        int qp = attachedUdQp(q, f);
        refuseNext[0] = true;
        assertEquals(Errno.EBUSY.negative(), q.write(f, Commands.detachMcast(qp, mgid(1), MLID)));
        assertEquals(Errno.EINVAL.negative(), q.write(f, Commands.detachMcast(qp, mgid(1), MLID)),
                "the record is gone: a second detach finds nothing to detach");
        org.ibmodel.kernel.KernelBug warn = org.junit.jupiter.api.Assertions.assertThrows(
                org.ibmodel.kernel.KernelBug.class, () -> q.close(f));
        assertTrue(warn.getMessage().contains("cannot destroy") && warn.getMessage().contains("QP"), warn.getMessage());
    }

    /** A context, a PD, a CQ and a UD QP on file {@code f}, the QP attached to group 1; its handle. */
    private static int attachedUdQp(Task q, int f) {
        byte[] c = Commands.getContext(RESP);
        assertEquals(c.length, q.write(f, c));
        assertTrue(q.write(f, Commands.allocPd(RESP)) > 0);
        int pd = handle(q);
        assertTrue(q.write(f, Commands.createCq(RESP, 1, 4, -1)) > 0);
        int cq = handle(q);
        assertTrue(q.write(f, Commands.createQp(RESP, 7, pd, cq, cq, -1, QpType.UD.value(), 4, 1)) > 0);
        int qp = handle(q);
        assertTrue(q.write(f, Commands.attachMcast(qp, mgid(1), MLID)) > 0);
        return qp;
    }

    private static int handle(Task t) {
        byte[] b = new byte[4];
        assertEquals(0, t.mm().copyFromUser(b, 0, RESP, 4));
        return Le.u32(b, 0);
    }

    @Test
    void shouldDetachWhatIsLeftWhenTheFileCloses() {
        int qp = qp(QpType.UD);
        assertTrue(w(Commands.attachMcast(qp, mgid(1), MLID)) > 0);
        assertTrue(w(Commands.attachMcast(qp, mgid(2), MLID + 1)) > 0);
        p.close(fd);
        host.run();
        assertEquals(4, calls.size(), calls.toString());
        assertTrue(calls.get(2).startsWith("detach ") && calls.get(3).startsWith("detach "), calls.toString());
        assertEquals(0, host.device().liveTotal(), host.device().liveSummary());
    }
}
