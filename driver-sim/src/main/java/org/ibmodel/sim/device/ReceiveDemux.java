// Receive demultiplexing: drivers/infiniband/sw/rxe/rxe_recv.c (rxe_rcv, hdr_check,
// check_type_state, check_keys, check_addr); IBA 9.6 (packet header validation)
package org.ibmodel.sim.device;

import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.ParseResult;

/**
 * Takes every packet an HCA port receives: parses it (a malformed packet or a bad ICRC or VCRC
 * is counted and dropped), checks the DLID, finds the destination QP, checks its state, service
 * and P_Key, and hands requests to the {@link Responder} and responses to the {@link Completer}.
 */
final class ReceiveDemux {
    private final Transport transport;
    private final Packet view = Packet.reusable();

    ReceiveDemux(Transport transport) {
        this.transport = transport;
    }

    /** Multicast LIDs (IBA 4.1, 7.11.1); 0xFFFF is the permissive LID. */
    static final int FIRST_MULTICAST_LID = 0xC000;
    static final int LAST_MULTICAST_LID = 0xFFFE;
    /** The DestQP of every multicast packet (HCA.md §3.11). */
    static final int MULTICAST_QPN = 0xFF_FFFF;
    /** The permissive LID (IBA 4.1.2). */
    static final int PERMISSIVE_LID = 0xFFFF;
    /** The QPNs of the SMI and GSI on the wire (IBA 13.5.1, 14.2.1) and QP0's lane (IBA 7.6.5). */
    static final int SMI_QPN = 0;
    static final int GSI_QPN = 1;
    static final int VL15 = 15;

    void receive(int portNum, byte[] bytes, Crcs.State crcs) {
        receive(portNum, bytes, crcs, -1);
    }

    /**
     * As {@link #receive(int, byte[], Crcs.State)}; {@code loopbackFrom} is the QPN whose
     * multicast send this is a loopback copy of, -1 for a packet from the wire.
     */
    /** IB_MGMT_CLASS_SUBN_DIRECTED_ROUTE (include/rdma/ib_mad.h), the MAD header's mgmt_class, byte 1. */
    static final int MGMT_CLASS_SUBN_DIRECTED_ROUTE = 0x81;

    private static boolean directedRoute(Packet p) {
        return p.payloadLength() > 1 && (p.buffer()[p.payloadOffset() + 1] & 0xff) == MGMT_CLASS_SUBN_DIRECTED_ROUTE;
    }

