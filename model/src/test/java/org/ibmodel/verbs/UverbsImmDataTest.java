// include/uapi/rdma/ib_user_verbs.h: the ex union of struct ib_uverbs_wc and of struct
// ib_uverbs_send_wr is a __be32 imm_data or a __u32 invalidate_rkey; uverbs_cmd.c copies both
// through as they are (ib_uverbs_post_send, copy_wc_to_user)
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import org.ibmodel.uverbs.abi.IbUserVerbs;
import org.ibmodel.uverbs.abi.IbUserVerbs.PollCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.PollCqResp;
import org.junit.jupiter.api.Test;

class UverbsImmDataTest {
    private static final int IMM = 0x1122_3344;
    private static final byte[] NETWORK_ORDER = {0x11, 0x22, 0x33, 0x44};
    private static final byte[] HOST_ORDER = {0x44, 0x33, 0x22, 0x11};

    /** The union's two members over the same four bytes: imm_data big-endian, invalidate_rkey not. */
    @Test
    void shouldLayOutImmDataInNetworkOrderAndInvalidateRkeyInHostOrder() {
        int imm = IbUserVerbs.SendWr.IMM_DATA_OFFSET;
        assertArrayEquals(NETWORK_ORDER,
                Arrays.copyOfRange(new IbUserVerbs.SendWr().immData(IMM).toBytes(), imm, imm + 4));
        assertArrayEquals(HOST_ORDER,
                Arrays.copyOfRange(new IbUserVerbs.SendWr().invalidateRkey(IMM).toBytes(), imm, imm + 4));
        int wc = IbUserVerbs.Wc.IMM_DATA_OFFSET;
        assertArrayEquals(NETWORK_ORDER, Arrays.copyOfRange(new IbUserVerbs.Wc().immData(IMM).toBytes(), wc, wc + 4));
        assertArrayEquals(HOST_ORDER,
                Arrays.copyOfRange(new IbUserVerbs.Wc().invalidateRkey(IMM).toBytes(), wc, wc + 4));
    }

    /**
     * A SEND with immediate between two QPs of one process: the completion POLL_CQ writes back
     * carries the immediate in network order, the bytes the sender's work request held.
     */
    @Test
    void shouldReturnTheImmediateOfAReceiveInNetworkOrder() {
        VerbsWorld world = new VerbsWorld();
        Ibv ibv = world.process("imm");
        IbvContext ctx = world.open(ibv);
        IbvPd pd = ctx.allocPd();
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertNotNull(mr);
        IbvCq cq = ctx.createCq(8, null, null, 0);
        IbvQp a = pd.createQp(VerbsWorld.rcInit(cq, 4));
        IbvQp b = pd.createQp(VerbsWorld.rcInit(cq, 4));
        IbvPortAttr port = new IbvPortAttr();
        assertEquals(0, ctx.queryPort(1, port));
        assertEquals(0, VerbsWorld.toInit(a, 1));
        assertEquals(0, VerbsWorld.toInit(b, 1));
        assertEquals(0, VerbsWorld.connect(a, 1, 100, port.lid, b.qpNum(), 200));
        assertEquals(0, VerbsWorld.connect(b, 1, 200, port.lid, a.qpNum(), 100));
        assertEquals(0, b.postRecv(new IbvRecvWr(7, new IbvSge(buf, 64, mr.lkey())), new IbvRecvWr[1]));
        IbvSendWr wr = new IbvSendWr(8, IbvWrOpcode.SEND_WITH_IMM, 0, new IbvSge(buf + 2048, 8, mr.lkey()));
        wr.immData = IMM;
        assertEquals(0, a.postSend(wr, new IbvSendWr[1]));
        world.run();

        int size = PollCqResp.SIZE + IbUserVerbs.Wc.SIZE;
        assertEquals(0, ctx.execute(IbUserVerbsCmd.POLL_CQ, new PollCq().response(ctx.resp())
                .cqHandle(cq.handle()).ne(1), size));
        byte[] resp = ctx.response(size);
        assertEquals(1, new PollCqResp(resp, 0).count());
        int at = PollCqResp.SIZE + IbUserVerbs.Wc.IMM_DATA_OFFSET;
        assertArrayEquals(NETWORK_ORDER, Arrays.copyOfRange(resp, at, at + 4));
        assertEquals(IMM, new IbUserVerbs.Wc(resp, PollCqResp.SIZE).immData());
    }
}
