// Inline data of a process's work request comes from the process's memory: rdmavt and rxe copy it
// with copy_from_user when the QP belongs to a process (drivers/infiniband/sw/rxe/rxe_verbs.c
// init_send_wqe, drivers/infiniband/sw/rdmavt/qp.c), and mlx4's build_inline_wqe copies from a
// kernel address only for the kernel's own QPs (user QPs post from user space there)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A process's SEND with IBV_SEND_INLINE names its data by user addresses: the kernel driver that
 * builds the WQE must copy them from the process's address space. Read as host addresses, they
 * would let the process send any page of its host to a peer, keys or not.
 */
class UserInlineSendTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 4096;
    private static final byte[] SECRET = "the kernel's own bytes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINE = "the process's own bytes".getBytes(StandardCharsets.US_ASCII);
    /** Room for either message in the WQE itself. */
    private static final int INLINE = 64;

    /** What the peer's receive of one inline SEND from {@code addr} delivered, or null. */
    private static byte[] sendInline(UserProcess sender, UserProcess peer, long addr, int len, int[] ret) {
        IbvQp qp = sender.createRcQp(null, INLINE);
        IbvQp rq = peer.createRcQp(null, INLINE);
        UserProcess.connect(sender, qp, peer, rq);
        assertEquals(0, peer.ibv.task().mm().copyToUser(peer.buf, new byte[BUF], 0, BUF));
        assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(peer.buf, BUF, peer.mr.lkey())), new IbvRecvWr[1]));
        // No key at all: inline data is the WQE's own and is checked against none.
        ret[0] = qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND,
                IbvWrOpcode.SEND_SIGNALED | IbvWrOpcode.SEND_INLINE, new IbvSge(addr, len, 0)), new IbvSendWr[1]);
        sender.pollCq();
        IbvWc got = peer.pollCq();
        byte[] in = null;
        if (got != null && got.status == IbvWcStatus.SUCCESS) {
            in = new byte[len];
            assertEquals(0, peer.ibv.task().mm().copyFromUser(in, 0, peer.buf, len));
        }
        assertEquals(0, qp.destroy());
        assertEquals(0, rq.destroy());
        while (sender.pollCq() != null || peer.pollCq() != null) {
            // flushed completions of the torn-down connection
        }
        return in;
    }

    @Test
    void shouldSendAProcesssInlineDataFromItsOwnMemory() {
        try (World w = World.of(SEED, 2)) {
            UserProcess sender = new UserProcess(w, 0, BUF);
            UserProcess peer = new UserProcess(w, 1, BUF);
            assertEquals(0, sender.ibv.task().mm().copyToUser(sender.buf, MINE, 0, MINE.length));
            int[] ret = {-1};
            byte[] in = sendInline(sender, peer, sender.buf, MINE.length, ret);
            assertEquals(0, ret[0], "ibv_post_send of inline data from the process's buffer");
            assertArrayEquals(MINE, in, "the peer got the process's bytes");
        }
    }

    @Test
    void shouldNotLetAProcessSendHostMemoryInline() {
        try (World w = World.of(SEED, 2)) {
            UserProcess attacker = new UserProcess(w, 0, BUF);
            UserProcess peer = new UserProcess(w, 1, BUF);
            long secret = w.host(0).memory().alloc(4096);
            w.host(0).memory().write(secret, SECRET);
            int[] ret = {0};
            byte[] in = sendInline(attacker, peer, secret, SECRET.length, ret);
            assertNotEquals(0, ret[0], String.format("ibv_post_send of inline data at host address %#x", secret));
            assertFalse(in != null && Arrays.equals(SECRET, in), "the peer holds the kernel's bytes");
        }
    }
}
