package org.ibmodel.sim.world;

import org.ibmodel.sim.sched.Scheduler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Tracer;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sim.conform.HcaCommandsRecorder;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.traces.TraceSink;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsApi;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.uverbs.WriteMethod;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvAsyncEvent;
import org.ibmodel.verbs.IbvCompChannel;
import org.ibmodel.verbs.IbvContext;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvDevice;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvPortAttr;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpCap;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvQpType;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcOpcode;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;

/**
 * ibv_rc_pingpong between two processes on two hosts through one switch
 * (libibverbs/examples/rc_pingpong.c with {@code -e}): each host's uverbs serves its HCA as
 * /dev/infiniband/uverbs0, a process on each opens it through the verbs library, sets up its
 * context, PD, MR, completion channel, CQ and RC QP, the two swap LID, QPN and PSN out of band,
 * connect and ping-pong on completion events; then the client runs an RDMA WRITE, an RDMA READ
 * and a FETCH_AND_ADD on the server's buffer. Each operation is told from the verb through the
 * uverbs command the process writes, the packets on the wire and the completion interrupt to
 * the work completion polled. With {@code catas}, the client's HCA then has a catastrophic
 * error: the driver's poll finds it and resets the device, the process is told and loses the
 * device under its open files, the driver probes the device again, the subnet manager gives the
 * port its LID back, and a new pair of processes ping-pong on the new device. With a firmware
 * hang instead, the client's first command as it closes gets no answer: the driver gives up after
 * the command timeout and takes the same reset and restart.
 */
public final class PingPongTour {
    /** What happens to the client's HCA after the atomic, if anything. */
    public enum Fault { NONE, CATAS, HANG }

    /** rc_pingpong's wr_ids. */
    private static final long RECV_WRID = 1;
    private static final long SEND_WRID = 2;
    private static final long WRITE_WRID = 3;
    private static final long READ_WRID = 4;
    private static final long ATOMIC_WRID = 5;
    /** rc_pingpong -r: receives kept posted. */
    private static final int RX_DEPTH = 4;
    /** rc_pingpong -n: exchanges of a ping and a pong. */
    private static final int ITERS = 2;
    /** The receive slot at the start of the buffer, as rc_pingpong's size. */
    private static final int SIZE = 1024;
    private static final int BUF = 64 * 1024;
    private static final long SEND_AT = 4096;
    /**
     * Bytes each SEND carries: its text padded with NULs, as rc_pingpong sends a buffer of fixed
     * size. Sixteen is also what Wireshark's RPC-over-RDMA heuristic needs to read its header and
     * turn a SEND down; a shorter payload it reports as a malformed RPC-over-RDMA message.
     */
    private static final int MESSAGE = 16;
    private static final long COUNTER_AT = 16;
    private static final long FETCHED_AT = 24;
    private static final long TARGET_AT = 32 * 1024;
    private static final long READ_AT = 8192;
    private static final int MTU_BYTES = 1024;
    private static final int PORT = 1;

    private final Narrator n;
    private final long seed;
    private final Path pcap;
    /** The capture's name in the summary: the file it becomes, when written under another first. */
    private Path pcapShown;
    private final TraceSink traceSink;
    private final Fault fault;
    private boolean mads;
    /** The packets still to lose, by opcode, each the first of its kind after the one before. */
    private final java.util.ArrayDeque<Opcode> lose = new java.util.ArrayDeque<>();
    /** The packets lost, as their senders handed them over (the fault judges them then). */
    private final java.util.Set<Transport.Sent> lost = new java.util.HashSet<>();
    /** Every packet told, by its headers: one sent again (a retransmission) says so. */
    private final java.util.Set<List<Integer>> sentBefore = new java.util.HashSet<>();
    /**
     * When each READ response was first sent, by requester's LID and PSN: a READ request sent
     * later at one of them asks for the rest of its READ.
     */
    private final Map<List<Integer>, Long> readResponses = new HashMap<>();
    /** A report's tap on the fabric, or null. */
    private org.ibmodel.sim.fabric.PacketTap tap;
    private boolean recordCommands;
    private SpecTrace commandTrace;
    private World world;
    /** Each host's uverbs client, loaded by its first process. */
    private final Uverbs[] uverbsClients = new Uverbs[2];
    /** Every process the tour started, for the final count of what is left. */
    private final List<Proc> started = new ArrayList<>();
    /** What happened on the fabric and in interrupts since the processes last ran. */
    private final List<Moment> timeline = new ArrayList<>();
    /** The hosts whose completion path has been told in full. */
    private final Set<String> completionTold = new HashSet<>();
    /** How many MRs were registered: how WRITE_MTT differs from mlx4 is told at the first. */
    private int mttTold;
    private final int[] sentMark = new int[2];
    private final int[] commandMark = new int[2];
    private int completions;
    private List<Proc> procs;

    private record Moment(long timeNs, String what) {
    }

    /** One rc_pingpong process: pp_init_ctx's objects and the state of its main loop. */
    private final class Proc {
        final String name;
        final int index;
        final boolean client;
        final Host host;
        final UverbsDevice uverbs;
        final Task task;
        final Ibv ibv;
        final int psn;
        IbvContext ctx;
        IbvCompChannel channel;
        IbvPd pd;
        long buf;
        IbvMr mr;
        IbvCq cq;
        IbvQp qp;
        int lid;
        int routs;
        int rcnt;
        int scnt;
        /** rc_pingpong's num_cq_events: acknowledged all at once before pp_close_ctx. */
        int cqEvents;
        /** rc_pingpong's IBV_SEND_INLINE, when ibv_query_qp's max_inline_data holds a message. */
        boolean inline;
        boolean sendPending;
        boolean recvPending;
        final IbvWc[] wc = {new IbvWc(), new IbvWc()};

        Proc(int index, boolean client, int psn) {
            this.index = index;
            this.client = client;
            this.psn = psn;
            this.host = world.host(index);
            this.name = host.name();
            if (uverbsClients[index] == null) {
                uverbsClients[index] = new Uverbs();
                host.core().registerClient(uverbsClients[index]);
                host.settle();
            }
            this.uverbs = uverbsClients[index].device("uverbs0");
            started.add(this);
            this.task = new Task("rc_pingpong", new UserAddressSpace(host.memory(), UverbsHost.MAX_PAGES));
            task.strace(this::strace);
            this.ibv = new Ibv(task);
        }

