// Property: on the in-memory device a process reaches only what its own PDs registered or what
// another process granted to whoever reaches its QPs (IBA 10.6.3 memory protection, 10.2.3
// protection domains); drivers/infiniband/core/uverbs_cmd.c gives a process no kernel key, and
// drivers/infiniband/sw/rxe/rxe_resp.c check_rkey and rxe_mr.c lookup_mr hold every key to one PD
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.ResType;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.sw.mem.MemKeyCheckBug;
import org.ibmodel.uverbs.UObject;
import org.ibmodel.uverbs.UverbsFile;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/**
 * One host with the in-memory device, which runs every QP by loopback. A victim process has six
 * registered regions of secret bytes (local only, remote-read, remote-write, remote-atomic, RC
 * receive buffers, UD receive buffers), an RC pair and a UC pair connected to each other, and a UD
 * QP, with receives posted; the kernel has a PD (whose local DMA key is the device's reserved
 * lkey), a region with every access over two pages of secret bytes, a UD QP with a controlled
 * Q_Key and QP0, each with a receive posted into a secret page through the reserved lkey. Two
 * attacker processes start with a PD, a region over their own buffer, a CQ, an AH to the port, an
 * RC QP connected to each other and a UD QP, and then run random verbs through the library:
 * alloc/dealloc PD, reg/dereg MR with any access, create QPs (RC, UC, UD, on an SRQ), SRQs and
 * AHs, connect or modify QPs to any QPN (theirs, the victim's, the kernel's, QP0, QP1) with any
 * Q_Key, post receives and sends of every opcode (inline too) with keys drawn from every key the
 * device holds (the victim's, the kernel's, the reserved lkey, their own, freed ones, ones with
 * another tag or index) and addresses drawn from their own buffers, the victim's user addresses,
 * the host physical addresses of every secret and values that wrap.
 *
 * <p>Loopback carries no identity a responder could check (rxe_recv.c check_addr compares the
 * packet's addresses with the QP's, which are all one host's): an attacker's QP that names a
 * victim QP reaches it, as IBA allows. So what the victim grants through that QP is granted to
 * the attacker once one of its QPs of the same type names it: the RC pair grants remote read,
 * write and atomics and has receives posted, the UC pair grants remote write only.
 *
 * <p>Invariants, after every step: {@code noLeak} (no secret word is in the mapped memory of
 * either attacker, but for words of the remote-read and remote-atomic regions once an attacker's
 * RC QP named the victim's); {@code untouchable} (the victim's regions and the kernel's pages
 * never change, but for what the victim granted a QP that named its own, and its UD receive
 * buffers once an attacker sent a datagram to its QPN with its Q_Key or a controlled one);
 * {@code noOops} (no Java exception leaves a verb, a run of the kernel's deferred work or a
 * poll). At the end: {@code victimUnharmed} (unless an attacker reached its RC pair, which then
 * may be in error as rxe_resp.c leaves it, the pair still moves data both ways) and
 * {@code noObjectLeak} (one attacker destroys everything it made, each destroy succeeding, and the
 * other exits; then the device's and the open files' counts are the victim's and the kernel's
 * again, no attacker page is pinned and its pinned_vm is 0; after the victim and the kernel free
 * theirs, the device counts nothing). Each mutation test breaks one key check of the device
 * ({@link MemKeyCheckBug}) and shows the property fails. Replay: {@code mvn -B -o -pl model -am
 * test -Dtest=MemProcessIsolationPropertyTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dibmodel.seed=SEED}.
 */
