// drivers/infiniband/sw/rxe/rxe_recv.c (rxe_chk_dgid), drivers/infiniband/hw/qib/qib_ruc.c and
// hw/hfi1/ruc.c (gid_ok, *_ruc_check_hdr); docs/HCA.md §3.7
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Port;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

/** Which GIDs a port takes as its own, and in which order a connected QP's headers are checked. */
class ReceiveGidAndKeyOrderTest {
    private static final int GRH = 40;
    private static final long SEED = 11;

    private static void deliver(TransportPair p, byte[] dgid, String what) {
        Ah ah = Ah.create(p.a.pd, new AhAttr(p.world.lid(1), 0, 0, 0, 1, new AhAttr.Grh(dgid, 0, 0, 64, 0))).get();
        p.b.postRecv(7, TransportPair.TARGET, GRH + 64);
        p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(ah)
                .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
        p.settle();
        p.a.poll();
        List<Wc> got = p.b.poll();
        assertEquals(1, got.size(), what + ": " + got + ", drops " + p.b.transport().drops());
        assertEquals(WcStatus.SUCCESS, got.get(0).status, what);
    }

    /**
     * rxe_chk_dgid looks a datagram's DGID up in the whole GID table: one sent to entry 1, which
     * ib_query_gid reports (the prefix with no GUID assigned), is taken like one to entry 0.
     */
    @Test
    void shouldTakeADatagramForAnyEntryOfThePortsGidTable() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_2048))) {
            deliver(p, p.b.dev.port(1).gid(0), "entry 0");
            deliver(p, p.b.dev.port(1).gid(1), "entry 1");
        }
    }

    /**
     * gid_ok: the port's GUID under the link-local prefix is still the port's GID after the
     * subnet manager set another prefix; another GUID under either prefix is not.
     */
    @Test
    void shouldTakeTheLinkLocalGidAfterTheSubnetPrefixChanged() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_2048))) {
            HcaPort b = p.b.host.hca(0).firmware().port(1);
            long guid = b.gidInterfaceId(0);
            byte[] mb = b.query();
            Layout.PortInfo.SET_GID.set(mb, 0, 1);
            Layout.PortInfo.GID_PREFIX.set(mb, 0, 0xfec0_0000_0000_0001L);
            Layout.PortInfo.PORT_GUID.set(mb, 0, guid);
            b.set(mb);
            p.settle();
            deliver(p, Port.gid(0xfec0_0000_0000_0001L, guid), "the new prefix");
            deliver(p, Port.gid(HcaPort.DEFAULT_GID_PREFIX, guid), "the link-local one");
            assertEquals(false, b.ownsGid(HcaPort.DEFAULT_GID_PREFIX, guid + 1), "another GUID");
        }
    }

    /**
     * qib_ruc_check_hdr and hfi1_ruc_check_hdr check a connected QP's GRH, then the P_Key, then
     * the SLID and port: a WRITE with a wrong P_Key from a wrong LID counts a P_Key violation.
     */
    @Test
    void shouldCountAPkeyViolationBeforeLookingAtTheSlid() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            int slid = h.world.lid(HostilePeer.PEER) + 7;
            h.send(Opcode.RC_RDMA_WRITE_ONLY, HostilePeer.RQ_PSN, f -> {
                f.va = h.base + 4096;
                f.rkey = h.mr.rkey();
                f.dmaLen = 16;
                f.payload = TransportPair.pattern(9, 16);
                f.raw = b -> {
                    b[6] = (byte) (slid >> 8);
                    b[7] = (byte) slid;
                    b[8 + 2] = 0x12;
                    b[8 + 3] = 0x34;
                };
            });
            h.world.settle();
            HcaPort port = h.world.transport(HostilePeer.VICTIM).firmware().port(1);
            assertEquals(1, port.pkeyViolations(), h.world.transport(HostilePeer.VICTIM).drops().toString());
            assertEquals(1, h.world.transport(HostilePeer.VICTIM).dropped(Transport.Drop.PKEY_MISMATCH));
            assertEquals(0, h.world.transport(HostilePeer.VICTIM).dropped(Transport.Drop.PATH_MISMATCH));
        }
    }
}
