// libibverbs/verbs.c: ibv_create_comp_channel, ibv_destroy_comp_channel, ibv_get_cq_event
package org.ibmodel.verbs;

import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.uverbs.abi.IbUserVerbs.CompEventDesc;

/** A completion channel: an fd whose read() gives one struct ib_uverbs_comp_event_desc per event. */
public final class IbvCompChannel {
    private final IbvContext ctx;
    private final int fd;
    /** The CQs using the channel; libibverbs refuses to destroy it while any exist. */
    int refcnt;

    IbvCompChannel(IbvContext ctx, int fd) {
        this.ctx = ctx;
        this.fd = fd;
    }

    public IbvContext context() {
        return ctx;
    }

    public int fd() {
        return fd;
    }

    /**
     * ibv_get_cq_event: read() one completion event; the CQ is the one whose user_handle it
     * carries, its context is {@link IbvCq#cqContext()}. With none queued the read sleeps until
     * one is; null with errno EAGAIN if the channel's fd was made O_NONBLOCK ({@link #setNonblocking}),
     * EINTR if nothing can ever queue one (the model's way out of a sleep that would last for ever).
     */
    public IbvCq getCqEvent() {
        OpenFile.ReadResult rr = ctx.ibv().task().read(fd, CompEventDesc.SIZE);
        if (rr.ret() != CompEventDesc.SIZE) {
            return ctx.ibv().failNull(rr.ret() < 0 ? (int) -rr.ret() : IbvContext.EIO);
        }
        Object cq = ctx.byUserHandle(new CompEventDesc(rr.data(), 0).cqHandle());
        if (!(cq instanceof IbvCq c)) {
            throw new IllegalStateException("completion event for cq user_handle "
                    + new CompEventDesc(rr.data(), 0).cqHandle() + " that " + ctx + " never created");
        }
        return c;
    }

    /**
     * fcntl(fd, F_SETFL, flags | O_NONBLOCK), what a program does before it reads the channel in a
     * poll() loop of its own. Returns 0 or errno.
     */
    public int setNonblocking() {
        return IbvContext.setNonblocking(ctx.ibv().task(), fd);
    }

    /** ibv_destroy_comp_channel: EBUSY while a CQ uses it, else close(fd). Returns 0 or errno. */
    public int destroy() {
        // ibv_destroy_comp_channel (libibverbs/verbs.c): EBUSY returned, errno untouched; the
        // close's result is not looked at.
        if (refcnt != 0) {
            return Errno.EBUSY.number();
        }
        ctx.ibv().task().close(fd);
        return 0;
    }
}
