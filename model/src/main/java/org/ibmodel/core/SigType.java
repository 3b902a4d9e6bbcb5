// include/rdma/ib_verbs.h: enum ib_sig_type
package org.ibmodel.core;

/** Whether every send WR generates a completion, or only those with IB_SEND_SIGNALED. */
public enum SigType {
    ALL_WR, REQ_WR
}
