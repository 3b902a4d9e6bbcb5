// docs/HCA.md §4.5: the QP context the firmware owns
package org.ibmodel.sim.device;

/**
 * One entry of the device's QP table: the context as docs/HCA.md lays it out (kept as those
 * 160 bytes, read with the {@link Layout.QpCtx} fields), the device's own state, and the work
 * queues it serves while the context is attached (RST2INIT until 2RST).
 */
public final class QpContext {
    /** §4.5 service types. */
    public static final int RC = 0;
    public static final int UC = 1;
    public static final int UD = 3;
    public static final int SPECIAL = 7;

    private final int qpn;
    private HwQpState state = HwQpState.RESET;
    private byte[] ctx = new byte[Layout.QpCtx.SIZE];
    /*
     * Fields the transport reads for every packet, decoded whenever the context changes (every
     * change goes through raw(), detach() or touched()), as the device would keep them in
     * registers rather than parse its context memory per packet.
     */
    private int serviceType;
    private int pd;
    private int port;
    private int pkeyIndex;
    private int pathMtu;
    private int dlid;
    private int sl;
    private int remoteQpn;
    private int srcPathBits;
    private int staticRate;
    private int sendCqn;
    private int recvCqn;
    private int retryCnt;
    private int rnrRetry;
    private int ackTimeout;
    private int pmState;
    /** 0 for an SMI QP, 1 for a GSI QP (the QPNs their packets name), -1 for any other. */
    private int wellKnown = -1;
    private boolean hasSrq;
    private boolean grh;
    private SendQueue sq;
    /** RTS2SQD asked for an SQ_DRAINED event that the transport has not posted yet. */
    boolean sqDrainedPending;
    /** COMM_EST was reported since the QP last entered RTR (ReceiveDemux). */
    boolean commEstReported;
    /** The transport's state of this QP while it has one (Transport.qp, Transport.drop). */
    TransportQp transportQp;
    private RecvQueue rq;

    QpContext(int qpn) {
        this.qpn = qpn;
        touched();
    }

    /** Re-reads the decoded fields after the context bytes changed. */
    void touched() {
        serviceType = (int) get(Layout.QpCtx.SERVICE_TYPE);
        pd = (int) get(Layout.QpCtx.PD);
        port = (int) get(Layout.QpCtx.PORT);
        pkeyIndex = (int) get(Layout.QpCtx.PKEY_INDEX);
        pathMtu = (int) get(Layout.QpCtx.PATH_MTU);
        dlid = (int) get(Layout.QpCtx.DLID);
        sl = (int) get(Layout.QpCtx.SL);
        remoteQpn = (int) get(Layout.QpCtx.REMOTE_QPN);
        srcPathBits = (int) get(Layout.QpCtx.SRC_PATH_BITS);
        staticRate = (int) get(Layout.QpCtx.STATIC_RATE);
        sendCqn = (int) get(Layout.QpCtx.SEND_CQN);
        recvCqn = (int) get(Layout.QpCtx.RECV_CQN);
        retryCnt = (int) get(Layout.QpCtx.RETRY_CNT);
        rnrRetry = (int) get(Layout.QpCtx.RNR_RETRY);
        ackTimeout = (int) get(Layout.QpCtx.ACK_TIMEOUT);
        pmState = (int) get(Layout.QpCtx.PM_STATE);
        hasSrq = get(Layout.QpCtx.HAS_SRQ) != 0;
        grh = get(Layout.QpCtx.GRH) != 0;
    }

    int retryCnt() {
        return retryCnt;
    }

    int rnrRetry() {
        return rnrRetry;
    }

    int ackTimeout() {
        return ackTimeout;
    }

    /** 0 for the SMI QP, 1 for the GSI QP of a port, -1 otherwise (IBA 13.5.1, 14.2.1). */
    int wellKnown() {
        return wellKnown;
    }

    void wellKnown(int n) {
        wellKnown = n;
    }

    /** §5.10: the path migration state, one of Layout.QpCtx.PM_*. */
    int pmState() {
        return pmState;
    }

    /** A QP in rearm whose peer has re-armed too (§5.10). */
    void arm() {
        Layout.QpCtx.PM_STATE.set(ctx, 0, Layout.QpCtx.PM_ARMED);
        touched();
    }

