// The port of a process's QP against its primary AV: drivers/infiniband/core/uverbs_cmd.c modify_qp
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.world.UserAsyncEventsTest.Proc;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.junit.jupiter.api.Test;

/**
 * uverbs checks a primary AV's port against the QP's before ib_core sees the modify: INIT->RTR
 * takes no IB_QP_PORT, so its AV must name the port RST->INIT gave the QP; in SQD->SQD an AV and
 * a port given together must agree, and an AV alone moves the QP to its port. Two hosts with
 * two-port HCAs; the QPs are put in INIT on port 1.
 */
class UserQpPortTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 13);

    private static int toRtr(Proc p, Proc peer, int avPort) {
        return UserProcess.toRtr(p.qp, peer.qp, peer.lid(avPort), avPort);
    }

    private static IbvQpAttr query(Proc p) {
        IbvQpAttr a = new IbvQpAttr();
        assertEquals(0, p.qp.query(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PORT | IbvQpAttrMask.AV,
                new IbvQpInitAttr()));
        return a;
    }

    @Test
    void shouldRefuseAnRtrAvOnAnotherPortThanTheQps() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Proc client = new Proc(w, 0);
            Proc server = new Proc(w, 1);
            assertEquals(Errno.EINVAL.number(), toRtr(client, server, 2), "INIT on port 1, AV on port 2");
            assertEquals(IbvQpState.INIT, query(client).qpState, "the QP stays in INIT");
            assertEquals(0, toRtr(client, server, 1));
            assertEquals(IbvQpState.RTR, query(client).qpState);
        }
    }

    @Test
    void shouldMoveASqdQpToItsNewAvsPortOrRefuseOneThatDisagrees() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Proc client = new Proc(w, 0);
            Proc server = new Proc(w, 1);
            UserAsyncEventsTest.connect(client, server);
            UserAsyncEventsTest.send(client, server, "on port 1");
            IbvQpAttr sqd = new IbvQpAttr();
            sqd.qpState = IbvQpState.SQD;
            assertEquals(0, client.qp.modify(sqd, IbvQpAttrMask.STATE), "RTS -> SQD");
            w.settle();
            assertEquals(IbvQpState.SQD, query(client).qpState);

            IbvQpAttr both = new IbvQpAttr();
            both.portNum = 1;
            both.ahAttr.dlid = server.lid(2);
            both.ahAttr.portNum = 2;
            assertEquals(Errno.EINVAL.number(), client.qp.modify(both, IbvQpAttrMask.AV | IbvQpAttrMask.PORT),
                    "SQD -> SQD with an AV on port 2 and the port 1");
            assertEquals(1, query(client).portNum, "nothing changed");

            IbvQpAttr avOnly = new IbvQpAttr();
            avOnly.ahAttr.dlid = server.lid(2);
            avOnly.ahAttr.portNum = 2;
            assertEquals(0, client.qp.modify(avOnly, IbvQpAttrMask.AV), "SQD -> SQD with an AV alone");
            IbvQpAttr now = query(client);
            assertEquals(2, now.portNum, "the QP went with its AV to port 2");
            assertEquals(2, now.ahAttr.portNum);
            assertEquals(server.lid(2), now.ahAttr.dlid);
        }
    }
}
