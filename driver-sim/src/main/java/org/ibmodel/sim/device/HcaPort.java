// docs/HCA.md §3.7 (INIT_PORT, CLOSE_PORT, QUERY_PORT, SET_PORT); logical states of IBA 14.2.5.6
package org.ibmodel.sim.device;

import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.wire.Vcrc;

/**
 * One port of the HCA. Its logical state follows from INIT_PORT, the cable and the LID: DOWN until
 * INIT_PORT has opened the port and while its cable has no partner, INIT while no LID is set,
 * ACTIVE once one is (a static subnet: SET_PORT or the world's subnet manager sets it). Entering
 * or leaving ACTIVE posts a PORT_CHANGE EQE; a change of the port's addresses, P_Key table or GID,
 * whatever its state, posts PORT_MNG_CHG first.
 */
public final class HcaPort {
    /** ib_port_state values (include/rdma/ib_verbs.h). */
    public static final int DOWN = 1;
    public static final int INIT = 2;
    /** No path of this model leads to ARMED yet (no SubnSet(PortInfo)); its row of the table is kept. */
    public static final int ARMED = 3;
    public static final int ACTIVE = 4;
    /**
     * PortPhysicalState (IBA 14.2.5.6; include/rdma/ib_verbs.h enum ib_port_phys_state): 5 LinkUp,
     * 3 Disabled (the port closed), 2 Polling (open, looking for a partner on its cable).
     */
    public static final int PHYS_LINK_UP = 5;
    public static final int PHYS_DISABLED = 3;
    public static final int PHYS_POLLING = 2;
    /**
     * PortInfo encodings (IBA 14.2.5.6) of what the port runs at: widths 1x, 4x, 8x and 12x
     * (LinkWidthSupported bits 0-3; 2x needs CapabilityMask2, which this port does not have);
     * speeds SDR, DDR and QDR (LinkSpeedSupported), FDR and EDR (LinkSpeedExtSupported), and FDR10,
     * which PortInfo shows as QDR and Mellanox's ExtendedPortInfo names (its LinkSpeedSupported
     * bit 0). Enabled is supported; active is the link's.
     */
    public static final int WIDTHS_SUPPORTED = 1 | 2 | 4 | 8;
    public static final int SPEEDS_SUPPORTED = 1 | 2 | 4;
    static final int SPEED_QDR = 4;
    public static final int EXT_SPEEDS_SUPPORTED = 1 | 2;
    static final int EXT_SPEED_FDR = 1;
    static final int EXT_SPEED_EDR = 2;
    static final int MLNX_SPEEDS_SUPPORTED = 1;
    static final int MLNX_SPEED_FDR10 = 1;
    /** What {@link #supports} takes, in words. */
    static final String SUPPORTED = "an HCA port runs at 1X, 4X, 8X or 12X and SDR, DDR, QDR, FDR10, FDR or EDR";
    /** PortInfo:LinkDownDefaultState Polling. */
    public static final int LINK_DOWN_POLLING = 2;
    /** PortInfo's violation counters are 16 bits wide and stop at their maximum. */
    static final int COUNTER_MAX = 0xffff;
    // What a logical state lets through the port, by direction and kind: subnet management
    // packets (VL15) and the rest.
    private static final int SMP_IN = 1;
    private static final int SMP_OUT = 2;
    private static final int DATA_IN = 4;
    private static final int DATA_OUT = 8;
    /**
     * IBA 7.2 (link states) and 14.2.5.6 (PortState), by ib_port_state: what a port in each
     * state receives and sends. A port that is DOWN has no link: nothing passes. In INIT the link
     * carries subnet management packets only; ARMED receives everything and still sends only
     * those; ACTIVE passes everything.
     */
    private static final int[] PASSES = new int[ACTIVE + 1];

    static {
        PASSES[DOWN] = 0;
        PASSES[INIT] = SMP_IN | SMP_OUT;
        PASSES[ARMED] = SMP_IN | SMP_OUT | DATA_IN;
        PASSES[ACTIVE] = SMP_IN | SMP_OUT | DATA_IN | DATA_OUT;
    }

