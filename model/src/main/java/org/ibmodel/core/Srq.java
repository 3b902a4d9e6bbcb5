// drivers/infiniband/core/verbs.c: ib_create_srq_user, ib_modify_srq, ib_query_srq, ib_destroy_srq_user
package org.ibmodel.core;

import java.util.List;
import org.ibmodel.kernel.Errno;

/**
 * A shared receive queue. Arming a limit (IB_SRQ_LIMIT) makes the device raise
 * IB_EVENT_SRQ_LIMIT_REACHED once when fewer WRs than the limit remain, then disarm
 * (IBA 10.2.9.4).
 */
public final class Srq extends IbObject {
    private final Pd pd;
    private final IbEventHandler eventHandler;
    private int maxWr;
    private int maxSge;
    private int srqLimit;

    private Srq(Pd pd, IbEventHandler eventHandler, SrqAttr attr) {
        super(pd.device(), ResType.SRQ);
        this.pd = pd;
        this.eventHandler = eventHandler;
        this.maxWr = attr.maxWr;
        this.maxSge = attr.maxSge;
    }

    /**
     * ib_create_srq: the driver checks the sizes and may write back the size it made (mlx4
     * rounds the queue up).
     */
    public static Result<Srq> create(Pd pd, IbEventHandler eventHandler, SrqAttr attr) {
        pd.checkLive("ib_create_srq");
        IbDevice dev = pd.device();
        dev.kernel().mightSleep();
        // core/verbs.c ib_create_srq_user checks no size and no count: rxe_srq_chk_init and its
        // pool, mlx4_ib_create_srq and its SRQ bitmap do.
        Srq srq = new Srq(pd, eventHandler, attr);
        int ret = dev.ops().createSrq(srq, attr);
        if (ret != 0) {
            return Result.err(ret);
        }
        srq.maxWr = attr.maxWr;
        srq.maxSge = attr.maxSge;
        pd.get();
        srq.live();
        return Result.of(srq);
    }

    public Pd pd() {
        return pd;
    }

    public int maxWr() {
        return maxWr;
    }

    public int maxSge() {
        return maxSge;
    }

    /**
     * The limit last armed through ib_modify_srq, 0 once the driver reported it reached; what
     * the device holds now, ib_query_srq asks the driver.
     */
    public int srqLimit() {
        return srqLimit;
    }

    /** Whether the SRQ has an event handler (srq->event_handler), which rxe's responder asks. */
    public boolean hasEventHandler() {
        return eventHandler != null;
    }

    /**
     * ib_modify_srq: straight to the driver (core/verbs.c checks nothing), which checks the size
     * and the limit (rxe_srq_chk_attr; mlx4_ib_modify_srq, which cannot resize) and refuses to
     * drop posted WRs.
     */
    public int modify(SrqAttr attr, int mask) {
        checkLive("ib_modify_srq");
        int ret = device().ops().modifySrq(this, attr, mask);
        if (ret != 0) {
            return ret;
        }
        // The driver writes back the size it resized to (rxe_queue_resize rounds it up).
        if ((mask & SrqAttr.MAX_WR) != 0) {
            maxWr = attr.maxWr;
        }
        if ((mask & SrqAttr.LIMIT) != 0) {
            srqLimit = attr.srqLimit;
        }
        return 0;
    }

    /**
     * ib_query_srq: the driver's answer, as core/verbs.c asks it (-EOPNOTSUPP without
     * query_srq). ib_core keeps no limit of its own there: mlx4_ib_query_srq reads the device's
     * back (QUERY_SRQ), so a limit the device fired and disarmed reads 0 before the event is
     * handled; rxe_query_srq returns its own srq->limit.
     */
    public int query(SrqAttr out) {
        checkLive("ib_query_srq");
        return device().ops().querySrq(this, out);
    }

    /** ib_post_srq_recv */
    public PostResult postRecv(List<RecvWr> wrs) {
        checkLive("ib_post_srq_recv");
        return device().ops().postSrqRecv(this, wrs);
    }

    public PostResult postRecv(RecvWr... wrs) {
        return postRecv(List.of(wrs));
    }

    /**
     * Called by the driver when the number of posted WRs fell below the armed limit: the limit
     * disarms and the event reaches the SRQ's handler.
     */
    public void limitReached() {
        srqLimit = 0;
        eventUpcall(IbEventType.SRQ_LIMIT_REACHED);
    }

    public void eventUpcall(IbEventType type) {
        if (type.scope() != IbEventType.Scope.SRQ) {
            throw new IllegalArgumentException(type + " is not an SRQ event");
        }
        if (eventHandler != null) {
            eventHandler.handle(IbEvent.srq(this, type));
        }
    }

    /** ib_destroy_srq: -EBUSY while a QP uses it, changing nothing. */
    public int destroy() {
        checkLive("ib_destroy_srq");
        device().kernel().mightSleep();
        if (usecnt() != 0) {
            return Errno.EBUSY.negative();
        }
        int ret = device().ops().destroySrq(this);
        if (ret != 0) {
            return ret;
        }
        pd.put();
        free();
        return 0;
    }

    @Override
    public String toString() {
        return "srq{max_wr=" + maxWr + " limit=" + srqLimit + "}";
    }
}
