// libibverbs/verbs.h: struct ibv_sge
package org.ibmodel.verbs;

/** A scatter/gather element: user memory at {@code addr}, {@code length} bytes, under {@code lkey}. */
public record IbvSge(long addr, int length, int lkey) {
}