    void receive(int portNum, byte[] bytes, Crcs.State crcs, int loopbackFrom) {
        // The responder and completer are done with a packet when they return (rxe_recv.c
        // likewise frees the skb's packet info), so one view serves every packet. Only CRCs of
        // bytes that may have changed on the way are checked (wire.Crcs): the rest could only pass.
        ParseResult r = view.parseInto(bytes, 0, bytes.length, crcs);
        if (!r.isValid()) {
            transport.countMalformed(r.dropReason().name());
            if (r.dropReason().portRcvError()) {
                transport.firmware().port(portNum).receiveError();
            }
            return;
        }
        Packet p = ((ParseResult.Valid) r).packet();
        Firmware fw = transport.firmware();
        HcaPort port = fw.port(portNum);
        int dlid = p.lrh().dlid();
        boolean multicast = dlid >= FIRST_MULTICAST_LID && dlid <= LAST_MULTICAST_LID;
        int destQp = p.bth().destQp();
        // IBA 7.11.1: a port accepts packets for any of its 2^LMC LIDs, and the permissive LID
        // for its SMI QP (directed-route SMPs).
        if (!multicast && !port.ownsLid(dlid) && !(dlid == PERMISSIVE_LID && destQp == SMI_QPN)) {
            transport.count(Transport.Drop.DLID_MISMATCH);
            return;
        }
        // IBA 9.6.1.4.1, 9.6.1.5.1 (drivers/infiniband/hw/qib/qib_ud.c qib_ud_rcv): the permissive
        // LID is QP0's alone, as SLID too; any other QP, a multicast group's included, drops it.
        if (p.lrh().slid() == PERMISSIVE_LID && destQp != SMI_QPN) {
            transport.count(Transport.Drop.SLID_PERMISSIVE);
            return;
        }
        // IBA 7.6.5, 13.5.1: VL15 carries subnet management packets to QP0, and QP0 takes no
        // other; a multicast group's packet is no SMP either.
        if ((p.lrh().vl() == VL15) != (destQp == SMI_QPN)) {
            transport.count(Transport.Drop.VL15_MISMATCH);
            return;
        }
        // qib_ud_rcv, hfi1_ud_rcv: the permissive LID, either way, is for directed-route SMPs only.
        if (destQp == SMI_QPN && (dlid == PERMISSIVE_LID || p.lrh().slid() == PERMISSIVE_LID)
                && !directedRoute(p)) {
            transport.count(Transport.Drop.PERMISSIVE_NOT_DIRECTED_ROUTE);
            return;
        }
        if (multicast) {
            receiveMulticast(fw, portNum, p, loopbackFrom);
            return;
        }
        // IBA 9.6.1 (header validation): a GRH must name the port's own GID; multicast is not modelled.
        if (p.hasGrh() && !port.ownsGid(p.grh().dgidPrefix(), p.grh().dgidInterfaceId())) {
            transport.count(Transport.Drop.DGID_MISMATCH);
            return;
        }
        // QP0 and QP1 name the port's SMI and GSI QPs, wherever CONF_SPECIAL_QP put them; the
        // device's own QPNs for them name nothing on the wire (IBA 13.5.1, 14.2.1).
        QpContext ctx = destQp != SMI_QPN && destQp != GSI_QPN ? fw.qp(destQp)
                : fw.qps() == null ? null : fw.qps().special(destQp, portNum);
        if (ctx != null && destQp != SMI_QPN && destQp != GSI_QPN && ctx.wellKnown() >= 0) {
            ctx = null;
        }
        if (ctx == null || ctx.sendQueue() == null) {
            transport.count(Transport.Drop.NO_SUCH_QP);
            return;
        }
        // rxe_recv.c check_type_state: the opcode's transport must be the QP's service.
        int service = switch (p.opcode().transport()) {
            case RC -> QpContext.RC;
            case UC -> QpContext.UC;
            case UD -> QpContext.UD;
            default -> -1;
        };
        boolean datagram = ctx.datagram() && service == QpContext.UD;
        if (!datagram && service != ctx.serviceType()) {
            transport.count(Transport.Drop.TRANSPORT_MISMATCH);
            return;
        }
        boolean request = p.opcode().isRequest();
        HwQpState s = ctx.state();
        boolean receives = s == HwQpState.RTR || s == HwQpState.RTS || s == HwQpState.SQD || s == HwQpState.SQE;
        boolean sends = s == HwQpState.RTS || s == HwQpState.SQD;
        if (request ? !receives : !sends) {
            transport.count(Transport.Drop.QP_STATE);
            return;
        }
        TransportQp t = transport.qp(ctx);
        boolean migReq = p.bth().migReq();
        TransportObserver obs = transport.observer();
        if (obs != null && !datagram) {
            obs.received(transport, t.qpn(), portNum, migReq);
        }
        boolean byAlternate = !datagram && migReq && ctx.pmState() == Layout.QpCtx.PM_ARMED;
        if (byAlternate) {
            // HCA.md §5.10: the peer has migrated; this packet must come by the alternate path,
            // checked in the primary's order: its GRH, then its P_Key (a mismatch counted as a
            // violation), then its LID and port (qib_ruc.c qib_ruc_check_hdr, hfi1 ruc.c
            // hfi1_ruc_check_hdr).
            if (!transport.byAlternateGrh(t, p)) {
                transport.count(Transport.Drop.PATH_MISMATCH);
                return;
            }
            if (!transport.alternatePkeyMatches(t, p)) {
                transport.count(Transport.Drop.PKEY_MISMATCH);
                port.pkeyViolation();
                return;
            }
            if (!transport.byAlternateLid(t, portNum, p)) {
                transport.count(Transport.Drop.PATH_MISMATCH);
                return;
            }
            transport.migrate(t, "packet");
        } else if (!datagram && !transport.byPrimaryGrh(t, p)) {
            // IBA 9.6.1.5: a connected QP takes packets from its peer's port only, by its own path:
            // its GRH first, then the P_Key, then its LIDs and port, in qib_ruc_check_hdr's order.
            transport.count(Transport.Drop.PATH_MISMATCH);
            return;
        }
        // rxe_recv.c check_keys: the BTH P_Key against the QP's entry of the port's table (IBA 9.6.1.1, 10.9.3);
        // QP0 checks none, QP1 takes any P_Key of the table and reports which entry it matched.
        int pkeyIndex = ctx.pkeyIndex();
        if (ctx.wellKnown() == GSI_QPN) {
            pkeyIndex = port.pkeyIndexOf(p.bth().pKey());
        } else if (ctx.wellKnown() != SMI_QPN && !transport.policy().pkeyMatches(p.bth().pKey(), transport.pkey(t))) {
            pkeyIndex = -1;
        }
        if (pkeyIndex < 0) {
            transport.count(Transport.Drop.PKEY_MISMATCH);
            transport.port(t).pkeyViolation();
            return;
        }
        if (!datagram && !byAlternate && !transport.byPrimaryLid(t, portNum, p)) {
            transport.count(Transport.Drop.PATH_MISMATCH);
            return;
        }
        t.rxPkeyIndex = pkeyIndex;
        if (!datagram && !migReq && ctx.pmState() == Layout.QpCtx.PM_REARM) {
            // §5.10: the peer has re-armed as well.
            ctx.arm();
            transport.pathMigration(ctx, "packet");
        }
        if (request) {
            transport.responder().receive(t, p);
        } else {
            transport.completer().receive(t, p);
        }
    }

