// Conformance of uverbs over a device that goes away to specs/src/main/tla/UverbsDisassociate.tla:
// seeded runs of processes on an HCA whose catastrophic error removes the device under their
// files, recorded and validated with TLC, and the spec's KeepHw mutant made in uverbs' Java
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sim.conform.UverbsDisassociateRecorder;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.sim.conform.SeededRuns;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.specs.trace.TraceValidator;
import org.ibmodel.uverbs.UObject;
import org.ibmodel.uverbs.UobjectPolicy;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsFile;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvContext;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvPd;
import org.junit.jupiter.api.Test;

/**
 * One scenario per seed: 1-3 processes open host h0's uverbs0, then 8-40 steps, each a process
 * allocating a PD or creating a CQ, destroying one of its objects (or a remnant of the removal),
 * closing its device, or, once, the HCA failing: the driver's poll finds the catastrophic error,
 * resets the device and, a second later, restarts, which removes the ib_device from under the
 * open files. A create after that fails with EIO, making nothing. uverbs0 is recorded by
 * {@link UverbsDisassociateRecorder} and the traces validated against UverbsDisassociate.
 * Replay one run: {@code -Dtest=UverbsDisassociateConformanceTest -Dibmodel.seed=SEED}.
 */
class UverbsDisassociateConformanceTest {
    /** Seeded runs per build: {@code -Dibmodel.uverbsRuns=N} for more. */
    private static final int RUNS = Integer.getInteger("ibmodel.uverbsRuns", 40);

    @Test
    void shouldValidateEverySeededRunAgainstUverbsDisassociate() {
        SeededRuns runs = SeededRuns.validated("UverbsDisassociateConformanceTest", RUNS,
                seed -> record(seed, UobjectPolicy.KERNEL));
        if (runs.replay()) {
            return;
        }
        // What the runs must have exercised for the check to mean something.
        runs.assertSeen("a removal", e -> e.action() == TraceAction.UvRemoved);
        runs.assertSeen("a removal destroying objects", e -> e.action() == TraceAction.UvDestroyFile
                && e.num("hw") > 0);
        runs.assertSeen("a remnant freed", e -> e.action() == TraceAction.UvDestroy && e.bool("remnant"));
        runs.assertSeen("a live object destroyed", e -> e.action() == TraceAction.UvDestroy && !e.bool("remnant"));
        runs.assertSeen("a file closed", e -> e.action() == TraceAction.UvClose);
        assertTrue(runs.traces().stream().anyMatch(UverbsDisassociateConformanceTest::reusesAHandle),
                "no handle reused in " + RUNS + " runs");
        assertTrue(runs.traces().stream().anyMatch(t -> (Long) t.header().get("refused") > 0),
                "no create refused after a removal in " + RUNS + " runs");
    }

    /** Whether a file of {@code t} reserved a handle it had reserved before (one freed since). */
    private static boolean reusesAHandle(SpecTrace t) {
        java.util.Set<String> reserved = new java.util.HashSet<>();
        for (SpecEvent e : t.events()) {
            if (e.action() == TraceAction.UvBeginCreate && !reserved.add(e.str("file") + "/" + e.num("handle"))) {
                return true;
            }
        }
        return false;
    }

    /** UverbsDisassociate's KeepHw: removal leaves the files' objects on the device. */
    private static final UobjectPolicy KEEPS_HW = new UobjectPolicy() {
        @Override
        public UObject lookup(UverbsFile file, int handle) {
            return KERNEL.lookup(file, handle);
        }

        @Override
        public void abort(UverbsFile file, UObject uobj) {
            KERNEL.abort(file, uobj);
        }

        @Override
        public boolean removalDestroysHw() {
            return false;
        }
    };

