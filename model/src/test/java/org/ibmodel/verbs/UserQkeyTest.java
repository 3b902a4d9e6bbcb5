// A process may not give its QP a controlled Q_Key: drivers/infiniband/core/uverbs_cmd.c modify_qp
// (IB_QP_SET_QKEY without rdma_nl_get_privileged_qkey is -EPERM)
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.ibmodel.uverbs.UObject;
import org.junit.jupiter.api.Test;

/**
 * Q_Keys with the high bit set are controlled (IBA 10.2.4): the GSI's 0x80010000 among them, so a
 * UD QP holding one could send datagrams the CM and SA take for the kernel's. The kernel refuses
 * them from a process, which has no CAP_NET_RAW, with -EPERM, and the QP stays as it was.
 */
class UserQkeyTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    private IbvQp udQp() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(8, null, null, 0);
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.qpType = IbvQpType.UD;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp, "ibv_create_qp");
        return qp;
    }

    private static int toInit(IbvQp qp, int qkey) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.portNum = 1;
        a.qkey = qkey;
        return qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.QKEY);
    }

    private QpAttr kernelView(IbvQp qp) {
        UObject u = world.host.uverbs0().openFiles().get(0).resolve(qp.handle());
        return ((org.ibmodel.core.Qp) u.object()).attr();
    }

    @Test
    void shouldRefuseAControlledQkeyToAProcess() {
        IbvQp qp = udQp();
        assertEquals(Errno.EPERM.number(), toInit(qp, 0x8001_0000), "the GSI's Q_Key");
        assertEquals(Errno.EPERM.number(), toInit(qp, 0x8000_0000));
        assertEquals(QpState.RESET, kernelView(qp).qpState);
        assertEquals(0, toInit(qp, 0x1111_0000));
        assertEquals(0x1111_0000, kernelView(qp).qkey);
        // Nor later, on a QP already in INIT.
        IbvQpAttr a = new IbvQpAttr();
        a.qkey = 0xffff_ffff;
        assertEquals(Errno.EPERM.number(), qp.modify(a, IbvQpAttrMask.QKEY));
        assertEquals(0x1111_0000, kernelView(qp).qkey);
    }

    /** With CAP_NET_RAW (rdma_uattrs_has_raw_cap) the process may hold a controlled Q_Key. */
    @Test
    void shouldLetAProcessWithCapNetRawHoldAControlledQkey() {
        VerbsWorld.task(ibv).setCapability(Task.CAP_NET_RAW, true);
        IbvQp qp = udQp();
        assertEquals(0, toInit(qp, 0x8001_0000));
        assertEquals(0x8001_0000, kernelView(qp).qkey);
    }
}
