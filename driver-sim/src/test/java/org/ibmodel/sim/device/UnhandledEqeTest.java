// The EQEs mlx4_eq_int (drivers/net/ethernet/mellanox/mlx4/eq.c) has no handler for, and the
// events that name an object the driver does not know (mlx4_srq_event in srq.c)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.Hosts;
import org.junit.jupiter.api.Test;

/**
 * An EQE of a type the driver has no case for is logged with its type, subtype, EQ and index and
 * skipped; an EQ overflow is logged; an SRQ event for an SRQ the driver does not have is logged.
 * None of them reaches a client or changes the driver's state.
 */
class UnhandledEqeTest {
    private final Host host = Hosts.withHca(new Scheduler(7), "h1", 0x11);
    private final List<IbEventType> heard = new ArrayList<>();

    {
        host.driver(0).device().registerEventHandler(e -> heard.add(e.event()));
    }

    /** An EQE of {@code type} on the async EQ, which takes the command completions. */
    private void postOnAsyncEq(int type, int subtype) {
        byte[] eqe = EqTable.eqe(EventType.CMD, subtype, 0);
        Layout.Eqe.TYPE.set(eqe, 0, type);
        host.hca(0).firmware().eqs().post(EventType.CMD, eqe);
        host.settle();
    }

    private void assertLogged(String line) {
        assertTrue(host.kernel().dmesg().stream().anyMatch(l -> l.contains(line)), host.kernel().dmesg().toString());
    }

    @Test
    void shouldLogAnEqeOfAnUnknownTypeAndGoOn() {
        postOnAsyncEq(0x0e, 0x02);
        assertLogged("Unhandled event 0e(02) on EQ 0 at index ");
        assertEquals(List.of(), heard);
    }

    @Test
    void shouldLogAnEqOverflow() {
        postOnAsyncEq(0x0f, 0);
        assertLogged("EQ overrun on EQN 0");
        assertEquals(List.of(), heard);
    }

    /**
     * MLX4_ASYNC_EVENT_MASK has no LOCAL_CATAS_ERROR bit: mlx4 finds a catastrophic error by
     * polling its buffer (HCA.md §2.1). Such an EQE is not asked for, and one that comes all the
     * same is an unhandled event, not a device failure.
     */
    @Test
    void shouldNeitherAskForNorFailOnALocalCatastrophicErrorEqe() {
        Firmware fw = host.hca(0).firmware();
        assertEquals(0, fw.eqs().eq(0).eventMask() & 1L << EventType.LOCAL_CATAS_ERROR.value());
        assertTrue((fw.eqs().eq(0).eventMask() & 1L << EventType.PORT_CHANGE.value()) != 0, "mapped at all");

        postOnAsyncEq(EventType.LOCAL_CATAS_ERROR.value(), 0);
        host.scheduler().runUntil(host.scheduler().now() + 3_000_000_000L);
        host.settle();
        assertLogged("Unhandled event 08(00) on EQ 0 at index ");
        assertEquals(0, host.driver(0).restarts());
        assertFalse(host.driver(0).internalError());
        assertEquals(List.of(), heard);
    }

    @Test
    void shouldLogAnSrqEventForAnSrqItDoesNotHave() {
        host.hca(0).firmware().eqs().post(EventType.SRQ_LIMIT, 0, 0x3f);
        host.settle();
        assertLogged("Async event for bogus SRQ 0000003f");
    }
}
