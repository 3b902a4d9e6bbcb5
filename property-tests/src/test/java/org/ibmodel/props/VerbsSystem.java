package org.ibmodel.props;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Result;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.props.VerbsAction.AllocPd;
import org.ibmodel.props.VerbsAction.ArmCq;
import org.ibmodel.props.VerbsAction.CreateAh;
import org.ibmodel.props.VerbsAction.CreateCq;
import org.ibmodel.props.VerbsAction.CreateQp;
import org.ibmodel.props.VerbsAction.CreateSrq;
import org.ibmodel.props.VerbsAction.DeallocPd;
import org.ibmodel.props.VerbsAction.DestroyAh;
import org.ibmodel.props.VerbsAction.DestroyCq;
import org.ibmodel.props.VerbsAction.DestroyQp;
import org.ibmodel.props.VerbsAction.DestroySrq;
import org.ibmodel.props.VerbsAction.DrainQp;
import org.ibmodel.props.VerbsAction.ModifyQp;
import org.ibmodel.props.VerbsAction.Outcome;
import org.ibmodel.props.VerbsAction.PollCq;
import org.ibmodel.props.VerbsAction.PostRecv;
import org.ibmodel.props.VerbsAction.PostSend;
import org.ibmodel.props.VerbsAction.PostSrqRecv;
import org.ibmodel.props.VerbsAction.Progress;
import org.ibmodel.props.VerbsAction.RecvSpec;
import org.ibmodel.props.VerbsAction.SendSpec;
import org.ibmodel.props.VerbsAction.WcView;
import org.ibmodel.sw.mem.MemDevice;

/**
 * The system under test: one kernel, ib_core and an in-memory device, driven only through the
 * verbs. It turns each {@link VerbsAction} into calls, reports what they returned, and keeps the
 * handles of every object it ever created so use counts can be read after teardown.
 */
final class VerbsSystem {
    /** The LID of the device's port; an AH to it loops back. */
    static final int PORT_LID = 1;
    /** A QPN no QP of the run ever gets (MemDevice numbers from 0x40 upwards). */
    static final int DEAD_QPN = 0xfffff0;
    /** An lkey no memory region has. */
    static final int BAD_LKEY = 0xbad00;
    /** The remote key of every RDMA write: no region has it, so the responder NAKs. */
    static final int BAD_RKEY = 0;

    private final Kernel kernel = new Kernel("host");
    private final IbDevice dev;
    private final long buffer;
    private final Map<Integer, Pd> pds = new LinkedHashMap<>();
    private final Map<Integer, Cq> cqs = new LinkedHashMap<>();
    private final Map<Integer, Srq> srqs = new LinkedHashMap<>();
    private final Map<Integer, Ah> ahs = new LinkedHashMap<>();
    private final Map<Integer, Qp> qps = new LinkedHashMap<>();
    private final Map<Qp, Integer> qpIds = new IdentityHashMap<>();
    /** Per ib_create_cq'd CQ: completion upcalls, IB_EVENT_CQ_ERR events. */
    private final Map<Integer, int[]> cqEvents = new LinkedHashMap<>();
    private final List<WcView> reaped = new ArrayList<>();
    /** The wr_cqe of every WR the test posts: what ib_process_cq_direct hands back. */
    private final Cqe recorder = (cq, wc) -> reaped.add(view(wc));

    /**
     * The fixture of the issue, with a small device so the QP, CQ and SRQ limits are reached
     * within a run.
     */
    VerbsSystem(int maxQp, int maxCq, int maxSrq, UnaryOperator<DeviceOps> driver) {
        IbCore core = new IbCore(kernel);
        HostMemory mem = new HostMemory();
        dev = MemDevice.create(core, "mem0", mem, PORT_LID, driver);
        dev.attr().maxQp = maxQp;
        dev.attr().maxCq = maxCq;
        dev.attr().maxSrq = maxSrq;
        if (core.registerDevice(dev) != 0) {
            throw new IllegalStateException("cannot register mem0");
        }
        kernel.runPending();
        buffer = mem.alloc(4096);
    }

