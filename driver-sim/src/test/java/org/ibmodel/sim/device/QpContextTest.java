package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fields a QP context decodes for the transport are the ones its bytes hold. */
class QpContextTest {

    private static void assertDecoded(QpContext qp, String when) {
        assertEquals(qp.get(Layout.QpCtx.SERVICE_TYPE), qp.serviceType(), when + ": service type");
        assertEquals(qp.get(Layout.QpCtx.PD), qp.pd(), when + ": PD");
        assertEquals(qp.get(Layout.QpCtx.PORT), qp.port(), when + ": port");
        assertEquals(qp.get(Layout.QpCtx.PKEY_INDEX), qp.pkeyIndex(), when + ": P_Key index");
        assertEquals(qp.get(Layout.QpCtx.PATH_MTU), qp.pathMtu(), when + ": path MTU");
        assertEquals(qp.get(Layout.QpCtx.DLID), qp.dlid(), when + ": DLID");
        assertEquals(qp.get(Layout.QpCtx.SL), qp.sl(), when + ": SL");
        assertEquals(qp.get(Layout.QpCtx.REMOTE_QPN), qp.remoteQpn(), when + ": remote QPN");
        assertEquals(qp.get(Layout.QpCtx.SRC_PATH_BITS), qp.srcPathBits(), when + ": source path bits");
        assertEquals(qp.get(Layout.QpCtx.SEND_CQN), qp.cqn(true), when + ": send CQN");
        assertEquals(qp.get(Layout.QpCtx.RECV_CQN), qp.cqn(false), when + ": receive CQN");
        assertEquals(qp.get(Layout.QpCtx.RETRY_CNT), qp.retryCnt(), when + ": retry count");
        assertEquals(qp.get(Layout.QpCtx.RNR_RETRY), qp.rnrRetry(), when + ": RNR retry");
        assertEquals(qp.get(Layout.QpCtx.ACK_TIMEOUT), qp.ackTimeout(), when + ": ACK timeout");
        assertEquals(qp.get(Layout.QpCtx.HAS_SRQ) != 0, qp.hasSrq(), when + ": has SRQ");
        assertEquals(qp.get(Layout.QpCtx.GRH) != 0, qp.grh(), when + ": GRH");
    }

    @Test
    void shouldDecodeWhatTheBytesHoldAfterEveryChange() {
        QpContext qp = new QpContext(0x40);
        assertDecoded(qp, "new");
        SplittableRandom random = new SplittableRandom(0x9C);
        for (int i = 0; i < 200; i++) {
            byte[] image = new byte[Layout.QpCtx.SIZE];
            random.nextBytes(image);
            qp.raw(image);
            assertDecoded(qp, "image " + i);
        }
        qp.detach();
        assertDecoded(qp, "detached");
    }
}
