package org.ibmodel.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ibmodel uverbs-exec SCRIPT}: raw uverbs syscalls from a script (the help below gives its
 * format and output), one JSON object per script line, on one host with one device whose
 * character device is uverbs0. Deterministic: the script alone decides the output.
 */
@Command(name = "uverbs-exec", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Run raw uverbs syscalls from a script, one JSON line per line.",
            "",
            "  process P            later lines act as process P (default p1)",
            "  open F               open /dev/infiniband/uverbs0 as file F",
            "  write F <hex>        write() a command (ib_uverbs_cmd_hdr + body; an extended",
            "                       one has ib_uverbs_ex_cmd_hdr after the header)",
            "  mmap ADDR LEN        map LEN (decimal) zeroed bytes of user memory at ADDR (hex;",
            "                       below 10000, vm.mmap_min_addr, it is EPERM)",
            "  poke ADDR <hex>      store bytes into user memory",
            "  peek ADDR LEN        print user memory",
            "  read fdN LEN         read() an event fd the kernel returned: with nothing",
            "                       queued it sleeps while the host runs, until an event",
            "                       comes (EINTR if none can; EAGAIN once made O_NONBLOCK)",
            "  nonblock fdN         fcntl(F_SETFL) the fd's flags with O_NONBLOCK added",
            "  poll fdN             poll() it for POLLIN with timeout 0: ret 1 or 0, and",
            "                       \"revents\"",
            "  close F | fdN        close a file",
            "  exit                 end the current process, closing everything",
            "",
            "Output: {\"line\":N,\"ret\":R,\"errno\":\"EINVAL\"|null} (+ \"fd\" for open,",
            "\"data\" for peek and read). A failing syscall has ret -1.",
            "A process may pin 8 MiB with REG_MR (RLIMIT_MEMLOCK's default, no CAP_IPC_LOCK):",
            "a registration past it fails with ENOMEM, as ib_umem_get does. Nor has it",
            "CAP_NET_RAW: MODIFY_QP to a controlled Q_Key (bit 31 set) fails with EPERM.",
            "Exit 0; 2 for a bad script line; 1 if objects outlive every process."})
final class UverbsExecCommand implements Callable<Integer> {
    /**
     * The machine under uverbs0: one host of a simulated world, with the HCA driver and the
     * simulated HCA, its port up on a switch. After each syscall the world runs until idle.
     */
    static final MachineFactory HCA = () -> {
        World world = World.of(1, 1);
        Host host = world.host(0);
        return new Machine(host.kernel(), host.memory(), host.core(), host.driver(0).device(), world::settle);
    };

    /** What a script runs on: a kernel, its memory, ib_core with its one device, and a way to let time pass. */
    record Machine(Kernel kernel, HostMemory memory, IbCore core, IbDevice device, Runnable settle) {
    }

    /** Makes the machine of one run. */
    @FunctionalInterface
    interface MachineFactory {
        Machine create();
    }

    /** The most pages one process may map (64 MiB). */
    static final int MAX_PAGES = 16384;
    /** The largest peek or read a script may ask for. */
    static final int MAX_LEN = 1 << 20;

    /** The longest script read: far past any written by hand, short of /dev/zero's endless one. */
    static final int MAX_SCRIPT = 64 << 20;

    @Parameters(index = "0", paramLabel = "SCRIPT", description = "the script file")
    Path script;

    @Spec
    CommandSpec spec;

