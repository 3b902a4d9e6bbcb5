// include/rdma/ib_mad.h: struct ib_mad_recv_wc
package org.ibmodel.core.mad;

import org.ibmodel.core.Wc;

/**
 * A MAD received for an agent: the work completion (who sent it, on which P_Key), the GRH bytes
 * when the completion has IB_WC_GRH (null for one handled on this node) and the 256 MAD bytes.
 */
public record MadRecvWc(Wc wc, byte[] grh, byte[] mad) {
}