    /**
     * HCA.md §3.11: the group's entry, found by the GRH's DGID, names the QPs that get a copy;
     * each is a UD QP on this port that can receive and whose P_Key matches, and takes it as a
     * UD receive. The responder is done with the packet when it returns, so one view serves all.
     */
    private void receiveMulticast(Firmware fw, int portNum, Packet p, int loopbackFrom) {
        boolean udSend = p.opcode().transport() == org.ibmodel.sim.wire.Transport.UD && p.opcode().isRequest();
        if (!p.hasGrh() || p.bth().destQp() != MULTICAST_QPN || !udSend) {
            transport.count(Transport.Drop.MULTICAST_INVALID);
            return;
        }
        byte[] group = fw.multicastGroup(p.grh().dgidPrefix(), p.grh().dgidInterfaceId());
        if (group == null) {
            transport.count(Transport.Drop.MULTICAST_NO_GROUP);
            return;
        }
        for (int i = 0; i < Layout.Mgm.QPS; i++) {
            if (!Layout.Mgm.QP_VALID.isSet(group, 4 * i)) {
                continue;
            }
            int qpn = Layout.Mgm.QP.getInt(group, 4 * i);
            if (qpn == loopbackFrom && Layout.Mgm.QP_BLOCK_LOOPBACK.isSet(group, 4 * i)) {
                continue;
            }
            QpContext ctx = fw.qp(qpn);
            if (ctx == null || ctx.sendQueue() == null || ctx.serviceType() != QpContext.UD || ctx.port() != portNum) {
                transport.count(Transport.Drop.NO_SUCH_QP);
                continue;
            }
            HwQpState s = ctx.state();
            if (s != HwQpState.RTR && s != HwQpState.RTS && s != HwQpState.SQD && s != HwQpState.SQE) {
                transport.count(Transport.Drop.QP_STATE);
                continue;
            }
            TransportQp t = transport.qp(ctx);
            if (!transport.policy().pkeyMatches(p.bth().pKey(), transport.pkey(t))) {
                transport.count(Transport.Drop.PKEY_MISMATCH);
                transport.port(t).pkeyViolation();
                continue;
            }
            t.rxPkeyIndex = ctx.pkeyIndex();
            transport.responder().receive(t, p);
        }
    }
}