    private final int num;
    private final Firmware firmware;
    private final int[] pkeys;
    /**
     * NeighborMTU (an IB MTU code): the MTU the port sends with, the smaller of its MTUCap and its
     * link partner's; its MTUCap until the fabric says.
     */
    private int activeMtu;
    /** MTUCap: QUERY_DEV_CAP's max_mtu. */
    private final int maxMtu;
    /** INIT_PORT has opened the port and no CLOSE_PORT closed it since. */
    private boolean opened;
    /**
     * The cable has a partner: the fabric's link state, which the fabric tells the port when it
     * changes and the device when it makes the port anew (a reset); up until the fabric says
     * otherwise, so a device with no fabric behind it has its ports' links up.
     */
    private boolean cableUp = true;
    /** The width and speed of the link on the cable (4x EDR until the fabric says). */
    private LinkWidth width = LinkWidth.WIDTH_4X;
    private LinkSpeed speed = LinkSpeed.EDR;
    /** The link's data rate in Mb/s, which a static rate is measured against (§5.9). */
    private long rateMbps = rateMbps(width, speed);
    private long signalMbps = signalMbps(width, speed);
    private int lid;
    private int lmc;
    private int smLid;
    private int smSl;
    /** PortInfo:SubnetTimeOut, as the last SET_PORT gave it (§3.7). */
    private int subnetTimeout;
    private long gidPrefix = DEFAULT_GID_PREFIX;
    private final int gidTableLen;
    private long portGuid;
    private int state = DOWN;
    /** {@code PASSES[state]}, kept with the state: the data path reads it for every packet. */
    private int passes = PASSES[DOWN];
    private int pkeyViolations;
    private int qkeyViolations;
    // §3.12 PortCounters: octets from the LRH to the ICRC (reported divided by 4) and packets each
    // way, and the errors.
    private long xmitBytes;
    private long rcvBytes;
    private long xmitPackets;
    private long rcvPackets;
    private long rcvErrors;
    private long xmitDiscards;
    private long linkDowned;
    /** SMPs dropped at QP0 for want of a receive WQE (qib_ud_rcv's n_vl15_dropped). */
    private long vl15Dropped;
    // PortCountersExtended's unicast and multicast packet counters, each cleared on its own (IBA
    // 16.1.4.11; qib_mad.c pma_set_portcounters_ext keeps a baseline for each).
    private long unicastXmitPackets;
    private long multicastXmitPackets;
    private long unicastRcvPackets;
    // CounterSelect bits of PortCounters and PortCountersExtended (include/rdma/ib_pma.h
    // IB_PMA_SEL_* and IB_PMA_SELX_*), for the counters the ports keep.
    static final int SEL_LINK_DOWNED = 0x0004;
    static final int SEL_RCV_ERRORS = 0x0008;
    static final int SEL_XMIT_DISCARDS = 0x0040;
    static final int SEL_VL15_DROPPED = 0x0800;
    static final int SEL_XMIT_DATA = 0x1000;
    static final int SEL_RCV_DATA = 0x2000;
    static final int SEL_XMIT_PACKETS = 0x4000;
    static final int SEL_RCV_PACKETS = 0x8000;
    static final int SELX_XMIT_DATA = 0x01;
    static final int SELX_RCV_DATA = 0x02;
    static final int SELX_XMIT_PACKETS = 0x04;
    static final int SELX_RCV_PACKETS = 0x08;
    static final int SELX_UNICAST_XMIT = 0x10;
    static final int SELX_UNICAST_RCV = 0x20;
    static final int SELX_MULTICAST_XMIT = 0x40;
    static final int SELX_MULTICAST_RCV = 0x80;
    private long multicastRcvPackets;

    HcaPort(int num, Firmware firmware, DevCaps caps) {
        this.num = num;
        this.firmware = firmware;
        this.pkeys = new int[caps.pkeyTableLen()];
        this.pkeys[0] = 0xffff;
        this.maxMtu = caps.maxMtu();
        this.activeMtu = maxMtu;
        this.portGuid = caps.nodeGuid() + num;
        this.gidTableLen = caps.gidTableLen();
    }

    public int num() {
        return num;
    }

    public int state() {
        return state;
    }

    public int lid() {
        return lid;
    }

    public int smLid() {
        return smLid;
    }

