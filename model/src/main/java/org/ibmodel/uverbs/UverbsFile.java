// drivers/infiniband/core/uverbs_main.c (struct ib_uverbs_file, ib_uverbs_write, verify_hdr,
// ib_uverbs_release) and drivers/infiniband/core/rdma_core.c (the per-file idr, uobject
// alloc / commit / abort / lookup / destroy, uverbs_destroy_ufile_hw)
package org.ibmodel.uverbs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import org.ibmodel.core.Ah;
import org.ibmodel.core.Cq;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.ResType;
import org.ibmodel.core.Srq;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.uverbs.abi.IbUserVerbs.CmdHdr;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCmdHdr;

/**
 * One open of /dev/infiniband/uverbsN: the handle table every command of this file resolves
 * handles in, and nothing else does (rdma_core.c: each ib_uverbs_file has its own idr, so a
 * handle of another file is simply not found). Closing the file destroys everything it owns.
 */
public final class UverbsFile implements OpenFile {
    /** Why a uobject is destroyed (include/rdma/ib_verbs.h enum rdma_remove_reason). */
    enum RemoveReason { DESTROY, CLOSE, ABORT, DRIVER_REMOVE }

    private final UverbsDevice device;
    private final UobjectPolicy policy;
    /** ufile->idr: handle -> uobject, ids reserved at alloc and published at commit. */
    private final TreeMap<Integer, UObject> idr = new TreeMap<>();
    /** ufile->uobjects: committed objects, newest first (rdma_alloc_commit_uobject uses list_add). */
    private final Deque<UObject> uobjects = new ArrayDeque<>();
    /** ufile->ucontext is set */
    private boolean ucontext;
    /** ufile->default_async_file */
    private UverbsEventFile asyncFile;
    private boolean released;

    UverbsFile(UverbsDevice device, UobjectPolicy policy) {
        this.device = device;
        this.policy = policy;
    }

    public UverbsDevice device() {
        return device;
    }

    public IbDevice ibDevice() {
        return device.ibDevice();
    }

    public boolean hasContext() {
        return ucontext;
    }

    void setContext() {
        ucontext = true;
    }

    UverbsEventFile asyncFile() {
        return asyncFile;
    }

    void asyncFile(UverbsEventFile f) {
        asyncFile = f;
    }

    public boolean released() {
        return released;
    }

    /** ib_uverbs_write */
    @Override
    public long write(Task task, byte[] buf) {
        int count = buf.length;
        if (count < CmdHdr.SIZE) {
            return Errno.EINVAL.negative();
        }
        CmdHdr hdr = new CmdHdr(buf, 0);
        UverbsApi.Lookup found = UverbsApi.method(hdr.command(), ibDevice().ops());
        if (found.err() != 0) {
            return found.err();
        }
        WriteMethod m = found.method();
        if (!m.servedBy(ibDevice().ops())) {
            m = UverbsApi.notSupported(m.command());
        }
        Bundle b;
        if (m.ex()) {
            if (count < CmdHdr.SIZE + ExCmdHdr.SIZE) {
                return Errno.EINVAL.negative();
            }
            ExCmdHdr ex = new ExCmdHdr(buf, CmdHdr.SIZE);
            int err = verifyHdrEx(hdr, ex, count, m);
            if (err != 0) {
                return err;
            }
            b = Bundle.ex(this, task, buf, hdr.inWords() * 8, ex.response(), hdr.outWords() * 8);
        } else {
            int inWords = hdr.inWords();
            int err = verifyHdr(hdr.command(), inWords, hdr.outWords(), count, m);
            if (err == VERIFY_DESTROY_CQ_COMPAT) {
                inWords = 6;
            } else if (err != 0) {
                return err;
            }
            b = Bundle.legacy(this, task, buf, m, inWords * 4 - CmdHdr.SIZE, hdr.outWords() * 4);
        }
        int ret = m.handler().handle(b);
        // uverbs_finalize_object(bundle.uobject, UVERBS_ACCESS_NEW, true, !ret)
        if (b.uobject != null) {
            if (ret == 0) {
                commit(b.uobject, task);
                if (!b.uobject.type().isFd()) {
                    device.observer().committed(this, b.uobject.id());
                }
            } else {
                policy.abort(this, b.uobject);
            }
        }
        return ret != 0 ? ret : count;
    }

    private static final int VERIFY_DESTROY_CQ_COMPAT = 1;

