package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.uverbs.UverbsApi;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UverbsExecCommandTest {
    @TempDir
    Path dir;

    private record Out(int code, String out, String err) {
    }

    private Out run(String script) throws IOException {
        Path f = dir.resolve("s.uv");
        Files.writeString(f, script);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out), new PrintWriter(err), "uverbs-exec", f.toString());
        return new Out(code, out.toString(), err.toString());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static final String SCRIPT = String.join("\n",
            "# a context, a PD, and hostile writes",
            "mmap 10000 4096",
            "open u",
            "write u " + hex(Commands.getContext(0x10000)),
            "peek 10000 8",
            "write u " + hex(Commands.allocPd(0x10000)),
            "write u " + hex(Commands.allocPd(0x9990000)),
            "write u 01000000",
            "write u " + hex(Commands.deallocPd(7)),
            "process p2",
            "open v",
            "write v " + hex(Commands.getContext(0x10000)),
            "process p1",
            "read fd4 16",
            "close u",
            "read fd4 16",
            "exit",
            "");

    /** The help's promise: 8 MiB of REG_MR per process, RLIMIT_MEMLOCK's default; past it ENOMEM. */
    @Test
    void shouldRefuseARegistrationPastTheMemlockLimitWithEnomem() throws IOException {
        int mib = 1 << 20;
        Out o = run(String.join("\n",
                "mmap 10000 4096",
                "mmap 1000000 " + 9 * mib,
                "open u",
                "write u " + hex(Commands.getContext(0x10000)),
                "write u " + hex(Commands.allocPd(0x10000)),
                "write u " + hex(Commands.regMr(0x10000, 0, 0x100_0000, 8 * mib, 0x100_0000, 1)),
                "write u " + hex(Commands.regMr(0x10000, 0, 0x100_0000, 4096, 0x100_0000, 1)),
                "write u " + hex(Commands.deregMr(1)),
                "write u " + hex(Commands.regMr(0x10000, 0, 0x100_0000, 9 * mib, 0x100_0000, 1)),
                "exit", ""));
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().split("\n");
        assertTrue(lines[5].contains("\"errno\":null"), "8 MiB fits: " + lines[5]);
        assertTrue(lines[6].contains("\"errno\":\"ENOMEM\""), "one page more does not: " + lines[6]);
        assertTrue(lines[7].contains("\"errno\":null"), "dereg gives the 8 MiB back: " + lines[7]);
        assertTrue(lines[8].contains("\"errno\":\"ENOMEM\""), "9 MiB at once does not fit: " + lines[8]);
    }

    @Test
    void shouldPrintOneJsonLinePerSyscall() throws IOException {
        Out o = run(SCRIPT);
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().split("\n");
        assertEquals("{\"line\":3,\"ret\":3,\"errno\":null,\"fd\":3}", lines[1]);
        assertEquals("{\"line\":4,\"ret\":16,\"errno\":null}", lines[2]);
        // GET_CONTEXT's response: async_fd 4, num_comp_vectors 2 (the HCA's completion EQs).
        assertEquals("{\"line\":5,\"ret\":8,\"errno\":null,\"data\":\"0400000002000000\"}", lines[3]);
        assertEquals("{\"line\":7,\"ret\":-1,\"errno\":\"EFAULT\"}", lines[5]);
        assertEquals("{\"line\":8,\"ret\":-1,\"errno\":\"EINVAL\"}", lines[6]);
        assertEquals("{\"line\":9,\"ret\":-1,\"errno\":\"ENOENT\"}", lines[7]);
        // p2 writes to its own file: its first PD would be handle 0 there too.
        assertEquals("{\"line\":12,\"ret\":-1,\"errno\":\"EFAULT\"}", lines[10]);
        // A blocking read with nothing queued and nothing left to queue one is ended, not left asleep.
        assertEquals("{\"line\":14,\"ret\":-1,\"errno\":\"EINTR\"}", lines[12]);
        // The async queue stays open after the context is closed (uverbs_async_event_destroy_uobj).
        assertEquals("{\"line\":16,\"ret\":-1,\"errno\":\"EINTR\"}", lines[14]);
    }

    /** mmap below vm.mmap_min_addr is refused with EPERM, as cap_mmap_addr refuses it. */
    @Test
    void shouldRefuseAMappingBelowMmapMinAddr() throws IOException {
        Out o = run(String.join("\n", "mmap 0 4096", "mmap f000 4096", "mmap 10000 4096", "exit", ""));
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().split("\n");
        assertEquals("{\"line\":1,\"ret\":-1,\"errno\":\"EPERM\"}", lines[0]);
        assertEquals("{\"line\":2,\"ret\":-1,\"errno\":\"EPERM\"}", lines[1]);
        assertEquals("{\"line\":3,\"ret\":65536,\"errno\":null}", lines[2]);
    }

    /** A byte-order mark before the first command, as some editors save a file, is no part of it. */
    @Test
    void shouldReadAScriptThatStartsWithAByteOrderMark() throws IOException {
        Out plain = run(SCRIPT);
        Out bom = run("\uFEFF" + SCRIPT);
        assertEquals(0, bom.code(), bom.err());
        assertEquals(plain.out(), bom.out());
    }

    /** poll() and O_NONBLOCK on the async fd: a port event makes it readable, then it is empty again. */
    @Test
    void shouldPollAnEventFdAndReadItWithoutBlocking() throws IOException {
        Out o = run(String.join("\n",
                "mmap 10000 4096",
                "open u",
                "write u " + hex(Commands.getContext(0x10000)),
                "poll fd4",
                "nonblock fd4",
                "read fd4 16",
                "poll fd3",
                "poll fd9",
                "nonblock fd9",
                "exit", ""));
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().split("\n");
        assertEquals("{\"line\":4,\"ret\":0,\"errno\":null,\"revents\":0}", lines[3], "nothing queued");
        assertEquals("{\"line\":5,\"ret\":0,\"errno\":null}", lines[4]);
        assertEquals("{\"line\":6,\"ret\":-1,\"errno\":\"EAGAIN\"}", lines[5]);
        // The command fd has no poll op: DEFAULT_POLLMASK's POLLIN. A closed fd: POLLNVAL.
        assertEquals("{\"line\":7,\"ret\":1,\"errno\":null,\"revents\":1}", lines[6]);
        assertEquals("{\"line\":8,\"ret\":1,\"errno\":null,\"revents\":32}", lines[7]);
        assertEquals("{\"line\":9,\"ret\":-1,\"errno\":\"EBADF\"}", lines[8]);
    }

    @Test
    void shouldGiveTheSameOutputEveryRun() throws IOException {
        assertEquals(run(SCRIPT).out(), run(SCRIPT).out());
    }

    @Test
    void shouldRejectABadLineWithItsNumber() throws IOException {
        Out o = run("open u\nwrite u zz\n");
        assertEquals(2, o.code());
        // FILE:LINE, as replay and validate name a bad line.
        assertEquals("ibmodel: " + dir.resolve("s.uv") + ":2: bad hex bytes 'zz'", o.err().strip());
        assertEquals(2, run("frobnicate\n").code());
        assertEquals(2, run("write nosuch 00\n").code());
    }

    @Test
    void shouldSayABinaryOrMissingFileIsNoScript() throws IOException {
        Path bin = Files.write(dir.resolve("bin"), new byte[] {(byte) 0xc3, 0x28, 0x0a, (byte) 0xff});
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "uverbs-exec", bin.toString()));
        assertTrue(err.toString().contains("not UTF-8 text"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "uverbs-exec",
                dir.resolve("absent").toString()));
        assertTrue(err.toString().contains("no such file"), err.toString());
    }

    /** /dev/zero, one endless line: refused once the read passes any script's length, not read forever. */
    @Test
    void shouldRefuseAScriptLongerThanAnyScript() throws IOException {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(zero), "no /dev/zero on this machine");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "uverbs-exec", zero.toString()));
        assertEquals("ibmodel: /dev/zero: longer than 64 MiB, so not a script", err.toString().strip());
        assertEquals("", out.toString());
    }

    /**
     * Script lines 1-6: memory, uverbs0 as u, a context, PD 0, CQ 1 and a QP (handle 2) of
     * ib_qp_type {@code qpType} on them.
     */
    private static String objects(int qpType) {
        return String.join("\n",
                "mmap 20000 8192",
                "open u",
                "write u " + hex(Commands.getContext(0x20000)),
                "write u " + hex(Commands.allocPd(0x20000)),
                "write u " + hex(Commands.createCq(0x20000, 1, 16, -1)),
                "write u " + hex(Commands.createQp(0x20000, 2, 0, 1, 1, -1, qpType, 4, 1)));
    }

    // The script runs on the HCA: the objects are made by firmware commands and a QP's queues
    // live in host memory, and nothing survives the process.
    @Test
    void shouldCreateCqAndQpOnTheHcaAndLeaveNothingBehind() throws IOException {
        String script = String.join("\n",
                objects(2),
                "peek 20000 8",
                "write u " + hex(Commands.destroyQp(0x20000, 2)),
                "write u " + hex(Commands.destroyCq(0x20000, 1)),
                "exit",
                "");
        Out o = run(script);
        assertEquals(0, o.code(), o.err() + o.out());
        String[] lines = o.out().split("\n");
        for (int i = 2; i <= 5; i++) {
            assertTrue(lines[i].contains("\"errno\":null"), lines[i]);
        }
        // create_qp's response: the QP handle (one handle space per file, so 2) and QPN 0x40, the HCA's first.
        assertTrue(lines[6].startsWith("{\"line\":7,\"ret\":8,\"errno\":null,\"data\":\"0200000040000000\""), lines[6]);
        assertTrue(lines[7].contains("\"errno\":null") && lines[8].contains("\"errno\":null"), o.out());
    }

    /** The help's promise: a write may be an extended command, the ex header after the header. */
    @Test
    void shouldRunExtendedCommandsOnTheHca() throws IOException {
        String script = String.join("\n",
                objects(2),
                "write u " + hex(Command.writeEx(UverbsApi.EX_MODIFY_CQ, new IbUserVerbs.ExModifyCq().cqHandle(1)
                        .attrMask(IbUserVerbs.ExModifyCq.ATTR_MODERATE).cqCount(16).cqPeriod(50).toBytes(), 0, 0)),
                "write u " + hex(Command.writeEx(UverbsApi.EX_QUERY_DEVICE, new byte[8], 0x20000,
                        IbUserVerbs.ExQueryDeviceResp.SIZE)),
                "peek 20118 4",
                "exit",
                "");
        Out o = run(script);
        assertEquals(0, o.code(), o.err() + o.out());
        String[] lines = o.out().split("\n");
        assertTrue(lines[6].startsWith("{\"line\":7,\"ret\":40,\"errno\":null"), "EX_MODIFY_CQ: " + lines[6]);
        assertTrue(lines[7].contains("\"errno\":null"), "EX_QUERY_DEVICE: " + lines[7]);
        assertTrue(lines[8].contains("\"data\":\"ffffffff\""), "its CQ moderation caps: " + lines[8]);
    }

    /** The help's promise: a script's process has no CAP_NET_RAW, so a controlled Q_Key is EPERM. */
    @Test
    void shouldRefuseAControlledQkeyToAScriptsProcess() throws IOException {
        int init = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT, QpAttrMask.QKEY);
        java.util.function.IntFunction<String> toInit = qkey -> "write u " + hex(Commands.modifyQp(
                new IbUserVerbs.ModifyQp().qpHandle(2).attrMask(init).qpState(1).portNum(1).qkey(qkey)));
        Out o = run(String.join("\n", objects(4), toInit.apply(0x8001_0000), toInit.apply(0x1111_0000),
                "exit", ""));
        assertEquals(0, o.code(), o.err() + o.out());
        String[] lines = o.out().split("\n");
        assertTrue(lines[6].contains("\"errno\":\"EPERM\""), "QP1's Q_Key: " + lines[6]);
        assertTrue(lines[7].contains("\"errno\":null"), "an ordinary one: " + lines[7]);
    }

    // Multicast through uverbs, ib_core and the HCA driver's MGM table: an attached QP is held,
    // and the process's exit detaches what it left attached before the QP goes.
    @Test
    void shouldAttachAUdQpToAGroupOnTheHcaAndDetachItOnExit() throws IOException {
        byte[] mgid = new byte[16];
        mgid[0] = (byte) 0xff;
        mgid[1] = 0x12;
        mgid[15] = 1;
        String script = String.join("\n",
                objects(4),
                "write u " + hex(Commands.attachMcast(2, mgid, 0xC001)),
                "write u " + hex(Commands.destroyQp(0x20000, 2)),
                "write u " + hex(Commands.detachMcast(2, mgid, 0xC001)),
                "write u " + hex(Commands.detachMcast(2, mgid, 0xC001)),
                "write u " + hex(Commands.attachMcast(2, mgid, 0xC001)),
                "exit",
                "");
        Out o = run(script);
        assertEquals(0, o.code(), "nothing outlives the process: " + o.err() + o.out());
        String[] lines = o.out().split("\n");
        assertTrue(lines[6].contains("\"errno\":null"), "attach: " + lines[6]);
        assertTrue(lines[7].contains("\"errno\":\"EBUSY\""), "destroy while attached: " + lines[7]);
        assertTrue(lines[8].contains("\"errno\":null"), "detach: " + lines[8]);
        assertTrue(lines[9].contains("\"errno\":\"EINVAL\""), "detach again: " + lines[9]);
        assertTrue(lines[10].contains("\"errno\":null"), "attach again, left for exit: " + lines[10]);
    }
}
