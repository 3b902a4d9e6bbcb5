// include/rdma/restrack.h: enum rdma_restrack_type (the kinds whose ids traces print)
package org.ibmodel.traces.replay;

/** The objects a replay follows by id, named as the JSON report names them. */
public enum ObjectKind {
    MR("mr", "mr.id"), CQ("cq", "cq.id"), QP("qp", "qp_num"), CM_ID("cm_id", "cm.id");

    private final String key;
    private final String idName;

    ObjectKind(String key, String idName) {
        this.key = key;
        this.idName = idName;
    }

    /** The name in the JSON report. */
    public String key() {
        return key;
    }

    /** How traces print the id ({@code cq.id=3}). */
    public String idName() {
        return idName;
    }
}
