package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.mm.UserAddressSpace;
import org.junit.jupiter.api.Test;

/** A process's fd table and the syscalls on it. */
class TaskTest {
    final Task task = new Task("t", new UserAddressSpace(new HostMemory(), 16));

    @Test
    void shouldShowAnAttachedStraceEveryWriteAndWhatItReturned() {
        int fd = task.install(new OpenFile() {
            @Override
            public long write(Task t, byte[] buf) {
                return buf.length;
            }

            @Override
            public void release() {
            }
        });
        List<String> seen = new ArrayList<>();
        task.strace((f, buf, ret) -> seen.add(f + ":" + buf.length + "=" + ret));
        assertEquals(3, task.write(fd, new byte[3]));
        assertEquals(Errno.EBADF.negative(), task.write(fd + 1, new byte[2]));
        task.strace(null);
        task.write(fd, new byte[5]);
        assertEquals(List.of(fd + ":3=3", (fd + 1) + ":2=" + Errno.EBADF.negative()), seen);
    }
}
