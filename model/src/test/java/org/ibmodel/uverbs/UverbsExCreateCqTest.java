// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_ex_create_cq and create_cq (UAPI_DEF_WRITE_IO_EX:
// the request up to reserved, the response up to response_length)
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateCqResp;
import org.junit.jupiter.api.Test;

/** EX_CREATE_CQ, as ibv_create_cq_ex sends it: CREATE_CQ's checks, and its own on comp_mask and flags. */
class UverbsExCreateCqTest {
    final OneProcess t = new OneProcess(UnaryOperator.identity());

    UverbsExCreateCqTest() {
        t.context();
    }

    static ExCreateCq cq() {
        return new ExCreateCq().userHandle(9).cqe(5).compVector(0).compChannel(-1);
    }

    static byte[] create(ExCreateCq cmd) {
        return Command.writeEx(UverbsApi.EX_CREATE_CQ, cmd.toBytes(), OneProcess.RESP, ExCreateCqResp.SIZE);
    }

    int cqs() {
        return t.host.device().liveCount(ResType.CQ);
    }

    @Test
    void shouldCreateAsCreateCqDoesAndAnswerTheResponseLength() {
        byte[] cmd = create(cq());
        assertEquals(cmd.length, t.w(cmd));
        ExCreateCqResp r = new ExCreateCqResp(t.resp(ExCreateCqResp.SIZE), 0);
        assertEquals(ExCreateCqResp.SIZE, r.responseLength());
        assertEquals(0, r.base().cqHandle(), "the first handle");
        assertEquals(t.host.device().liveCount(ResType.CQ), 1);
        assertEquals(true, r.base().cqe() >= 5, "at least the entries asked for: " + r.base().cqe());
        // Short of reserved: the rest reads as 0 (uverbs_request), and the CQ is made.
        byte[] shorter = Command.writeEx(UverbsApi.EX_CREATE_CQ, Arrays.copyOf(cq().toBytes(), 24), OneProcess.RESP,
                ExCreateCqResp.SIZE);
        assertEquals(shorter.length, t.w(shorter), "short of reserved");
        assertEquals(2, t.host.device().liveCount(ResType.CQ));
    }

    @Test
    void shouldRefuseAMaskTheReservedWordAndFlagsTheDeviceLacks() {
        assertEquals(Errno.EINVAL.negative(), t.w(create(cq().compMask(1))), "comp_mask");
        assertEquals(Errno.EINVAL.negative(), t.w(create(cq().reserved(1))), "the reserved word");
        assertEquals(Errno.EINVAL.negative(), t.w(create(cq().compVector(1 << 20))), "a vector past the device's");
        assertEquals(Errno.EBADF.negative(), t.w(create(cq().compChannel(99))), "no such channel");
        // IB_UVERBS_CQ_FLAGS_TIMESTAMP_COMPLETION: the device, as rxe, takes no flag.
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(create(cq().flags(1))), "a completion timestamp");
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(create(cq().flags(2))), "IGNORE_OVERRUN, as rxe says");
        assertEquals(0, cqs(), "nothing made, the handles given back");
        byte[] cmd = create(cq());
        assertEquals(cmd.length, t.w(cmd));
        assertEquals(0, new ExCreateCqResp(t.resp(ExCreateCqResp.SIZE), 0).base().cqHandle(), "handle 0 again");
    }
}
