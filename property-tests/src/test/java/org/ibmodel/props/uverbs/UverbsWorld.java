// drivers/infiniband/core/uverbs_main.c, rdma_core.c: two processes hammering uverbs0
package org.ibmodel.props.uverbs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpStateTable;
import org.ibmodel.core.ResType;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Task;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.UObject;
import org.ibmodel.uverbs.UObjectType;
import org.ibmodel.uverbs.UobjectPolicy;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsFile;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifyQp;

/**
 * One host with uverbs0 and two processes, each with user memory at {@link #MEM} and up to two
 * open uverbs files. {@link #step} turns one random number into one syscall (valid or not) of
 * one process; {@link #invariantError} checks what must hold after every step:
 *
 * <ul>
 *   <li><b>own handles</b>: in every open file, every handle resolves to an object of that file
 *       or to nothing (rdma_core.c: one idr per file);</li>
 *   <li><b>accounting</b>: for every kind, the device's object count (IbDevice.liveCount) equals
 *       the sum of what the open files own;</li>
 * </ul>
 * and {@link #teardownError}, after every process exited: every count is zero and no user page
 * is still pinned.
 */
final class UverbsWorld {
    static final long MEM = 0x10000;
    static final long RESP = 0x10000;
    static final long BUF = 0x14000;
    static final long UNMAPPED = 0x5550_0000L;
    static final int HANDLES = 6;

    final UverbsHost host;
    final Task[] procs = new Task[2];
    final List<List<Integer>> files = List.of(new ArrayList<>(), new ArrayList<>());
    long writes;
    /** How often each result came back: "ok" or the errno name. */
    final java.util.Map<String, Long> results = new java.util.TreeMap<>();

    /** The in-memory device's multicast double; null on the HCA, whose driver is checked instead. */
    MulticastDouble mcast;
    private final boolean forgetsDetach;
    /** The HCA driver's object tables, when the device is the simulated HCA. */
    private final HcaDriver driver;
    /** The simulated HCA's host, which {@link #failHca} runs on in virtual time; else null. */
    private final Host hcaHost;
    /** ib_devices the HCA driver registered before a reset; each must be left with nothing. */
    private final List<org.ibmodel.core.IbDevice> gone = new ArrayList<>();

    UverbsWorld(UobjectPolicy policy) {
        this(policy, false);
    }