        /** What strace(1) would print for the command the library wrote. */
        void strace(int fd, byte[] cmd, long ret) {
            // A call that cost firmware commands slept for their completions: tell what happened
            // meanwhile. (A post's packets wait for the next settle, after the doorbell is told.)
            if (world.host(index).hca(0).commandLog().size() > commandMark[index]) {
                tell();
            }
            ByteBuffer b = ByteBuffer.wrap(cmd).order(ByteOrder.LITTLE_ENDIAN);
            WriteMethod m = cmd.length >= 4 ? UverbsApi.entry(b.getInt(0)) : null;
            // strace(1) shows a failed call as -1 and the errno's name and text.
            String result = ret >= 0 ? Long.toString(ret) : "-1 " + Errno.ofNumber((int) -ret).name() + " ("
                    + Errno.ofNumber((int) -ret).message() + ")";
            n.say("      write(%d, IB_USER_VERBS_CMD_%s, %d) = %s", fd, m == null ? "?" : m.name(), cmd.length, result);
        }

        String who() {
            return name + " " + (client ? "client" : "server");
        }

        void verb(String fmt, Object... args) {
            n.say("%s: %s", who(), String.format(fmt, args));
        }

        void postRecv() {
            verb("ibv_post_recv(wr_id %d, %d bytes)", RECV_WRID, SIZE);
            check(qp.postRecv(new IbvRecvWr(RECV_WRID, new IbvSge(buf, SIZE, mr.lkey())), new IbvRecvWr[1]),
                    "ibv_post_recv");
            n.say("    kernel: receive WQE written to the RQ, RECV doorbell rung");
        }

        void postSend(String what, IbvSendWr wr) {
            verb("ibv_post_send(%s)", what);
            check(qp.postSend(wr, new IbvSendWr[1]), "ibv_post_send");
            n.say("    kernel: send WQE written to the SQ in host memory, SEND doorbell rung");
        }

        void sendText(String text) {
            byte[] b = Arrays.copyOf(text.getBytes(StandardCharsets.US_ASCII), MESSAGE);
            poke(buf + SEND_AT, b);
            sendPending = true;
            postSend("SEND \"" + text + "\"", new IbvSendWr(SEND_WRID, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED
                    | (inline ? IbvWrOpcode.SEND_INLINE : 0), new IbvSge(buf + SEND_AT, b.length, mr.lkey())));
        }

        void poke(long addr, byte[] data) {
            if (task.mm().copyToUser(addr, data, 0, data.length) != 0) {
                throw new IllegalStateException(who() + ": store to unmapped 0x" + Long.toHexString(addr));
            }
        }

        byte[] peek(long addr, int len) {
            byte[] b = new byte[len];
            if (task.mm().copyFromUser(b, 0, addr, len) != 0) {
                throw new IllegalStateException(who() + ": load from unmapped 0x" + Long.toHexString(addr));
            }
            return b;
        }

