// drivers/infiniband/core/rdma_core.c: lookup_get_idr_uobject and the abort of a new uobject
package org.ibmodel.uverbs;

/**
 * The two places where ownership of user objects is decided, as a seam: which object a handle
 * names, and what happens to a new object when its command fails. {@link #KERNEL} is the
 * kernel's behaviour; tests substitute broken variants to show their checkers catch them.
 */
public interface UobjectPolicy {
    /** The committed object {@code handle} names in {@code file}, or null (-ENOENT). */
    UObject lookup(UverbsFile file, int handle);

    /** rdma_alloc_abort_uobject: destroy the new object's hardware part and free its handle. */
    void abort(UverbsFile file, UObject uobj);

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
