package org.ibmodel.sim.conform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpStateTable;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.sw.mem.MemDevice;

/**
 * A seeded random run of the verbs on two QPs of one type (RC, UC or UD) that talk to each
 * other over one in-memory device, recorded by a {@link SpecRecorder}. Everything derives from
 * the seed; the HCA runs only when the walk says so.
 *
 * <p>Two scopes. {@link Scope#WORK_QUEUES} stays inside WorkQueues.tla: both QPs complete into
 * one CQ, they are brought up and later moved to ERR but never back to RESET, SQD or SQE, so only
 * RC sends fail (a bad lkey, no receiver, an RNR NAK) and receive buffers always fit. Such a run
 * is checked against QpStateMachine and WorkQueues. {@link Scope#QP_STATES} moves the QPs
 * through every state with masks that the table accepts or refuses, posts in every state and
 * makes UD and UC sends fail too (SQE); it is checked against QpStateMachine.
 *
 * <p>Two divergences between the model and WorkQueues keep the first scope away from them:
 * MemDevice keeps writing CQEs once a full CQ has room again while the spec loses every CQE after
 * an overrun, and ib_destroy_qp / a reset drop the QP's CQEs from the CQ (mlx4_ib_cq_clean) while
 * the spec leaves them. So the walk stops posting and polling once a CQ overran, and destroys a
 * QP only with nothing of it left in the CQ.
 */
final class SpecWalk {
    enum Scope {
        WORK_QUEUES, QP_STATES
    }

    static final int QKEY = 0x11111111;
    static final int BAD_LKEY = 0xbad00;
    /** 2^n - 1, so the in-memory device makes the CQ exactly this deep (rxe_queue_init). */
    static final int CQ_DEPTH = 3;

    private final Random rnd;
    private final Scope scope;
    private final Kernel kernel = new Kernel("host");
    private final SpecRecorder recorder = new SpecRecorder();
    private final IbDevice dev;
    private final Pd pd;
    private final long buffer;
    private final QpType type;
    private final Cq cq;
    private final List<Qp> qps = new ArrayList<>();
    private final List<Ah> ahs = new ArrayList<>();
    private final Wc[] wc = new Wc[CQ_DEPTH];
    private long nextWrId = 1000;
    private boolean overran;

    private SpecWalk(long seed, Scope scope, UnaryOperator<DeviceOps> driver) {
        this.rnd = new Random(seed);
        this.scope = scope;
        IbCore core = new IbCore(kernel);
        HostMemory mem = new HostMemory();
        dev = MemDevice.create(core, "mem0", mem, 1, ops -> recorder.wrap(driver.apply(ops)));
        if (core.registerDevice(dev) != 0) {
            throw new IllegalStateException("cannot register mem0");
        }
        kernel.runPending();
        buffer = mem.alloc(4096);
        pd = Pd.alloc(dev).get();
        type = new QpType[] {QpType.RC, QpType.UC, QpType.UD}[rnd.nextInt(3)];
        cq = Cq.create(dev, null, recorder.cqEvents(null), new CqInitAttr(CQ_DEPTH, 0)).get();
        for (int i = 0; i < 2; i++) {
            QpInitAttr a = QpInitAttr.of(type, cq, cq, QpCap.of(3, 3, 1));
            a.sqSigType = rnd.nextBoolean() ? SigType.ALL_WR : SigType.REQ_WR;
            qps.add(Qp.create(pd, a).get());
            ahs.add(Ah.create(pd, AhAttr.lid(1, 1)).get());
        }
    }

    /** Records one run of {@code steps} random steps. */
    static SpecTrace run(long seed, Scope scope, int steps) {
        return run(seed, scope, steps, UnaryOperator.identity());
    }

    /** The same with a driver wrapped by {@code driver} (a deliberately broken one). */
    static SpecTrace run(long seed, Scope scope, int steps, UnaryOperator<DeviceOps> driver) {
        SpecWalk w = new SpecWalk(seed, scope, driver);
        for (int i = 0; i < steps; i++) {
            w.step();
        }
        w.finish();
        List<String> specs = scope == Scope.WORK_QUEUES ? List.of("QpStateMachine", "WorkQueues")
                : List.of("QpStateMachine");
        return w.recorder.trace(specs, Map.of("seed", seed, "scope", scope.name(), "model", "MemDevice"));
    }

    private void step() {
        if (overran) {
            return;
        }
        Qp q = qps.get(rnd.nextInt(2));
        switch (rnd.nextInt(10)) {
            case 0, 1 -> modify(q);
            case 2, 3 -> postSend(q);
            case 4, 5 -> postRecv(q);
            default -> hca(rnd.nextInt(4) == 0 ? rnd.nextInt(CQ_DEPTH) : CQ_DEPTH);
        }
    }

