// include/linux/sched.h (struct task_struct), fs/file.c (the descriptor table), kernel/exit.c,
// kernel/sys.c (setrlimit), kernel/capability.c (capable)
package org.ibmodel.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibmodel.mm.UserAddressSpace;

/**
 * A user process: its address space, its descriptor table, its RLIMIT_MEMLOCK (8 MiB unless set)
 * and its effective capabilities (none unless given). Descriptors 0 to 2 are taken (a
 * process starts with stdin, stdout and stderr), so the first file opened gets 3, and each new
 * one the lowest free number, as get_unused_fd_flags gives.
 */
public final class Task {
    /** The first descriptor a file can get. */
    public static final int FIRST_FD = 3;
    /** include/uapi/linux/resource.h MLOCK_LIMIT: a process's RLIMIT_MEMLOCK unless raised (since 5.16). */
    public static final long MLOCK_LIMIT = 8L * 1024 * 1024;
    /** RLIM_INFINITY, ~0UL: no limit. Limits are unsigned. */
    public static final long RLIM_INFINITY = -1L;
    /** include/uapi/linux/capability.h: raw sockets, and for RDMA raw packet QPs and controlled Q_Keys. */
    public static final int CAP_NET_RAW = 13;
    /** include/uapi/linux/capability.h: lock memory beyond RLIMIT_MEMLOCK. */
    public static final int CAP_IPC_LOCK = 14;
    /** include/uapi/asm-generic/fcntl.h */
    public static final int F_GETFD = 1;
    public static final int F_GETFL = 3;
    public static final int F_SETFL = 4;
    public static final int FD_CLOEXEC = 1;

    private final String name;
    private final UserAddressSpace mm;
    private final TreeMap<Integer, OpenFile> fds = new TreeMap<>();
    /** Each open file's status flags (f_flags without the access mode): O_NONBLOCK or 0. */
    private final TreeMap<Integer, Integer> statusFlags = new TreeMap<>();
    private boolean exited;
    private Strace strace;
    /** signal->rlim[RLIMIT_MEMLOCK].rlim_cur, in bytes */
    private long rlimitMemlock = MLOCK_LIMIT;
    /** cred->cap_effective: none, as for a process of an ordinary user. */
    private long capEffective;

    /** What strace(1) attached to the process sees of its write() and close() calls. */
    @FunctionalInterface
    public interface Strace {
        void write(int fd, byte[] buf, long ret);

        default void close(int fd, int ret) {
        }
    }

    public Task(String name, UserAddressSpace mm) {
        this.name = name;
        this.mm = mm;
    }

    public String name() {
        return name;
    }

    public UserAddressSpace mm() {
        return mm;
    }

    public boolean exited() {
        return exited;
    }

    /** rlimit(RLIMIT_MEMLOCK): the bytes the process may lock, unsigned. */
    public long rlimitMemlock() {
        return rlimitMemlock;
    }

    /**
     * setrlimit(RLIMIT_MEMLOCK, bytes), as a process within its hard limit (or with
     * CAP_SYS_RESOURCE) may set it; {@link #RLIM_INFINITY} for none. What is pinned already stays.
     */
    public void setrlimitMemlock(long bytes) {
        rlimitMemlock = bytes;
    }

    /** capable(cap): whether the process holds the capability. */
    public boolean capable(int cap) {
        return (capEffective & (1L << cap)) != 0;
    }

    /** Gives the process the capability, or takes it away (capset, or running it as root). */
    public void setCapability(int cap, boolean effective) {
        capEffective = effective ? capEffective | (1L << cap) : capEffective & ~(1L << cap);
    }

    /** get_unused_fd_flags: the number the next installed file will get. */
    public int unusedFd() {
        int fd = FIRST_FD;
        while (fds.containsKey(fd)) {
            fd++;
        }
        return fd;
    }

    /** fd_install */
    public int install(OpenFile file) {
        int fd = unusedFd();
        fds.put(fd, file);
        return fd;
    }