class MemProcessIsolationPropertyTest {
    private static final String NAME = "MemProcessIsolationPropertyTest";
    private static final long DEFAULT_SEED = 0x150_1a7eL;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
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
        assertFalsified(MemKeyCheckBug.IGNORES_PD, "noLeak", "untouchable");
    }

    @Test
    void shouldFindADeviceThatLetsAProcessUseTheReservedLkey() {
        assertFalsified(MemKeyCheckBug.USER_RESERVED_LKEY, "noLeak", "untouchable");
    }

    @Test
    void shouldFindADeviceThatIgnoresTheRegionsBounds() {
        assertFalsified(MemKeyCheckBug.IGNORES_BOUNDS, "noLeak", "untouchable", "noOops");
    }

    /** {@code bug} makes the property fail, for one of the reasons {@code expected} names. */
    private static void assertFalsified(MemKeyCheckBug bug, String... expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> check(bug, MUTANT_EXAMPLES));
        assertTrue(Arrays.stream(expected).anyMatch(e.getMessage()::contains), e.getMessage());
    }

    private static void check(MemKeyCheckBug bug, int examples) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        UnaryOperator<DeviceOps> wrap = bug == null ? UnaryOperator.identity() : bug.install();
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(20)
                .withReporter(new SeedReporter(seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSize(CHOICES)
                                .map(Step::new)).ofSizeBetween(1, MAX_STEPS))
                .checkAssert((worldSeed, steps) -> new Run(wrap).attack(steps));
    }

    /** Reports a falsified property with the seed and the command that replays it. */
    record SeedReporter(long seed) implements Reporter {
        String replay() {
            return NAME + " failed with seed " + seed + "; replay with:\n  mvn -B -o -pl model -am test -Dtest="
                    + NAME + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed;
        }

        @Override
        public void falisification(long qtSeed, int examples, Object smallest, Throwable cause, List<Object> others,
                AsString<Object> show) {
            throw new AssertionError(replay() + "\nfalsified after " + examples + " example(s); smallest: "
                    + show.asString(smallest) + "\n" + cause, cause);
        }

        @Override
        public void falisification(long qtSeed, int examples, Object smallest, List<Object> others,
                AsString<Object> show) {
            throw new AssertionError(replay() + "\nfalsified after " + examples + " example(s): "
                    + show.asString(smallest));
        }

        @Override
        public void valuesExhausted(int examples) {
            throw new AssertionError(replay() + "\nonly " + examples + " examples could be generated");
        }
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
        final VerbsWorld world;
        final KernelSecret kernel;
        final Victim victim;
        final Map<ResType, Integer> before = new EnumMap<>(ResType.class);
        final Attacker[] attackers = new Attacker[2];
        final Pools pools;
        final List<String> log = new ArrayList<>();
        /** Whether a datagram may have reached the victim's UD QP with its Q_Key. */
        boolean udKeyed;
        /** Whether an attacker's QP named one of the victim's RC pair, or of its UC pair. */
        boolean rcReached;
        boolean ucReached;

        Run(UnaryOperator<DeviceOps> wrap) {
            world = new VerbsWorld(wrap);
            kernel = new KernelSecret(world.host.device());
            victim = new Victim(world);
            for (ResType t : ResType.values()) {
                before.put(t, world.host.device().liveCount(t));
            }
            attackers[0] = new Attacker(world, "attacker 0", 0);
            attackers[1] = new Attacker(world, "attacker 1", 1);
            attackers[0].connectTo(attackers[1]);
            attackers[1].connectTo(attackers[0]);
            pools = new Pools(this);
            world.run();
        }

        void attack(List<Step> steps) {
            try {
                byte[][] secrets = secrets();
                checkLeak("before the first step");
                for (int i = 0; i < steps.size(); i++) {
                    Step s = steps.get(i);
                    Attacker a = attackers[s.at(1) & 1];
                    String what = a.name + ": " + new Verb(this, a, s).run();
                    world.run();
                    log.add(i + ": " + what + completions(a));
                    noteReach();
                    checkSecrets(secrets, "after step " + i);
                    checkLeak("after step " + i);
                }
                if (!rcReached) {
                    victim.exchange();
                }
                teardown();
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nsteps:\n  " + String.join("\n  ", log), e);
            } catch (RuntimeException e) {
                throw new AssertionError("noOops: " + e + "\nsteps:\n  " + String.join("\n  ", log), e);
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

        /**
         * Whether any QP but the victim's own names a QP of the victim's connected pairs, as the
         * kernel holds it: a connect, a modify with any mask, or one that half failed may set it.
         */
        private void noteReach() {
            for (UverbsFile f : world.host.uverbs0().openFiles()) {
                for (UObject u : f.objects()) {
                    if (u.object() instanceof Qp q && !victim.owns(q.qpNum())) {
                        int dest = q.attr().destQpNum & Qp.QPN_MASK;
                        rcReached |= q.type() == QpType.RC && (dest == victim.rc[0].qpNum()
                                || dest == victim.rc[1].qpNum());
                        ucReached |= q.type() == QpType.UC && (dest == victim.uc[0].qpNum()
                                || dest == victim.uc[1].qpNum());
                    }
                }
            }
        }

        /** Every secret as it is now: the victim's regions, then the kernel's pages. */
        private byte[][] secrets() {
            byte[][] s = new byte[Victim.REGIONS + 1][];
            for (int r = 0; r < Victim.REGIONS; r++) {
                s[r] = victim.read(victim.region(r), Victim.REGION);
            }
            s[Victim.REGIONS] = kernel.read();
            return s;
        }

        private static final String[] NAMES = {"the victim's local-only region", "the victim's remote-read region",
            "the victim's remote-write region", "the victim's remote-atomic region", "the victim's RC receive buffers",
            "the victim's UD receive buffers", "the kernel's pages"};

        /** Whether the victim granted region {@code r} to a QP an attacker holds. */
        private boolean granted(int r) {
            return switch (r) {
                case Victim.WRITE -> rcReached || ucReached;
                case Victim.ATOMIC, Victim.RC_RECV -> rcReached;
                case Victim.UD_RECV -> udKeyed;
                default -> false;
            };
        }

        /** {@code untouchable}: the first byte of a secret that changed, and when. */
        private void checkSecrets(byte[][] before, String when) {
            byte[][] now = secrets();
            for (int i = 0; i < now.length; i++) {
                if (i < Victim.REGIONS && granted(i)) {
                    continue;
                }
                int at = Arrays.mismatch(before[i], now[i]);
                if (at >= 0) {
                    fail(String.format("untouchable: %s changed %s: byte 0x%x was 0x%02x, is 0x%02x", NAMES[i], when,
                            at, before[i][at], now[i][at]));
                }
            }
        }

        /** {@code noLeak}: no secret word the attackers were not granted in any page they map. */
        private void checkLeak(String when) {
            Set<Integer> readable = new HashSet<>();
            if (rcReached) {
                readable.add(Secret.VICTIM + Victim.READ);
                readable.add(Secret.VICTIM + Victim.ATOMIC);
            }
            for (Attacker a : attackers) {
                UserAddressSpace mm = a.ibv.task().mm();
                for (long p = UserHeap.BASE; p < UserHeap.BASE + (long) mm.mappedPages() * 4096; p += 4096) {
                    if (!mm.isMapped(p, 4096)) {
                        continue;
                    }
                    byte[] mine = VerbsWorld.peek(a.ibv, p, 4096);
                    int at = Secret.find(mine, readable);
                    if (at >= 0) {
                        fail(String.format("noLeak: %s's page 0x%x holds a secret word %s at offset 0x%x: %s",
                                a.name, p, when, at, Secret.describe(mine, at)));
                    }
                }
            }
        }

        /** {@code noObjectLeak}: everything goes, and every count is back where it was. */
        private void teardown() {
            attackers[0].destroyAll();
            attackers[1].ibv.task().exit();
            world.run();
            for (Attacker a : attackers) {
                UserAddressSpace mm = a.ibv.task().mm();
                assertEquals(0, mm.pinCount(), "noObjectLeak: " + a.name + " has pages pinned");
                assertEquals(0, mm.pinnedVm(), "noObjectLeak: " + a.name + "'s pinned_vm");
            }
            IbDevice dev = world.host.device();
            for (ResType t : ResType.values()) {
                assertEquals(before.get(t), dev.liveCount(t), "noObjectLeak: the device's " + t + " once the "
                        + "attackers are gone: " + world.liveSummary());
                assertEquals(victim.owned(t), world.host.uverbs0().liveCountOverFiles(t),
                        "noObjectLeak: the open files' " + t);
            }
            victim.destroy();
            kernel.destroy();
            world.run();
            assertEquals(0, world.liveObjects(), "noObjectLeak: the device holds " + world.liveSummary());
            assertNull(world.host.accountingError(), "noObjectLeak");
            assertEquals(List.of(), world.host.uverbs0().openFiles(), "noObjectLeak: files left open");
        }
    }

    /**
     * The secret bytes: every 8-byte word is a magic number naming its owner, then the word's
     * index, so any 4 bytes of a magic, copied whole in either byte order, name whose they were.
     * The attackers' own bytes are all below 0x80, and the magic's first and third bytes are not.
     */
    static final class Secret {
        static final int VICTIM = 1;
        static final int KERNEL = 0x40;

        private static byte[] magic(int owner) {
            return new byte[] {(byte) 0xc5, (byte) 0xec, (byte) (0x80 | owner), 0x7a};
        }

        static byte[] of(int owner, int len) {
            byte[] b = new byte[len];
            byte[] m = magic(owner);
            for (int w = 0; w < len / 8; w++) {
                System.arraycopy(m, 0, b, 8 * w, 4);
                for (int i = 0; i < 4; i++) {
                    b[8 * w + 4 + i] = (byte) (w >>> (24 - 8 * i));
                }
            }
            return b;
        }

        /** The first offset of a magic, in either byte order, whose owner is not in {@code allowed}; or -1. */
        static int find(byte[] b, Set<Integer> allowed) {
            for (int i = 0; i + 4 <= b.length; i++) {
                boolean fwd = (b[i] & 0xff) == 0xc5 && (b[i + 1] & 0xff) == 0xec && b[i + 2] < 0 && b[i + 3] == 0x7a;
                boolean rev = b[i] == 0x7a && b[i + 1] < 0 && (b[i + 2] & 0xff) == 0xec && (b[i + 3] & 0xff) == 0xc5;
                int owner = b[fwd ? i + 2 : i + 1] & 0x7f;
                if ((fwd || rev) && !allowed.contains(owner)) {
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

    /**
     * The kernel: a PD with the reserved lkey, a region with every access over two pages of
     * secret bytes, a CQ, and a UD QP with a controlled Q_Key and QP0, each with a receive posted
     * into a page of secret bytes of its own through the reserved lkey.
     */
    static final class KernelSecret {
        static final int PAGES = 4;
        static final int MR_PAGES = 2;
        static final int QKEY = 0x8001_0000;
        final IbDevice dev;
        final Pd pd;
        final long page;
        final Mr mr;
        final Cq cq;
        final Qp ud;
        final Qp smi;

        KernelSecret(IbDevice dev) {
            this.dev = dev;
            pd = Pd.alloc(dev).get();
            assertEquals(MemDevice.LOCAL_DMA_LKEY, pd.localDmaLkey(), "the kernel PD's local DMA lkey");
            page = dev.memory().alloc(PAGES * 4096L);
            dev.memory().write(page, Secret.of(Secret.KERNEL, PAGES * 4096), 0, PAGES * 4096);
            mr = Mr.reg(pd, page, MR_PAGES * 4096L, page, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(16, 0)).get();
            ud = qp(QpType.UD, QKEY);
            smi = qp(QpType.SMI, 0);
            assertEquals(0, smi.qpNum());
            assertEquals(0, ud.postRecv(new RecvWr(1, new Sge(page + 2 * 4096L, 4096, pd.localDmaLkey()))).ret());
            assertEquals(0, smi.postRecv(new RecvWr(2, new Sge(page + 3 * 4096L, 4096, pd.localDmaLkey()))).ret());
        }

        private Qp qp(QpType type, int qkey) {
            QpInitAttr init = new QpInitAttr();
            init.sendCq = cq;
            init.recvCq = cq;
            init.qpType = type;
            init.portNum = 1;
            init.cap = new QpCap(4, 4, 1, 1, 0);
            Qp qp = Qp.create(pd, init).get();
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.portNum = 1;
            a.qkey = qkey;
            int port = type == QpType.SMI ? 0 : QpAttrMask.PORT.bit();
            assertEquals(0, qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)
                    | port));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.SQ_PSN)));
            return qp;
        }

        byte[] read() {
            return dev.memory().read(page, PAGES * 4096);
        }

        void destroy() {
            assertEquals(0, ud.destroy(), "noObjectLeak: the kernel's UD QP");
            assertEquals(0, smi.destroy(), "noObjectLeak: the kernel's QP0");
            assertEquals(0, cq.destroy(), "noObjectLeak: the kernel's CQ");
            assertEquals(0, mr.dereg(), "noObjectLeak: the kernel's MR");
            assertEquals(0, pd.dealloc(), "noObjectLeak: the kernel's PD");
        }
    }

    /** Reads and acknowledges every async event: ibv_destroy_qp waits for the acknowledgements. */
    static List<String> drainEvents(IbvContext ctx) {
        List<String> got = new ArrayList<>();
        // Only what is queued: a read of the empty fd would sleep.
        while ((ctx.ibv().task().poll(ctx.asyncFd(), OpenFile.POLLIN) & OpenFile.POLLIN) != 0) {
            IbvAsyncEvent e = ctx.getAsyncEvent();
            assertNotNull(e, "ibv_get_async_event errno " + ctx.ibv().errno());
            got.add(e.eventType().name());
            ctx.ackAsyncEvent(e);
        }
        return got;
    }

    /** rc_pingpong's pp_connect_ctx and its UD counterpart: RESET to RTS towards {@code dqpn}. */
    static int connect(IbvQp qp, int type, int access, int dqpn, int dlid, int psn, int qkey) {
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
        s.timeout = 10;
        s.retryCnt = 2;
        // Not 7: an RNR would wait for ever and keep a send queue stuck.
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

    static List<IbvWc> poll(IbvCq cq) {
        List<IbvWc> out = new ArrayList<>();
        IbvWc[] wc = {new IbvWc()};
        while (out.size() < 1024 && cq.poll(1, wc) == 1) {
            out.add(wc[0]);
            wc[0] = new IbvWc();
        }
        return out;
    }

    /**
     * The victim: six regions of secret bytes in one PD, an RC pair that grants remote read, write
     * and atomics and has receives posted, a UC pair that grants remote write, and a UD QP with
     * datagram receives posted.
     */
    static final class Victim {
        static final int REGION = 8192;
        static final int LOCAL = 0;
        static final int READ = 1;
        static final int WRITE = 2;
        static final int ATOMIC = 3;
        static final int RC_RECV = 4;
        static final int UD_RECV = 5;
        static final int REGIONS = 6;
        static final int QKEY = 0x1357_2468;
        private static final int[] ACCESS = {IbvAccessFlags.LOCAL_WRITE, IbvAccessFlags.REMOTE_READ,
            IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE,
            IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_ATOMIC, IbvAccessFlags.LOCAL_WRITE,
            IbvAccessFlags.LOCAL_WRITE};
        private static final int PSN = 0x4321;
        final VerbsWorld world;
        final Ibv proc;
        final IbvContext ctx;
        final IbvPd pd;
        final long buf;
        final IbvMr[] mrs = new IbvMr[REGIONS];
        final long[] physical;
        final IbvCq cq;
        final IbvQp[] rc = new IbvQp[2];
        final IbvQp[] uc = new IbvQp[2];
        final IbvQp ud;

        Victim(VerbsWorld world) {
            this.world = world;
            proc = world.process("victim");
            ctx = world.open(proc);
            pd = ctx.allocPd();
            buf = proc.alloc((long) REGIONS * REGION);
            for (int r = 0; r < REGIONS; r++) {
                VerbsWorld.poke(proc, region(r), Secret.of(Secret.VICTIM + r, REGION));
                mrs[r] = pd.regMr(region(r), REGION, ACCESS[r]);
                assertNotNull(mrs[r], "victim: ibv_reg_mr errno " + proc.errno());
            }
            UserAddressSpace mm = proc.task().mm();
            physical = mm.pin(buf, (long) REGIONS * REGION);
            mm.unpin(physical);
            cq = ctx.createCq(64, this, null, 0);
            for (int i = 0; i < 2; i++) {
                rc[i] = createQp(pd, cq, IbvQpType.RC, null, 0);
                uc[i] = createQp(pd, cq, IbvQpType.UC, null, 0);
            }
            ud = createQp(pd, cq, IbvQpType.UD, null, 0);
            int remote = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
            for (int i = 0; i < 2; i++) {
                assertEquals(0, connect(rc[i], IbvQpType.RC, remote, rc[1 - i].qpNum(), 1, PSN, 0), "victim RC");
                assertEquals(0, connect(uc[i], IbvQpType.UC, IbvAccessFlags.REMOTE_WRITE, uc[1 - i].qpNum(), 1, PSN,
                        0), "victim UC");
            }
            assertEquals(0, connect(ud, IbvQpType.UD, 0, 0, 0, 0, QKEY), "victim UD");
            // Receives an attacker may try to fill: two on each RC QP, four datagrams.
            for (int i = 0; i < 4; i++) {
                assertEquals(0, rc[i % 2].postRecv(new IbvRecvWr(i, new IbvSge(region(RC_RECV) + 1024L * i, 1024,
                        mrs[RC_RECV].lkey())), new IbvRecvWr[1]));
                assertEquals(0, ud.postRecv(new IbvRecvWr(10 + i, new IbvSge(region(UD_RECV) + 2048L * i, 2048,
                        mrs[UD_RECV].lkey())), new IbvRecvWr[1]));
            }
        }

        long region(int r) {
            return buf + (long) r * REGION;
        }

        byte[] read(long addr, int len) {
            return VerbsWorld.peek(proc, addr, len);
        }

        boolean owns(int qpn) {
            return qpn == rc[0].qpNum() || qpn == rc[1].qpNum() || qpn == uc[0].qpNum() || qpn == uc[1].qpNum()
                    || qpn == ud.qpNum();
        }

        /** The objects of a kind its file holds: PD, MRs, CQ, QPs. */
        int owned(ResType t) {
            return switch (t) {
                case PD, CQ -> 1;
                case MR -> REGIONS;
                case QP -> 5;
                default -> 0;
            };
        }

        /**
         * {@code victimUnharmed}: over the RC pair one QP writes into the remote-write region and
         * sends into the other's first receive, posted at the start; the other reads the
         * remote-read region back.
         */
        void exchange() {
            drainEvents(ctx);
            poll(cq);
            byte[] data = Secret.of(9, 64);
            VerbsWorld.poke(proc, region(LOCAL), data);
            IbvSendWr write = new IbvSendWr(101, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(region(LOCAL), 64, mrs[LOCAL].lkey()));
            write.remoteAddr = region(WRITE);
            write.rkey = mrs[WRITE].rkey();
            assertEquals(0, rc[0].postSend(write, new IbvSendWr[1]), "victimUnharmed: RDMA WRITE");
            assertEquals(0, rc[0].postSend(new IbvSendWr(103, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(region(LOCAL), 64, mrs[LOCAL].lkey())), new IbvSendWr[1]), "victimUnharmed: SEND");
            IbvSendWr read = new IbvSendWr(104, IbvWrOpcode.RDMA_READ, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(region(LOCAL) + 64, 64, mrs[LOCAL].lkey()));
            read.remoteAddr = region(READ);
            read.rkey = mrs[READ].rkey();
            assertEquals(0, rc[1].postSend(read, new IbvSendWr[1]), "victimUnharmed: RDMA READ");
            world.run();
            // Datagrams an attacker sent may be in the CQ too; only these four count here.
            List<IbvWc> mine = poll(cq).stream().filter(wc -> wc.wrId > 100 || wc.wrId == 1).toList();
            assertEquals(4, mine.size(), "victimUnharmed: the victim's completions " + mine);
            for (IbvWc wc : mine) {
                assertEquals(IbvWcStatus.SUCCESS, wc.status, "victimUnharmed: " + wc.wrId);
            }
            assertTrue(Arrays.equals(data, read(region(WRITE), 64)), "victimUnharmed: the RDMA WRITE");
            assertTrue(Arrays.equals(data, read(region(RC_RECV) + 1024, 64)), "victimUnharmed: the SEND");
            assertTrue(Arrays.equals(read(region(READ), 64), read(region(LOCAL) + 64, 64)),
                    "victimUnharmed: the RDMA READ");
        }

        void destroy() {
            drainEvents(ctx);
            for (IbvQp q : List.of(rc[0], rc[1], uc[0], uc[1], ud)) {
                assertEquals(0, q.destroy(), "noObjectLeak: the victim's " + q);
            }
            for (IbvMr m : mrs) {
                assertEquals(0, m.dereg(), "noObjectLeak: the victim's MR");
            }
            assertEquals(0, cq.destroy(), "noObjectLeak: the victim's CQ");
            assertEquals(0, pd.dealloc(), "noObjectLeak: the victim's PD");
            assertEquals(0, proc.closeDevice(ctx), "noObjectLeak: the victim's ibv_close_device");
            assertEquals(0, proc.task().mm().pinnedVm(), "noObjectLeak: the victim's pinned_vm");
        }
    }

    /** An attacker's QP and the type it was created with. */
    record AttackerQp(IbvQp qp, int type) {
    }

    /** An attacker process and everything it made; the pages it maps are all it can read. */
    static final class Attacker {
        static final int BUF = 32 * 1024;
        static final int QKEY = 0x0bad_0bad;
        final String name;
        final Ibv ibv;
        final IbvContext ctx;
        final long buf;
        final IbvCq cq;
        final List<IbvCq> cqs = new ArrayList<>();
        final List<IbvPd> pds = new ArrayList<>();
        final List<IbvMr> mrs = new ArrayList<>();
        final List<AttackerQp> qps = new ArrayList<>();
        final List<IbvSrq> srqs = new ArrayList<>();
        final List<IbvAh> ahs = new ArrayList<>();
        final List<Keyed> freed = new ArrayList<>();

        Attacker(VerbsWorld world, String name, int index) {
            this.name = name;
            ibv = world.process(name);
            ctx = world.open(ibv);
            buf = ibv.alloc(BUF);
            byte[] mine = new byte[BUF];
            for (int i = 0; i < BUF; i++) {
                mine[i] = (byte) ((i * 31 + index * 7) & 0x7f);
            }
            VerbsWorld.poke(ibv, buf, mine);
            pds.add(ctx.allocPd());
            int all = IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ
                    | IbvAccessFlags.REMOTE_ATOMIC;
            mrs.add(pds.get(0).regMr(buf, BUF, all));
            cq = ctx.createCq(512, this, null, 0);
            cqs.add(cq);
            qps.add(new AttackerQp(createQp(pds.get(0), cq, IbvQpType.RC, null, 64), IbvQpType.RC));
            qps.add(new AttackerQp(createQp(pds.get(0), cq, IbvQpType.UD, null, 64), IbvQpType.UD));
            assertEquals(0, connect(qps.get(1).qp(), IbvQpType.UD, 0, 0, 0, 0, QKEY), "attacker UD");
            IbvAhAttr attr = new IbvAhAttr();
            attr.dlid = 1;
            attr.portNum = 1;
            ahs.add(pds.get(0).createAh(attr));
        }

        /** Its RC QP to the other attacker's, both in RTS: a connection it may misuse, with receives posted. */
        void connectTo(Attacker other) {
            int all = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
            assertEquals(0, connect(qps.get(0).qp(), IbvQpType.RC, all, other.qps.get(0).qp().qpNum(), 1, 0, 0),
                    "attacker RC");
            // Receives in its own buffer, so that what a SEND brings in lands where it can look.
            for (int i = 0; i < 4; i++) {
                for (AttackerQp q : qps) {
                    IbvSge sge = new IbvSge(buf + 2048L * (2 * i + q.type() % 2), 2048, mrs.get(0).lkey());
                    assertEquals(0, q.qp().postRecv(new IbvRecvWr(1000 + i, sge), new IbvRecvWr[1]), "attacker recv");
                }
            }
        }

        /** Polls its CQ and reads its async events, as a process must to destroy its objects. */
        String reap() {
            StringBuilder b = new StringBuilder();
            for (IbvCq c : cqs) {
                for (IbvWc wc : poll(c)) {
                    b.append(b.isEmpty() ? "" : ", ").append(wc.wrId).append(' ').append(wc.status);
                }
            }
            List<String> events = drainEvents(ctx);
            if (!events.isEmpty()) {
                b.append(b.isEmpty() ? "" : ", ").append("events ").append(events);
            }
            return b.toString();
        }

        void destroyAll() {
            reap();
            for (AttackerQp q : qps) {
                assertEquals(0, q.qp().destroy(), "noObjectLeak: " + name + ": " + q.qp());
            }
            for (IbvSrq s : srqs) {
                assertEquals(0, s.destroy(), "noObjectLeak: " + name + ": an SRQ");
            }
            for (IbvAh ah : ahs) {
                assertEquals(0, ah.destroy(), "noObjectLeak: " + name + ": an AH");
            }
            for (IbvMr m : mrs) {
                assertEquals(0, m.dereg(), "noObjectLeak: " + name + ": an MR");
            }
            for (IbvCq c : cqs) {
                assertEquals(0, c.destroy(), "noObjectLeak: " + name + ": a CQ");
            }
            for (IbvPd p : pds) {
                assertEquals(0, p.dealloc(), "noObjectLeak: " + name + ": " + p);
            }
            assertEquals(0, ibv.closeDevice(ctx), "noObjectLeak: " + name + ": ibv_close_device");
        }
    }

    /** A key and the range it covers, as whoever registered it sees the range. */
    record Keyed(int lkey, int rkey, long start, long length) {
        static Keyed of(IbvMr m) {
            return new Keyed(m.lkey(), m.rkey(), m.addr(), m.length());
        }
    }

    /** What an attacker may name: every key, address, QPN and Q_Key it could know or guess. */
    static final class Pools {
        private static final long[] WRAPPING = {Long.MAX_VALUE - 7, -8L, 0xffff_ffff_ffff_f000L, Long.MIN_VALUE,
            UserAddressSpace.TASK_SIZE - 8, 0xffff_ffffL};
        private static final int[] LENGTHS = {0, 1, 8, 64, 1000, 1024, 4096, 4097, 8192, 0x7fff_ffff, -1};
        private final Run run;
        /** Every key the device holds but the attackers', which change as they go: the victim's and the kernel's. */
        private final List<Keyed> fixed = new ArrayList<>();
        /** The reserved lkey over the host pages of every secret, where a process that could use it would aim it. */
        private final List<Keyed> physical = new ArrayList<>();

        Pools(Run run) {
            this.run = run;
            Victim v = run.victim;
            for (IbvMr m : v.mrs) {
                fixed.add(Keyed.of(m));
            }
            KernelSecret k = run.kernel;
            fixed.add(new Keyed(k.mr.lkey(), k.mr.rkey(), k.page, KernelSecret.MR_PAGES * 4096L));
            fixed.add(new Keyed(k.pd.localDmaLkey(), k.pd.localDmaLkey(), k.page, KernelSecret.PAGES * 4096L));
            physical.add(fixed.get(fixed.size() - 1));
            for (long p : v.physical) {
                physical.add(new Keyed(MemDevice.LOCAL_DMA_LKEY, MemDevice.LOCAL_DMA_LKEY, p, HostMemory.PAGE_SIZE));
            }
        }

        /**
         * A key and what it covers: mostly the attacker's own, then every other key the device
         * holds, the reserved lkey over a secret's host page, one the attacker freed, a key of any
         * of them with another low byte, or a key index guessed (the device hands them out in order).
         */
        Keyed keyed(Attacker a, int c) {
            int sel = c >>> 4;
            return switch (c % 16) {
                case 0, 1, 2, 3, 4 -> own(a, sel);
                case 5 -> own(other(a), sel);
                case 6, 7, 8, 9 -> fixed.get(sel % fixed.size());
                case 10, 11 -> physical.get(sel % physical.size());
                case 12 -> a.freed.isEmpty() ? own(a, sel) : a.freed.get(sel % a.freed.size());
                case 13 -> retag(fixed.get(sel % fixed.size()), sel >>> 5);
                case 14 -> new Keyed((sel % 64) << 8 | 0x42, (sel % 64) << 8 | 0x42, fixed.get(sel % fixed.size())
                        .start(), 4096);
                default -> new Keyed(sel % 3 == 0 ? 0 : sel, sel, a.buf, Attacker.BUF);
            };
        }

        private Attacker other(Attacker a) {
            return run.attackers[0] == a ? run.attackers[1] : run.attackers[0];
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

        /** A QPN: another attacker's, its own, the victim's, the kernel's, QP0, QP1 or any. */
        int target(Attacker a, int c) {
            int sel = c >>> 4;
            Victim v = run.victim;
            return switch (c % 12) {
                case 0, 1, 2 -> qpOf(other(a), sel);
                case 3 -> qpOf(a, sel);
                case 4 -> v.rc[sel % 2].qpNum();
                case 5 -> v.ud.qpNum();
                case 6 -> v.uc[sel % 2].qpNum();
                case 7 -> run.kernel.ud.qpNum();
                case 8 -> sel % 2;
                case 9 -> MemDevice.FIRST_QPN + sel % 32;
                case 10 -> 0xff_ffff;
                default -> sel % 3 == 0 ? 1 << 24 | sel % 64 : sel;
            };
        }

        private static int qpOf(Attacker a, int sel) {
            return a.qps.isEmpty() ? 1 : a.qps.get(sel % a.qps.size()).qp().qpNum();
        }

        static int lid(int c) {
            return switch (c % 6) {
                case 0, 1, 2 -> 1;
                case 3 -> 0xffff;
                case 4 -> 0xc001;
                default -> c % 12 == 5 ? 0 : 2;
            };
        }

        static int qkey(int c) {
            return switch (c % 6) {
                case 0 -> Victim.QKEY;
                case 1 -> KernelSecret.QKEY;
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
            int v = s.at(0) % 25;
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
                case 23 -> createCq();
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
                long off = s.at(ad) % m.length() & ~7;
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
            wr.sgList = sges(s.at(3) % 5 == 0 ? 0 : 1 + s.at(3) % 2);
            if (isAtomic(wr.opcode) && s.at(6) % 4 != 0 && !wr.sgList.isEmpty()) {
                // Mostly the one 8-byte entry an atomic takes, so that its target is what is tried.
                IbvSge e = wr.sgList.get(0);
                wr.sgList = List.of(new IbvSge(e.addr(), 8, e.lkey()));
            }
            // A third of the remote keys are the victim's or the kernel's: the ones that matter most.
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
                wr.ah = pick(a.ahs, s.at(6));
                wr.remoteQpn = pools.target(a, s.at(6) >>> 1);
                wr.remoteQkey = Pools.qkey(s.at(7) >>> 2);
                if ((wr.remoteQpn & 0xff_ffff) == run.victim.ud.qpNum()
                        && (wr.remoteQkey == Victim.QKEY || wr.remoteQkey < 0)) {
                    run.udKeyed = true;
                }
                to = String.format(" to QPN 0x%x Q_Key 0x%08x via AH %d", wr.remoteQpn, wr.remoteQkey,
                        wr.ah == null ? -1 : wr.ah.handle());
            }
            int ret = q.qp().postSend(wr, new IbvSendWr[1]);
            return String.format("post_send %s op %d flags 0x%x sges %s raddr 0x%x rkey 0x%08x imm 0x%x%s = %d",
                    q.qp(), wr.opcode, wr.sendFlags, wr.sgList, wr.remoteAddr, wr.rkey, wr.immData, to, ret);
        }

        private static boolean isAtomic(int opcode) {
            return opcode == IbvWrOpcode.ATOMIC_CMP_AND_SWP || opcode == IbvWrOpcode.ATOMIC_FETCH_AND_ADD;
        }

        private String postRecv() {
            List<IbvSge> l = sges(1 + s.at(3) % 2);
            if (s.at(2) % 3 != 0 && !a.mrs.isEmpty()) {
                // Mostly a receive a message can land in: the process's own buffer and key.
                IbvMr m = pick(a.mrs, s.at(4));
                l = List.of(new IbvSge(m.addr() + (s.at(5) % m.length() & ~7), 2048, m.lkey()));
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
                    m == null ? "errno " + a.ibv.errno() : String.format("lkey 0x%08x", m.lkey()));
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
            IbvPd pd = a.ctx.allocPd();
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
            if (pd == null || a.cqs.isEmpty()) {
                return "create_qp: no PD or no CQ";
            }
            int type = new int[] {IbvQpType.RC, IbvQpType.UC, IbvQpType.UD}[s.at(3) % 3];
            IbvSrq srq = type != IbvQpType.UD && s.at(4) % 3 == 0 ? pick(a.srqs, s.at(5)) : null;
            int inline = s.at(6) % 4 == 0 ? s.at(7) % 1024 : 64;
            IbvQp qp = MemProcessIsolationPropertyTest.createQp(pd, pick(a.cqs, s.at(8)), type, srq, inline);
            if (qp != null) {
                a.qps.add(new AttackerQp(qp, type));
            }
            return "create_qp type " + type + (srq == null ? "" : " on an SRQ") + " = "
                    + (qp == null ? "errno " + a.ibv.errno() : qp);
        }

        private String connectQp() {
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            if (q == null) {
                return "connect: no QP";
            }
            int dqpn = sameType(q, pools.target(a, s.at(2)));
            int dlid = Pools.lid(s.at(5));
            int psn = s.at(3) % 4 == 0 ? s.at(4) & 0xff_ffff : 0;
            int qkey = Pools.qkey(s.at(7));
            int access = s.at(8) & 0xf;
            int ret = reconnect(q, access, dqpn, dlid, psn, qkey);
            String back = "";
            // The attackers collude: a QP of theirs that is named connects back, so the pair works.
            AttackerQp peer = owned(dqpn);
            if (peer != null && peer != q && q.type() != IbvQpType.UD) {
                int all = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
                back = ", back " + reconnect(peer, all, q.qp().qpNum(), 1, psn, qkey);
            }
            return String.format("connect %s to QPN 0x%x LID 0x%x PSN 0x%x Q_Key 0x%08x access 0x%x = %d%s", q.qp(),
                    dqpn, dlid, psn, qkey, access, ret, back);
        }

        /** The victim's QP of {@code q}'s type in place of the other type's, so that a connect to it may work. */
        private int sameType(AttackerQp q, int dqpn) {
            Victim v = run.victim;
            for (int i = 0; i < 2; i++) {
                if (q.type() == IbvQpType.UC && dqpn == v.rc[i].qpNum()) {
                    return v.uc[i].qpNum();
                }
            }
            return dqpn;
        }

        private static int reconnect(AttackerQp q, int access, int dqpn, int dlid, int psn, int qkey) {
            int ret = q.qp().modify(new IbvQpAttr(), IbvQpAttrMask.STATE);
            return ret != 0 ? ret : connect(q.qp(), q.type(), access, dqpn, dlid, psn, qkey);
        }

        /** The attackers' QP of {@code qpn}, if any. */
        private AttackerQp owned(int qpn) {
            for (Attacker x : run.attackers) {
                for (AttackerQp q : x.qps) {
                    if (q.qp().qpNum() == qpn) {
                        return q;
                    }
                }
            }
            return null;
        }

        /** Any transition with any mask, every field from the pools: what uverbs and the device must refuse. */
        private String modifyQp() {
            AttackerQp q = pick(a.qps, s.at(1) >>> 1);
            if (q == null) {
                return "modify_qp: no QP";
            }
            IbvQpAttr attr = new IbvQpAttr();
            attr.qpState = IbvQpState.values()[s.at(2) % IbvQpState.values().length];
            attr.curQpState = IbvQpState.values()[s.at(2) / 7 % IbvQpState.values().length];
            int mask = s.at(3) & 0x1f_ffff & ~IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.STATE;
            attr.destQpNum = pools.target(a, s.at(4));
            attr.ahAttr.dlid = Pools.lid(s.at(5));
            attr.ahAttr.portNum = s.at(5) % 3;
            attr.ahAttr.srcPathBits = s.at(5) >>> 2 & 0x7f;
            attr.altAhAttr.dlid = Pools.lid(s.at(6));
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
            return String.format("modify_qp %s to %s mask 0x%x QPN 0x%x = %d", q.qp(), attr.qpState, mask,
                    attr.destQpNum, ret);
        }

        private String createCq() {
            IbvCq cq = a.ctx.createCq(1 + s.at(2) % 64, null, null, 0);
            if (cq != null) {
                a.cqs.add(cq);
            }
            return "create_cq = " + (cq == null ? "errno " + a.ibv.errno() : "ok");
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
            return "create_srq = " + (srq == null ? "errno " + a.ibv.errno() : "ok");
        }

        private String createAh() {
            IbvPd pd = pd();
            if (pd == null) {
                return "create_ah: no PD";
            }
            IbvAhAttr attr = new IbvAhAttr();
            attr.dlid = Pools.lid(s.at(3));
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
                    attr.srcPathBits, attr.isGlobal, ah == null ? "errno " + a.ibv.errno() : "ok");
        }

        /** Destroys a QP, an SRQ, a CQ or an AH; one still in use must be refused and stay. */
        private String destroy() {
            a.reap();
            switch (s.at(2) % 4) {
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
                case 2 -> {
                    IbvCq cq = pick(a.cqs, s.at(3));
                    if (cq == null) {
                        return "destroy_cq: none";
                    }
                    int ret = cq.destroy();
                    if (ret == 0) {
                        a.cqs.remove(cq);
                    }
                    return "destroy_cq = " + ret;
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
