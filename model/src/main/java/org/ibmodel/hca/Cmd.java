// drivers/infiniband/hw/mthca/mthca_cmd.c (mthca_cmd_post, mthca_cmd_poll, mthca_cmd_box) and
// drivers/net/ethernet/mellanox/mlx4/cmd.c (mlx4_status_to_errno); docs/HCA.md §3.1, §3.2
package org.ibmodel.hca;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.Mutex;
import org.ibmodel.mm.HostMemory;

/**
 * The command interface. Until the EQs are up it polls: one command at a time under
 * {@code hcr_mutex}, the caller sleeping (process context) until the device clears go. Then,
 * as mthca and mlx4 do, it uses events ({@link #useEvents}): each command takes a context whose
 * token the HCR carries, and its caller sleeps until the CMD EQE with that token completes it
 * (mthca_cmd_wait, mthca_cmd_event). Each command has mailbox pages of its own, from a pool
 * (mthca_alloc_mailbox), and its firmware status is turned into an errno. A command the device
 * does not finish in time takes mlx4's reset flow; specs/src/main/tla/HcaCommands.tla is that
 * protocol, checked by TLC.
 */
final class Cmd {
    static final int MAILBOX_SIZE = 4096;
    /** MLX4_CMD_TIME_CLASS_A, _B and _C (include/linux/mlx4/cmd.h): 60 s for every command. */
    static final long CMD_TIMEOUT_NS = 60_000_000_000L;
    /** GO_BIT_TIMEOUT_MSECS (drivers/net/ethernet/mellanox/mlx4/cmd.c): an event-mode post's wait for go. */
    static final long GO_BIT_TIMEOUT_NS = 10_000_000_000L;
    /** mlx4's CMD_POLL_TOKEN: the token of every command posted without e. */
    static final int POLL_TOKEN = 0xffff;

    private final PciFunction pci;
    private final Kernel kernel;
    private final HostMemory memory;
    private final Mutex hcrMutex;
    /** Mailbox pages free for the next command. */
    private final ArrayDeque<Long> mailboxes = new ArrayDeque<>();
    private int poolPages;
    private int lastStatus;
    /**
     * mlx4_cmd's toggle, 1 at first (mlx4_cmd_init): the t bit the next command carries. The HCR
     * is busy while go reads set or t reads as the next command's, as a read that the write of
     * the last command has not reached yet would (cmd_pending).
     */
    private int toggle = 1;
    /** mlx4's MLX4_DEVICE_STATE_INTERNAL_ERROR: no command reaches the device any more. */
    private boolean internalError;
    /** Posts waiting for the HCR's go bit to clear, and the reset waiting for them. */
    private int posting;
    private Runnable deferredReset;
    /** Told when a tear-down command finds the device broken (the driver's error state). */
    private Runnable onDeviceBroken = () -> { };
    /** Event mode's contexts (struct mthca_cmd_context); null while polling. */
    private Context[] contexts;
    private int freeHead;
    private int tokenMask;
    private CmdObserver observer;
    private CmdPolicy policy = CmdPolicy.CORRECT;

    /** Context.next of a context a command holds (others name the next free one, or none). */
    private static final int IN_USE = -2;
    private static final int NONE = -1;

    /** One command waiting for its CMD EQE. */
    private static final class Context {
        final int index;
        int token;
        int next;
        boolean done;
        int status;
        long outParam;

        Context(int index) {
            this.index = index;
            this.token = index;
            this.next = index + 1;
        }
    }

    Cmd(PciFunction pci, Kernel kernel) {
        this.pci = pci;
        this.kernel = kernel;
        this.memory = pci.hostMemory();
        this.hcrMutex = new Mutex(kernel, "hcr_mutex");
        // Two pages to start with, enough for any command while polling.
        mailboxes.add(memory.alloc(MAILBOX_SIZE));
        mailboxes.add(memory.alloc(MAILBOX_SIZE));
        poolPages = 2;
    }

    /**
     * mthca_cmd_use_events: from now on commands complete by CMD EQE, up to {@code maxCmds}
     * outstanding; each context starts with its index as token.
     */
    void useEvents(int maxCmds) {
        contexts = new Context[maxCmds];
        for (int i = 0; i < maxCmds; i++) {
            contexts[i] = new Context(i);
        }
        contexts[maxCmds - 1].next = NONE;
        freeHead = 0;
        // The smallest power of two at or above maxCmds, less one.
        int mask = 1;
        while (mask < maxCmds) {
            mask <<= 1;
        }
        tokenMask = mask - 1;
    }

