// drivers/infiniband/core/verbs.c rdma_fill_sgid_attr and drivers/infiniband/core/cache.c
// rdma_get_gid_attr: a GRH's source GID index must name a GID of the port
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/** rdma_create_ah and ib_modify_qp (AV, ALT_PATH) with a GRH: -EINVAL past the table, -ENODATA for no GID. */
class SgidIndexTest {
    private final Fixture f = new Fixture();
    private final byte[] dgid = f.dev.port(Fixture.PORT).gid(0);
    private final int tableLength = f.dev.port(Fixture.PORT).query().gidTblLen;

    private AhAttr withGrh(int sgidIndex) {
        return new AhAttr(Fixture.LID, 0, 0, 0, Fixture.PORT, new AhAttr.Grh(dgid, 0, sgidIndex, 64, 0));
    }

    @Test
    void shouldCreateAnAhOnlyFromAGidTheTableHas() {
        assertEquals(false, Ah.create(f.pd, withGrh(0)).isErr(), "GID 0, the port's own");
        assertEquals(Errno.ENODATA.negative(), Ah.create(f.pd, withGrh(1)).err(), "an empty entry");
        assertEquals(Errno.EINVAL.negative(), Ah.create(f.pd, withGrh(tableLength)).err(), "past the table");
        assertEquals(Errno.EINVAL.negative(), Ah.create(f.pd, withGrh(-1)).err());
    }

    @Test
    void shouldCheckThePrimaryAndAlternatePathsSourceGid() {
        Cq cq = f.cq(8);
        Qp qp = f.qp(QpType.RC, cq, QpCap.of(1, 1, 1));
        assertEquals(0, qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        QpAttr rtr = Fixture.rcRtrAttr(qp.qpNum());
        rtr.ahAttr = withGrh(2);
        assertEquals(Errno.ENODATA.negative(), qp.modify(rtr, Fixture.RC_RTR_MASK));
        rtr.ahAttr = withGrh(tableLength);
        assertEquals(Errno.EINVAL.negative(), qp.modify(rtr, Fixture.RC_RTR_MASK));
        assertEquals(QpState.INIT, qp.state(), "a refused modify changes nothing");
        rtr.ahAttr = withGrh(0);
        assertEquals(0, qp.modify(rtr, Fixture.RC_RTR_MASK));

        QpAttr alt = Fixture.rcRtsAttr(7);
        alt.altAhAttr = withGrh(3);
        alt.altPortNum = Fixture.PORT;
        alt.altTimeout = 14;
        int mask = Fixture.RC_RTS_MASK | QpAttrMask.ALT_PATH.bit();
        assertEquals(Errno.ENODATA.negative(), qp.modify(alt, mask), "the alternate path's GRH");
        alt.altAhAttr = new AhAttr(Fixture.LID, 0, 0, 0, 9, null);
        assertEquals(Errno.EINVAL.negative(), qp.modify(alt, mask), "rdma_check_ah_attr: the alternate AV's port");
    }

    // drivers/infiniband/core/verbs.c _ib_modify_qp: rdma_fill_sgid_attr runs before the driver
    // checks the move (ib_modify_qp_is_ok) or any P_Key index
    @Test
    void shouldLookUpTheAvSourceGidBeforeTheMoveIsChecked() {
        Cq cq = f.cq(8);
        Qp qp = f.qp(QpType.RC, cq, QpCap.of(1, 1, 1));
        QpAttr init = Fixture.rcInitAttr();
        init.ahAttr = withGrh(1);

        assertEquals(Errno.ENODATA.negative(), qp.modify(init, Fixture.RC_INIT_MASK | QpAttrMask.AV.bit()),
                "RESET->INIT does not take an AV, but its GID is looked up first");
        assertEquals(QpState.RESET, qp.state());
    }

    @Test
    void shouldLookUpTheAlternateSourceGidBeforeTheAlternatePkeyIndex() {
        Cq cq = f.cq(8);
        Qp qp = f.qp(QpType.RC, cq, QpCap.of(1, 1, 1));
        assertEquals(0, qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        QpAttr rtr = Fixture.rcRtrAttr(qp.qpNum());
        rtr.altAhAttr = withGrh(3);
        rtr.altPortNum = Fixture.PORT;
        rtr.altPkeyIndex = f.dev.port(Fixture.PORT).pkeyTableLength();
        rtr.altTimeout = 14;

        assertEquals(Errno.ENODATA.negative(), qp.modify(rtr, Fixture.RC_RTR_MASK | QpAttrMask.ALT_PATH.bit()));
        assertEquals(QpState.INIT, qp.state());
    }
}