    /**
     * uverbs_main.c verify_hdr, for an extended command: the core and provider words make up
     * what follows the two headers, the core request fits, the reserved word is 0, and a
     * response pointer comes with room for the response in user space (access_ok), or none with
     * no out words at all.
     */
    private static int verifyHdrEx(CmdHdr hdr, ExCmdHdr ex, int count, WriteMethod m) {
        int rest = count - CmdHdr.SIZE - ExCmdHdr.SIZE;
        if ((hdr.inWords() + ex.providerInWords()) * 8L != rest) {
            return Errno.EINVAL.negative();
        }
        // No size check of the request or the response: uapi_create_write gives an extended
        // method no req_size or resp_size (drivers/infiniband/core/uverbs_uapi.c), so a short
        // request is zero-filled and a short response cut (uverbs_request, uverbs_response).
        if (ex.cmdHdrReserved() != 0) {
            return Errno.EINVAL.negative();
        }
        if (ex.response() != 0) {
            if (hdr.outWords() == 0 && ex.providerOutWords() == 0) {
                return Errno.EINVAL.negative();
            }
            long end = ex.response() + (hdr.outWords() + ex.providerOutWords()) * 8L;
            if (ex.response() < 0 || end < ex.response() || end > UserAddressSpace.TASK_SIZE) {
                return Errno.EFAULT.negative();
            }
        } else if (hdr.outWords() != 0 || ex.providerOutWords() != 0) {
            return Errno.EINVAL.negative();
        }
        return 0;
    }

    /** uverbs_main.c verify_hdr, for the legacy (not extended) commands. */
    private static int verifyHdr(int command, int inWords, int outWords, int count, WriteMethod m) {
        if (inWords * 4 != count) {
            return Errno.EINVAL.negative();
        }
        if (count < m.reqSize() + CmdHdr.SIZE) {
            // rdma-core v18/v19 sent DESTROY_CQ as a 16-byte write; the kernel lets it through
            // as if in_words were 6.
            if (command == UverbsApi.DESTROY_CQ && count == 16) {
                return VERIFY_DESTROY_CQ_COMPAT;
            }
            return Errno.ENOSPC.negative();
        }
        if (outWords * 4 < m.respSize()) {
            return Errno.ENOSPC.negative();
        }
        return 0;
    }

    // ---- the idr ------------------------------------------------------------------------

    /** idr lookup of a committed, live object; null when the handle names nothing here. */
    public UObject idrFind(int handle) {
        UObject u = idr.get(handle);
        return u != null && u.live() ? u : null;
    }

    /** The object a command of this file would reach through {@code handle}, or null. */
    public UObject resolve(int handle) {
        return policy.lookup(this, handle);
    }

    /** Whether {@code handle} names a live object of {@code type} in this file. */
    public boolean resolves(int handle, UObjectType type) {
        UObject u = policy.lookup(this, handle);
        return u != null && u.type() == type;
    }

    /** alloc_begin_idr_uobject: the lowest free id is reserved (xa_alloc, XA_FLAGS_ALLOC). */
    UObject allocIdr(UObjectType type) {
        int id = 0;
        while (idr.containsKey(id)) {
            id++;
        }
        UObject u = new UObject(type, this, id);
        idr.put(id, u);
        device.observer().createBegun(this, id);
        return u;
    }

    /** alloc_begin_fd_uobject: the fd the file will get (get_unused_fd_flags). */
    UObject allocFd(UObjectType type, Task task) {
        return new UObject(type, this, task.unusedFd());
    }

    /** rdma_alloc_commit_uobject */
    private void commit(UObject u, Task task) {
        u.committed = true;
        uobjects.addFirst(u);
        if (u.type().isFd()) {
            int fd = task.install((OpenFile) u.object);
            if (fd != u.id()) {
                throw new KernelBug(KernelBug.WARN_ON, "fd " + fd + " installed for " + u);
            }
        }
    }

    /** rdma_alloc_abort_uobject: the new object's hardware part is destroyed, its id freed. */
    void abortUobject(UObject u) {
        if (u.object != null) {
            int ret = destroyHw(u, RemoveReason.ABORT);
            if (ret != 0) {
                throw new KernelBug(KernelBug.WARN_ON, "abort of " + u + " failed: " + Errno.ofNumber(ret));
            }
        }
        u.destroyed = true;
        forgetHandle(u);
    }

    /**
     * A broken abort for the checkers' mutation tests: the handle is freed and the hardware
     * object left behind, reachable from nowhere.
     */
    public void leakForTest(UObject u) {
        u.destroyed = true;
        forgetHandle(u);
    }