    /** Attaches a tracer that sees every write() and its return; null detaches. */
    public void strace(Strace tracer) {
        this.strace = tracer;
    }

    public OpenFile file(int fd) {
        return fds.get(fd);
    }

    public Map<Integer, OpenFile> files() {
        return java.util.Collections.unmodifiableMap(fds);
    }

    /** read(fd, buf, count) */
    public OpenFile.ReadResult read(int fd, int count) {
        OpenFile f = fds.get(fd);
        if (f == null) {
            return OpenFile.ReadResult.err(Errno.EBADF);
        }
        // A negative count is a size_t past any buffer: vfs_read's access_ok fails first.
        if (count < 0) {
            return OpenFile.ReadResult.err(Errno.EFAULT);
        }
        return f.read(this, count, statusFlags.getOrDefault(fd, 0));
    }

    /**
     * fcntl(fd, F_GETFD), fcntl(fd, F_GETFL) or fcntl(fd, F_SETFL, flags). Every descriptor here
     * is close-on-exec: libibverbs opens the device O_CLOEXEC and uverbs gives its event files
     * out so (get_unused_fd_flags(O_CLOEXEC) in rdma_core.c). F_GETFL gives the access mode and
     * status flags. Of the flags F_SETFL may change only O_NONBLOCK means anything here; the rest
     * are dropped, but O_DIRECT, which no file here can take, is -EINVAL (setfl). -EBADF for a
     * closed descriptor, -EINVAL for another command.
     */
    public int fcntl(int fd, int cmd, int arg) {
        OpenFile f = fds.get(fd);
        if (f == null) {
            return Errno.EBADF.negative();
        }
        return switch (cmd) {
            case F_GETFD -> FD_CLOEXEC;
            case F_GETFL -> f.accessMode() | statusFlags.getOrDefault(fd, 0);
            case F_SETFL -> {
                if ((arg & OpenFile.O_DIRECT) != 0) {
                    yield Errno.EINVAL.negative();
                }
                statusFlags.put(fd, arg & OpenFile.O_NONBLOCK);
                yield 0;
            }
            default -> Errno.EINVAL.negative();
        };
    }

    /**
     * poll() of one descriptor with a timeout of 0: the revents it would report for {@code events}
     * (POLLERR and POLLHUP are always reported; POLLNVAL for a descriptor not open, 0 for a
     * negative one). A process that
     * would wait in poll() is one its runner (a world's demo, a test) lets the world run for.
     */
    public int poll(int fd, int events) {
        // do_pollfd: a negative fd is skipped, its revents 0.
        if (fd < 0) {
            return 0;
        }
        OpenFile f = fds.get(fd);
        if (f == null) {
            return OpenFile.POLLNVAL;
        }
        return f.poll(this) & (events | OpenFile.POLLERR | OpenFile.POLLHUP);
    }

    /** write(fd, buf, count) */
    public long write(int fd, byte[] buf) {
        OpenFile f = fds.get(fd);
        long ret = f == null ? Errno.EBADF.negative() : f.write(this, buf);
        if (strace != null) {
            strace.write(fd, buf, ret);
        }
        return ret;
    }

    /** close(fd): the descriptor goes, and with it the file (no descriptor is ever shared). */
    public int close(int fd) {
        OpenFile f = fds.remove(fd);
        statusFlags.remove(fd);
        if (f != null) {
            f.release();
        }
        int ret = f == null ? Errno.EBADF.negative() : 0;
        if (strace != null) {
            strace.close(fd, ret);
        }
        return ret;
    }

    /** do_exit: every descriptor is closed, lowest first (close_files). */
    public void exit() {
        List<Integer> open = new ArrayList<>(fds.keySet());
        for (int fd : open) {
            close(fd);
        }
        exited = true;
    }

    @Override
    public String toString() {
        return "task " + name;
    }
}
