// include/rdma/ib_verbs.h: struct ib_port_attr
package org.ibmodel.core;

/** Port attributes, as ib_query_port reports them. */
public final class PortAttr {
    public PortState state = PortState.DOWN;
    public Mtu maxMtu = Mtu.MTU_4096;
    public Mtu activeMtu = Mtu.MTU_4096;
    public int gidTblLen = 16;
    public int portCapFlags;
    public int maxMsgSz = 1 << 31;
    /** PortInfo:P_KeyViolations as the driver read it: packets dropped for their P_Key. */
    public int badPkeyCntr;
    /** PortInfo:Q_KeyViolations as the driver read it: datagrams dropped for their Q_Key. */
    public int qkeyViolCntr;
    public int pkeyTblLen = 64;
    public int lid;
    public int smLid;
    public int lmc;
    public int smSl;
    public int maxVlNum = 4;
    /** IB_WIDTH_4X */
    public int activeWidth = 2;
    /** IB_SPEED_EDR */
    public int activeSpeed = 32;
    /** 5 = LinkUp, 3 = Disabled (IBA 14.2.5.6 PortPhysicalState). */
    public int physState = 3;
    /** PortInfo:SubnetTimeOut as the subnet manager set it: 4.096 µs × 2^subnetTimeout. */
    public int subnetTimeout;
    /** PortInfo:InitTypeReply. */
    public int initTypeReply;

    public PortAttr copy() {
        PortAttr c = new PortAttr();
        c.set(this);
        return c;
    }

    /** Every field of {@code from} into this one. */
    public void set(PortAttr from) {
        state = from.state;
        maxMtu = from.maxMtu;
        activeMtu = from.activeMtu;
        gidTblLen = from.gidTblLen;
        portCapFlags = from.portCapFlags;
        maxMsgSz = from.maxMsgSz;
        badPkeyCntr = from.badPkeyCntr;
        qkeyViolCntr = from.qkeyViolCntr;
        pkeyTblLen = from.pkeyTblLen;
        lid = from.lid;
        smLid = from.smLid;
        lmc = from.lmc;
        smSl = from.smSl;
        maxVlNum = from.maxVlNum;
        activeWidth = from.activeWidth;
        activeSpeed = from.activeSpeed;
        physState = from.physState;
        subnetTimeout = from.subnetTimeout;
        initTypeReply = from.initTypeReply;
    }
}
