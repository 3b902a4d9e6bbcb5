// drivers/infiniband/core/mad.c: ib_mad_init (module parameters) and mad_client
// (ib_mad_add_device, ib_mad_remove_device)
package org.ibmodel.core.mad;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.core.IbClient;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Result;
import org.ibmodel.kernel.Errno;

/**
 * ib_core's MAD layer as the client it registers: on every port of every device it opens the
 * SMI and GSI QPs and the agent that answers MADs on them.
 */
public final class MadLayer implements IbClient {
    /** IB_MAD_QP_SEND_SIZE and IB_MAD_QP_RECV_SIZE: the send_queue_size and recv_queue_size defaults. */
    public static final int QP_SEND_SIZE = 128;
    public static final int QP_RECV_SIZE = 512;
    /** IB_MAD_QP_MIN_SIZE and IB_MAD_QP_MAX_SIZE: ib_mad_init clamps both parameters to these. */
    public static final int QP_MIN_SIZE = 64;
    public static final int QP_MAX_SIZE = 8192;

    /** The TIDs' high 32 bits are an agent's index here, below 2^24 (mlx4 takes the top byte). */
    static final int HI_TID_LIMIT = 1 << 24;

    private final int sendQueueSize;
    private final int recvQueueSize;
    /**
     * ib_mad_clients: every agent of this kernel by hi_tid, and the next one to hand out. It is
     * an XA_FLAGS_ALLOC1 array, so 0 is never handed out: a response whose TID's high half is 0
     * (one the SMA or PMA of the HCA answered to a request from no agent) is nobody's.
     */
    private final Map<Integer, MadAgent> clients = new HashMap<>();
    private int clientNext = 1;

    public MadLayer() {
        this(QP_SEND_SIZE, QP_RECV_SIZE);
    }

    /** With the module parameters send_queue_size and recv_queue_size. */
    public MadLayer(int sendQueueSize, int recvQueueSize) {
        this.sendQueueSize = clamp(sendQueueSize);
        this.recvQueueSize = clamp(recvQueueSize);
    }

    private static int clamp(int size) {
        return Math.max(QP_MIN_SIZE, Math.min(size, QP_MAX_SIZE));
    }

    public int sendQueueSize() {
        return sendQueueSize;
    }

    public int recvQueueSize() {
        return recvQueueSize;
    }

    @Override
    public String name() {
        return "mad";
    }

    /** ib_mad_add_device: every port opened, or none (those opened are closed again). */
    @Override
    public int add(IbDevice device) {
        MadPort[] ports = new MadPort[device.numPorts() + 1];
        for (int i = 1; i <= device.numPorts(); i++) {
            Result<MadPort> p = MadPort.open(this, device, i, sendQueueSize, recvQueueSize);
            if (p.isErr()) {
                device.kernel().printk(device.name() + ": Couldn't open port " + i);
                for (int j = i - 1; j >= 1; j--) {
                    ports[j].close();
                }
                return p.err();
            }
            ports[i] = p.get();
        }
        device.setClientData(this, ports);
        return 0;
    }

    /** ib_mad_remove_device: each port's agent, then its QPs, CQ and PD. */
    @Override
    public void remove(IbDevice device, Object clientData) {
        MadPort[] ports = (MadPort[]) clientData;
        for (int i = 1; i < ports.length; i++) {
            ports[i].close();
        }
    }

    /**
     * ib_register_mad_agent: an agent on {@code device}'s port {@code portNum}, on its SMI or GSI
     * QP, taking the requests {@code reg} names (null: none, only responses to its own sends).
     * -EINVAL for a QP type other than SMI or GSI or a request refused (MadPort), -ENODEV for
     * a port the MAD layer does not run on.
     */
    public Result<MadAgent> registerMadAgent(IbDevice device, int portNum, QpType qpType, MadRegReq reg,
            MadAgent.SendHandler sendHandler, MadAgent.RecvHandler recvHandler) {
        device.kernel().mightSleep();
        if (qpType != QpType.SMI && qpType != QpType.GSI || !MadPort.validRegistration(qpType == QpType.SMI ? 0 : 1,
                reg, sendHandler, recvHandler)) {
            return Result.err(Errno.EINVAL);
        }
        MadPort p = port(device, portNum);
        if (p == null) {
            return Result.err(Errno.ENODEV);
        }
        return p.registerAgent(qpType == QpType.SMI ? 0 : 1, reg, sendHandler, recvHandler);
    }

    /**
     * xa_alloc_cyclic on ib_mad_clients: the next free index from where the last one was, or
     * -EBUSY. Registration takes no sleep between this and {@link #add}, so nothing else can be
     * given the index meanwhile.
     */
    int allocHiTid() {
        for (int i = 0; i < HI_TID_LIMIT - 1; i++) {
            int id = 1 + (clientNext - 1 + i) % (HI_TID_LIMIT - 1);
            if (!clients.containsKey(id)) {
                clientNext = id + 1 < HI_TID_LIMIT ? id + 1 : 1;
                return id;
            }
        }
        return Errno.EBUSY.negative();
    }

    /** The agent becomes reachable by its hi_tid once its registration is complete. */
    void add(int hiTid, MadAgent agent) {
        clients.put(hiTid, agent);
    }

    void remove(int hiTid) {
        clients.remove(hiTid);
    }

    MadAgent agentByHiTid(int hiTid) {
        return clients.get(hiTid);
    }

    /** The MAD layer of {@code device}'s port {@code portNum}, or null. */
    public MadPort port(IbDevice device, int portNum) {
        Object data = device.clientData(this);
        if (!(data instanceof MadPort[] ports) || portNum < 1 || portNum >= ports.length) {
            return null;
        }
        return ports[portNum];
    }
}
