// drivers/infiniband/hw/mlx4/main.c mlx4_ib_event: on MLX4_DEV_EVENT_CATASTROPHIC_ERROR
// mlx4_ib_handle_catas_error calls the completion handlers before ib_dispatch_event; docs/HCA.md §2.1
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.WcStatus;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

class CatasEventOrderTest {
    @Test
    void shouldWakeTheCqsBeforeQueueingDeviceFatal() {
        try (World world = World.of(13, 1)) {
            HcaDriver drv = world.host(0).driver(0);
            drv.catasResetDisable(true);
            IbDevice dev = drv.device();
            List<String> seen = new ArrayList<>();
            dev.registerEventHandler(e -> seen.add(e.event().kernelName()));
            Pd pd = Pd.alloc(dev).get();
            Cq cq = Cq.alloc(dev, 16, 0, PollContext.WORKQUEUE).get();
            Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(1, 1, 1))).get();
            QpAttr init = new QpAttr().state(QpState.INIT);
            init.portNum = 1;
            assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                    QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)));
            long buf = world.host(0).memory().alloc(4096);
            RecvWr wr = new RecvWr(7, (c, wc) -> seen.add("done " + wc.status),
                    List.of(new Sge(buf, 8, pd.localDmaLkey())));
            assertTrue(qp.postRecv(wr).ok());
            world.settle();
            assertTrue(seen.isEmpty(), seen.toString());

            world.host(0).hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            world.runUntil(world.scheduler().now() + HcaDriver.CATAS_POLL_NS + 1_000_000);
            world.settle();
            // Both are work items (ib_comp_wq's poll, ib_wq's event), run in the order queued.
            assertEquals(List.of("done " + WcStatus.WR_FLUSH_ERR, "IB_EVENT_DEVICE_FATAL"), seen);
        }
    }
}