    /** Tells {@code o} each step of the commands HcaCommands.tla describes (null: nobody). */
    void observer(CmdObserver o) {
        observer = o;
    }

    /** Mutation tests only: replaces the command interface's own decisions with {@code p}. */
    void policy(CmdPolicy p) {
        policy = p;
    }

    /** mthca_cmd_use_polling: back to polling, as before the EQs go. */
    void usePolling() {
        if (contexts != null) {
            for (Context c : contexts) {
                if (c.next == IN_USE) {
                    throw new KernelBug(KernelBug.WARN_ON, pci.slot() + ": back to polling with a command waiting");
                }
            }
        }
        contexts = null;
    }

    /**
     * mthca_cmd_event, from the async EQ's interrupt handler: the CMD EQE completes the command
     * waiting under its token; a token no command waits under (one that gave up) is ignored.
     */
    void event(int eqeToken, int status, long outParam) {
        if (contexts == null) {
            return;
        }
        Context c = contexts[eqeToken & tokenMask];
        boolean waiting = c.token == eqeToken && c.next == IN_USE;
        if (observer != null) {
            observer.deliver(eqeToken, waiting && !c.done);
        }
        if (!waiting) {
            return;
        }
        c.status = status;
        c.outParam = outParam;
        c.done = true;
    }

    /**
     * mlx4_cmd_wake_completions: the device is in error, so no CMD EQE will come; every command
     * waiting completes with INTERNAL_ERR.
     */
    void wakeCompletions() {
        if (contexts == null) {
            return;
        }
        for (Context c : contexts) {
            if (c.next == IN_USE && !c.done) {
                c.status = CmdStatus.INTERNAL_ERR.value();
                c.done = true;
            }
        }
    }

    private long takeMailbox() {
        Long page = mailboxes.pollFirst();
        if (page != null) {
            return page;
        }
        poolPages++;
        return memory.alloc(MAILBOX_SIZE);
    }

    /**
     * Pages the mailbox pool holds, free or lent to a command in flight: it grows when more
     * commands are in flight at once than it has pages and gives none back until
     * {@link #freeMailboxes}, as a dma_pool keeps its pages.
     */
    int poolPages() {
        return poolPages;
    }

    private void releaseMailbox(long page) {
        mailboxes.addFirst(page);
    }

    /** mthca_cleanup_cmd's pci_pool_destroy: the pooled mailbox pages go back; later commands take new ones. */
    void freeMailboxes() {
        while (!mailboxes.isEmpty()) {
            memory.free(mailboxes.pollFirst());
            poolPages--;
        }
    }

    /** The firmware status of the last command, for diagnostics. */
    int lastStatus() {
        return lastStatus;
    }

    /** A command with immediate parameters only. */
    int exec(CmdOp op, int inModifier, long inParam, int opcodeModifier) {
        return command(op, opcodeModifier, inParam, inModifier, 0, null);
    }

    /** A command with an inbox: {@code in} is copied to the mailbox page first. */
    int in(CmdOp op, int inModifier, int opcodeModifier, byte[] in) {
        long inbox = inbox(in);
        try {
            return command(op, opcodeModifier, inbox, inModifier, 0, null);
        } finally {
            releaseMailbox(inbox);
        }
    }

    /** A command with an outbox; on success {@code out} receives the start of the mailbox. */
    int out(CmdOp op, int inModifier, byte[] out) {
        long outbox = takeMailbox();
        try {
            int ret = command(op, 0, 0, inModifier, outbox, null);
            if (ret == 0) {
                memory.read(outbox, out, 0, out.length);
            }
            return ret;
        } finally {
            releaseMailbox(outbox);
        }
    }

