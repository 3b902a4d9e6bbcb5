package org.ibmodel.core;

import org.ibmodel.kernel.KernelBug;

/**
 * What every verbs object shares: its device, a use count (atomic_t usecnt in the kernel
 * structs), the driver's private state, and a freed flag so a use after destroy is caught.
 */
abstract class IbObject {
    private final IbDevice device;
    private final ResType type;
    private int usecnt;
    private Object drv;
    private boolean freed;
    private int resId = -1;

    IbObject(IbDevice device, ResType type) {
        this.device = device;
        this.type = type;
    }

    public IbDevice device() {
        return device;
    }

    /** The number of other objects that hold this one (QPs on a CQ, MRs in a PD, ...). */
    public int usecnt() {
        return usecnt;
    }

    public boolean freed() {
        return freed;
    }

    /** The driver's private state. */
    public Object drv() {
        return drv;
    }

    public void drv(Object state) {
        drv = state;
    }

    void get() {
        usecnt++;
    }

    void put() {
        if (--usecnt < 0) {
            throw new KernelBug(KernelBug.WARN_ON, type + " usecnt underflow on " + this);
        }
    }

    void live() {
        device.track(type);
        resId = device.restrack().add(type);
    }

    void free() {
        freed = true;
        device.untrack(type);
        device.restrack().del(type, resId);
    }

    /** The id rdma_restrack_add gave the object (res.id), which tracepoints print; -1 before. */
    public int resId() {
        return resId;
    }

    void checkLive(String verb) {
        if (freed) {
            throw new KernelBug("use_after_free", verb + " on a destroyed " + type + ": " + this);
        }
    }
}
