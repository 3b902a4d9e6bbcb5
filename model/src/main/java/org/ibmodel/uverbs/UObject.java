// include/rdma/uverbs_types.h: struct ib_uobject, with ib_uevent_object and ib_ucq_object
package org.ibmodel.uverbs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.mm.UserAddressSpace;

/**
 * One object a uverbs file owns: its handle (the idr id, or the fd for event files), the
 * userspace cookie it was created with, the ib_core object, and what event delivery counts for
 * it. A uobject is visible to lookups only once its creating command committed it.
 */
public final class UObject {
    private final UObjectType type;
    private final UverbsFile file;
    private final int id;
    long userHandle;
    Object object;
    boolean committed;
    boolean destroyed;
    /** Destroyed with its device (RDMA_REMOVE_DRIVER_REMOVE): the handle stays until destroyed. */
    boolean disassociated;
    /** ib_uevent_object.events_reported: async events about it read from the async file. */
    int eventsReported;
    /** ib_ucq_object.comp_events_reported */
    int compEventsReported;
    /** Events about it still queued (ib_uevent_object.event_list, ib_ucq_object.comp_list). */
    final List<UverbsEvent> queued = new ArrayList<>();
    /** A CQ's completion channel (cq->cq_context). */
    UverbsEventFile compChannel;
    /** An MR's pinned pages and the address space they belong to (struct ib_umem). */
    long[] pinned;
    UserAddressSpace pinnedMm;
    /** A QP's multicast attachments (ib_uqp_object.mcast_list), in the order made. */
    final List<Mcast> mcast = new ArrayList<>();

    /** struct ib_uverbs_mcast_entry */
    record Mcast(byte[] gid, int lid) {
        boolean is(byte[] g, int l) {
            return lid == l && java.util.Arrays.equals(gid, g);
        }
    }

    UObject(UObjectType type, UverbsFile file, int id) {
        this.type = type;
        this.file = file;
        this.id = id;
    }

    public UObjectType type() {
        return type;
    }

    public UverbsFile file() {
        return file;
    }

    /** The handle userspace names it by. */
    public int id() {
        return id;
    }

    public long userHandle() {
        return userHandle;
    }

    /** The ib_core object (Pd, Cq, Qp, Srq, Mr, Ah) or the event file. */
    public Object object() {
        return object;
    }

    public boolean live() {
        return committed && !destroyed;
    }

    @Override
    public String toString() {
        return type + "#" + id;
    }
}
