/**
 * The HCA driver, in the style of mthca and mlx4 (drivers/infiniband/hw/mthca,
 * drivers/infiniband/hw/mlx4): it owns no transport logic. It issues firmware commands through
 * the command interface, writes WQEs into queues in host memory, rings doorbells, reaps CQEs by
 * ownership bit, handles event queues in hard-interrupt context and implements ib_core's
 * {@link org.ibmodel.core.DeviceOps}. The device it drives is specified in docs/HCA.md.
 */
package org.ibmodel.hca;