    private void finish() {
        if (!overran) {
            hca(CQ_DEPTH);
            while (!overran && poll(CQ_DEPTH) > 0) {
                hca(0);
            }
        }
        for (Qp q : qps) {
            q.destroy();
        }
    }

    /** The HCA runs; then up to {@code polls} completions are polled, unless a CQ overran. */
    private void hca(int polls) {
        kernel.runPending();
        recorder.hcaRan();
        if (recorder.events().get(recorder.events().size() - 1).list("cqErr").isEmpty()) {
            poll(polls);
        } else {
            overran = true;
        }
    }

    private int poll(int n) {
        return n == 0 ? 0 : cq.poll(n, wc);
    }

    private void modify(Qp q) {
        QpState cur = q.state();
        QpState next;
        if (scope == Scope.WORK_QUEUES) {
            next = switch (cur) {
                case RESET -> QpState.INIT;
                case INIT -> QpState.RTR;
                case RTR -> QpState.RTS;
                default -> QpState.ERR;
            };
            if (next == QpState.ERR && rnd.nextInt(3) != 0) {
                return;
            }
        } else {
            next = QpState.values()[rnd.nextInt(QpState.values().length)];
            if (rnd.nextInt(3) != 0) {
                // Mostly forward along the bring-up, so the QPs spend time where work flows.
                next = switch (cur) {
                    case RESET -> QpState.INIT;
                    case INIT -> QpState.RTR;
                    case RTR, SQD, SQE -> QpState.RTS;
                    default -> next;
                };
            }
        }
        QpStateTable.Transition t = QpStateTable.lookup(cur, next);
        int mask = QpAttrMask.STATE.bit();
        if (t != null) {
            mask |= t.required(type);
            int opt = t.optional(type) & ~QpAttrMask.CUR_STATE.bit();
            for (int bit = 1; bit != 0; bit <<= 1) {
                if ((opt & bit) != 0 && rnd.nextBoolean()) {
                    mask |= bit;
                }
            }
            if ((t.optional(type) & QpAttrMask.CUR_STATE.bit()) != 0 && rnd.nextInt(4) == 0) {
                mask |= QpAttrMask.CUR_STATE.bit();
            }
        }
        if (scope == Scope.QP_STATES && rnd.nextInt(8) == 0) {
            // A mask the table refuses: ib_core returns EINVAL and nothing is recorded.
            mask ^= 1 << rnd.nextInt(21);
        }
        q.modify(attr(q, next, cur), mask);
    }

    private QpAttr attr(Qp q, QpState next, QpState cur) {
        QpAttr a = new QpAttr();
        a.qpState = next;
        a.curQpState = cur;
        a.portNum = 1;
        a.pkeyIndex = 0;
        a.qkey = QKEY;
        a.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE;
        a.ahAttr = AhAttr.lid(1, 1);
        a.pathMtu(Mtu.MTU_1024);
        a.destQpNum = peer(q).qpNum();
        a.timeout = 14;
        a.retryCnt = 7;
        // 7 waits for a receive forever; less fails the send with RNR_RETRY_EXC_ERR.
        a.rnrRetry = rnd.nextBoolean() ? 7 : 1;
        a.minRnrTimer = 12;
        a.maxRdAtomic = 1;
        a.maxDestRdAtomic = 1;
        a.altAhAttr = AhAttr.lid(1, 1);
        a.altPortNum = 1;
        a.altTimeout = 14;
        return a;
    }

    private Qp peer(Qp q) {
        return qps.get(0) == q ? qps.get(1) : qps.get(0);
    }

    private void postSend(Qp q) {
        List<SendWr> wrs = new ArrayList<>();
        for (int i = 1 + rnd.nextInt(2); i > 0; i--) {
            boolean bad = rnd.nextInt(8) == 0 && (scope == Scope.QP_STATES || type == QpType.RC);
            SendWr w = new SendWr().wrId(nextWrId++).opcode(WrOpcode.SEND)
                    .sendFlags(rnd.nextBoolean() ? SendFlags.SIGNALED : 0)
                    .sgList(new Sge(buffer, 32, bad ? BAD_LKEY : pd.localDmaLkey()));
            if (type == QpType.UD) {
                w.ah(ahs.get(qps.indexOf(q))).remoteQpn(peer(q).qpNum()).remoteQkey(QKEY);
            }
            wrs.add(w);
        }
        q.postSend(wrs);
    }

    private void postRecv(Qp q) {
        q.postRecv(new RecvWr(nextWrId++, new Sge(buffer + 1024 + 256L * rnd.nextInt(8), 256, pd.localDmaLkey())));
    }
}
