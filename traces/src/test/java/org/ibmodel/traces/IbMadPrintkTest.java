package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * include/trace/events/ib_mad.h: commit 5c20311d76cb dropped {@code pkey} from
 * ib_mad_send_template and ib_mad_recv_done_handler (mainline in v6.2; Debian 6.1.192 too). Both
 * printks are read; each record prints back as it was read. The lines without pkey are as Debian's
 * 6.1.0-56-amd64 kernel printed them for ucmatose over rdma_rxe (traces/record/).
 */
class IbMadPrintkTest {
    private static final String SEND_NO_PKEY = "        ucmatose-179     [000] d..2.    27.628093: ib_mad_ib_send_mad: "
            + "0:1 QP1 agent 000000002d6f1358: wrtid 0x2bb8130f8; 15/15 retries(0); timeout 1536 length 256 : "
            + "hdr : base_ver 0x1 class 0x7 class_ver 0x2 method 0x3 status 0x0 class_specific 0x0 tid 0x2bb8130f8 "
            + "attr_id 0x10 attr_mod 0x0  => dlid 0x00000000 sl 0 rpqn 0x1 rqpkey 0x80000000";
    private static final String SEND_PKEY = SEND_NO_PKEY.replace(" sl 0 rpqn", " sl 0 pkey 0xffff rpqn");
    private static final String RECV_NO_PKEY = "    kworker/u5:1-169     [001] .....    27.628600: ib_mad_recv_done_handler: "
            + "0:1 QP1 : RECV WC Status 0 : length 296 : hdr : base_ver 0x01 class 0x07 class_ver 0x02 method 0x03 "
            + "status 0x0000 class_specific 0x0000 tid 0x00000002bb8130f8 attr_id 0x0010 attr_mod 0x00000000 "
            + "slid 0x00000000 src QP1, sl 0";
    private static final String RECV_PKEY = RECV_NO_PKEY + " pkey 0xffff";

    private static IbMad.MadEvent only(String line) {
        Samples.Read r = Samples.read(line + "\n");
        assertEquals(List.of(), r.unparsed());
        assertEquals(1, r.records().size());
        return assertInstanceOf(IbMad.MadEvent.class, r.records().get(0).event());
    }

    @Test
    void shouldReadTheSendPrintkWithoutPkeyAsTheCurrentVariant() {
        IbMad.MadEvent e = only(SEND_NO_PKEY);
        assertEquals(Tracepoint.IB_MAD_IB_SEND_MAD, e.tracepoint());
        assertEquals(0, e.variant());
        assertEquals(0L, e.devIndex());
        assertEquals(1L, e.portNum());
        assertEquals(SEND_NO_PKEY.substring(SEND_NO_PKEY.indexOf("0:1 QP1")), e.body());
    }

    @Test
    void shouldReadTheOlderSendPrintkWithPkey() {
        IbMad.MadEvent e = only(SEND_PKEY);
        assertEquals(1, e.variant());
        assertTrue(e.fields().contains(0xffffL), e.fields().toString());
        assertEquals(SEND_PKEY.substring(SEND_PKEY.indexOf("0:1 QP1")), e.body());
    }

    @Test
    void shouldReadBothRecvDoneHandlerPrintks() {
        IbMad.MadEvent now = only(RECV_NO_PKEY);
        IbMad.MadEvent old = only(RECV_PKEY);
        assertEquals(Tracepoint.IB_MAD_RECV_DONE_HANDLER, now.tracepoint());
        assertEquals(0, now.variant());
        assertEquals(1, old.variant());
        assertEquals(now.fields().size() + 1, old.fields().size());
        assertEquals(RECV_NO_PKEY.substring(RECV_NO_PKEY.indexOf("0:1 QP1")), now.body());
        assertEquals(RECV_PKEY.substring(RECV_PKEY.indexOf("0:1 QP1")), old.body());
    }

    @Test
    void shouldWriteAModelMadEventInTheCurrentPrintk() {
        IbMad.MadEvent read = only(SEND_NO_PKEY);
        IbMad.MadEvent made = new IbMad.MadEvent(Tracepoint.IB_MAD_IB_SEND_MAD, read.fields());
        assertEquals(read, made);
    }
}
