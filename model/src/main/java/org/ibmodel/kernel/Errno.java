// include/uapi/asm-generic/errno-base.h, include/uapi/asm-generic/errno.h, include/linux/errno.h
package org.ibmodel.kernel;

import java.util.HashMap;
import java.util.Map;

/**
 * Linux errno values as on x86-64 (the asm-generic numbering). Kernel functions return them
 * negated; {@link #ofNumber(int)} accepts either sign. Messages are the strerror() texts; the
 * kernel-internal codes, which userspace never sees, get a short description instead.
 */
public enum Errno {
    // include/uapi/asm-generic/errno-base.h
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    ENOEXEC(8, "Exec format error"),
    EBADF(9, "Bad file descriptor"),
    ECHILD(10, "No child processes"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    ENOTBLK(15, "Block device required"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    EXDEV(18, "Invalid cross-device link"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ESPIPE(29, "Illegal seek"),
    EROFS(30, "Read-only file system"),
    EMLINK(31, "Too many links"),
    EPIPE(32, "Broken pipe"),
    EDOM(33, "Numerical argument out of domain"),
    ERANGE(34, "Numerical result out of range"),
    // include/uapi/asm-generic/errno.h
    EDEADLK(35, "Resource deadlock avoided"),
    ENAMETOOLONG(36, "File name too long"),
    ENOLCK(37, "No locks available"),
    ENOSYS(38, "Function not implemented"),
    ENOTEMPTY(39, "Directory not empty"),
    ELOOP(40, "Too many levels of symbolic links"),
    ENOMSG(42, "No message of desired type"),
    EIDRM(43, "Identifier removed"),
    ENODATA(61, "No data available"),
    ETIME(62, "Timer expired"),
    ENOLINK(67, "Link has been severed"),
    EPROTO(71, "Protocol error"),
    EBADMSG(74, "Bad message"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EMSGSIZE(90, "Message too long"),
    EPROTOTYPE(91, "Protocol wrong type for socket"),
    ENOPROTOOPT(92, "Protocol not available"),
    EPROTONOSUPPORT(93, "Protocol not supported"),
    EOPNOTSUPP(95, "Operation not supported"),
    EAFNOSUPPORT(97, "Address family not supported by protocol"),
    EADDRINUSE(98, "Address already in use"),
    EADDRNOTAVAIL(99, "Cannot assign requested address"),
    ENETDOWN(100, "Network is down"),
    ENETUNREACH(101, "Network is unreachable"),
    ECONNABORTED(103, "Software caused connection abort"),
    ECONNRESET(104, "Connection reset by peer"),
    ENOBUFS(105, "No buffer space available"),
    EISCONN(106, "Transport endpoint is already connected"),
    ENOTCONN(107, "Transport endpoint is not connected"),
    ETIMEDOUT(110, "Connection timed out"),
    ECONNREFUSED(111, "Connection refused"),
    EHOSTDOWN(112, "Host is down"),
    EHOSTUNREACH(113, "No route to host"),
    EALREADY(114, "Operation already in progress"),
    EINPROGRESS(115, "Operation now in progress"),
    ESTALE(116, "Stale file handle"),
    ECANCELED(125, "Operation canceled"),
    // include/linux/errno.h: kernel-internal, never returned to userspace
    ERESTARTSYS(512, "Interrupted by a signal; the system call is restarted"),
    ENOTSUPP(524, "Operation is not supported (kernel-internal, from NFSv3)");

    private static final Map<Integer, Errno> BY_NUMBER;

    static {
        Map<Integer, Errno> byNumber = new HashMap<>();
        for (Errno e : values()) {
            byNumber.put(e.number, e);
        }
        BY_NUMBER = Map.copyOf(byNumber);
    }

    private final int number;
    private final String message;

    Errno(int number, String message) {
        this.number = number;
        this.message = message;
    }

    public int number() {
        return number;
    }

    /** The value a kernel function returns, e.g. -22 for EINVAL. */
    public int negative() {
        return -number;
    }

    /** The errno for {@code n} or {@code -n}. */
    public static Errno ofNumber(int n) {
        Errno e = BY_NUMBER.get(Math.abs(n));
        if (e == null || n == Integer.MIN_VALUE) {
            throw new IllegalArgumentException("unknown errno " + n);
        }
        return e;
    }

    public String message() {
        return message;
    }
}
