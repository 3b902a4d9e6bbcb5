// include/rdma/ib_verbs.h: enum ib_mad_result and enum ib_process_mad_flags
package org.ibmodel.core;

/**
 * What a driver's process_mad returns, as bits, and the flags the MAD layer passes it. Without
 * SUCCESS the MAD layer goes on as if the driver had not seen the MAD.
 */
public final class MadResult {
    public static final int FAILURE = 0;
    /** The driver processed the MAD. */
    public static final int SUCCESS = 1 << 0;
    /** {@code out} holds a response to send back. */
    public static final int REPLY = 1 << 1;
    /** Nobody else may see the MAD. */
    public static final int CONSUMED = 1 << 2;

    /** process_mad flags: skip the M_Key and B_Key checks (locally generated queries). */
    public static final int IGNORE_MKEY = 1;
    public static final int IGNORE_BKEY = 2;

    /** Every MAD here is 256 bytes (IB_MGMT_MAD_SIZE). */
    public static final int MAD_SIZE = 256;

    private MadResult() {
    }

    /** The bits by name, for messages: {@code SUCCESS|REPLY}. */
    public static String toString(int result) {
        if (result == FAILURE) {
            return "FAILURE";
        }
        StringBuilder sb = new StringBuilder();
        String[] names = {"SUCCESS", "REPLY", "CONSUMED"};
        for (int i = 0; i < names.length; i++) {
            if ((result & (1 << i)) != 0) {
                sb.append(sb.length() == 0 ? "" : "|").append(names[i]);
            }
        }
        return sb.toString();
    }
}
