// drivers/infiniband/core/uverbs_main.c (ib_uverbs_write, verify_hdr for an extended command),
// rdma_core.h (uapi_get_method), uverbs_cmd.c (ib_uverbs_ex_modify_cq) and uverbs_uapi.c (a
// method whose device lacks the op it needs is the notsupp one)
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.CmdHdr;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCmdHdr;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExModifyCq;
import org.junit.jupiter.api.Test;

/**
 * EX_MODIFY_CQ: the extended header's checks (verify_hdr), the command's own, and
 * what reaches the driver's modify_cq (a recording double over the in-memory device); on a
 * device without modify_cq, as rxe, the notsupp method.
 */
class UverbsModifyCqTest {
    final List<String> calls = new ArrayList<>();
    final OneProcess t = new OneProcess(this::withModifyCq);

    private DeviceOps withModifyCq(DeviceOps real) {
        return new ForwardingDeviceOps(real) {
            @Override
            public boolean hasModifyCq() {
                return true;
            }

            @Override
            public int modifyCq(Cq cq, int cqCount, int cqPeriod) {
                calls.add(cqCount + "/" + cqPeriod);
                return 0;
            }
        };
    }

    /** A context and a CQ: the CQ's handle. */
    int cq() {
        t.context();
        assertTrue(t.w(Commands.createCq(OneProcess.RESP, 1, 4, -1)) > 0);
        return t.u32(0);
    }

    static byte[] modify(int cq, int mask, int count, int period) {
        return Command.writeEx(UverbsApi.EX_MODIFY_CQ,
                new ExModifyCq().cqHandle(cq).attrMask(mask).cqCount(count).cqPeriod(period).toBytes(), 0, 0);
    }

    @Test
    void shouldHandTheModerationToTheDriver() {
        byte[] cmd = modify(cq(), ExModifyCq.ATTR_MODERATE, 16, 50);
        assertEquals(cmd.length, t.w(cmd));
        assertEquals(List.of("16/50"), calls);
    }

