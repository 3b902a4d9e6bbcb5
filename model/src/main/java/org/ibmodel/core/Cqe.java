// include/rdma/ib_verbs.h: struct ib_cqe
package org.ibmodel.core;

/**
 * The completion callback of a work request on a CQ from ib_alloc_cq: the kernel's
 * {@code wr_cqe->done}, called in the CQ's poll context.
 */
@FunctionalInterface
public interface Cqe {
    void done(Cq cq, Wc wc);
}
