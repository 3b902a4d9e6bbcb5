// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_ex_modify_qp and modify_qp (UAPI_DEF_WRITE_IO_EX:
// the request up to base, the response up to response_length)
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExModifyQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExModifyQpResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifyQp;
import org.junit.jupiter.api.Test;

/** EX_MODIFY_QP on the in-memory device: the legacy modify with rate_limit, and its response. */
class UverbsExModifyQpTest {
    final OneProcess t = new OneProcess(UnaryOperator.identity());

    /** A context, PD, CQ and RC QP: the QP's handle. */
    int qp() {
        t.context();
        assertTrue(t.w(Commands.allocPd(OneProcess.RESP)) > 0);
        int pd = t.u32(0);
        assertTrue(t.w(Commands.createCq(OneProcess.RESP, 1, 4, -1)) > 0);
        int cq = t.u32(0);
        assertTrue(t.w(Commands.createQp(OneProcess.RESP, 7, pd, cq, cq, -1, QpType.RC.value(), 4, 1)) > 0);
        return t.u32(0);
    }

    static ModifyQp toInit(int qp) {
        return new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)).qpState(QpState.INIT.ordinal()).portNum(1);
    }

    static byte[] exModify(ExModifyQp cmd, long response, int outBytes) {
        return Command.writeEx(UverbsApi.EX_MODIFY_QP, cmd.toBytes(), response, outBytes);
    }


    @Test
    void shouldModifyAsTheLegacyCommandDoesAndAnswerTheResponseLength() {
        int qp = qp();
        byte[] cmd = exModify(new ExModifyQp().base(toInit(qp)), OneProcess.RESP, ExModifyQpResp.SIZE);
        assertEquals(cmd.length, t.w(cmd));
        ExModifyQpResp r = new ExModifyQpResp(t.resp(ExModifyQpResp.SIZE), 0);
        assertEquals(ExModifyQpResp.SIZE, r.responseLength());
        assertEquals(0, r.compMask());
        // INIT to INIT again: the QP is in INIT. No response pointer: none written, 0 all the same.
        byte[] again = exModify(new ExModifyQp().base(toInit(qp)), 0, 0);
        assertEquals(again.length, t.w(again));
        // A move the table refuses from INIT (to RTS) is -EINVAL, as MODIFY_QP says.
        ModifyQp rts = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.STATE.bit()).qpState(QpState.RTS.ordinal());
        assertEquals(Errno.EINVAL.negative(), t.w(exModify(new ExModifyQp().base(rts), 0, 0)));
        assertEquals(Errno.EINVAL.negative(), t.w(Commands.modifyQp(rts)));
    }

    @Test
    void shouldTakeRateLimitToTheDeviceWhichRefusesIt() {
        int qp = qp();
        assertTrue(t.w(exModify(new ExModifyQp().base(toInit(qp)), 0, 0)) > 0);
        ModifyQp rate = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.RATE_LIMIT.bit());
        // Past uverbs' check; the driver (rxe_modify_qp, mlx4_ib_modify_qp) refuses the bit.
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(exModify(new ExModifyQp().base(rate).rateLimit(1000), 0, 0)));
        // The legacy command stops it first, and a reserved bit stops both.
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(Commands.modifyQp(rate)));
        ModifyQp reserved = new ModifyQp().qpHandle(qp).attrMask(1 << 21);
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(exModify(new ExModifyQp().base(reserved), 0, 0)));
    }

    @Test
    void shouldWantRoomForResponseLengthWhenAResponseIsAsked() {
        int qp = qp();
        // Short of base: the rest reads as 0 (no req_size for an extended method), so the port the
        // INIT modify names is 0, which modify_qp refuses.
        assertEquals(Errno.EINVAL.negative(), t.w(Command.writeEx(UverbsApi.EX_MODIFY_QP,
                java.util.Arrays.copyOf(toInit(qp).toBytes(), 104), 0, 0)), "the request short of base");
        assertEquals(Errno.EINVAL.negative(), t.w(exModify(new ExModifyQp().base(toInit(qp)), OneProcess.RESP, 0)),
                "a response pointer with no out words");
    }
}
