package org.ibmodel.traces;

/** The text layouts of a trace that the reader recognises and the writer produces. */
public enum Layout {
    /** /sys/kernel/tracing/trace with irq-info on, 5-character flags (Linux 5.14 and later). */
    SYSFS_FLAGS5,
    /** /sys/kernel/tracing/trace with irq-info on, 4-character flags (before Linux 5.14). */
    SYSFS_FLAGS4,
    /**
     * /sys/kernel/tracing/trace of a PREEMPT_RT kernel built from the RT patch set (before Linux
     * 6.12) with irq-info on: 7-character flags, need-resched-lazy and preempt-lazy-depth added.
     */
    SYSFS_FLAGS7,
    /** /sys/kernel/tracing/trace with the irq-info option off: no flags column. */
    SYSFS_NO_FLAGS,
    /** the record-tgid option: a {@code (  tgid)} column after TASK-PID. */
    TGID,
    /** {@code trace-cmd report}: a {@code cpus=N} first line and a padded event column. */
    TRACE_CMD,
    /** records wrapped onto continuation lines, as in a trace pasted into mail. */
    WRAPPED
}
