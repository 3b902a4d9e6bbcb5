// include/rdma/ib_verbs.h: struct ib_sge
package org.ibmodel.core;

/** A scatter/gather element: an address range of host memory and the lkey that covers it. */
public record Sge(long addr, int length, int lkey) {
}
