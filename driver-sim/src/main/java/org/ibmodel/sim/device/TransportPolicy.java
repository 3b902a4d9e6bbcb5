// Decisions of the transport that mutation tests replace with a known bug
package org.ibmodel.sim.device;

/**
 * Decisions of the transport, behind an interface so that a test can swap in a wrong one and
 * show the conformance check against RcTransport.tla rejects the run at the step the bug made,
 * or make a known difference reachable. {@link #CORRECT} is the transport's own and the default;
 * nothing outside tests sets another.
 */
interface TransportPolicy {
    TransportPolicy CORRECT = new TransportPolicy() {
    };

    /** rxe_resp.c check_psn: a request's PSN less the expected one (negative: a duplicate). */
    default int psnDiff(int psn, int expected) {
        return Psn.diff(psn, expected);
    }

    /**
     * IBA 9.7.5.2.8 (rxe_resp.c check_resource): whether the responder may look for a receive WQE
     * for the request with this PSN, rather than answer it with an RNR NAK at once.
     */
    default boolean receiverReady(int psn) {
        return true;
    }

    /** rxe_comp.c do_complete: whether the oldest in-flight WQE of {@code t} may be retired. */
    default boolean retirable(TransportQp t) {
        return t.inflight.get(0).done;
    }

    /** Whether the requester waits for end-to-end credits (IBA 9.7.7.2, rdmavt); rxe never does. */
    default boolean honoursCredits() {
        return true;
    }

    /** HCA.md §4.1: whether a key names an MPT entry whose key is {@code mptKey}: index and tag alike. */
    default boolean keyMatches(int mptKey, int key) {
        return mptKey == key;
    }

    /**
     * HCA.md §4.1: whether an access through a valid key passes, given the outcome of each check
     * the device makes; every one must (rxe_resp.c check_rkey, rxe_mr.c mr_check_range).
     */
    default boolean keyAllows(boolean samePd, boolean accessBit, boolean inRange) {
        return samePd && accessBit && inRange;
    }

    /**
     * HCA.md §6.1, IBA 11.6.3.1: whether a receive queue the device cannot reach any more fails
     * its QP (a Local Work Queue Catastrophic Error) rather than escaping the device.
     */
    default boolean containsQueueFaults() {
        return true;
    }

    /**
     * §4.5: whether the requester may begin a new WQE in hardware state {@code s}: in the sending
     * states only, never in SQD (IBA 10.3.1; SqDrain.tla MayBegin).
     */
    default boolean mayBegin(HwQpState s) {
        return s.sends();
    }

    /**
     * §3.3: whether SQD2SQD and SQD2RTS wait for the send queue to drain (rxe_qp.c
     * rxe_qp_chk_attr; SqDrain.tla MayLeaveSqd).
     */
    default boolean leavesSqdOnlyDrained() {
        return true;
    }

    /** §4.5: whether retiring the last WQE in progress posts the SQ_DRAINED asked for (IBA 11.6.3). */
    default boolean drainedAtLastCompletion() {
        return true;
    }

    /**
     * §5.10: whether a QP in path migration state {@code pmState} whose retries ran out migrates
     * to its alternate path: only an armed one (qib_rc.c qib_restart_rc; PathMigration.tla
     * MigratesOnExhaustion).
     */
    default boolean migratesOnExhaustion(int pmState) {
        return pmState == Layout.QpCtx.PM_ARMED;
    }

    /** IBA 10.9.3: whether a packet's P_Key lets it reach a QP holding {@code qp} (rxe_recv.c check_keys). */
    default boolean pkeyMatches(int packet, int qp) {
        return Transport.pkeyMatches(packet, qp);
    }
}
