// What a correct kernel emits that a replay must not call a violation: restrack ids numbered per
// device (drivers/infiniband/core/restrack.c), rdma_cm ids first seen mid-life, and a listener's
// cm_req_handler after its cm_id_destroy (drivers/infiniband/core/cma.c)
package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecyclesDevicesTest {
    private static String at(double time, String event) {
        return String.format("    kworker/u4:1-58      [001] .....  %.6f: %s", time, event);
    }

    private static List<String> rules(List<String> lines) {
        return LifecyclesTest.replay(lines).violations().stream().map(Violation::rule).toList();
    }

    private static List<String> twoDevices(String... events) {
        List<String> l = new ArrayList<>(List.of(at(1.0, "cm_add_one: device name=mlx5_0"),
                at(1.1, "cm_add_one: device name=mlx5_1")));
        double t = 2.0;
        for (String e : events) {
            l.add(at(t, e));
            t += 0.1;
        }
        return l;
    }

    /**
     * A CQ freed on one device, then scheduled: on a trace that shows two devices the number may
     * be the other's CQ, made before the trace began. With one device it is a use after free.
     */
    @Test
    void shouldTakeAFreedNumberOnATwoDeviceTraceAsTheOtherDevicesObject() {
        String[] events = {"cq_alloc: cq.id=2 nr_cqe=128 comp_vector=0 poll_ctx=SOFTIRQ", "cq_free: cq.id=2",
            "cq_schedule: cq.id=2", "cq_process: cq.id=2 wake-up took 3 [us] from interrupt"};
        assertEquals(List.of(), rules(twoDevices(events)));
        List<String> one = new ArrayList<>(twoDevices(events));
        one.remove(1);
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE, Lifecycles.USE_AFTER_FREE), rules(one));
        // Two devices, two objects at most: a third life of the number is a use after free again.
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE), rules(twoDevices("cq_alloc: cq.id=2 nr_cqe=128 "
                + "comp_vector=0 poll_ctx=SOFTIRQ", "cq_free: cq.id=2", "cq_schedule: cq.id=2", "cq_free: cq.id=2",
                "cq_schedule: cq.id=2")));
        // An MR deregistered on each device: the second is the other device's (a user MR, say).
        assertEquals(List.of(), rules(twoDevices("mr_alloc: pd.id=1 mr.id=7 type=MEM_REG max_num_sg=32 rc=0",
                "mr_dereg: mr.id=7", "mr_dereg: mr.id=7")));
    }

    /**
     * rdma_core's events name no device: two CQs of one number live at once show a second
     * device, not an id reused while live, and the CQ left alive is not freed by the other's free.
     */
    @Test
    void shouldInferASecondDeviceFromATraceThatNamesNone() {
        List<String> l = List.of(at(1.0, "cq_alloc: cq.id=4 nr_cqe=128 comp_vector=0 poll_ctx=WORKQUEUE"),
                at(1.1, "cq_alloc: cq.id=4 nr_cqe=128 comp_vector=0 poll_ctx=WORKQUEUE"),
                at(1.2, "cq_free: cq.id=4"),
                at(1.3, "cq_process: cq.id=4 wake-up took 12 [us] from interrupt"),
                at(1.4, "cq_poll: cq.id=4 requested 16, returned 1"));
        assertEquals(List.of(), rules(l));
        // A trace that names its one device still has it caught.
        List<String> named = new ArrayList<>(l);
        named.add(0, at(0.5, "cm_add_one: device name=mlx5_0"));
        assertEquals(List.of(Lifecycles.ID_REUSED_WHILE_LIVE), rules(named));
    }

    /**
     * Two rdma_cm ids numbered 3, one on each device, their handlers interleaved: each handler is
     * paired with its done by its addresses, and each id destroyed once.
     */
    @Test
    void shouldFollowTwoRdmaCmIdsOfOneNumberOnTwoDevices() {
        List<String> l = List.of(
                at(1.0, "cm_id_attach: cm.id=0 src=10.0.0.1:0 dst=(einval) device=mlx5_0"),
                at(1.1, "cm_event_handler: cm.id=3 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED (0/0)"),
                at(1.2, "cm_id_attach: cm.id=0 src=10.1.0.1:0 dst=(einval) device=mlx5_1"),
                at(1.3, "cm_event_handler: cm.id=3 src=10.1.0.1:40002 dst=10.1.0.2:7174 tos=0 ADDR_RESOLVED (0/0)"),
                at(1.4, "cm_event_done: cm.id=3 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED consumer "
                        + "returns 0"),
                at(1.5, "cm_event_done: cm.id=3 src=10.1.0.1:40002 dst=10.1.0.2:7174 tos=0 ADDR_RESOLVED consumer "
                        + "returns 0"),
                at(1.6, "cm_id_destroy: cm.id=3 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0"),
                at(1.7, "cm_event_handler: cm.id=3 src=10.1.0.1:40002 dst=10.1.0.2:7174 tos=0 ROUTE_RESOLVED (2/0)"),
                at(1.8, "cm_event_done: cm.id=3 src=10.1.0.1:40002 dst=10.1.0.2:7174 tos=0 ROUTE_RESOLVED consumer "
                        + "returns 0"),
                at(1.9, "cm_id_destroy: cm.id=3 src=10.1.0.1:40002 dst=10.1.0.2:7174 tos=0"));
        assertEquals(List.of(), rules(l));
    }

    /** A device registered again numbers its ids from the start: a new attach takes a number freed before. */
    @Test
    void shouldLetANewAttachNumberAnIdFreedBefore() {
        List<String> l = List.of(
                at(1.0, "cm_id_attach: cm.id=0 src=10.0.0.1:0 dst=(einval) device=mlx5_0"),
                at(1.1, "cm_event_handler: cm.id=1 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED (0/0)"),
                at(1.2, "cm_event_done: cm.id=1 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED consumer "
                        + "returns 0"),
                at(1.3, "cm_id_destroy: cm.id=1 src=10.0.0.1:40001 dst=10.0.0.2:7174 tos=0"),
                at(1.4, "cm_remove_one: device name=mlx5_0"),
                at(1.5, "cm_add_one: device name=mlx5_0"),
                at(1.6, "cm_id_attach: cm.id=0 src=10.0.0.1:0 dst=(einval) device=mlx5_0"),
                at(1.7, "cm_event_handler: cm.id=1 src=10.0.0.1:40005 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED (0/0)"),
                at(1.8, "cm_event_done: cm.id=1 src=10.0.0.1:40005 dst=10.0.0.2:7174 tos=0 ADDR_RESOLVED consumer "
                        + "returns 0"));
        assertEquals(List.of(), rules(l));
        // Without the new attach, the same events are a use after free.
        List<String> noAttach = new ArrayList<>(l);
        noAttach.remove(6);
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE, Lifecycles.USE_AFTER_FREE), rules(noAttach));
    }

    /**
     * A connection's id first seen with ESTABLISHED was connected before the trace began: it is
     * not the id a waiting attach of the same source numbered (that one has not connected yet),
     * so no event is in the wrong state. The waiting attach numbers the id whose first event can
     * follow an attach; an id it numbered is still checked.
     */
    @Test
    void shouldNotGiveAWaitingAttachToAnIdConnectedBeforeTheTrace() {
        List<String> l = new ArrayList<>(List.of(
                at(1.0, "cm_id_attach: cm.id=0 src=192.0.2.1:0 dst=(einval) device=rxe0"),
                at(1.1, "cm_event_handler: cm.id=42 src=192.0.2.1:5555 dst=192.0.2.1:53184 tos=0 ESTABLISHED (9/0)"),
                at(1.2, "cm_event_done: cm.id=42 src=192.0.2.1:5555 dst=192.0.2.1:53184 tos=0 ESTABLISHED consumer "
                        + "returns 0")));
        assertEquals(List.of(), rules(l));
        l.add(at(1.3, "cm_event_handler: cm.id=43 src=192.0.2.1:40001 dst=192.0.2.2:7174 tos=0 ADDR_RESOLVED (0/0)"));
        l.add(at(1.4, "cm_event_handler: cm.id=43 src=192.0.2.1:40001 dst=192.0.2.2:7174 tos=0 ESTABLISHED (9/0)"));
        assertEquals(List.of(Lifecycles.RDMA_CM_EVENT_IN_WRONG_STATE), rules(l));
    }

    /**
     * cma_ib_req_handler fires cm_req_handler on the listener before it finds it destroying: a
     * REQ may reach a listener just destroyed. Any other event there is a use after free.
     */
    @Test
    void shouldAcceptAReqHandlerOnAListenerJustDestroyed() {
        List<String> l = new ArrayList<>(List.of(
                at(1.0, "cm_req_handler: cm.id=5 src=192.0.2.1:7174 dst=0.0.0.0:0 tos=0 REQ_RECEIVED (1)"),
                at(1.1, "cm_id_destroy: cm.id=5 src=192.0.2.1:7174 dst=0.0.0.0:0 tos=0"),
                at(1.2, "cm_req_handler: cm.id=5 src=192.0.2.1:7174 dst=0.0.0.0:0 tos=0 REQ_RECEIVED (1)")));
        assertEquals(List.of(), rules(l));
        l.add(at(1.3, "cm_event_handler: cm.id=5 src=192.0.2.1:7174 dst=0.0.0.0:0 tos=0 CONNECT_REQUEST (4/0)"));
        assertEquals(List.of(Lifecycles.USE_AFTER_FREE), rules(l));
    }
}
