package org.ibmodel.props.uverbs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.TreeMap;
import org.ibmodel.uverbs.UObject;
import org.ibmodel.uverbs.UobjectPolicy;
import org.ibmodel.uverbs.UverbsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The uverbs checkers catch the bugs they exist for: each broken {@link UobjectPolicy} must make
 * its checker fail, naming the seed and the replay command, by the check that bug breaks; the
 * fuzzer's on the in-memory device and on the HCA driver alike.
 */
class UverbsCheckerMutationTest {
    /** Writes the fuzzer gets to catch a mutant on the HCA: some 2 s if it never does. */
    private static final int HCA_WRITES = 20_000;

    /** A handle not found in its own file resolves in another file of the device. */
    static final UobjectPolicy CROSS_FILE_LOOKUP = new UobjectPolicy() {
        @Override
        public UObject lookup(UverbsFile file, int handle) {
            UObject own = file.idrFind(handle);
            if (own != null) {
                return own;
            }
            for (UverbsFile other : file.device().openFiles()) {
                UObject u = other.idrFind(handle);
                if (u != null) {
                    return u;
                }
            }
            return null;
        }

        @Override
        public void abort(UverbsFile file, UObject uobj) {
            KERNEL.abort(file, uobj);
        }
    };

    /** A command that fails after creating its object (a faulting response) frees only the handle. */
    static final UobjectPolicy LEAK_ON_ABORT = new UobjectPolicy() {
        @Override
        public UObject lookup(UverbsFile file, int handle) {
            return KERNEL.lookup(file, handle);
        }

        @Override
        public void abort(UverbsFile file, UObject uobj) {
            file.leakForTest(uobj);
        }
    };

    @Test
    void statefulCheckerCatchesAHandleResolvingAcrossFiles() {
        assertCaught(() -> UverbsStatefulTest.check(7, 400, CROSS_FILE_LOOKUP), 7, "own handles");
    }

    @Test
    void statefulCheckerCatchesALeakOnAFailedResponse() {
        assertCaught(() -> UverbsStatefulTest.check(7, 400, LEAK_ON_ABORT), 7, "accounting: ", "teardown: ");
    }

    @Test
    void fuzzCatchesALeakOnAFailedResponse() {
        assertCaught(() -> UverbsFuzzTest.fuzz(11, 20_000, LEAK_ON_ABORT), 11, "accounting: ", "teardown: ");
    }

    @Test
    void fuzzCatchesAMulticastAttachmentOutlivingItsQp() {
        assertCaught(() -> UverbsFuzzTest.fuzz(11, 300_000, UobjectPolicy.KERNEL, true, new TreeMap<>()), 11,
                "multicast attachments", "multicast: destroyed");
    }

    @Test
    void fuzzCatchesAHandleResolvingAcrossFiles() {
        assertCaught(() -> UverbsFuzzTest.fuzz(11, 20_000, CROSS_FILE_LOOKUP), 11, "own handles");
    }

    @Test
    void hcaFuzzCatchesAHandleResolvingAcrossFiles() {
        assertCaught(() -> fuzzOnHca(11, CROSS_FILE_LOOKUP), 11, "own handles");
    }

    @Test
    void hcaFuzzCatchesALeakOnAFailedResponse() {
        assertCaught(() -> fuzzOnHca(11, LEAK_ON_ABORT), 11, "accounting: ", "teardown: ");
    }

    /** The fuzzer as {@link UverbsFuzzTest} runs it on the HCA driver, with {@code policy} in uverbs. */
    private static void fuzzOnHca(long seed, UobjectPolicy policy) {
        UverbsFuzzTest.fuzz(seed, HCA_WRITES, () -> UverbsWorld.onHca(seed, policy), new TreeMap<>());
    }

    /**
     * {@code checker} fails naming {@code seed}, by a check whose message has one of
     * {@code checks}. The checkers report an exception that escapes a step too, with the seed:
     * that alone would take any bug that throws for a catch.
     */
    private static void assertCaught(Executable checker, long seed, String... checks) {
        AssertionError e = assertThrows(AssertionError.class, checker, "the broken policy went unnoticed");
        String m = e.getMessage();
        assertTrue(m.contains("-Dibmodel.seed=" + seed), m);
        assertFalse(m.contains("escaped"), "the checker crashed: " + m);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            // An exception thrown by the checks themselves is reported without "escaped".
            assertInstanceOf(AssertionError.class, c, "the checker crashed: " + m);
        }
        assertTrue(Arrays.stream(checks).anyMatch(m::contains), "caught, but by none of " + Arrays.toString(checks)
                + ": " + m);
    }
}
