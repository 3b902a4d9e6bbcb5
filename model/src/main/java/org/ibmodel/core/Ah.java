// drivers/infiniband/core/verbs.c: rdma_create_ah, rdma_destroy_ah_user
package org.ibmodel.core;

import org.ibmodel.kernel.Errno;

/** An address handle: the address vector of a UD destination. */
public final class Ah extends IbObject {
    private final Pd pd;
    private final AhAttr attr;

    private Ah(Pd pd, AhAttr attr) {
        super(pd.device(), ResType.AH);
        this.pd = pd;
        this.attr = attr;
    }

    /** rdma_create_ah: -EINVAL for a port the device does not have (rdma_check_ah_attr). */
    public static Result<Ah> create(Pd pd, AhAttr attr) {
        pd.checkLive("rdma_create_ah");
        if (attr == null || !pd.device().isPortValid(attr.portNum())) {
            return Result.err(Errno.EINVAL);
        }
        if (attr.grh() != null && attr.grh().dgid().length != 16) {
            return Result.err(Errno.EINVAL);
        }
        // rdma_fill_sgid_attr: a GRH names its source GID by an index the port's table has.
        int sgid = attr.grh() == null ? 0 : pd.device().port(attr.portNum()).checkSgidIndex(attr.grh().sgidIndex());
        if (sgid != 0) {
            return Result.err(sgid);
        }
        Ah ah = new Ah(pd, attr);
        int ret = pd.device().ops().createAh(ah, attr);
        if (ret != 0) {
            return Result.err(ret);
        }
        pd.get();
        ah.live();
        return Result.of(ah);
    }

    public Pd pd() {
        return pd;
    }

    public AhAttr attr() {
        return attr;
    }

    /** rdma_destroy_ah */
    public int destroy() {
        checkLive("rdma_destroy_ah");
        int ret = device().ops().destroyAh(this);
        if (ret != 0) {
            return ret;
        }
        pd.put();
        free();
        return 0;
    }

    @Override
    public String toString() {
        return "ah{dlid=" + attr.dlid() + " port=" + attr.portNum() + "}";
    }
}
