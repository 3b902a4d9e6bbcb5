// include/rdma/restrack.h: enum rdma_restrack_type
package org.ibmodel.core;

/** Kinds of objects a device tracks, so leaks show at unregistration. */
public enum ResType {
    PD, CQ, QP, SRQ, MR, AH
}
