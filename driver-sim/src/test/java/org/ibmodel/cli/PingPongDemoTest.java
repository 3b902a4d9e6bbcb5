package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default demo: ibv_rc_pingpong between processes on two hosts with HCAs through a switch,
 * over the verbs library and uverbs, narrated from verb to wire.
 */
class PingPongDemoTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunThePingPongAndLeaveNothingAllocated() {
        CliRun run = CliRun.of("demo");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("h0 client  local address:  LID 0x0001, QPN 0x"), out);
        assertTrue(out.contains("h1 server  remote address: LID 0x0001, QPN 0x"), out);
        assertTrue(out.contains("write(3, IB_USER_VERBS_CMD_POST_SEND, "), out);
        assertTrue(out.contains("h1 received \"ping 1\""), out);
        assertTrue(out.contains("h0 received \"pong 1\""), out);
        assertTrue(out.contains("ibv_get_cq_event: read() of the completion channel (fd 5), asleep until now, returns"), out);
        assertTrue(out.contains("RDMA WRITE First"), out);
        assertTrue(out.contains("RDMA READ response Last"), out);
        assertTrue(out.contains("holds exactly the 3172 bytes written"), out);
        assertTrue(out.contains("read back matches byte for byte"), out);
        assertTrue(out.contains("original value returned to h0: 37; counter now 42"), out);
        assertTrue(out.contains("the EQ's tasklet runs ib_uverbs_comp_handler in SOFTIRQ"), out);
        // ibv_poll_cq(3): byte_len is told for receives, READs and atomics, not for SENDs and WRITEs.
        assertTrue(out.contains("opcode IBV_WC_RECV, byte_len 16, qp_num"), out);
        assertTrue(out.contains("opcode IBV_WC_RDMA_READ, byte_len 3172, qp_num"), out);
        assertTrue(out.contains("opcode IBV_WC_SEND, qp_num") && !out.contains("IBV_WC_SEND, byte_len"), out);
        assertTrue(out.contains("opcode IBV_WC_RDMA_WRITE, qp_num"), out);
        // The MTT goes by WRITE_MTT, mthca's way; mlx4's is said once.
        assertEquals(1, out.split("native mlx4 writes the MTT into ICM", -1).length - 1, out);
        // Each verb that needs the firmware shows its commands, each completed by a CMD EQE.
        int mr = out.indexOf("h0 client: ibv_reg_mr");
        int mtt = out.indexOf("h0: firmware finishes WRITE_MTT: OK, and posts a CMD EQE", mr);
        int mpt = out.indexOf("h0: firmware finishes SW2HW_MPT: OK, and posts a CMD EQE", mtt);
        int irq = out.indexOf("h0: interrupt, MSI-X vector 0 (async and command EQ)", mpt);
        int ret = out.indexOf("write(3, IB_USER_VERBS_CMD_REG_MR, 48) = 48", mr);
        assertTrue(mr >= 0 && mtt > mr && mpt > mtt && irq > mpt && ret > irq, out);
        // A process's PD is a number only: no key over host memory, so no command (mthca_pd_alloc).
        int pd = out.indexOf("h0 client: ibv_alloc_pd");
        int pdRet = out.indexOf("write(3, IB_USER_VERBS_CMD_ALLOC_PD, 16) = 16", pd);
        assertTrue(pd >= 0 && pdRet > pd && !out.substring(pd, pdRet).contains("firmware"), out);
        assertTrue(out.contains("h0: firmware finishes RTR2RTS_QP: OK, and posts a CMD EQE"), out);
        // Commands by the names docs/HCA.md §3.3 gives them: 2RST_QP, not the Java TO_RST_QP.
        assertTrue(out.contains("h0: firmware finishes 2RST_QP: OK"), out);
        assertTrue(out.contains("h1 server: exit; uverbs0 has 0 files open, hca0 0 objects"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    /**
     * README.md shows the demo's output: every line of its excerpt (but the "..." that stands for
     * lines left out) is a line the demo prints, in the same order, and its summary is the demo's.
     */
    @Test
    void shouldPrintWhatTheReadmeShows() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("README.md"))) {
            root = root.getParent();
        }
        assertTrue(root != null, "the repository above " + System.getProperty("user.dir"));
        String readme = Files.readString(root.resolve("README.md"));
        List<String> out = CliRun.of("demo").out().lines().toList();
        int start = readme.indexOf("```\n 6. Beyond rc_pingpong: RDMA WRITE");
        assertTrue(start >= 0, "README.md's demo excerpt");
        String excerpt = readme.substring(start + 4, readme.indexOf("```", start + 4));
        int at = 0;
        for (String line : excerpt.lines().toList()) {
            if (line.strip().equals("...")) {
                continue;
            }
            int found = out.subList(at, out.size()).indexOf(line);
            assertTrue(found >= 0, "README.md shows a line the demo does not print after line " + at + ":\n" + line);
            at += found + 1;
        }
        Matcher summary = Pattern.compile("`(summary: [^`]*)`").matcher(readme);
        assertTrue(summary.find(), "README.md quotes the summary");
        assertEquals(out.get(out.size() - 1), summary.group(1), "README.md's summary line");
    }

    /**
     * rc_pingpong.c's order: pp_init_ctx makes the completion channel before the PD and asks
     * ibv_query_qp for IBV_QP_CAP after creating the QP; main polls once per CQ event and
     * acknowledges all its events with one ibv_ack_cq_events before pp_close_ctx.
     */
    @Test
    void shouldFollowRcPingpongsCallsAndEventLoop() {
        String out = CliRun.of("demo").out();
        for (String who : List.of("h0 client: ", "h1 server: ")) {
            assertInOrder(out, who + "ibv_get_device_list", who + "ibv_create_comp_channel", who + "ibv_alloc_pd",
                    who + "ibv_reg_mr", who + "ibv_create_cq", who + "ibv_create_qp",
                    who + "ibv_query_qp(qp, IBV_QP_CAP)", who + "ibv_modify_qp");
            List<String> mine = out.lines().filter(l -> l.contains(who)).toList();
            long events = mine.stream().filter(l -> l.contains("ibv_get_cq_event")).count();
            long polls = mine.stream().filter(l -> l.contains("ibv_poll_cq(")).count();
            // Two iterations: two receives and two sends at least, each polled after its own event.
            assertTrue(events >= 4, who + events + " events");
            assertEquals(events, polls, who + "one poll per event");
            List<String> acks = mine.stream().filter(l -> l.contains("ibv_ack_cq_events")).toList();
            assertEquals(List.of("    " + who + "ibv_ack_cq_events(cq, " + events + ")"), acks, who);
            assertEquals(mine.indexOf(acks.get(0)) + 1, mine.indexOf("    " + who + "ibv_destroy_qp"),
                    who + "acknowledged just before pp_close_ctx");
        }
    }

    /**
     * rc_pingpong.c main ends with two lines, bytes and Mbit/sec then iterations and usec/iter,
     * each over 2 * size * iters bytes; the demo prints both, in virtual time.
     */
    @Test
    void shouldPrintRcPingpongsTwoResultLines() {
        String out = CliRun.of("demo").out();
        assertInOrder(out, "h0 client: 64 bytes in ", " usec of virtual time = ", " Mbit/sec",
                "h0 client: 2 iters in ", " usec/iter");
    }

    @Test
    void shouldRepeatARunFromItsSeedAndDifferAcrossSeeds() {
        String one = CliRun.of("demo", "--seed", "7").out();
        assertEquals(one, CliRun.of("demo", "--seed", "7").out());
        assertNotEquals(one, CliRun.of("demo", "--seed", "8").out(), "the PSNs come from the seed");
    }

    @Test
    void shouldPrintOnlyTheSummaryWhenQuiet() {
        CliRun run = CliRun.of("demo", "--quiet");
        assertEquals(0, run.exit());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("summary: seed 1, 20 packets, 11 work completions"), run.out());
    }

    @Test
    void shouldLoseAWriteMiddleAndShowTheNakAndTheResend() {
        CliRun run = CliRun.of("demo", "--lose", "RDMA WRITE Middle");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        int lost = out.indexOf("-- lost on the way (--lose)");
        assertTrue(lost >= 0 && out.indexOf("-- lost on the way", lost + 1) < 0, "exactly one packet lost: " + out);
        String lostLine = out.substring(out.lastIndexOf('\n', lost) + 1, lost);
        assertTrue(lostLine.contains("RDMA WRITE Middle"), lostLine);
        String psn = lostLine.substring(lostLine.indexOf("psn "), lostLine.indexOf("psn ") + 12);
        int nak = out.indexOf("Acknowledge                  " + psn, lost);
        assertTrue(nak > lost && out.substring(nak, out.indexOf('\n', nak)).endsWith("NAK psn sequence error"),
                "the responder NAKs the PSN it expected: " + out);
        int resend = out.indexOf("RDMA WRITE Middle            " + psn, nak);
        assertTrue(resend > nak, "the requester goes back to it: " + out);
        assertTrue(out.substring(resend, out.indexOf('\n', resend)).contains("(again)"), "and says it is a resend");
        assertTrue(out.contains("h1's memory holds exactly the 3172 bytes written"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    /**
     * A lost READ response: the next one tells the requester, which asks at once for the rest of
     * the READ from the one it lacks (hfi1 rc.c rdma_seq_err), not one ACK timeout (67 ms) later;
     * the narration says what the second READ request asks for.
     */
    @Test
    void shouldLoseAReadResponseAndAskForTheRestAtOnce() {
        CliRun run = CliRun.of("demo", "--lose", "RDMA READ response Middle");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        int lost = out.indexOf("-- lost on the way (--lose)");
        assertTrue(lost >= 0, out);
        String lostLine = out.substring(out.lastIndexOf('\n', lost) + 1, lost);
        String psn = lostLine.substring(lostLine.indexOf("psn "), lostLine.indexOf("psn ") + 12);
        int again = out.indexOf("RDMA READ Request            " + psn, lost);
        assertTrue(again > lost, "the READ is asked for again from the lost response: " + out);
        String line = out.substring(out.lastIndexOf('\n', again) + 1, out.indexOf('\n', again));
        assertTrue(line.endsWith("(again, for the rest of the READ from this response on)"), line);
        double at = Double.parseDouble(line.substring(line.indexOf("t=") + 2, line.indexOf(" us")).trim());
        assertTrue(at < 100, "at once, not after the ACK timeout: " + line);
        assertTrue(out.contains("read back matches byte for byte"), out);
    }

    /**
     * Each process runs when an event wakes it, not when the world has gone quiet: with the ACK of
     * "ping 0" lost, the server still answers at once, and the client takes "pong 0" long before
     * its ACK timer (67 ms) resends the ping and its send completes.
     */
    @Test
    void shouldLetTheServerAnswerWhileTheClientWaitsForItsAckTimer() {
        CliRun run = CliRun.of("demo", "--lose", "Acknowledge");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        int lost = out.indexOf("-- lost on the way (--lose)");
        int pong = out.indexOf("h1 server: ibv_post_send(SEND \"pong 0\")");
        int received = out.indexOf("h0 received \"pong 0\"");
        int resend = out.indexOf("(again)");
        assertTrue(lost >= 0 && pong > lost && received > pong && resend > received, out);
        String pongOnWire = out.substring(out.indexOf("t=", pong), out.indexOf('\n', out.indexOf("t=", pong)));
        assertTrue(pongOnWire.startsWith("t=  22.") && pongOnWire.contains("SEND Only"), pongOnWire);
        String resendLine = out.substring(out.lastIndexOf('\n', resend) + 1, resend);
        assertTrue(resendLine.contains("t=67") && resendLine.contains("SEND Only"), resendLine);
        assertTrue(out.contains("h0 received \"pong 1\""), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    @Test
    void shouldLoseTheNakTooAndRecoverAtTheAckTimeout() {
        CliRun run = CliRun.of("demo", "--lose", "RDMA WRITE Middle", "--lose", "Acknowledge");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        int first = out.indexOf("-- lost on the way (--lose)");
        int second = out.indexOf("-- lost on the way (--lose)", first + 1);
        assertTrue(first >= 0 && second > first && out.indexOf("-- lost on the way", second + 1) < 0, out);
        String nakLine = out.substring(out.lastIndexOf('\n', second) + 1, second);
        assertTrue(nakLine.contains("Acknowledge") && nakLine.contains("NAK psn sequence error"),
                "the second loss is the first Acknowledge after the first loss, its NAK: " + nakLine);
        // With no NAK the requester learns of the gap only when its ACK timer fires (timeout 14:
        // 4.096 us x 2^14 = 67 ms), and goes back to the first PSN not acknowledged.
        int resend = out.indexOf("RDMA WRITE First", second);
        String resendLine = out.substring(out.lastIndexOf('\n', resend) + 1, out.indexOf('\n', resend));
        assertTrue(resendLine.contains("t=67") && resendLine.endsWith("(again)"), resendLine);
        assertTrue(out.contains("h1's memory holds exactly the 3172 bytes written"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    @Test
    void shouldLoseTheAtomicAckAndReplayTheAnswerWithoutAddingTwice() {
        CliRun run = CliRun.of("demo", "--lose", "atomic acknowledge");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        int lost = out.indexOf("ATOMIC Acknowledge");
        assertTrue(out.substring(lost, out.indexOf('\n', lost)).endsWith("lost on the way (--lose)"), out);
        int again = out.indexOf("FetchAdd", lost);
        assertTrue(again > lost && out.indexOf("ATOMIC Acknowledge", again) > again,
                "after the ACK timeout the FetchAdd goes again and is answered: " + out);
        // The responder answers the duplicate from its cache (IBA 9.7.5.2.4): 37 + 5 once.
        assertTrue(out.contains("original value returned to h0: 37; counter now 42"), out);
    }

    /**
     * Losing a packet and its seven resends (retry_cnt 7) fails the SEND with RETRY_EXC_ERR: the
     * client says so as rc_pingpong does and exits 1, its peer is stopped, the processes' files
     * close and take every object with them; the capture is written whole.
     */
    @Test
    void shouldEndThePingPongAsRcPingpongDoesWhenTheRetriesRunOut() throws IOException {
        Path pcap = dir.resolve("failed.pcap");
        Path trace = dir.resolve("failed.trace");
        String[] args = new String[2 + 2 * 8 + 4];
        args[0] = "demo";
        args[1] = "--quiet";
        for (int i = 0; i < 8; i++) {
            args[2 + 2 * i] = "--lose";
            args[3 + 2 * i] = "SEND Only";
        }
        args[args.length - 4] = "--pcap";
        args[args.length - 3] = pcap.toString();
        args[args.length - 2] = "--trace";
        args[args.length - 1] = trace.toString();
        CliRun run = CliRun.of(args);
        assertEquals(1, run.exit(), run.err());
        assertEquals("ibmodel: demo: h0 client: Failed status transport retry counter exceeded (12) for wr_id 2,"
                + " so rc_pingpong returned 1\n", run.err(), "exit 1 says why");
        String out = run.out();
        assertTrue(out.contains("h0 client: Failed status transport retry counter exceeded (12) for wr_id 2"), out);
        assertTrue(out.contains("summary: seed 1,") && out.contains("0 objects left allocated"), out);
        assertEquals(24, Files.size(pcap), "a whole capture: its header, no packet having crossed a link");
        assertTrue(Files.readString(trace).startsWith("# tracer: nop"), "the kernel trace is written too");

        String[] loudArgs = java.util.Arrays.copyOf(args, args.length - 4);
        loudArgs[1] = "--seed=1";
        CliRun loud = CliRun.of(loudArgs);
        assertTrue(loud.out().contains("rc_pingpong returns 1"), loud.out());
        assertTrue(loud.out().contains("h1 server: exit; uverbs0 has 0 files open"), loud.out());
    }

    /** A --lose that no packet of the run matched is said, not passed over in silence. */
    @Test
    void shouldSayWhichLossNeverHappened() {
        CliRun run = CliRun.of("demo", "--quiet", "--lose", "SEND Last with Immediate");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("--lose: no SEND Last with Immediate packet was sent\n"),
                "with no loss before it, none is spoken of: " + run.out());
        run = CliRun.of("demo", "--quiet", "--lose", "RDMA WRITE Middle", "--lose", "SEND Last with Immediate");
        assertTrue(run.out().contains(
                "--lose: no SEND Last with Immediate packet was sent after the ones lost before it"), run.out());
    }

    @Test
    void shouldNameThePacketsItCanLose() {
        CliRun run = CliRun.of("demo", "--lose", "WRITE Middle");
        assertEquals(2, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("one of: SEND First,") && run.err().contains("RDMA WRITE Middle"), run.err());
        assertEquals(2, CliRun.of("demo", "--single-host", "--lose", "Acknowledge").exit());
    }

    @Test
    void shouldCaptureEveryPacketOnEveryLink() throws IOException {
        Path pcap = dir.resolve("demo.pcap");
        CliRun run = CliRun.of("demo", "--quiet", "--pcap", pcap.toString());
        assertEquals(0, run.exit(), run.err());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "pcap magic");
        assertEquals(197, b.getInt(20), "link type ERF");
        int records = 0;
        for (int at = 24; at < b.limit(); records++) {
            at += 16 + b.getInt(at + 8);
        }
        // 20 packets, each crossing two links (host to switch, switch to host).
        assertEquals(40, records);
    }

    /**
     * A "wire" line's time is when the packet starts onto its first cable: the capture sees it
     * arrive one serialization (4X EDR) and one cable's delay later, the same delay for every
     * packet, so back-to-back packets of one message are told one serialization apart.
     */
    @Test
    void shouldTellEachPacketWhenItStartsOntoTheWire() throws IOException {
        Path pcap = dir.resolve("wire.pcap");
        CliRun run = CliRun.of("demo", "--pcap", pcap.toString());
        assertEquals(0, run.exit(), run.err());
        // The first frame of each packet in the capture: its arrival at the end of its first cable.
        java.util.Map<String, long[]> firstArrival = new java.util.HashMap<>();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 24; at < b.limit(); at += 16 + b.getInt(at + 8)) {
            int erf = at + 16;
            long ts = b.getLong(erf);
            long ns = (ts >>> 32) * 1_000_000_000L + ((ts & 0xffffffffL) * 1_000_000_000L + (1L << 31) >>> 32);
            ByteBuffer ib = b.duplicate().order(ByteOrder.BIG_ENDIAN);
            int wlen = ib.getShort(erf + 14) & 0xffff;
            int lrh = erf + 16;
            int slid = ib.getShort(lrh + 6) & 0xffff;
            int dlid = ib.getShort(lrh + 2) & 0xffff;
            int opcode = ib.get(lrh + 8) & 0xff;
            int psn = ib.getInt(lrh + 16) & 0xffffff;
            firstArrival.putIfAbsent(slid + ">" + dlid + " " + opcode + " " + psn, new long[] {ns, wlen});
        }
        Matcher m = Pattern.compile(
                "t=\\s*(\\d+)\\.(\\d{3}) us  wire LID (\\d+) -> (\\d+)  (.+?)\\s+psn 0x(\\p{XDigit}{6})")
                .matcher(run.out());
        java.util.Set<Long> delays = new java.util.TreeSet<>();
        int told = 0;
        List<Long> writeStarts = new java.util.ArrayList<>();
        while (m.find()) {
            long wireNs = Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2));
            org.ibmodel.sim.wire.Opcode op = org.ibmodel.sim.wire.Opcode.values()[0];
            for (org.ibmodel.sim.wire.Opcode o : org.ibmodel.sim.wire.Opcode.values()) {
                if (o.ibtaName().equals(m.group(5)) && o.value() < 0x20) {
                    op = o;
                }
            }
            String key = m.group(3) + ">" + m.group(4) + " " + op.value() + " " + Integer.parseInt(m.group(6), 16);
            long[] arrival = firstArrival.get(key);
            assertTrue(arrival != null, "no frame in the capture for " + m.group());
            long ser = org.ibmodel.sim.fabric.LinkSpeed.EDR.serializationNs(arrival[1],
                    org.ibmodel.sim.fabric.LinkWidth.WIDTH_4X);
            delays.add(arrival[0] - wireNs - ser);
            if (m.group(5).startsWith("RDMA WRITE")) {
                writeStarts.add(wireNs);
            }
            told++;
        }
        assertEquals(20, told, run.out());
        // One cable delay, give or take the nanosecond the ERF timestamp rounds to.
        assertTrue(delays.size() <= 2 && ((java.util.TreeSet<Long>) delays).last()
                - ((java.util.TreeSet<Long>) delays).first() <= 1, "delay after serialization: " + delays);
        assertEquals(4, writeStarts.size(), writeStarts.toString());
        for (int i = 1; i < writeStarts.size(); i++) {
            assertTrue(writeStarts.get(i) > writeStarts.get(i - 1), "one after another: " + writeStarts);
        }
    }

    @Test
    void shouldShowTheHcaFailTheResetAndANewPingPong() {
        CliRun run = CliRun.of("demo", "--catas");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        String[] inOrder = {
            "A catastrophic error on h0's HCA",
            "h0: the driver's poll of the buffer (mlx4's poll_catas, every 5 s) finds catas_cause 1",
            // mlx4's log of it: poll_catas's dump_err_buf, then mlx4_enter_error_state.
            "h0: dmesg: 0000:03:00.0: Internal error detected:",
            "h0: dmesg: 0000:03:00.0:   buf[00]: 00000001",
            "h0: dmesg: 0000:03:00.0: device is going to be reset",
            // mlx4_enter_error_state after mlx4_reset's wait: the log line, the catastrophic event
            // to mlx4_ib (mlx4_ib_handle_catas_error, then IB_EVENT_DEVICE_FATAL), and only then
            // mlx4_handle_error_state's restart, whose probe issues the commands.
            "h0: a second after the reset (mlx4_reset waits that long",
            "h0: dmesg: 0000:03:00.0: device was reset successfully",
            "h0: dmesg: <mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error was started",
            "h0: dmesg: <mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error ended",
            "h0: IB_EVENT_DEVICE_FATAL; the driver tears the device down",
            "h0: firmware finishes QUERY_FW: OK",
            "h0: firmware finishes INIT_HCA: OK",
            "h0: a new hca0 is registered",
            "h0 client: ibv_get_async_event: read() of the async fd (4) -> IBV_EVENT_DEVICE_FATAL",
            "the driver's event through ib_core, then uverbs' own as it took the device away",
            "ibv_poll_cq(cq, 2) -> -1, errno EIO: the device is gone",
            "write(3, IB_USER_VERBS_CMD_DESTROY_QP, 24) = 24",
            "h0 client: exit; uverbs0 has 0 files open, hca0 0 objects",
            "h0: hca0 port 1 IB_PORT_INIT, LID 0",
            "h0: hca0 port 1 IB_PORT_ACTIVE, LID 1",
            "rc_pingpong starts again on both hosts, on the new hca0",
            "h0 received \"pong 1\"",
            "Tear down",
        };
        assertInOrder(out, inOrder);
        assertTrue(out.contains("0 objects left allocated"), out);
        // The second ping-pong adds four SENDs and their ACKs, and eight completions.
        String quiet = CliRun.of("demo", "--quiet", "--catas").out();
        assertTrue(quiet.startsWith("summary: seed 1, 28 packets, 19 work completions"), quiet);
    }

    @Test
    void shouldShowACommandTimeOutTheResetAndANewPingPong() {
        CliRun run = CliRun.of("demo", "--hang");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        String[] inOrder = {
            "The firmware of h0's HCA stops answering commands",
            "h0 client: ibv_destroy_qp",
            "write(3, IB_USER_VERBS_CMD_DESTROY_QP, 24) = 24",
            "t=60000029.204 us  h0: dmesg: 0000:03:00.0: command 0x21 timed out (go bit not cleared)",
            "h0: the driver's 2RST_QP waited 60 s of virtual time",
            "h0 client: ibv_destroy_cq",
            "h0 client: exit; uverbs0 has 0 files open, hca0 0 objects",
            "h0: dmesg: 0000:03:00.0: device is going to be reset",
            "h0: a second after the reset (mlx4_reset waits that long",
            "h0: dmesg: 0000:03:00.0: device was reset successfully",
            "h0: IB_EVENT_DEVICE_FATAL; the driver tears the device down",
            "h0: firmware finishes QUERY_FW: OK",
            "h0: the reset cleared the hang; a new hca0 is registered",
            "h1 server: exit; uverbs0 has 0 files open, hca0 0 objects",
            "h0: hca0 port 1 IB_PORT_ACTIVE, LID 1",
            "rc_pingpong starts again on both hosts, on the new hca0",
            "h0 received \"pong 1\"",
            "Tear down",
        };
        assertInOrder(out, inOrder);
        assertTrue(out.contains("0 objects left allocated"), out);
        String quiet = CliRun.of("demo", "--quiet", "--hang").out();
        assertTrue(quiet.startsWith("summary: seed 1, 28 packets, 19 work completions, 61"), quiet);
    }

    /**
     * --mads: the MAD layer loaded on both hosts, a directed-route SubnGet(NodeInfo) from h0's
     * kernel answered by h1's firmware through process_mad, a PortCounters Get too, and all of it
     * unloaded again before the summary counts what is left.
     */
    @Test
    void shouldAskTheServersHcaThroughTheMadLayer() {
        CliRun run = CliRun.of("demo", "--mads");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertInOrder(out,
            "Beyond rc_pingpong: MADs. h0's kernel asks h1's HCA for its NodeInfo along a directed route",
            "h0, h1: ib_core's MAD layer opens port 1",
            "h1: firmware finishes RTR2RTS_QP: OK",
            "h0 kernel: ib_register_mad_agent on QP0, for responses only",
            "directed route 0,1,2",
            "the SMI moved HopPointer to 1 (IBA C14-9:1)",
            "wire LID 65535 -> 65535  UD SEND Only                 psn 0x000000  dest qp 0x000000\n",
            "h1: firmware finishes MAD_IFC: OK",
            "wire LID 65535 -> 65535  UD SEND Only                 psn 0x000000  dest qp 0x000000\n",
            "the switch's SMI passed it out of its port 2, HopPointer 2 (C14-9:2)",
            "h0 kernel: GetResp, status 0x8000 (D), HopPointer 0: back at the SM's end (C14-13:3); ReturnPath 1,1",
            "h1's NodeInfo: NodeType 1 (channel adapter), NumPorts 1, NodeGUID 0x0002c90300020000",
            "h0 kernel: a second agent, on QP1",
            "PerfMgt Get(PortCounters) of port 1 to LID 2, QP1",
            "wire LID 1 -> 2  UD SEND Only",
            "wire LID 2 -> 1  UD SEND Only",
            "h1's port 1 counters: PortXmitData",
            "SubnSet(P_KeyTable) block 0 to LID 2: 0xffff kept, 0x8001 added",
            "h1: the firmware's SMA wrote the block and posted a PORT_MNG_CHG EQE (P_KeyTable)",
            "which now has 0x8001 at index 1, and raised IB_EVENT_PKEY_CHANGE",
            "the agents unregistered and the MAD layer unloaded",
            "Tear down");
        assertFalse(out.contains("dest qp 0x000000  (again)"), "a MAD answer is no resend: " + out);
        assertTrue(out.contains("summary: seed 1, 26 packets, 11 work completions"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
        CliRun single = CliRun.of("demo", "--single-host", "--mads");
        assertEquals(2, single.exit());
        assertTrue(single.err().contains("--mads needs the fabric"), single.err());
    }

    @Test
    void shouldRefuseAHangWithoutTheHcaOrWithACatastrophe() {
        CliRun single = CliRun.of("demo", "--single-host", "--hang");
        assertEquals(2, single.exit());
        assertTrue(single.err().contains("--hang needs the HCA"), single.err());
        CliRun both = CliRun.of("demo", "--catas", "--hang");
        assertEquals(2, both.exit());
        assertTrue(both.err().contains("give one of them"), both.err());
    }

    /**
     * --spec-trace: the client's driver's commands as an HcaCommands trace, the hang's timeout,
     * error state and restart in it, and ibmodel validate takes it; the catastrophic error's too.
     */
    @Test
    void shouldWriteTheCommandsAsATraceThatValidates() throws IOException {
        Path hang = dir.resolve("hang.ndjson");
        CliRun run = CliRun.of("demo", "--quiet", "--hang", "--spec-trace", hang.toString());
        assertEquals(0, run.exit(), run.err());
        String text = Files.readString(hang);
        assertTrue(text.startsWith("{\"trace\":\"ibmodel-spec\",\"specs\":[\"HcaCommands\"],\"seed\":1,\"host\":\"h0\","
                + "\"fault\":\"HANG\"}\n"), text);
        assertInOrder(text, "\"ev\":\"CmdIssue\",\"op\":\"RST2INIT_QP\"", "\"ev\":\"CmdHang\"",
                "\"ev\":\"CmdIssue\",\"op\":\"RST_QP\",\"answered\":false", "\"ev\":\"CmdTimeOut\"",
                "\"ev\":\"CmdIssue\",\"op\":\"HW2SW_CQ\",\"answered\":true", "\"ev\":\"CmdResetAndRestart\"",
                "\"ev\":\"CmdPost\",\"cmd\":");
        Path again = dir.resolve("again.ndjson");
        assertEquals(0, CliRun.of("demo", "--quiet", "--hang", "--spec-trace", again.toString()).exit());
        assertEquals(text, Files.readString(again), "the same seed writes the same trace");
        CliRun valid = CliRun.of("validate", hang.toString());
        assertEquals(0, valid.exit(), valid.out() + valid.err());
        assertTrue(valid.out().contains("a behaviour of HcaCommands"), valid.out());

        Path catas = dir.resolve("catas.ndjson");
        assertEquals(0, CliRun.of("demo", "--quiet", "--catas", "--spec-trace", catas.toString()).exit());
        assertTrue(Files.readString(catas).contains("\"ev\":\"CmdCatas\""));
        assertEquals(0, CliRun.of("validate", catas.toString()).exit());

        CliRun single = CliRun.of("demo", "--single-host", "--spec-trace", dir.resolve("no.ndjson").toString());
        assertEquals(2, single.exit());
        assertTrue(single.err().contains("--spec-trace needs the HCA"), single.err());
        assertTrue(Files.notExists(dir.resolve("no.ndjson")));
    }

    /** Each of {@code lines} appears in {@code out}, each after the one before. */
    private static void assertInOrder(String out, String... lines) {
        int at = 0;
        for (String line : lines) {
            int i = out.indexOf(line, at);
            assertTrue(i >= 0, "after offset " + at + ": " + line + "\n" + out);
            at = i + line.length();
        }
    }

    @Test
    void shouldRefuseACatastropheWithoutTheHca() {
        CliRun run = CliRun.of("demo", "--single-host", "--catas");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--catas needs the HCA"), run.err());
    }

    @Test
    void shouldRefuseACaptureWithoutAFabric() {
        CliRun run = CliRun.of("demo", "--single-host", "--pcap", dir.resolve("x.pcap").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--pcap needs the fabric"), run.err());
    }
}