    @Test
    void shouldRefuseWhatIbUverbsExModifyCqRefuses() {
        int cq = cq();
        assertEquals(Errno.EINVAL.negative(), t.w(modify(cq, 0, 16, 50)), "no attribute");
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(modify(cq, 2, 16, 50)), "a mask bit past IB_CQ_MODERATE");
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(modify(cq, -1, 16, 50)), "the top bit, unsigned");
        byte[] reserved = modify(cq, 1, 16, 50);
        reserved[CmdHdr.SIZE + ExCmdHdr.SIZE + ExModifyCq.RESERVED_OFFSET] = 1;
        assertEquals(Errno.EINVAL.negative(), t.w(reserved), "the reserved word");
        assertEquals(Errno.ENOENT.negative(), t.w(modify(cq + 1, 1, 16, 50)), "a handle naming no CQ");
        assertTrue(calls.isEmpty(), calls.toString());
    }

    @Test
    void shouldCheckTheExtendedHeaderAsVerifyHdrDoes() {
        int cq = cq();
        byte[] good = modify(cq, 1, 16, 50);
        byte[] shortWrite = new byte[CmdHdr.SIZE + 8];
        System.arraycopy(good, 0, shortWrite, 0, shortWrite.length);
        assertEquals(Errno.EINVAL.negative(), t.w(shortWrite), "shorter than both headers");

        byte[] words = good.clone();
        new CmdHdr(words, 0).inWords(3);
        assertEquals(Errno.EINVAL.negative(), t.w(words), "in_words not the bytes after the headers");
        new CmdHdr(words, 0).inWords(1);
        assertEquals(Errno.EINVAL.negative(), t.w(words), "in_words short of the bytes after the headers");
        byte[] provider = good.clone();
        new ExCmdHdr(provider, CmdHdr.SIZE).providerInWords(1);
        assertEquals(Errno.EINVAL.negative(), t.w(provider), "provider words the write does not carry");

        // 8 bytes of a 16-byte request: the rest reads as 0 (no req_size for an extended method),
        // and an attr_mask of 0 is ib_uverbs_ex_modify_cq's -EINVAL.
        byte[] small = Command.writeEx(UverbsApi.EX_MODIFY_CQ, new byte[8], 0, 0);
        assertEquals(Errno.EINVAL.negative(), t.w(small), "8 bytes of the 16-byte request");

        byte[] reserved = good.clone();
        new ExCmdHdr(reserved, CmdHdr.SIZE).cmdHdrReserved(1);
        assertEquals(Errno.EINVAL.negative(), t.w(reserved), "cmd_hdr_reserved");

        byte[] outWithoutResponse = good.clone();
        new CmdHdr(outWithoutResponse, 0).outWords(1);
        assertEquals(Errno.EINVAL.negative(), t.w(outWithoutResponse), "out words and no response pointer");

        byte[] responseWithoutOut = good.clone();
        new ExCmdHdr(responseWithoutOut, CmdHdr.SIZE).response(OneProcess.RESP);
        assertEquals(Errno.EINVAL.negative(), t.w(responseWithoutOut), "a response pointer and no out words");

        byte[] kernelResponse = good.clone();
        new CmdHdr(kernelResponse, 0).outWords(1);
        new ExCmdHdr(kernelResponse, CmdHdr.SIZE).response(0xffff_8000_0000_0000L);
        assertEquals(Errno.EFAULT.negative(), t.w(kernelResponse), "a response pointer into the kernel (access_ok)");

        byte[] trailing = Command.writeEx(UverbsApi.EX_MODIFY_CQ, java.util.Arrays.copyOf(
                new ExModifyCq().cqHandle(cq).attrMask(1).cqCount(3).cqPeriod(4).toBytes(), 24), 0, 0);
        assertEquals(trailing.length, t.w(trailing), "a longer request whose extra bytes are zero");
        trailing[trailing.length - 1] = 1;
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(trailing), "uverbs_request: extra bytes not zero");
        assertEquals(List.of("3/4"), calls);
    }

    @Test
    void shouldAnswerOtherExtendedNumbersAsTheKernelsTableDoes() {
        cq();
        // Past the extended table: uapi_get_method's -EOPNOTSUPP.
        assertEquals(Errno.EOPNOTSUPP.negative(), t.w(Command.writeEx(UverbsApi.EX_MODIFY_CQ + 1, new byte[16], 0, 0)));
        // A number the model's table does not serve (EX_CREATE_FLOW, 50: the device has no
        // create_flow) is the notsupp method, which verify_hdr checks as a legacy command:
        // in_words counts 4-byte words of the whole write.
        assertEquals(Errno.EINVAL.negative(), t.w(Command.writeEx(50, new byte[16], 0, 0)));
        // EX_CREATE_CQ is served: 16 bytes of its 32-byte request, the rest read as 0, so its
        // comp_channel is fd 0, no completion channel: -EBADF.
        assertEquals(Errno.EBADF.negative(), t.w(Command.writeEx(UverbsApi.EX_CREATE_CQ, new byte[16], 0, 0)));
    }

    @Test
    void shouldServeNoModerationOnADeviceWithoutModifyCq() {
        OneProcess rxe = new OneProcess(UnaryOperator.identity());
        rxe.context();
        assertTrue(rxe.w(Commands.createCq(OneProcess.RESP, 1, 4, -1)) > 0);
        // uapi_finalize_disable deleted the method, so the device's extended table ends at
        // EX_MODIFY_QP, as rxe's does: uapi_get_method's -EOPNOTSUPP, whatever the framing.
        assertEquals(Errno.EOPNOTSUPP.negative(), rxe.w(modify(0, ExModifyCq.ATTR_MODERATE, 16, 50)));
        assertEquals(Errno.EOPNOTSUPP.negative(), rxe.w(Command.write(UverbsApi.EX_MODIFY_CQ
                | Command.FLAG_EXTENDED, new byte[0], 0)));
        assertEquals(Errno.EOPNOTSUPP.negative(), rxe.w(Command.writeEx(UverbsApi.EX_MODIFY_QP + 1, new byte[16], 0,
                0)));
    }
}