    /** Packets sent, all kinds (PortCountersExtended's PortXmitPkts). */
    public long xmitPackets() {
        return xmitPackets;
    }

    /** Packets received, all kinds (PortCountersExtended's PortRcvPkts). */
    public long rcvPackets() {
        return rcvPackets;
    }

    /** INIT_PORT has opened the port (CLOSE_PORT closes it); its cable may still be down. */
    public boolean opened() {
        return opened;
    }

    /**
     * A closed port is Disabled; an open one polls for a partner until its cable has one, as its
     * LinkDownDefaultState (Polling) says (IBA 14.2.5.6 PortPhysicalState, LinkDownDefaultState).
     */
    int physState() {
        return !opened ? PHYS_DISABLED : cableUp ? PHYS_LINK_UP : PHYS_POLLING;
    }

    /** The link is up: the port is open and its cable has a partner. */
    private boolean trained() {
        return opened && cableUp;
    }

    int activeMtu() {
        return activeMtu;
    }

    /** The bytes of payload {@link #activeMtu()} lets a packet on the cable carry. */
    int activeMtuBytes() {
        return FabricPort.mtuBytes(activeMtu);
    }

    /** LinkWidthActive: the width of the link on the cable. */
    LinkWidth width() {
        return width;
    }

    /** The lane speed of the link on the cable. */
    LinkSpeed speed() {
        return speed;
    }

    /** §5.9: the port's rate, its link's data rate (lanes x lane data rate) in Mb/s; 4x EDR is 100,000. */
    long rateMbps() {
        return rateMbps;
    }

    /**
     * §5.9: the port's signalling rate in Mb/s (lanes x lane signalling rate), in the units of
     * ib_rate_to_mbps: 4x EDR is 103,125, 4x QDR 40,000.
     */
    long signalMbps() {
        return signalMbps;
    }

    private static long signalMbps(LinkWidth w, LinkSpeed s) {
        return Math.round(w.lanes() * s.signalGbps() * 1000);
    }

    private static long rateMbps(LinkWidth w, LinkSpeed s) {
        return Math.round(w.lanes() * s.dataGbpsPerLane() * 1000);
    }

    /** Whether the port can run at a link of {@code w} and {@code s} ({@link #SUPPORTED}). */
    static boolean supports(LinkWidth w, LinkSpeed s) {
        return (WIDTHS_SUPPORTED & w.ibWidth()) != 0 && linkSpeedActive(s) != 0;
    }

    /**
     * PortInfo:LinkSpeedActive of a lane speed (IBA 14.2.5.6): 1 SDR, 2 DDR, 4 QDR. FDR and EDR
     * show QDR here and themselves in LinkSpeedExtActive, which mlx4's ib_link_query_port
     * (drivers/infiniband/hw/mlx4/main.c) prefers when CapabilityMask has IsExtendedSpeedsSupported;
     * FDR10 is QDR to PortInfo, which only Mellanox's ExtendedPortInfo tells apart. 0: not supported.
     */
    public static int linkSpeedActive(LinkSpeed s) {
        return switch (s) {
            case SDR -> 1;
            case DDR -> 2;
            case QDR, FDR10, FDR, EDR -> SPEED_QDR;
            default -> 0;
        };
    }

    /**
     * ExtendedPortInfo:LinkSpeedActive (Mellanox's vendor attribute 0xff90, docs/HCA.md §3.15): 1
     * FDR10, 0 for any other speed; mlx4's ib_link_query_port asks for it when PortInfo says QDR.
     */
    static int mlnxLinkSpeedActive(LinkSpeed s) {
        return s == LinkSpeed.FDR10 ? MLNX_SPEED_FDR10 : 0;
    }

    /** PortInfo:LinkSpeedExtActive (IBA 14.2.5.6): 1 FDR, 2 EDR, 0 for a speed that is not extended. */
    public static int linkSpeedExtActive(LinkSpeed s) {
        return switch (s) {
            case FDR -> EXT_SPEED_FDR;
            case EDR -> EXT_SPEED_EDR;
            default -> 0;
        };
    }

    int smSl() {
        return smSl;
    }

    int subnetTimeout() {
        return subnetTimeout;
    }

