package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The directed-route SMP tracepoints of include/trace/events/ib_mad.h: ib_mad_handle_ib_smi and
 * ib_mad_handle_out_ib_smi (class ib_mad_opa_ib_template, 16-bit DR LIDs), ib_mad_handle_opa_smi
 * and ib_mad_handle_out_opa_smi (ib_mad_opa_smi_template, 32-bit DR LIDs). Each prints both
 * 64-hop paths with {@code %*ph}: every byte as two hex digits, one space between bytes.
 */
class IbMadSmpTest {
    private static final String HEAD = "          <idle>-0       [001] ..s1.  5120.331422: ";

    /** A 64-hop path as %*ph prints it, the first bytes given, the rest zero. */
    private static String path(int... first) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < 64; k++) {
            if (k > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", k < first.length ? first[k] : 0));
        }
        return sb.toString();
    }

    private static String ibBody() {
        return "OPA SMP: hop_ptr 1 hop_cnt 2 mkey 0x0000000000000000 dr_slid 0xffff dr_dlid 0xffff "
                + "initial_path " + path(0, 1, 0x1a) + " return_path " + path(0, 3) + " ";
    }

    @Test
    void shouldTypeTheIbSmiEventsOfIbMad() {
        for (String name : List.of("ib_mad_handle_ib_smi", "ib_mad_handle_out_ib_smi")) {
            Samples.Read r = Samples.read(HEAD + name + ": " + ibBody() + "\n");
            assertEquals(List.of(), r.unparsed());
            IbMad.Smp smp = assertInstanceOf(IbMad.Smp.class, r.records().get(0).event());
            assertEquals(name, smp.name());
            assertEquals("ib_mad", smp.system());
            assertEquals(1, smp.hopPtr());
            assertEquals(2, smp.hopCnt());
            assertEquals(0xffff, smp.drSlid());
            assertEquals(path(0, 1, 0x1a), smp.initialPath());
            assertEquals(path(0, 3), smp.returnPath());
        }
    }

    @Test
    void shouldTypeTheOpaSmiEventsWithTheirWiderLids() {
        String body = "OPA SMP: hop_ptr 0 hop_cnt 1 mkey 0x00000000deadbeef dr_slid 0xffffffff dr_dlid 0x00000001 "
                + "initial_path " + path(0, 7) + " return_path " + path() + " ";
        Samples.Read r = Samples.read("> " + HEAD + "ib_mad_handle_opa_smi: " + body + "\n");
        assertEquals(List.of(), r.unparsed());
        IbMad.Smp smp = assertInstanceOf(IbMad.Smp.class, r.records().get(0).event());
        assertEquals(Tracepoint.IB_MAD_HANDLE_OPA_SMI, smp.tracepoint());
        assertEquals(0xdeadbeefL, smp.mkey());
        assertEquals(0xffffffffL, smp.drSlid());
        assertEquals(body, smp.body());
    }

    @Test
    void shouldWriteBackTheKernelsText() throws IOException {
        String line = HEAD + "ib_mad_handle_out_ib_smi: " + ibBody();
        TraceRecord r = Samples.read(line + "\n").records().get(0);
        StringBuilder sb = new StringBuilder();
        new FtraceWriter(sb, Layout.SYSFS_FLAGS5).write(r);
        assertEquals(line + "\n", sb.toString());
    }

    @Test
    void shouldReadHexBytesOnlyAsPrintedBytes() {
        PrintFormat f = PrintFormat.of("initial_path %*ph return_path %*ph ");
        assertArrayEquals(new Object[] {"00 01", "ff"}, f.parse("initial_path 00 01 return_path ff ", 0, 34));
        assertNull(f.parse("initial_path 0 01 return_path ff", 0, 32));
        assertNull(f.parse("initial_path 00 011 return_path ff", 0, 34));
        assertNull(f.parse("initial_path 00 0g return_path ff", 0, 33));
    }
}
