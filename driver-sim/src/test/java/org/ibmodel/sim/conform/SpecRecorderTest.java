package org.ibmodel.sim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.sw.mem.MemDevice;
import org.junit.jupiter.api.Test;

/**
 * The recorder logs a QP's queue sizes as the driver wrote them back into ib_qp_init_attr.cap:
 * a consumer may post that many, and mlx4 writes back more than was asked (its ring's size less
 * the spare WQEs), so a trace that logged the asked sizes would show more WRs posted than allowed.
 */
class SpecRecorderTest {
    @Test
    void shouldRecordTheQueueSizesTheDriverWroteBack() {
        Kernel kernel = new Kernel("host");
        IbCore core = new IbCore(kernel);
        SpecRecorder recorder = new SpecRecorder();
        IbDevice dev = MemDevice.create(core, "mem0", new HostMemory(), 1, ops -> recorder.wrap(
                new ForwardingDeviceOps(ops) {
                    @Override
                    public int createQp(Qp qp, QpInitAttr attr) {
                        int ret = real.createQp(qp, attr);
                        QpCap c = attr.cap;
                        attr.cap = new QpCap(31, 64, c.maxSendSge(), c.maxRecvSge(), c.maxInlineData());
                        return ret;
                    }
                }));
        assertEquals(0, core.registerDevice(dev));
        kernel.runPending();
        Pd pd = Pd.alloc(dev).get();
        Cq cq = Cq.create(dev, null, null, new CqInitAttr(8, 0)).get();
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(1, 4, 1))).get();
        assertEquals(31, qp.cap().maxSendWr(), "ib_core took what the driver wrote back");
        SpecEvent created = recorder.events().stream().filter(e -> e.action() == TraceAction.CreateQp)
                .findFirst().orElseThrow();
        assertEquals(31, created.num("maxSendWr"));
        assertEquals(64, created.num("maxRecvWr"));
    }
}