    /** With {@code forgetsDetach} the device's detach keeps the attachment (a bug to be caught). */
    UverbsWorld(UobjectPolicy policy, boolean forgetsDetach) {
        MulticastDouble[] made = new MulticastDouble[1];
        host = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1,
                real -> made[0] = new MulticastDouble(real, forgetsDetach)), policy);
        mcast = made[0];
        this.forgetsDetach = forgetsDetach;
        driver = null;
        hcaHost = null;
        spawnAll();
    }

    private UverbsWorld(UverbsHost host, HcaDriver driver, Host hcaHost) {
        this.host = host;
        this.mcast = null;
        this.forgetsDetach = false;
        this.driver = driver;
        this.hcaHost = hcaHost;
        spawnAll();
    }

    /**
     * uverbs over the simulated HCA: its driver, firmware and device on one host with no fabric
     * (the port's link is down), everything else as on the in-memory device.
     */
    static UverbsWorld onHca(long seed, UobjectPolicy policy) {
        Host h = new Host("fuzz", new Scheduler(seed));
        Transport transport = new Transport(h.scheduler(), "fuzz");
        Hca hca = h.plugHca(DevCaps.standard(0x0002_c903_0000_0001L, 1), transport);
        transport.bind(hca);
        if (h.loadDriver(hca, "hca0") != 0) {
            throw new IllegalStateException("HCA driver probe failed");
        }
        HcaDriver d = h.driver(0);
        return new UverbsWorld(new UverbsHost(h.core(), h.memory(), d.device(), policy, h::settle), d, h);
    }

    /**
     * /dev/infiniband/uverbs0 as a process opening it now finds it: after the HCA was reset, the
     * character device of the ib_device its driver registered again.
     */
    UverbsDevice uverbs0() {
        UverbsDevice d = host.uverbs().device("uverbs0");
        return d != null ? d : host.uverbs0();
    }

    /**
     * The device goes from under the open files, which uverbs disassociates and which keep being
     * written to; new opens reach the device that replaces it. On the HCA: a catastrophic error,
     * and virtual time until the driver found it, reset the device and probed it again (HCA.md
     * §2.1, §2.2). In memory: the device is unplugged and a new one, of the same name, plugged.
     */
    void loseDevice() {
        if (hcaHost == null) {
            unplug();
            return;
        }
        gone.add(uverbs0().ibDevice());
        hcaHost.hca(0).catastrophicError(1);
        long until = hcaHost.scheduler().now() + HcaDriver.CATAS_POLL_NS + HcaDriver.RESET_WAIT_NS + 1_000_000;
        long next;
        while ((next = hcaHost.scheduler().nextEventTime()) >= 0 && next <= until) {
            hcaHost.scheduler().runNext();
            hcaHost.settle();
        }
        hcaHost.settle();
        if (driver.device() == null || driver.device() == gone.get(gone.size() - 1)) {
            throw new AssertionError("the HCA driver did not come back after its reset: " + driver.restartError());
        }
        results.merge("HCA resets", 1L, Long::sum);
    }

    /** Refusals a command may meet: every firmware status but OK and INTERNAL_ERR (the device failing). */
    private static final org.ibmodel.sim.device.Status[] REFUSALS = java.util.Arrays.stream(
            org.ibmodel.sim.device.Status.values()).filter(s -> s != org.ibmodel.sim.device.Status.OK
                    && s != org.ibmodel.sim.device.Status.INTERNAL_ERR).toArray(org.ibmodel.sim.device.Status[]::new);

    /**
     * On the HCA, the device refuses the next firmware command, with any status but INTERNAL_ERR,
     * unless {@link #endRefusal} comes first: what a driver's error paths, and uverbs' unwinding
     * behind them, must survive. Only the first command a step issues: a later one may be the
     * tear-down of an object uverbs made and then aborts (a response it could not copy out), and
     * the kernel WARNs when that fails (uverbs_destroy_uobject), as the model does; real devices
     * refuse no tear-down but when they fail, which the driver answers itself. Nothing on the
     * in-memory device.
     */
    void refuseACommand(java.util.SplittableRandom rnd) {
        refusal = hcaHost == null ? null : REFUSALS[rnd.nextInt(REFUSALS.length)];
    }

    /** The refusal {@link #step} arms before its write, or null. */
    private org.ibmodel.sim.device.Status refusal;

    /** Ends a {@link #refuseACommand}, counting it in the results when a command met it. */
    void endRefusal() {
        if (armed && !hcaHost.hca(0).firmware().injectionPending(true)) {
            results.merge("commands refused", 1L, Long::sum);
        }
        armed = false;
        refusal = null;
    }

    private boolean armed;

    private void unplug() {
        org.ibmodel.core.IbDevice old = uverbs0().ibDevice();
        gone.add(old);
        if (mcast != null) {
            results.merge("multicast attachments made", mcast.attached, Long::sum);
        }
        host.core().unregisterDevice(old);
        if (mcast != null && mcast.attachments() != 0) {
            throw new AssertionError("unplug: " + mcast.attachments() + " multicast attachments outlive their QPs");
        }
        MulticastDouble[] made = new MulticastDouble[1];
        org.ibmodel.core.IbDevice next = MemDevice.create(host.core(), "mem0", host.memory(), 1,
                real -> made[0] = new MulticastDouble(real, forgetsDetach));
        if (host.core().registerDevice(next) != 0) {
            throw new AssertionError("cannot plug a new in-memory device");
        }
        host.run();
        mcast = made[0];
        results.merge("device unplugs", 1L, Long::sum);
    }

    /** Every uverbs file the processes hold open, whichever device it was opened on. */
    private List<UverbsFile> openFiles() {
        List<UverbsFile> out = new ArrayList<>();
        for (Task t : procs) {
            for (Object f : t.files().values()) {
                if (f instanceof UverbsFile u && !out.contains(u)) {
                    out.add(u);
                }
            }
        }
        return out;
    }

    private void spawnAll() {
        for (int i = 0; i < 2; i++) {
            spawn(i);
        }
    }

    private void spawn(int i) {
        procs[i] = host.spawn("p" + (i + 1));
        procs[i].mm().mmap(MEM, 0x10000);
        files.get(i).clear();
    }

    /** One syscall from the random number {@code r}; {@code extra} feeds its arguments. */
    void step(long r, SplittableRandom extra) {
        int p = (int) (r & 1);
        int kind = (int) ((r >>> 1) % 21);
        Task t = procs[p];
        List<Integer> fds = files.get(p);
        if (kind == 0 || fds.isEmpty()) {
            if (fds.size() < 2) {
                fds.add(uverbs0().open(t));
            }
            return;
        }
        int fd = fds.get((int) ((r >>> 8) & 1) % fds.size());
        int h = extra.nextInt(HANDLES);
        int h2 = extra.nextInt(HANDLES);
        long resp = extra.nextInt(16) == 0 ? UNMAPPED : RESP;
        byte[] cmd = switch (kind) {
            case 1 -> Commands.getContext(resp);
            case 2 -> Commands.allocPd(resp);
            case 3 -> Commands.createCq(resp, r, extra.nextInt(10) == 0 ? 1 << 20 : 1 + extra.nextInt(8),
                    extra.nextInt(4) == 0 ? fd + 1 : -1);
            // Half the QPs name a PD and a CQ the file has, so that QPs (UD ones among them, which
            // multicast needs) exist often enough for what is done to them later.
            case 4 -> extra.nextBoolean()
                    ? Commands.createQp(resp, r, handleOf(t, fd, UObjectType.PD, h),
                            handleOf(t, fd, UObjectType.CQ, h2), handleOf(t, fd, UObjectType.CQ, h2), -1,
                            2 + extra.nextInt(3), 1 + extra.nextInt(4), 1)
                    : Commands.createQp(resp, r, h, h2, h2, extra.nextInt(4) == 0 ? h : -1,
                            2 + extra.nextInt(3), extra.nextInt(20) == 0 ? 1 << 20 : 1 + extra.nextInt(4), 1);
            case 5 -> Commands.regMr(resp, h, extra.nextInt(8) == 0 ? UNMAPPED : BUF, 1 + extra.nextInt(9000),
                    extra.nextInt(8) == 0 ? UNMAPPED : BUF, AccessFlags.LOCAL_WRITE);
            case 6 -> Commands.createSrq(resp, r, h, 1 + extra.nextInt(8), 1);
            case 7 -> Commands.createAh(resp, h, 1 + extra.nextInt(2), 1);
            case 8 -> switch (extra.nextInt(6)) {
                case 0 -> Commands.deallocPd(h);
                case 1 -> Commands.destroyCq(resp, h);
                case 2 -> Commands.destroyQp(resp, h);
                case 3 -> Commands.destroySrq(resp, h);
                case 4 -> Commands.deregMr(h);
                default -> Commands.destroyAh(h);
            };
            case 9 -> extra.nextBoolean() ? Commands.postSend(resp, h, r, WrOpcode.SEND.value(), BUF, 16, 0x142)
                    : Commands.postRecv(resp, h, r, BUF, 16, 0x142);
            case 10 -> Commands.pollCq(resp, h, 1 + extra.nextInt(4));
            case 11 -> Commands.modifyQp(new ModifyQp().qpHandle(h).attrMask(QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.PKEY_INDEX, QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)).qpState(1).portNum(1));
            case 12 -> Commands.postSrqRecv(resp, h, r, BUF, 16, 0x142);
            case 13 -> Commands.reqNotifyCq(h, extra.nextBoolean());
            case 14 -> Commands.createCompChannel(resp);
            case 15 -> {
                t.close(fds.remove((int) ((r >>> 8) & 1) % fds.size()));
                yield null;
            }
            // One MLID per MGID, as an SA hands them out: one MGID under two MLIDs reaches a
            // kernel WARN on close (UverbsMcastTest shows it), not a leak of the model's own.
            case 17 -> {
                int g = extra.nextInt(3);
                yield Commands.attachMcast(udQp(t, fd, h), mgid(g), 0xC000 + g);
            }
            case 18 -> {
                int g = extra.nextInt(3);
                yield Commands.detachMcast(udQp(t, fd, h), mgid(g), 0xC000 + g);
            }
            case 19 -> extra.nextBoolean() ? randomModify(h, extra) : legalModify(t, fd, h, extra);
            case 16 -> {
                if (extra.nextInt(8) == 0) {
                    t.exit();
                    spawn(p);
                }
                yield null;
            }
            default -> {
                // Read an event file, if the process has one.
                for (int f : t.files().keySet()) {
                    if (!fds.contains(f)) {
                        t.read(f, 16);
                        break;
                    }
                }
                yield null;
            }
        };
        if (cmd != null) {
            // Detaches are not refused: ib_uverbs_detach_mcast drops its record before it asks
            // the driver, so a refused detach leaves the QP held and its file's close WARNs, as
            // the kernel does (UverbsMcastTest shows it). Closes and exits write nothing here.
            if (refusal != null && kind != 18) {
                hcaHost.hca(0).firmware().injectStatusAfter(0, refusal);
                armed = true;
            }
            write(t, fd, cmd);
        }
    }

    long write(Task t, int fd, byte[] cmd) {
        writes++;
        long ret = t.write(fd, cmd);
        results.merge(ret >= 0 ? "ok" : org.ibmodel.kernel.Errno.ofNumber((int) ret).name(), 1L, Long::sum);
        host.run();
        return ret;
    }

    /** A random process and one of its files (opening one if it has none). */
    int[] target(SplittableRandom rnd) {
        int p = rnd.nextInt(2);
        List<Integer> fds = files.get(p);
        if (fds.isEmpty()) {
            fds.add(uverbs0().open(procs[p]));
        }
        return new int[] {p, fds.get(rnd.nextInt(fds.size()))};
    }

    /** Null when every per-step invariant holds, else which one broke. */
    String invariantError() {
        for (UverbsFile f : openFiles()) {
            for (int h = 0; h < HANDLES + 2; h++) {
                UObject u = f.resolve(h);
                if (u != null && u.file() != f) {
                    return "own handles: handle " + h + " of a file resolves to " + u + " of another file";
                }
            }
            if (f.device().disassociated() && !f.objects().isEmpty()) {
                return "disassociation: a file whose device was taken away still owns " + f.objects();
            }
        }
        if (mcast != null && mcast.staleError() != null) {
            return mcast.staleError();
        }
        for (org.ibmodel.core.IbDevice d : gone) {
            if (d.liveTotal() != 0) {
                return "disassociation: the removed " + d.name() + " still has " + d.liveSummary();
            }
        }
        UverbsDevice now = uverbs0();
        for (ResType t : ResType.values()) {
            if (now.ibDevice().liveCount(t) != now.liveCountOverFiles(t)) {
                return "accounting: " + t + ": device has " + now.ibDevice().liveCount(t) + ", open files own "
                        + now.liveCountOverFiles(t);
            }
        }
        return null;
    }

    /** The handle of an object of {@code type} in the file; {@code h} when it has none. */
    private static int handleOf(Task t, int fd, UObjectType type, int h) {
        if (t.files().get(fd) instanceof UverbsFile f) {
            for (int k = 0; k < HANDLES + 2; k++) {
                UObject u = f.resolve(k);
                if (u != null && u.type() == type) {
                    return k;
                }
            }
        }
        return h;
    }

    /**
     * The handle of a UD QP of the file, the only kind that attaches, so that attachments happen
     * often enough to be undone; {@code h} when the file has none.
     */
    private static int udQp(Task t, int fd, int h) {
        if (t.files().get(fd) instanceof UverbsFile f) {
            for (int k = 0; k < HANDLES + 2; k++) {
                UObject u = f.resolve(k);
                if (u != null && u.object() instanceof org.ibmodel.core.Qp qp
                        && qp.type() == org.ibmodel.core.QpType.UD) {
                    return k;
                }
            }
        }
        return h;
    }

    /** The attributes ib_modify_qp takes from user space, for {@link #randomModify}. */
    private static final QpAttrMask[] MODIFY_ATTRS = {QpAttrMask.CUR_STATE, QpAttrMask.ACCESS_FLAGS,
        QpAttrMask.PKEY_INDEX, QpAttrMask.PORT, QpAttrMask.QKEY, QpAttrMask.AV, QpAttrMask.PATH_MTU,
        QpAttrMask.TIMEOUT, QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.RQ_PSN,
        QpAttrMask.MAX_QP_RD_ATOMIC, QpAttrMask.ALT_PATH, QpAttrMask.MIN_RNR_TIMER, QpAttrMask.SQ_PSN,
        QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.PATH_MIG_STATE, QpAttrMask.DEST_QPN};

    /**
     * MODIFY_QP to a random state with a random set of attributes, small values mostly in range:
     * the driver's and the device's checks of every transition (the alternate path and path
     * migration state among them) meet what a careless or hostile process sends.
     */
    private static byte[] randomModify(int h, SplittableRandom x) {
        int mask = QpAttrMask.STATE.bit();
        for (QpAttrMask a : MODIFY_ATTRS) {
            if (x.nextInt(3) == 0) {
                mask |= a.bit();
            }
        }
        ModifyQp m = new ModifyQp().qpHandle(h).attrMask(mask).qpState(x.nextInt(8)).curQpState(x.nextInt(7))
                .qpAccessFlags(x.nextInt(16)).pkeyIndex(x.nextInt(3)).portNum(x.nextInt(3)).qkey(x.nextInt())
                .pathMtu(x.nextInt(7)).timeout(x.nextInt(33)).retryCnt(x.nextInt(9)).rnrRetry(x.nextInt(9))
                .rqPsn(x.nextInt()).sqPsn(x.nextInt()).maxRdAtomic(x.nextInt(6)).maxDestRdAtomic(x.nextInt(6))
                .minRnrTimer(x.nextInt(33)).destQpNum(x.nextInt(0x100)).pathMigState(x.nextInt(4))
                .altPortNum(x.nextInt(3)).altPkeyIndex(x.nextInt(3)).altTimeout(x.nextInt(33));
        for (var d : List.of(m.dest(), m.altDest())) {
            d.dlid(x.nextInt(8)).sl(x.nextInt(16)).srcPathBits(x.nextInt(4)).staticRate(x.nextInt(24))
                    .portNum(x.nextInt(3)).isGlobal(x.nextInt(4) == 0 ? 1 : 0).sgidIndex(x.nextInt(3))
                    .hopLimit(x.nextInt(256));
        }
        return Commands.modifyQp(m);
    }

    /**
     * MODIFY_QP of one of the file's QPs to a state the QP state table allows from where it is,
     * with the attributes the move requires and some it allows, values mostly in range: so that
     * QPs get to RTR, RTS and SQD, alternate paths and migration states included, often enough.
     */
    private static byte[] legalModify(Task t, int fd, int h, SplittableRandom x) {
        org.ibmodel.core.Qp qp = null;
        int handle = h;
        if (t.files().get(fd) instanceof UverbsFile f) {
            for (int k = 0; k < HANDLES + 2 && qp == null; k++) {
                UObject u = f.resolve(k);
                if (u != null && u.object() instanceof org.ibmodel.core.Qp q) {
                    qp = q;
                    handle = k;
                }
            }
        }
        if (qp == null) {
            return randomModify(h, x);
        }
        List<QpState> next = new ArrayList<>();
        for (QpState s : QpState.values()) {
            QpStateTable.Transition tr = QpStateTable.lookup(qp.state(), s);
            if (tr != null && QpStateTable.isModifyOk(qp.state(), s, qp.type(), QpAttrMask.STATE.bit()
                    | tr.required(qp.type()))) {
                next.add(s);
            }
        }
        if (next.isEmpty()) {
            return randomModify(h, x);
        }
        QpState to = next.get(x.nextInt(next.size()));
        QpStateTable.Transition tr = QpStateTable.lookup(qp.state(), to);
        int mask = QpAttrMask.STATE.bit() | tr.required(qp.type()) | (tr.optional(qp.type()) & x.nextInt());
        mask &= ~QpAttrMask.CUR_STATE.bit();
        ModifyQp m = new ModifyQp().qpHandle(handle).attrMask(mask).qpState(to.ordinal())
                .qpAccessFlags(x.nextInt(8)).pkeyIndex(x.nextInt(8) == 0 ? 1 : 0).portNum(1).qkey(x.nextInt())
                .pathMtu(1 + x.nextInt(x.nextInt(8) == 0 ? 7 : 5)).timeout(x.nextInt(20)).retryCnt(x.nextInt(8))
                .rnrRetry(x.nextInt(8)).rqPsn(x.nextInt(1 << 24)).sqPsn(x.nextInt(1 << 24))
                .maxRdAtomic(x.nextInt(5)).maxDestRdAtomic(x.nextInt(5)).minRnrTimer(x.nextInt(32))
                .destQpNum(0x40 + x.nextInt(8)).pathMigState(x.nextInt(x.nextInt(8) == 0 ? 4 : 3))
                .altPortNum(x.nextInt(8) == 0 ? 2 : 1).altPkeyIndex(0).altTimeout(x.nextInt(20));
        for (var d : List.of(m.dest(), m.altDest())) {
            d.dlid(1 + x.nextInt(4)).sl(x.nextInt(4)).srcPathBits(0).staticRate(x.nextInt(4) == 0 ? 3 : 0)
                    .portNum(1).isGlobal(x.nextInt(4) == 0 ? 1 : 0).sgidIndex(0).hopLimit(1);
        }
        return Commands.modifyQp(m);
    }

    /** A multicast GID: ff12::k, one of a few so that attachments meet. */
    static byte[] mgid(int k) {
        byte[] g = new byte[16];
        g[0] = (byte) 0xff;
        g[1] = 0x12;
        g[15] = (byte) k;
        return g;
    }

    /** Every process exits; null when nothing is left on the device and nothing is pinned. */
    String teardownError() {
        if (mcast != null) {
            results.merge("multicast attachments made", mcast.attached, Long::sum);
        }
        for (int i = 0; i < 2; i++) {
            procs[i].exit();
            if (procs[i].mm().pinCount() != 0) {
                return "teardown: " + procs[i].mm().pinCount() + " user pages still pinned";
            }
            if (procs[i].mm().pinnedVm() != 0) {
                return "teardown: pinned_vm still " + procs[i].mm().pinnedVm() + " pages";
            }
        }
        host.run();
        if (uverbs0().ibDevice().liveTotal() != 0) {
            return "teardown: objects left after every file closed: " + uverbs0().ibDevice().liveSummary();
        }
        if (!uverbs0().openFiles().isEmpty()) {
            return "teardown: files still open";
        }
        if (mcast != null && mcast.attachments() != 0) {
            return "teardown: " + mcast.attachments() + " multicast attachments left";
        }
        if (driver != null) {
            for (java.util.Map.Entry<String, Integer> e : driver.live().entrySet()) {
                if (e.getValue() != 0) {
                    return "teardown: the HCA driver's " + e.getKey() + " table still holds " + e.getValue();
                }
            }
        }
        return null;
    }

    int live(ResType t) {
        return uverbs0().ibDevice().liveCount(t);
    }
}
