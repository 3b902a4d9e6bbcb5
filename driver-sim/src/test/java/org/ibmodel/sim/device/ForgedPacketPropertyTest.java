// Property: packets another node forges reach nothing it holds no key for (IBA 9.6 header
// validation, 10.6.3 memory protection, 10.9 partitioning); drivers/infiniband/sw/rxe/rxe_recv.c
// and rxe_resp.c make the same checks in software
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.PacketBuilder;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * A forger on the fabric (host 2, writing bytes straight onto its cable) sends packets to a
 * victim (host 0): any opcode, to its RC (one on an SRQ), UC and UD QPs (the UD one also through
 * a multicast group it is attached to), QP0, QP1 or any QPN, with right or wrong
 * PSNs, SLIDs, P_Keys, Q_Keys, rkeys, addresses and lengths, some with a byte changed before or
 * after their CRCs or cut short. The victim's RC and UC QPs are connected to the forger's LID, so
 * its packets pass the path check; the forger knows the victim's QPNs and PSNs and, in some runs,
 * the rkey of its one remotely writable region in the QPs' PD, and in some runs the partition's
 * P_Key. Each generated run is a world seed, those two facts and up to 40 packets.
 *
 * <p>Invariants: {@code untouchable} (a region with no remote write access, one of another PD,
 * local-only memory and the pages on both sides of the writable region never change);
 * {@code noKeyNoWrite} (without its rkey the writable region never changes);
 * {@code noKeyNoInvalidate} (a fast_reg key over that region, given with its rkey, is never
 * invalidated by a SEND with invalidate without it);
 * {@code noPartitionNoEntry} (without the P_Key nothing is written and no receive completes);
 * {@code bystanderUnharmed} (afterwards an RC connection between the victim and host 1 that the
 * forger never named still moves data both ways); {@code noLeak} (every object of the victim is
 * destroyed without error and the driver and firmware hold what they held before). That nothing
 * throws is checked by every run. Each mutation test below swaps one of the checks these rest on
 * for a wrong one ({@link TransportPolicy}) and shows the property fails.
 * Replay: {@code mvn -B -pl driver-sim -am verify -Dtest=ForgedPacketPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class ForgedPacketPropertyTest {
    private static final long DEFAULT_SEED = 0xf0_49ed;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    /** A bug may need a rare packet to show; the mutation tests look further before giving up. */
    private static final int MUTANT_EXAMPLES = 2000;
    private static final int VICTIM = 0;
    private static final int PEER = 1;
    private static final int FORGER = 2;
    /** Raw choices per forged packet; each field of the packet is decoded from one or two. */
    private static final int CHOICES = 16;
    private static final int MAX_PACKETS = 40;

    /** The victim's memory: eight regions of 16 KiB, one allocation. */
    private static final int REGION = 16 << 10;
    private static final int GUARD_LO = 0;
    private static final int WRITABLE = 1;
    private static final int GUARD_HI = 2;
    private static final int READ_ONLY = 3;
    private static final int OTHER_PD = 4;
    private static final int RECV = 5;
    private static final int LOCAL = 6;
    private static final int BYSTANDER = 7;
    private static final int REGIONS = 8;
    /** Receive buffers are 1 KiB slices of {@link #RECV}: a path MTU's payload. */
    private static final int SLICE = 1 << 10;

    private static final int QKEY = 0x1357_2468;
    private static final int FULL_PKEY = 0xffff;
    /** The QPN the victim's connected QPs name as their peer; no QP of the forger has it. */
    private static final int FORGER_QPN = 0x00ab_cdef & 0xffffff;
    private static final int RC_RQ_PSN = 0x5000;
    private static final int RC_SQ_PSN = 0x7000;
    private static final int UC_RQ_PSN = 0x6000;
    private static final long READ_WR_ID = 0xbead;
    /** The multicast group of the victim's UD QP, which the forger's port may send to. */
    private static final int MLID = 0xc011;
    private static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
    private static final int MULTICAST_QPN = 0xff_ffff;

    /** One forged packet, as the raw choices it is decoded from. */
    record Forged(List<Integer> choices) {
        int at(int i) {
            return choices.get(i);
        }

        @Override
        public String toString() {
            return choices.toString();
        }
    }

    /** The property as the run of every build makes it. */
    @Test
    void shouldReachNothingWithoutItsKeys() {
        check(TransportPolicy.CORRECT, EXAMPLES);
    }

    @Test
    void shouldFindADeviceThatIgnoresTheKeysTag() {
        assertFalsified(new TransportPolicy() {
            @Override
            public boolean keyMatches(int mptKey, int key) {
                return mptKey >>> 8 == key >>> 8;
            }
        }, "noKeyNoWrite", "noKeyNoInvalidate");
    }

    @Test
    void shouldFindADeviceThatIgnoresTheMrsPd() {
        assertFalsified(new TransportPolicy() {
            @Override
            public boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
                return accessBit && inRange;
            }
        }, "untouchable");
    }

    @Test
    void shouldFindADeviceThatIgnoresTheAccessBits() {
        assertFalsified(new TransportPolicy() {
            @Override
            public boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
                return samePd && inRange;
            }
        }, "untouchable");
    }

    @Test
    void shouldFindADeviceThatIgnoresTheRegionsBounds() {
        assertFalsified(new TransportPolicy() {
            @Override
            public boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
                return samePd && accessBit;
            }
        }, "untouchable", "DMA to unmapped host memory");
    }

    @Test
    void shouldFindADeviceThatIgnoresPKeys() {
        assertFalsified(new TransportPolicy() {
            @Override
            public boolean pkeyMatches(int packet, int qp) {
                return true;
            }
        }, "noPartitionNoEntry");
    }

    /** {@code bug} makes the property fail, for one of the reasons {@code expected} names. */
    private static void assertFalsified(TransportPolicy bug, String... expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> check(bug, MUTANT_EXAMPLES));
        assertTrue(Arrays.stream(expected).anyMatch(e.getMessage()::contains), e.getMessage());
    }

    private static void check(TransportPolicy policy, int examples) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(20)
                .withReporter(new SeedReporter("ForgedPacketPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), booleans().all(), booleans().all(),
                        lists().of(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSize(CHOICES)
                                .map(Forged::new))
                                .ofSizeBetween(1, MAX_PACKETS))
                .checkAssert((worldSeed, knowsRkey, knowsPkey, packets) ->
                        new Run(worldSeed, policy).forge(knowsRkey, knowsPkey, packets));
    }

    /** One world: the victim's objects, the bystander connection, and what the forger knows. */
    private static final class Run {
        final World world;
        final Host victim;
        final IbDevice dev;
        final Pd pd;
        final Pd otherPd;
        final Cq cq;
        final long base;
        final Mr[] mrs = new Mr[REGIONS];
        /** A fast_reg key over the writable region, given to the forger with that region's rkey. */
        final Mr fastReg;
        /** Connected to the forger: several of each, as a forged packet that fails a check may end one. */
        final Qp[] rcs = new Qp[3];
        final Qp[] ucs = new Qp[2];
        final Srq srq;
        final Qp ud;
        final Qp bystander;
        final Pd peerPd;
        final Cq peerCq;
        final Qp peerQp;
        final Mr peerMr;
        final long peerBuf;
        final Map<String, Integer> driverBefore;
        final Map<String, Integer> firmwareBefore;
        final List<String> log = new ArrayList<>();

        Run(long worldSeed, TransportPolicy policy) {
            world = World.of(worldSeed, 3);
            world.transport(VICTIM).policy(policy);
            victim = world.host(VICTIM);
            dev = victim.driver(0).device();
            driverBefore = victim.driver(0).live();
            firmwareBefore = victim.hca(0).firmware().live();
            pd = Pd.alloc(dev).get();
            otherPd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(256, 0)).get();
            base = victim.memory().alloc((long) REGIONS * REGION);
            int remote = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ
                    | AccessFlags.REMOTE_ATOMIC;
            mrs[WRITABLE] = reg(pd, WRITABLE, remote);
            mrs[READ_ONLY] = reg(pd, READ_ONLY, AccessFlags.REMOTE_READ);
            mrs[OTHER_PD] = reg(otherPd, OTHER_PD, remote);
            mrs[RECV] = reg(pd, RECV, AccessFlags.LOCAL_WRITE);
            mrs[LOCAL] = reg(pd, LOCAL, AccessFlags.LOCAL_WRITE);
            mrs[BYSTANDER] = reg(pd, BYSTANDER, remote);
            for (int r = 0; r < REGIONS; r++) {
                victim.memory().write(region(r), TransportPair.pattern(r, REGION));
            }
            // The last RC QP receives from a shared receive queue, its limit armed.
            srq = Srq.create(pd, null, new SrqAttr(8, 1, 2)).get();
            for (int i = 0; i < rcs.length; i++) {
                rcs[i] = i < rcs.length - 1 ? qp(QpType.RC) : Qp.create(pd, srqInit()).get();
            }
            for (int i = 0; i < ucs.length; i++) {
                ucs[i] = qp(QpType.UC);
            }
            ud = qp(QpType.UD);
            bystander = qp(QpType.RC);
            int forgerLid = world.lid(FORGER);
            for (Qp q : rcs) {
                connect(q, forgerLid, FORGER_QPN, RC_RQ_PSN, RC_SQ_PSN);
            }
            for (Qp q : ucs) {
                connect(q, forgerLid, FORGER_QPN, UC_RQ_PSN, 0);
            }
            QpAttr init = new QpAttr().state(QpState.INIT);
            init.portNum = 1;
            init.qkey = QKEY;
            assertEquals(0, ud.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.QKEY)));
            assertEquals(0, ud.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            QpAttr rts = new QpAttr().state(QpState.RTS);
            assertEquals(0, ud.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            // The switch forwards the group's packets between the victim and the forger.
            world.joinMulticast(MLID, VICTIM, FORGER);
            assertEquals(0, ud.attachMcast(MGID, MLID));

            Host peer = world.host(PEER);
            IbDevice peerDev = peer.driver(0).device();
            peerPd = Pd.alloc(peerDev).get();
            peerCq = Cq.create(peerDev, null, null, new CqInitAttr(64, 0)).get();
            peerQp = Qp.create(peerPd, QpInitAttr.of(QpType.RC, peerCq, peerCq, new QpCap(16, 16, 1, 1, 0))).get();
            peerBuf = peer.memory().alloc(REGION);
            peer.memory().write(peerBuf, TransportPair.pattern(99, REGION));
            peerMr = Mr.reg(peerPd, peerBuf, REGION, peerBuf, AccessFlags.LOCAL_WRITE).get();
            connect(bystander, world.lid(PEER), peerQp.qpNum(), 0x100, 0x200);
            connect(peerQp, world.lid(VICTIM), bystander.qpNum(), 0x200, 0x100);

            fastReg = Mr.alloc(pd, REGION / 4096).get();
            assertEquals(1, fastReg.mapSg(new long[] {region(WRITABLE)}, new int[] {REGION}));
            assertTrue(bystander.postSend(new SendWr().wrId(3).opcode(WrOpcode.REG_MR).reg(fastReg, fastReg.rkey(),
                    remote).sendFlags(org.ibmodel.core.SendFlags.SIGNALED)).ok());
            world.settle();
            assertEquals(WcStatus.SUCCESS, TransportPair.pollAll(cq).get(0).status, "REG_MR");

            // Work the forger's packets may complete: receives on each QP, and an RDMA READ of
            // the victim's whose responses the forger may fake (its timeout outlasts the run).
            for (int i = 0; i < 4; i++) {
                for (int q = 0; q < rcs.length; q++) {
                    RecvWr wr = new RecvWr(4 * q + i, slice(4 * q + i));
                    assertTrue((q < rcs.length - 1 ? rcs[q].postRecv(wr) : srq.postRecv(wr)).ok());
                }
            }
            assertTrue(ucs[0].postRecv(new RecvWr(12, slice(12))).ok());
            assertTrue(ucs[1].postRecv(new RecvWr(13, slice(13))).ok());
            assertTrue(ud.postRecv(new RecvWr(14, slice(14))).ok());
            world.settle();
            assertTrue(rcs[0].postSend(new SendWr().wrId(READ_WR_ID).opcode(WrOpcode.RDMA_READ).sgList(slice(15))
                    .remoteAddr(0x10000).rkey(0x1234)).ok());
            world.runUntil(world.scheduler().now() + 10_000);
        }

        long region(int r) {
            return base + (long) r * REGION;
        }

        Mr reg(Pd p, int r, int access) {
            return Mr.reg(p, region(r), REGION, region(r), access).get();
        }

        Sge slice(int i) {
            return new Sge(region(RECV) + (long) i * SLICE, SLICE, mrs[RECV].lkey());
        }

        QpInitAttr srqInit() {
            QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(16, 0, 1, 0, 0));
            init.srq = srq;
            return init;
        }

        Qp qp(QpType type) {
            return Qp.create(pd, QpInitAttr.of(type, cq, cq, new QpCap(16, 16, 1, 1, 0))).get();
        }

        void connect(Qp q, int dlid, int destQpn, int rqPsn, int sqPsn) {
            QpAttr init = new QpAttr().state(QpState.INIT);
            init.portNum = 1;
            init.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | (q.type() == QpType.RC ? AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC : 0);
            assertEquals(0, q.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.ACCESS_FLAGS)));
            QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_1024);
            rtr.ahAttr = AhAttr.lid(1, dlid);
            rtr.destQpNum = destQpn;
            rtr.rqPsn = rqPsn;
            rtr.maxDestRdAtomic = 4;
            rtr.minRnrTimer = 1;
            QpAttr rts = new QpAttr().state(QpState.RTS);
            rts.sqPsn = sqPsn;
            if (q.type() == QpType.RC) {
                assertEquals(0, q.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                        QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC,
                        QpAttrMask.MIN_RNR_TIMER)));
                // About 4.3 s: no retry of the victim's READ falls inside the forger's run.
                rts.timeout = 20;
                rts.retryCnt = 1;
                rts.rnrRetry = 1;
                rts.maxRdAtomic = 4;
                assertEquals(0, q.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                        QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)));
            } else {
                assertEquals(0, q.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                        QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
                assertEquals(0, q.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            }
        }

        void forge(boolean knowsRkey, boolean knowsPkey, List<Forged> packets) {
            try {
                forgeAndCheck(knowsRkey, knowsPkey, packets);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nknows rkey " + knowsRkey + ", knows P_Key " + knowsPkey
                        + "; packets sent:\n  " + String.join("\n  ", log), e);
            } finally {
                world.close();
            }
        }

        private void forgeAndCheck(boolean knowsRkey, boolean knowsPkey, List<Forged> packets) {
            byte[][] before = new byte[REGIONS][];
            for (int r = 0; r < REGIONS; r++) {
                before[r] = victim.memory().read(region(r), REGION);
            }
            Forger f = new Forger(this, knowsRkey, knowsPkey);
            FabricPort cable = world.fabric().portOfLid(world.lid(FORGER));
            for (int i = 0; i < packets.size(); i++) {
                byte[] bytes = f.build(packets.get(i));
                String why = f.skip(bytes);
                if (why != null) {
                    log.add(i + ": " + f.describe() + " (not sent: " + why + ")");
                    continue;
                }
                Map<Transport.Drop, Long> drops = world.transport(VICTIM).drops();
                long arrived = victim.hca(0).firmware().port(1).rcvPackets();
                cable.send(bytes);
                world.runUntil(world.scheduler().now() + 2_000);
                log.add(i + ": " + f.describe() + ": " + (arrived == victim.hca(0).firmware().port(1).rcvPackets()
                        ? "lost on the way" : fate(drops, world.transport(VICTIM).drops())));
                checkMemory(before, knowsRkey, knowsPkey, "after packet " + i);
                checkFastReg(knowsRkey, knowsPkey, "by packet " + i);
            }
            world.runUntil(world.scheduler().now() + 100_000);
            checkMemory(before, knowsRkey, knowsPkey, "after the last packet");
            if (!knowsPkey) {
                for (Wc w : TransportPair.pollAll(cq)) {
                    assertEquals(READ_WR_ID, w.wrId, "noPartitionNoEntry: " + w);
                }
            }
            bystanderTraffic();
            teardown();
        }

        /** {@code noKeyNoInvalidate}: the fast_reg key stays registered unless the forger may end it. */
        private void checkFastReg(boolean knowsRkey, boolean knowsPkey, String when) {
            if (knowsRkey && knowsPkey) {
                return;
            }
            byte[] e = victim.hca(0).firmware().mpt(fastReg.rkey() >>> 8);
            if (e == null || Layout.Mpt.FREE.isSet(e, 0) || Layout.Mpt.KEY.getInt(e, 0) != fastReg.rkey()) {
                fail("noKeyNoInvalidate: the fast_reg key 0x" + Integer.toHexString(fastReg.rkey())
                        + " was invalidated " + when);
            }
        }

        private static final String[] NAMES = {"the page below the writable region", "the writable region",
            "the page above the writable region", "the remote-read-only region", "the region of another PD",
            "the receive buffers", "the local-only region", "the bystander's region"};

        /** The memory invariants; each names the first byte that changed and when. */
        private void checkMemory(byte[][] before, boolean knowsRkey, boolean knowsPkey, String when) {
            for (int r = 0; r < REGIONS; r++) {
                boolean mayChange = r == WRITABLE && knowsRkey && knowsPkey || r == RECV && knowsPkey;
                if (mayChange) {
                    continue;
                }
                byte[] now = victim.memory().read(region(r), REGION);
                int at = Arrays.mismatch(before[r], now);
                if (at >= 0) {
                    String invariant = r == WRITABLE && knowsPkey ? "noKeyNoWrite"
                            : (r == WRITABLE || r == RECV) ? "noPartitionNoEntry" : "untouchable";
                    fail(String.format("%s: %s changed %s: byte 0x%x (va 0x%x) was 0x%02x, is 0x%02x", invariant,
                            NAMES[r], when, at, region(r) + at, before[r][at], now[at]));
                }
            }
        }

        /** What the victim's counters say of a packet: the drops it was counted as (UC: of the message it ended). */
        private static String fate(Map<Transport.Drop, Long> before, Map<Transport.Drop, Long> after) {
            List<String> moved = new ArrayList<>();
            for (Map.Entry<Transport.Drop, Long> e : after.entrySet()) {
                if (!e.getValue().equals(before.getOrDefault(e.getKey(), 0L))) {
                    moved.add(e.getKey().name());
                }
            }
            return moved.isEmpty() ? "no drop counted" : "counted " + String.join(", ", moved);
        }

        /** The victim writes 4 KiB into host 1 and sends it 64 bytes; both must arrive whole. */
        private void bystanderTraffic() {
            assertTrue(peerQp.postRecv(new RecvWr(7, new Sge(peerBuf + 8192, 64, peerMr.lkey()))).ok(),
                    "bystanderUnharmed: post_recv on host 1");
            byte[] data = victim.memory().read(region(BYSTANDER), 4096);
            long expectRemote = peerBuf;
            assertTrue(bystander.postSend(
                    new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(new Sge(region(BYSTANDER), 4096,
                            mrs[BYSTANDER].lkey())).remoteAddr(expectRemote).rkey(peerRemoteKey()),
                    new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(new Sge(region(BYSTANDER), 64,
                            mrs[BYSTANDER].lkey()))).ok(), "bystanderUnharmed: post_send");
            world.settle();
            List<Wc> mine = new ArrayList<>();
            for (Wc w : TransportPair.pollAll(cq)) {
                if (w.qp == bystander) {
                    mine.add(w);
                }
            }
            assertEquals(2, mine.size(), "bystanderUnharmed: " + mine);
            for (Wc w : mine) {
                assertEquals(WcStatus.SUCCESS, w.status, "bystanderUnharmed: " + w);
            }
            List<Wc> theirs = TransportPair.pollAll(peerCq);
            assertEquals(1, theirs.size(), "bystanderUnharmed: " + theirs);
            assertEquals(WcStatus.SUCCESS, theirs.get(0).status, "bystanderUnharmed: " + theirs.get(0));
            assertArrayEquals(data, world.host(PEER).memory().read(peerBuf, 4096), "bystanderUnharmed: RDMA WRITE");
            assertArrayEquals(Arrays.copyOf(data, 64), world.host(PEER).memory().read(peerBuf + 8192, 64),
                    "bystanderUnharmed: SEND");
        }

        private int peerRemoteKey() {
            if (peerRemote == null) {
                peerRemote = Mr.reg(peerPd, peerBuf, REGION, peerBuf, AccessFlags.LOCAL_WRITE
                        | AccessFlags.REMOTE_WRITE).get();
            }
            return peerRemote.rkey();
        }

        private Mr peerRemote;

        private void teardown() {
            assertEquals(0, ud.detachMcast(MGID, MLID), "noLeak: detach from the group");
            for (Qp q : new Qp[] {rcs[0], rcs[1], rcs[2], ucs[0], ucs[1], ud, bystander}) {
                assertEquals(0, q.destroy(), "noLeak: destroy " + q);
            }
            assertEquals(0, srq.destroy(), "noLeak: destroy the SRQ");
            assertEquals(0, fastReg.dereg(), "noLeak: dereg the fast_reg MR");
            for (Mr m : mrs) {
                if (m != null) {
                    assertEquals(0, m.dereg(), "noLeak: dereg " + m);
                }
            }
            assertEquals(0, cq.destroy(), "noLeak: destroy CQ");
            assertEquals(0, pd.dealloc(), "noLeak: dealloc PD");
            assertEquals(0, otherPd.dealloc(), "noLeak: dealloc PD");
            world.settle();
            assertEquals(driverBefore, victim.driver(0).live(), "noLeak: driver tables");
            assertEquals(firmwareBefore, victim.hca(0).firmware().live(), "noLeak: firmware tables");
        }
    }

    /** What a forged packet gets wrong; a plain packet gets nothing wrong but what the forger does not know. */
    enum Fault {
        NONE, PSN, SLID, PKEY, RKEY, VA, DMA_LEN, QKEY, GRH, MIG_REQ, VL, ANY_OPCODE, RAW_OPCODE, BYTE_BEFORE_CRCS,
        BYTE_AFTER_CRCS, CUT_SHORT, MISALIGNED;

        private static final Fault[] VALUES = values();

        /** A third of the packets are plain; the rest have one fault each. */
        static Fault of(int choice) {
            int c = choice % (3 * (VALUES.length - 1) / 2);
            return c < (VALUES.length - 1) / 2 ? NONE : VALUES[1 + c % (VALUES.length - 1)];
        }
    }

    /**
     * Decodes raw choices into packets: a target QP, a request of its service, and one
     * {@link Fault} (a choice of 0 is a plain packet to the first RC QP, so shrinking heads for
     * plain packets). The forger keeps the PSN it expects each victim QP to take next.
     */
    private static final class Forger {
        private final Run run;
        private final boolean knowsRkey;
        private final boolean knowsPkey;
        private final PacketBuilder builder = new PacketBuilder();
        private final int[] rcPsn = {RC_RQ_PSN, RC_RQ_PSN, RC_RQ_PSN};
        private final int[] ucPsn = {UC_RQ_PSN, UC_RQ_PSN};
        private int responsePsn = RC_SQ_PSN;
        private String description;

        Forger(Run run, boolean knowsRkey, boolean knowsPkey) {
            this.run = run;
            this.knowsRkey = knowsRkey;
            this.knowsPkey = knowsPkey;
        }

        String describe() {
            return description;
        }

        byte[] build(Forged f) {
            Fault fault = Fault.of(f.at(12));
            int v = f.at(13);
            // Target: the connected QPs most, then the UD QP, QP0, QP1 and any QPN.
            int t = f.at(0) % 16;
            int sel = f.at(0) >>> 4;
            int qpn;
            boolean multicast = false;
            int[] cursors = null;
            int which = 0;
            org.ibmodel.sim.wire.Transport service;
            if (t < 8) {
                which = sel % run.rcs.length;
                qpn = run.rcs[which].qpNum();
                cursors = rcPsn;
                service = org.ibmodel.sim.wire.Transport.RC;
            } else if (t < 11) {
                which = sel % run.ucs.length;
                qpn = run.ucs[which].qpNum();
                cursors = ucPsn;
                service = org.ibmodel.sim.wire.Transport.UC;
            } else if (t < 13) {
                qpn = run.ud.qpNum();
                service = org.ibmodel.sim.wire.Transport.UD;
            } else if (t < 14) {
                // To the multicast group the victim's UD QP is attached to (HCA.md §3.11).
                multicast = true;
                qpn = MULTICAST_QPN;
                service = org.ibmodel.sim.wire.Transport.UD;
            } else if (t < 15) {
                qpn = sel % 2;
                service = org.ibmodel.sim.wire.Transport.UD;
            } else {
                qpn = sel & 0xffffff;
                service = org.ibmodel.sim.wire.Transport.values()[(sel >>> 24) % 3];
            }
            Opcode op = opcode(f.at(1), service, fault == Fault.ANY_OPCODE);
            boolean response = op.isResponse();
            int cursor = response ? responsePsn : cursors != null ? cursors[which] : 0;
            int psn = (fault != Fault.PSN ? cursor : switch (v % 3) {
                case 0 -> cursor - 1;
                case 1 -> cursor + 1;
                default -> v >>> 2;
            }) & 0xffffff;
            int slid = fault != Fault.SLID ? run.world.lid(FORGER)
                    : v % 2 == 0 ? run.world.lid(PEER) : (v >>> 1) & 0xffff;
            int pkey = !knowsPkey || fault == Fault.PKEY && v % 2 == 0 ? wrongPkey(f.at(4))
                    : fault == Fault.PKEY ? 0x7fff : FULL_PKEY;
            int key = rkey(f.at(5), fault == Fault.RKEY || !knowsRkey);
            int payload = op.hasPayload() ? f.at(9) % 1025 : 0;
            long va = va(f.at(6), f.at(7), key, fault == Fault.VA);
            if (fault == Fault.MISALIGNED) {
                va |= 1 + v % 7;
            }
            long dmaLen = fault != Fault.DMA_LEN ? (op.isRdmaReadRequest() ? f.at(8) % 4097 : payload)
                    : switch (v % 4) {
                        case 0 -> payload + 1 + f.at(8) % 4096;
                        case 1 -> Math.max(0, payload - 1 - f.at(8) % 1024);
                        case 2 -> 0;
                        default -> 0xffff_ffffL - f.at(8) % 4096;
                    };
            int qkey = fault != Fault.QKEY ? QKEY : v % 2 == 0 ? f.at(10) : 0x8000_0000 | f.at(10);
            // A multicast packet must carry a GRH naming its group; a unicast one may carry one.
            boolean grh = multicast != (fault == Fault.GRH);
            int flags = f.at(11);

            byte[] buf = new byte[PacketBuilder.frameLength(op, grh, payload)];
            builder.wrap(buf, 0).begin(op, grh);
            // QP0's packets go on VL15 and no other QP's do (IBA 7.6.5); a wrong lane breaks that.
            builder.lrh().vl((qpn == 0) != (fault == Fault.VL) ? 15 : 0).dlid(multicast ? MLID : run.world.lid(VICTIM))
                    .slid(slid);
            if (grh) {
                byte[] gid = run.dev.port(1).gid(0);
                if (multicast) {
                    gid = MGID;
                }
                builder.grh().hopLmt(1).dgid(word(gid, 0), word(gid, 8)).sgid(0xfe80L << 48, v);
            }
            builder.bth().pKey(pkey).destQp(qpn).psn(psn).ackReq((flags & 1) != 0).se((flags & 2) != 0)
                    .migReq(fault == Fault.MIG_REQ);
            if (op.hasReth()) {
                builder.reth().va(va).rKey(key).dmaLen((int) dmaLen);
            }
            if (op.hasAtomicEth()) {
                builder.atomicEth().va(va).rKey(key).swapAddData(f.at(14)).compareData(f.at(15));
            }
            if (op.hasDeth()) {
                builder.deth().qKey(qkey).srcQp(f.at(10) & 0xffffff);
            }
            if (op.hasAeth()) {
                builder.aeth().syndrome(flags >>> 2 & 0xff).msn(f.at(10) & 0xffffff);
            }
            if (op.hasAtomicAckEth()) {
                builder.atomicAckEth().origRemData(f.at(14));
            }
            if (op.hasImmDt()) {
                builder.immDt().immDt(f.at(15));
            }
            if (op.hasIeth()) {
                builder.ieth().rKey(key);
            }
            if (payload > 0) {
                int at = builder.payloadRoom(payload);
                System.arraycopy(TransportPair.pattern(f.at(14), payload), 0, buf, at, payload);
            }
            int n = builder.finish();
            int bthAt = Lrh.HEADER_LENGTH + (grh ? org.ibmodel.sim.wire.Grh.HEADER_LENGTH : 0);
            String change = "";
            int flip = (f.at(14) & 0xff) | 1;
            switch (fault) {
                case RAW_OPCODE -> {
                    buf[bthAt] = (byte) v;
                    new Crcs().write(buf, 0, n);
                    change = ", opcode byte 0x" + Integer.toHexString(v & 0xff);
                }
                case BYTE_BEFORE_CRCS -> {
                    // Changed before the CRCs were computed: the packet arrives intact.
                    int pos = v % (n - 6);
                    buf[pos] ^= (byte) flip;
                    new Crcs().write(buf, 0, n);
                    change = ", byte " + pos + " ^ 0x" + Integer.toHexString(flip) + " before the CRCs";
                }
                case BYTE_AFTER_CRCS -> {
                    int pos = v % n;
                    buf[pos] ^= (byte) flip;
                    change = ", byte " + pos + " ^ 0x" + Integer.toHexString(flip) + " after the CRCs";
                }
                case CUT_SHORT -> {
                    int len = 1 + v % (n - 1);
                    buf = Arrays.copyOf(buf, len);
                    change = ", cut to " + len + " of " + n + " bytes";
                }
                default -> {
                }
            }
            if (fault != Fault.PSN) {
                if (response) {
                    responsePsn = (responsePsn + 1) & 0xffffff;
                } else if (cursors != null) {
                    // A READ request takes one PSN per response packet (IBA 9.7.5.1.4).
                    long packets = op.isRdmaReadRequest() ? Math.max(1, (Math.min(dmaLen, 1L << 20) + 1023) / 1024) : 1;
                    cursors[which] = (int) (cursors[which] + packets) & 0xffffff;
                }
            }
            description = String.format("%s %s to QPN 0x%x, PSN 0x%x, SLID 0x%x, P_Key 0x%04x, key 0x%08x, va 0x%x,"
                    + " dma_len %d, %d B payload, Q_Key 0x%08x (%s%s)", op.transport(), op.ibtaName(), qpn, psn, slid,
                    pkey, key, va, dmaLen, payload, qkey, fault.name().toLowerCase(java.util.Locale.ROOT), change);
            return buf;
        }

        /** Why a packet is not sent: the property is about the victim, and host 1 must not be reached. */
        String skip(byte[] b) {
            if (b.length < Lrh.HEADER_LENGTH) {
                return null;
            }
            int dlid = (b[2] & 0xff) << 8 | (b[3] & 0xff);
            if (dlid != run.world.lid(VICTIM) && dlid != MLID) {
                return "DLID 0x" + Integer.toHexString(dlid) + " is not the victim's";
            }
            boolean global = (b[1] & 3) == Lrh.LNH_IBA_GLOBAL;
            int bthAt = Lrh.HEADER_LENGTH + (global ? org.ibmodel.sim.wire.Grh.HEADER_LENGTH : 0);
            if (b.length >= bthAt + 8) {
                int qpn = (b[bthAt + 5] & 0xff) << 16 | (b[bthAt + 6] & 0xff) << 8 | (b[bthAt + 7] & 0xff);
                if (qpn == run.bystander.qpNum()) {
                    return "names the bystander QP";
                }
            }
            return null;
        }

        /** A request of the target's service, as a peer sends; with {@code any}, any opcode. */
        private static Opcode opcode(int choice, org.ibmodel.sim.wire.Transport service, boolean any) {
            Opcode[] all = Opcode.values();
            List<Opcode> of = new ArrayList<>();
            for (Opcode o : all) {
                if (o.transport() == service && o.isRequest()) {
                    of.add(o);
                }
            }
            return any || of.isEmpty() ? all[choice % all.length] : of.get(choice % of.size());
        }

        /** A P_Key the victim's port does not hold: its low 15 bits are neither 0x7fff nor 0. */
        private static int wrongPkey(int choice) {
            return 0x8000 | (1 + choice % 0x7ffe);
        }

        /** The writable region's key, or (as told) another region's or a guess. */
        private int rkey(int choice, boolean wrong) {
            int writable = run.mrs[WRITABLE].rkey();
            if (!wrong) {
                return choice % 4 == 3 ? run.fastReg.rkey() : writable;
            }
            // Keys are an MPT index and an 8-bit tag (HCA.md §4.1): indexes are easy to guess, tags less so.
            int otherTag = 1 + (choice >>> 3) % 255;
            int known = switch (choice % 8) {
                case 0 -> run.mrs[READ_ONLY].rkey();
                case 1 -> run.mrs[OTHER_PD].rkey();
                case 2 -> run.mrs[LOCAL].rkey();
                case 3 -> run.mrs[RECV].rkey();
                case 4 -> writable & ~0xff | (writable + otherTag) & 0xff;
                case 5 -> run.fastReg.rkey() & ~0xff | (run.fastReg.rkey() + otherTag) & 0xff;
                default -> 0;
            };
            if (known != 0) {
                return known;
            }
            int any = choice >>> 3;
            // A guess never hits a key the forger is not given.
            while ((!knowsRkey && (any == writable || any == run.fastReg.rkey())) || any == run.mrs[BYSTANDER].rkey()) {
                any++;
            }
            return any;
        }

        /** Inside the key's region with room for any packet; or near its edges, in another region, anywhere. */
        private long va(int choice, int offsetChoice, int key, boolean wrong) {
            if (!wrong) {
                return run.region(regionOf(key)) + (offsetChoice % (REGION - 4096) & ~7);
            }
            long edge = offsetChoice % 256 - 128;
            return switch (choice % 4) {
                case 0 -> run.region(regionOf(key)) + edge;
                case 1 -> run.region(regionOf(key)) + REGION + edge;
                case 2 -> run.region((choice >>> 2) % REGIONS) + offsetChoice % REGION;
                default -> (long) choice << 33 ^ offsetChoice;
            };
        }

        private int regionOf(int key) {
            if (key == run.fastReg.rkey()) {
                return WRITABLE;
            }
            for (int r = 0; r < REGIONS; r++) {
                if (run.mrs[r] != null && run.mrs[r].rkey() == key) {
                    return r;
                }
            }
            return WRITABLE;
        }

        private static long word(byte[] b, int at) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = v << 8 | (b[at + i] & 0xff);
            }
            return v;
        }
    }
}
