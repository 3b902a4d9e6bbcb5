// docs/HCA.md §3.2; numbers of drivers/net/ethernet/mellanox/mlx4/cmd.c CMD_STAT_* and the
// errno table of its mlx4_status_to_errno
package org.ibmodel.hca;

import org.ibmodel.kernel.Errno;

/** Command statuses and the errno the driver returns for each. */
public enum CmdStatus {
    OK(0x00, null),
    INTERNAL_ERR(0x01, Errno.EIO),
    BAD_OP(0x02, Errno.EPERM),
    BAD_PARAM(0x03, Errno.EINVAL),
    BAD_SYS_STATE(0x04, Errno.ENXIO),
    BAD_RESOURCE(0x05, Errno.EBADF),
    RESOURCE_BUSY(0x06, Errno.EBUSY),
    EXCEED_LIM(0x08, Errno.ENOMEM),
    BAD_RES_STATE(0x09, Errno.EBADF),
    BAD_INDEX(0x0a, Errno.EBADF),
    BAD_NVMEM(0x0b, Errno.EFAULT),
    ICM_ERROR(0x0c, Errno.ENFILE),
    BAD_QP_STATE(0x10, Errno.EINVAL),
    BAD_SEG_PARAM(0x20, Errno.EFAULT),
    REG_BOUND(0x21, Errno.EBUSY),
    LAM_NOT_PRE(0x22, Errno.EAGAIN),
    BAD_PKT(0x30, Errno.EINVAL),
    BAD_SIZE(0x40, Errno.ENOMEM),
    MULTI_FUNC_REQ(0x50, Errno.EACCES);

    private final int value;
    private final Errno errno;

    CmdStatus(int value, Errno errno) {
        this.value = value;
        this.errno = errno;
    }

    public int value() {
        return value;
    }

    /** The errno, null for OK. */
    public Errno errno() {
        return errno;
    }

    /** The status for a value, or null for one the driver does not know. */
    public static CmdStatus of(int value) {
        for (CmdStatus s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return null;
    }

    /** 0 for OK, else the negative errno; an unknown status is -EIO, as in mlx4. */
    public static int toErrno(int status) {
        CmdStatus s = of(status);
        if (s == OK) {
            return 0;
        }
        return s == null ? Errno.EIO.negative() : s.errno.negative();
    }
}
