// A transport stage for an HCA with no fabric behind it (Hosts.withHca): docs/HCA.md §5 fetch only
package org.ibmodel.sim.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Keeps fetched WQEs outstanding and sends nothing; a flush completes them. */
public final class HoldingStage implements TransportStage {
    private final Map<Integer, List<SendWqe>> held = new TreeMap<>();

    @Override
    public void submit(QpContext qp, SendWqe wqe) {
        held.computeIfAbsent(qp.qpn(), k -> new ArrayList<>()).add(wqe);
    }

    @Override
    public void drop(QpContext qp) {
        held.remove(qp.qpn());
    }

    @Override
    public void dropSends(QpContext qp) {
        held.remove(qp.qpn());
    }

    /** Held WQEs never finish: each counts as in progress. */
    @Override
    public int inProgress(QpContext qp) {
        return held.getOrDefault(qp.qpn(), List.of()).size();
    }

    @Override
    public void resume(QpContext qp) {
    }

    /** WQEs of {@code qpn} submitted and not dropped, oldest first. */
    public List<SendWqe> held(int qpn) {
        return List.copyOf(held.getOrDefault(qpn, List.of()));
    }
}