    /** PortInfo:P_KeyViolations: packets dropped at this port for their BTH P_Key. */
    int pkeyViolations() {
        return pkeyViolations;
    }

    /** PortInfo:Q_KeyViolations: datagrams dropped at this port for their DETH Q_Key. */
    int qkeyViolations() {
        return qkeyViolations;
    }

    void pkeyViolation() {
        pkeyViolations = Math.min(COUNTER_MAX, pkeyViolations + 1);
    }

    void qkeyViolation() {
        qkeyViolations = Math.min(COUNTER_MAX, qkeyViolations + 1);
    }

    /**
     * Whether the port's state lets a packet in (IBA 7.2): {@code smp} when it came on VL15. A
     * packet refused here never reached the port's link layer and counts nowhere in its counters.
     */
    boolean receives(boolean smp) {
        return (passes & (smp ? SMP_IN : DATA_IN)) != 0;
    }

    /**
     * A packet of {@code bytes} ({@code smp}: on VL15) leaves by this port if its state lets it
     * send one (IBA 7.2); otherwise it is discarded and counted in PortXmitDiscards, the outbound
     * packets a port discards because it is down (IBA 16.1.3.5). Returns whether it leaves.
     */
    boolean transmit(int bytes, boolean multicast, boolean smp) {
        if (!maySend(smp)) {
            return false;
        }
        xmitBytes += dataOctets(bytes);
        xmitPackets++;
        if (multicast) {
            multicastXmitPackets++;
        } else {
            unicastXmitPackets++;
        }
        return true;
    }

    /**
     * A packet {@link #transmit} counted never left: the link went down while it waited for the
     * wire. It is a discard (PortXmitDiscards), not a packet sent; a counter a Set cleared since
     * stays at 0.
     */
    void unsent(int bytes, boolean multicast) {
        xmitBytes = Math.max(0, xmitBytes - dataOctets(bytes));
        xmitPackets = Math.max(0, xmitPackets - 1);
        if (multicast) {
            multicastXmitPackets = Math.max(0, multicastXmitPackets - 1);
        } else {
            unicastXmitPackets = Math.max(0, unicastXmitPackets - 1);
        }
        xmitDiscards++;
    }

    /**
     * A packet whose payload is longer than the port's NeighborMTU is discarded, not sent
     * (IBA 16.1.4.3 PortNeighborMTUDiscards, a reason for PortXmitDiscards).
     */
    void tooLong() {
        xmitDiscards++;
    }

    /**
     * Whether the port's state lets it send a packet of the kind (IBA 7.2); one it may not send
     * counts in PortXmitDiscards.
     */
    boolean maySend(boolean smp) {
        if ((passes & (smp ? SMP_OUT : DATA_OUT)) == 0) {
            xmitDiscards++;
            return false;
        }
        return true;
    }

    /** A packet of {@code bytes} arrived from the link, whatever becomes of it. */
    void received(int bytes, boolean multicast) {
        rcvBytes += dataOctets(bytes);
        rcvPackets++;
        if (multicast) {
            multicastRcvPackets++;
        } else {
            unicastRcvPackets++;
        }
    }

    /**
     * IBA 16.1.3.5 PortXmitData and PortRcvData: the octets between the start-of-packet delimiter
     * and the VCRC, neither included, so LRH through ICRC, the words LRH:PktLen counts.
     */
    private static int dataOctets(int packetBytes) {
        return Math.max(0, packetBytes - Vcrc.LENGTH);
    }

    /** The packet just received is dropped for a CRC or as malformed at the link layer (IBA 16.1.3.5). */
    void receiveError() {
        rcvErrors++;
    }

    /** An SMP reached QP0 with no receive WQE posted and was dropped (IBA 16.1.3.5 VL15Dropped). */
    void vl15Dropped() {
        vl15Dropped++;
    }