    /** Frees the object's handle without touching its hardware object. */
    void forgetHandle(UObject u) {
        if (!u.type().isFd() && idr.get(u.id()) == u) {
            idr.remove(u.id());
        }
        uobjects.remove(u);
    }

    /**
     * uobj_get_obj_read, whose error the handlers pass on since Linux 6.15 (before, every failed
     * lookup was -EINVAL): rdma_lookup_get_uobject's -ENOENT when the handle names nothing
     * (lookup_get_idr_uobject), -EINVAL for an object of another type, and only then -EIO once
     * the device was taken away (a removed device's handles stay, as remnants); null with that
     * errno in {@code err[0]}.
     */
    UObject lookupRead(UObjectType type, int handle, int[] err) {
        UObject u = policy.lookup(this, handle);
        if (u == null) {
            // A remnant is still in the idr: found, its type checked, and then the device is gone.
            UObject remnant = idr.get(handle);
            boolean found = remnant != null && remnant.committed && remnant.disassociated;
            err[0] = (!found ? Errno.ENOENT : remnant.type() != type ? Errno.EINVAL : Errno.EIO).negative();
            return null;
        }
        if (u.type() != type) {
            err[0] = Errno.EINVAL.negative();
            return null;
        }
        if (device.disassociated()) {
            err[0] = Errno.EIO.negative();
            return null;
        }
        return u;
    }

    /**
     * uobj_perform_destroy: -ENOENT when the handle names nothing, -EINVAL for another type
     * (rdma_lookup_get_uobject), else whatever destroying returns (-EBUSY while in use).
     */
    int lookupDestroy(UObjectType type, int handle, UObject[] out) {
        UObject u = policy.lookup(this, handle);
        if (u == null) {
            int ret = destroyRemnant(type, handle, out);
            if (ret == 0) {
                device.observer().destroyed(this, handle, true);
            }
            return ret;
        }
        if (u.type() != type) {
            return Errno.EINVAL.negative();
        }
        if (out != null) {
            out[0] = u;
        }
        int ret = destroyUobject(u, RemoveReason.DESTROY);
        if (ret == 0 && !u.type().isFd()) {
            device.observer().destroyed(this, handle, false);
        }
        return ret;
    }

    /**
     * A destroy command for a handle whose object went with its device (DRIVER_REMOVE left the
     * handle in the idr, object NULL): only the handle is left to free, and that succeeds, so
     * that userspace can clean up after the device is gone. -ENOENT for a handle never given.
     */
    private int destroyRemnant(UObjectType type, int handle, UObject[] out) {
        UObject u = idr.get(handle);
        if (u == null || !u.committed || !u.disassociated) {
            return Errno.ENOENT.negative();
        }
        if (u.type() != type) {
            return Errno.EINVAL.negative();
        }
        idr.remove(handle);
        if (out != null) {
            out[0] = u;
        }
        return 0;
    }

    /** uverbs_destroy_uobject */
    int destroyUobject(UObject u, RemoveReason why) {
        if (!u.live()) {
            throw new KernelBug("use_after_free", "destroy of " + u + ", which is not live");
        }
        int ret = destroyHw(u, why);
        if (ret != 0) {
            return ret;
        }
        u.destroyed = true;
        if (why == RemoveReason.DRIVER_REMOVE) {
            // Only DESTROY frees the handle: a later destroy command still finds it.
            u.disassociated = true;
            u.object = null;
            uobjects.remove(u);
            return 0;
        }
        // An object's handle can be in another file's table only under a broken lookup
        // policy; its own file frees it.
        u.file().forgetHandle(u);
        return 0;
    }