    IbDevice device() {
        return dev;
    }

    Map<Integer, Pd> pds() {
        return pds;
    }

    Map<Integer, Cq> cqs() {
        return cqs;
    }

    Map<Integer, Srq> srqs() {
        return srqs;
    }

    Map<Integer, Ah> ahs() {
        return ahs;
    }

    Map<Integer, Qp> qps() {
        return qps;
    }

    /** {upcalls, CQ_ERR events} of an ib_create_cq'd CQ; null for ib_alloc_cq'd ones. */
    int[] cqEvents(int cq) {
        return cqEvents.get(cq);
    }

    Outcome perform(VerbsAction action) {
        String verb = action.verb();
        if (action instanceof AllocPd a) {
            return created(verb, Pd.alloc(dev), pd -> pds.put(a.pd(), pd));
        } else if (action instanceof CreateCq a) {
            if (a.direct()) {
                return created(verb, Cq.alloc(dev, a.cqe(), 0, PollContext.DIRECT), cq -> cqs.put(a.cq(), cq));
            }
            int[] events = new int[2];
            Result<Cq> r = Cq.create(dev, cq -> events[0]++, ev -> {
                if (ev.event() == IbEventType.CQ_ERR) {
                    events[1]++;
                }
            }, new CqInitAttr(a.cqe(), 0));
            return created(verb, r, cq -> {
                cqs.put(a.cq(), cq);
                cqEvents.put(a.cq(), events);
            });
        } else if (action instanceof CreateAh a) {
            return created(verb, Ah.create(pds.get(a.pd()), AhAttr.lid(a.port(), a.dlid())), ah -> ahs.put(a.ah(), ah));
        } else if (action instanceof CreateSrq a) {
            return created(verb, Srq.create(pds.get(a.pd()), null, new SrqAttr(a.maxWr(), a.maxSge(), 0)),
                    srq -> srqs.put(a.srq(), srq));
        } else if (action instanceof CreateQp a) {
            QpInitAttr init = QpInitAttr.of(a.type(), cqs.get(a.sendCq()), cqs.get(a.recvCq()), a.cap());
            init.srq = a.srq() < 0 ? null : srqs.get(a.srq());
            init.sqSigType = a.sigType();
            init.portNum = a.port();
            return created(verb, Qp.create(pds.get(a.pd()), init), qp -> {
                qps.put(a.qp(), qp);
                qpIds.put(qp, a.qp());
            });
        } else if (action instanceof ModifyQp a) {
            Qp qp = qps.get(a.qp());
            QpAttr attr = a.attr().copy();
            attr.destQpNum = switch (a.dest()) {
                case SELF -> qp.qpNum();
                case DEAD -> DEAD_QPN;
                case INVALID -> 1 << 24;
            };
            return Outcome.ret(verb, qp.modify(attr, a.mask()));
        } else if (action instanceof PostSend a) {
            Qp qp = qps.get(a.qp());
            List<SendWr> wrs = new ArrayList<>();
            for (SendSpec s : a.wrs()) {
                wrs.add(sendWr(qp, s));
            }
            PostResult r = qp.postSend(wrs);
            return Outcome.post(verb, r.ret(), r.badWr());
        } else if (action instanceof PostRecv a) {
            Qp qp = qps.get(a.qp());
            PostResult r = qp.postRecv(recvWrs(a.wrs(), qp.pd()));
            return Outcome.post(verb, r.ret(), r.badWr());
        } else if (action instanceof PostSrqRecv a) {
            Srq srq = srqs.get(a.srq());
            PostResult r = srq.postRecv(recvWrs(a.wrs(), srq.pd()));
            return Outcome.post(verb, r.ret(), r.badWr());
        } else if (action instanceof Progress) {
            kernel.runPending();
            return Outcome.ret(verb, 0);
        } else if (action instanceof PollCq a) {
            return poll(a);
        } else if (action instanceof ArmCq a) {
            return Outcome.ret(verb, cqs.get(a.cq()).reqNotify(a.flags()));
        } else if (action instanceof DrainQp a) {
            reaped.clear();
            try {
                qps.get(a.qp()).drain();
            } catch (KernelBug bug) {
                return Outcome.warn(verb, bug.rule());
            }
            return new Outcome(verb, 0, -1, List.copyOf(reaped), null);
        } else if (action instanceof DestroyQp a) {
            return Outcome.ret(verb, qps.get(a.qp()).destroy());
        } else if (action instanceof DestroyCq a) {
            return Outcome.ret(verb, cqs.get(a.cq()).destroy());
        } else if (action instanceof DestroySrq a) {
            return Outcome.ret(verb, srqs.get(a.srq()).destroy());
        } else if (action instanceof DestroyAh a) {
            return Outcome.ret(verb, ahs.get(a.ah()).destroy());
        } else if (action instanceof DeallocPd a) {
            try {
                return Outcome.ret(verb, pds.get(a.pd()).dealloc());
            } catch (KernelBug bug) {
                return Outcome.warn(verb, bug.rule());
            }
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    private static <T> Outcome created(String verb, Result<T> r, java.util.function.Consumer<T> keep) {
        if (r.isErr()) {
            return Outcome.ret(verb, r.err());
        }
        keep.accept(r.get());
        return Outcome.ret(verb, 0);
    }

    private Outcome poll(PollCq a) {
        Cq cq = cqs.get(a.cq());
        if (a.direct()) {
            reaped.clear();
            int n = cq.processDirect(a.budget());
            if (n != reaped.size()) {
                throw new AssertionError("ib_process_cq_direct returned " + n + " but handed back "
                        + reaped.size() + " completions: " + reaped);
            }
            return Outcome.reaped(a.verb(), reaped);
        }
        Wc[] wc = new Wc[a.budget()];
        int n = cq.poll(a.budget(), wc);
        List<WcView> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(view(wc[i]));
        }
        return Outcome.reaped(a.verb(), out);
    }

    private SendWr sendWr(Qp qp, SendSpec s) {
        int flags = (s.signaled() ? SendFlags.SIGNALED : 0) | (s.solicited() ? SendFlags.SOLICITED : 0)
                | (s.inline() ? SendFlags.INLINE : 0);
        SendWr wr = new SendWr().wrId(s.wrId()).wrCqe(recorder).opcode(s.opcode()).sendFlags(flags)
                .sgList(sges(s.numSge(), s.sgeLen(), s.badLkey(), qp.pd()));
        if (s.opcode() == WrOpcode.RDMA_WRITE || s.opcode() == WrOpcode.RDMA_READ) {
            wr.remoteAddr(buffer).rkey(BAD_RKEY);
        }
        if (qp.type().datagram()) {
            wr.ah(s.ah() < 0 ? null : ahs.get(s.ah()));
            wr.remoteQpn(switch (s.target()) {
                case VerbsAction.TARGET_DEAD -> DEAD_QPN;
                case VerbsAction.TARGET_GSI -> 1;
                default -> qps.get(s.target()).qpNum();
            });
            wr.remoteQkey(switch (s.qkey()) {
                case MATCH -> VerbsModel.QKEY;
                case CONTROLLED -> VerbsModel.CONTROLLED_QKEY;
                case MISMATCH -> VerbsModel.MISMATCHED_QKEY;
            });
        }
        return wr;
    }

    private List<RecvWr> recvWrs(List<RecvSpec> specs, Pd pd) {
        List<RecvWr> out = new ArrayList<>();
        for (RecvSpec r : specs) {
            out.add(new RecvWr(r.wrId(), recorder, sges(r.numSge(), r.sgeLen(), r.badLkey(), pd)));
        }
        return out;
    }

    private List<Sge> sges(int n, int len, boolean badLkey, Pd pd) {
        List<Sge> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Sge(buffer + 256L * i, len, badLkey ? BAD_LKEY : pd.localDmaLkey()));
        }
        return out;
    }

    private WcView view(Wc wc) {
        Integer qp = qpIds.get(wc.qp);
        return WcView.of(wc.wrId, qp == null ? -1 : qp, wc.status, wc.opcode, wc.byteLen);
    }
}
