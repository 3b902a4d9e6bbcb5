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

    public PortAttr copy() {
        PortAttr c = new PortAttr();
        c.state = state;
        c.maxMtu = maxMtu;
        c.activeMtu = activeMtu;
        c.gidTblLen = gidTblLen;
        c.portCapFlags = portCapFlags;
        c.maxMsgSz = maxMsgSz;
        c.pkeyTblLen = pkeyTblLen;
        c.lid = lid;
        c.smLid = smLid;
        c.lmc = lmc;
        c.smSl = smSl;
        c.maxVlNum = maxVlNum;
        c.activeWidth = activeWidth;
        c.activeSpeed = activeSpeed;
        c.physState = physState;
        return c;
    }
}
