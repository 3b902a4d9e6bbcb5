package org.ibmodel.props;

import java.util.List;
import java.util.stream.Collectors;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SigType;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;

/**
 * One concrete verbs call of the stateful test, with every argument decided. {@link VerbsChooser}
 * turns a generated {@link VerbsIntent} into an action from the abstract model's state;
 * {@link VerbsModel} predicts the action's {@link Outcome} and {@link VerbsSystem} performs it on
 * ib_core. Objects are named by test ids, never by the system's handles.
 */
sealed interface VerbsAction {

    /** The kernel function the action calls. */
    String verb();

    /** What the action does, for traces of failing runs. */
    String describe();

    /** Where a UD send goes: a QP id, or one of these: nobody, or the GSI QP (QP1). */
    int TARGET_DEAD = -1;
    int TARGET_GSI = -2;

    /** The destination QPN given with IB_QP_DEST_QPN. */
    enum Dest {
        /** The QP's own number: a loopback connection. */
        SELF,
        /** A QPN no QP has: nothing answers. */
        DEAD,
        /** Wider than 24 bits: rejected. */
        INVALID
    }

    /** Which Q_Key a UD send carries (IBA 10.2.4). */
    enum QkeyMode {
        MATCH, CONTROLLED, MISMATCH
    }

    /**
     * A send work request. {@code flaw} names the rule the test meant it to break, or null; the
     * model decides from the rules, not from the label.
     */
    record SendSpec(long wrId, WrOpcode opcode, int numSge, int sgeLen, boolean badLkey, boolean signaled,
            boolean solicited, boolean inline, int ah, int target, QkeyMode qkey, String flaw) {
        int length() {
            return numSge * sgeLen;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("wr").append(wrId).append('{').append(opcode.kernelName())
                    .append(" sge=").append(numSge).append('x').append(sgeLen);
            if (badLkey) {
                sb.append(" bad-lkey");
            }
            sb.append(signaled ? " signaled" : "").append(solicited ? " solicited" : "")
                    .append(inline ? " inline" : "");
            if (ah != -1 || target != TARGET_DEAD) {
                sb.append(" ah=").append(ah).append(" to=").append(target).append(" qkey=").append(qkey);
            }
            if (flaw != null) {
                sb.append(" flaw=").append(flaw);
            }
            return sb.append('}').toString();
        }
    }

    /** A receive work request; {@code sgeLen} bytes per element. */
    record RecvSpec(long wrId, int numSge, int sgeLen, boolean badLkey, String flaw) {
        int length() {
            return numSge * sgeLen;
        }

        @Override
        public String toString() {
            return "wr" + wrId + "{sge=" + numSge + "x" + sgeLen + (badLkey ? " bad-lkey" : "")
                    + (flaw != null ? " flaw=" + flaw : "") + "}";
        }
    }

    /**
     * A work completion as the test compares it. IB defines only wr_id, status and the QP for an
     * error completion (ib_verbs.h, struct ib_wc), so opcode and byte_len are compared only for
     * successful ones.
     */
    record WcView(long wrId, int qp, WcStatus status, WcOpcode opcode, int byteLen) {
        static WcView of(long wrId, int qp, WcStatus status, WcOpcode opcode, int byteLen) {
            return status == WcStatus.SUCCESS ? new WcView(wrId, qp, status, opcode, byteLen)
                    : new WcView(wrId, qp, status, null, 0);
        }

        @Override
        public String toString() {
            return "wr" + wrId + "@qp" + qp + ":" + status.name()
                    + (opcode != null ? "/" + opcode.name() + "/" + byteLen : "");
        }
    }

    /**
     * What a call returned: 0, a count or a negative errno; the bad_wr index of a failed post
     * (-1 otherwise); the completions it reaped, in order; and the rule of the kernel WARN it
     * raised, or null.
     */
    record Outcome(String verb, int ret, int badWr, List<WcView> completions, String warn) {
        static Outcome ret(String verb, int ret) {
            return new Outcome(verb, ret, -1, List.of(), null);
        }

        static Outcome post(String verb, int ret, int badWr) {
            return new Outcome(verb, ret, ret == 0 ? -1 : badWr, List.of(), null);
        }

        static Outcome reaped(String verb, List<WcView> wcs) {
            return new Outcome(verb, wcs.size(), -1, List.copyOf(wcs), null);
        }

        static Outcome warn(String verb, String rule) {
            return new Outcome(verb, 0, -1, List.of(), rule);
        }

        /** The outcome as a coverage key: "0", "-EINVAL", "n>0", "WARN". */
        String key() {
            if (warn != null) {
                return "WARN";
            }
            if (ret < 0) {
                return "-" + Errno.ofNumber(ret).name();
            }
            if (verb.equals("ib_poll_cq") || verb.equals("ib_process_cq_direct")) {
                return ret > 0 ? "n>0" : "0";
            }
            return Integer.toString(ret);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(key());
            if (badWr >= 0) {
                sb.append(" bad_wr=").append(badWr);
            }
            if (!completions.isEmpty()) {
                sb.append(' ').append(completions);
            }
            if (warn != null) {
                sb.append(' ').append(warn);
            }
            return sb.toString();
        }
    }

    record AllocPd(int pd) implements VerbsAction {
        public String verb() {
            return "ib_alloc_pd";
        }

        public String describe() {
            return "ib_alloc_pd() -> pd" + pd;
        }
    }

    record CreateCq(int cq, boolean direct, int cqe) implements VerbsAction {
        public String verb() {
            return direct ? "ib_alloc_cq" : "ib_create_cq";
        }

        public String describe() {
            return verb() + "(cqe=" + cqe + (direct ? ", IB_POLL_DIRECT" : "") + ") -> cq" + cq;
        }
    }

