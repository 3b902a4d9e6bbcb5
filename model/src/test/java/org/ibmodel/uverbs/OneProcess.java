package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.kernel.Task;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.Le;

/**
 * A host of the in-memory device (its driver ops passed through {@code wrap}) and one process
 * with 64 KiB mapped at {@link #MEM}, the response area, and uverbs0 open.
 */
final class OneProcess {
    static final long MEM = 0x10000;
    static final long RESP = MEM;

    final UverbsHost host;
    final Task p;
    final int fd;

    OneProcess(UnaryOperator<DeviceOps> wrap) {
        host = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1, wrap));
        p = host.spawn("p1");
        assertEquals(MEM, p.mm().mmap(MEM, 0x10000));
        fd = host.uverbs0().open(p);
    }

    /** write() of one command, then whatever work it queued. */
    long w(byte[] cmd) {
        long r = p.write(fd, cmd);
        host.run();
        return r;
    }

    /** The first {@code len} bytes of the response area. */
    byte[] resp(int len) {
        byte[] b = new byte[len];
        assertEquals(0, p.mm().copyFromUser(b, 0, RESP, len));
        return b;
    }

    int u32(int off) {
        return Le.u32(resp(off + 4), off);
    }

    /** GET_CONTEXT, which must succeed. */
    void context() {
        byte[] c = Commands.getContext(RESP);
        assertEquals(c.length, w(c));
    }
}