    /** The script's lines, split as Files.readAllLines does, from at most MAX_SCRIPT bytes of UTF-8. */
    static List<String> readScript(Path script) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(script)) {
            bytes = in.readNBytes(MAX_SCRIPT + 1);
        }
        if (bytes.length > MAX_SCRIPT) {
            throw new BadInputException(script + ": longer than " + (MAX_SCRIPT >> 20) + " MiB, so not a script");
        }
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        // A byte-order mark some editors write is no part of the first command.
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new BufferedReader(new StringReader(text)).lines().toList();
    }

    @Override
    public Integer call() {
        List<String> lines;
        try {
            lines = readScript(script);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInputException(script + ": not UTF-8 text, so not a script");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(script + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + script + ": " + Main.readFailure(e));
        }
        var out = spec.commandLine().getOut();
        Run run = new Run(HCA.create());
        for (int i = 0; i < lines.size(); i++) {
            String json;
            try {
                json = run.line(i + 1, lines.get(i));
            } catch (BadInputException e) {
                throw new BadInputException(script + ":" + e.getMessage());
            }
            if (json != null) {
                out.println(json);
            }
        }
        out.flush();
        String leak = run.finish();
        if (leak != null) {
            spec.commandLine().getErr().println("ibmodel: " + leak);
            return Main.EXIT_CHECK_FAILED;
        }
        return Main.EXIT_OK;
    }

    /** One script run: a host, its processes, and the names the script gave their files. */
    static final class Run {
        private final HostMemory memory;
        private final IbDevice device;
        private final Runnable settle;
        private final UverbsDevice uverbs0;
        private final Map<String, Task> tasks = new LinkedHashMap<>();
        private final Map<Task, Map<String, Integer>> names = new HashMap<>();
        private String current = "p1";

        Run(Machine m) {
            memory = m.memory();
            device = m.device();
            settle = m.settle();
            Uverbs uverbs = new Uverbs();
            m.core().registerClient(uverbs);
            settle.run();
            uverbs0 = uverbs.device("uverbs0");
        }

        private Task task() {
            return tasks.computeIfAbsent(current, n -> {
                Task t = new Task(n, new UserAddressSpace(memory, MAX_PAGES));
                names.put(t, new HashMap<>());
                return t;
            });
        }

        /** Runs one line; its JSON, or null for blank and comment lines. */
        String line(int no, String raw) {
            int hash = raw.indexOf('#');
            String text = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (text.isEmpty()) {
                return null;
            }
            String[] tok = text.split("\\s+");
            try {
                String json = exec(no, tok);
                // Once the syscall returns the world runs on: the HCA, the wire, interrupts, work items.
                settle.run();
                return json;
            } catch (BadInputException e) {
                throw new BadInputException(no + ": " + e.getMessage());
            }
        }

        private String exec(int no, String[] tok) {
            String verb = tok[0];
            switch (verb) {
                case "process" -> {
                    args(tok, 2, "process P");
                    current = tok[1];
                    return json(no, 0, null);
                }
                case "open" -> {
                    args(tok, 2, "open F");
                    Task t = task();
                    Integer old = names.get(t).get(tok[1]);
                    if (old != null && t.file(old) != null) {
                        throw new BadInputException("file " + tok[1] + " is already open");
                    }
                    int fd = uverbs0.open(t);
                    names.get(t).put(tok[1], fd);
                    String j = json(no, fd, null);
                    return j.substring(0, j.length() - 1) + ",\"fd\":" + fd + "}";
                }
                case "write" -> {
                    if (tok.length < 3) {
                        throw new BadInputException("usage: write F <hex bytes>");
                    }
                    Task t = task();
                    int fd = name(t, tok[1]);
                    return json(no, t.write(fd, hex(tok, 2)), null);
                }
                case "mmap" -> {
                    args(tok, 3, "mmap ADDR LEN");
                    return json(no, task().mm().mmap(addr(tok[1]), len(tok[2])), null);
                }
                case "poke" -> {
                    if (tok.length < 3) {
                        throw new BadInputException("usage: poke ADDR <hex bytes>");
                    }
                    byte[] b = hex(tok, 2);
                    int ret = task().mm().copyToUser(addr(tok[1]), b, 0, b.length);
                    return json(no, ret, null);
                }
                case "peek" -> {
                    args(tok, 3, "peek ADDR LEN");
                    int n = bounded(tok[2]);
                    byte[] b = new byte[n];
                    int ret = task().mm().copyFromUser(b, 0, addr(tok[1]), n);
                    return json(no, ret == 0 ? n : ret, ret == 0 ? b : null);
                }
                case "read" -> {
                    args(tok, 3, "read fdN LEN");
                    OpenFile.ReadResult r = task().read(fdArg(tok[1]), bounded(tok[2]));
                    return json(no, r.ret(), r.ret() >= 0 ? r.data() : null);
                }
                case "nonblock" -> {
                    args(tok, 2, "nonblock fdN");
                    int fd = fdArg(tok[1]);
                    int flags = task().fcntl(fd, Task.F_GETFL, 0);
                    return json(no, flags < 0 ? flags : task().fcntl(fd, Task.F_SETFL, flags | OpenFile.O_NONBLOCK),
                            null);
                }
                case "poll" -> {
                    args(tok, 2, "poll fdN");
                    int revents = task().poll(fdArg(tok[1]), OpenFile.POLLIN);
                    String j = json(no, revents == 0 ? 0 : 1, null);
                    return j.substring(0, j.length() - 1) + ",\"revents\":" + revents + "}";
                }
                case "close" -> {
                    args(tok, 2, "close F | fdN");
                    Task t = task();
                    int fd = tok[1].matches("fd\\d+") ? fdArg(tok[1]) : name(t, tok[1]);
                    return json(no, t.close(fd), null);
                }
                case "exit" -> {
                    args(tok, 1, "exit");
                    Task t = tasks.remove(current);
                    if (t != null) {
                        t.exit();
                        names.remove(t);
                    }
                    return json(no, 0, null);
                }
                default -> throw new BadInputException("unknown command '" + verb + "'");
            }
        }

        /** Every process exits; a leak message if any ib_core object survives. */
        String finish() {
            for (Task t : List.copyOf(tasks.values())) {
                t.exit();
            }
            tasks.clear();
            settle.run();
            if (device.liveTotal() != 0) {
                return "objects left on " + device.name() + " after every process exited: " + device.liveSummary();
            }
            return null;
        }

        private int name(Task t, String f) {
            Integer fd = names.get(t).get(f);
            if (fd == null) {
                throw new BadInputException("no file named " + f + " in process " + t.name());
            }
            return fd;
        }

        private static void args(String[] tok, int n, String usage) {
            if (tok.length != n) {
                throw new BadInputException("usage: " + usage);
            }
        }

        private static int fdArg(String s) {
            if (!s.matches("fd\\d{1,9}")) {
                throw new BadInputException("expected fdN, got '" + s + "'");
            }
            return Integer.parseInt(s.substring(2));
        }

        private static long addr(String s) {
            String h = s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
            if (!h.matches("[0-9a-fA-F]{1,16}")) {
                throw new BadInputException("bad address '" + s + "'");
            }
            return Long.parseUnsignedLong(h, 16);
        }

        private static long len(String s) {
            long v;
            if (s.matches("0[xX][0-9a-fA-F]{1,8}")) {
                v = Long.parseLong(s.substring(2), 16);
            } else if (s.matches("\\d{1,10}")) {
                v = Long.parseLong(s);
            } else {
                throw new BadInputException("bad length '" + s + "'");
            }
            return v;
        }

        private static int bounded(String s) {
            long v = len(s);
            if (v > MAX_LEN) {
                throw new BadInputException("length " + s + " above " + MAX_LEN);
            }
            return (int) v;
        }

        private static byte[] hex(String[] tok, int from) {
            StringBuilder sb = new StringBuilder();
            for (int i = from; i < tok.length; i++) {
                sb.append(tok[i]);
            }
            String h = sb.toString();
            if (h.length() % 2 != 0 || !h.matches("[0-9a-fA-F]*")) {
                throw new BadInputException("bad hex bytes '" + h + "'");
            }
            return HexFormat.of().parseHex(h);
        }

        private static String json(int line, long ret, byte[] data) {
            StringBuilder sb = new StringBuilder("{\"line\":").append(line);
            if (ret < 0 && ret >= -4095) {
                sb.append(",\"ret\":-1,\"errno\":\"").append(Errno.ofNumber((int) ret).name()).append('"');
            } else {
                sb.append(",\"ret\":").append(ret).append(",\"errno\":null");
            }
            if (data != null) {
                sb.append(",\"data\":\"").append(HexFormat.of().formatHex(data)).append('"');
            }
            return sb.append('}').toString();
        }
    }
}
