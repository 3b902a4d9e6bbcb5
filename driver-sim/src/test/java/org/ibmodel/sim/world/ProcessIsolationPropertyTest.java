// Property: a process reaches through the HCA only what its own PDs registered (IBA 10.6.3 memory
// protection, 10.2.3 protection domains); drivers/infiniband/core/uverbs_cmd.c gives a process no
// kernel key, drivers/infiniband/hw/mthca/mthca_mr.c and mlx4/mr.c hold every key to one PD
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sim.device.MptCheckBug;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvAh;
import org.ibmodel.verbs.IbvAhAttr;
import org.ibmodel.verbs.IbvAsyncEvent;
import org.ibmodel.verbs.IbvContext;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpCap;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvQpType;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvSrq;
import org.ibmodel.verbs.IbvSrqAttr;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Three hosts. On h0 a victim process has four registered regions of secret bytes (local only,
 * remote-read, remote-writable, UD receive buffers) and an RC QP connected to its peer process on
 * h2 plus a UD QP with receives posted; the kernels of h0 and h1 each hold a PD with its local DMA
 * key and a region with every access over a page of secret bytes. Two attacker processes, one on
 * h0 and one on h1, start with a PD, a region over their own buffer, a CQ, an AH to each host, an
 * RC QP connected to each other and a UD QP, and then run random verbs through the library:
 * alloc/dealloc PD, reg/dereg MR with any access, create QPs (RC, UC, UD, on an SRQ), SRQs and
 * AHs, connect or modify QPs to any QPN (theirs, the victim's, the peer's, QP0, QP1) on any LID
 * and path bits, post receives and sends of every opcode (inline too) with keys drawn from every key the devices
 * hold (the victim's, the kernels', their own, freed ones, ones with another tag) and addresses
 * drawn from their own buffers, the victim's user addresses, the physical addresses of every
 * secret and values that wrap, and UD sends to any QPN with any Q_Key.
 *
 * <p>Invariants, after every step: {@code noLeak} (no secret word is in either attacker's buffer,
 * which is all its receives, READ responses and atomics land in); {@code untouchable} (the
 * victim's regions and the kernels' pages never change, but for the victim's UD receive buffers
 * once an attacker sent a datagram to its QPN with its Q_Key, or with a controlled Q_Key that
 * may stand for it: the only access the victim grants anyone outside its connection to h2, which
 * no attacker controls as h2 runs none and the victim's QP takes packets of h2's LID only);
 * {@code noOops} (no Java exception leaves a verb, a settle or a poll: one from the kernel or
 * the device is an oops). At the end: {@code victimUnharmed} (the victim's connection to h2 still
 * moves data both ways) and {@code noObjectLeak} (every object of every process and kernel is
 * destroyed without error, no page stays pinned, and each host's driver and firmware hold what
 * they held before). Each mutation test breaks one key check of the device ({@link MptCheckBug})
 * and shows the property fails. Replay: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=ProcessIsolationPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class ProcessIsolationPropertyTest {
    private static final long DEFAULT_SEED = 0x150_1a7e;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    /** A broken check may need a rare sequence to show; the mutation tests look further. */
    private static final int MUTANT_EXAMPLES = 1000;
    private static final int CHOICES = 10;
    private static final int MAX_STEPS = 40;

    @Test
    void shouldKeepEveryProcessToWhatItsOwnPdsRegistered() {
        check(null, EXAMPLES);
    }

    @Test
    void shouldFindADeviceThatIgnoresTheKeysPd() {
        assertFalsified(MptCheckBug.IGNORES_PD, "noLeak", "untouchable");
    }

    @Test
    void shouldFindADeviceThatIgnoresTheRegionsBounds() {
        assertFalsified(MptCheckBug.IGNORES_BOUNDS, "noLeak", "untouchable", "noOops");
    }

    /** {@code bug} makes the property fail, for one of the reasons {@code expected} names. */
    private static void assertFalsified(MptCheckBug bug, String... expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> check(bug, MUTANT_EXAMPLES));
        assertTrue(Arrays.stream(expected).anyMatch(e.getMessage()::contains), e.getMessage());
    }

    private static void check(MptCheckBug bug, int examples) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(20)
                .withReporter(new SeedReporter("ProcessIsolationPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSize(CHOICES)
                                .map(Step::new)).ofSizeBetween(1, MAX_STEPS))
                .checkAssert((worldSeed, steps) -> new Run(worldSeed, bug).attack(steps));
    }

    /** One verb of an attacker, as the raw choices it is decoded from. */
    record Step(List<Integer> choices) {
        int at(int i) {
            return choices.get(i);
        }

        @Override
        public String toString() {
            return choices.toString();
        }
    }

    /** One world: the secrets, their holders, the attackers, and what each step did. */
    static final class Run {
        final World world;
        final Victim victim;
        final KernelSecret[] kernels = new KernelSecret[2];
        final Attacker[] attackers = new Attacker[2];
        final Pools pools;
        final List<Map<String, Integer>> driverBefore = new ArrayList<>();
        final List<Map<String, Integer>> firmwareBefore = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        /** Whether a datagram may have reached the victim's UD QP with its Q_Key. */
        boolean udKeyed;

        Run(long worldSeed, MptCheckBug bug) {
            world = World.of(worldSeed, 3);
            Uverbs[] uv = new Uverbs[3];
            for (int h = 0; h < 3; h++) {
                if (bug != null) {
                    bug.install(world.transport(h));
                }
                uv[h] = UserProcess.uverbs(world, h);
                driverBefore.add(world.host(h).driver(0).live());
                firmwareBefore.add(world.host(h).hca(0).firmware().live());
            }
            kernels[0] = new KernelSecret(world.host(Proc.VICTIM_HOST), Secret.KERNEL0);
            kernels[1] = new KernelSecret(world.host(Proc.REMOTE_HOST), Secret.KERNEL1);
            victim = new Victim(new Proc(world, Proc.VICTIM_HOST, uv[0], "victim"),
                    new Proc(world, Proc.PEER_HOST, uv[2], "peer"));
            attackers[0] = new Attacker(new Proc(world, Proc.VICTIM_HOST, uv[0], "local attacker"));
            attackers[1] = new Attacker(new Proc(world, Proc.REMOTE_HOST, uv[1], "remote attacker"));
            attackers[0].connectTo(attackers[1]);
            attackers[1].connectTo(attackers[0]);
            pools = new Pools(this);
            world.settle();
        }

        void attack(List<Step> steps) {
            try {
                byte[][] before = secrets();
                checkLeak("before the first step");
                for (int i = 0; i < steps.size(); i++) {
                    Step s = steps.get(i);
                    Attacker a = attackers[s.at(1) & 1];
                    String what = a.proc.name + ": " + new Verb(this, a, s).run();
                    world.settle();
                    log.add(i + ": " + what + completions(a));
                    checkSecrets(before, "after step " + i);
                    checkLeak("after step " + i);
                }
                victim.exchange();
                teardown();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nsteps:\n  " + String.join("\n  ", log), e);
            } catch (RuntimeException e) {
                throw new AssertionError("noOops: " + e + "\nsteps:\n  " + String.join("\n  ", log), e);
            } finally {
                world.close();
            }
        }

        /** What both attackers' CQs and async queues held after the step: each must be read. */
        private String completions(Attacker acting) {
            StringBuilder b = new StringBuilder();
            for (Attacker a : attackers) {
                String got = a.reap();
                if (!got.isEmpty()) {
                    b.append(a == acting ? "; got " : "; the other got ").append(got);
                }
            }
            return b.toString();
        }

        /** Every secret as it is now: the victim's regions, then each kernel's page. */
        private byte[][] secrets() {
            byte[][] s = new byte[Victim.REGIONS + kernels.length][];
            for (int r = 0; r < Victim.REGIONS; r++) {
                s[r] = victim.proc.read(victim.region(r), Victim.REGION);
            }
            for (int k = 0; k < kernels.length; k++) {
                s[Victim.REGIONS + k] = kernels[k].read();
            }
            return s;
        }

        private static final String[] NAMES = {"the victim's local-only region", "the victim's remote-read region",
            "the victim's remote-writable region", "the victim's UD receive buffers", "h0's kernel page",
            "h1's kernel page"};

        /** {@code untouchable}: the first byte of a secret that changed, and when. */
        private void checkSecrets(byte[][] before, String when) {
            byte[][] now = secrets();
            for (int i = 0; i < now.length; i++) {
                if (i == Victim.UD_RECV && udKeyed) {
                    continue;
                }
                int at = Arrays.mismatch(before[i], now[i]);
                if (at >= 0) {
                    fail(String.format("untouchable: %s changed %s: byte 0x%x was 0x%02x, is 0x%02x", NAMES[i], when,
                            at, before[i][at], now[i][at]));
                }
            }
        }

        /** {@code noLeak}: no secret word in anything either attacker can read. */
        private void checkLeak(String when) {
            for (Attacker a : attackers) {
                byte[] mine = a.proc.read(a.buf, Attacker.BUF);
                int at = Secret.find(mine);
                if (at >= 0) {
                    fail(String.format("noLeak: %s's buffer holds a secret word %s at offset 0x%x: %s", a.proc.name,
                            when, at, Secret.describe(mine, at)));
                }
            }
        }

        /** {@code noObjectLeak}: everything goes, and every table is back where it was. */
        private void teardown() {
            for (Attacker a : attackers) {
                a.destroyAll();
            }
            victim.destroy();
            for (KernelSecret k : kernels) {
                k.destroy();
            }
            world.settle();
            for (int h = 0; h < 3; h++) {
                assertEquals(driverBefore.get(h), world.host(h).driver(0).live(), "noObjectLeak: h" + h + "'s driver");
                assertEquals(firmwareBefore.get(h), world.host(h).hca(0).firmware().live(),
                        "noObjectLeak: h" + h + "'s firmware");
            }
        }
    }

    /**
     * The secret bytes: every 8-byte word is a magic number and the owner and index of the word, so
     * any 8 bytes of a secret, copied whole, carry the magic in one byte order or the other. The
     * attackers' own bytes are all below 0x80, and the magic's first byte is not.
     */
    static final class Secret {
        static final int VICTIM = 1;
        static final int KERNEL0 = 5;
        static final int KERNEL1 = 6;
        private static final byte[] MAGIC = {(byte) 0xc5, (byte) 0xec, 0x2e, 0x7a};

        static byte[] of(int owner, int len) {
            byte[] b = new byte[len];
            for (int w = 0; w < len / 8; w++) {
                System.arraycopy(MAGIC, 0, b, 8 * w, 4);
                int tag = owner << 24 | w;
                for (int i = 0; i < 4; i++) {
                    b[8 * w + 4 + i] = (byte) (tag >>> (24 - 8 * i));
                }
            }
            return b;
        }

        /** The first offset of the magic, in either byte order, or -1. */
        static int find(byte[] b) {
            for (int i = 0; i + 4 <= b.length; i++) {
                if ((b[i] & 0xff) < 0x80 && (b[i + 3] & 0xff) < 0x80) {
                    continue;
                }
                boolean fwd = true;
                boolean rev = true;
                for (int j = 0; j < 4; j++) {
                    fwd &= b[i + j] == MAGIC[j];
                    rev &= b[i + j] == MAGIC[3 - j];
                }
                if (fwd || rev) {
                    return i;
                }
            }
            return -1;
        }

        static String describe(byte[] b, int at) {
            StringBuilder s = new StringBuilder();
            for (int i = at; i < Math.min(b.length, at + 16); i++) {
                s.append(String.format("%02x", b[i]));
            }
            return s.toString();
        }
    }

    /** A kernel's PD (with its local DMA key), a page of secret bytes and a region over it with every access. */
    static final class KernelSecret {
        static final int PAGES = 2;
        final Host host;
        final Pd pd;
        final long page;
        final Mr mr;

        KernelSecret(Host host, int owner) {
            this.host = host;
            pd = Pd.alloc(host.driver(0).device()).get();
            page = host.memory().alloc(PAGES * 4096L);
            host.memory().write(page, Secret.of(owner, PAGES * 4096));
            mr = Mr.reg(pd, page, PAGES * 4096L, page, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC).get();
        }

        byte[] read() {
            return host.memory().read(page, PAGES * 4096);
        }

        void destroy() {
            assertEquals(0, mr.dereg(), "noObjectLeak: the kernel's MR on " + host);
            assertEquals(0, pd.dealloc(), "noObjectLeak: the kernel's PD on " + host);
        }
    }

    /** One process: its task, its library and its open device. */
    static final class Proc {
        static final int VICTIM_HOST = 0;
        static final int REMOTE_HOST = 1;
        static final int PEER_HOST = 2;
        final World world;
        final int hostIndex;
        final String name;
        final Ibv ibv;
        final IbvContext ctx;

        Proc(World world, int hostIndex, Uverbs uv, String name) {
            this.world = world;
            this.hostIndex = hostIndex;
            this.name = name;
            Host host = world.host(hostIndex);
            ibv = new Ibv(new Task(name, new UserAddressSpace(host.memory(), UverbsHost.MAX_PAGES)));
            ctx = UserProcess.openDevice(ibv, uv);
            assertNotNull(ctx, name + ": ibv_open_device");
            // drainEvents reads what is queued, and stops at EAGAIN rather than sleeping.
            assertEquals(0, ctx.setNonblocking(), name + ": O_NONBLOCK on the async fd");
        }

        int lid() {
            return world.lid(hostIndex);
        }

        UserAddressSpace mm() {
            return ibv.task().mm();
        }

        byte[] read(long addr, int len) {
            byte[] b = new byte[len];
            assertEquals(0, mm().copyFromUser(b, 0, addr, len), name + ": copy_from_user");
            return b;
        }

        void write(long addr, byte[] b) {
            assertEquals(0, mm().copyToUser(addr, b, 0, b.length), name + ": copy_to_user");
        }

        /** Host physical addresses of the pages under [addr, addr+len), as pin_user_pages finds them. */
        long[] physical(long addr, long len) {
            long[] pages = mm().pin(addr, len);
            mm().unpin(pages);
            return pages;
        }

        /** Reads and acknowledges every async event: ibv_destroy_qp waits for the acknowledgements. */
        List<String> drainEvents() {
            List<String> got = new ArrayList<>();
            IbvAsyncEvent e;
            while ((e = ctx.getAsyncEvent()) != null) {
                got.add(e.eventType().name());
                ctx.ackAsyncEvent(e);
            }
            return got;
        }

        void close() {
            assertEquals(0, ibv.closeDevice(ctx), "noObjectLeak: " + name + ": ibv_close_device");
            assertEquals(0, mm().pinCount(), "noObjectLeak: " + name + " has pages pinned");
        }
    }

    /** rc_pingpong's pp_connect_ctx and its UD counterpart: RESET to RTS towards {@code dqpn} at {@code dlid}. */
    static int connect(IbvQp qp, int type, int access, int dqpn, int dlid, int pathBits, int psn, int qkey) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.portNum = 1;
        a.qpAccessFlags = access;
        a.qkey = qkey;
        int init = IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | (type == IbvQpType.UD ? IbvQpAttrMask.QKEY : IbvQpAttrMask.ACCESS_FLAGS);
        int ret = qp.modify(a, init);
        if (ret != 0) {
            return ret;
        }
        IbvQpAttr r = new IbvQpAttr();
        r.qpState = IbvQpState.RTR;
        r.pathMtu = IbvQpType.MTU_1024;
        r.destQpNum = dqpn;
        r.rqPsn = psn;
        r.maxDestRdAtomic = 4;
        r.minRnrTimer = 1;
        r.ahAttr.dlid = dlid;
        r.ahAttr.srcPathBits = pathBits;
        r.ahAttr.portNum = 1;
        int rtr = IbvQpAttrMask.STATE | (type == IbvQpType.UD ? 0 : IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU
                | IbvQpAttrMask.DEST_QPN | IbvQpAttrMask.RQ_PSN)
                | (type == IbvQpType.RC ? IbvQpAttrMask.MAX_DEST_RD_ATOMIC | IbvQpAttrMask.MIN_RNR_TIMER : 0);
        ret = qp.modify(r, rtr);
        if (ret != 0) {
            return ret;
        }
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.sqPsn = psn;
        // About 4 ms: a request to a QP that does not answer ends within a step. rnr_retry 7 would
        // retry for ever and keep the world busy; the attackers never ask for it.
        s.timeout = 10;
        s.retryCnt = 2;
        s.rnrRetry = 2;
        s.maxRdAtomic = 4;
        int rts = IbvQpAttrMask.STATE | IbvQpAttrMask.SQ_PSN | (type == IbvQpType.RC ? IbvQpAttrMask.TIMEOUT
                | IbvQpAttrMask.RETRY_CNT | IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.MAX_QP_RD_ATOMIC : 0);
        return qp.modify(s, rts);
    }

    static IbvQp createQp(IbvPd pd, IbvCq cq, int type, IbvSrq srq, int maxInline) {
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = cq;
        init.recvCq = cq;
        init.cap = new IbvQpCap(8, srq == null ? 8 : 0, 2, 2);
        init.cap.maxInlineData = maxInline;
        init.qpType = type;
        init.srq = srq;
        return pd.createQp(init);
    }

    /**
     * The victim on h0 and its peer on h2. The victim grants remote read on one region and remote
     * write, read and atomics on another, in its PD, and connects its RC QP to the peer only.
     */
    static final class Victim {
        static final int REGION = 8192;
        static final int LOCAL = 0;
        static final int READ = 1;
        static final int WRITE = 2;
        static final int UD_RECV = 3;
        static final int REGIONS = 4;
        static final int QKEY = 0x1357_2468;
        private static final int[] ACCESS = {IbvAccessFlags.LOCAL_WRITE, IbvAccessFlags.REMOTE_READ,
            IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ
                | IbvAccessFlags.REMOTE_ATOMIC, IbvAccessFlags.LOCAL_WRITE};
        private static final int RC_PSN = 0x4321;
        final Proc proc;
        final Proc peer;
        final IbvPd pd;
        final long buf;
        final IbvMr[] mrs = new IbvMr[REGIONS];
        final long[] physical;
        final IbvCq cq;
        final IbvQp rc;
        final IbvQp ud;
        final IbvPd peerPd;
        final long peerBuf;
        final IbvMr peerMr;
        final IbvCq peerCq;
        final IbvQp peerRc;

        Victim(Proc proc, Proc peer) {
            this.proc = proc;
            this.peer = peer;
            pd = proc.ctx.allocPd();
            buf = proc.ibv.alloc((long) REGIONS * REGION);
            for (int r = 0; r < REGIONS; r++) {
                proc.write(region(r), Secret.of(Secret.VICTIM + r, REGION));
                mrs[r] = pd.regMr(region(r), REGION, ACCESS[r]);
                assertNotNull(mrs[r], "victim: ibv_reg_mr");
            }
            physical = proc.physical(buf, (long) REGIONS * REGION);
            cq = proc.ctx.createCq(64, this, null, 0);
            rc = createQp(pd, cq, IbvQpType.RC, null, 0);
            ud = createQp(pd, cq, IbvQpType.UD, null, 0);
            peerPd = peer.ctx.allocPd();
            peerBuf = peer.ibv.alloc(REGION);
            peerMr = peerPd.regMr(peerBuf, REGION, IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE);
            peerCq = peer.ctx.createCq(16, this, null, 0);
            peerRc = createQp(peerPd, peerCq, IbvQpType.RC, null, 0);
            int remote = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
            assertEquals(0, connect(rc, IbvQpType.RC, remote, peerRc.qpNum(), peer.lid(), 0, RC_PSN, 0), "victim RC");
            assertEquals(0, connect(peerRc, IbvQpType.RC, remote, rc.qpNum(), proc.lid(), 0, RC_PSN, 0), "peer RC");
            assertEquals(0, connect(ud, IbvQpType.UD, 0, 0, 0, 0, 0, QKEY), "victim UD");
            // Receives an attacker may try to fill: two on the connection, four datagrams.
            for (int i = 0; i < 2; i++) {
                assertEquals(0, rc.postRecv(new IbvRecvWr(i, new IbvSge(region(LOCAL) + 1024L * i, 1024,
                        mrs[LOCAL].lkey())), new IbvRecvWr[1]));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(0, ud.postRecv(new IbvRecvWr(10 + i, new IbvSge(region(UD_RECV) + 2048L * i, 2048,
                        mrs[UD_RECV].lkey())), new IbvRecvWr[1]));
            }
        }

        long region(int r) {
            return buf + (long) r * REGION;
        }

        /** {@code victimUnharmed}: the peer writes into the writable region and the victim sends to the peer. */
        void exchange() {
            byte[] data = Secret.of(9, 64);
            peer.write(peerBuf, data);
            IbvSendWr write = new IbvSendWr(1, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(peerBuf, 64, peerMr.lkey()));
            write.remoteAddr = region(WRITE);
            write.rkey = mrs[WRITE].rkey();
            assertEquals(0, peerRc.postSend(write, new IbvSendWr[1]), "victimUnharmed: the peer's post_send");
            assertEquals(0, peerRc.postRecv(new IbvRecvWr(2, new IbvSge(peerBuf + 4096, 64, peerMr.lkey())),
                    new IbvRecvWr[1]), "victimUnharmed: the peer's post_recv");
            assertEquals(0, rc.postSend(new IbvSendWr(3, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(region(READ), 64, mrs[READ].lkey())), new IbvSendWr[1]), "victimUnharmed: post_send");
            proc.world.settle();
            // The victim's CQ may also hold datagrams an attacker sent it; only its SEND counts here.
            List<IbvWc> mine = poll(cq).stream().filter(wc -> wc.wrId == 3).toList();
            List<IbvWc> theirs = poll(peerCq);
            assertEquals(1, mine.size(), "victimUnharmed: the victim's completions " + mine);
            assertEquals(2, theirs.size(), "victimUnharmed: the peer's completions " + theirs);
            for (IbvWc wc : concat(mine, theirs)) {
                assertEquals(IbvWcStatus.SUCCESS, wc.status, "victimUnharmed: " + wc);
            }
            assertTrue(Arrays.equals(data, proc.read(region(WRITE), 64)), "victimUnharmed: the peer's WRITE");
            assertTrue(Arrays.equals(proc.read(region(READ), 64), peer.read(peerBuf + 4096, 64)),
                    "victimUnharmed: the victim's SEND");
        }

        void destroy() {
            proc.drainEvents();
            peer.drainEvents();
            for (IbvQp q : List.of(rc, ud)) {
                assertEquals(0, q.destroy(), "noObjectLeak: the victim's " + q);
            }
            assertEquals(0, peerRc.destroy(), "noObjectLeak: the peer's QP");
            for (IbvMr m : mrs) {
                assertEquals(0, m.dereg(), "noObjectLeak: the victim's MR");
            }
            assertEquals(0, peerMr.dereg(), "noObjectLeak: the peer's MR");
            assertEquals(0, cq.destroy(), "noObjectLeak: the victim's CQ");
            assertEquals(0, peerCq.destroy(), "noObjectLeak: the peer's CQ");
            assertEquals(0, pd.dealloc(), "noObjectLeak: the victim's PD");
            assertEquals(0, peerPd.dealloc(), "noObjectLeak: the peer's PD");
            proc.close();
            peer.close();
        }
    }

    static List<IbvWc> poll(IbvCq cq) {
        List<IbvWc> out = new ArrayList<>();
        IbvWc[] wc = {new IbvWc()};
        while (out.size() < 1024 && cq.poll(1, wc) == 1) {
            out.add(wc[0]);
            wc[0] = new IbvWc();
        }
        return out;
    }

    private static List<IbvWc> concat(List<IbvWc> a, List<IbvWc> b) {
        List<IbvWc> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** An attacker's QP and the type it was created with. */
    record AttackerQp(IbvQp qp, int type) {
    }

    /** An attacker process and everything it made; its buffer is all it can read. */
    static final class Attacker {
        static final int BUF = 32 * 1024;
        static final int QKEY = 0x0bad_0bad;
        final Proc proc;
        final long buf;
        final IbvCq cq;
        final List<IbvPd> pds = new ArrayList<>();
        final List<IbvMr> mrs = new ArrayList<>();
        final List<AttackerQp> qps = new ArrayList<>();
        final List<IbvSrq> srqs = new ArrayList<>();
        final List<IbvAh> ahs = new ArrayList<>();
        final List<Keyed> freed = new ArrayList<>();

        Attacker(Proc proc) {
            this.proc = proc;
            buf = proc.ibv.alloc(BUF);
            byte[] mine = new byte[BUF];
            for (int i = 0; i < BUF; i++) {
                mine[i] = (byte) ((i * 31 + proc.hostIndex * 7) & 0x7f);
            }
            proc.write(buf, mine);
            pds.add(proc.ctx.allocPd());
            int all = IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ
                    | IbvAccessFlags.REMOTE_ATOMIC;
            mrs.add(pds.get(0).regMr(buf, BUF, all));
            cq = proc.ctx.createCq(512, this, null, 0);
            qps.add(new AttackerQp(createQp(pds.get(0), cq, IbvQpType.RC, null, 64), IbvQpType.RC));
            qps.add(new AttackerQp(createQp(pds.get(0), cq, IbvQpType.UD, null, 64), IbvQpType.UD));
            assertEquals(0, connect(qps.get(1).qp(), IbvQpType.UD, 0, 0, 0, 0, 0, QKEY), "attacker UD");
            // An address handle to each host's port 1: a UD send needs one.
            for (int h = 0; h < 3; h++) {
                IbvAhAttr attr = new IbvAhAttr();
                attr.dlid = proc.world.lid(h);
                attr.portNum = 1;
                ahs.add(pds.get(0).createAh(attr));
            }
        }

        /** Its RC QP to the other attacker's, both in RTS: a connection it may misuse. */
        void connectTo(Attacker other) {
            int all = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
            assertEquals(0, connect(qps.get(0).qp(), IbvQpType.RC, all, other.qps.get(0).qp().qpNum(),
                    other.proc.lid(), 0, 0, 0), "attacker RC");
        }

        /** Polls its CQ and reads its async events, as a process must to destroy its objects. */
        String reap() {
            StringBuilder b = new StringBuilder();
            for (IbvWc wc : poll(cq)) {
                b.append(b.isEmpty() ? "" : ", ").append(wc.wrId).append(' ').append(wc.status);
            }
            List<String> events = proc.drainEvents();
            if (!events.isEmpty()) {
                b.append(b.isEmpty() ? "" : ", ").append("events ").append(events);
            }
            return b.toString();
        }

        void destroyAll() {
            reap();
            for (AttackerQp q : qps) {
                assertEquals(0, q.qp().destroy(), "noObjectLeak: " + proc.name + ": " + q.qp());
            }
            for (IbvSrq s : srqs) {
                assertEquals(0, s.destroy(), "noObjectLeak: " + proc.name + ": an SRQ");
            }
            for (IbvAh ah : ahs) {
                assertEquals(0, ah.destroy(), "noObjectLeak: " + proc.name + ": an AH");
            }
            for (IbvMr m : mrs) {
                assertEquals(0, m.dereg(), "noObjectLeak: " + proc.name + ": an MR");
            }
            assertEquals(0, cq.destroy(), "noObjectLeak: " + proc.name + ": its CQ");
            for (IbvPd p : pds) {
                assertEquals(0, p.dealloc(), "noObjectLeak: " + proc.name + ": " + p);
            }
            proc.close();
        }
    }

    /** A key and the range it covers, as whoever registered it sees the range. */
    record Keyed(int lkey, int rkey, long start, long length) {
        static Keyed of(IbvMr m) {
            return new Keyed(m.lkey(), m.rkey(), m.addr(), m.length());
        }
    }

    /** What an attacker may name: every key, address, QPN, LID and Q_Key it could know or guess. */
    static final class Pools {
        private static final long[] WRAPPING = {Long.MAX_VALUE - 7, -8L, 0xffff_ffff_ffff_f000L, Long.MIN_VALUE,
            UserAddressSpace.TASK_SIZE - 8, 0xffff_ffffL};
        private static final int[] LENGTHS = {0, 1, 8, 64, 1000, 1024, 4096, 4097, 8192, 0x7fff_ffff, -1};
        private final Run run;
        /**
         * Every key the devices hold but the attackers' own, which change as they go: the victim's,
         * the peer's, and each kernel's region and local DMA key (over a secret page, where a
         * process that held it would aim it).
         */
        private final List<Keyed> fixed = new ArrayList<>();

        Pools(Run run) {
            this.run = run;
            Victim v = run.victim;
            for (IbvMr m : v.mrs) {
                fixed.add(Keyed.of(m));
            }
            fixed.add(Keyed.of(v.peerMr));
            for (KernelSecret k : run.kernels) {
                fixed.add(new Keyed(k.mr.lkey(), k.mr.rkey(), k.page, KernelSecret.PAGES * 4096L));
                fixed.add(new Keyed(k.pd.localDmaLkey(), k.pd.localDmaLkey(), k.page, KernelSecret.PAGES * 4096L));
            }
            // The victim's pages by physical address, through the local DMA keys.
            for (int i = 0; i < v.physical.length; i++) {
                int key = run.kernels[0].pd.localDmaLkey();
                fixed.add(new Keyed(key, key, v.physical[i], 4096));
            }
        }

        /**
         * A key and what it covers: mostly the attacker's own, then every other key the devices
         * hold, one the attacker freed, or a key of any of them with another tag (HCA.md §4.1: an
         * MPT index and an 8-bit tag; indexes are easy to guess).
         */
        Keyed keyed(Attacker a, int c) {
            int sel = c >>> 4;
            Attacker other = run.attackers[0] == a ? run.attackers[1] : run.attackers[0];
            return switch (c % 16) {
                case 0, 1, 2, 3, 4 -> own(a, sel);
                case 5, 6 -> own(other, sel);
                case 7, 8, 9, 10, 11 -> fixed.get(sel % fixed.size());
                case 12 -> a.freed.isEmpty() ? own(a, sel) : a.freed.get(sel % a.freed.size());
                case 13 -> retag(fixed.get(sel % fixed.size()), sel >>> 5);
                case 14 -> retag(own(a, sel), sel >>> 5);
                default -> new Keyed(sel % 3 == 0 ? 0 : sel, sel, a.buf, Attacker.BUF);
            };
        }

        /** A key no attacker registered. */
        Keyed foreign(int c) {
            return fixed.get(c % fixed.size());
        }

        private static Keyed own(Attacker a, int sel) {
            return a.mrs.isEmpty() ? new Keyed(0, 0, a.buf, Attacker.BUF) : Keyed.of(a.mrs.get(sel % a.mrs.size()));
        }

        private static Keyed retag(Keyed k, int sel) {
            return new Keyed(retag(k.lkey(), sel), retag(k.rkey(), sel), k.start(), k.length());
        }

        private static int retag(int key, int sel) {
            return key & ~0xff | (key + 1 + sel % 255) & 0xff;
        }

        /** An address inside {@code k}'s range mostly; or near its edges, in another range, or one that wraps. */
        long addr(Attacker a, Keyed k, int c) {
            int sel = c >>> 3;
            return switch (c % 8) {
                case 0, 1, 2, 3 -> k.start() + (sel % Math.max(1, k.length()) & ~7);
                case 4 -> k.start() - 64 + sel % 128;
                case 5 -> k.start() + k.length() - 64 + sel % 128;
                case 6 -> WRAPPING[sel % WRAPPING.length];
                default -> keyed(a, sel).start() + (sel >>> 4) % 4096;
            };
        }

        static int length(int c) {
            return c % 4 != 0 ? 1 + (c >>> 2) % 1024 : LENGTHS[(c >>> 2) % LENGTHS.length];
        }

        /** A QPN and the LID it lives at: a real pair mostly, either of them anything otherwise. */
        int[] target(Attacker a, int c) {
            int sel = c >>> 4;
            Attacker other = run.attackers[0] == a ? run.attackers[1] : run.attackers[0];
            Victim v = run.victim;
            int[] t = switch (c % 10) {
                case 0, 1, 2 -> qpOf(other, sel);
                case 3 -> qpOf(a, sel);
                case 4 -> new int[] {v.rc.qpNum(), v.proc.lid()};
                case 5 -> new int[] {v.ud.qpNum(), v.proc.lid()};
                case 6 -> new int[] {v.peerRc.qpNum(), v.peer.lid()};
                case 7 -> new int[] {sel % 2, lid(sel >>> 1)};
                case 8 -> new int[] {0xff_ffff, lid(sel >>> 1)};
                default -> new int[] {sel & 0xff_ffff, lid(sel >>> 24)};
            };
            if ((sel & 0x70) == 0) {
                t[1] = lid(sel >>> 7);
            }
            return t;
        }

        private static int[] qpOf(Attacker a, int sel) {
            if (a.qps.isEmpty()) {
                return new int[] {1, a.proc.lid()};
            }
            return new int[] {a.qps.get(sel % a.qps.size()).qp().qpNum(), a.proc.lid()};
        }

        int lid(int c) {
            return switch (c % 7) {
                case 0, 1, 2 -> run.world.lid(c % 3);
                case 3 -> 0xffff;
                case 4 -> 0xc001;
                case 5 -> 0;
                default -> World.SWITCH_LID;
            };
        }

        static int qkey(int c) {
            return switch (c % 6) {
                case 0 -> Victim.QKEY;
                case 1 -> 0x8001_0000;
                case 2 -> Attacker.QKEY;
                case 3 -> c >>> 3;
                case 4 -> 0x8000_0000 | c >>> 3;
                default -> 0;
            };
        }

        /** Values whose every byte is below 0x40, so no sum of a few reaches a secret's magic. */
        static long operand(int c) {
            return ((long) c << 29 ^ c) & 0x3f3f_3f3f_3f3f_3f3fL;
        }
    }

    /** Decodes one step into one verb of one attacker and runs it; returns what it did and got. */
    static final class Verb {
        private static final int[] SEND_OPCODES = {IbvWrOpcode.SEND, IbvWrOpcode.SEND_WITH_IMM,
            IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.RDMA_WRITE_WITH_IMM, IbvWrOpcode.RDMA_READ,
            IbvWrOpcode.ATOMIC_CMP_AND_SWP, IbvWrOpcode.ATOMIC_FETCH_AND_ADD, IbvWrOpcode.SEND_WITH_INV,
            IbvWrOpcode.LOCAL_INV, IbvWrOpcode.RDMA_READ, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND,
            IbvWrOpcode.ATOMIC_FETCH_AND_ADD, IbvWrOpcode.RDMA_READ, 99};
        private final Run run;
        private final Attacker a;
        private final Step s;
        private final Pools pools;

        Verb(Run run, Attacker a, Step s) {
            this.run = run;
            this.a = a;
            this.s = s;
            this.pools = run.pools;
        }

        /** A 0 choice is the first attacker's plain SEND on its connection, so shrinking heads there. */
        String run() {
            int v = s.at(0) % 24;
            return switch (v) {
                case 0, 1, 2, 3, 4, 5, 6, 7 -> postSend();
                case 8, 9, 10 -> postRecv();
                case 11, 12 -> regMr();
                case 13 -> deregMr();
                case 14 -> allocPd();
                case 15 -> deallocPd();
                case 16, 17 -> createQp();
                case 18, 19 -> connectQp();
                case 20 -> modifyQp();
                case 21 -> createSrq();
                case 22 -> createAh();
                default -> destroy();
            };
        }

        private <T> T pick(List<T> l, int c) {
            return l.isEmpty() ? null : l.get(c % l.size());
        }

        private IbvPd pd() {
            return pick(a.pds, s.at(2));
        }

        /** Half the time an entry inside one of its own regions, so that the rest of the request is what is tried. */
        private IbvSge sge(int k, int ad, int len) {
            IbvMr m = pick(a.mrs, s.at(k) >>> 1);
            if (s.at(k) % 2 == 0 && m != null) {
                // A region may be empty (ibv_reg_mr of 0 bytes): then its entry is at its start.
                long off = s.at(ad) % Math.max(1, m.length()) & ~7;
                return new IbvSge(m.addr() + off, (int) Math.min(m.length() - off, 1 + s.at(len) % 2048), m.lkey());
            }
            Keyed key = pools.keyed(a, s.at(k) >>> 1);
            return new IbvSge(pools.addr(a, key, s.at(ad)), Pools.length(s.at(len)), key.lkey());
        }

        private List<IbvSge> sges(int count) {
            List<IbvSge> l = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                l.add(sge(3 + i, 4 + i, 6 + i));
            }
            return l;
        }

        private String postSend() {
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            if (q == null) {
                return "post_send: no QP";
            }
            IbvSendWr wr = new IbvSendWr();
            wr.wrId = s.at(9);
            // A UD QP sends and nothing else; it is asked for anything else now and then.
            wr.opcode = q.type() == IbvQpType.UD && s.at(2) % 8 != 0 ? SEND_OPCODES[s.at(2) % 2]
                    : SEND_OPCODES[s.at(2) % SEND_OPCODES.length];
            int flags = s.at(2) >>> 4;
            wr.sendFlags = IbvWrOpcode.SEND_SIGNALED | (flags & (IbvWrOpcode.SEND_FENCE | IbvWrOpcode.SEND_SOLICITED))
                    | ((flags >>> 4) % 4 == 0 ? IbvWrOpcode.SEND_INLINE : 0) | ((flags >>> 6) % 16 == 0 ? 0x80 : 0);
            wr.sgList = sges(s.at(3) % 3);
            // A third of the remote keys are the victim's, the peer's or a kernel's: the ones that matter most.
            Keyed remote = s.at(5) % 3 == 0 ? pools.foreign(s.at(5) >>> 2) : pools.keyed(a, s.at(5) >>> 1);
            wr.remoteAddr = pools.addr(a, remote, s.at(8));
            wr.rkey = (s.at(5) >>> 1) % 11 == 0 ? remote.lkey() : remote.rkey();
            wr.compareAdd = Pools.operand(s.at(8));
            wr.swap = Pools.operand(s.at(9));
            // The invalidated key of SEND_WITH_INV goes where the immediate does (ex.invalidate_rkey).
            wr.immData = wr.opcode == IbvWrOpcode.SEND_WITH_INV || wr.opcode == IbvWrOpcode.LOCAL_INV
                    ? pools.keyed(a, s.at(7) >>> 1).rkey() : s.at(7);
            String to = "";
            if (q.type() == IbvQpType.UD) {
                int[] t = pools.target(a, s.at(6) >>> 1);
                wr.ah = pick(a.ahs, s.at(6));
                wr.remoteQpn = t[0];
                wr.remoteQkey = Pools.qkey(s.at(7) >>> 2);
                if (t[0] == run.victim.ud.qpNum() && (wr.remoteQkey == Victim.QKEY || wr.remoteQkey < 0)) {
                    run.udKeyed = true;
                }
                to = String.format(" to QPN 0x%x Q_Key 0x%08x via AH %d", wr.remoteQpn, wr.remoteQkey,
                        wr.ah == null ? -1 : wr.ah.handle());
            }
            int ret = q.qp().postSend(wr, new IbvSendWr[1]);
            return String.format("post_send %s op %d flags 0x%x sges %s raddr 0x%x rkey 0x%08x imm 0x%x%s = %d",
                    q.qp(), wr.opcode, wr.sendFlags, wr.sgList, wr.remoteAddr, wr.rkey, wr.immData, to, ret);
        }

        private String postRecv() {
            List<IbvSge> l = sges(1 + s.at(3) % 2);
            if (s.at(2) % 3 != 0 && !a.mrs.isEmpty()) {
                // Mostly a receive a message can land in: the process's own buffer and key.
                IbvMr m = pick(a.mrs, s.at(4));
                l = List.of(new IbvSge(m.addr() + (s.at(5) % Math.max(1, m.length()) & ~7), 2048, m.lkey()));
            }
            IbvRecvWr wr = new IbvRecvWr(s.at(9), l.toArray(new IbvSge[0]));
            if (s.at(2) % 5 == 0 && !a.srqs.isEmpty()) {
                IbvSrq srq = pick(a.srqs, s.at(1) >>> 1);
                return "post_srq_recv " + l + " = " + srq.postRecv(wr, new IbvRecvWr[1]);
            }
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            return q == null ? "post_recv: no QP" : "post_recv " + q.qp() + " " + l + " = "
                    + q.qp().postRecv(wr, new IbvRecvWr[1]);
        }

        private String regMr() {
            IbvPd pd = pd();
            if (pd == null) {
                return "reg_mr: no PD";
            }
            long addr = s.at(3) % 4 == 0 ? pools.addr(a, pools.keyed(a, s.at(3) >>> 2), s.at(4))
                    : a.buf + (s.at(4) % Attacker.BUF & ~4095);
            long len = s.at(5) % 4 == 0 ? Pools.length(s.at(6)) & 0xffff_ffffL : 1 + s.at(6) % Attacker.BUF;
            int access = s.at(7) & 0x1f;
            IbvMr m = pd.regMr(addr, len, access);
            if (m != null) {
                a.mrs.add(m);
            }
            return String.format("reg_mr %s 0x%x+0x%x access 0x%x = %s", pd, addr, len, access,
                    m == null ? "errno " + a.proc.ibv.errno() : String.format("lkey 0x%08x", m.lkey()));
        }

        private String deregMr() {
            IbvMr m = pick(a.mrs, s.at(2));
            if (m == null) {
                return "dereg_mr: none";
            }
            int ret = m.dereg();
            if (ret == 0) {
                a.mrs.remove(m);
                a.freed.add(Keyed.of(m));
            }
            return String.format("dereg_mr 0x%08x = %d", m.lkey(), ret);
        }

        private String allocPd() {
            IbvPd pd = a.proc.ctx.allocPd();
            if (pd != null) {
                a.pds.add(pd);
            }
            return "alloc_pd = " + pd;
        }

        private String deallocPd() {
            IbvPd pd = pd();
            if (pd == null) {
                return "dealloc_pd: none";
            }
            int ret = pd.dealloc();
            if (ret == 0) {
                a.pds.remove(pd);
            }
            return "dealloc_pd " + pd + " = " + ret;
        }

        private String createQp() {
            IbvPd pd = pd();
            if (pd == null) {
                return "create_qp: no PD";
            }
            int type = new int[] {IbvQpType.RC, IbvQpType.UC, IbvQpType.UD}[s.at(3) % 3];
            IbvSrq srq = type != IbvQpType.UD && s.at(4) % 3 == 0 ? pick(a.srqs, s.at(5)) : null;
            int inline = s.at(6) % 4 == 0 ? s.at(7) % 1024 : 64;
            IbvQp qp = ProcessIsolationPropertyTest.createQp(pd, a.cq, type, srq, inline);
            if (qp != null) {
                a.qps.add(new AttackerQp(qp, type));
            }
            return "create_qp type " + type + (srq == null ? "" : " on an SRQ") + " = "
                    + (qp == null ? "errno " + a.proc.ibv.errno() : qp);
        }

        private String connectQp() {
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            if (q == null) {
                return "connect: no QP";
            }
            int[] t = pools.target(a, s.at(2));
            int psn = s.at(3) % 4 == 0 ? s.at(4) & 0xff_ffff : 0;
            int pathBits = s.at(5) % 4 == 0 ? s.at(6) & 0x7f : 0;
            int qkey = Pools.qkey(s.at(7));
            int access = s.at(8) & 0xf;
            int ret = reconnect(q, access, t[0], t[1], pathBits, psn, qkey);
            String back = "";
            // The attackers collude: a QP of theirs that is named connects back, so the pair works.
            AttackerQp peer = ownedAt(t[0], t[1]);
            if (peer != null && peer != q && q.type() != IbvQpType.UD) {
                int all = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
                back = ", back " + reconnect(peer, all, q.qp().qpNum(), a.proc.lid(), 0, psn, qkey);
            }
            return String.format("connect %s to QPN 0x%x LID 0x%x path bits 0x%x PSN 0x%x Q_Key 0x%08x access 0x%x"
                    + " = %d%s", q.qp(), t[0], t[1], pathBits, psn, qkey, access, ret, back);
        }

        private static int reconnect(AttackerQp q, int access, int dqpn, int dlid, int pathBits, int psn, int qkey) {
            int ret = q.qp().modify(new IbvQpAttr(), IbvQpAttrMask.STATE);
            return ret != 0 ? ret : connect(q.qp(), q.type(), access, dqpn, dlid, pathBits, psn, qkey);
        }

        /** The attackers' QP of {@code qpn} on the host of {@code lid}, if any. */
        private AttackerQp ownedAt(int qpn, int lid) {
            for (Attacker x : run.attackers) {
                for (AttackerQp q : x.qps) {
                    if (x.proc.lid() == lid && q.qp().qpNum() == qpn) {
                        return q;
                    }
                }
            }
            return null;
        }

        /** Any transition with any mask, every field from the pools: what uverbs and the driver must refuse. */
        private String modifyQp() {
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            if (q == null) {
                return "modify_qp: no QP";
            }
            IbvQpAttr attr = new IbvQpAttr();
            attr.qpState = IbvQpState.values()[s.at(2) % IbvQpState.values().length];
            attr.curQpState = IbvQpState.values()[s.at(2) / 7 % IbvQpState.values().length];
            int mask = s.at(3) & 0x1f_ffff & ~IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.STATE;
            int[] t = pools.target(a, s.at(4));
            attr.destQpNum = t[0];
            attr.ahAttr.dlid = t[1];
            attr.ahAttr.portNum = s.at(5) % 3;
            attr.ahAttr.srcPathBits = s.at(5) >>> 2 & 0x7f;
            attr.altAhAttr.dlid = pools.lid(s.at(6));
            attr.altAhAttr.portNum = s.at(6) >>> 3 & 3;
            attr.altPortNum = s.at(6) >>> 5 & 3;
            attr.portNum = s.at(7) % 3;
            attr.pkeyIndex = s.at(7) >>> 2 & 0x3;
            attr.qkey = Pools.qkey(s.at(8));
            attr.qpAccessFlags = s.at(8) >>> 4 & 0xf;
            attr.pathMtu = s.at(9) % 6;
            attr.rqPsn = s.at(9) >>> 3 & 0xff_ffff;
            attr.sqPsn = attr.rqPsn;
            attr.maxRdAtomic = s.at(9) >>> 4 & 0x1f;
            attr.maxDestRdAtomic = s.at(9) >>> 9 & 0x1f;
            attr.timeout = 10;
            attr.retryCnt = s.at(9) >>> 14 & 7;
            attr.pathMigState = s.at(9) >>> 17 & 3;
            int ret = q.qp().modify(attr, mask);
            return String.format("modify_qp %s to %s mask 0x%x QPN 0x%x LID 0x%x = %d", q.qp(), attr.qpState, mask,
                    t[0], t[1], ret);
        }

        private String createSrq() {
            IbvPd pd = pd();
            if (pd == null) {
                return "create_srq: no PD";
            }
            IbvSrq srq = pd.createSrq(null, new IbvSrqAttr(1 + s.at(3) % 16, 1 + s.at(4) % 2, 0));
            if (srq != null) {
                a.srqs.add(srq);
            }
            return "create_srq = " + (srq == null ? "errno " + a.proc.ibv.errno() : "ok");
        }

        private String createAh() {
            IbvPd pd = pd();
            if (pd == null) {
                return "create_ah: no PD";
            }
            IbvAhAttr attr = new IbvAhAttr();
            attr.dlid = pools.target(a, s.at(3))[1];
            attr.portNum = s.at(4) % 4 == 0 ? s.at(4) >>> 2 & 3 : 1;
            attr.sl = s.at(5) & 0xf;
            attr.srcPathBits = s.at(5) % 4 == 0 ? s.at(5) >>> 4 & 0x7f : 0;
            attr.isGlobal = s.at(6) % 5 == 0;
            attr.sgidIndex = s.at(6) >>> 3 & 3;
            attr.hopLimit = 64;
            attr.dgid[15] = (byte) s.at(7);
            IbvAh ah = pd.createAh(attr);
            if (ah != null) {
                a.ahs.add(ah);
            }
            return String.format("create_ah DLID 0x%x port %d path bits 0x%x global %b = %s", attr.dlid, attr.portNum,
                    attr.srcPathBits, attr.isGlobal, ah == null ? "errno " + a.proc.ibv.errno() : "ok");
        }

        /** Destroys a QP, an SRQ or an AH; one still in use must be refused and stay. */
        private String destroy() {
            a.reap();
            switch (s.at(2) % 3) {
                case 0 -> {
                    AttackerQp q = pick(a.qps, s.at(3));
                    if (q == null) {
                        return "destroy_qp: none";
                    }
                    int ret = q.qp().destroy();
                    if (ret == 0) {
                        a.qps.remove(q);
                    }
                    return "destroy_qp " + q.qp() + " = " + ret;
                }
                case 1 -> {
                    IbvSrq srq = pick(a.srqs, s.at(3));
                    if (srq == null) {
                        return "destroy_srq: none";
                    }
                    int ret = srq.destroy();
                    if (ret == 0) {
                        a.srqs.remove(srq);
                    }
                    return "destroy_srq = " + ret;
                }
                default -> {
                    IbvAh ah = pick(a.ahs, s.at(3));
                    if (ah == null) {
                        return "destroy_ah: none";
                    }
                    int ret = ah.destroy();
                    if (ret == 0) {
                        a.ahs.remove(ah);
                    }
                    return "destroy_ah = " + ret;
                }
            }
        }
    }
}
