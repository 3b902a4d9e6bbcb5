// Path migration and a catastrophic HCA error as a user process sees them: libibverbs over uverbs
// over the HCA driver (libibverbs/verbs.h ibv_modify_qp, ibv_get_async_event, ibv_query_qp;
// docs/HCA.md §2.1, §5.10)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAsyncEvent;
import org.ibmodel.verbs.IbvEventType;
import org.ibmodel.verbs.IbvPortAttr;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Two processes on two hosts with two-port HCAs connect an RC QP on port 1 as rc_pingpong does.
 *
 * <p>Path migration: they load port 2 as the alternate path with ibv_modify_qp
 * (IBV_QP_ALT_PATH | IBV_QP_PATH_MIG_STATE, IBV_MIG_REARM) and arm by one exchange. The client's
 * port 1 cable then dies: the next SEND completes, each process reads IBV_EVENT_PATH_MIG for its
 * QP from its async fd (the client IBV_EVENT_PORT_ERR for port 1 before it), and ibv_query_qp
 * reports IBV_MIG_MIGRATED on port 2.
 *
 * <p>A catastrophic error of the client's HCA. By default the driver resets the device and
 * probes it again: the client reads IBV_EVENT_DEVICE_FATAL twice (the driver's, then uverbs'
 * when it takes the device from the open file), every verb but a destroy fails, destroying and
 * closing succeed, and once the subnet manager has swept, the process opens the new device and
 * talks to its peer again. With the reset disabled the driver stays in its error state: the
 * client reads IBV_EVENT_DEVICE_FATAL, its posted receive completes flushed, posting fails with
 * EIO, and everything it made is freed and the device closed without an error.
 */
class UserAsyncEventsTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 5);
    private static final int BUF = 64 * 1024;
    private static final int SIZE = 256;
    /** enum ibv_mig_state */
    private static final int MIGRATED = 0;
    private static final int REARM = 1;
    private static final int ARMED = 2;

    /** One process: its verbs objects on one host, with one RC QP in INIT on port 1. */
    static final class Proc extends UserProcess {
        final IbvQp qp;

        Proc(World world, int index) {
            this(world, index, uverbs(world, index));
        }

        Proc(World world, int index, Uverbs uv) {
            super(world, index, uv, "apm", BUF);
            qp = createRcQp();
        }

        /** ibv_modify_qp(RTS, IBV_QP_ALT_PATH | IBV_QP_PATH_MIG_STATE): port 2, rearmed. */
        int rearm(Proc peer) {
            IbvQpAttr a = new IbvQpAttr();
            a.qpState = IbvQpState.RTS;
            a.altAhAttr.dlid = peer.lid(2);
            a.altAhAttr.portNum = 2;
            a.altPortNum = 2;
            a.altTimeout = 14;
            a.pathMigState = REARM;
            return qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.ALT_PATH | IbvQpAttrMask.PATH_MIG_STATE);
        }

        IbvQpAttr query() {
            IbvQpAttr a = new IbvQpAttr();
            assertEquals(0, qp.query(a, IbvQpAttrMask.PATH_MIG_STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PORT
                    | IbvQpAttrMask.ALT_PATH, new IbvQpInitAttr()));
            return a;
        }

        IbvWc pollOne() {
            IbvWc[] wc = {new IbvWc()};
            for (int i = 0; i < 1000; i++) {
                world.settle();
                if (cq.poll(1, wc) == 1) {
                    return wc[0];
                }
            }
            throw new AssertionError("no completion");
        }
    }

    /** Both QPs to RTS on port 1, each towards the other: rc_pingpong's pp_connect_ctx. */
    static void connect(Proc client, Proc server) {
        UserProcess.connect(client, client.qp, server, server.qp);
    }

    /** A SEND of {@code text} from {@code from} to {@code to}, both completions checked. */
    static void send(Proc from, Proc to, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, to.qp.postRecv(new IbvRecvWr(1, new IbvSge(to.buf, SIZE, to.mr.lkey())), new IbvRecvWr[1]));
        assertEquals(0, from.ibv.task().mm().copyToUser(from.buf + SIZE, b, 0, b.length));
        assertEquals(0, from.qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(from.buf + SIZE, b.length, from.mr.lkey())), new IbvSendWr[1]));
        IbvWc sent = from.pollOne();
        assertEquals(IbvWcStatus.SUCCESS, sent.status, text + ": " + sent);
        IbvWc got = to.pollOne();
        assertEquals(IbvWcStatus.SUCCESS, got.status, text + ": " + got);
        byte[] in = new byte[b.length];
        assertEquals(0, to.ibv.task().mm().copyFromUser(in, 0, to.buf, b.length));
        assertArrayEquals(b, in, text);
    }

    @Test
    void shouldTellTheProcessTheDeviceWasResetAndLetItStartAgain() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Uverbs clientUverbs = UserProcess.uverbs(w, 0);
            Uverbs serverUverbs = UserProcess.uverbs(w, 1);
            Proc client = new Proc(w, 0, clientUverbs);
            Proc server = new Proc(w, 1, serverUverbs);
            connect(client, server);
            send(client, server, "before");
            HcaDriver drv = w.host(0).driver(0);
            IbDevice before = drv.device();
            w.host(0).hca(0).catastrophicError(1);
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            w.settle();
            assertEquals(1, w.host(0).hca(0).resets(), "the driver's poll found it and reset the device");
            assertNull(client.ctx.getAsyncEvent(), "nothing said for the second the device is left alone");
            w.runUntil(w.scheduler().now() + HcaDriver.RESET_WAIT_NS);
            w.settle();
            assertEquals(1, drv.restarts(), "then the driver restarted");
            for (String who : List.of("the driver", "uverbs taking the device away")) {
                IbvAsyncEvent ev = client.ctx.getAsyncEvent();
                assertNotNull(ev, "IBV_EVENT_DEVICE_FATAL from " + who);
                assertEquals(IbvEventType.DEVICE_FATAL, ev.eventType(), who);
                client.ctx.ackAsyncEvent(ev);
            }
            assertNull(client.ctx.getAsyncEvent(), "nothing more");

            // The device is gone: every command but a destroy gets EIO, one naming an object
            // too (rdma_lookup_get_uobject's error, passed on since Linux 6.15).
            IbvWc[] wc = {new IbvWc()};
            assertEquals(-1, client.cq.poll(1, wc), "ibv_poll_cq");
            assertEquals(Errno.EIO.number(), client.ibv.errno());
            assertEquals(Errno.EIO.number(), client.qp.postSend(new IbvSendWr(8, IbvWrOpcode.SEND,
                    IbvWrOpcode.SEND_SIGNALED, new IbvSge(client.buf, 8, client.mr.lkey())), new IbvSendWr[1]));
            assertEquals(Errno.EIO.number(), client.ctx.queryPort(1, new IbvPortAttr()), "ibv_query_port");
            assertNull(client.ctx.allocPd(), "ibv_alloc_pd");
            assertEquals(Errno.EIO.number(), client.ibv.errno());
            assertEquals(0, client.qp.destroy(), "ibv_destroy_qp");
            assertEquals(0, client.cq.destroy(), "ibv_destroy_cq");
            assertEquals(0, client.mr.dereg(), "ibv_dereg_mr");
            assertEquals(0, client.pd.dealloc(), "ibv_dealloc_pd");
            assertEquals(0, client.ibv.closeDevice(client.ctx), "ibv_close_device");

            // The device is back under the same name, its ports without a LID until the sweep.
            assertNotNull(drv.device(), "probed again: " + drv.restartError());
            assertNotSame(before, drv.device(), "a new ib_device");
            assertEquals(before.name(), drv.device().name());
            assertEquals(HcaPort.INIT, w.host(0).hca(0).firmware().port(1).state(), "no LID yet");
            w.sweep();
            w.settle();
            assertEquals(HcaPort.ACTIVE, w.host(0).hca(0).firmware().port(1).state(), "swept");
            assertEquals(w.lid(0), w.host(0).hca(0).firmware().port(1).lid(), "its LID as before");

            // The application starts again, and its peer makes a new QP for it.
            Proc again = new Proc(w, 0, clientUverbs);
            Proc peer = new Proc(w, 1, serverUverbs);
            connect(again, peer);
            send(again, peer, "after the reset");
            send(peer, again, "and back");
            assertEquals(1, drv.live().get("qp"), "the driver holds the new QP only");
        }
    }

    @Test
    void shouldTellTheProcessTheDeviceFailedAndLetItCleanUp() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            w.host(0).driver(0).catasResetDisable(true);
            Uverbs uv = UserProcess.uverbs(w, 0);
            Proc client = new Proc(w, 0, uv);
            Proc server = new Proc(w, 1);
            connect(client, server);
            send(client, server, "before");
            assertEquals(0, client.qp.postRecv(new IbvRecvWr(7, new IbvSge(client.buf, SIZE, client.mr.lkey())),
                    new IbvRecvWr[1]));
            w.host(0).hca(0).catastrophicError(1);
            w.settle();
            assertNull(client.ctx.getAsyncEvent(), "nothing until the driver's next poll");
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            w.settle();
            IbvAsyncEvent ev = client.ctx.getAsyncEvent();
            assertNotNull(ev, "an async event");
            assertEquals(IbvEventType.DEVICE_FATAL, ev.eventType());
            client.ctx.ackAsyncEvent(ev);
            IbvWc[] wc = {new IbvWc()};
            assertEquals(1, client.cq.poll(1, wc), "the posted receive completes");
            assertEquals(IbvWcStatus.WR_FLUSH_ERR, wc[0].status);
            assertEquals(7, wc[0].wrId);
            assertEquals(0, client.cq.poll(1, wc), "and nothing else");
            assertEquals(Errno.EIO.number(), client.qp.postSend(new IbvSendWr(8, IbvWrOpcode.SEND,
                    IbvWrOpcode.SEND_SIGNALED, new IbvSge(client.buf, 8, client.mr.lkey())), new IbvSendWr[1]));
            assertEquals(0, client.qp.destroy(), "ibv_destroy_qp");
            assertEquals(0, client.cq.destroy(), "ibv_destroy_cq");
            assertEquals(0, client.mr.dereg(), "ibv_dereg_mr");
            assertEquals(0, client.pd.dealloc(), "ibv_dealloc_pd");
            assertEquals(0, client.ibv.closeDevice(client.ctx), "ibv_close_device");
            // mlx4_ib_alloc_ucontext refuses a new context once the device reported the error.
            Ibv late = new Ibv(new Task("late", new UserAddressSpace(w.host(0).memory(), UverbsHost.MAX_PAGES)));
            assertNull(UserProcess.openDevice(late, uv), "ibv_open_device after DEVICE_FATAL");
            assertEquals(Errno.EAGAIN.number(), late.errno());
        }
    }

    @Test
    void shouldReportTheMigrationToTheProcessAndInQueryQp() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Proc client = new Proc(w, 0);
            Proc server = new Proc(w, 1);
            connect(client, server);
            assertEquals(0, client.rearm(server), "ibv_modify_qp ALT_PATH | PATH_MIG_STATE");
            assertEquals(0, server.rearm(client));
            assertEquals(REARM, client.query().pathMigState);
            send(client, server, "arm");
            assertEquals(ARMED, client.query().pathMigState);
            assertEquals(ARMED, server.query().pathMigState);
            assertEquals(Errno.EINVAL.number(), client.rearm(server), "rearm from armed");

            w.link(0, 1).changeState(Link.State.DOWN);
            send(client, server, "after the cable");
            // The client's port 1 went down first (IBV_EVENT_PORT_ERR), then its retries ran out.
            IbvAsyncEvent portErr = client.ctx.getAsyncEvent();
            assertNotNull(portErr, "the client's port event");
            assertEquals(IbvEventType.PORT_ERR, portErr.eventType());
            assertEquals(1, portErr.element());
            for (Proc p : List.of(client, server)) {
                IbvAsyncEvent ev = p.ctx.getAsyncEvent();
                assertNotNull(ev, "PATH_MIG on host " + p.index);
                assertEquals(IbvEventType.PATH_MIG, ev.eventType());
                assertSame(p.qp, ev.element());
                p.ctx.ackAsyncEvent(ev);
                assertNull(p.ctx.getAsyncEvent(), "nothing more on host " + p.index);
                IbvQpAttr q = p.query();
                assertEquals(MIGRATED, q.pathMigState);
                assertEquals(2, q.portNum);
                assertEquals((p == client ? server : client).lid(2), q.ahAttr.dlid);
            }
            send(server, client, "and back");
        }
    }
}
