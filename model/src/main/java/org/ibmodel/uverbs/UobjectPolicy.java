// drivers/infiniband/core/rdma_core.c: lookup_get_idr_uobject and the abort of a new uobject
package org.ibmodel.uverbs;

/**
 * The places where ownership of user objects is decided, as a seam: which object a handle names,
 * what happens to a new object when its command fails, and to a file's objects when its device
 * goes. {@link #KERNEL} is the kernel's behaviour; tests substitute broken variants to show their
 * checkers catch them.
 */
public interface UobjectPolicy {
    /** The committed object {@code handle} names in {@code file}, or null (-ENOENT). */
    UObject lookup(UverbsFile file, int handle);

    /** rdma_alloc_abort_uobject: destroy the new object's hardware part and free its handle. */
    void abort(UverbsFile file, UObject uobj);

    /** uverbs_destroy_ufile_hw at removal: the file's objects go with the device. */
    default boolean removalDestroysHw() {
        return true;
    }

    UobjectPolicy KERNEL = new UobjectPolicy() {
        @Override
        public UObject lookup(UverbsFile file, int handle) {
            return file.idrFind(handle);
        }

        @Override
        public void abort(UverbsFile file, UObject uobj) {
            file.abortUobject(uobj);
        }
    };
}
