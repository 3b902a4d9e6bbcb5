// include/linux/fs.h: struct file and the file_operations a character device provides
package org.ibmodel.kernel;

/**
 * An open file as the syscalls see it. Returns are the kernel's: a byte count or a negative
 * errno. {@link #release} runs once, when the last descriptor for the file is closed.
 */
public interface OpenFile {
    /** include/uapi/asm-generic/fcntl.h: the access modes and the status flags F_SETFL looks at here. */
    int O_RDONLY = 0;
    int O_RDWR = 02;
    int O_NONBLOCK = 04000;
    /** No file here can take it: F_SETFL with it is -EINVAL (setfl, no FMODE_CAN_ODIRECT). */
    int O_DIRECT = 040000;

    /** include/uapi/asm-generic/poll.h (the EPOLL* values are the same). */
    int POLLIN = 0x001;
    int POLLOUT = 0x004;
    int POLLERR = 0x008;
    int POLLHUP = 0x010;
    int POLLNVAL = 0x020;
    int POLLRDNORM = 0x040;
    int POLLWRNORM = 0x100;
    /** include/linux/poll.h DEFAULT_POLLMASK: what vfs_poll answers for a file with no poll op. */
    int DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

    /** What read() returned: a count or -errno, and the bytes read. */
    record ReadResult(long ret, byte[] data) {
        public static ReadResult err(Errno e) {
            return new ReadResult(e.negative(), new byte[0]);
        }
    }

    /** write(): {@code buf} is what the process passed, already copied in. */
    default long write(Task task, byte[] buf) {
        return Errno.EINVAL.negative();
    }

    /**
     * read() of up to {@code count} bytes; {@code fFlags} are the file's status flags
     * (f_flags: {@link #O_NONBLOCK}). A file with no read op answers -EINVAL (vfs_read).
     */
    default ReadResult read(Task task, int count, int fFlags) {
        return ReadResult.err(Errno.EINVAL);
    }

    /** The file_operations poll: the POLL* bits that hold now. */
    default int poll(Task task) {
        return DEFAULT_POLLMASK;
    }

    /** The mode the file was opened in ({@link #O_RDONLY} or {@link #O_RDWR}), as F_GETFL reports it. */
    default int accessMode() {
        return O_RDWR;
    }

    /** The file_operations release: the last reference is gone. */
    void release();
}
