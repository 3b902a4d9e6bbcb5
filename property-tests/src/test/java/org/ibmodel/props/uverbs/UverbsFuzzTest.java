// drivers/infiniband/core/uverbs_main.c ib_uverbs_write: random and mutated writes
package org.ibmodel.props.uverbs;

import java.util.SplittableRandom;
import org.ibmodel.uverbs.UobjectPolicy;
import org.junit.jupiter.api.Test;

/**
 * Writes random byte strings, extended commands around random bytes, and mutated valid commands
 * (bytes flipped, truncated or extended, header words changed) to uverbs0 from two processes,
 * interleaved with valid commands that build objects to hit. Now and then the device goes from
 * under the open files, which uverbs disassociates: the HCA fails and its driver resets it and
 * probes it again, the in-memory device is unplugged and another plugged. On the HCA, one valid
 * command in {@link #REFUSAL_ODDS} has one of its firmware commands refused
 * (HcaCommandFailurePropertyTest does it verb by verb). After every write nothing may escape but
 * an errno, and the {@link UverbsWorld} invariants must hold; at the end every process exits and
 * nothing may be left. Replay: {@code mvn -B -pl property-tests -am verify -Dtest=UverbsFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class UverbsFuzzTest {
    static final long DEFAULT_SEED = 0x5eed_f022L;
    static final int DEFAULT_WRITES = 300_000;
    static final int DEFAULT_HCA_WRITES = 50_000;
    /** One step in this many takes the device from under the open files. */
    static final int DEVICE_LOSS_ODDS = 4_000;
    /** On the HCA, one valid command in this many has one of its firmware commands refused. */
    static final int REFUSAL_ODDS = 5;

    @Test
    void hostileWritesChangeNothingAndLeakNothing() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        report("", seed, Integer.getInteger("ibmodel.writes", DEFAULT_WRITES),
                () -> new UverbsWorld(UobjectPolicy.KERNEL, false));
    }

    /** The same on the simulated HCA's driver and device, with fewer writes: each is a command. */
    @Test
    void hostileWritesToTheHcaDriverChangeNothingAndLeakNothing() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        report(" on the HCA", seed, Integer.getInteger("ibmodel.hcaWrites", DEFAULT_HCA_WRITES),
                () -> UverbsWorld.onHca(seed, UobjectPolicy.KERNEL));
    }

    /** Runs the fuzzer and prints what the writes came back with. */
    private static void report(String where, long seed, int writes, java.util.function.Supplier<UverbsWorld> worlds) {
        long start = System.nanoTime();
        java.util.Map<String, Long> results = new java.util.TreeMap<>();
        long done = fuzz(seed, writes, worlds, results);
        System.out.printf("UverbsFuzzTest%s seed=%d writes=%d in %d ms; results %s%n", where, seed, done,
                (System.nanoTime() - start) / 1_000_000, results);
    }

    /** Runs the fuzzer; the number of writes done, or an AssertionError naming seed and replay. */
    static long fuzz(long seed, int writes, UobjectPolicy policy) {
        return fuzz(seed, writes, policy, new java.util.TreeMap<>());
    }

    static long fuzz(long seed, int writes, UobjectPolicy policy, java.util.Map<String, Long> results) {
        return fuzz(seed, writes, policy, false, results);
    }

    /** With {@code forgetsDetach} the device keeps what it is told to detach: a bug to be caught. */
    static long fuzz(long seed, int writes, UobjectPolicy policy, boolean forgetsDetach,
            java.util.Map<String, Long> results) {
        return fuzz(seed, writes, () -> new UverbsWorld(policy, forgetsDetach), results);
    }

    /** Runs the fuzzer on worlds {@code worlds} makes, a fresh one now and then. */
    static long fuzz(long seed, int writes, java.util.function.Supplier<UverbsWorld> worlds,
            java.util.Map<String, Long> results) {
        SplittableRandom rnd = new SplittableRandom(seed);
        UverbsWorld w = worlds.get();
        byte[] last = new byte[8];
        long total = 0;
        try {
            while (total + w.writes < writes) {
                int mode = rnd.nextInt(10);
                boolean refusing = mode < 4 && rnd.nextInt(REFUSAL_ODDS) == 0;
                if (refusing) {
                    w.refuseACommand(rnd);
                }
                if (mode < 4) {
                    // A valid command (or a valid-shaped one with bad handles) from the world.
                    w.step(rnd.nextLong(), rnd);
                } else {
                    int[] pf = w.target(rnd);
                    byte[] cmd = mode < 6 ? random(rnd) : mutate(rnd, last, w);
                    long r = w.write(w.procs[pf[0]], pf[1], cmd);
                    if (cmd.length >= 4 && (cmd[3] & 0x80) != 0 && r >= 0) {
                        w.results.merge("extended ok", 1L, Long::sum);
                    }
                    last = cmd;
                }
                if (refusing) {
                    w.endRefusal();
                }
                if (rnd.nextInt(DEVICE_LOSS_ODDS) == 0) {
                    // The device goes from under the open files: an HCA fails and is reset, the
                    // in-memory device is unplugged and another plugged.
                    w.loseDevice();
                }
                String bad = w.invariantError();
                if (bad != null) {
                    throw new AssertionError(replay(seed) + "\nafter write " + w.writes + ": " + bad);
                }
                if (rnd.nextInt(20_000) == 0) {
                    String end = w.teardownError();
                    if (end != null) {
                        throw new AssertionError(replay(seed) + "\n" + end);
                    }
                    total += w.writes;
                    w.results.forEach((k, v) -> results.merge(k, v, Long::sum));
                    w = worlds.get();
                }
            }
            String end = w.teardownError();
            if (end != null) {
                throw new AssertionError(replay(seed) + "\n" + end);
            }
            w.results.forEach((k, v) -> results.merge(k, v, Long::sum));
        } catch (AssertionError e) {
            if (e.getMessage() != null && e.getMessage().startsWith(replay(seed))) {
                throw e;
            }
            // A check made inside the world (as a device goes) does not know the seed.
            throw new AssertionError(replay(seed) + "\nafter write " + w.writes + ": " + e.getMessage(), e);
        } catch (Throwable e) {
            AssertionError a = new AssertionError(replay(seed) + "\nescaped after write " + w.writes + ": " + e, e);
            throw a;
        }
        return total + w.writes;
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(160)];
        rnd.nextBytes(b);
        if (b.length >= 24 && rnd.nextInt(4) == 0) {
            return extended(rnd, b);
        }
        if (b.length >= 8 && rnd.nextBoolean()) {
            // Keep the command small and in_words honest often enough to reach the handlers.
            b[0] = (byte) rnd.nextInt(42);
            b[1] = b[2] = b[3] = 0;
            int words = b.length / 4;
            b = java.util.Arrays.copyOf(b, words * 4);
            b[4] = (byte) words;
            b[5] = 0;
        }
        return b;
    }

    /**
     * An extended command around random bytes: the flag and a number the extended table has
     * (EX_QUERY_DEVICE, EX_MODIFY_CQ, EX_MODIFY_QP, EX_CREATE_QP, EX_CREATE_CQ) or any, in_words honest often
     * enough to reach the handlers, out words, a response pointer (none, the response area,
     * unmapped) and provider words.
     */
    private static byte[] extended(SplittableRandom rnd, byte[] b) {
        int number = switch (rnd.nextInt(6)) {
            case 0 -> org.ibmodel.uverbs.UverbsApi.EX_QUERY_DEVICE;
            case 1 -> org.ibmodel.uverbs.UverbsApi.EX_MODIFY_CQ;
            case 2 -> org.ibmodel.uverbs.UverbsApi.EX_MODIFY_QP;
            case 3 -> org.ibmodel.uverbs.UverbsApi.EX_CREATE_QP;
            case 4 -> org.ibmodel.uverbs.UverbsApi.EX_CREATE_CQ;
            default -> rnd.nextInt(64);
        };
        b = java.util.Arrays.copyOf(b, 24 + (b.length - 24) / 8 * 8);
        org.ibmodel.uverbs.abi.Le.u32(b, 0, number | org.ibmodel.uverbs.abi.Command.FLAG_EXTENDED);
        if (rnd.nextInt(4) > 0) {
            u16(b, 4, (b.length - 24) / 8);
            // struct ib_uverbs_ex_cmd_hdr at 8: no provider words, cmd_hdr_reserved 0.
            u16(b, 16, 0);
            u16(b, 18, 0);
            org.ibmodel.uverbs.abi.Le.u32(b, 20, 0);
        }
        int out = new int[] {0, 23, 38, rnd.nextInt(64)}[rnd.nextInt(4)];
        u16(b, 6, out);
        long[] responses = {0, UverbsWorld.RESP, UverbsWorld.UNMAPPED, rnd.nextLong()};
        org.ibmodel.uverbs.abi.Le.u64(b, 8, responses[rnd.nextInt(responses.length)]);
        if (number == org.ibmodel.uverbs.UverbsApi.EX_MODIFY_CQ && rnd.nextBoolean() && b.length >= 40) {
            // A plausible request: a small CQ handle, IB_CQ_MODERATE, no reserved bits.
            org.ibmodel.uverbs.abi.Le.u32(b, 24, rnd.nextInt(4));
            org.ibmodel.uverbs.abi.Le.u32(b, 28, 1);
            org.ibmodel.uverbs.abi.Le.u32(b, 36, 0);
        }
        return b;
    }

    private static void u16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    private static byte[] mutate(SplittableRandom rnd, byte[] base, UverbsWorld w) {
        byte[] b = base.length >= 8 && rnd.nextInt(3) > 0 ? base.clone() : switch (rnd.nextInt(3)) {
            case 0 -> org.ibmodel.uverbs.abi.Command.writeEx(org.ibmodel.uverbs.UverbsApi.EX_MODIFY_CQ,
                    new org.ibmodel.uverbs.abi.IbUserVerbs.ExModifyCq().cqHandle(rnd.nextInt(4)).attrMask(1)
                            .cqCount(rnd.nextInt(8)).cqPeriod(rnd.nextInt(8)).toBytes(), 0, 0);
            case 1 -> org.ibmodel.uverbs.abi.Command.writeEx(org.ibmodel.uverbs.UverbsApi.EX_QUERY_DEVICE,
                    new byte[8], UverbsWorld.RESP, 304);
            default -> org.ibmodel.uverbs.abi.Commands.createQp(UverbsWorld.RESP, 1, rnd.nextInt(4), rnd.nextInt(4),
                    rnd.nextInt(4), -1, 2, 4, 1);
        };
        switch (rnd.nextInt(5)) {
            case 0 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 2 -> b = java.util.Arrays.copyOf(b, b.length + 4 * rnd.nextInt(4));
            case 3 -> {
                if (b.length >= 8) {
                    b[4 + rnd.nextInt(4)] = (byte) rnd.nextInt(256);
                }
            }
            default -> {
                if (b.length >= 16) {
                    // Point the response somewhere else, mapped or not.
                    long to = rnd.nextBoolean() ? UverbsWorld.UNMAPPED : UverbsWorld.MEM + rnd.nextInt(0x10000);
                    org.ibmodel.uverbs.abi.Le.u64(b, 8, to);
                }
            }
        }
        return b;
    }

    static String replay(long seed) {
        return "UverbsFuzzTest failed with seed " + seed + "; replay with:\n  mvn -B -pl property-tests -am verify"
                + " -Dtest=UverbsFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed;
    }
}
