// A key's range check must hold for every address and length: rdmavt's rvt_lkey_ok works from the
// offset into the region (drivers/infiniband/sw/rdmavt/mr.c), so no sum of a 64-bit address and a
// length wraps past the region's end; IBA 10.6.3.3 (an access outside the region is a protection error)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A process names an address in the last bytes below 2^63 with a length that carries the sum past
 * it, through the key of a region it did register: the access lies outside the region, so the
 * work request completes with IB_WC_LOC_PROT_ERR and the device goes on serving everyone else.
 */
class UserKeyRangeTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 4096;
    private static final long WRAPPING = Long.MAX_VALUE - 7;
    private static final byte[] DATA = "after the bad one".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldRefuseASendWhoseGatherWrapsPastTheRegion() {
        try (World w = World.of(SEED, 2)) {
            UserProcess sender = new UserProcess(w, 0, BUF);
            UserProcess peer = new UserProcess(w, 1, BUF);
            IbvQp qp = sender.createRcQp();
            IbvQp rq = peer.createRcQp();
            UserProcess.connect(sender, qp, peer, rq);
            assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(peer.buf, BUF, peer.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(WRAPPING, 0x100, sender.mr.lkey())), new IbvSendWr[1]));
            IbvWc wc = sender.pollCq();
            assertNotNull(wc, "no completion (seed " + SEED + ")");
            assertEquals(IbvWcStatus.LOC_PROT_ERR, wc.status);
            assertNull(peer.pollCq(), "the peer received");
        }
    }

    @Test
    void shouldRefuseAReceiveWhoseScatterWrapsPastTheRegion() {
        try (World w = World.of(SEED, 2)) {
            UserProcess sender = new UserProcess(w, 0, BUF);
            UserProcess peer = new UserProcess(w, 1, BUF);
            IbvQp qp = sender.createRcQp();
            IbvQp rq = peer.createRcQp();
            UserProcess.connect(sender, qp, peer, rq);
            assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(WRAPPING, 0x100, peer.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, sender.ibv.task().mm().copyToUser(sender.buf, DATA, 0, DATA.length));
            assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(sender.buf, DATA.length, sender.mr.lkey())), new IbvSendWr[1]));
            sender.pollCq();
            IbvWc got = peer.pollCq();
            assertNotNull(got, "no receive completion (seed " + SEED + ")");
            assertEquals(IbvWcStatus.LOC_PROT_ERR, got.status);
        }
    }
}
