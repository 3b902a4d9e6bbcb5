// A simulated subnet: hosts with one HCA each behind one switch, set up statically as an SM
// would (IBA 14.4: LIDs, forwarding tables, ports to ACTIVE), with optional packet capture
package org.ibmodel.sim.world;

import org.ibmodel.sim.sched.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ibmodel.report.PcapWriter;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.fabric.Fabric;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.fabric.Switch;

/**
 * N hosts, each with one HCA of one or two ports running the {@link Transport}, every port cabled
 * to one switch. Port 1 of host i gets LID {@code FIRST_LID + i}, port 2 {@code FIRST_LID + n + i},
 * or with an LMC the 2^LMC LIDs from that shifted left by LMC; the switch's forwarding table is
 * computed and every
 * port is made ACTIVE by SET_PORT, the first host acting as subnet manager. Everything runs on
 * one {@link Scheduler} from one seed.
 */
public final class World implements AutoCloseable {
    public static final int FIRST_LID = 1;
    public static final int SWITCH_LID = 0x100;
    /** Cable length of every link, metres. */
    public static final double CABLE_METRES = 2.0;

    private final int lmc;
    private final int hostCount;
    private final int portsPerHca;
    private final Scheduler scheduler;
    private final Fabric fabric;
    private final Switch sw;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Transport> transports = new ArrayList<>();
    /** Per host, the cable of each port (index port - 1). */
    private final List<Link[]> links = new ArrayList<>();
    private PcapWriter pcap;
    private final List<Transport.Sent> captured = new ArrayList<>();
    private boolean logCapture;

    private World(long seed, int n, int lmc, int ports) {
        if (lmc < 0 || lmc > 7) {
            throw new IllegalArgumentException("LMC " + lmc + " is not 0..7");
        }
        if (ports < 1 || ports > 2) {
            throw new IllegalArgumentException(ports + " ports per HCA: 1 or 2");
        }
        if ((FIRST_LID + n * ports) << lmc > SWITCH_LID) {
            throw new IllegalArgumentException(n + " hosts with " + ports + " ports and LMC " + lmc
                    + " need LIDs up to " + (((FIRST_LID + n * ports) << lmc) - 1) + ", past the switch's " + SWITCH_LID);
        }
        this.lmc = lmc;
        this.hostCount = n;
        this.portsPerHca = ports;
        this.scheduler = new Scheduler(seed);
        this.fabric = new Fabric(scheduler);
        this.sw = fabric.addSwitch("sw0", n * ports + 1);
        fabric.assignLid(sw.port(0), SWITCH_LID);
        for (int i = 0; i < n; i++) {
            String name = "h" + i;
            Host host = new Host(name, scheduler);
            Transport transport = new Transport(scheduler, name);
            long guid = Hosts.GUID_BASE | ((long) lid(i) << 16);
            Hca hca = host.plugHca(DevCaps.standard(guid, ports), transport);
            transport.bind(hca);
            int ret = host.loadDriver(hca, "hca0");
            if (ret != 0) {
                throw new IllegalStateException(name + ": HCA driver probe failed with " + ret);
            }
            Link[] cables = new Link[ports];
            for (int p = 1; p <= ports; p++) {
                FabricPort port = fabric.addEndpointPort(name + "-hca0", p, transport.sink(p));
                transport.attach(p, port);
                // Port 1 of every host first, then port 2: switch port n + i + 1 for host i's port 2.
                cables[p - 1] = fabric.connect(port, sw.port((p - 1) * n + i + 1), LinkWidth.WIDTH_4X, LinkSpeed.EDR,
                        CABLE_METRES);
                fabric.assignLid(port, lid(i, p), lmc);
            }
            links.add(cables);
            hosts.add(host);
            transports.add(transport);
        }
        fabric.computeForwardingTables();
        for (int i = 0; i < n; i++) {
            for (int p = 1; p <= ports; p++) {
                int ret = hosts.get(i).driver(0).setPort(p, lid(i, p), lmc, lid(0), 0);
                if (ret != 0) {
                    throw new IllegalStateException("h" + i + ": SET_PORT on port " + p + " failed with " + ret);
                }
            }
        }
        settle();
    }