    /**
     * §3.12: the counters as PortCounters carries them, each stopped at the largest value its
     * field holds, into the attribute at {@code d} of {@code mad}.
     */
    void portCounters(byte[] mad, int d) {
        Layout.PortCounters.LINK_DOWNED_COUNTER.set(mad, d, Math.min(linkDowned, 0xff));
        Layout.PortCounters.PORT_RCV_ERRORS.set(mad, d, Math.min(rcvErrors, 0xffff));
        Layout.PortCounters.PORT_XMIT_DISCARDS.set(mad, d, Math.min(xmitDiscards, 0xffff));
        Layout.PortCounters.VL15_DROPPED.set(mad, d, Math.min(vl15Dropped, 0xffff));
        Layout.PortCounters.PORT_XMIT_DATA.set(mad, d, Math.min(xmitBytes / 4, 0xffff_ffffL));
        Layout.PortCounters.PORT_RCV_DATA.set(mad, d, Math.min(rcvBytes / 4, 0xffff_ffffL));
        Layout.PortCounters.PORT_XMIT_PACKETS.set(mad, d, Math.min(xmitPackets, 0xffff_ffffL));
        Layout.PortCounters.PORT_RCV_PACKETS.set(mad, d, Math.min(rcvPackets, 0xffff_ffffL));
    }

    /** §3.13: the 64-bit counters, unicast and multicast apart, into the attribute at {@code d}. */
    void portCountersExt(byte[] mad, int d) {
        Layout.PortCountersExt.PORT_XMIT_DATA.set(mad, d, xmitBytes / 4);
        Layout.PortCountersExt.PORT_RCV_DATA.set(mad, d, rcvBytes / 4);
        Layout.PortCountersExt.PORT_XMIT_PACKETS.set(mad, d, xmitPackets);
        Layout.PortCountersExt.PORT_RCV_PACKETS.set(mad, d, rcvPackets);
        Layout.PortCountersExt.PORT_UNICAST_XMIT_PACKETS.set(mad, d, unicastXmitPackets);
        Layout.PortCountersExt.PORT_UNICAST_RCV_PACKETS.set(mad, d, unicastRcvPackets);
        Layout.PortCountersExt.PORT_MULTICAST_XMIT_PACKETS.set(mad, d, multicastXmitPackets);
        Layout.PortCountersExt.PORT_MULTICAST_RCV_PACKETS.set(mad, d, multicastRcvPackets);
    }

    /**
     * §3.13 Set: clears what {@code select} names (IB_PMA_SELX_* bits), each counter on its own:
     * clearing the packet counts leaves the unicast and multicast ones, and the other way round.
     */
    void clearCountersExt(int select) {
        xmitBytes = cleared(select, SELX_XMIT_DATA, xmitBytes);
        rcvBytes = cleared(select, SELX_RCV_DATA, rcvBytes);
        xmitPackets = cleared(select, SELX_XMIT_PACKETS, xmitPackets);
        rcvPackets = cleared(select, SELX_RCV_PACKETS, rcvPackets);
        unicastXmitPackets = cleared(select, SELX_UNICAST_XMIT, unicastXmitPackets);
        unicastRcvPackets = cleared(select, SELX_UNICAST_RCV, unicastRcvPackets);
        multicastXmitPackets = cleared(select, SELX_MULTICAST_XMIT, multicastXmitPackets);
        multicastRcvPackets = cleared(select, SELX_MULTICAST_RCV, multicastRcvPackets);
    }

    /** §3.12 Set: clears the counters {@code select} names (IB_PMA_SEL_* bits). */
    void clearCounters(int select) {
        linkDowned = cleared(select, SEL_LINK_DOWNED, linkDowned);
        rcvErrors = cleared(select, SEL_RCV_ERRORS, rcvErrors);
        xmitDiscards = cleared(select, SEL_XMIT_DISCARDS, xmitDiscards);
        vl15Dropped = cleared(select, SEL_VL15_DROPPED, vl15Dropped);
        xmitBytes = cleared(select, SEL_XMIT_DATA, xmitBytes);
        rcvBytes = cleared(select, SEL_RCV_DATA, rcvBytes);
        xmitPackets = cleared(select, SEL_XMIT_PACKETS, xmitPackets);
        rcvPackets = cleared(select, SEL_RCV_PACKETS, rcvPackets);
    }

    /** {@code value}, or 0 when {@code select} has {@code bit} set. */
    private static long cleared(int select, int bit, long value) {
        return (select & bit) != 0 ? 0 : value;
    }

