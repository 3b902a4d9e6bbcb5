// include/rdma/ib_verbs.h: ib_comp_handler
package org.ibmodel.core;

/** The completion upcall of a CQ from ib_create_cq, called in hard-interrupt context. */
@FunctionalInterface
public interface CompHandler {
    void complete(Cq cq);
}
