// The responder's RDMA READ and atomic resources: drivers/infiniband/sw/rxe/rxe_resp.c
// (check_resource, rxe_prepare_res, find_resource, duplicate_request) and rxe_qp.c
// (alloc_rd_atomic_resources); IBA 9.7.5.1.3 (duplicate requests)
package org.ibmodel.sim.device;

/**
 * What the responder keeps of its last max_dest_rd_atomic RDMA READ and atomic requests, so that
 * a repeated one is answered again: a READ from memory, an atomic with the value it returned the
 * first time. Each new request takes the next slot and overwrites the oldest, as rxe recycles
 * its resource ring: keeping within the responder's resources is the requester's job
 * (max_rd_atomic), and a request whose slot was overwritten is no longer found, so its
 * repetition is dropped. The ring is made anew, empty, when the QP's max_dest_rd_atomic changes.
 */
final class ResponderResources {

    /** One request (struct resp_res). */
    static final class Resource {
        boolean atomic;
        int firstPsn;
        int lastPsn;
        /** READ: the address, length and key the request named. */
        long va;
        long length;
        int rkey;
        /** Atomic: the target's value before the operation. */
        long orig;

        boolean holds(int psn) {
            return Psn.diff(psn, firstPsn) >= 0 && Psn.diff(psn, lastPsn) <= 0;
        }
    }

    private Resource[] slots = new Resource[0];
    private int head;

    /** The slot for a new request with {@code count} resources; null when {@code count} is 0. */
    Resource next(int count) {
        resize(count);
        if (count == 0) {
            return null;
        }
        Resource r = slots[head];
        if (r == null) {
            r = new Resource();
            slots[head] = r;
        }
        head = (head + 1) % count;
        return r;
    }

    /** The kept request whose PSN range holds {@code psn}, or null. */
    Resource find(int count, int psn) {
        resize(count);
        for (Resource r : slots) {
            if (r != null && r.holds(psn)) {
                return r;
            }
        }
        return null;
    }

    private void resize(int count) {
        if (slots.length != count) {
            slots = new Resource[count];
            head = 0;
        }
    }
}
