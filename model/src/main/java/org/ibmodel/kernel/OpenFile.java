// include/linux/fs.h: struct file and the file_operations a character device provides
package org.ibmodel.kernel;

/**
 * An open file as the syscalls see it. Returns are the kernel's: a byte count or a negative
 * errno. {@link #release} runs once, when the last descriptor for the file is closed.
 */
public interface OpenFile {
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

    /** read() of up to {@code count} bytes. */
    default ReadResult read(Task task, int count) {
        return ReadResult.err(Errno.EINVAL);
    }

    /** The file_operations release: the last reference is gone. */
    void release();
}
