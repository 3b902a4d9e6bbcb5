// libibverbs/verbs.h: struct ibv_device_attr_ex, filled by ibv_cmd_query_device_any from
// struct ib_uverbs_ex_query_device_resp
package org.ibmodel.verbs;

/**
 * What ibv_query_device_ex reports, of struct ibv_device_attr_ex: orig_attr, comp_mask,
 * device_cap_flags_ex and cq_mod_caps (max_cq_count, max_cq_period in µs). The rest (ODP,
 * timestamps, TSO, RSS, WQs, packet pacing, tag matching, device memory) this model's devices
 * do not have.
 */
public final class IbvDeviceAttrEx {
    public final IbvDeviceAttr origAttr = new IbvDeviceAttr();
    public int compMask;
    public long deviceCapFlagsEx;
    public int maxCqCount;
    public int maxCqPeriod;
}
