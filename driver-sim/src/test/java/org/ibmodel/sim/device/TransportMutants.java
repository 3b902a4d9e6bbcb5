package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Responder bugs the transport's property tests must catch, as TransportPolicy mutants. */
final class TransportMutants {
    private TransportMutants() {
    }

    /**
     * A PSN check that misses a gap of one packet (off by one, rxe_resp.c check_psn): the packet
     * after a lost one is taken where the lost one belonged.
     */
    static final TransportPolicy GAP_OF_ONE_MISSED = new TransportPolicy() {
        @Override
        public int psnDiff(int psn, int expected) {
            int d = Psn.diff(psn, expected);
            return d == 1 ? 0 : d;
        }
    };

    /**
     * A PSN check off by one the other way: the request executed last, when it comes again, is
     * taken for a new one and executed twice.
     */
    static final TransportPolicy LAST_TAKEN_AGAIN = new TransportPolicy() {
        @Override
        public int psnDiff(int psn, int expected) {
            int d = Psn.diff(psn, expected);
            return d == -1 ? 0 : d;
        }
    };

    /**
     * {@code property} fails with the seed that replays it, by one of the checks named in
     * {@code invariants} (a bug may show first in one or another, as the scenarios fall out).
     */
    static void assertCaught(Executable property, String... invariants) {
        AssertionError e = assertThrows(AssertionError.class, property, "the mutant went unnoticed");
        assertTrue(e.getMessage().contains("-Dibmodel.seed="), e.getMessage());
        assertTrue(java.util.Arrays.stream(invariants).anyMatch(e.getMessage()::contains),
                "caught, but not by " + String.join(" or ", invariants) + ": " + e.getMessage());
    }
}