        long peekLong(long addr) {
            return ByteBuffer.wrap(peek(addr, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        /** Whether read() of the completion channel would return at once: an event queued, or the channel closed. */
        boolean woken() {
            return task.poll(channel.fd(), OpenFile.POLLIN) != 0;
        }

        /**
         * One turn of rc_pingpong's loop with {@code -e}, once an event has woken the process asleep
         * in read() of its completion channel: take the event, count it, re-arm the CQ, then poll
         * once for up to two completions and handle them. A completion left over raises the next
         * event at once, as the CQ is armed again with it waiting.
         */
        void turn() {
            IbvCq ev = channel.getCqEvent();
            if (ev == null) {
                throw new IllegalStateException(who() + ": ibv_get_cq_event errno " + ibv.errno());
            }
            if (ev != cq) {
                throw new IllegalStateException(who() + ": event for " + ev + ", expected " + cq);
            }
            verb("ibv_get_cq_event: read() of the completion channel (fd %d), asleep until now, returns the CQ's "
                    + "event %d", channel.fd(), ++cqEvents);
            verb("ibv_req_notify_cq(cq, 0)");
            check(cq.reqNotify(false), "ibv_req_notify_cq");
            verb("ibv_poll_cq(cq, %d)", wc.length);
            int ne = cq.poll(wc.length, wc);
            if (ne < 0) {
                throw new IllegalStateException(who() + ": ibv_poll_cq errno " + ibv.errno());
            }
            for (int i = 0; i < ne; i++) {
                handle(wc[i]);
            }
            if (ne == 0) {
                // Arming a CQ that still holds a completion raises an event at once (docs/HCA.md
                // §8), and the loop arms before it polls: such an event finds the CQ drained.
                n.say("    -> 0: this event came of arming the CQ with a completion in it, which the last poll took");
            }
        }

        /** rc_pingpong's ibv_ack_cq_events(cq, num_cq_events) after its loop. */
        void ackEvents() {
            verb("ibv_ack_cq_events(cq, %d)", cqEvents);
            cq.ackEvents(cqEvents);
            cqEvents = 0;
        }

        void handle(IbvWc w) {
            completions++;
            // ibv_poll_cq(3): byte_len means something for a receive, an RDMA READ and an atomic
            // (libmlx4 and mlx4 set it for those alone).
            boolean sized = w.opcode == IbvWcOpcode.RECV || w.opcode == IbvWcOpcode.RECV_RDMA_WITH_IMM
                    || w.opcode == IbvWcOpcode.RDMA_READ
                    || w.opcode == IbvWcOpcode.COMP_SWAP || w.opcode == IbvWcOpcode.FETCH_ADD;
            n.say("    -> wr_id %d %s, opcode %s%s, qp_num 0x%06x", w.wrId, w.status.name(), wcOpcode(w.opcode),
                    sized ? ", byte_len " + w.byteLen : "", w.qpNum);
            if (w.status != IbvWcStatus.SUCCESS) {
                // rc_pingpong.c: a completion in error is reported, and main returns 1.
                n.always("%s: Failed status %s (%d) for wr_id %d", who(), w.status.str(), w.status.ordinal(), w.wrId);
                failure = String.format("%s: Failed status %s (%d) for wr_id %d, so rc_pingpong returned 1", who(),
                        w.status.str(), w.status.ordinal(), w.wrId);
                throw new Failed(this);
            }
            if (w.wrId == SEND_WRID) {
                scnt++;
                sendPending = false;
            } else if (w.wrId == RECV_WRID) {
                String got = new String(peek(buf, w.byteLen), StandardCharsets.US_ASCII).replace("\0", "");
                n.say("    %s received \"%s\"", name, got);
                rcnt++;
                if (--routs <= 1) {
                    while (routs < RX_DEPTH) {
                        postRecv();
                        routs++;
                    }
                }
                recvPending = false;
                if (!client && scnt < ITERS) {
                    sendText("pong " + scnt);
                }
            }
            if (client && w.wrId <= SEND_WRID && !sendPending && !recvPending && scnt < ITERS) {
                recvPending = true;
                sendText("ping " + scnt);
            }
        }

        boolean done() {
            return rcnt >= ITERS && scnt >= ITERS;
        }
    }

    public PingPongTour(Narrator narrator, long seed, Path pcap, TraceSink traceSink) {
        this(narrator, seed, pcap, traceSink, false);
    }

    /** With {@code catas}, a catastrophic error of the client's HCA and the recovery follow the atomic. */
    public PingPongTour(Narrator narrator, long seed, Path pcap, TraceSink traceSink, boolean catas) {
        this(narrator, seed, pcap, traceSink, catas ? Fault.CATAS : Fault.NONE);
    }

    /** With a {@code fault} of the client's HCA, and the recovery, after the atomic. */
    public PingPongTour(Narrator narrator, long seed, Path pcap, TraceSink traceSink, Fault fault) {
        this.n = narrator;
        this.seed = seed;
        this.pcap = pcap;
        this.pcapShown = pcap;
        this.traceSink = traceSink;
        this.fault = fault;
    }

    /**
     * Also, after the atomic, the MAD layer on both hosts and the client's kernel asking the
     * server's HCA by directed route and for its port counters ({@link MadTour}).
     */
    public PingPongTour withMads() {
        this.mads = true;
        return this;
    }

    /** Names the capture {@code name} in the summary: it is written elsewhere and moved there after the run. */
    public PingPongTour showCaptureAs(Path name) {
        this.pcapShown = name;
        return this;
    }

    /**
     * Loses on the wire the first packet of {@code opcode} (see {@link #rcOpcode}: "RDMA WRITE
     * Middle", "Acknowledge") after the packet the call before picked, to watch the transport
     * recover: a NAK and go-back-N, an ACK timeout and a duplicate, an atomic replayed from the
     * responder's cache; a WRITE Middle and then an Acknowledge lose the NAK too.
     */
    public PingPongTour lose(Opcode opcode) {
        this.lose.add(opcode);
        return this;
    }

    /** The RC opcode whose IBTA name is {@code name}, ignoring case; null if none. */
    public static Opcode rcOpcode(String name) {
        for (Opcode o : Opcode.values()) {
            if (o.transport() == org.ibmodel.sim.wire.Transport.RC && o.ibtaName().equalsIgnoreCase(name.trim())) {
                return o;
            }
        }
        return null;
    }

    /** The IBTA names of the RC opcodes, for a message. */
    public static List<String> rcOpcodeNames() {
        List<String> names = new ArrayList<>();
        for (Opcode o : Opcode.values()) {
            if (o.transport() == org.ibmodel.sim.wire.Transport.RC) {
                names.add(o.ibtaName());
            }
        }
        return names;
    }

    /** Also shows every packet crossing a link to {@code t} (a report drawing the wire). */
    public PingPongTour tap(org.ibmodel.sim.fabric.PacketTap t) {
        this.tap = t;
        return this;
    }

    /**
     * Also records the commands of the client's HCA driver from the end of its bring-up, as a
     * trace of specs/src/main/tla/HcaCommands.tla ({@link #commandTrace}).
     */
    public PingPongTour recordCommands() {
        this.recordCommands = true;
        return this;
    }

    /** The commands recorded ({@link #recordCommands}) once the tour has run; null before. */
    public SpecTrace commandTrace() {
        return commandTrace;
    }

    /** Runs the tour; returns the number of objects and uverbs files left, plus one if data came wrong. */
    public int run() {
        world = World.of(seed, 2);
        try {
            return tour();
        } finally {
            world.close();
        }
    }

    private int tour() {
        if (pcap != null) {
            world.capture(pcap);
        }
        if (tap != null) {
            world.fabric().addTap(tap);
        }
        if (!lose.isEmpty()) {
            world.fabric().faults().loseEach(p -> {
                Transport.Sent s = Transport.Sent.of(world.scheduler().now(), p);
                if (lose.isEmpty() || s.opcode() != lose.peek().value()) {
                    return false;
                }
                lose.remove();
                lost.add(s);
                return true;
            });
        }
        for (int i = 0; i < 2; i++) {
            world.transport(i).logSent(true);
            world.host(i).hca(0).logCommands(true);
            String host = world.host(i).name();
            world.host(i).kernel().console(line -> dmesg(host, line));
        }
        if (traceSink != null) {
            Host h0 = world.host(0);
            h0.core().tracer(new Tracer(h0.kernel(), traceSink, () -> world.scheduler().now()).task("ibmodel-demo", 1000));
        }
        world.scheduler().listener(this::interrupt);
        // The client's driver is up and in event mode: its commands from here on.
        HcaCommandsRecorder commands = recordCommands
                ? new HcaCommandsRecorder(world.host(0).driver(0), world.host(0).hca(0))
                : null;
        try {
            return steps();
        } finally {
            if (commands != null) {
                // In this order on every run: the file is the same for the same seed.
                java.util.Map<String, Object> header = new java.util.LinkedHashMap<>();
                header.put("seed", seed);
                header.put("host", world.host(0).name());
                header.put("fault", fault.name());
                commandTrace = commands.trace(header);
                commands.detach();
            }
        }
    }

    /** A process's completion in error ended its rc_pingpong. */
    /** Set when a completion fails or the data arrive wrong. */
    private String failure;

    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Proc proc;

        Failed(Proc proc) {
            super(proc.name, null, false, false);
            this.proc = proc;
        }
    }

    /** The tour's steps, from the boot on, in a world set up for them. */
    private int steps() {
        n.step("Boot (seed %d): two hosts, each with an HCA, through one 4X EDR switch", seed);
        for (int i = 0; i < 2; i++) {
            IbDevice dev = world.host(i).driver(0).device();
            n.say("%s: driver probed %s in %d of this device's firmware commands (QUERY_FW, QUERY_DEV_CAP, "
                    + "INIT_HCA, the EQs, the special QPs, INIT_PORT, MAD_IFCs for the port's tables; docs/HCA.md "
                    + "§3: mlx4 maps its firmware and ICM first, MAP_FA, RUN_FW, MAP_ICM...), port 1 %s, LID %d",
                    world.host(i).name(), dev.name(), world.host(i).hca(0).firmware().commands(),
                    dev.port(1).state().kernelName(), dev.port(1).lid());
        }

        n.step("Each host: ib_uverbs joins ib_core as a client and makes /dev/infiniband/uverbs0; rc_pingpong starts");
        SplittableRandom psns = world.scheduler().fork("demo psn");
        Proc a = new Proc(0, true, psns.nextInt(1 << 24));
        Proc b = new Proc(1, false, psns.nextInt(1 << 24));
        procs = List.of(a, b);
        for (Proc p : procs) {
            n.say("%s: %s serves %s; process rc_pingpong (%s) starts with no memory mapped yet", p.name,
                    p.uverbs.name(), p.uverbs.ibDevice().name(), p.client ? "client" : "server");
        }
        n.say("as ibv_rc_pingpong -e -r %d -n %d runs, with %d-byte receives and %d-byte text messages",
                RX_DEPTH, ITERS, SIZE, MESSAGE);
        n.say("for its -s buffers; what goes beyond it is marked. This model's libibverbs enters the kernel");
        n.say("for every verb by write() of a uverbs command (the write() ABI; rdma-core uses ioctl() where");
        n.say("the kernel has it), posting and polling too, where libmlx4 writes WQEs, rings doorbells and");
        n.say("polls CQEs from user space without a system call. Each write() is shown decoded, by its");
        n.say("command's name (strace prints the bytes), without the data libmlx4 appends to CREATE_CQ and");
        n.say("CREATE_QP for its own driver");

        n.step("Each process: pp_init_ctx — open the device, completion channel, PD, MR over a %d KiB buffer, "
                + "CQ, RC QP, INIT; then main's post_recv, req_notify_cq and query_port", BUF / 1024);
        for (Proc p : procs) {
            initCtx(p);
        }

        n.step("Exchange LID, QPN and PSN out of band, then pp_connect_ctx: INIT -> RTR -> RTS");
        exchange(a, b);

        try {
            return afterConnect(a, b, psns);
        } catch (Failed f) {
            n.step("%s: rc_pingpong returns 1 on the failed completion; its peer, left waiting, is stopped",
                    f.proc.who());
            for (Proc p : procs) {
                exit(p);
            }
            world.settle();
            return summary() + 1;
        }
    }

    /** From the first ping to the processes' exit; a completion in error ends it early (Failed). */
    private int afterConnect(Proc a, Proc b, SplittableRandom psns) {
        n.step("Ping-pong, %d iterations: the client sends, each side answers what it receives", ITERS);
        pingPong(a, b);

        byte[] big = new byte[3 * MTU_BYTES + 100];
        new SplittableRandom(seed).nextBytes(big);
        n.step("Beyond rc_pingpong: RDMA WRITE of %d bytes into %s's buffer (path MTU %d: a First, Middles "
                + "and a Last packet)", big.length, b.name, MTU_BYTES);
        a.poke(a.buf + 1024, big);
        oneSided(a, "RDMA_WRITE", rdma(a, WRITE_WRID, IbvWrOpcode.RDMA_WRITE, 1024, big.length, b, TARGET_AT));
        boolean same = Arrays.equals(big, b.peek(b.buf + TARGET_AT, big.length));
        n.say("%s's memory %s the %d bytes written", b.name, same ? "holds exactly" : "DIFFERS from", big.length);

        n.step("Beyond rc_pingpong: RDMA READ of the same %d bytes back into %s", big.length, a.name);
        oneSided(a, "RDMA_READ", rdma(a, READ_WRID, IbvWrOpcode.RDMA_READ, READ_AT, big.length, b, TARGET_AT));
        boolean back = Arrays.equals(big, a.peek(a.buf + READ_AT, big.length));
        n.say("read back %s", back ? "matches byte for byte" : "DIFFERS");

        n.step("Beyond rc_pingpong: ATOMIC FETCH_AND_ADD (FetchAdd on the wire) of 5 to a counter in %s's "
                + "memory that holds 37", b.name);
        b.poke(b.buf + COUNTER_AT, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(37).array());
        IbvSendWr faa = rdma(a, ATOMIC_WRID, IbvWrOpcode.ATOMIC_FETCH_AND_ADD, FETCHED_AT, 8, b, COUNTER_AT);
        faa.compareAdd = 5;
        oneSided(a, "ATOMIC_FETCH_AND_ADD", faa);
        long fetched = a.peekLong(a.buf + FETCHED_AT);
        long counter = b.peekLong(b.buf + COUNTER_AT);
        n.say("original value returned to %s: %d; counter now %d", a.name, fetched, counter);

        String madFailure = null;
        if (mads) {
            n.step("Beyond rc_pingpong: MADs. %s's kernel asks %s's HCA for its NodeInfo along a directed route, "
                    + "as smpquery -D NodeInfo 0,1,2 would, and for its port counters, as perfquery would, then "
                    + "writes its partitions as an SM's partition manager does", a.name, b.name);
            madFailure = new MadTour(n, a.host, b.host, world.lid(b.index), this::settle).run();
        }
        if (fault == Fault.CATAS) {
            catastrophe(a, b, psns);
        } else if (fault == Fault.HANG) {
            hang(a, b, psns);
        }

        n.step("Tear down: pp_close_ctx, then the processes exit");
        for (Proc p : procs) {
            closeCtx(p);
        }
        world.settle();
        List<String> wrong = new ArrayList<>();
        if (!same) {
            wrong.add("the RDMA WRITE's bytes differ at the target");
        }
        if (!back) {
            wrong.add("the RDMA READ brought back other bytes");
        }
        if (fetched != 37 || counter != 42) {
            wrong.add("FETCH_AND_ADD returned " + fetched + " and left " + counter + " (37 and 42 expected)");
        }
        if (madFailure != null) {
            wrong.add(madFailure);
        }
        if (!wrong.isEmpty()) {
            failure = "data arrived wrong: " + String.join("; ", wrong);
        }
        return summary() + (wrong.isEmpty() ? 0 : 1);
    }

    /** Why the tour failed beyond what it left allocated (a failed completion, wrong data); else null. */
    public String failure() {
        return failure;
    }

    /** The summary line; returns the objects and open files left on the devices the processes used. */
    private int summary() {
        int leaked = 0;
        List<UverbsDevice> counted = new ArrayList<>();
        for (Proc p : started) {
            if (!counted.contains(p.uverbs)) {
                counted.add(p.uverbs);
                leaked += p.uverbs.ibDevice().liveTotal() + p.uverbs.openFiles().size();
            }
        }
        long packets = world.transport(0).packetsSent() + world.transport(1).packetsSent();
        n.blank();
        boolean first = lost.isEmpty();
        for (Opcode op : lose) {
            n.always("--lose: no %s packet was sent%s", op.ibtaName(), first ? "" : " after the ones lost before it");
            first = false;
        }
        n.always("summary: seed %d, %d packets, %d work completions, %.3f us of virtual time, %d objects left allocated%s",
                seed, packets, completions, world.scheduler().now() / 1000.0, leaked,
                pcap == null ? "" : ", capture in " + pcapShown);
        n.flush();
        return leaked;
    }

    /** The out-of-band exchange of rc_pingpong, then pp_connect_ctx on both sides. */
    private void exchange(Proc a, Proc b) {
        for (Proc p : List.of(a, b)) {
            n.say("%s  local address:  LID 0x%04x, QPN 0x%06x, PSN 0x%06x, GID ::", p.who(), p.lid, p.qp.qpNum(),
                    p.psn);
        }
        // pp_server_exch_dest connects the server before it answers; the client connects after.
        n.say("%s reads the client's address and connects before it sends its own", b.who());
        connect(b, a);
        for (Proc p : List.of(b, a)) {
            Proc r = p == a ? b : a;
            n.say("%s  remote address: LID 0x%04x, QPN 0x%06x, PSN 0x%06x, GID ::", p.who(), r.lid, r.qp.qpNum(),
                    r.psn);
        }
        n.say("%s also tells the client its buffer, beyond rc_pingpong: addr 0x%x, rkey 0x%08x", b.who(), b.buf,
                b.mr.rkey());
        connect(a, b);
    }

    /**
     * rc_pingpong's main loop: the client sends, each side answers what it receives. Each process
     * sleeps in read() of its completion channel; the world runs until an event wakes one, which
     * takes its turn at that moment while the other sleeps on.
     */
    private void pingPong(Proc a, Proc b) {
        long start = world.scheduler().now();
        a.recvPending = true;
        a.sendText("ping 0");
        n.say("both processes now sleep in read() of their completion channels until an event wakes one");
        while (!(a.done() && b.done())) {
            // A process that has left its loop reads no more events.
            wake(Stream.of(a, b).filter(p -> !p.done()).toArray(Proc[]::new)).turn();
        }
        double usec = (world.scheduler().now() - start) / 1000.0;
        // rc_pingpong's two lines, in microseconds of virtual time where it prints seconds.
        long bytes = (long) MESSAGE * ITERS * 2;
        n.say("%s: %d bytes in %.3f usec of virtual time = %.2f Mbit/sec", a.who(), bytes, usec, bytes * 8 / usec);
        n.say("%s: %d iters in %.3f usec of virtual time = %.3f usec/iter", a.who(), ITERS, usec, usec / ITERS);
        // What the last turns set going (a last ACK) runs before the next step.
        settle();
    }

    /**
     * Runs the world until an event is queued on the completion channel of one of these
     * processes, tells what happened up to then, and returns that process.
     */
    private Proc wake(Proc... sleeping) {
        while (true) {
            for (Proc p : sleeping) {
                if (p.woken()) {
                    tell();
                    return p;
                }
            }
            if (!world.runNextForeground()) {
                tell();
                StringBuilder who = new StringBuilder();
                for (Proc p : sleeping) {
                    who.append(String.format(" %s rcnt=%d scnt=%d;", p.who(), p.rcnt, p.scnt));
                }
                throw new IllegalStateException("every process sleeps in read() and nothing left in the world can "
                        + "wake one:" + who);
            }
        }
    }

    /**
     * The client's HCA fails (docs/HCA.md §2.1, §2.2): the driver's poll finds it and resets the
     * device; a second later ib_core hears IB_EVENT_DEVICE_FATAL and the driver restarts, uverbs
     * taking the device from the open files; the client learns it from its async fd, finds its
     * objects gone and closes; the server closes too; the subnet manager sweeps; a new pair of
     * processes ping-pongs on the new device.
     */
    private void catastrophe(Proc a, Proc b, SplittableRandom psns) {
        Host h = a.host;
        HcaDriver drv = h.driver(0);
        settle();
        n.step("A catastrophic error on %s's HCA: a hardware failure (docs/HCA.md §2.1)", a.name);
        h.hca(0).catastrophicError(1);
        n.say("%s: the device writes catas_cause 1 at BAR0 + 0x200 (this device's error buffer; mlx4 learns "
                + "where ConnectX's is from QUERY_FW) and stops: its QPs forget their work, its link goes down; no "
                + "interrupt tells the driver", a.name);
        settle();
        while (h.hca(0).resets() == 0) {
            runNext();
        }
        n.say("  t=%8.3f us  %s: the driver's poll of the buffer (mlx4's poll_catas, every 5 s) finds "
                + "catas_cause %d: no command reaches the device any more, and the driver resets it "
                + "(this device's sw_reset, BAR0 + 0x300; mlx4_reset writes ConnectX's at BAR0 + 0xf0010)",
                world.scheduler().now() / 1000.0, a.name, drv.catasCause());
        tell();
        while (drv.restarts() == 0) {
            runNext();
        }
        settle();
        n.say("%s: a new %s is registered; to ib_core it is as new as a hot-plugged device", a.name,
                drv.device().name());

        n.step("Beyond rc_pingpong: the client hears it on its async fd, finds its objects gone, and closes");
        int events = 0;
        // It reads while poll() says an event is queued: one more read() would sleep for ever.
        while (a.task.poll(a.ctx.asyncFd(), OpenFile.POLLIN) != 0) {
            IbvAsyncEvent ev = notNull(a, a.ctx.getAsyncEvent(), "ibv_get_async_event");
            a.verb("ibv_get_async_event: read() of the async fd (%d) -> IBV_EVENT_%s", a.ctx.asyncFd(),
                    ev.eventType().name());
            a.ctx.ackAsyncEvent(ev);
            events++;
        }
        if (events == 2) {
            n.say("    the driver's event through ib_core, then uverbs' own as it took the device away");
        }
        a.verb("ibv_poll_cq(cq, %d) -> %d, errno %s: the device is gone, and uverbs answers every command but "
                + "a destroy with EIO (with libmlx4 the poll reads the CQ in the process's memory and finds "
                + "nothing new)", a.wc.length, a.cq.poll(a.wc.length, a.wc), Errno.ofNumber(a.ibv.errno()).name());
        closeCtx(a);
        n.say("%s: its loop is done; rc_pingpong hears nothing of its peer after the address exchange", b.who());
        closeCtx(b);
        backOnTheNewDevice(a, b, psns);
    }

    /**
     * The client's firmware stops answering commands (docs/HCA.md §3.1): nothing shows until the
     * client closes and the driver's first command gets no answer. After 60 s of virtual time the
     * driver logs it and takes mlx4's reset flow; the client's tear-down goes on, answered from
     * the error state; a second after the reset the driver reports the error and restarts.
     */
    private void hang(Proc a, Proc b, SplittableRandom psns) {
        Host h = a.host;
        HcaDriver drv = h.driver(0);
        settle();
        n.step("The firmware of %s's HCA stops answering commands (docs/HCA.md §3.1)", a.name);
        h.hca(0).hangCommands();
        n.say("%s: from now on go stays set in the HCR and no CMD EQE comes; doorbells and the transport "
                + "go on, so nothing shows until the driver needs the firmware", a.name);

        n.step("The client closes: the driver's first command gets no answer");
        long t0 = world.scheduler().now();
        a.ackEvents();
        a.verb("ibv_destroy_qp");
        check(a.qp.destroy(), "ibv_destroy_qp");
        tell();
        n.say("%s: the driver's 2RST_QP waited %.0f s of virtual time (MLX4_CMD_TIME_CLASS_A) and gave up: "
                + "the driver entered its error state, which resets the device, and counted the tear-down as "
                + "done (mlx4_cmd_reset_flow), so ibv_destroy_qp returned 0 and what follows is answered "
                + "without the device", a.name, (world.scheduler().now() - t0) / 1e9);
        closeAfterQp(a);
        while (drv.restarts() == 0) {
            runNext();
        }
        settle();
        n.say("%s: the reset cleared the hang; a new %s is registered", a.name, drv.device().name());
        n.say("%s: its loop is done; rc_pingpong hears nothing of its peer after the address exchange", b.who());
        closeCtx(b);
        backOnTheNewDevice(a, b, psns);
    }

    /** The subnet manager gives the client's port its LID back, and a new pair ping-pongs. */
    private void backOnTheNewDevice(Proc a, Proc b, SplittableRandom psns) {
        HcaDriver drv = a.host.driver(0);
        n.step("The subnet manager sweeps: %s's port, up again in INIT, gets its LID back", a.name);
        n.say("(the world's subnet manager sets a port by the driver's SET_PORT, docs/HCA.md §3.7; a real one "
                + "sends SubnSet(PortInfo) to the port's agent over QP0, which mlx4 hands the firmware by MAD_IFC)");
        n.say("%s: %s port 1 %s, LID %d", a.name, drv.device().name(), drv.device().port(1).state().kernelName(),
                drv.device().port(1).lid());
        world.sweep();
        settle();
        n.say("%s: %s port 1 %s, LID %d", a.name, drv.device().name(), drv.device().port(1).state().kernelName(),
                drv.device().port(1).lid());

        n.step("rc_pingpong starts again on both hosts, on the new %s", drv.device().name());
        Proc a2 = new Proc(a.index, true, psns.nextInt(1 << 24));
        Proc b2 = new Proc(b.index, false, psns.nextInt(1 << 24));
        procs = List.of(a2, b2);
        for (Proc p : procs) {
            initCtx(p);
        }
        exchange(a2, b2);
        pingPong(a2, b2);
    }

    /**
     * A line {@code host}'s kernel logs, told with what happened at that moment. After
     * mlx4_ib_handle_catas_error, mlx4_ib_event dispatches IB_EVENT_DEVICE_FATAL and
     * mlx4_handle_error_state restarts the device (drivers/infiniband/hw/mlx4/main.c,
     * drivers/net/ethernet/mellanox/mlx4/catas.c).
     */
    private void dmesg(String host, String line) {
        long now = world.scheduler().now();
        timeline.add(new Moment(now, host + ": dmesg: " + line));
        if (line.endsWith("mlx4_ib_handle_catas_error ended")) {
            timeline.add(new Moment(now, host + ": IB_EVENT_DEVICE_FATAL; the driver tears the device down "
                    + "(mlx4_restart_one; the module stays loaded), so ib_core removes its clients from it (uverbs "
                    + "takes it away from the open files and destroys what they made), then probes it again:"));
        }
    }

    /** Runs the kernels' queued work, or the next scheduler event and the work it queues. */
    private void runNext() {
        if (!world.runNext()) {
            throw new IllegalStateException("nothing left to run");
        }
    }

    /** pp_init_ctx, and what rc_pingpong's main does before the exchange. */
    private void initCtx(Proc p) {
        List<IbvDevice> sysfs = List.of(new IbvDevice(p.uverbs.name(), p.uverbs.ibDevice().name(), p.uverbs::open));
        List<IbvDevice> list = p.ibv.getDeviceList(sysfs);
        p.verb("ibv_get_device_list -> [%s]; ibv_open_device(%s)", list.get(0).getName(), list.get(0).getName());
        p.ctx = p.ibv.openDevice(list.get(0));
        notNull(p, p.ctx, "ibv_open_device");
        p.verb("ibv_create_comp_channel");
        p.channel = notNull(p, p.ctx.createCompChannel(), "ibv_create_comp_channel");
        p.verb("ibv_alloc_pd");
        p.pd = notNull(p, p.ctx.allocPd(), "ibv_alloc_pd");
        p.buf = p.ibv.alloc(BUF);
        if (p.buf < 0) {
            throw new IllegalStateException(p.who() + ": no memory for the buffer, errno " + p.ibv.errno());
        }
        p.verb("ibv_reg_mr(0x%x, %d, LOCAL_WRITE | REMOTE_WRITE | REMOTE_READ | REMOTE_ATOMIC), the size and "
                + "remote rights beyond rc_pingpong's (its -s buffer, LOCAL_WRITE) for steps 6-8", p.buf, BUF);
        p.mr = notNull(p, p.pd.regMr(p.buf, BUF, IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE
                | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC), "ibv_reg_mr");
        n.say("    lkey 0x%08x, rkey 0x%08x: the driver pinned the pages (ib_umem_get) and wrote their MTT%s",
                p.mr.lkey(), p.mr.rkey(), mttTold++ > 0 ? ""
                        : " by WRITE_MTT, as mthca does (native mlx4 writes the MTT into ICM from the CPU and "
                        + "issues SW2HW_MPT alone; WRITE_MTT only under SR-IOV)");
        p.verb("ibv_create_cq(%d entries, on the channel)", RX_DEPTH + 1);
        p.cq = notNull(p, p.ctx.createCq(RX_DEPTH + 1, p, p.channel, 0), "ibv_create_cq");
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = p.cq;
        init.recvCq = p.cq;
        init.cap = new IbvQpCap(1, RX_DEPTH, 1, 1);
        init.qpType = IbvQpType.RC;
        p.verb("ibv_create_qp(RC, send_wr 1, recv_wr %d)", RX_DEPTH);
        p.qp = notNull(p, p.pd.createQp(init), "ibv_create_qp");
        n.say("    qp_num 0x%06x", p.qp.qpNum());
        p.verb("ibv_query_qp(qp, IBV_QP_CAP)");
        IbvQpInitAttr got = new IbvQpInitAttr();
        check(p.qp.query(new IbvQpAttr(), IbvQpAttrMask.CAP, got), "ibv_query_qp");
        p.inline = got.cap.maxInlineData >= MESSAGE;
        n.say("    max_inline_data %d: the SENDs %s", got.cap.maxInlineData,
                p.inline ? "go inline (IBV_SEND_INLINE)" : "are not inline (this driver reports the inline "
                        + "data asked for, none; libmlx4 reports the room its send WQE has, and rc_pingpong "
                        + "would then send these messages inline)");
        IbvQpAttr attr = new IbvQpAttr();
        attr.qpState = IbvQpState.INIT;
        attr.pkeyIndex = 0;
        attr.portNum = PORT;
        attr.qpAccessFlags = IbvAccessFlags.REMOTE_WRITE | IbvAccessFlags.REMOTE_READ | IbvAccessFlags.REMOTE_ATOMIC;
        modify(p, attr, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.ACCESS_FLAGS, "STATE | PKEY_INDEX | PORT | ACCESS_FLAGS: REMOTE_WRITE | REMOTE_READ "
                + "| REMOTE_ATOMIC, where rc_pingpong gives 0");
        for (int i = 0; i < RX_DEPTH; i++) {
            p.postRecv();
        }
        p.routs = RX_DEPTH;
        p.verb("ibv_req_notify_cq(cq, 0)");
        check(p.cq.reqNotify(false), "ibv_req_notify_cq");
        p.verb("ibv_query_port(%d)", PORT);
        IbvPortAttr port = new IbvPortAttr();
        check(p.ctx.queryPort(PORT, port), "ibv_query_port");
        p.lid = port.lid;
    }

    /** pp_connect_ctx: RTR towards the remote LID, QPN and PSN, then RTS with our own PSN. */
    private void connect(Proc p, Proc r) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTR;
        a.pathMtu = IbvQpType.MTU_1024;
        a.destQpNum = r.qp.qpNum();
        a.rqPsn = r.psn;
        a.maxDestRdAtomic = 1;
        a.minRnrTimer = 12;
        a.ahAttr.dlid = r.lid;
        a.ahAttr.sl = 0;
        a.ahAttr.portNum = PORT;
        modify(p, a, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU | IbvQpAttrMask.DEST_QPN
                | IbvQpAttrMask.RQ_PSN | IbvQpAttrMask.MAX_DEST_RD_ATOMIC | IbvQpAttrMask.MIN_RNR_TIMER,
                "STATE | AV | PATH_MTU | DEST_QPN | RQ_PSN | MAX_DEST_RD_ATOMIC | MIN_RNR_TIMER");
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.timeout = 14;
        s.retryCnt = 7;
        s.rnrRetry = 7;
        s.sqPsn = p.psn;
        s.maxRdAtomic = 1;
        modify(p, s, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT | IbvQpAttrMask.RETRY_CNT | IbvQpAttrMask.RNR_RETRY
                | IbvQpAttrMask.SQ_PSN | IbvQpAttrMask.MAX_QP_RD_ATOMIC,
                "STATE | TIMEOUT | RETRY_CNT | RNR_RETRY | SQ_PSN | MAX_QP_RD_ATOMIC");
    }

