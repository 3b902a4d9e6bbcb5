// Decisions of the command interface that mutation tests replace with a known bug
package org.ibmodel.hca;

/**
 * Decisions of the command interface, behind an interface so that a test can swap in a wrong
 * one and show the check against specs/src/main/tla/HcaCommands.tla rejects the run at the step
 * the bug made. {@link #CORRECT} is the driver's own and the default; nothing outside tests sets
 * another.
 */
interface CmdPolicy {
    CmdPolicy CORRECT = new CmdPolicy() {
    };

    /** mlx4_cmd: in the error state a command returns without reaching the device (AnsweredInErrorState). */
    default boolean answeredInErrorState() {
        return true;
    }

    /** mlx4_cmd_reset_flow: a command the device does not finish in time puts the driver in its error state. */
    default boolean resetFlow() {
        return true;
    }
}
