// libibverbs/verbs.h: struct ibv_device_attr, filled by ibv_cmd_query_device from
// struct ib_uverbs_query_device_resp
package org.ibmodel.verbs;

/** What ibv_query_device reports; field names are those of struct ibv_device_attr. */
public final class IbvDeviceAttr {
    public long fwVer;
    public long nodeGuid;
    public long sysImageGuid;
    public long maxMrSize;
    public long pageSizeCap;
    public int vendorId;
    public int vendorPartId;
    public int hwVer;
    public int maxQp;
    public int maxQpWr;
    public int deviceCapFlags;
    public int maxSge;
    public int maxSgeRd;
    public int maxCq;
    public int maxCqe;
    public int maxMr;
    public int maxPd;
    public int maxQpRdAtom;
    public int maxEeRdAtom;
    public int maxResRdAtom;
    public int maxQpInitRdAtom;
    public int maxEeInitRdAtom;
    public int atomicCap;
    public int maxEe;
    public int maxRdd;
    public int maxMw;
    public int maxRawIpv6Qp;
    public int maxRawEthyQp;
    public int maxMcastGrp;
    public int maxMcastQpAttach;
    public int maxTotalMcastQpAttach;
    public int maxAh;
    public int maxFmr;
    public int maxMapPerFmr;
    public int maxSrq;
    public int maxSrqWr;
    public int maxSrqSge;
    public int maxPkeys;
    public int localCaAckDelay;
    public int physPortCnt;
}
