// Property: the HCA driver's error paths, every firmware command a verb issues refused in turn
// (drivers/net/ethernet/mellanox/mlx4/cmd.c mlx4_status_to_errno; the unwinding of mlx4_ib and
// mthca's create, modify and destroy verbs)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.ResType;
import org.ibmodel.core.Result;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.HwQpState;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of verbs against the HCA driver (PD, CQ, SRQ, RC and UD QPs, MRs of up to
 * 8 MiB, DMA and fast_reg MRs; QP transitions, query, CQ resize, SRQ limit, multicast attach and
 * detach, every destroy), where before each verb the device may be told to refuse the first,
 * second, third or fourth command the verb issues, with any status but INTERNAL_ERR (the device
 * failing, a path of its own: CatastrophicErrorPropertyTest).
 *
 * <p>Invariants, after every verb: {@code errnoOfTheRefusal} (a verb whose command was refused
 * returns mlx4_status_to_errno of its status, but the four tear-downs that warn and go on,
 * destroy_qp/cq/srq and dealloc_pd, which return 0 and log one line each, ib_query_qp, which is
 * -EINVAL, and a multicast attach or detach, which goes on past its refused QUERY_QP; a verb
 * whose commands all passed succeeds); {@code nothingLeftOnFailure} (a create that fails leaves the driver's
 * tables, the firmware's and ib_core's counts as they were); {@code failedModifyChangesNothing}
 * (ib_core's and the device's QP state stay put); {@code agreement} (every object ib_core holds
 * is in the driver's tables and owned by the device, every QP in the same state on both sides,
 * and the device owns nothing more than the driver holds but the contexts of refused
 * tear-downs and of the CQs and SRQs a kept QP still uses, whose HW2SW the device then refuses
 * itself). Each sequence ends by destroying everything with nothing refused: the driver
 * holds what it held before the sequence, and so does the device beyond the refused tear-downs.
 * The mutation tests put drivers with bugs of the kind this exists to find between ib_core and
 * the real one ({@link ForwardingDeviceOps}) and show each is caught.
 * Replay: {@code mvn -B -pl driver-sim -am verify -Dtest=HcaCommandFailurePropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class HcaCommandFailurePropertyTest {
    private static final long DEFAULT_SEED = 0xc0_3a4d;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int MUTANT_EXAMPLES = 500;
    private static final int CHOICES = 6;
    private static final int MAX_STEPS = 50;
    private static final long BUF = 8 << 20;
    /** Refusals a verb may meet: every status but OK and INTERNAL_ERR. */
    private static final Status[] REFUSALS = Arrays.stream(Status.values())
            .filter(s -> s != Status.OK && s != Status.INTERNAL_ERR).toArray(Status[]::new);

    @Test
    void shouldUnwindEveryRefusedCommand() {
        check(UnaryOperator.identity(), EXAMPLES);
    }

    @Test
    void shouldFindADestroyThatForgetsTheDriversSide() {
        assertFalsified(real -> new ForwardingDeviceOps(real) {
            @Override
            public int destroyCq(Cq cq) {
                return 0;
            }
        }, "agreement", "teardown: the driver's tables");
    }

    @Test
    void shouldFindAModifyThatHidesTheDevicesRefusal() {
        assertFalsified(real -> new ForwardingDeviceOps(real) {
            @Override
            public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
                real.modifyQp(qp, attr, mask, cur, next);
                return 0;
            }
        }, "errnoOfTheRefusal", "agreement");
    }

    @Test
    void shouldFindACreateThatFailsWithoutUndoingItsWork() {
        assertFalsified(real -> new ForwardingDeviceOps(real) {
            @Override
            public int createCq(Cq cq, CqInitAttr attr) {
                int ret = real.createCq(cq, attr);
                // The bug: a check made after the device took the CQ, whose failure does not undo it.
                return ret == 0 && attr.cqe() > 2000 ? Errno.EINVAL.negative() : ret;
            }
        }, "nothingLeftOnFailure");
    }

    @Test
    void shouldFindACreateThatLeaksHostMemoryWhenItFails() {
        assertFalsified(real -> new ForwardingDeviceOps(real) {
            @Override
            public int createSrq(Srq srq, SrqAttr attr) {
                int ret = real.createSrq(srq, attr);
                if (ret != 0) {
                    // The bug: the ring of a create the device refused is never given back.
                    srq.pd().device().memory().alloc(4096);
                }
                return ret;
            }
        }, "nothingLeftOnFailure: host memory");
    }

    private static void assertFalsified(UnaryOperator<DeviceOps> bug, String... expected) {
        AssertionError e = assertThrows(AssertionError.class, () -> check(bug, MUTANT_EXAMPLES));
        assertTrue(Arrays.stream(expected).anyMatch(e.getMessage()::contains), e.getMessage());
    }

    private static void check(UnaryOperator<DeviceOps> decorate, int examples) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(50)
                .withReporter(new SeedReporter("HcaCommandFailurePropertyTest", seed))
                .forAll(lists().of(lists().of(integers().between(0, Integer.MAX_VALUE)).ofSize(CHOICES))
                        .ofSizeBetween(1, MAX_STEPS))
                .checkAssert(steps -> new Run(decorate).run(steps));
    }

    /** A QP as the test tracks it: its CQ and SRQ are held, so neither may be destroyed first. */
    private record TQp(Qp qp, Cq cq, Srq srq, List<Integer> groups) {
    }

    private static final class Run {
        final HcaHost h;
        final Map<String, Integer> drvBase;
        final Map<String, Integer> fwBase;
        final long buf;
        /** Host memory held once the run's buffer is made: what the driver holds after a full teardown. */
        final long memBase;
        final List<Pd> pds = new ArrayList<>();
        final List<Cq> cqs = new ArrayList<>();
        final List<Srq> srqs = new ArrayList<>();
        final List<TQp> qps = new ArrayList<>();
        final List<Mr> mrs = new ArrayList<>();
        /** Contexts the device kept after refusing their tear-down, by the firmware's table name. */
        final Map<String, Integer> abandoned = new HashMap<>(Map.of("cq", 0, "srq", 0, "mpt", 0, "qp", 0));
        final List<String> log = new ArrayList<>();
        /**
         * CQs and SRQs a QP the device kept still uses: the device refuses their HW2SW itself
         * (BAD_RES_STATE, HCA.md §3.3), and keeps them too.
         */
        final java.util.Set<Object> pinned = new java.util.HashSet<>();

        Run(UnaryOperator<DeviceOps> decorate) {
            h = new HcaHost(HcaHost.LID, decorate);
            buf = h.host.memory().alloc(BUF);
            memBase = h.host.memory().allocatedBytes();
            drvBase = h.drv.live();
            fwBase = h.fw.live();
            pds.add(h.pd);
        }

        void run(List<List<Integer>> steps) {
            try {
                for (int i = 0; i < steps.size(); i++) {
                    step(i, steps.get(i));
                }
                teardown();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\nverbs:\n  " + String.join("\n  ", log), e);
            }
        }

        private void step(int i, List<Integer> a) {
            Status refusal = a.get(1) % 2 == 0 ? REFUSALS[a.get(2) % REFUSALS.length] : null;
            // Most verbs issue one command, a few several: the first is refused half the time.
            int passing = Integer.numberOfTrailingZeros(a.get(1) >>> 1 | 8);
            Verb v = verb(a);
            if (v == null) {
                return;
            }
            if (v.prepare != null) {
                v.prepare.run();
            }
            Map<String, Integer> drvBefore = h.drv.live();
            long memBefore = h.host.memory().allocatedBytes();
            Map<String, Integer> fwBefore = h.fw.live();
            Map<ResType, Integer> coreBefore = coreCounts();
            int warningsBefore = h.kernel.dmesg().size();
            if (refusal != null) {
                h.fw.injectStatusAfter(passing, refusal);
            }
            int ret = v.call.get();
            h.settle();
            // Cancelled whatever happened: an injection left armed would refuse a later command.
            boolean fired = refusal != null && !h.fw.injectionPending(true);
            boolean refused = v.deviceRefuses || fired && !(v.queriesFirst && passing == 0);
            String what = v.name + (refusal == null ? "" : " (command " + (passing + 1) + " refused with " + refusal
                    + (fired ? "" : ", not reached") + ")") + (v.deviceRefuses ? " (the device refuses it itself)" : "")
                    + " = " + ret;
            log.add(i + ": " + what);

            if (ret != 0 && v.create) {
                assertEquals(drvBefore, h.drv.live(), "nothingLeftOnFailure: driver tables after " + what);
                assertEquals(memBefore, h.host.memory().allocatedBytes(),
                        "nothingLeftOnFailure: host memory after " + what);
                assertEquals(fwBefore, h.fw.live(), "nothingLeftOnFailure: firmware tables after " + what);
                assertEquals(coreBefore, coreCounts(), "nothingLeftOnFailure: ib_core's objects after " + what);
            }
            if (ret != 0 && v.modified != null) {
                assertEquals(v.stateBefore, v.modified.state(), "failedModifyChangesNothing: ib_core after " + what);
                assertEquals(hwName(v.hwBefore), hwName(hw(v.modified)), "failedModifyChangesNothing: device after "
                        + what);
            }
            int expected = !refused ? v.unrefused : v.tearDown ? 0 : v.refusedAs != 0 ? v.refusedAs
                    : org.ibmodel.hca.CmdStatus.toErrno(refusal.value());
            if (ret != expected && !(!refused && v.alsoAllowed == ret)) {
                fail("errnoOfTheRefusal: " + what + ", expected " + expected);
            }
            if (refused && v.tearDown) {
                abandoned.merge(v.table, 1, Integer::sum);
                if (v.pins != null) {
                    pinned.addAll(v.pins);
                }
            }
            if (refused && (v.tearDown || v.warns)) {
                assertEquals(warningsBefore + 1, h.kernel.dmesg().size(), "errnoOfTheRefusal: one warning for " + what);
            } else {
                assertEquals(warningsBefore, h.kernel.dmesg().size(), "errnoOfTheRefusal: no warning for " + what
                        + ": " + h.kernel.dmesg());
            }
            agreement(what);
        }

        private Map<ResType, Integer> coreCounts() {
            Map<ResType, Integer> m = new EnumMap<>(ResType.class);
            for (ResType t : ResType.values()) {
                m.put(t, h.dev.liveCount(t));
            }
            return m;
        }

        private HwQpState hw(Qp qp) {
            var ctx = h.fw.qp(qp.qpNum());
            return ctx == null ? null : ctx.state();
        }

        private static String hwName(HwQpState s) {
            return s == null ? "RESET" : s.name();
        }

        private void agreement(String after) {
            int mrKeys = mrs.size() + pds.size();
            expect("driver", "pd", drvBase.get("pd") + pds.size() - 1, h.drv.live(), after);
            expect("driver", "cq", drvBase.get("cq") + cqs.size(), h.drv.live(), after);
            expect("driver", "srq", drvBase.get("srq") + srqs.size(), h.drv.live(), after);
            expect("driver", "qp", drvBase.get("qp") + qps.size(), h.drv.live(), after);
            expect("driver", "mpt", drvBase.get("mpt") + mrKeys - 1, h.drv.live(), after);
            expect("device", "cq", fwBase.get("cq") + cqs.size() + abandoned.get("cq"), h.fw.live(), after);
            expect("device", "srq", fwBase.get("srq") + srqs.size() + abandoned.get("srq"), h.fw.live(), after);
            expect("device", "mpt", fwBase.get("mpt") + mrKeys - 1 + abandoned.get("mpt"), h.fw.live(), after);
            for (TQp t : qps) {
                assertEquals(t.qp.state().name(), hwName(hw(t.qp)), "agreement: QP 0x"
                        + Integer.toHexString(t.qp.qpNum()) + " after " + after);
            }
        }

        private static void expect(String side, String kind, int want, Map<String, Integer> live, String after) {
            if (live.get(kind) != want) {
                fail("agreement: the " + side + " holds " + live.get(kind) + " " + kind + ", ib_core " + want
                        + ", after " + after);
            }
        }

        /** One verb: what it returns when nothing is refused, and what its refusal means. */
        private static final class Verb {
            String name;
            Supplier<Integer> call;
            /** What must happen first, with nothing refused (a QP leaves its groups before it goes). */
            Runnable prepare;
            int unrefused;
            int alsoAllowed = 1;
            boolean create;
            boolean tearDown;
            /** A refused command of it is warned about (the MPT and MTT commands of mthca and mlx4). */
            boolean warns;
            /** What it returns when refused, whatever the status; 0: mlx4_status_to_errno of it. */
            int refusedAs;
            /** Its first command is a QUERY_QP whose refusal fails nothing (is_valid_mcast_lid). */
            boolean queriesFirst;
            /** The device refuses the tear-down whatever is injected (it still holds a user). */
            boolean deviceRefuses;
            /** What a refused tear-down leaves pinned in the device (a kept QP's CQ and SRQ). */
            List<Object> pins;
            String table;
            Qp modified;
            QpState stateBefore;
            HwQpState hwBefore;

            static Verb of(String name, Supplier<Integer> call) {
                Verb v = new Verb();
                v.name = name;
                v.call = call;
                return v;
            }

            Verb creates() {
                create = true;
                return this;
            }

            Verb warnsWhenRefused() {
                warns = true;
                return this;
            }

            Verb tearsDown(String fwTable) {
                tearDown = true;
                table = fwTable;
                return this;
            }

            /** A refusal of any status is {@code errno}. */
            Verb refusedAs(int errno) {
                refusedAs = errno;
                return this;
            }

            /** Without a refusal the verb may also return {@code errno} (sizes the device cannot take). */
            Verb orElse(int errno) {
                alsoAllowed = errno;
                return this;
            }
        }

        private <T> int add(Result<T> r, List<T> into) {
            if (r.isErr()) {
                return r.err();
            }
            into.add(r.get());
            return 0;
        }

        private <T> T pick(List<T> from, int choice) {
            return from.isEmpty() ? null : from.get(choice % from.size());
        }

        private Verb verb(List<Integer> a) {
            int c = a.get(3);
            int d = a.get(4);
            Pd pd = pick(pds, a.get(5));
            switch (a.get(0) % 13) {
                case 0:
                    return Verb.of("ib_alloc_pd", () -> add(Pd.alloc(h.dev), pds)).creates().warnsWhenRefused();
                case 1: {
                    int cqe = 1 + c % 4000;
                    return Verb.of("ib_create_cq(" + cqe + ")", () -> add(Cq.create(h.dev, null, null,
                            new CqInitAttr(cqe, 0)), cqs)).creates();
                }
                case 2: {
                    int wr = 1 + c % 1000;
                    return Verb.of("ib_create_srq(" + wr + ")", () -> add(Srq.create(pd, null, new SrqAttr(wr, 1, 0)),
                            srqs)).creates();
                }
                case 3: {
                    Cq cq = pick(cqs, c);
                    if (cq == null) {
                        return null;
                    }
                    QpType type = d % 2 == 0 ? QpType.RC : QpType.UD;
                    Srq srq = d % 3 == 0 ? pick(srqs, c >>> 8) : null;
                    QpCap cap = srq != null ? QpCap.of(16, 0, 1) : QpCap.of(16, 16, 1);
                    QpInitAttr init = QpInitAttr.of(type, cq, cq, cap);
                    init.srq = srq;
                    return Verb.of("ib_create_qp(" + type + (srq != null ? ", SRQ" : "") + ")", () -> {
                        Result<Qp> r = Qp.create(pd, init);
                        if (!r.isErr()) {
                            qps.add(new TQp(r.get(), cq, srq, new ArrayList<>()));
                        }
                        return r.isErr() ? r.err() : 0;
                    }).creates();
                }
                case 4: {
                    long len = 1 + c % (BUF - 1);
                    long off = d % (BUF - len + 1);
                    return Verb.of("ib_reg_mr(" + len + " B)", () -> add(Mr.reg(pd, buf + off, len, buf + off,
                            AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE), mrs)).creates().warnsWhenRefused();
                }
                case 5:
                    return Verb.of("ib_get_dma_mr", () -> add(Mr.getDma(pd, AccessFlags.LOCAL_WRITE), mrs)).creates()
                            .warnsWhenRefused();
                case 6: {
                    int n = 1 + c % 256;
                    return Verb.of("ib_alloc_mr(" + n + ")", () -> add(Mr.alloc(pd, n), mrs)).creates()
                            .warnsWhenRefused();
                }
                case 7:
                    return modify(pick(qps, c), d);
                case 8: {
                    TQp t = pick(qps, c);
                    // mlx4_ib_query_qp: a failed QUERY_QP is -EINVAL, whatever the status.
                    return t == null ? null : Verb.of("ib_query_qp", () -> t.qp.query(new QpAttr()))
                            .refusedAs(Errno.EINVAL.negative());
                }
                case 9: {
                    Cq cq = pick(cqs, c);
                    int cqe = 1 + d % 4000;
                    // mlx4_ib_resize_cq: -EINVAL for the size the CQ has, or one too small for what it holds.
                    return cq == null ? null : Verb.of("ib_resize_cq(" + cqe + ")", () -> cq.resize(cqe))
                            .orElse(Errno.EINVAL.negative());
                }
                case 10: {
                    Srq srq = pick(srqs, c);
                    if (srq == null) {
                        return null;
                    }
                    return Verb.of("ib_modify_srq(limit)", () -> srq.modify(new SrqAttr(0, 0, 1), SrqAttr.LIMIT));
                }
                case 11:
                    return multicast(a);
                default:
                    return destroy(c, d);
            }
        }

        private Verb modify(TQp t, int d) {
            if (t == null) {
                return null;
            }
            Qp qp = t.qp;
            QpState cur = qp.state();
            QpAttr attr;
            int mask;
            // ib_modify_qp_is_ok: any state but RESET may go to ERR or RESET.
            if (d % 6 == 0 && cur != QpState.RESET) {
                attr = new QpAttr().state(QpState.ERR);
                mask = QpAttrMask.STATE.bit();
            } else if (d % 6 == 1 && cur != QpState.RESET) {
                attr = new QpAttr().state(QpState.RESET);
                mask = QpAttrMask.STATE.bit();
            } else if (cur == QpState.RESET) {
                attr = HcaHost.init();
                mask = HcaHost.RC_INIT;
                if (qp.type() == QpType.UD) {
                    attr.qpAccessFlags = 0;
                    attr.qkey = 0x1234;
                    mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT, QpAttrMask.QKEY);
                }
            } else if (cur == QpState.INIT) {
                attr = qp.type() == QpType.UD ? new QpAttr().state(QpState.RTR) : HcaHost.rtr(0x100 + d % 64);
                mask = qp.type() == QpType.UD ? QpAttrMask.STATE.bit() : HcaHost.RC_RTR;
            } else if (cur == QpState.RTR) {
                attr = qp.type() == QpType.UD ? new QpAttr().state(QpState.RTS) : HcaHost.rts(d & 0xffffff);
                if (qp.type() == QpType.UD) {
                    attr.sqPsn = d & 0xffffff;
                }
                mask = qp.type() == QpType.UD ? QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN) : HcaHost.RC_RTS;
            } else {
                attr = new QpAttr().state(QpState.ERR);
                mask = QpAttrMask.STATE.bit();
            }
            QpAttr request = attr;
            int m = mask;
            Verb v = Verb.of("ib_modify_qp(0x" + Integer.toHexString(qp.qpNum()) + ", " + cur + " -> "
                    + attr.qpState + ")", () -> qp.modify(request, m));
            v.modified = qp;
            v.stateBefore = cur;
            v.hwBefore = hw(qp);
            return v;
        }

        private Verb multicast(List<Integer> a) {
            List<TQp> ud = qps.stream().filter(t -> t.qp.type() == QpType.UD).toList();
            TQp t = pick(ud, a.get(3));
            if (t == null) {
                return null;
            }
            Verb v = multicastOf(t, a);
            // is_valid_mcast_lid's ib_query_qp: a QUERY_QP first, for a QP out of RESET.
            v.queriesFirst = t.qp.state() != QpState.RESET;
            return v;
        }

        private Verb multicastOf(TQp t, List<Integer> a) {
            int group = a.get(4) % 4;
            byte[] gid = mgid(group);
            int lid = mlid(group);
            if (t.groups.contains(group)) {
                return Verb.of("ib_detach_mcast(group " + group + ")", () -> {
                    int r = t.qp.detachMcast(gid, lid);
                    if (r == 0) {
                        t.groups.remove(Integer.valueOf(group));
                    }
                    return r;
                });
            }
            return Verb.of("ib_attach_mcast(group " + group + ")", () -> {
                int r = t.qp.attachMcast(gid, lid);
                if (r == 0) {
                    t.groups.add(group);
                }
                return r;
            });
        }

        private Verb destroy(int c, int d) {
            switch (d % 5) {
                case 0: {
                    TQp t = pick(qps, c);
                    if (t == null) {
                        return null;
                    }
                    Verb v = Verb.of("ib_destroy_qp(0x" + Integer.toHexString(t.qp.qpNum()) + ", " + t.qp.state()
                            + ")", () -> removeIfOk(t.qp.destroy(), qps, t));
                    v.pins = t.srq == null ? List.of(t.cq) : List.of(t.cq, t.srq);
                    v.prepare = () -> {
                        for (int g : List.copyOf(t.groups)) {
                            assertEquals(0, t.qp.detachMcast(mgid(g), mlid(g)), "detach before destroy");
                            t.groups.remove(Integer.valueOf(g));
                        }
                    };
                    // A QP in RESET needs no command to destroy; any other is reset by 2RST_QP.
                    return t.qp.state() == QpState.RESET ? v : v.tearsDown("qp");
                }
                case 1: {
                    Cq cq = pick(cqs, c);
                    if (cq == null || qps.stream().anyMatch(t -> t.cq == cq)) {
                        return null;
                    }
                    Verb v = Verb.of("ib_destroy_cq", () -> removeIfOk(cq.destroy(), cqs, cq)).tearsDown("cq");
                    v.deviceRefuses = pinned.contains(cq);
                    return v;
                }
                case 2: {
                    Srq srq = pick(srqs, c);
                    if (srq == null || qps.stream().anyMatch(t -> t.srq == srq)) {
                        return null;
                    }
                    Verb v = Verb.of("ib_destroy_srq", () -> removeIfOk(srq.destroy(), srqs, srq)).tearsDown("srq");
                    v.deviceRefuses = pinned.contains(srq);
                    return v;
                }
                case 3: {
                    Mr mr = pick(mrs, c);
                    return mr == null ? null : Verb.of("ib_dereg_mr", () -> removeIfOk(mr.dereg(), mrs, mr))
                            .warnsWhenRefused();
                }
                default: {
                    Pd pd = pick(pds, c);
                    if (pd == null || pd == h.pd || qps.stream().anyMatch(t -> t.qp.pd() == pd)
                            || mrs.stream().anyMatch(m -> m.pd() == pd) || srqs.stream().anyMatch(s -> s.pd() == pd)) {
                        return null;
                    }
                    return Verb.of("ib_dealloc_pd", () -> removeIfOk(pd.dealloc(), pds, pd)).tearsDown("mpt");
                }
            }
        }

        /** Multicast group {@code g}'s GID (ff12::g) and LID. */
        private static byte[] mgid(int g) {
            byte[] gid = new byte[16];
            gid[0] = (byte) 0xff;
            gid[1] = 0x12;
            gid[15] = (byte) g;
            return gid;
        }

        private static int mlid(int g) {
            return 0xc001 + g;
        }

        private static <T> int removeIfOk(int ret, List<T> from, T what) {
            if (ret == 0) {
                from.remove(what);
            }
            return ret;
        }

        /** Everything destroyed, nothing refused: the driver back where it was, the device but the refused. */
        private void teardown() {
            for (TQp t : List.copyOf(qps)) {
                for (int g : List.copyOf(t.groups)) {
                    assertEquals(0, t.qp.detachMcast(mgid(g), mlid(g)), "teardown: detach");
                }
                assertEquals(0, t.qp.destroy(), "teardown: destroy QP");
            }
            for (Mr m : mrs) {
                assertEquals(0, m.dereg(), "teardown: dereg MR");
            }
            for (Srq s : srqs) {
                assertEquals(0, s.destroy(), "teardown: destroy SRQ");
                abandoned.merge("srq", pinned.contains(s) ? 1 : 0, Integer::sum);
            }
            for (Cq c : cqs) {
                assertEquals(0, c.destroy(), "teardown: destroy CQ");
                abandoned.merge("cq", pinned.contains(c) ? 1 : 0, Integer::sum);
            }
            for (Pd p : pds) {
                if (p != h.pd) {
                    assertEquals(0, p.dealloc(), "teardown: dealloc PD");
                }
            }
            h.settle();
            assertEquals(drvBase, h.drv.live(), "teardown: the driver's tables");
            assertEquals(memBase, h.host.memory().allocatedBytes(), "teardown: the host memory the driver holds");
            Map<String, Integer> want = new HashMap<>(fwBase);
            for (String kind : new String[] {"cq", "srq", "mpt"}) {
                want.merge(kind, abandoned.get(kind), Integer::sum);
            }
            Map<String, Integer> got = new HashMap<>(h.fw.live());
            // QP contexts are the device's own (made on first use); the refused resets keep theirs.
            want.remove("qp");
            got.remove("qp");
            assertEquals(want, got, "teardown: the device's tables, but the contexts of refused tear-downs");
        }
    }
}