    @Test
    void shouldRejectARemovalThatKeepsTheObjects() {
        for (long seed = 1; seed <= 100; seed++) {
            SpecTrace t = record(seed, KEEPS_HW);
            SpecEvent kept = t.events().stream().filter(e -> e.action() == TraceAction.UvDestroyFile)
                    .findFirst().orElse(null);
            if (kept == null || kept.num("hw") > 0) {
                continue;
            }
            // The first file the removal reached held objects: hw 0 where the spec destroys them.
            boolean held = t.events().stream().takeWhile(e -> e != kept).anyMatch(e -> e.action()
                    == TraceAction.UvCommit && e.str("file").equals(kept.str("file")));
            if (!held) {
                continue;
            }
            TraceValidator.Mismatch m = TraceValidator.validate(t).mismatch();
            String why = "seed " + seed + ": the bug is at seq " + kept.seq() + "; the validator: " + m + "\n"
                    + t.toNdjson();
            assertNotNull(m, why);
            assertEquals(kept.seq(), m.seq(), why);
            assertEquals(TraceAction.UvDestroyFile.name(), m.event(), why);
            return;
        }
        throw new AssertionError("no run in 100 seeds removed the device from a file holding objects");
    }

    // ---- the runs ---------------------------------------------------------------------------

    /** One process: its library, its open device and the objects it holds. */
    private record Proc(Ibv ibv, IbvContext ctx, List<Object> objects, boolean[] closed) {
    }

    /** The run of {@code seed}, uverbs deciding as {@code policy} does. */
    static SpecTrace record(long seed, UobjectPolicy policy) {
        SplittableRandom r = new SplittableRandom(seed);
        try (World w = World.of(r.nextLong(1L << 40), 2)) {
            Uverbs uv = new Uverbs(policy);
            w.host(0).core().registerClient(uv);
            w.host(0).settle();
            List<Proc> procs = new ArrayList<>();
            int files = 1 + r.nextInt(3);
            for (int i = 0; i < files; i++) {
                Ibv ibv = new Ibv(new Task("p" + i, new UserAddressSpace(w.host(0).memory(), UverbsHost.MAX_PAGES)));
                IbvContext ctx = UserProcess.openDevice(ibv, uv);
                assertNotNull(ctx, "ibv_open_device");
                procs.add(new Proc(ibv, ctx, new ArrayList<>(), new boolean[1]));
            }
            UverbsDisassociateRecorder rec = new UverbsDisassociateRecorder(uv.device("uverbs0"));
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("seed", seed);
            int[] refused = {0};
            try {
                play(w, r, procs, refused);
            } catch (KernelBug e) {
                // A broken policy can make the kernel's own checks fire: the trace ends there.
                header.put("kernelBug", e.getMessage());
            }
            header.put("refused", (long) refused[0]);
            SpecTrace t = rec.trace(header);
            rec.detach();
            return t;
        }
    }

    private static void play(World w, SplittableRandom r, List<Proc> procs, int[] refused) {
        boolean removed = false;
        int steps = 8 + r.nextInt(33);
        for (int k = 0; k < steps; k++) {
            Proc p = procs.get(r.nextInt(procs.size()));
            int kind = r.nextInt(40);
            if (p.closed()[0] && kind < 38) {
                continue;
            }
            if (kind < 14) {
                Object o = kind < 9 ? p.ctx().allocPd() : p.ctx().createCq(8, null, null, 0);
                if (o == null) {
                    assertTrue(removed, "a create failed before the removal: " + p.ibv().errno());
                    refused[0]++;
                } else {
                    p.objects().add(o);
                }
            } else if (kind < 30) {
                if (!p.objects().isEmpty()) {
                    Object o = p.objects().remove(r.nextInt(p.objects().size()));
                    int ret = o instanceof IbvPd pd ? pd.dealloc() : ((IbvCq) o).destroy();
                    assertEquals(0, ret, "destroy " + o);
                }
            } else if (kind < 33) {
                assertEquals(0, p.ibv().closeDevice(p.ctx()), "ibv_close_device");
                p.closed()[0] = true;
            } else if (kind < 36 && !removed) {
                removed = true;
                w.host(0).hca(0).catastrophicError(1);
                w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS + HcaDriver.RESET_WAIT_NS + 1_000_000);
                w.settle();
            } else {
                w.runUntil(w.scheduler().now() + r.nextInt(1_000_000));
            }
        }
        for (Proc p : procs) {
            if (!p.closed()[0]) {
                for (Object o : p.objects()) {
                    assertEquals(0, o instanceof IbvPd pd ? pd.dealloc() : ((IbvCq) o).destroy(), "destroy " + o);
                }
                assertEquals(0, p.ibv().closeDevice(p.ctx()), "ibv_close_device");
            }
        }
    }
}
