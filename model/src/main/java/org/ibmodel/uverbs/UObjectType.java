// drivers/infiniband/core/uverbs_std_types*.c: the object types of the write() ABI and how
// each one's hardware object is destroyed (uverbs_free_pd, uverbs_free_cq, ...)
package org.ibmodel.uverbs;

import org.ibmodel.core.ResType;

/** The kinds of user objects a uverbs file holds. IDR kinds have handles; FD kinds are files. */
public enum UObjectType {
    PD(ResType.PD),
    MR(ResType.MR),
    AH(ResType.AH),
    CQ(ResType.CQ),
    QP(ResType.QP),
    SRQ(ResType.SRQ),
    /** UVERBS_OBJECT_COMP_CHANNEL: an fd */
    COMP_CHANNEL(null),
    /** UVERBS_OBJECT_ASYNC_EVENT: an fd */
    ASYNC_EVENT(null);

    private final ResType resType;

    UObjectType(ResType resType) {
        this.resType = resType;
    }

    /** The ib_core object kind behind it; null for the file kinds. */
    public ResType resType() {
        return resType;
    }

    /** Whether the handle is an fd (uverbs_fd_class) rather than an idr id (uverbs_idr_class). */
    public boolean isFd() {
        return resType == null;
    }
}
