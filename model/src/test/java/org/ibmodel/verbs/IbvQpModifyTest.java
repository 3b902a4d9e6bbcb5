// rdma-core libibverbs/cmd.c (ibv_cmd_modify_qp, copy_modify_qp_fields) and verbs.c
// (ibv_modify_qp, ibv_query_qp): what the library writes for a modify, and when it takes a state
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifyQp;
import org.junit.jupiter.api.Test;

class IbvQpModifyTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);
    final IbvPd pd = ctx.allocPd();
    final IbvCq cq = ctx.createCq(4, null, null, 0);
    final IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
    final List<byte[]> writes = new ArrayList<>();

    IbvQpModifyTest() {
        ibv.task().strace((fd, buf, ret) -> writes.add(buf.clone()));
    }

    /** Every field of the attributes set to something other than zero. */
    private static IbvQpAttr everything() {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.curQpState = IbvQpState.RESET;
        a.qkey = 0x11;
        a.rqPsn = 0x22;
        a.sqPsn = 0x33;
        a.destQpNum = 0x44;
        a.qpAccessFlags = 1;
        a.pkeyIndex = 0;
        a.altPkeyIndex = 1;
        a.pathMtu = 3;
        a.maxRdAtomic = 4;
        a.maxDestRdAtomic = 4;
        a.minRnrTimer = 12;
        a.portNum = 1;
        a.timeout = 14;
        a.retryCnt = 7;
        a.rnrRetry = 7;
        a.altPortNum = 1;
        a.altTimeout = 9;
        a.ahAttr.dlid = 0x55;
        a.altAhAttr.dlid = 0x66;
        return a;
    }

    /**
     * ibv_cmd_modify_qp: a bit from IBV_QP_RATE_LIMIT on goes only through the extended command,
     * so the legacy verb fails with EOPNOTSUPP in the library, writing nothing.
     */
    @Test
    void shouldRefuseARateLimitWithoutWritingToTheKernel() {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RESET;
        assertEquals(Errno.EOPNOTSUPP.number(), qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.RATE_LIMIT));
        assertEquals(Errno.EOPNOTSUPP.number(), ibv.errno());
        assertTrue(writes.isEmpty(), "no write()");
    }

    /**
     * ibv_cmd_create_qp_ex2 refuses create flags it does not know (bit 0, the kernel's
     * IPOIB_UD_LSO, among them) with EINVAL before it writes EX_CREATE_QP.
     */
    @Test
    void shouldRefuseAnUnknownCreateFlagWithoutWritingToTheKernel() {
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.createFlags = 1;
        assertEquals(null, pd.createQp(init));
        assertEquals(Errno.EINVAL.number(), ibv.errno());
        assertTrue(writes.isEmpty(), "no write()");
    }

    /** ibv_cmd_query_qp refuses the same bits before it writes QUERY_QP. */
    @Test
    void shouldRefuseToQueryARateLimitWithoutWritingToTheKernel() {
        IbvQpAttr a = new IbvQpAttr();
        assertEquals(Errno.EOPNOTSUPP.number(), qp.query(a, IbvQpAttrMask.STATE | IbvQpAttrMask.RATE_LIMIT, null));
        assertEquals(Errno.EOPNOTSUPP.number(), ibv.errno());
        assertTrue(writes.isEmpty(), "no write()");
        assertEquals(0, qp.query(a, IbvQpAttrMask.STATE, null));
        assertEquals(1, writes.size());
    }

    /**
     * copy_modify_qp_fields copies only the fields the mask names; the rest of the command is
     * zero, so what strace shows of a RESET->INIT carries no stale path or PSN.
     */
    @Test
    void shouldWriteOnlyTheFieldsTheMaskNames() {
        int mask = IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT | IbvQpAttrMask.ACCESS_FLAGS;
        assertEquals(0, qp.modify(everything(), mask));
        assertEquals(1, writes.size());
        byte[] w = writes.get(0);
        // After struct ib_uverbs_cmd_hdr (8 bytes), struct ib_uverbs_modify_qp.
        ModifyQp sent = new ModifyQp(Arrays.copyOfRange(w, 8, w.length), 0);
        ModifyQp expected = new ModifyQp().qpHandle(sent.qpHandle()).attrMask(mask)
                .qpState(IbvQpState.INIT.ordinal()).pkeyIndex(0).portNum(1).qpAccessFlags(1);
        assertArrayEquals(expected.toBytes(), Arrays.copyOf(sent.toBytes(), ModifyQp.SIZE));
    }

    /** ibv_query_qp takes the state it read into ibv_qp only when the mask asked for it. */
    @Test
    void shouldTakeTheQueriedStateOnlyWhenAskedFor() {
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        assertEquals(IbvQpState.INIT, qp.state());
        // Moved back under the library's feet, through the command it would have written.
        IbvQpAttr reset = new IbvQpAttr();
        reset.qpState = IbvQpState.RESET;
        assertEquals(0, ctx.execute(IbUserVerbsCmd.MODIFY_QP,
                new ModifyQp().qpHandle(qp.handle()).attrMask(IbvQpAttrMask.STATE).qpState(0), 0));
        IbvQpAttr q = new IbvQpAttr();
        assertEquals(0, qp.query(q, IbvQpAttrMask.CAP, null));
        assertEquals(IbvQpState.INIT, qp.state(), "not asked for the state");
        assertEquals(0, qp.query(q, IbvQpAttrMask.STATE, null));
        assertEquals(IbvQpState.RESET, qp.state());
    }
}
