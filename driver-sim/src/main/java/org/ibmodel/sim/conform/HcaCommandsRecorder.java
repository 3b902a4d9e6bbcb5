// Records the HCA driver's commands and the device's answers as the actions of
// specs/src/main/tla/HcaCommands.tla, matched by HcaCommandsTrace.tla (one event per spec action)
package org.ibmodel.sim.conform;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.hca.CmdObserver;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/**
 * Turns what one HCA driver's command interface and its device report into an HcaCommands
 * trace, from a moment the driver is in event mode with no command in progress. Commands are
 * numbered from 1 in the order they begin and the driver's restarts counted, so that each HCR
 * token the driver posts stands for the spec's {@code <<index, generation>>} of the command:
 * the device's finish and the CMD EQE's delivery name the command by that token. One command at
 * a time, as in the spec: the run must not issue commands from two contexts at once.
 */
public final class HcaCommandsRecorder implements CmdObserver, Hca.CommandObserver {
    private final HcaDriver driver;
    private final Hca hca;
    private final EventLog log = new EventLog("HcaCommands");
    /** Per HCR token, the command posted with it last: {index, generation}. */
    private final Map<Integer, long[]> posted = new HashMap<>();
    private long issued;
    private long generation;

    /** Records {@code driver}'s commands to {@code hca}. */
    public HcaCommandsRecorder(HcaDriver driver, Hca hca) {
        this.driver = driver;
        this.hca = hca;
        driver.cmdObserver(this);
        hca.commandObserver(this);
    }

    /** Stops recording: the driver and the device lose their observer. */
    public void detach() {
        driver.cmdObserver(null);
        hca.commandObserver(null);
    }

    /** The trace so far, its header carrying {@code extra} (seed, scenario). */
    public SpecTrace trace(Map<String, Object> extra) {
        return log.trace(extra);
    }

    // ---- the driver ---------------------------------------------------------------------------

    @Override
    public void issue(String op, boolean answered) {
        issued++;
        log.add(TraceAction.CmdIssue, "op", op, "answered", answered);
    }

    @Override
    public void post(int token) {
        posted.put(token, new long[] {issued, generation});
        log.add(TraceAction.CmdPost, "cmd", issued, "gen", generation);
    }

    @Override
    public void timeOut() {
        log.add(TraceAction.CmdTimeOut);
    }

    @Override
    public void deliver(int token, boolean completed) {
        long[] c = command(token);
        log.add(TraceAction.CmdDeliver, "cmd", c[0], "gen", c[1], "completed", completed);
    }

    @Override
    public void restart() {
        generation++;
        log.add(TraceAction.CmdResetAndRestart);
    }

    @Override
    public void catastrophic() {
        log.add(TraceAction.CmdCatas);
    }

    // ---- the device ---------------------------------------------------------------------------

    @Override
    public void finished(int token) {
        long[] c = command(token);
        log.add(TraceAction.CmdDeviceFinish, "cmd", c[0], "gen", c[1]);
    }

    @Override
    public void hung() {
        log.add(TraceAction.CmdHang);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The command a token was last posted with; one never posted is command 0, which no step takes. */
    private long[] command(int token) {
        return posted.getOrDefault(token, new long[] {0, generation});
    }
}
