// ibv_modify_cq (libibverbs/verbs.h; cmd.c ibv_cmd_modify_cq) through uverbs' EX_MODIFY_CQ
// (drivers/infiniband/core/uverbs_cmd.c ib_uverbs_ex_modify_cq) to the HCA's CQ context
// (docs/HCA.md §4.4, §8)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvDeviceAttr;
import org.ibmodel.verbs.IbvDeviceAttrEx;
import org.junit.jupiter.api.Test;

/** A process moderates its CQ's events: the values reach the device's CQ context. */
class UserCqModerationTest {
    /** cq_max_count/cq_period of every CQ the device of host 0 holds. */
    private static List<String> moderations(World w) {
        Firmware fw = w.host(0).hca(0).firmware();
        List<String> out = new ArrayList<>();
        for (int cqn = 0; cqn < 1 << 16; cqn++) {
            byte[] ctx = fw.cqContext(cqn);
            if (ctx != null) {
                out.add(Layout.CqCtx.CQ_MAX_COUNT.getInt(ctx, 0) + "/" + Layout.CqCtx.CQ_PERIOD.getInt(ctx, 0));
            }
        }
        return out;
    }

    @Test
    void shouldReportTheHcasModerationLimitsThroughIbvQueryDeviceEx() {
        try (World w = World.of(3, 2)) {
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            IbvDeviceAttrEx ex = new IbvDeviceAttrEx();
            assertEquals(0, p.ctx.queryDeviceEx(ex), "ibv_query_device_ex");
            assertEquals(0xffff, ex.maxCqCount, "MLX4_MAX_CQ_COUNT");
            assertEquals(0xffff, ex.maxCqPeriod, "MLX4_MAX_CQ_PERIOD");
            IbvDeviceAttr legacy = new IbvDeviceAttr();
            assertEquals(0, p.ctx.queryDevice(legacy), "ibv_query_device");
            assertEquals(legacy.maxCqe, ex.origAttr.maxCqe, "orig_attr as ibv_query_device gives it");
            assertEquals(legacy.maxQp, ex.origAttr.maxQp);
            assertEquals(legacy.deviceCapFlags & 0xffff_ffffL, ex.deviceCapFlagsEx, "the same flags, 64 bits wide");
        }
    }

    @Test
    void shouldCarryAProcesssModerationToTheDevice() {
        try (World w = World.of(3, 2)) {
            UserProcess p = new UserProcess(w, 0, 1 << 16);
            List<String> before = moderations(w);
            assertTrue(before.contains("0/0"), before.toString());
            assertEquals(0, p.cq.modify(IbvCq.ATTR_MODERATE, 16, 50), "ibv_modify_cq");
            List<String> after = moderations(w);
            assertEquals(before.size(), after.size());
            assertEquals(1, after.stream().filter("16/50"::equals).count(), "the process's CQ: " + after);
            assertEquals(Errno.EINVAL.number(), p.cq.modify(2, 1, 1), "IBV_CQ_ATTR_RESERVED, refused by the library");
            assertEquals(after, moderations(w), "nothing changed");
        }
    }
}
