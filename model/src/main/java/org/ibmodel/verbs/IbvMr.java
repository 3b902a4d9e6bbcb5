// libibverbs/verbs.h: struct ibv_mr; cmd.c ibv_cmd_dereg_mr
package org.ibmodel.verbs;

import org.ibmodel.uverbs.abi.IbUserVerbs.DeregMr;

/** A registered memory region with the keys the kernel gave it. */
public final class IbvMr {
    private final IbvPd pd;
    private final int handle;
    private final int lkey;
    private final int rkey;
    private final long addr;
    private final long length;

    IbvMr(IbvPd pd, int handle, int lkey, int rkey, long addr, long length) {
        this.pd = pd;
        this.handle = handle;
        this.lkey = lkey;
        this.rkey = rkey;
        this.addr = addr;
        this.length = length;
    }

    public IbvPd pd() {
        return pd;
    }

    public int handle() {
        return handle;
    }

    public int lkey() {
        return lkey;
    }

    public int rkey() {
        return rkey;
    }

    public long addr() {
        return addr;
    }

    public long length() {
        return length;
    }

    /** ibv_dereg_mr: DEREG_MR. Returns 0 or errno. */
    public int dereg() {
        return pd.context().execute(IbUserVerbsCmd.DEREG_MR, new DeregMr().mrHandle(handle), 0);
    }
}
