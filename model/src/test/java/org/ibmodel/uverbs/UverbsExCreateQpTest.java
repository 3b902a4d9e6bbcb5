// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_ex_create_qp and create_qp (UAPI_DEF_WRITE_IO_EX:
// the request up to comp_mask, the response up to response_length)
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.ibmodel.core.QpType;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateQpResp;
import org.junit.jupiter.api.Test;

/** EX_CREATE_QP on the in-memory device: CREATE_QP's checks, and its own on masks and flags. */
class UverbsExCreateQpTest {
    final OneProcess t = new OneProcess(UnaryOperator.identity());
    int pd;
    int cq;

    UverbsExCreateQpTest() {
        t.context();
        assertTrue(t.w(Commands.allocPd(OneProcess.RESP)) > 0);
        pd = t.u32(0);
        assertTrue(t.w(Commands.createCq(OneProcess.RESP, 1, 4, -1)) > 0);
        cq = t.u32(0);
    }

    ExCreateQp rc() {
        return new ExCreateQp().userHandle(7).pdHandle(pd).sendCqHandle(cq).recvCqHandle(cq).maxSendWr(4)
                .maxRecvWr(4).maxSendSge(1).maxRecvSge(1).sqSigAll(1).qpType(QpType.RC.value());
    }

    static byte[] create(ExCreateQp cmd) {
        return Command.writeEx(UverbsApi.EX_CREATE_QP, cmd.toBytes(), OneProcess.RESP, ExCreateQpResp.SIZE);
    }

    int qps() {
        return t.host.device().liveCount(ResType.QP);
    }

    @Test
    void shouldCreateAsCreateQpDoesAndAnswerTheResponseLength() {
        byte[] cmd = create(rc());
        assertEquals(cmd.length, t.w(cmd));
        ExCreateQpResp r = new ExCreateQpResp(t.resp(ExCreateQpResp.SIZE), 0);
        assertEquals(ExCreateQpResp.SIZE, r.responseLength());
        assertEquals(1, qps());
        assertTrue(r.base().qpn() > 0, "a QPN");
        assertTrue(r.base().maxSendWr() >= 4, "at least the send WRs asked for: " + r.base().maxSendWr());
        // The request up to comp_mask is enough; create_flags and the rest read as 0.
        byte[] shortest = Command.writeEx(UverbsApi.EX_CREATE_QP, Arrays.copyOf(rc().toBytes(), 56),
                OneProcess.RESP, ExCreateQpResp.SIZE);
        assertEquals(shortest.length, t.w(shortest));
        assertEquals(2, qps());
        // Shorter still: an extended method has no req_size (uverbs_uapi.c), so what is missing
        // reads as 0 too, and this request still makes a QP.
        byte[] shorter = Command.writeEx(UverbsApi.EX_CREATE_QP, Arrays.copyOf(rc().toBytes(), 48), OneProcess.RESP,
                ExCreateQpResp.SIZE);
        assertEquals(shorter.length, t.w(shorter), "short of comp_mask");
        assertEquals(3, qps());
    }

    @Test
    void shouldRefuseMasksFlagsAndCapabilitiesItDoesNotHave() {
        assertEquals(Errno.EINVAL.negative(), t.w(create(rc().compMask(2))), "a comp_mask bit past IND_TABLE");
        assertEquals(Errno.EINVAL.negative(), t.w(create(rc().reserved(1))), "the reserved byte");
        assertEquals(Errno.EINVAL.negative(), t.w(create(rc().compMask(1))), "an RSS table the model has none of");
        assertEquals(Errno.EINVAL.negative(), t.w(create(rc().createFlags(1))), "IPOIB_UD_LSO, not a user flag");
        assertEquals(Errno.EPERM.negative(), t.w(create(rc().createFlags(1 << 10))), "SOURCE_QPN without CAP_NET_RAW");
        // A flag uverbs lets through goes to the device; the in-memory device, as rxe, takes none.
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(create(rc().createFlags(1 << 1))), "BLOCK_MULTICAST_LOOPBACK");
        assertEquals(0, qps(), "nothing made, the handles given back");
        byte[] cmd = create(rc());
        assertEquals(cmd.length, t.w(cmd));
        // One handle space per file: the PD has 0, the CQ 1.
        assertEquals(2, new ExCreateQpResp(t.resp(ExCreateQpResp.SIZE), 0).base().qpHandle(),
                "the lowest free handle, none leaked by the refusals");
    }
}