    record CreateAh(int ah, int pd, int port, int dlid) implements VerbsAction {
        public String verb() {
            return "rdma_create_ah";
        }

        public String describe() {
            return "rdma_create_ah(pd" + pd + ", port=" + port + ", dlid=" + dlid + ") -> ah" + ah;
        }
    }

    record CreateSrq(int srq, int pd, int maxWr, int maxSge) implements VerbsAction {
        public String verb() {
            return "ib_create_srq";
        }

        public String describe() {
            return "ib_create_srq(pd" + pd + ", max_wr=" + maxWr + ", max_sge=" + maxSge + ") -> srq" + srq;
        }
    }

    record CreateQp(int qp, QpType type, int pd, int sendCq, int recvCq, int srq, int port, QpCap cap,
            SigType sigType, String flaw) implements VerbsAction {
        public String verb() {
            return "ib_create_qp";
        }

        public String describe() {
            return "ib_create_qp(" + type.kernelName() + ", pd" + pd + ", scq=cq" + sendCq + ", rcq=cq" + recvCq
                    + (srq >= 0 ? ", srq" + srq : "") + (port != 0 ? ", port=" + port : "") + ", " + cap + ", "
                    + sigType + (flaw != null ? ", flaw=" + flaw : "") + ") -> qp" + qp;
        }
    }

    /** ib_modify_qp; {@code kind} says how the test built the request (legal, missing bit, ...). */
    record ModifyQp(int qp, String kind, int mask, QpAttr attr, Dest dest) implements VerbsAction {
        public String verb() {
            return "ib_modify_qp";
        }

        public String describe() {
            StringBuilder sb = new StringBuilder("ib_modify_qp(qp").append(qp).append(", ").append(kind).append(", ");
            if ((mask & QpTableSpec.STATE) != 0) {
                sb.append("-> ").append(attr.qpState.kernelName()).append(", ");
            }
            if ((mask & QpTableSpec.CUR_STATE) != 0) {
                sb.append("cur=").append(attr.curQpState.kernelName()).append(", ");
            }
            sb.append("mask=").append(org.ibmodel.core.QpAttrMask.format(mask));
            if ((mask & QpTableSpec.DEST_QPN) != 0) {
                sb.append(", dest=").append(dest);
            }
            if ((mask & QpTableSpec.RNR_RETRY) != 0) {
                sb.append(", rnr_retry=").append(attr.rnrRetry);
            }
            return sb.append(')').toString();
        }
    }

    record PostSend(int qp, List<SendSpec> wrs) implements VerbsAction {
        public String verb() {
            return "ib_post_send";
        }

        public String describe() {
            return "ib_post_send(qp" + qp + ", " + wrs + ")";
        }
    }

    record PostRecv(int qp, List<RecvSpec> wrs) implements VerbsAction {
        public String verb() {
            return "ib_post_recv";
        }

        public String describe() {
            return "ib_post_recv(qp" + qp + ", " + wrs + ")";
        }
    }

    record PostSrqRecv(int srq, List<RecvSpec> wrs) implements VerbsAction {
        public String verb() {
            return "ib_post_srq_recv";
        }

        public String describe() {
            return "ib_post_srq_recv(srq" + srq + ", " + wrs + ")";
        }
    }

    /** Lets the kernel's deferred work run: the device's send engine, interrupts, upcalls. */
    record Progress() implements VerbsAction {
        public String verb() {
            return "run_pending";
        }

        public String describe() {
            return "run_pending()";
        }
    }

    /** ib_poll_cq of up to {@code budget} entries, or ib_process_cq_direct (-1: no limit). */
    record PollCq(int cq, boolean direct, int budget) implements VerbsAction {
        public String verb() {
            return direct ? "ib_process_cq_direct" : "ib_poll_cq";
        }

        public String describe() {
            return verb() + "(cq" + cq + ", " + budget + ")";
        }
    }

    record ArmCq(int cq, int flags) implements VerbsAction {
        public String verb() {
            return "ib_req_notify_cq";
        }

        public String describe() {
            return "ib_req_notify_cq(cq" + cq + ", 0x" + Integer.toHexString(flags) + ")";
        }
    }

    record DrainQp(int qp) implements VerbsAction {
        public String verb() {
            return "ib_drain_qp";
        }

        public String describe() {
            return "ib_drain_qp(qp" + qp + ")";
        }
    }

    record DestroyQp(int qp) implements VerbsAction {
        public String verb() {
            return "ib_destroy_qp";
        }

        public String describe() {
            return "ib_destroy_qp(qp" + qp + ")";
        }
    }

    record DestroyCq(int cq) implements VerbsAction {
        public String verb() {
            return "ib_destroy_cq";
        }

        public String describe() {
            return "ib_destroy_cq(cq" + cq + ")";
        }
    }

    record DestroySrq(int srq) implements VerbsAction {
        public String verb() {
            return "ib_destroy_srq";
        }

        public String describe() {
            return "ib_destroy_srq(srq" + srq + ")";
        }
    }

    record DestroyAh(int ah) implements VerbsAction {
        public String verb() {
            return "rdma_destroy_ah";
        }

        public String describe() {
            return "rdma_destroy_ah(ah" + ah + ")";
        }
    }

    record DeallocPd(int pd) implements VerbsAction {
        public String verb() {
            return "ib_dealloc_pd";
        }

        public String describe() {
            return "ib_dealloc_pd(pd" + pd + ")";
        }
    }

    /** Joins descriptions for a trace. */
    static String trace(List<String> lines) {
        return lines.stream().collect(Collectors.joining("\n    ", "    ", ""));
    }
}
