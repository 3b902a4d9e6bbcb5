// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_ex_query_device (UAPI_DEF_WRITE_IO_EX: the
// request up to reserved, the response up to response_length) and uverbs_response_length
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExQueryDevice;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExQueryDeviceResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryDeviceResp;
import org.junit.jupiter.api.Test;

/** EX_QUERY_DEVICE on the in-memory device: its checks, and the response as far as there is room. */
class UverbsExQueryDeviceTest {
    static final long RESP = OneProcess.RESP;

    final OneProcess t = new OneProcess(UnaryOperator.identity());

    static byte[] query(ExQueryDevice cmd, int outBytes) {
        return Command.writeEx(UverbsApi.EX_QUERY_DEVICE, cmd.toBytes(), RESP, outBytes);
    }

    @Test
    void shouldAnswerTheLegacyFieldsAndTheExtendedOnesWithTheirLength() {
        t.context();
        byte[] legacy = Commands.queryDevice(RESP);
        assertEquals(legacy.length, t.w(legacy));
        byte[] base = t.resp(QueryDeviceResp.SIZE);

        byte[] cmd = query(new ExQueryDevice(), ExQueryDeviceResp.SIZE);
        assertEquals(cmd.length, t.w(cmd));
        ExQueryDeviceResp r = new ExQueryDeviceResp(t.resp(ExQueryDeviceResp.SIZE), 0);
        assertArrayEquals(base, r.base().toBytes(), "base: the legacy response");
        assertEquals(ExQueryDeviceResp.SIZE, r.responseLength(), "response_length: all of it");
        assertEquals(0, r.compMask());
        assertEquals(t.host.device().attr().deviceCapFlags, r.deviceCapFlagsEx());
        assertEquals(0, r.maxCqModerationCount(), "no modify_cq, as rxe");
        assertEquals(0, r.maxCqModerationPeriod());
    }

    @Test
    void shouldFillOnlyWhatUserspaceGaveRoomFor() {
        t.context();
        // An older library's response: up to response_length, the least verify_hdr takes.
        assertEquals(0, t.p.mm().copyToUser(RESP, new byte[512], 0, 512));
        byte[] marker = {(byte) 0xaa};
        assertEquals(0, t.p.mm().copyToUser(RESP + ExQueryDeviceResp.MIN_SIZE, marker, 0, 1));
        byte[] cmd = query(new ExQueryDevice(), ExQueryDeviceResp.MIN_SIZE);
        assertEquals(cmd.length, t.w(cmd));
        ExQueryDeviceResp r = new ExQueryDeviceResp(t.resp(ExQueryDeviceResp.SIZE), 0);
        assertEquals(ExQueryDeviceResp.MIN_SIZE, r.responseLength(), "uverbs_response_length");
        assertEquals((byte) 0xaa, t.resp(ExQueryDeviceResp.MIN_SIZE + 1)[ExQueryDeviceResp.MIN_SIZE],
                "nothing written past the room given");
        // One word short of response_length: an extended method has no resp_size to check
        // (uverbs_uapi.c uapi_create_write), so the response is cut to the room given.
        byte[] shorter = query(new ExQueryDevice(), ExQueryDeviceResp.MIN_SIZE - 8);
        assertEquals(shorter.length, t.w(shorter));
    }

    @Test
    void shouldRefuseWithoutAContextAndWithCompMaskOrReservedSet() {
        assertEquals(Errno.EINVAL.negative(), t.w(query(new ExQueryDevice(), ExQueryDeviceResp.SIZE)), "no context");
        t.context();
        assertEquals(Errno.EINVAL.negative(), t.w(query(new ExQueryDevice().compMask(1), ExQueryDeviceResp.SIZE)));
        assertEquals(Errno.EINVAL.negative(), t.w(query(new ExQueryDevice().reserved(1), ExQueryDeviceResp.SIZE)));
        // No request at all reads as one of zeros (uverbs_request): a query like any other.
        byte[] none = Command.writeEx(UverbsApi.EX_QUERY_DEVICE, new byte[0], RESP, ExQueryDeviceResp.SIZE);
        assertEquals(none.length, t.w(none), "no request at all");
    }
}