    /**
     * Subnet prefix of entry {@code index} of the port's GID table, the port's for every entry
     * (a GID is the prefix and the GUIDInfo entry): entry 0 is the port's GID (SET_PORT's prefix
     * and port GUID); the others have no GUID assigned, so they are the prefix alone.
     */
    long gidPrefix(int index) {
        return gidPrefix;
    }

    /** Interface ID of entry {@code index} of the GID table, as {@link #gidPrefix(int)}. */
    long gidInterfaceId(int index) {
        return index == 0 ? portGuid : 0;
    }

    /** LID mask control: the port answers to 2^lmc LIDs (IBA 7.11.1). */
    int lmc() {
        return lmc;
    }

    /**
     * The path bits of a DLID: its low LMC bits; none for a multicast or the permissive LID, which
     * name no path of the port's (qib_ud.c qib_ud_rcv, hfi1/ud.c hfi1_ud_rcv).
     */
    int pathBits(int lid) {
        return lid >= ReceiveDemux.FIRST_MULTICAST_LID ? 0 : lid & ((1 << lmc) - 1);
    }

    /** Whether a DLID is one of the port's 2^LMC LIDs; none while the port has LID 0. */
    boolean ownsLid(int dlid) {
        return lid != 0 && (dlid >>> lmc) == (lid >>> lmc);
    }

    /** The SLID a packet sent with {@code srcPathBits} carries: the base LID and the path bits. */
    int slid(int srcPathBits) {
        int mask = (1 << lmc) - 1;
        return (lid & ~mask) | (srcPathBits & mask);
    }

    /** IB_DEFAULT_GID_PREFIX: the link-local prefix, fe80::/64. */
    static final long DEFAULT_GID_PREFIX = 0xfe80_0000_0000_0000L;

    /**
     * Whether a unicast GID is the port's own: an entry of its GID table (rxe_recv.c
     * rxe_chk_dgid looks the DGID up in the whole table), or its GUID under the link-local
     * prefix whatever the subnet prefix is now (qib_ruc.c, hfi1 ruc.c gid_ok).
     */
    boolean ownsGid(long prefix, long interfaceId) {
        if (interfaceId == portGuid) {
            return prefix == gidPrefix || prefix == DEFAULT_GID_PREFIX;
        }
        return interfaceId == 0 && prefix == gidPrefix && gidTableLen > 1;
    }

    int pkey(int index) {
        return pkeys[index];
    }

    /** The entry {@code index} of the table, or 0, the invalid P_Key, for one it does not have. */
    int pkeyOrInvalid(int index) {
        return index >= 0 && index < pkeys.length ? pkeys[index] : 0;
    }

    /** The first entry of the table {@code pkey} matches (IBA 10.9.3), -1 if none does. */
    int pkeyIndexOf(int pkey) {
        for (int i = 0; i < pkeys.length; i++) {
            if (Transport.pkeyMatches(pkey, pkeys[i])) {
                return i;
            }
        }
        return -1;
    }

    int pkeyTableLength() {
        return pkeys.length;
    }

    /**
     * The P_Key block {@code block} from the 32 big-endian entries at {@code data[off]} (an SM's
     * SubnSet), entries past the table ignored; a PORT_MNG_CHG follows if any entry changed.
     */
    void setPkeyBlock(int block, byte[] data, int off) {
        boolean changed = false;
        for (int i = 0; i < Sma.PKEYS_PER_BLOCK && block * Sma.PKEYS_PER_BLOCK + i < pkeys.length; i++) {
            int pkey = (data[off + 2 * i] & 0xff) << 8 | data[off + 2 * i + 1] & 0xff;
            int index = block * Sma.PKEYS_PER_BLOCK + i;
            changed |= pkeys[index] != pkey;
            pkeys[index] = pkey;
        }
        update(changed, false, 0);
    }

    Status init() {
        if (opened) {
            return Status.BAD_RES_STATE;
        }
        opened = true;
        update();
        return Status.OK;
    }

    Status close() {
        if (!opened) {
            return Status.BAD_RES_STATE;
        }
        opened = false;
        update();
        return Status.OK;
    }

    /** The world's subnet manager assigns addresses (SubnSet(PortInfo) without the MADs). */
    public void smSet(int newLid, int newLmc, int newSmLid, int newSmSl) {
        update(false, false, setAddresses(newLid, newLmc, newSmLid, newSmSl));
    }

