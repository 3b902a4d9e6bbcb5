// drivers/infiniband/core/verbs.c ib_init_ah_attr_from_wc, ib_create_ah_from_wc on an
// InfiniBand port; drivers/infiniband/core/cache.c rdma_find_gid_by_port
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/** The address that answers a received datagram, from its work completion and GRH. */
class AhFromWcTest {
    private final Fixture f = new Fixture();
    private final byte[] ours = f.dev.port(Fixture.PORT).gid(0);
    private final byte[] theirs = Port.gid(Port.DEFAULT_GID_PREFIX, 0x0011_2233_4455_6677L);

    private static Wc received(int flags) {
        Wc wc = new Wc();
        wc.slid = 0x1234;
        wc.sl = 5;
        wc.dlidPathBits = 3;
        wc.wcFlags = flags;
        return wc;
    }

    /** A GRH of IPVer 6, traffic class 0xa5, flow label 0x54321, hop limit 7, {@code sgid} to {@code dgid}, at 4. */
    private static byte[] grh(byte[] sgid, byte[] dgid) {
        byte[] b = new byte[4 + Ah.GRH_BYTES];
        int vtf = 6 << 28 | 0xa5 << 20 | 0x54321;
        for (int i = 0; i < 4; i++) {
            b[4 + i] = (byte) (vtf >>> (24 - 8 * i));
        }
        b[4 + 7] = 7;
        System.arraycopy(sgid, 0, b, 4 + 8, 16);
        System.arraycopy(dgid, 0, b, 4 + 24, 16);
        return b;
    }

    @Test
    void shouldAnswerTheSourceLidWithTheSlAndPathBitsWhenThereIsNoGrh() {
        AhAttr a = Ah.initAttrFromWc(f.dev, Fixture.PORT, received(0), null, 0).get();
        assertEquals(0x1234, a.dlid());
        assertEquals(5, a.sl());
        assertEquals(3, a.srcPathBits());
        assertEquals(Fixture.PORT, a.portNum());
        assertNull(a.grh(), "IB_WC_GRH not set: the buffer is not looked at");
    }

    @Test
    void shouldAnswerTheSourceGidFromTheGidItWasSentTo() {
        AhAttr a = Ah.initAttrFromWc(f.dev, Fixture.PORT, received(WcFlags.GRH), grh(theirs, ours), 4).get();
        assertEquals(0x1234, a.dlid());
        assertArrayEquals(theirs, a.grh().dgid(), "the answer's DGID is the received SGID");
        assertEquals(0, a.grh().sgidIndex(), "from the local GID the datagram was sent to");
        assertEquals(0x54321, a.grh().flowLabel());
        assertEquals(0xa5, a.grh().trafficClass());
        assertEquals(0xff, a.grh().hopLimit(), "not the received hop limit");
    }

    @Test
    void shouldRefuseAGrhSentToAGidThePortDoesNotHave() {
        byte[] other = Port.gid(Port.DEFAULT_GID_PREFIX, 0x7777L);
        assertEquals(Errno.ENOENT.negative(),
                Ah.initAttrFromWc(f.dev, Fixture.PORT, received(WcFlags.GRH), grh(theirs, other), 4).err());
        assertEquals(Errno.ENOENT.negative(),
                Ah.initAttrFromWc(f.dev, 9, received(WcFlags.GRH), grh(theirs, ours), 4).err(), "no port 9");
        assertEquals(Errno.EINVAL.negative(),
                Ah.initAttrFromWc(f.dev, Fixture.PORT, received(WcFlags.GRH), new byte[39], 0).err(), "40 bytes");
    }

    @Test
    void shouldAnswerADatagramToTheSasWellKnownGidFromGidZero() {
        byte[] wellKnown = Port.gid(0xff12_401b_ffff_0000L, Ah.SA_WELL_KNOWN_GUID);
        AhAttr a = Ah.initAttrFromWc(f.dev, Fixture.PORT, received(WcFlags.GRH), grh(theirs, wellKnown), 4).get();
        assertEquals(0, a.grh().sgidIndex());
    }

    @Test
    void shouldCreateTheAhOnThePdOrSayWhyNot() {
        Result<Ah> ah = Ah.createFromWc(f.pd, received(WcFlags.GRH), grh(theirs, ours), 4, Fixture.PORT);
        assertFalse(ah.isErr(), ah.toString());
        assertArrayEquals(theirs, ah.get().attr().grh().dgid());
        assertEquals(1, f.pd.usecnt(), "the AH holds the PD");
        assertEquals(0, ah.get().destroy());
        assertEquals(Errno.EINVAL.negative(), Ah.createFromWc(f.pd, received(0), null, 0, 9).err(),
                "no GRH: rdma_create_ah refuses port 9");
    }
}
