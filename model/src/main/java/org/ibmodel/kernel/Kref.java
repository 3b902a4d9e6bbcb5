// include/linux/kref.h, lib/refcount.c
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A reference count whose last put releases the object. Once it reaches zero the object is gone:
 * both taking a new reference and dropping one more are bugs, which refcount_t warns about.
 */
public final class Kref {

    private final Runnable release;
    private int count = 1;

    /** kref_init(): the creator holds the first reference. */
    public Kref(Runnable release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    public void get() {
        if (count == 0) {
            throw new KernelBug(KernelBug.KREF_USE_AFTER_FREE, "kref_get on a released object at "
                    + CallerSite.find());
        }
        count++;
    }

    /** @return true when this put dropped the last reference and ran the release function */
    public boolean put() {
        if (count == 0) {
            throw new KernelBug(KernelBug.KREF_UNDERFLOW, "kref_put on a count that is already 0 at "
                    + CallerSite.find());
        }
        count--;
        if (count > 0) {
            return false;
        }
        release.run();
        return true;
    }

    public int count() {
        return count;
    }

    @Override
    public String toString() {
        return "Kref[" + count + "]";
    }
}
