// libibverbs/device.c (ibv_get_device_list, ibv_open_device, ibv_close_device) and the
// process-wide state a libibverbs user has: errno and its heap
package org.ibmodel.verbs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Task;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.IbUserVerbs.GetContext;
import org.ibmodel.uverbs.abi.IbUserVerbs.GetContextResp;

/**
 * The library as loaded into one process: every verb it runs is a syscall of that process.
 * {@link #errno()} is the process's errno after the last failing verb (see the package doc for
 * which verbs report it how).
 */
public final class Ibv {
    private final Task task;
    private final UserHeap heap;
    private int errno;

    public Ibv(Task task) {
        this.task = task;
        this.heap = new UserHeap(task.mm());
    }

    public Task task() {
        return task;
    }

    /** errno: the Linux errno value of the last failure. */
    public int errno() {
        return errno;
    }

    /** Sets errno and returns it, for the verbs that return the errno value. */
    int fail(int e) {
        errno = e;
        return e;
    }

    /** Sets errno and returns null, for the verbs that return an object. */
    <T> T failNull(int e) {
        errno = e;
        return null;
    }

    /**
     * ibv_get_device_list: the devices the process can see, in the order the entries are given.
     * An entry without a node is skipped, as libibverbs skips a sysfs entry with no device file.
     */
    public List<IbvDevice> getDeviceList(List<IbvDevice> sysfs) {
        List<IbvDevice> out = new ArrayList<>();
        for (IbvDevice d : sysfs) {
            if (d.node() != null) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * User memory for data buffers, as an application would get from posix_memalign or mmap:
     * page-aligned and zeroed. Returns the address, or -1 with errno set.
     */
    public long alloc(long len) {
        long r = heap.alloc(len);
        if (r < 0) {
            fail((int) -r);
            return -1;
        }
        return r;
    }

    /**
     * ibv_open_device: open the device node, then GET_CONTEXT, whose response gives the
     * async-event fd and the number of completion vectors (libibverbs/cmd.c ibv_cmd_get_context).
     */
    public IbvContext openDevice(IbvDevice device) {
        int fd = device.node().open(task);
        if (fd < 0) {
            return failNull(-fd);
        }
        long resp = heap.alloc(IbvContext.RESP_BYTES);
        if (resp < 0) {
            task.close(fd);
            return failNull((int) -resp);
        }
        byte[] cmd = Command.write(IbUserVerbsCmd.GET_CONTEXT, new GetContext().response(resp), GetContextResp.SIZE);
        long r = task.write(fd, cmd);
        if (r != cmd.length) {
            task.close(fd);
            return failNull(r < 0 ? (int) -r : IbvContext.EIO);
        }
        byte[] b = new byte[GetContextResp.SIZE];
        task.mm().copyFromUser(b, 0, resp, b.length);
        GetContextResp gc = new GetContextResp(b, 0);
        return new IbvContext(this, device, fd, gc.asyncFd(), gc.numCompVectors(), resp);
    }

    /** ibv_close_device: close the command fd, then the async-event fd; the kernel frees the rest. */
    public int closeDevice(IbvContext ctx) {
        return ctx.close();
    }
}