    /**
     * A command with both mailboxes (MAD_IFC): {@code in} goes to the inbox page; on success
     * {@code out} receives the start of the outbox.
     */
    int inOut(CmdOp op, int inModifier, int opcodeModifier, byte[] in, byte[] out) {
        long inbox = inbox(in);
        long outbox = takeMailbox();
        try {
            int ret = command(op, opcodeModifier, inbox, inModifier, outbox, null);
            if (ret == 0) {
                memory.read(outbox, out, 0, out.length);
            }
            return ret;
        } finally {
            releaseMailbox(outbox);
            releaseMailbox(inbox);
        }
    }

    /**
     * A command with an inbox and an immediate result (MGID_HASH, mthca_cmd_imm): on success
     * {@code result[0]} receives out_param, from the HCR when polling, from the CMD EQE in
     * event mode.
     */
    int inImm(CmdOp op, int inModifier, byte[] in, long[] result) {
        long inbox = inbox(in);
        try {
            return command(op, 0, inbox, inModifier, 0, result);
        } finally {
            releaseMailbox(inbox);
        }
    }

    private long inbox(byte[] in) {
        long inbox = takeMailbox();
        byte[] page = new byte[MAILBOX_SIZE];
        System.arraycopy(in, 0, page, 0, in.length);
        memory.write(inbox, page);
        return inbox;
    }

    /** One command, polled or by event; {@code imm}, if given, receives out_param on success. */
    private int command(CmdOp op, int opcodeModifier, long inParam, int inModifier, long outParam, long[] imm) {
        if (observer != null && (internalError || contexts != null)) {
            observer.issue(op.name(), internalError && policy.answeredInErrorState());
        }
        if (internalError && policy.answeredInErrorState()) {
            // Nothing reaches the device: the status is not one an earlier command left.
            lastStatus = CmdStatus.INTERNAL_ERR.value();
            return internalErrorReturn(op);
        }
        if (contexts != null) {
            return waitEvent(op, opcodeModifier, inParam, inModifier, outParam, imm);
        }
        return hcrMutex.with(() -> {
            // mlx4_cmd_poll: go must be clear already, and clear again within the timeout.
            if (!post(op, opcodeModifier, inParam, inModifier, outParam, 0, false)) {
                return resetFlow(op);
            }
            if (!sleepUntil(this::goClear, CMD_TIMEOUT_NS, op, "HCR go bit never clears")) {
                return timedOut(op);
            }
            int word = pci.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
            int ret = finish(op, Hw.Hcr.STATUS.extract(word));
            if (ret == 0 && imm != null) {
                long hi = pci.readl(PciFunction.BAR0, Hw.Hcr.OUT_PARAM_HI.offset()) & 0xffff_ffffL;
                long lo = pci.readl(PciFunction.BAR0, Hw.Hcr.OUT_PARAM_LO.offset()) & 0xffff_ffffL;
                imm[0] = hi << 32 | lo;
            }
            return ret;
        });
    }

    /**
     * mthca_cmd_wait / mlx4_cmd_wait: take a free context (sleeping while all are taken), move
     * its token on so that a late EQE of its last use is not taken for this one, post with e
     * set, and sleep until the CMD EQE or the error state completes it, or the timeout passes.
     */
    private int waitEvent(CmdOp op, int opcodeModifier, long inParam, int inModifier, long outParam, long[] imm) {
        while (freeHead == NONE) {
            sleep(op, "no command context free");
        }
        Context c = contexts[freeHead];
        freeHead = c.next;
        c.next = IN_USE;
        c.token = (c.token + tokenMask + 1) & 0xffff;
        c.done = false;
        try {
            boolean posted = hcrMutex.with(() -> post(op, opcodeModifier, inParam, inModifier, outParam, c.token,
                    true));
            if (!posted) {
                timeOut();
                return resetFlow(op);
            }
            if (!sleepUntil(() -> c.done, CMD_TIMEOUT_NS, op, "its CMD EQE never came")) {
                timeOut();
                return timedOut(op);
            }
        } finally {
            c.next = freeHead;
            freeHead = c.index;
        }
        int ret = finish(op, c.status);
        if (ret == 0 && imm != null) {
            imm[0] = c.outParam;
        }
        return ret;
    }

    /**
     * wait_for_completion_timeout, or the jiffies loops of mlx4_cmd_poll and mlx4_cmd_post:
     * sleeps until {@code cond} holds or {@code timeoutNs} of virtual time have passed.
     */
    private boolean sleepUntil(BooleanSupplier cond, long timeoutNs, CmdOp op, String why) {
        return kernel.waitEventTimeout(cond, timeoutNs, pci.slot() + " " + op.docName() + ": " + why);
    }

