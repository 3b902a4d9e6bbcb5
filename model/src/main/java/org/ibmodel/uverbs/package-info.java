/**
 * drivers/infiniband/core/uverbs_*.c and rdma_core.c: the userspace verbs ABI. A
 * {@link org.ibmodel.uverbs.Uverbs} client gives each ib_core device a character device
 * ({@link org.ibmodel.uverbs.UverbsDevice}); each open is a {@link org.ibmodel.uverbs.UverbsFile}
 * with its own handle table that takes the legacy write() commands byte for byte, and of the
 * extended ones EX_QUERY_DEVICE, EX_CREATE_QP, EX_MODIFY_QP and EX_MODIFY_CQ
 * ({@link org.ibmodel.uverbs.UverbsApi} is the command table, {@link org.ibmodel.uverbs.UverbsCmd} the handlers,
 * {@link org.ibmodel.uverbs.abi.IbUserVerbs} the structs). The layer sees the device only through
 * ib_core, so it runs unchanged on any ib_core device.
 */
package org.ibmodel.uverbs;
