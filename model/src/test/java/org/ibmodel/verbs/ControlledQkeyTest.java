// IBA 10.2.4 / 3.5.3: a Q_Key with its high bit set is controlled and a consumer may not set it at
// will; drivers/infiniband/core/uverbs_cmd.c modify_qp refuses one with -EPERM unless privileged
// Q_Keys are allowed (rdma_nl_get_privileged_qkey, off by default)
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/**
 * A process gives its UD QP a Q_Key: an ordinary one is taken, a controlled one (QP1's
 * 0x80010000 among them) is refused, or the process could reach every node's GSI QP and take
 * datagrams meant for controlled Q_Keys.
 */
class ControlledQkeyTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    private int toInitWithQkey(int qkey) {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(4, null, null, 0);
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = cq;
        init.recvCq = cq;
        init.cap = new IbvQpCap(2, 2, 1, 1);
        init.qpType = IbvQpType.UD;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp, "errno " + ibv.errno());
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.pkeyIndex = 0;
        a.portNum = 1;
        a.qkey = qkey;
        return qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.QKEY);
    }

    @Test
    void shouldTakeAnOrdinaryQkey() {
        assertEquals(0, toInitWithQkey(0x11111111));
    }

    @Test
    void shouldRefuseAControlledQkeyToAProcess() {
        assertEquals(Errno.EPERM.number(), toInitWithQkey(0x80010000));
    }
}