    private void timeOut() {
        if (observer != null) {
            observer.timeOut();
        }
    }

    private boolean goClear() {
        int w = pci.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
        return Hw.Hcr.GO.extract(w) == 0 && Hw.Hcr.T.extract(w) != toggle;
    }

    /**
     * mlx4_cmd_poll / mlx4_cmd_wait: the device did not finish the command in time. The driver
     * logs it and takes the reset flow.
     */
    private int timedOut(CmdOp op) {
        kernel.printk(String.format("%s: command 0x%x timed out (go bit not cleared)", pci.slot(), op.value()));
        return resetFlow(op);
    }

    /**
     * mlx4_cmd_reset_flow: the device no longer answers as it should, so the driver enters its
     * error state (which resets the device) and the command returns what a command posted in
     * that state returns: 0 for a tear-down, so that everything can still be freed, else -EIO.
     */
    private int resetFlow(CmdOp op) {
        lastStatus = CmdStatus.INTERNAL_ERR.value();
        if (policy.resetFlow()) {
            internalError = true;
            onDeviceBroken.run();
        }
        return internalErrorReturn(op);
    }

    private void sleep(CmdOp op, String why) {
        if (!kernel.schedule()) {
            throw new KernelBug(KernelBug.WARN_ON, pci.slot() + ": command " + op + " waits for ever: " + why
                    + ", and nothing else can run");
        }
    }

    /**
     * The driver's error state, for a catastrophic error (HCA.md §2.1) or after the reset flow:
     * from now on no command is posted.
     */
    void enterInternalError() {
        if (!internalError && observer != null) {
            observer.catastrophic();
        }
        internalError = true;
    }

