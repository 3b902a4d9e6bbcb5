/**
 * The trace vocabulary: one record type per kernel tracepoint (rdma_core, rdma_cma, ib_cma,
 * ib_mad, ib_umad), with readers and writers for ftrace text and NDJSON. Empty until the
 * tracepoint records land.
 */
package org.ibmodel.traces;
