// Records runs of the model for trace validation against specs/src/main/tla/QpStateMachine.tla
// and WorkQueues.tla (org.ibmodel.specs.trace.TraceValidator)
package org.ibmodel.sim.conform;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbEventHandler;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/**
 * Records a run of the model as spec events ({@link TraceAction}), without changing it: a
 * {@link DeviceOps} decorator between ib_core and the driver sees every verb the driver applies
 * (a verb ib_core or the driver refuses changes nothing and is not a step), and what ib_core
 * exposes covers the rest: {@link Qp#state()} after the HCA ran, the polled {@link Wc}s, and
 * IB_EVENT_CQ_ERR through {@link #cqEvents(IbEventHandler)}.
 *
 * <p>The HCA's own work (executing, completing, flushing) is invisible to software until it is
 * polled; the harness calls {@link #hcaRan()} after letting it run ({@code Kernel.runPending}),
 * which records an {@code HcaRun} with the states the QPs are then in.
 *
 * <p>Use: {@code MemDevice.create(core, name, mem, lid, recorder::wrap)}; put a deliberately
 * broken driver inside, {@code ops -> recorder.wrap(broken.apply(ops))}, to record what ib_core
 * sees of it.
 */
public final class SpecRecorder {
    private final List<SpecEvent> events = new ArrayList<>();
    private final Map<Cq, Integer> cqIds = new IdentityHashMap<>();
    private final Map<Integer, Qp> live = new LinkedHashMap<>();
    private final TreeSet<Integer> cqErr = new TreeSet<>();
    /** Per (qpn, kind): the WRs posted and not yet polled, as {wrId, wr}. */
    private final Map<String, List<long[]>> outstanding = new LinkedHashMap<>();
    private int nextWr = 1;

    /** The decorator to put between ib_core and {@code driver}. */
    public DeviceOps wrap(DeviceOps driver) {
        return new Recording(driver);
    }

    /** The events so far. */
    public List<SpecEvent> events() {
        return List.copyOf(events);
    }

    /** The trace so far, for the given specs, with extra header fields (seed, ...). */
    public SpecTrace trace(List<String> specs, Map<String, Object> header) {
        return new SpecTrace("(recorded)", List.copyOf(specs), SpecTrace.header(specs, header), events());
    }

    /**
     * An event handler for ib_create_cq that notes IB_EVENT_CQ_ERR (a CQ overrun) before passing
     * the event on to {@code next} (may be null).
     */
    public IbEventHandler cqEvents(IbEventHandler next) {
        return ev -> {
            if (ev.event() == IbEventType.CQ_ERR && ev.cq() != null) {
                Integer id = cqIds.get(ev.cq());
                if (id != null) {
                    cqErr.add(id);
                }
            }
            if (next != null) {
                next.handle(ev);
            }
        };
    }

    /** The HCA ran: records the states of the live QPs and the CQs that overran so far. */
    public void hcaRan() {
        Map<String, Object> states = new LinkedHashMap<>();
        for (Map.Entry<Integer, Qp> e : live.entrySet()) {
            states.put(String.valueOf(e.getKey()), e.getValue().state().name());
        }
        List<Object> errs = new ArrayList<>();
        for (int id : cqErr) {
            errs.add((long) id);
        }
        add(TraceAction.HcaRun, "states", states, "cqErr", errs);
    }

    /** The seq the next event will get. */
    public long nextSeq() {
        return events.size() + 1;
    }