    private void modify(Proc p, IbvQpAttr attr, int mask, String maskNames) {
        p.verb("ibv_modify_qp(qp 0x%06x, -> %s, %s)", p.qp.qpNum(), attr.qpState, maskNames);
        check(p.qp.modify(attr, mask), "ibv_modify_qp");
    }

    private static IbvSendWr rdma(Proc p, long wrId, int opcode, long localAt, int len, Proc r, long remoteAt) {
        IbvSendWr wr = new IbvSendWr(wrId, opcode, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(p.buf + localAt, len, p.mr.lkey()));
        wr.remoteAddr = r.buf + remoteAt;
        wr.rkey = r.mr.rkey();
        return wr;
    }

    /** A one-sided operation: only the requester's CQ sees it complete, so only the requester wakes. */
    private void oneSided(Proc p, String what, IbvSendWr wr) {
        p.postSend(String.format("%s, %d bytes, remote 0x%x rkey 0x%08x", what, wr.sgList.get(0).length(),
                wr.remoteAddr, wr.rkey), wr);
        int before = completions;
        // An event left from the last turn's arming wakes it first, and finds the CQ empty.
        while (completions == before) {
            wake(p).turn();
        }
        settle();
        if (completions != before + 1) {
            throw new IllegalStateException(p.who() + ": " + what + " gave " + (completions - before) + " completions");
        }
    }

