// rdma-core libibverbs/device.c (ibv_close_device, verbs_uninit_context); the event files of
// drivers/infiniband/core/uverbs_std_types.c and uverbs_std_types_async_fd.c, opened O_RDONLY
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.junit.jupiter.api.Test;

class IbvCloseTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    /**
     * verbs_uninit_context closes the command fd first, so every object goes while the async
     * file is still open to take the events its destroys raise, and then the async fd;
     * ibv_close_device returns 0.
     */
    @Test
    void shouldCloseTheCommandFdBeforeTheAsyncFd() {
        List<Integer> closed = new ArrayList<>();
        ibv.task().strace(new Task.Strace() {
            @Override
            public void write(int fd, byte[] buf, long ret) {
            }

            @Override
            public void close(int fd, int ret) {
                closed.add(fd);
            }
        });
        int cmd = ctx.cmdFd();
        int async = ctx.asyncFd();
        assertEquals(0, ibv.closeDevice(ctx));
        assertEquals(List.of(cmd, async), closed);
    }

    /** The event files are read only: vfs_write answers -EBADF before any write op is looked for. */
    @Test
    void shouldRefuseAWriteToAnEventFileWithEbadf() {
        assertEquals(Errno.EBADF.negative(), ibv.task().write(ctx.asyncFd(), new byte[16]));
        IbvCompChannel channel = ctx.createCompChannel();
        assertEquals(Errno.EBADF.negative(), ibv.task().write(channel.fd(), new byte[16]));
    }
}
