// Property: a process that exits with work in flight leaves nothing behind and nothing writes to
// its memory after (drivers/infiniband/core/uverbs_main.c ib_uverbs_release,
// rdma_core.c uverbs_destroy_ufile_hw; hw/mlx4/qp.c, mr.c, cq.c)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvAh;
import org.ibmodel.verbs.IbvMr;
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
 * Generated scenarios on two hosts: process a on h0 and process b on h1, each with a region over
 * its buffer open to remote reads, writes and atomics, three RC QPs connected to the other's (the
 * third on an SRQ, which must outlive it as the exit destroys them) and a UD QP (a's attached to a
 * multicast group both hosts' ports joined); a list of steps (b SENDs, WRITEs, READs or
 * fetch-and-adds to a or sends a datagram to the group, a SENDs or WRITEs to b, either posts
 * receives, the world runs 1 µs to 5 ms, either polls) and the step after which a's task exits,
 * closing its uverbs file with whatever is in flight and its UD QP still attached; b goes on with
 * the steps after it.
 * The invariants, once the world has settled:
 * <ul>
 * <li>{@code nothingLeft}: h0 holds the ib_core objects, driver table entries, device contexts,
 *     multicast group entries and pinned pages it held before a opened the device;</li>
 * <li>{@code untouched}: a's memory once the exit has returned stays as it is: no DMA reaches
 *     it through a region or QP that is gone;</li>
 * <li>{@code peerCompletes}: each WR b posted completes once, in order per QP, SUCCESS for a run of
 *     them and then an error (RETRY_EXC_ERR once a's QP is gone) followed by flushes; a READ that
 *     succeeded brought a's bytes, a fetch-and-add a's counter; each datagram completes with
 *     SUCCESS.</li>
 * </ul>
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=UserExitPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class UserExitPropertyTest {
    private static final long DEFAULT_SEED = 0xe817;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 100);
    private static final int BUF = 1 << 20;
    /** Bytes [0, SOURCE) of a's buffer hold a pattern b READs; the rest is written by b's WRITEs. */
    private static final int SOURCE = 64 << 10;
    private static final int LEN = 3000;
    /** IBA 11.4.1.2: a UD receive buffer starts with 40 bytes for the GRH. */
    private static final int GRH = 40;
    private static final long[] RUN_NS = {1_000, 20_000, 300_000, 5_000_000};
    private static final int QKEY = 0x1111_2222;
    /** A multicast group both hosts' ports join, which a's UD QP is attached to. */
    private static final int MLID = 0xc003;
    private static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 3};
    private static final int ACCESS = IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE
            | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;

    /** One process: its region open to remote access and its two QPs. */
    private static final class Proc {
        final UserProcess p;
        final IbvMr mr;
        /** Three RC QPs, the third taking its receives from {@link #srq}. */
        final IbvQp[] qps = new IbvQp[3];
        final IbvSrq srq;
        final IbvQp ud;
        final IbvAh group;

        Proc(World w, int index) {
            p = new UserProcess(w, index, BUF);
            mr = p.pd.regMr(p.buf, BUF, ACCESS);
            assertNotNull(mr, "ibv_reg_mr");
            srq = p.pd.createSrq(null, new IbvSrqAttr(16, 1, 0));
            assertNotNull(srq, "ibv_create_srq");
            for (int i = 0; i < 3; i++) {
                IbvQpInitAttr init = new IbvQpInitAttr();
                init.sendCq = p.cq;
                init.recvCq = p.cq;
                init.srq = i == 2 ? srq : null;
                init.cap = new IbvQpCap(8, i == 2 ? 0 : 8, 1, i == 2 ? 0 : 1);
                init.qpType = IbvQpType.RC;
                qps[i] = p.pd.createQp(init);
                assertNotNull(qps[i], "ibv_create_qp");
                IbvQpAttr a = new IbvQpAttr();
                a.qpState = IbvQpState.INIT;
                a.portNum = 1;
                a.qpAccessFlags = ACCESS;
                assertEquals(0, qps[i].modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX
                        | IbvQpAttrMask.PORT | IbvQpAttrMask.ACCESS_FLAGS));
            }
            IbvQpInitAttr init = new IbvQpInitAttr();
            init.sendCq = p.cq;
            init.recvCq = p.cq;
            init.cap = new IbvQpCap(8, 8, 1, 1);
            init.qpType = IbvQpType.UD;
            ud = p.pd.createQp(init);
            assertNotNull(ud, "ibv_create_qp, UD");
            assertEquals(0, ProcessIsolationPropertyTest.connect(ud, IbvQpType.UD, 0, 0, 0, 0, 0, QKEY), "UD to RTS");
            group = p.groupAh(MGID, MLID);
        }

        byte[] read(long off, int len) {
            byte[] b = new byte[len];
            assertEquals(0, p.ibv.task().mm().copyFromUser(b, 0, p.buf + off, len));
            return b;
        }

        void write(long off, byte[] b) {
            assertEquals(0, p.ibv.task().mm().copyToUser(p.buf + off, b, 0, b.length));
        }

        IbvSge sge(long off, int len) {
            return new IbvSge(p.buf + off, len, mr.lkey());
        }
    }

    /** One step: its kind (0-8, see {@link #step}) and an argument. */
    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return new String[] {"b SEND", "b WRITE", "b READ", "b FETCH_ADD", "a SEND", "a WRITE", "recv", "run",
                "poll", "b multicast"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void shouldLeaveNothingAndTouchNothingAfterAProcessExitsWithWorkInFlight() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int exitedWithWork = check(seed, EXAMPLES, UnaryOperator.identity());
        // The runs must reach what the property is about: a exiting with b's requests in flight.
        new SeedReporter("UserExitPropertyTest", seed).assertReached(exitedWithWork, EXAMPLES / 4,
                "of " + EXAMPLES + " runs exited with work in flight");
    }

    /**
     * {@code examples} generated scenarios with both hosts' drivers seen through {@code decorate};
     * the number of them in which a exited with b's requests in flight.
     */
    static int check(long seed, int examples, UnaryOperator<DeviceOps> decorate) {
        int[] exitedWithWork = {0};
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(20)
                .withReporter(new SeedReporter("UserExitPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), lists().of(integers().between(0, 10 * 1000 - 1)
                        .map(v -> new Step(v % 10, v / 10))).ofSizeBetween(1, 30), integers().between(0, 30))
                .checkAssert((worldSeed, steps, exitAfter) ->
                        exitedWithWork[0] += run(worldSeed, steps, exitAfter, decorate));
        return exitedWithWork[0];
    }

    /** One scenario; 1 if a exited while b had WRs outstanding. */
    static int run(long worldSeed, List<Step> steps, int exitAfter, UnaryOperator<DeviceOps> decorate) {
        String at = "steps " + steps + ", exiting after " + Math.min(exitAfter, steps.size());
        try (World w = World.of(worldSeed, 2, decorate)) {
            w.joinMulticast(MLID, 0, 1);
            UserProcess.uverbs(w, 0);
            Host h0 = w.host(0);
            Map<String, Integer> before = resources(h0);
            Proc a = new Proc(w, 0);
            Proc b = new Proc(w, 1);
            for (int i = 0; i < 3; i++) {
                connect(a.qps[i], b.qps[i], b.p.lid());
                connect(b.qps[i], a.qps[i], a.p.lid());
            }
            a.write(0, pattern(-1, SOURCE));
            // a exits attached: closing its file must detach before the QP goes (uverbs_free_qp).
            assertEquals(0, a.ud.attachMcast(MGID, MLID), "ibv_attach_mcast");
            List<Long> datagrams = new ArrayList<>();
            // b's WRs by QP, in posting order; what each polled completion said.
            List<List<Long>> posted = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            Map<Long, IbvWcStatus> done = new HashMap<>();
            Map<Long, Step> what = new HashMap<>();
            List<Long> fetched = new ArrayList<>();
            byte[] atExit = null;
            int withWork = 0;
            long next = 1;
            for (int i = 0; i <= steps.size(); i++) {
                if (i == Math.min(exitAfter, steps.size())) {
                    withWork = posted.stream().mapToInt(List::size).sum() > done.size() ? 1 : 0;
                    // While the exit destroys a's objects, each command's wait lets the world run:
                    // until its QPs and region are gone, b's requests still reach a's memory.
                    a.p.ibv.task().exit();
                    atExit = a.read(0, BUF);
                }
                if (i == steps.size()) {
                    break;
                }
                Step s = steps.get(i);
                boolean aLive = atExit == null;
                switch (s.kind()) {
                    case 0, 1, 2, 3 -> {
                        int q = s.arg() % 3;
                        long id = next++;
                        IbvSendWr wr = bRequest(a, b, s, id);
                        if (b.qps[q].postSend(wr, new IbvSendWr[1]) == 0) {
                            posted.get(q).add(id);
                            what.put(id, s);
                        }
                    }
                    case 4, 5 -> {
                        if (aLive) {
                            IbvSendWr wr = new IbvSendWr(0, s.kind() == 4 ? IbvWrOpcode.SEND : IbvWrOpcode.RDMA_WRITE,
                                    IbvWrOpcode.SEND_SIGNALED, a.sge(SOURCE, LEN));
                            wr.remoteAddr = b.p.buf + 5 * SOURCE;
                            wr.rkey = b.mr.rkey();
                            a.qps[s.arg() % 3].postSend(wr, new IbvSendWr[1]);
                        }
                    }
                    case 6 -> {
                        Proc who = s.arg() % 2 == 0 || !aLive ? b : a;
                        IbvRecvWr wr = new IbvRecvWr(0, who.sge(2 * SOURCE, GRH + LEN));
                        int q = (s.arg() / 2) % 3;
                        if (s.arg() % 3 == 0 && who == a) {
                            a.ud.postRecv(wr, new IbvRecvWr[1]);
                        } else if (q == 2) {
                            who.srq.postRecv(wr, new IbvRecvWr[1]);
                        } else {
                            who.qps[q].postRecv(wr, new IbvRecvWr[1]);
                        }
                    }
                    case 9 -> {
                        long id = next++;
                        IbvSendWr wr = new IbvSendWr(id, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED, b.sge(0, LEN));
                        wr.ah = b.group;
                        wr.remoteQpn = 0xff_ffff;
                        wr.remoteQkey = QKEY;
                        if (b.ud.postSend(wr, new IbvSendWr[1]) == 0) {
                            datagrams.add(id);
                        }
                    }
                    case 7 -> w.runUntil(w.scheduler().now() + RUN_NS[s.arg() % RUN_NS.length]);
                    default -> {
                        if (aLive && s.arg() % 2 == 1) {
                            a.p.cq.poll(4, new IbvWc[] {new IbvWc(), new IbvWc(), new IbvWc(), new IbvWc()});
                        } else {
                            reap(b, done, at);
                        }
                    }
                }
            }
            // Long enough for every retry of b's QPs towards QPs that are gone.
            w.settle();
            reap(b, done, at);

            assertArrayEquals(atExit, a.read(0, BUF), at + ": untouched, a's memory after the exit");
            Map<String, Integer> after = resources(h0);
            assertEquals(before, after, at + ": nothingLeft on h0");
            assertEquals(0, a.p.ibv.task().mm().pinCount(), at + ": nothingLeft, a's pinned pages");
            for (int q = 0; q < 3; q++) {
                boolean failed = false;
                for (long id : posted.get(q)) {
                    IbvWcStatus st = done.get(id);
                    assertNotNull(st, at + ": peerCompletes, WR " + id + " " + what.get(id) + " never completed");
                    if (failed) {
                        assertEquals(IbvWcStatus.WR_FLUSH_ERR, st, at + ": peerCompletes, WR " + id
                                + " after an error");
                    } else if (st != IbvWcStatus.SUCCESS) {
                        assertTrue(st == IbvWcStatus.RETRY_EXC_ERR || st == IbvWcStatus.RNR_RETRY_EXC_ERR,
                                at + ": peerCompletes, WR " + id + " " + what.get(id) + ": " + st);
                        failed = true;
                    } else if (what.get(id).kind() == 2) {
                        assertArrayEquals(Arrays.copyOf(pattern(-1, SOURCE), LEN),
                                b.read(SOURCE + (id % 8) * LEN, LEN), at + ": peerCompletes, READ " + id);
                    } else if (what.get(id).kind() == 3) {
                        fetched.add(readLong(b, 3 * SOURCE + id * 8));
                    }
                }
            }
            for (long id : datagrams) {
                assertEquals(IbvWcStatus.SUCCESS, done.get(id), at + ": peerCompletes, datagram " + id);
            }
            // Each add that succeeded saw a different count, below the number of adds sent.
            long adds = what.values().stream().filter(s -> s.kind() == 3).count();
            assertEquals(fetched.size(), fetched.stream().distinct().count(), at + ": peerCompletes, " + fetched);
            assertTrue(fetched.stream().allMatch(v -> v >= 0 && v < adds), at + ": peerCompletes, " + fetched);
            return withWork;
        }
    }

    /**
     * INIT to RTR to RTS towards {@code peer}, as rc_pingpong's pp_connect_ctx but with four RDMA
     * READs and atomics in flight each way, ack_timeout 14 (67 ms), seven retries and RNR retries
     * without end (rnr_retry 7): only a QP that is gone stops b's requests.
     */
    private static void connect(IbvQp qp, IbvQp peer, int peerLid) {
        IbvQpAttr r = new IbvQpAttr();
        r.qpState = IbvQpState.RTR;
        r.pathMtu = IbvQpType.MTU_1024;
        r.destQpNum = peer.qpNum();
        r.minRnrTimer = 12;
        r.maxDestRdAtomic = 4;
        r.ahAttr.dlid = peerLid;
        r.ahAttr.portNum = 1;
        assertEquals(0, qp.modify(r, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU
                | IbvQpAttrMask.DEST_QPN | IbvQpAttrMask.RQ_PSN | IbvQpAttrMask.MAX_DEST_RD_ATOMIC
                | IbvQpAttrMask.MIN_RNR_TIMER));
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.timeout = 14;
        s.retryCnt = 7;
        s.rnrRetry = 7;
        s.maxRdAtomic = 4;
        assertEquals(0, qp.modify(s, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT | IbvQpAttrMask.RETRY_CNT
                | IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.SQ_PSN | IbvQpAttrMask.MAX_QP_RD_ATOMIC));
    }

    /** b's request {@code id} of kind 0-3 towards a. */
    private static IbvSendWr bRequest(Proc a, Proc b, Step s, long id) {
        return switch (s.kind()) {
            case 0 -> new IbvSendWr(id, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED, b.sge(0, LEN));
            case 1 -> {
                IbvSendWr wr = new IbvSendWr(id, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND_SIGNALED, b.sge(0, LEN));
                wr.remoteAddr = a.p.buf + SOURCE + (s.arg() % 64) * LEN;
                wr.rkey = a.mr.rkey();
                yield wr;
            }
            case 2 -> {
                IbvSendWr wr = new IbvSendWr(id, IbvWrOpcode.RDMA_READ, IbvWrOpcode.SEND_SIGNALED,
                        b.sge(SOURCE + (id % 8) * LEN, LEN));
                wr.remoteAddr = a.p.buf;
                wr.rkey = a.mr.rkey();
                yield wr;
            }
            default -> {
                IbvSendWr wr = new IbvSendWr(id, IbvWrOpcode.ATOMIC_FETCH_AND_ADD, IbvWrOpcode.SEND_SIGNALED,
                        b.sge(3 * SOURCE + id * 8, 8));
                wr.remoteAddr = a.p.buf + 4 * SOURCE;
                wr.rkey = a.mr.rkey();
                wr.compareAdd = 1;
                yield wr;
            }
        };
    }

    private static void reap(Proc b, Map<Long, IbvWcStatus> done, String at) {
        IbvWc[] wc = {new IbvWc(), new IbvWc(), new IbvWc(), new IbvWc()};
        int n;
        while ((n = b.p.cq.poll(wc.length, wc)) > 0) {
            for (int i = 0; i < n; i++) {
                if (wc[i].wrId == 0) {
                    continue;
                }
                assertTrue(done.put(wc[i].wrId, wc[i].status) == null, at + ": peerCompletes, WR " + wc[i].wrId
                        + " completed twice");
            }
        }
    }

    private static Map<String, Integer> resources(Host h) {
        Map<String, Integer> m = new TreeMap<>();
        m.put("ib_core objects", h.driver(0).device().liveTotal());
        h.driver(0).live().forEach((k, v) -> m.put("driver " + k, v));
        h.hca(0).firmware().live().forEach((k, v) -> m.put("device " + k, v));
        m.put("device multicast entries", h.hca(0).firmware().multicastEntries());
        return m;
    }

    private static long readLong(Proc p, long off) {
        byte[] b = p.read(off, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[i] & 0xff);
        }
        return v;
    }

    private static byte[] pattern(int tag, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (tag * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }
}
