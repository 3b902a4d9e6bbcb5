// drivers/infiniband/hw/mthca/mthca_cmd.c (mthca_cmd_post, mthca_cmd_poll, mthca_cmd_box) and
// drivers/net/ethernet/mellanox/mlx4/cmd.c (mlx4_status_to_errno); docs/HCA.md §3.1, §3.2
package org.ibmodel.hca;

import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.Mutex;
import org.ibmodel.mm.HostMemory;

/**
 * The command interface in polling mode: one command at a time under {@code hcr_mutex}, two
 * mailbox pages reused for every command, and the firmware status turned into an errno. The
 * caller sleeps (process context) until the device clears go.
 */
final class Cmd {
    static final int MAILBOX_SIZE = 4096;

    private final PciFunction pci;
    private final Kernel kernel;
    private final HostMemory memory;
    private final Mutex hcrMutex;
    private final long inbox;
    private final long outbox;
    private int lastStatus;
    private int token;
    /** mlx4's MLX4_DEVICE_STATE_INTERNAL_ERROR: no command reaches the device any more. */
    private boolean internalError;
    /** Told when a tear-down command finds the device broken (the driver's error state). */
    private Runnable onDeviceBroken = () -> { };

    Cmd(PciFunction pci, Kernel kernel) {
        this.pci = pci;
        this.kernel = kernel;
        this.memory = pci.hostMemory();
        this.hcrMutex = new Mutex(kernel, "hcr_mutex");
        this.inbox = memory.alloc(MAILBOX_SIZE);
        this.outbox = memory.alloc(MAILBOX_SIZE);
    }

    /** The firmware status of the last command, for diagnostics. */
    int lastStatus() {
        return lastStatus;
    }

    /** A command with immediate parameters only. */
    int exec(CmdOp op, int inModifier, long inParam, int opcodeModifier) {
        return hcrMutex.with(() -> post(op, opcodeModifier, inParam, inModifier, 0));
    }

    /** A command with an inbox: {@code in} is copied to the mailbox page first. */
    int in(CmdOp op, int inModifier, int opcodeModifier, byte[] in) {
        return hcrMutex.with(() -> {
            byte[] page = new byte[MAILBOX_SIZE];
            System.arraycopy(in, 0, page, 0, in.length);
            memory.write(inbox, page);
            return post(op, opcodeModifier, inbox, inModifier, 0);
        });
    }

    /** A command with an outbox; on success {@code out} receives the start of the mailbox. */
    int out(CmdOp op, int inModifier, byte[] out) {
        return hcrMutex.with(() -> {
            int ret = post(op, 0, 0, inModifier, outbox);
            if (ret == 0) {
                memory.read(outbox, out, 0, out.length);
            }
            return ret;
        });
    }

    /**
     * A command with both mailboxes (MAD_IFC): {@code in} goes to the inbox page; on success
     * {@code out} receives the start of the outbox.
     */
    int inOut(CmdOp op, int inModifier, int opcodeModifier, byte[] in, byte[] out) {
        return hcrMutex.with(() -> {
            byte[] page = new byte[MAILBOX_SIZE];
            System.arraycopy(in, 0, page, 0, in.length);
            memory.write(inbox, page);
            int ret = post(op, opcodeModifier, inbox, inModifier, outbox);
            if (ret == 0) {
                memory.read(outbox, out, 0, out.length);
            }
            return ret;
        });
    }

    /**
     * A command with an inbox and an immediate result (MGID_HASH, mthca_cmd_imm): on success
     * {@code result[0]} receives out_param as the device left it in the HCR.
     */
    int inImm(CmdOp op, int inModifier, byte[] in, long[] result) {
        return hcrMutex.with(() -> {
            byte[] page = new byte[MAILBOX_SIZE];
            System.arraycopy(in, 0, page, 0, in.length);
            memory.write(inbox, page);
            int ret = post(op, 0, inbox, inModifier, 0);
            if (ret == 0) {
                long hi = pci.readl(PciFunction.BAR0, Hw.Hcr.OUT_PARAM_HI.offset()) & 0xffff_ffffL;
                long lo = pci.readl(PciFunction.BAR0, Hw.Hcr.OUT_PARAM_LO.offset()) & 0xffff_ffffL;
                result[0] = hi << 32 | lo;
            }
            return ret;
        });
    }

    /** The device had a catastrophic error (HCA.md §2.1): from now on no command is posted. */
    void enterInternalError() {
        internalError = true;
    }

    /** The device was reset and is probed again: commands reach it once more. */
    void leaveInternalError() {
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

    private int post(CmdOp op, int opcodeModifier, long inParam, int inModifier, long outParam) {
        if (internalError) {
            return internalErrorReturn(op);
        }
        waitGo();
        byte[] hcr = new byte[Hw.Hcr.GO_WORD + 4];
        Hw.Hcr.IN_PARAM_HI.set(hcr, 0, inParam >>> 32);
        Hw.Hcr.IN_PARAM_LO.set(hcr, 0, inParam);
        Hw.Hcr.IN_MODIFIER.set(hcr, 0, inModifier);
        Hw.Hcr.OUT_PARAM_HI.set(hcr, 0, outParam >>> 32);
        Hw.Hcr.OUT_PARAM_LO.set(hcr, 0, outParam);
        Hw.Hcr.TOKEN.set(hcr, 0, ++token);
        Hw.Hcr.GO.set(hcr, 0, 1);
        Hw.Hcr.OPCODE_MODIFIER.set(hcr, 0, opcodeModifier);
        Hw.Hcr.OPCODE.set(hcr, 0, op.value());
        // mthca_cmd_post: the parameters first, the word with go last.
        for (int off = 0; off < Hw.Hcr.GO_WORD; off += 4) {
            pci.writel(PciFunction.BAR0, off, Field.word(hcr, off));
        }
        pci.writel(PciFunction.BAR0, Hw.Hcr.GO_WORD, Field.word(hcr, Hw.Hcr.GO_WORD));
        int word = waitGo();
        lastStatus = Hw.Hcr.STATUS.extract(word);
        if (lastStatus == CmdStatus.INTERNAL_ERR.value() && closingFatal(op)) {
            // mlx4_cmd_poll: a tear-down command the device fails is fatal (mlx4_cmd_reset_flow):
            // the driver enters its error state and the command counts as done, so that
            // everything can still be freed. Other statuses are errnos as on mthca.
            internalError = true;
            onDeviceBroken.run();
            return 0;
        }
        return CmdStatus.toErrno(lastStatus);
    }

    /** mthca_cmd_poll: sleep until the device clears go; returns the HCR status word. */
    private int waitGo() {
        while (true) {
            int word = pci.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
            if (Hw.Hcr.GO.extract(word) == 0) {
                return word;
            }
            if (!kernel.schedule()) {
                throw new KernelBug(KernelBug.WARN_ON, pci.slot() + ": HCR go bit never clears and nothing"
                        + " else can run");
            }
        }
    }
}