    /** {@code n} hosts through one switch, everything derived from {@code seed}. */
    public static World of(long seed, int n) {
        return new World(seed, n, 0, 1);
    }

    /** As {@link #of(long, int)}, every HCA port answering to 2^{@code lmc} LIDs (IBA 7.11.1). */
    public static World of(long seed, int n, int lmc) {
        return new World(seed, n, lmc, 1);
    }

    /** As {@link #of(long, int, int)} with {@code ports} (1 or 2) ports per HCA, each cabled to the switch. */
    public static World of(long seed, int n, int lmc, int ports) {
        return new World(seed, n, lmc, ports);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public Fabric fabric() {
        return fabric;
    }

    public Host host(int i) {
        return hosts.get(i);
    }

    public Transport transport(int i) {
        return transports.get(i);
    }

    /** The cable between port 1 of host {@code i} and the switch. */
    public Link link(int i) {
        return link(i, 1);
    }

    /** The cable between port {@code port} of host {@code i} and the switch. */
    public Link link(int i, int port) {
        return links.get(i)[port - 1];
    }

    /** Port 1 of host {@code i}: its LID, with an LMC the base of its range. */
    public int lid(int i) {
        return lid(i, 1);
    }

    /** The LID of port {@code port} of host {@code i}, with an LMC the base of its range. */
    public int lid(int i, int port) {
        if (port < 1 || port > portsPerHca) {
            throw new IllegalArgumentException("port " + port + ": the HCAs have ports 1.." + portsPerHca);
        }
        return (FIRST_LID + (port - 1) * hostCount + i) << lmc;
    }

    /**
     * Writes every packet that crosses a link to {@code file} as a pcap of ERF records (DESIGN
     * §4), stamped with virtual time, and keeps what each record holds in {@link #captured()}.
     */
    public void capture(Path file) {
        try {
            pcap = PcapWriter.create(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logCapture = true;
        fabric.addTap((timeNs, link, direction, packet) -> {
            try {
                pcap.write(timeNs, packet, 0, packet.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (logCapture && packet.length >= 20) {
                org.ibmodel.sim.wire.Lrh lrh = new org.ibmodel.sim.wire.Lrh().wrap(packet, 0);
                int bthAt = org.ibmodel.sim.wire.Lrh.HEADER_LENGTH
                        + (lrh.lnh() == org.ibmodel.sim.wire.Lrh.LNH_IBA_GLOBAL ? org.ibmodel.sim.wire.Grh.HEADER_LENGTH : 0);
                org.ibmodel.sim.wire.Bth bth = new org.ibmodel.sim.wire.Bth().wrap(packet, bthAt);
                captured.add(new Transport.Sent(timeNs, bth.opCode(), bth.psn(), bth.destQp(), lrh.slid(), lrh.dlid()));
            }
        });
    }

    /** The packets written to the capture, in order. */
    public List<Transport.Sent> captured() {
        return List.copyOf(captured);
    }

    /** Runs the world and every kernel's deferred work until nothing is left. */
    public void settle() {
        while (true) {
            boolean ran = false;
            for (Host h : hosts) {
                ran |= h.kernel().runPending();
            }
            long events = scheduler.runUntilIdle(1_000_000);
            if (!ran && events == 0) {
                return;
            }
        }
    }

    /** Runs until virtual time {@code timeNs}, kernels' deferred work included. */
    public void runUntil(long timeNs) {
        long next;
        while ((next = scheduler.nextEventTime()) >= 0 && next <= timeNs) {
            scheduler.runNext();
            for (Host h : hosts) {
                h.kernel().runPending();
            }
        }
    }

    @Override
    public void close() {
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pcap = null;
        }
    }
}