    /**
     * The world's subnet manager sets PortInfo:ClientReregister (IBA 14.2.5.6) and nothing else,
     * asking the port's clients to register with the SA again, as OpenSM does for a port it has
     * found anew or after it took the subnet over.
     */
    public void smClientReregister() {
        update(false, false, Layout.Eqe.CLIENT_REREG);
    }

    /**
     * The cable is pulled or plugged back, or the partner's port closed or opened. Only a link
     * that was up and goes down counts in LinkDownedCounter; a port INIT_PORT has not opened stays
     * DOWN whatever its cable does.
     */
    public void link(boolean up) {
        if (trained() && !up) {
            linkDowned++;
        }
        cableUp = up;
        update();
    }

    /**
     * What the fabric says of the port's cable when it is attached or the device has made the port
     * anew (§2.2): whether its link is up, and its width, speed and MTU, which the port then
     * reports and runs at ({@link #supports} them: Transport checks). Not a change of the link, so
     * nothing is counted.
     */
    void cable(boolean up, LinkWidth w, LinkSpeed s, int neighborMtu) {
        // The link's MTU, never above the port's own MTUCap, whatever the fabric port was told.
        activeMtu = Math.min(neighborMtu, maxMtu);
        width = w;
        speed = s;
        rateMbps = rateMbps(w, s);
        signalMbps = signalMbps(w, s);
        cableUp = up;
        update();
    }

    void set(byte[] mb) {
        boolean pkeysChanged = false;
        if (Layout.PortInfo.SET_PKEY.isSet(mb, 0)) {
            for (int i = 0; i < pkeys.length; i++) {
                int pkey = pkeyAt(mb, i);
                pkeysChanged |= pkeys[i] != pkey;
                pkeys[i] = pkey;
            }
        }
        boolean guidChanged = false;
        int portInfoChanged = 0;
        if (Layout.PortInfo.SET_GID.isSet(mb, 0)) {
            long prefix = Layout.PortInfo.GID_PREFIX.get(mb, 0);
            long guid = Layout.PortInfo.PORT_GUID.get(mb, 0);
            // The prefix is PortInfo's (GidPrefix), the port GUID entry 0 of GUIDInfo.
            portInfoChanged |= prefix != gidPrefix ? Layout.Eqe.GID_PFX_CHANGE : 0;
            guidChanged = guid != portGuid;
            gidPrefix = prefix;
            portGuid = guid;
        }
        portInfoChanged |= setAddresses(Layout.PortInfo.LID.getInt(mb, 0), Layout.PortInfo.LMC.getInt(mb, 0),
                Layout.PortInfo.SM_LID.getInt(mb, 0), Layout.PortInfo.SM_SL.getInt(mb, 0));
        portInfoChanged |= Layout.PortInfo.CLIENT_REREGISTER.isSet(mb, 0) ? Layout.Eqe.CLIENT_REREG : 0;
        // No changed_attr bit names the subnet timeout: the driver learns it when it asks.
        subnetTimeout = Layout.PortInfo.SUBNET_TIMEOUT.getInt(mb, 0);
        update(pkeysChanged, guidChanged, portInfoChanged);
    }

    /**
     * Takes the LID, LMC, SM LID and SM SL; returns the changed_attr bits (§7) of what changed. A
     * new LMC changes the LIDs the port answers to, so it is a LID change.
     */
    private int setAddresses(int newLid, int newLmc, int newSmLid, int newSmSl) {
        int l = newLid & 0xffff;
        int m = newLmc & 7;
        int sl = newSmLid & 0xffff;
        int ss = newSmSl & 0xf;
        int changed = (l != lid || m != lmc ? Layout.Eqe.LID_CHANGE : 0)
                | (sl != smLid ? Layout.Eqe.MSTR_SM_LID_CHANGE : 0)
                | (ss != smSl ? Layout.Eqe.MSTR_SM_SL_CHANGE : 0);
        lid = l;
        lmc = m;
        smLid = sl;
        smSl = ss;
        return changed;
    }