    private void add(TraceAction a, Object... kv) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            f.put((String) kv[i], v instanceof Integer n ? (Object) (long) n : v);
        }
        events.add(new SpecEvent(events.size() + 1, events.size() + 2, a, f));
    }

    private static List<Object> maskNames(int mask) {
        List<Object> out = new ArrayList<>();
        for (QpAttrMask b : QpAttrMask.values()) {
            if (b.isSet(mask)) {
                out.add(b.name());
            }
        }
        return out;
    }

    private static String key(int qpn, String kind) {
        return qpn + "/" + kind;
    }

    private long posted(Qp qp, String kind, long wrId) {
        long wr = nextWr++;
        outstanding.computeIfAbsent(key(qp.qpNum(), kind), k -> new ArrayList<>()).add(new long[] {wrId, wr});
        return wr;
    }

    /** The number the trace gave the WR this completion is for (0 when it was never posted). */
    private long polled(Wc wc, String kind) {
        List<long[]> l = outstanding.get(key(wc.qp.qpNum(), kind));
        if (l != null) {
            for (Iterator<long[]> it = l.iterator(); it.hasNext();) {
                long[] p = it.next();
                if (p[0] == wc.wrId) {
                    it.remove();
                    return p[1];
                }
            }
        }
        return 0;
    }

    private void forget(Qp qp) {
        outstanding.remove(key(qp.qpNum(), "send"));
        outstanding.remove(key(qp.qpNum(), "recv"));
    }

    /** The decorator: calls the driver, then records what it applied. */
    private final class Recording extends ForwardingDeviceOps {
        private final DeviceOps d;

        Recording(DeviceOps d) {
            super(d);
            this.d = d;
        }

        @Override
        public int createCq(Cq cq, CqInitAttr attr) {
            int ret = d.createCq(cq, attr);
            if (ret == 0) {
                int id = cqIds.size() + 1;
                cqIds.put(cq, id);
                add(TraceAction.CreateCq, "cq", id, "depth", cq.cqe());
            }
            return ret;
        }

        @Override
        public int createQp(Qp qp, QpInitAttr attr) {
            int ret = d.createQp(qp, attr);
            if (ret == 0) {
                live.put(qp.qpNum(), qp);
                add(TraceAction.CreateQp, "qpn", qp.qpNum(), "type", qp.type().name(),
                        "sendCq", cqIds.getOrDefault(attr.sendCq, 0), "recvCq", cqIds.getOrDefault(attr.recvCq, 0),
                        // What the driver wrote back into attr.cap, which ib_core takes after this
                        // returns: a consumer may post that many, more than it asked for.
                        "maxSendWr", attr.cap.maxSendWr(), "maxRecvWr", attr.srq != null ? 0 : attr.cap.maxRecvWr());
            }
            return ret;
        }

        @Override
        public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
            int ret = d.modifyQp(qp, attr, mask, cur, next);
            if (ret == 0) {
                add(TraceAction.UserModify, "qpn", qp.qpNum(), "from", cur.name(), "to", next.name(),
                        "mask", maskNames(mask));
                if (next == QpState.RESET) {
                    // The driver drops the queues and the QP's CQEs (mlx4_ib_cq_clean).
                    forget(qp);
                }
            }
            return ret;
        }

        @Override
        public int destroyQp(Qp qp) {
            int ret = d.destroyQp(qp);
            if (ret == 0) {
                live.remove(qp.qpNum());
                forget(qp);
                add(TraceAction.UserDestroy, "qpn", qp.qpNum());
            }
            return ret;
        }

        @Override
        public PostResult postSend(Qp qp, List<SendWr> wrs) {
            PostResult r = d.postSend(qp, wrs);
            int accepted = r.ok() ? wrs.size() : Math.max(0, r.badWr());
            for (int i = 0; i < accepted; i++) {
                SendWr w = wrs.get(i);
                long wr = posted(qp, "send", w.wrId());
                add(TraceAction.UserPostSend, "qpn", qp.qpNum(), "wr", wr, "wrId", w.wrId(),
                        "signaled", w.signaled() || qp.sigType() == SigType.ALL_WR);
            }
            return r;
        }

        @Override
        public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
            PostResult r = d.postRecv(qp, wrs);
            int accepted = r.ok() ? wrs.size() : Math.max(0, r.badWr());
            for (int i = 0; i < accepted; i++) {
                long wr = posted(qp, "recv", wrs.get(i).wrId());
                add(TraceAction.UserPostRecv, "qpn", qp.qpNum(), "wr", wr, "wrId", wrs.get(i).wrId());
            }
            return r;
        }

        @Override
        public int pollCq(Cq cq, int numEntries, Wc[] wc) {
            int n = d.pollCq(cq, numEntries, wc);
            for (int i = 0; i < n; i++) {
                String kind = wc[i].opcode.isRecv() ? "recv" : "send";
                add(TraceAction.UserPoll, "cq", cqIds.getOrDefault(cq, 0), "qpn", wc[i].qp.qpNum(),
                        "wr", polled(wc[i], kind), "wrId", wc[i].wrId, "kind", kind, "status", wc[i].status.name());
            }
            return n;
        }

        // ---- verbs outside the specs' vocabulary: passed through, not recorded ------------














    }
}
