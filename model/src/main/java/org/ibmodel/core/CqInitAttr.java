// include/rdma/ib_verbs.h: struct ib_cq_init_attr
package org.ibmodel.core;

/** Creation attributes of a CQ. */
public record CqInitAttr(int cqe, int compVector) {
}