    /** rc_pingpong's acknowledgement of its CQ events, pp_close_ctx in its order, then exit(). */
    private void closeCtx(Proc p) {
        p.ackEvents();
        p.verb("ibv_destroy_qp");
        check(p.qp.destroy(), "ibv_destroy_qp");
        closeAfterQp(p);
    }

    /** pp_close_ctx after its ibv_destroy_qp, and the process's exit. */
    private void closeAfterQp(Proc p) {
        p.verb("ibv_destroy_cq");
        check(p.cq.destroy(), "ibv_destroy_cq");
        p.verb("ibv_dereg_mr");
        check(p.mr.dereg(), "ibv_dereg_mr");
        p.verb("ibv_dealloc_pd");
        check(p.pd.dealloc(), "ibv_dealloc_pd");
        p.verb("ibv_destroy_comp_channel: close(%d)", p.channel.fd());
        check(p.channel.destroy(), "ibv_destroy_comp_channel");
        p.verb("ibv_close_device: close(%d), close(%d)", p.ctx.cmdFd(), p.ctx.asyncFd());
        check(p.ibv.closeDevice(p.ctx), "ibv_close_device");
        exit(p);
    }

    /** The process exits, its files closing whatever it left; what is left on its device is told. */
    private void exit(Proc p) {
        p.task.exit();
        n.say("%s: exit; %s has %d files open, %s %d objects", p.who(), p.uverbs.name(),
                p.uverbs.openFiles().size(), p.uverbs.ibDevice().name(), p.uverbs.ibDevice().liveTotal());
    }

