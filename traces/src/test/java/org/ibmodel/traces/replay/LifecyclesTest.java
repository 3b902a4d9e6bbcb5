package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.ibmodel.traces.Samples;
import org.junit.jupiter.api.Test;

/** Mutants of a clean trace, each caught by the rule meant for it. */
class LifecyclesTest {
    private static List<String> lines() {
        return new ArrayList<>(Arrays.asList(Samples.text(Samples.FLAGS5).split("\n")));
    }

    private static int find(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(what)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + what);
    }

    static ReplayReport replay(List<String> lines) {
        try {
            return new Replay().run(new ByteArrayInputStream((String.join("\n", lines) + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> rules(ReplayReport r) {
        return r.violations().stream().map(Violation::rule).collect(Collectors.toList());
    }

    @Test
    void shouldFindNothingWrongInTheCleanTrace() {
        ReplayReport r = replay(lines());
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(2, 2, 0, 0), r.objects().get(ObjectKind.CQ));
        assertEquals(new ObjectCounts(2, 2, 0, 0), r.objects().get(ObjectKind.MR));
        assertEquals(new ObjectCounts(2, 2, 0, 0), r.objects().get(ObjectKind.QP));
        assertEquals(new ObjectCounts(3, 3, 0, 0), r.objects().get(ObjectKind.CM_ID));
    }

    @Test
    void shouldCatchADeletedEventHandlerAsDoneWithoutHandler() {
        List<String> l = lines();
        int i = find(l, "cm_event_handler: cm.id=2 src=192.0.2.2:7174 dst=192.0.2.1:40119 tos=0 ESTABLISHED");
        l.remove(i);
        ReplayReport r = replay(l);
        assertEquals(List.of(Lifecycles.EVENT_DONE_WITHOUT_HANDLER), rules(r));
        assertEquals(i + 1, r.violations().get(0).line());
    }

    @Test
    void shouldCatchHandlerAndDoneSwapped() {
        List<String> l = lines();
        int i = find(l, "cm_event_handler: cm.id=1 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ROUTE_RESOLVED");
        String h = l.get(i);
        l.set(i, l.get(i + 1));
        l.set(i + 1, h);
        assertEquals(List.of(Lifecycles.EVENT_DONE_WITHOUT_HANDLER), rules(replay(l)));
    }

    @Test
    void shouldCatchAPollSwappedAfterTheFreeAsUseAfterFree() {
        List<String> l = lines();
        int poll = find(l, "cq_modify: cq.id=1");
        int free = find(l, "cq_free: cq.id=1");
        String p = l.remove(poll);
        l.add(free, p);
        ReplayReport r = replay(l);
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE), rules(r));
        assertTrue(r.violations().get(0).message().contains("cq.id=1"), r.violations().get(0).message());
    }

    @Test
    void shouldCatchAnIdReusedWithoutANewAttach() {
        List<String> l = lines();
        int destroy = find(l, "cm_id_destroy: cm.id=1 ");
        String reused = l.get(find(l, "cm_disconnect: cm.id=1 ")).replace("2417.3197", "2417.3210");
        l.add(destroy + 1, reused);
        ReplayReport r = replay(l);
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE), rules(r));
        assertEquals(destroy + 2, r.violations().get(0).line());
    }

    @Test
    void shouldAcceptAnIdReusedAfterANewAttach() {
        List<String> l = lines();
        int destroy = find(l, "cm_id_destroy: cm.id=1 ");
        l.add(destroy + 1, l.get(find(l, "cm_id_attach: cm.id=1 ")));
        l.add(destroy + 2, l.get(find(l, "cm_disconnect: cm.id=1 ")));
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(4, 3, 1, 0), r.objects().get(ObjectKind.CM_ID));
    }

    @Test
    void shouldCatchADoubleFree() {
        List<String> l = lines();
        int free = find(l, "mr_dereg: mr.id=3");
        l.add(free + 1, l.get(free));
        assertEquals(List.of(Lifecycles.DOUBLE_FREE), rules(replay(l)));
    }

    @Test
    void shouldAdoptAgainAnIdFreedWhoseAllocTheTraceNeverSaw() {
        // A user MR's registration fires no tracepoint, and a device registered anew (an HCA
        // reset) numbers its objects from 0 again: two MRs under one id, each seen only at its
        // dereg, are two objects.
        List<String> l = List.of(
                "    ibmodel-demo-1000    [000] .....     6.000004: mr_dereg: mr.id=0",
                "    ibmodel-demo-1000    [000] .....     6.000024: mr_dereg: mr.id=0");
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(0, 2, 0, 2), r.objects().get(ObjectKind.MR));
    }

    @Test
    void shouldCatchAnAllocOfALiveId() {
        List<String> l = lines();
        int alloc = find(l, "cq_alloc: cq.id=1");
        l.add(alloc + 1, l.get(alloc));
        assertEquals(List.of(Lifecycles.ID_REUSED_WHILE_LIVE), rules(replay(l)));
    }

    private static String at(double time, String event) {
        return String.format("    kworker/u4:1-58      [001] .....  %.6f: %s", time, event);
    }

    /**
     * restrack numbers each device's objects from 0 (rdma_restrack_add, one xarray per device and
     * type), and rdma_core's events print no device: on a host with two HCAs the trace shows two
     * live CQs with id 0, as ib_mad's port open makes one on each.
     */
    @Test
    void shouldAcceptOneLiveObjectPerIdOnEachDeviceTheTraceShows() {
        List<String> l = List.of(
                at(1.0, "cm_add_one: device name=mlx4_0"),
                at(1.1, "cm_add_one: device name=mlx4_1"),
                at(2.0, "cq_alloc: cq.id=0 nr_cqe=8192 comp_vector=0 poll_ctx=UNBOUND_WORKQUEUE"),
                at(2.1, "cq_alloc: cq.id=0 nr_cqe=8192 comp_vector=0 poll_ctx=UNBOUND_WORKQUEUE"),
                at(3.0, "cq_poll: cq.id=0 requested 16, returned 0"),
                at(4.0, "cq_free: cq.id=0"),
                at(4.1, "cq_free: cq.id=0"));
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(2, 2, 0, 0), r.objects().get(ObjectKind.CQ));
    }

    @Test
    void shouldCatchMoreLiveObjectsOfAnIdThanTheTraceShowsDevices() {
        List<String> two = new ArrayList<>(List.of(
                at(1.0, "cm_add_one: device name=mlx4_0"),
                at(1.1, "cm_add_one: device name=mlx4_1"),
                at(2.0, "cq_alloc: cq.id=0 nr_cqe=8192 comp_vector=0 poll_ctx=UNBOUND_WORKQUEUE"),
                at(2.1, "cq_alloc: cq.id=0 nr_cqe=8192 comp_vector=0 poll_ctx=UNBOUND_WORKQUEUE"),
                at(2.2, "cq_alloc: cq.id=0 nr_cqe=8192 comp_vector=0 poll_ctx=UNBOUND_WORKQUEUE")));
        ReplayReport r = replay(two);
        assertEquals(List.of(Lifecycles.ID_REUSED_WHILE_LIVE), rules(r));
        assertEquals(5, r.violations().get(0).line());
        // The third alloc took the place of a live one: two frees end them; a third may be of an
        // object of the other device the trace did not see made, a fourth is one too many.
        two.addAll(List.of(at(3.0, "cq_free: cq.id=0"), at(3.1, "cq_free: cq.id=0"), at(3.2, "cq_free: cq.id=0")));
        assertEquals(List.of(Lifecycles.ID_REUSED_WHILE_LIVE), rules(replay(two)));
        two.add(at(3.3, "cq_free: cq.id=0"));
        assertEquals(List.of(Lifecycles.ID_REUSED_WHILE_LIVE, Lifecycles.DOUBLE_FREE), rules(replay(two)));
    }

    /**
     * Only rdma_destroy_qp fires cm_qp_destroy; a ULP that destroys its QP with ib_destroy_qp
     * (ib_srp's srp_destroy_qp) leaves no trace, and the HCA gives the number again.
     */
    @Test
    void shouldAcceptAQpNumberGivenAgainAfterAnUntracedDestroy() {
        List<String> l = List.of(
                at(1.0, "cm_qp_create: cm.id=41 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 pd.id=5 qp_type=RC "
                        + "send_wr=64 recv_wr=2 qp_num=49 rc=0"),
                at(2.0, "cm_qp_create: cm.id=45 src=192.0.2.1:40120 dst=192.0.2.2:7174 tos=0 pd.id=5 qp_type=RC "
                        + "send_wr=64 recv_wr=2 qp_num=49 rc=0"));
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(2, r.objects().get(ObjectKind.QP).created());
        assertEquals(1, r.objects().get(ObjectKind.QP).live());
    }

    /** QP numbers are each HCA's own: two devices may each have QP 49 live, and each goes once. */
    @Test
    void shouldAcceptOneLiveQpOfANumberOnEachDeviceTheTraceShows() {
        List<String> l = List.of(
                at(1.0, "cm_add_one: device name=mlx4_0"),
                at(1.1, "cm_add_one: device name=mlx4_1"),
                at(2.0, "cm_qp_create: cm.id=41 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 pd.id=5 qp_type=RC "
                        + "send_wr=64 recv_wr=2 qp_num=49 rc=0"),
                at(2.1, "cm_qp_create: cm.id=45 src=192.0.3.1:40120 dst=192.0.3.2:7174 tos=0 pd.id=5 qp_type=RC "
                        + "send_wr=64 recv_wr=2 qp_num=49 rc=0"),
                at(3.0, "cm_qp_destroy: cm.id=41 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 qp_num=49"),
                at(3.1, "cm_qp_destroy: cm.id=45 src=192.0.3.1:40120 dst=192.0.3.2:7174 tos=0 qp_num=49"));
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(2, 2, 0, 0), r.objects().get(ObjectKind.QP));
    }

    /** cma.c calls trace_cm_prepare_mra where it called trace_cm_send_mra: a use of the id either way. */
    @Test
    void shouldTakeAPrepareMraAsAUseOfItsId() {
        List<String> l = List.of(
                at(1.0, "cm_id_attach: cm.id=2 src=192.0.2.1:7174 dst=192.0.2.1:46820 device=mlx4_0"),
                at(2.0, "cm_id_destroy: cm.id=2 src=192.0.2.1:7174 dst=192.0.2.1:46820 tos=0"),
                at(3.0, "cm_prepare_mra: cm.id=2 src=192.0.2.1:7174 dst=192.0.2.1:46820 tos=0"));
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE), rules(replay(l)));
    }

    @Test
    void shouldCatchTimewaitExitSwappedBeforeDisconnected() {
        List<String> l = lines();
        int disc = find(l, "cm_event_handler: cm.id=1 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 DISCONNECTED");
        int tw = find(l, "cm_event_handler: cm.id=1 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 TIMEWAIT_EXIT");
        List<String> twPair = new ArrayList<>(l.subList(tw, tw + 2));
        l.subList(tw, tw + 2).clear();
        l.addAll(disc, twPair);
        ReplayReport r = replay(l);
        assertEquals(List.of(Lifecycles.RDMA_CM_EVENT_IN_WRONG_STATE), rules(r));
        assertTrue(r.violations().get(0).message().contains("TIMEWAIT_EXIT"));
    }

    /**
     * Without a route (no ROUTE_RESOLVED) rdma_connect cannot have moved the id to RDMA_CM_CONNECT
     * on any transport, and without cm_send_req the IB CM did not send a REQ for it.
     */
    @Test
    void shouldCatchAnEstablishedEventBeforeTheConnectRequestWasSent() {
        List<String> l = lines();
        l.remove(find(l, "cm_send_req: cm.id=1"));
        l.remove(find(l, "cm.id=1 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ROUTE_RESOLVED (2/0)"));
        l.remove(find(l, "cm.id=1 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ROUTE_RESOLVED consumer"));
        assertEquals(List.of(Lifecycles.RDMA_CM_EVENT_IN_WRONG_STATE), rules(replay(l)));
    }

    /**
     * cma.c: rdma_connect moves a ROUTE_RESOLVED id to RDMA_CM_CONNECT and, on iWARP,
     * cma_connect_iw connects it with no tracepoint (only cma_connect_ib fires cm_send_req), so
     * the connection events cma_iw_handler delivers after ROUTE_RESOLVED are no violation.
     */
    @Test
    void shouldAcceptAnIwarpConnectionThatNoConnectRequestTraces() {
        List<String> client = lines().stream().filter(x -> x.contains(" cm.id=1 ")).collect(Collectors.toList());
        client.removeIf(x -> x.contains("cm_send_") || x.contains("cm_sent_") || x.contains("TIMEWAIT_EXIT"));
        assertTrue(client.stream().anyMatch(x -> x.contains("ESTABLISHED (9/0)")));
        ReplayReport r = replay(client);
        assertEquals(List.of(), r.violations());
        assertEquals(List.of(), r.unparsed());
    }

    @Test
    void shouldCatchAnIbCmStateGoingBackwards() {
        List<String> l = lines();
        int rtu = find(l, "icm_send_rtu:");
        int dreq = find(l, "icm_send_dreq:");
        String a = l.get(rtu);
        l.set(rtu, l.get(dreq));
        l.set(dreq, a);
        assertEquals(List.of(Lifecycles.IB_CM_STATE_TRANSITION), rules(replay(l)));
    }

    @Test
    void shouldAdoptObjectsMadeBeforeTheTraceBegan() {
        List<String> l = lines();
        // The trace starts after the ULP allocated its CQs and MRs and rping connected.
        l.subList(12, find(l, "cq_schedule: cq.id=0")).clear();
        ReplayReport r = replay(l);
        assertEquals(List.of(), r.violations());
        assertEquals(new ObjectCounts(0, 2, 0, 2), r.objects().get(ObjectKind.CQ));
        assertEquals(new ObjectCounts(0, 2, 0, 2), r.objects().get(ObjectKind.MR));
        assertEquals(2, r.objects().get(ObjectKind.CM_ID).adopted());
    }
}
