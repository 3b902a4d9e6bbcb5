// drivers/infiniband/core/verbs.c: __ib_alloc_pd, ib_dealloc_pd_user;
// drivers/infiniband/core/uverbs_cmd.c: ib_uverbs_alloc_pd
package org.ibmodel.core;

import org.ibmodel.kernel.KernelBug;

/**
 * A protection domain: QPs, MRs and AHs of one PD may only be used together. An SRQ may serve
 * QPs of any PD; the receives taken from it reach memory through keys of the SRQ's PD. A kernel
 * PD has a local DMA lkey over all of host memory; a process's PD has none.
 */
public final class Pd extends IbObject {
    private final boolean user;
    private int localDmaLkey;

    private Pd(IbDevice device, boolean user) {
        super(device, ResType.PD);
        this.user = user;
    }

    /** ib_alloc_pd: a kernel PD, with a local DMA lkey for its work requests. */
    public static Result<Pd> alloc(IbDevice device) {
        return alloc(device, false);
    }

    /**
     * ib_uverbs_alloc_pd: a process's PD. The driver is asked with udata, so it makes no key over
     * host memory for it (mthca_pd_alloc's privileged is !udata), and the PD has no local DMA
     * lkey: a process reaches memory only through regions it registered.
     */
    public static Result<Pd> allocUser(IbDevice device) {
        return alloc(device, true);
    }

    private static Result<Pd> alloc(IbDevice device, boolean user) {
        device.kernel().mightSleep();
        Pd pd = new Pd(device, user);
        int ret = device.ops().allocPd(pd);
        if (ret != 0) {
            return Result.err(ret);
        }
        pd.live();
        return Result.of(pd);
    }

    /** Made for a process through uverbs (pd->uobject set), not by ib_alloc_pd. */
    public boolean user() {
        return user;
    }

    /**
     * The lkey that covers all of host memory for local access, for this PD's work requests; 0
     * for a process's PD, which has none.
     */
    public int localDmaLkey() {
        return localDmaLkey;
    }

    /** Set by the driver in allocPd, for a kernel PD only. */
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
