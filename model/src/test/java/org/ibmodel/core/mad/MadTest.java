// include/rdma/ib_mad.h: ib_response_mad
package org.ibmodel.core.mad;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MadTest {
    private static byte[] mad(int mgmtClass, int method, long attrMod) {
        byte[] m = new byte[Mad.SIZE];
        m[Mad.MGMT_CLASS] = (byte) mgmtClass;
        m[Mad.METHOD] = (byte) method;
        for (int i = 0; i < 4; i++) {
            m[Mad.ATTR_MOD + i] = (byte) (attrMod >>> (24 - 8 * i));
        }
        return m;
    }

    @Test
    void shouldTellResponsesByTheMethodTrapRepressAndTheBmResponseBit() {
        assertTrue(Mad.isResponse(mad(Mad.CLASS_PERF_MGMT, Mad.METHOD_GET_RESP, 0)));
        assertFalse(Mad.isResponse(mad(Mad.CLASS_PERF_MGMT, Mad.METHOD_GET, 0)));
        assertTrue(Mad.isResponse(mad(Mad.CLASS_SUBN_LID_ROUTED, Mad.METHOD_TRAP_REPRESS, 0)));
        // IB_BM_ATTR_MOD_RESP is cpu_to_be32(1): bit 0 of the modifier, the wire's last byte.
        assertTrue(Mad.isResponse(mad(Mad.CLASS_BM, Mad.METHOD_SEND, 1)));
        assertFalse(Mad.isResponse(mad(Mad.CLASS_BM, Mad.METHOD_SEND, 0x8000_0000L)));
        assertFalse(Mad.isResponse(mad(Mad.CLASS_PERF_MGMT, Mad.METHOD_SEND, 1)));
    }
}
