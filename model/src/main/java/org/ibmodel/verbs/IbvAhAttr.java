// libibverbs/verbs.h: struct ibv_ah_attr with its struct ibv_global_route
package org.ibmodel.verbs;

/** An address vector, for ibv_create_ah and the AV / ALT_PATH of ibv_modify_qp. */
public final class IbvAhAttr {
    public byte[] dgid = new byte[16];
    public int flowLabel;
    public int sgidIndex;
    public int hopLimit;
    public int trafficClass;
    public int dlid;
    public int sl;
    public int srcPathBits;
    public int staticRate;
    public boolean isGlobal;
    public int portNum;
}