    /** Runs the world until quiet and tells, in time order, the packets and interrupts. */
    private void settle() {
        world.settle();
        tell();
    }

    /** Tells, in time order, the packets and interrupts since last told. */
    private void tell() {
        List<Moment> moments = new ArrayList<>(timeline);
        timeline.clear();
        for (int i = 0; i < 2; i++) {
            Transport t = world.transport(i);
            for (Transport.Sent s : t.sentLog().subList(sentMark[i], t.sentLog().size())) {
                Opcode op = OpcodeTable.lookup(s.opcode());
                if (op != null && op.isRdmaReadResponse()) {
                    readResponses.putIfAbsent(List.of(s.dlid(), s.psn()), s.wireNs());
                }
            }
        }
        for (int i = 0; i < 2; i++) {
            Transport t = world.transport(i);
            for (Transport.Sent s : t.sentLog().subList(sentMark[i], t.sentLog().size())) {
                Opcode op = OpcodeTable.lookup(s.opcode());
                Long response = readResponses.get(List.of(s.slid(), s.psn()));
                boolean rest = op == Opcode.RC_RDMA_READ_REQUEST && response != null && response < s.wireNs();
                moments.add(new Moment(s.wireNs(), String.format(
                        "wire LID %d -> %d  %-28s psn 0x%06x  dest qp 0x%06x%s%s",
                        s.slid(), s.dlid(), op == null ? String.format("opcode 0x%02x", s.opcode())
                                : op.transport() == org.ibmodel.sim.wire.Transport.RC ? op.ibtaName()
                                : op.transport() + " " + op.ibtaName(),
                        s.psn(), s.destQp(), nak(s.syndrome())
                                + (rest ? "  (again, for the rest of the READ from this response on)"
                                        : op != null && op.transport() != org.ibmodel.sim.wire.Transport.RC
                                                || sentBefore.add(List.of(s.slid(), s.dlid(), s.opcode(), s.psn(),
                                                        s.destQp())) ? "" : "  (again)"),
                        lost.contains(s.handedOver()) ? "  -- lost on the way (--lose)" : "")));
            }
            sentMark[i] = t.sentLog().size();
            List<Hca.Executed> log = world.host(i).hca(0).commandLog();
            for (Hca.Executed c : log.subList(commandMark[i], log.size())) {
                moments.add(new Moment(c.timeNs(), String.format("%s: firmware finishes %s: %s%s", world.host(i).name(),
                        c.name(), c.status(), c.event() ? ", and posts a CMD EQE" : "")));
            }
            commandMark[i] = log.size();
        }
        // Stable: packets sent in one burst keep their order.
        moments.sort((x, y) -> Long.compare(x.timeNs(), y.timeNs()));
        for (Moment m : moments) {
            n.say("  t=%8.3f us  %s", m.timeNs() / 1000.0, m.what());
        }
    }

