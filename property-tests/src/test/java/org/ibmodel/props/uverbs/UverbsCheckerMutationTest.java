package org.ibmodel.props.uverbs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.uverbs.UObject;
import org.ibmodel.uverbs.UobjectPolicy;
import org.ibmodel.uverbs.UverbsFile;
import org.junit.jupiter.api.Test;

/**
 * The uverbs checkers catch the bugs they exist for: each broken {@link UobjectPolicy} must make
 * its checker fail, naming the seed and the replay command.
 */
class UverbsCheckerMutationTest {
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
        AssertionError e = assertThrows(AssertionError.class,
                () -> UverbsStatefulTest.check(7, 400, CROSS_FILE_LOOKUP));
        assertTrue(e.getMessage().contains("-Dibmodel.seed=7"), e.getMessage());
    }

    @Test
    void statefulCheckerCatchesALeakOnAFailedResponse() {
        AssertionError e = assertThrows(AssertionError.class, () -> UverbsStatefulTest.check(7, 400, LEAK_ON_ABORT));
        assertTrue(e.getMessage().contains("accounting") || e.getMessage().contains("teardown"), e.getMessage());
    }

    @Test
    void fuzzCatchesALeakOnAFailedResponse() {
        AssertionError e = assertThrows(AssertionError.class, () -> UverbsFuzzTest.fuzz(11, 20_000, LEAK_ON_ABORT));
        assertTrue(e.getMessage().contains("-Dibmodel.seed=11"), e.getMessage());
    }

    @Test
    void fuzzCatchesAMulticastAttachmentOutlivingItsQp() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> UverbsFuzzTest.fuzz(11, 300_000, UobjectPolicy.KERNEL, true, new java.util.TreeMap<>()));
        assertTrue(e.getMessage().contains("multicast"), e.getMessage());
    }

    @Test
    void fuzzCatchesAHandleResolvingAcrossFiles() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> UverbsFuzzTest.fuzz(11, 20_000, CROSS_FILE_LOOKUP));
        assertTrue(e.getMessage().contains("own handles"), e.getMessage());
    }
}