    /**
     * mlx4_cmd_init's toggle of 1 is the inverse of the t bit of an HCR just reset, as
     * __mlx4_init_one leaves it (mlx4_reset). This driver does not reset the device at every
     * probe, so it starts from the inverse of the t it reads.
     */
    void initToggle() {
        toggle = Hw.Hcr.T.extract(pci.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD)) ^ 1;
    }

    /** The device was reset and is probed again: commands reach it once more. */
    void leaveInternalError() {
        if (internalError && observer != null) {
            observer.restart();
        }
        internalError = false;
    }

    /** mlx4's MLX4_DEVICE_STATE_INTERNAL_ERROR, which the verbs check too. */
    boolean internalError() {
        return internalError;
    }

    void onDeviceBroken(Runnable r) {
        onDeviceBroken = r;
    }

    /**
     * mlx4_internal_err_ret_value (drivers/net/ethernet/mellanox/mlx4/cmd.c): what a command
     * returns once the device is in error, without reaching it. Commands that tear down succeed,
     * so that everything can still be freed; the rest fail with -EIO.
     */
    static int internalErrorReturn(CmdOp op) {
        return switch (op) {
            case RST_QP, HW2SW_EQ, HW2SW_CQ, HW2SW_SRQ, HW2SW_MPT, CLOSE_HCA, CLOSE_PORT -> 0;
            default -> CmdStatus.toErrno(CmdStatus.INTERNAL_ERR.value());
        };
    }

    /** mlx4_closing_cmd_fatal_error: the tear-down commands whose failure means the device is gone. */
    private static boolean closingFatal(CmdOp op) {
        return switch (op) {
            case RST_QP, HW2SW_EQ, HW2SW_CQ, HW2SW_SRQ, HW2SW_MPT, CLOSE_HCA -> true;
            default -> false;
        };
    }

    /**
     * mlx4_cmd_post: wait for go to be clear (in event mode up to {@link #GO_BIT_TIMEOUT_NS},
     * another command may still hold the HCR; when polling not at all, as none can), write the
     * parameters, then the word with go. Returns false, posting nothing, if go stayed set.
     */
    private boolean post(CmdOp op, int opcodeModifier, long inParam, int inModifier, long outParam, int cmdToken,
            boolean event) {
        // mlx4_cmd_post checks the error state under device_state_mutex, which
        // mlx4_enter_error_state holds while it resets the chip: nothing is written to a device
        // in error, and the reset waits for a post that is waiting for the HCR (deferReset).
        if (internalError && policy.answeredInErrorState()) {
            couldNotPost(op, opcodeModifier, inParam, inModifier);
            return false;
        }
        boolean free;
        posting++;
        try {
            free = sleepUntil(this::goClear, event ? GO_BIT_TIMEOUT_NS : 0, op, "HCR go bit never clears");
        } finally {
            posting--;
        }
        if (!free) {
            kernel.printk(pci.slot() + ": mlx4_cmd_post:cmd_pending failed");
            couldNotPost(op, opcodeModifier, inParam, inModifier);
            runDeferredReset();
            return false;
        }
        byte[] hcr = new byte[Hw.Hcr.GO_WORD + 4];
        Hw.Hcr.IN_PARAM_HI.set(hcr, 0, inParam >>> 32);
        Hw.Hcr.IN_PARAM_LO.set(hcr, 0, inParam);
        Hw.Hcr.IN_MODIFIER.set(hcr, 0, inModifier);
        Hw.Hcr.OUT_PARAM_HI.set(hcr, 0, outParam >>> 32);
        Hw.Hcr.OUT_PARAM_LO.set(hcr, 0, outParam);
        // mlx4_cmd_poll posts with CMD_POLL_TOKEN: no EQE will carry it.
        Hw.Hcr.TOKEN.set(hcr, 0, event ? cmdToken : POLL_TOKEN);
        Hw.Hcr.GO.set(hcr, 0, 1);
        Hw.Hcr.T.set(hcr, 0, toggle);
        Hw.Hcr.E.set(hcr, 0, event ? 1 : 0);
        Hw.Hcr.OPCODE_MODIFIER.set(hcr, 0, opcodeModifier);
        Hw.Hcr.OPCODE.set(hcr, 0, op.value());
        // mthca_cmd_post: the parameters first, the word with go last.
        for (int off = 0; off < Hw.Hcr.GO_WORD; off += 4) {
            pci.writel(PciFunction.BAR0, off, Field.word(hcr, off));
        }
        if (event && observer != null) {
            // Told before the write: a device without latency runs the command within it.
            observer.post(cmdToken);
        }
        pci.writel(PciFunction.BAR0, Hw.Hcr.GO_WORD, Field.word(hcr, Hw.Hcr.GO_WORD));
        toggle ^= 1;
        runDeferredReset();
        return true;
    }

    private void couldNotPost(CmdOp op, int opcodeModifier, long inParam, int inModifier) {
        kernel.printk(String.format("%s: Could not post command 0x%x: ret=%d, in_param=0x%x, in_mod=0x%x, op_mod=0x%x",
                pci.slot(), op.value(), Errno.EIO.negative(), inParam, inModifier, opcodeModifier));
    }

    /**
     * The device's reset must wait while a command waits for the HCR to post (mlx4_cmd_post
     * holds device_state_mutex through that wait): true if one does, and {@code reset} then
     * runs once the last such post has written its command or given up.
     */
    boolean deferReset(Runnable reset) {
        if (posting == 0) {
            return false;
        }
        deferredReset = reset;
        return true;
    }

    private void runDeferredReset() {
        Runnable r = deferredReset;
        if (r != null && posting == 0) {
            deferredReset = null;
            r.run();
        }
    }

    /** A finished command's firmware status as the caller sees it. */
    private int finish(CmdOp op, int status) {
        lastStatus = status;
        if (status != CmdStatus.OK.value() && internalError) {
            // mlx4_cmd_wait (drivers/net/ethernet/mellanox/mlx4/cmd.c): a command that fails once
            // the driver is in its error state, as one mlx4_cmd_wake_completions woke, returns
            // mlx4_internal_err_ret_value, as a command posted after it would.
            return internalErrorReturn(op);
        }
        if (status == CmdStatus.INTERNAL_ERR.value() && closingFatal(op)) {
            // mlx4_cmd_poll / mlx4_cmd_wait: a tear-down command the device fails is fatal
            // (mlx4_cmd_reset_flow): the driver enters its error state and the command counts as
            // done, so that everything can still be freed. Other statuses are errnos as on mthca.
            return resetFlow(op);
        }
        return CmdStatus.toErrno(status);
    }
}
