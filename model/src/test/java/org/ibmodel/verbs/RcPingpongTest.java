// libibverbs/examples/rc_pingpong.c: two processes ping-pong over RC QPs with completion events
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/**
 * The shape of ibv_rc_pingpong with {@code -e} (completion events): each side sets up its
 * context, channel, PD, MR, CQ and QP, posts its receive ring, arms the CQ, and the two swap
 * LID, QPN and PSN out of band; the client sends first and each completed receive is answered.
 * Both run on one host, interleaved by the test as a scheduler would.
 */
class RcPingpongTest {
    static final long RECV_WRID = 1;
    static final long SEND_WRID = 2;
    static final int RX_DEPTH = 4;
    static final int SIZE = 64;
    static final int PAGE = 4096;

    final VerbsWorld world = new VerbsWorld();

    /** One end of the ping-pong: pp_init_ctx plus the loop state of rc_pingpong's main. */
    final class End {
        final Ibv ibv;
        final boolean client;
        final IbvContext ctx;
        final IbvCompChannel channel;
        final IbvPd pd;
        final long buf;
        final IbvMr mr;
        final IbvCq cq;
        final IbvQp qp;
        final int psn;
        int lid;
        int routs;
        int rcnt;
        int scnt;
        int numCqEvents;
        /** rc_pingpong's pending: a send and a receive still to complete before the next send. */
        boolean sendPending;
        boolean recvPending;
        final IbvWc[] wc = new IbvWc[2];

        End(String name, boolean client, int psn) {
            this.ibv = world.process(name);
            this.client = client;
            this.psn = psn;
            ctx = world.open(ibv);
            channel = ctx.createCompChannel();
            assertNotNull(channel);
            // rc_pingpong's read() blocks; two processes taking turns in one thread cannot, so
            // each channel is O_NONBLOCK and an empty one says EAGAIN.
            assertEquals(0, channel.setNonblocking());
            pd = ctx.allocPd();
            assertNotNull(pd);
            buf = ibv.alloc(PAGE);
            assertTrue(buf > 0);
            mr = pd.regMr(buf, PAGE, IbvAccessFlags.LOCAL_WRITE);
            assertNotNull(mr, "ibv_reg_mr errno " + ibv.errno());
            cq = ctx.createCq(RX_DEPTH + 1, this, channel, 0);
            assertNotNull(cq);
            qp = pd.createQp(VerbsWorld.rcInit(cq, RX_DEPTH));
            assertNotNull(qp, "ibv_create_qp errno " + ibv.errno());
            assertEquals(0, VerbsWorld.toInit(qp, 1));
            for (int i = 0; i < RX_DEPTH; i++) {
                assertEquals(0, postRecv());
            }
            routs = RX_DEPTH;
            assertEquals(0, cq.reqNotify(false));
            IbvPortAttr port = new IbvPortAttr();
            assertEquals(0, ctx.queryPort(1, port));
            lid = port.lid;
        }

        int postRecv() {
            return qp.postRecv(new IbvRecvWr(RECV_WRID, new IbvSge(buf, SIZE, mr.lkey())), new IbvRecvWr[1]);
        }

        int postSend(String msg) {
            VerbsWorld.poke(ibv, buf + PAGE / 2, msg.getBytes(StandardCharsets.US_ASCII));
            IbvSendWr wr = new IbvSendWr(SEND_WRID, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(buf + PAGE / 2, msg.length(), mr.lkey()));
            sendPending = true;
            return qp.postSend(wr, new IbvSendWr[1]);
        }

        String received(int len) {
            return new String(VerbsWorld.peek(ibv, buf, len), StandardCharsets.US_ASCII);
        }

