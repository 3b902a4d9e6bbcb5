// IBA 10.9.3 (P_Key matching), the check every received packet passes (docs/HCA.md §3.7):
// the low 15 bits equal, neither key invalid, at least one of the two a full member
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PkeyMatchTest {
    private static void assertMatch(boolean expected, int a, int b) {
        String why = String.format("0x%04x and 0x%04x", a, b);
        assertEquals(expected, Transport.pkeyMatches(a, b), why);
        assertEquals(expected, Transport.pkeyMatches(b, a), why + ", either way round");
    }

    @Test
    void shouldMatchAFullMemberWithAFullOrLimitedMemberOfItsPartition() {
        assertMatch(true, 0xffff, 0xffff);
        assertMatch(true, 0xffff, 0x7fff);
        assertMatch(true, 0x9234, 0x1234);
    }

    /** Two limited members of a partition cannot talk to each other (IBA C10-124). */
    @Test
    void shouldNotMatchTwoLimitedMembers() {
        assertMatch(false, 0x7fff, 0x7fff);
        assertMatch(false, 0x1234, 0x1234);
    }

    @Test
    void shouldNotMatchKeysOfAnotherPartition() {
        assertMatch(false, 0x8001, 0x8002);
        assertMatch(false, 0xffff, 0x8fff);
        assertMatch(false, 0x9234, 0x1235);
    }

    /** 0x0000 and 0x8000 are the invalid P_Key (IBA 10.9.1.2): it matches nothing, itself included. */
    @Test
    void shouldNotMatchTheInvalidKey() {
        assertMatch(false, 0x8000, 0x8000);
        assertMatch(false, 0x8000, 0x0000);
        assertMatch(false, 0x0000, 0x0000);
    }
}
