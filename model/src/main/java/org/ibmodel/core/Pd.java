// drivers/infiniband/core/verbs.c: __ib_alloc_pd, ib_dealloc_pd_user
package org.ibmodel.core;

import org.ibmodel.kernel.KernelBug;

/** A protection domain: QPs, SRQs, MRs and AHs of one PD may only be used together. */
public final class Pd extends IbObject {
    private int localDmaLkey;

    private Pd(IbDevice device) {
        super(device, ResType.PD);
    }

    /** ib_alloc_pd */
    public static Result<Pd> alloc(IbDevice device) {
        device.kernel().mightSleep();
        Pd pd = new Pd(device);
        int ret = device.ops().allocPd(pd);
        if (ret != 0) {
            return Result.err(ret);
        }
        pd.live();
        return Result.of(pd);
    }

    /** The lkey that covers all of host memory for local access, for this PD's work requests. */
    public int localDmaLkey() {
        return localDmaLkey;
    }

    /** Set by the driver in allocPd. */
    public void localDmaLkey(int lkey) {
        localDmaLkey = lkey;
    }

    /**
     * ib_dealloc_pd: the caller must have destroyed everything in the PD first; the kernel
     * WARNs when it has not, and so does the model, before changing anything.
     */
    public int dealloc() {
        checkLive("ib_dealloc_pd");
        device().kernel().mightSleep();
        if (usecnt() != 0) {
            throw new KernelBug(KernelBug.WARN_ON,
                    "ib_dealloc_pd with usecnt " + usecnt() + " (objects still in the PD)");
        }
        int ret = device().ops().deallocPd(this);
        if (ret != 0) {
            return ret;
        }
        free();
        return 0;
    }

    @Override
    public String toString() {
        return "pd@" + device().name();
    }
}