        /**
         * One turn of rc_pingpong's loop: take a CQ event (EAGAIN: nothing yet), re-arm, then
         * poll and handle every completion. Returns whether an event was taken.
         */
        boolean turn(int iters) {
            IbvCq evCq = channel.getCqEvent();
            if (evCq == null) {
                assertEquals(Errno.EAGAIN.number(), ibv.errno());
                return false;
            }
            assertEquals(cq, evCq);
            assertEquals(this, evCq.cqContext());
            numCqEvents++;
            assertEquals(0, cq.reqNotify(false));
            int ne;
            while ((ne = cq.poll(2, wc)) > 0) {
                for (int i = 0; i < ne; i++) {
                    handle(wc[i], iters);
                }
            }
            assertEquals(0, ne, "ibv_poll_cq errno " + ibv.errno());
            return true;
        }

        void handle(IbvWc w, int iters) {
            assertEquals(IbvWcStatus.SUCCESS, w.status, w.toString());
            if (w.wrId == SEND_WRID) {
                assertEquals(IbvWcOpcode.SEND, w.opcode);
                scnt++;
                sendPending = false;
            } else {
                assertEquals(RECV_WRID, w.wrId);
                assertEquals(IbvWcOpcode.RECV, w.opcode);
                assertEquals(qp.qpNum(), w.qpNum);
                String got = received(w.byteLen);
                assertEquals((client ? "pong " : "ping ") + rcnt, got);
                rcnt++;
                if (--routs <= 1) {
                    while (routs < RX_DEPTH) {
                        assertEquals(0, postRecv());
                        routs++;
                    }
                }
                recvPending = false;
                if (!client && scnt < iters) {
                    assertEquals(0, postSend("pong " + scnt));
                }
            }
            if (client && !sendPending && !recvPending && scnt < iters) {
                recvPending = true;
                assertEquals(0, postSend("ping " + scnt));
            }
        }

        boolean done(int iters) {
            return rcnt >= iters && scnt >= iters;
        }

        /** The end of rc_pingpong: ack all events, then pp_close_ctx in its order. */
        void close() {
            cq.ackEvents(numCqEvents);
            assertEquals(0, qp.destroy());
            assertEquals(0, cq.destroy());
            assertEquals(0, mr.dereg());
            assertEquals(0, pd.dealloc());
            assertEquals(0, channel.destroy());
            assertEquals(0, ibv.closeDevice(ctx));
        }
    }

    @Test
    void shouldPingPongBetweenTwoProcessesWithCompletionEvents() {
        int iters = 50;
        End server = new End("server", false, 0x1234);
        End client = new End("client", true, 0x5678);
        // The out-of-band exchange of pp_client_exch_dest / pp_server_exch_dest.
        assertEquals(0, VerbsWorld.connect(server.qp, 1, server.psn, client.lid, client.qp.qpNum(), client.psn));
        assertEquals(0, VerbsWorld.connect(client.qp, 1, client.psn, server.lid, server.qp.qpNum(), server.psn));
        client.recvPending = true;
        assertEquals(0, client.postSend("ping 0"));
        int idle = 0;
        while (!(server.done(iters) && client.done(iters))) {
            world.run();
            boolean any = client.turn(iters) | server.turn(iters);
            idle = any ? 0 : idle + 1;
            assertTrue(idle < 10, "no completion event for 10 rounds: client rcnt=" + client.rcnt + " scnt="
                    + client.scnt + ", server rcnt=" + server.rcnt + " scnt=" + server.scnt);
        }
        assertEquals(iters, client.scnt);
        assertEquals(iters, server.rcnt);
        assertTrue(client.numCqEvents > 0 && server.numCqEvents > 0);
        IbvQpAttr a = new IbvQpAttr();
        assertEquals(0, client.qp.query(a, IbvQpAttrMask.STATE, null));
        assertEquals(IbvQpState.RTS, a.qpState);
        assertEquals(server.qp.qpNum(), a.destQpNum);
        client.close();
        server.close();
        world.run();
        assertEquals(0, world.liveObjects(), world.liveSummary());
        assertNull(world.host.accountingError());
        assertTrue(world.host.uverbs0().openFiles().isEmpty());
    }
}
