// libibverbs/verbs.h: struct ibv_port_attr, filled by ibv_cmd_query_port
package org.ibmodel.verbs;

/** What ibv_query_port reports; field names are those of struct ibv_port_attr. */
public final class IbvPortAttr {
    /** enum ibv_port_state: IBV_PORT_ACTIVE */
    public static final int PORT_ACTIVE = 4;

    public int state;
    public int maxMtu;
    public int activeMtu;
    public int gidTblLen;
    public int portCapFlags;
    public int maxMsgSz;
    public int badPkeyCntr;
    public int qkeyViolCntr;
    public int pkeyTblLen;
    public int lid;
    public int smLid;
    public int lmc;
    public int maxVlNum;
    public int smSl;
    public int subnetTimeout;
    public int initTypeReply;
    public int activeWidth;
    public int activeSpeed;
    public int physState;
    public int linkLayer;
}
