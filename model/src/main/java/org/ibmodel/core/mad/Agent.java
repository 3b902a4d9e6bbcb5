// drivers/infiniband/core/agent.c
package org.ibmodel.core.mad;

import org.ibmodel.core.Ah;
import org.ibmodel.core.Result;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;

/**
 * The port's responder: two send-only agents, on the SMI and the GSI QP, that send back the
 * answers the device's process_mad (or the MAD layer itself) made to received MADs.
 */
final class Agent {
    private final MadPort port;
    /** agent[0] on QP0, agent[1] on QP1, as the response goes out on the QP the request came in on. */
    private final MadAgent[] agents = new MadAgent[2];

    private Agent(MadPort port) {
        this.port = port;
    }

    /** ib_agent_port_open: a send-only agent on the SMI, then one on the GSI; the errno of a failed one. */
    static Result<Agent> open(MadPort port) {
        Agent a = new Agent(port);
        Result<MadAgent> smi = port.registerAgent(0, null, a::sendHandler, null);
        if (smi.isErr()) {
            return Result.err(smi.err());
        }
        a.agents[0] = smi.get();
        Result<MadAgent> gsi = port.registerAgent(1, null, a::sendHandler, null);
        if (gsi.isErr()) {
            a.agents[0].unregister();
            return Result.err(gsi.err());
        }
        a.agents[1] = gsi.get();
        return Result.of(a);
    }

    MadAgent agent(int qpn) {
        return agents[qpn];
    }

    /**
     * agent_send_response: back to the sender of {@code wc}, from the QP it reached, on the P_Key
     * it came with, addressed by ib_create_ah_from_wc. A failure is only logged, as there.
     */
    void sendResponse(byte[] mad, byte[] grh, Wc wc, int portNum, int qpn) {
        MadAgent agent = agents[qpn];
        Result<Ah> ah = Ah.createFromWc(agent.qp().pd(), wc, grh, 0, portNum);
        if (ah.isErr()) {
            port.devErr("ib_create_ah_from_wc error " + ah.err());
            return;
        }
        Result<MadSendBuf> sb = agent.createSendMad(wc.srcQp, wc.pkeyIndex, Mad.HDR, Mad.DATA);
        if (sb.isErr()) {
            port.devErr("ib_create_send_mad error");
            ah.get().destroy();
            return;
        }
        System.arraycopy(mad, 0, sb.get().mad, 0, Mad.SIZE);
        sb.get().ah = ah.get();
        if (agent.postSendMad(sb.get()) != 0) {
            port.devErr("ib_post_send_mad error");
            agent.freeSendMad(sb.get());
            ah.get().destroy();
        }
    }

    /** agent_send_handler: the answer is gone (or failed): its address handle and buffer go too. */
    private void sendHandler(MadSendBuf sb, WcStatus status) {
        sb.ah.destroy();
        sb.agent.freeSendMad(sb);
    }

    /** ib_agent_port_close: the GSI agent, then the SMI one. */
    void close() {
        agents[1].unregister();
        agents[0].unregister();
    }
}