    byte[] query() {
        byte[] b = new byte[Layout.PortInfo.PKEY.offset() + 2 * pkeys.length + 4];
        Layout.PortInfo.PORT_STATE.set(b, 0, state);
        Layout.PortInfo.PHYS_STATE.set(b, 0, physState());
        Layout.PortInfo.ACTIVE_MTU.set(b, 0, activeMtu);
        Layout.PortInfo.ACTIVE_WIDTH.set(b, 0, width.ibWidth());
        Layout.PortInfo.ACTIVE_SPEED.set(b, 0, speed.ibSpeed());
        Layout.PortInfo.LID.set(b, 0, lid);
        Layout.PortInfo.SM_LID.set(b, 0, smLid);
        Layout.PortInfo.LMC.set(b, 0, lmc);
        Layout.PortInfo.SM_SL.set(b, 0, smSl);
        Layout.PortInfo.SUBNET_TIMEOUT.set(b, 0, subnetTimeout);
        Layout.PortInfo.GID_PREFIX.set(b, 0, gidPrefix);
        Layout.PortInfo.PORT_GUID.set(b, 0, portGuid);
        for (int i = 0; i < pkeys.length; i++) {
            pkeyAt(b, i, pkeys[i]);
        }
        return b;
    }

    /** §3.7: two P_Keys per word, entry 0 in the high half. */
    static int pkeyAt(byte[] b, int i) {
        int word = Field.word(b, Layout.PortInfo.PKEY.offset() + 4 * (i / 2));
        return i % 2 == 0 ? word >>> 16 : word & 0xffff;
    }

    static void pkeyAt(byte[] b, int i, int pkey) {
        int at = Layout.PortInfo.PKEY.offset() + 4 * (i / 2);
        int word = Field.word(b, at);
        word = i % 2 == 0 ? (word & 0xffff) | (pkey << 16) : (word & 0xffff0000) | (pkey & 0xffff);
        Field.putWord(b, at, word);
    }

    /** The logical state after a change of the link or of INIT_PORT and CLOSE_PORT. */
    private void update() {
        update(false, false, 0);
    }

    /**
     * The logical state after a set (§3.7): PORT_MNG_CHG for what the set changed, the way mlx4
     * firmware tells its driver that the SM changed a port's attributes, whatever the port's
     * state (smp_snoop in drivers/infiniband/hw/mthca/mthca_mad.c, which such firmware replaces,
     * raises its events for every SubnSet it sees); then a PORT_CHANGE if the set moved the port
     * into or out of ACTIVE (§7).
     */
    private void update(boolean pkeysChanged, boolean guidChanged, int portInfoChanged) {
        int next = !trained() ? DOWN : lid == 0 ? INIT : ACTIVE;
        int old = state;
        state = next;
        passes = PASSES[next];
        if (pkeysChanged) {
            firmware.portMngChg(mngChg(Layout.Eqe.MNG_PKEY_TABLE));
        }
        if (guidChanged) {
            firmware.portMngChg(mngChg(Layout.Eqe.MNG_GUID_INFO));
        }
        if (portInfoChanged != 0) {
            byte[] eqe = mngChg(Layout.Eqe.MNG_PORT_INFO);
            Layout.Eqe.CHANGED_ATTR.set(eqe, 0, portInfoChanged);
            Layout.Eqe.PORT_LID.set(eqe, 0, lid);
            Layout.Eqe.MSTR_SM_LID.set(eqe, 0, smLid);
            Layout.Eqe.MSTR_SM_SL.set(eqe, 0, smSl);
            Layout.Eqe.GID_PREFIX.set(eqe, 0, gidPrefix);
            firmware.portMngChg(eqe);
        }
        if (old != ACTIVE && next == ACTIVE) {
            firmware.portEvent(EventType.PORT_CHANGE, num, Layout.Eqe.PORT_ACTIVE);
        } else if (old == ACTIVE && next != ACTIVE) {
            firmware.portEvent(EventType.PORT_CHANGE, num, Layout.Eqe.PORT_DOWN);
        }
    }

    /** A PORT_MNG_CHG EQE of {@code subtype} for this port (§7). */
    private byte[] mngChg(int subtype) {
        byte[] eqe = EqTable.eqe(EventType.PORT_MNG_CHG, subtype, 0);
        Layout.Eqe.PMC_PORT.set(eqe, 0, num);
        return eqe;
    }
}
