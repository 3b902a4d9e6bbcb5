package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class ResponderResourcesTest {

    private static ResponderResources.Resource read(ResponderResources rs, int count, int firstPsn, int packets) {
        ResponderResources.Resource r = rs.next(count);
        r.atomic = false;
        r.firstPsn = firstPsn;
        r.lastPsn = Psn.add(firstPsn, packets - 1);
        return r;
    }

    @Test
    void shouldFindAReadByAnyPsnOfItsResponseAcrossTheWrap() {
        ResponderResources rs = new ResponderResources();
        ResponderResources.Resource r = read(rs, 2, 0xFF_FFFE, 4);
        assertSame(r, rs.find(2, 0xFF_FFFE));
        assertSame(r, rs.find(2, 0xFF_FFFF));
        assertSame(r, rs.find(2, 0));
        assertSame(r, rs.find(2, 1));
        assertNull(rs.find(2, 2), "one past the last response PSN");
        assertNull(rs.find(2, 0xFF_FFFD), "one before the first");
    }

    @Test
    void shouldForgetTheOldestRequestWhenANewOneNeedsItsSlot() {
        ResponderResources rs = new ResponderResources();
        read(rs, 2, 10, 1);
        read(rs, 2, 11, 1);
        assertNotNull(rs.find(2, 10));
        read(rs, 2, 12, 1);
        assertNull(rs.find(2, 10), "the oldest of three with two resources");
        assertNotNull(rs.find(2, 11));
        assertNotNull(rs.find(2, 12));
    }

    @Test
    void shouldStartEmptyWhenTheNumberOfResourcesChanges() {
        ResponderResources rs = new ResponderResources();
        read(rs, 4, 10, 1);
        assertNotNull(rs.find(4, 10));
        assertNull(rs.find(2, 10), "made anew for max_dest_rd_atomic 2");
        assertNull(rs.next(0), "no slot with max_dest_rd_atomic 0");
        assertNull(rs.find(0, 10));
    }
}