    /** §5.10: the alternate path becomes the primary one; pm_state becomes migrated. */
    void migrate() {
        for (int i = 0; i < QpTransition.ALTERNATE_PATH.size(); i++) {
            Field from = QpTransition.ALTERNATE_PATH.get(i);
            Field to = QpTransition.PRIMARY_PATH.get(i);
            if (from.width() > 64) {
                to.bytes(ctx, 0, from.bytes(ctx, 0));
            } else {
                to.set(ctx, 0, from.get(ctx, 0));
            }
        }
        Layout.QpCtx.PM_STATE.set(ctx, 0, Layout.QpCtx.PM_MIGRATED);
        touched();
    }

    int pd() {
        return pd;
    }

    int port() {
        return port;
    }

    int pkeyIndex() {
        return pkeyIndex;
    }

    int pathMtu() {
        return pathMtu;
    }

    int dlid() {
        return dlid;
    }

    int sl() {
        return sl;
    }

    int remoteQpn() {
        return remoteQpn;
    }

    /** The address path asks for a GRH on every packet. */
    boolean grh() {
        return grh;
    }

    int srcPathBits() {
        return srcPathBits;
    }

    /** §5.9: the address path's static rate code. */
    int staticRate() {
        return staticRate;
    }

    int cqn(boolean send) {
        return send ? sendCqn : recvCqn;
    }

    public int qpn() {
        return qpn;
    }

    public HwQpState state() {
        return state;
    }

    void state(HwQpState s) {
        if (s == HwQpState.RTR && state != HwQpState.RTR) {
            commEstReported = false;
        }
        state = s;
        if (s != HwQpState.SQD) {
            // Only a drain that SQD is still waiting for is reported.
            sqDrainedPending = false;
        }
    }

    /** A field of the context (not the read-only ones, which {@link #image()} fills in). */
    public long get(Field f) {
        return f.get(ctx, 0);
    }

    public byte[] bytes(Field f) {
        return f.bytes(ctx, 0);
    }

    public int serviceType() {
        return serviceType;
    }

    public boolean datagram() {
        return serviceType == UD || serviceType == SPECIAL;
    }

    public boolean hasSrq() {
        return hasSrq;
    }

    public SendQueue sendQueue() {
        return sq;
    }

    public RecvQueue recvQueue() {
        return rq;
    }

    boolean attached() {
        return sq != null;
    }

    byte[] raw() {
        return ctx;
    }

    void raw(byte[] image) {
        ctx = image;
        touched();
    }

    void attach(Dma dma) {
        long db = get(Layout.QpCtx.DB_RECORD);
        sq = new SendQueue(dma, get(Layout.QpCtx.SQ_ADDR), (int) get(Layout.QpCtx.SQ_LOG_SIZE),
                (int) get(Layout.QpCtx.SQ_LOG_STRIDE), db, datagram());
        rq = hasSrq() ? null : new RecvQueue(dma, get(Layout.QpCtx.RQ_ADDR), (int) get(Layout.QpCtx.RQ_LOG_SIZE),
                (int) get(Layout.QpCtx.RQ_LOG_STRIDE), db);
    }

    void detach() {
        sq = null;
        rq = null;
        wellKnown = -1;
        ctx = new byte[Layout.QpCtx.SIZE];
        touched();
    }

    /**
     * The context as QUERY_QP returns it, read-only fields filled in: sq_psn and rq_psn are where
     * the transport has got to, the next PSN to send and the next expected, as mlx4_ib_query_qp
     * reads them (next_send_psn, rnr_nextrecvpsn) and rxe reports req.psn and resp.psn.
     */
    public byte[] image() {
        byte[] b = ctx.clone();
        TransportQp t = transportQp;
        if (t != null && !t.dropped) {
            Layout.QpCtx.SQ_PSN.set(b, 0, t.cursorPsn);
            Layout.QpCtx.RQ_PSN.set(b, 0, t.expectedPsn);
        }
        Layout.QpCtx.STATE.set(b, 0, state.ordinal());
        Layout.QpCtx.SQ_CONSUMER_INDEX.set(b, 0, sq == null ? 0 : sq.consumer());
        Layout.QpCtx.RQ_CONSUMER_INDEX.set(b, 0, rq == null ? 0 : rq.consumer());
        return b;
    }

    @Override
    public String toString() {
        return String.format("qpc{qpn=0x%x %s}", qpn, state);
    }
}