    /**
     * Scheduler events labelled "HOST irq SLOT msix V" are MSI-X interrupts; vector 0 is the
     * async and command EQ, the others completion EQs (docs/HCA.md §2).
     */
    private void interrupt(long timeNs, long seq, String label) {
        if (label.endsWith(" timer hca_reset_wait")) {
            String host = label.substring(0, label.indexOf(' '));
            timeline.add(new Moment(timeNs, host + ": a second after the reset (mlx4_reset waits that long "
                    + "before it reads the device again), mlx4_enter_error_state goes on:"));
            return;
        }
        int irq = label.indexOf(" irq ");
        int msix = label.lastIndexOf(" msix ");
        if (irq < 0 || msix < 0) {
            return;
        }
        String host = label.substring(0, irq);
        int vector = Integer.parseInt(label.substring(msix + 6));
        // The completion path is told in full once per host, then in short.
        timeline.add(new Moment(timeNs, vector == 0
                ? String.format("%s: interrupt, MSI-X vector 0 (async and command EQ)", host)
                : completionTold.add(host)
                ? String.format("%s: completion interrupt (MSI-X %d); the EQ's tasklet runs ib_uverbs_comp_handler"
                        + " in SOFTIRQ (a user CQ, as on mlx4), which queues a CQ event on the completion channel",
                        host, vector)
                : String.format("%s: completion interrupt (MSI-X %d): a CQ event queued", host, vector)));
    }

