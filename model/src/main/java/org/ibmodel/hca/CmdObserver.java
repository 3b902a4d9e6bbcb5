// The recording points of the driver's command interface, one per driver action of
// specs/src/main/tla/HcaCommands.tla (Issue, Post, TimeOut, Deliver, ResetAndRestart, CatasError)
package org.ibmodel.hca;

/**
 * What the command interface tells an observer ({@link HcaDriver#cmdObserver}) in event mode,
 * and of every command in the error state; the polled commands of bring-up are not reported.
 * Called where the driver takes the step; an observer only reads what it is given. The recorder
 * is org.ibmodel.sim.conform.HcaCommandsRecorder.
 */
public interface CmdObserver {
    /** A command begins; {@code answered}: the driver is in its error state and returns at once. */
    void issue(String op, boolean answered);

    /** The HCR was written with go set and this token (mlx4_cmd_post). */
    void post(int token);

    /** The wait for go, or for the command's CMD EQE, ran out: the reset flow follows. */
    void timeOut();

    /** A CMD EQE with this token reached the driver; {@code completed}: the command waiting under it. */
    void deliver(int token, boolean completed);

    /** The driver leaves its error state to probe the reset device again. */
    void restart();

    /**
     * The driver enters its error state for a catastrophic error its health poll found, not for a
     * command that timed out (whose {@link #timeOut} says so); a command waiting is woken.
     */
    void catastrophic();
}