    /** The type's destroy_hw (uverbs_std_types.c uverbs_free_*). */
    private int destroyHw(UObject u, RemoveReason why) {
        int ret;
        switch (u.type()) {
            case PD -> {
                Pd pd = (Pd) u.object;
                // uverbs_free_pd: a PD still used by other objects stays.
                ret = pd.usecnt() != 0 ? Errno.EBUSY.negative() : pd.dealloc();
            }
            case MR -> {
                ret = ((Mr) u.object).dereg();
                if (ret == 0 && u.pinned != null) {
                    UverbsCmd.umemRelease(u.pinnedMm, u.pinned);
                    u.pinned = null;
                }
            }
            case AH -> ret = ((Ah) u.object).destroy();
            case CQ -> {
                ret = ((Cq) u.object).destroy();
                if (ret == 0) {
                    releaseEvents(u);
                }
            }
            case QP -> {
                // uverbs_free_qp: a destroy command waits for the user's detaches (-EBUSY);
                // closing the file detaches what is left, which nothing else would.
                if (why == RemoveReason.DESTROY && !u.mcast.isEmpty()) {
                    return Errno.EBUSY.negative();
                }
                for (UObject.Mcast m : u.mcast) {
                    ((Qp) u.object).detachMcast(m.gid(), m.lid());
                }
                u.mcast.clear();
                ret = ((Qp) u.object).destroy();
                if (ret == 0) {
                    releaseEvents(u);
                }
            }
            case SRQ -> {
                ret = ((Srq) u.object).destroy();
                if (ret == 0) {
                    releaseEvents(u);
                }
            }
            case COMP_CHANNEL -> {
                ((UverbsEventFile) u.object).closeQueue();
                ret = 0;
            }
            case ASYNC_EVENT -> {
                // uverbs_async_event_destroy_uobj (uverbs_std_types_async_fd.c): the handler goes,
                // the queue stays open with what it holds until the fd is released; a removed
                // device says so first.
                UverbsEventFile f = (UverbsEventFile) u.object;
                if (why == RemoveReason.DRIVER_REMOVE) {
                    f.deviceGone();
                } else {
                    f.unregisterPortEvents();
                }
                ret = 0;
            }
            default -> throw new IllegalStateException(u.toString());
        }
        return ret;
    }

    /** ib_uverbs_release_ucq / ib_uverbs_release_uevent: unread events about it are dropped. */
    private void releaseEvents(UObject u) {
        if (u.compChannel != null) {
            u.compChannel.forget(u);
        }
        if (asyncFile != null) {
            asyncFile.forget(u);
        }
        u.queued.clear();
    }

    /** An event file's fd was closed. */
    void fdReleased(UObject u) {
        if (u.live()) {
            destroyUobject(u, RemoveReason.CLOSE);
        }
    }

    // ---- close --------------------------------------------------------------------------

    /** ib_uverbs_release: the last descriptor for the file is gone. */
    @Override
    public void release() {
        if (released) {
            return;
        }
        destroyUfileHw(RemoveReason.CLOSE);
        released = true;
        device.fileClosed(this);
        device.observer().closed(this);
    }

    /**
     * uverbs_destroy_ufile_hw: pass over the objects, newest first, destroying each that is not
     * in use; a pass that destroys nothing while objects remain is a bug (the kernel WARNs and
     * forces them). Objects still used by newer ones (a CQ under a QP, a PD under an MR) go in
     * a later pass, so the order is always a valid dependency order.
     */
    private void destroyUfileHw(RemoveReason why) {
        while (!uobjects.isEmpty()) {
            boolean progress = false;
            for (UObject u : List.copyOf(uobjects)) {
                if (u.live() && destroyUobject(u, why) == 0) {
                    progress = true;
                }
            }
            if (!progress) {
                throw new KernelBug(KernelBug.WARN_ON, device.name() + ": uverbs_destroy_ufile_hw cannot destroy "
                        + uobjects);
            }
        }
        if (why != RemoveReason.DRIVER_REMOVE) {
            idr.clear();
        }
    }

    /**
     * ib_uverbs_free_hw_resources for this file: uverbs_destroy_ufile_hw with
     * RDMA_REMOVE_DRIVER_REMOVE. Every object's hardware part is destroyed, oldest dependency
     * last, while its handle stays for a destroy command to free; the context goes
     * (ufile_destroy_ucontext); the async event file is told IB_EVENT_DEVICE_FATAL. The file
     * stays open: from now on its commands fail with -EIO; a destroy command still frees a handle.
     * Returns how many objects with a hardware part (not event files) it destroyed.
     */
    int disassociate() {
        int hw = liveIdrObjects();
        if (policy.removalDestroysHw()) {
            destroyUfileHw(RemoveReason.DRIVER_REMOVE);
        }
        ucontext = false;
        return hw - liveIdrObjects();
    }

    private int liveIdrObjects() {
        int n = 0;
        for (UObject u : uobjects) {
            if (u.live() && !u.type().isFd()) {
                n++;
            }
        }
        return n;
    }

    // ---- accounting ---------------------------------------------------------------------

    /** How many live objects of an ib_core kind this file owns. */
    public int liveCount(ResType type) {
        int n = 0;
        for (UObject u : uobjects) {
            if (u.live() && u.type().resType() == type) {
                n++;
            }
        }
        return n;
    }

    /** The live objects this file owns, newest first. */
    public List<UObject> objects() {
        List<UObject> out = new ArrayList<>();
        for (UObject u : uobjects) {
            if (u.live()) {
                out.add(u);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return device.name() + " file";
    }
}
