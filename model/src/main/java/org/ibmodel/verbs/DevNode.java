// fs/open.c do_sys_open of /dev/infiniband/uverbsN, as the model has no path lookup
package org.ibmodel.verbs;

import org.ibmodel.kernel.Task;

/**
 * A character device node: what open("/dev/infiniband/uverbsN", O_RDWR) reaches. The model has
 * no VFS, so whoever sets a process up hands the library its nodes; the library only opens them.
 */
@FunctionalInterface
public interface DevNode {
    /** open(2) on behalf of {@code task}: a descriptor in its table, or -errno. */
    int open(Task task);
}