    /** What an AETH says when it is not a plain ACK (IBA 9.7.5.2.2 - 9.7.5.2.6). */
    private static String nak(int syndrome) {
        String text = syndrome < 0 ? "" : org.ibmodel.sim.wire.Aeth.nakText(syndrome);
        return text.isEmpty() ? "" : "  " + text;
    }

    private static String wcOpcode(int opcode) {
        return switch (opcode) {
            case IbvWcOpcode.SEND -> "IBV_WC_SEND";
            case IbvWcOpcode.RDMA_WRITE -> "IBV_WC_RDMA_WRITE";
            case IbvWcOpcode.RDMA_READ -> "IBV_WC_RDMA_READ";
            case IbvWcOpcode.COMP_SWAP -> "IBV_WC_COMP_SWAP";
            case IbvWcOpcode.FETCH_ADD -> "IBV_WC_FETCH_ADD";
            case IbvWcOpcode.RECV -> "IBV_WC_RECV";
            default -> "opcode " + opcode;
        };
    }

    private static void check(int ret, String verb) {
        if (ret != 0) {
            throw new IllegalStateException(verb + " failed: " + Errno.ofNumber(ret));
        }
    }

    private static <T> T notNull(Proc p, T obj, String verb) {
        if (obj == null) {
            throw new IllegalStateException(p.who() + ": " + verb + " failed: " + Errno.ofNumber(p.ibv.errno()));
        }
        return obj;
    }
}
