// libibverbs/verbs.h: struct ibv_ah; cmd.c ibv_cmd_destroy_ah
package org.ibmodel.verbs;

import org.ibmodel.uverbs.abi.IbUserVerbs.DestroyAh;

/** An address handle, named in UD send work requests. */
public final class IbvAh {
    private final IbvPd pd;
    private final int handle;

    IbvAh(IbvPd pd, int handle) {
        this.pd = pd;
        this.handle = handle;
    }

    public int handle() {
        return handle;
    }

    /** ibv_destroy_ah: DESTROY_AH. Returns 0 or errno. */
    public int destroy() {
        return pd.context().execute(IbUserVerbsCmd.DESTROY_AH, new DestroyAh().ahHandle(handle), 0);
    }
}
