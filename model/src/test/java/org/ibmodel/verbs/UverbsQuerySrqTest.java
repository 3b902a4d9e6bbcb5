// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_query_srq: the driver's errno from ib_query_srq
// is the command's
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.UverbsApi;
import org.ibmodel.uverbs.abi.IbUserVerbs.QuerySrq;
import org.ibmodel.uverbs.abi.IbUserVerbs.QuerySrqResp;
import org.junit.jupiter.api.Test;

class UverbsQuerySrqTest {
    /** A device whose query_srq fails as mlx4's does once its firmware is gone (-EIO). */
    private static DeviceOps failingQuery(DeviceOps real) {
        return new ForwardingDeviceOps(real) {
            @Override
            public int querySrq(Srq srq, SrqAttr out) {
                return Errno.EIO.negative();
            }
        };
    }

    @Test
    void shouldReturnTheDriversErrnoFromQuerySrq() {
        VerbsWorld world = new VerbsWorld(UverbsQuerySrqTest::failingQuery);
        Ibv ibv = world.process("q");
        IbvContext ctx = world.open(ibv);
        IbvSrq srq = ctx.allocPd().createSrq(null, new IbvSrqAttr(4, 1, 0));
        assertNotNull(srq);
        int ret = ctx.execute(UverbsApi.QUERY_SRQ, new QuerySrq().response(ctx.resp()).srqHandle(srq.handle()),
                QuerySrqResp.SIZE);
        assertEquals(Errno.EIO.number(), ret);
        assertEquals(Errno.EIO.number(), ibv.errno());
    }
}
