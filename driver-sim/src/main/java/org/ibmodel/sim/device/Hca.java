// include/linux/pci.h from the device's side: the simulated HCA behind a PCI function
// (docs/HCA.md §2)
package org.ibmodel.sim.device;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.ibmodel.hca.PciFunction;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.sched.Scheduler;

/**
 * The simulated HCA as its driver sees it: BAR0 with the HCR, BAR2 with the doorbells, MSI-X
 * vectors. A write of the HCR word with go set runs the command, at once or after
 * {@link #commandLatencyNs}; doorbells act at once. Interrupts leave through the {@link IrqLine}
 * of the host the card is plugged into.
 */
public final class Hca implements PciFunction {
    private static final int BAR_SIZE = 4096;

    private final String slot;
    private final HostMemory memory;
    private final Scheduler scheduler;
    private final IrqLine irqLine;
    // Each vector's message, wired to the host on its first use.
    private final Runnable[] msix;
    private final DevCaps caps;
    private final Firmware firmware;
    private final TransportStage stage;
    private final byte[] bar0 = new byte[BAR_SIZE];
    // request_irq's handler per vector, null when free.
    private final Runnable[] handlers;
    private long commandLatencyNs;
    private boolean busy;
    /** The command interface has hung ({@link #hangCommands}): go stays set until a reset. */
    private boolean hung;
    private CommandObserver commandObserver;

    /**
     * What the device tells an observer about its command interface: the device actions of
     * specs/src/main/tla/HcaCommands.tla (DeviceFinish, Hang). The recorder is
     * org.ibmodel.sim.conform.HcaCommandsRecorder.
     */
    public interface CommandObserver {
        /** The device cleared go for the event-mode command with this token and posted its CMD EQE. */
        void finished(int token);

        /** The firmware stopped answering commands ({@link #hangCommands}). */
        void hung();
    }

    /** Tells {@code o} each event-mode command finished and each hang (null, the default: nobody). */
    public void commandObserver(CommandObserver o) {
        commandObserver = o;
    }
    private long interrupts;
    /** Resets so far: a command still running when the device is reset never completes. */
    private int generation;
    /** Commands finished, when asked for (a narrator's); null otherwise. */
    private List<Executed> commandLog;

    /** A command the device finished: when, which, how, and whether a CMD EQE reports it. */
    public record Executed(long timeNs, int opcode, Status status, boolean event) {
        /** The command's name as HCA.md §3.3 gives it, or its opcode. */
        public String name() {
            Command c = Command.of(opcode);
            return c != null ? c.docName() : String.format("opcode 0x%03x", opcode);
        }
    }

    /** Starts keeping a log of finished commands ({@link #commandLog}). */
    public void logCommands(boolean on) {
        commandLog = on ? new ArrayList<>() : null;
    }

    /** The commands finished since logging began, oldest first. */
    public List<Executed> commandLog() {
        return commandLog == null ? List.of() : Collections.unmodifiableList(commandLog);
    }

    public Hca(String slot, HostMemory memory, Scheduler scheduler, IrqLine irqLine, DevCaps caps,
            TransportStage stage) {
        this.slot = slot;
        this.memory = memory;
        this.scheduler = scheduler;
        this.irqLine = irqLine;
        this.msix = new Runnable[caps.msixVectors()];
        this.handlers = new Runnable[caps.msixVectors()];
        this.caps = caps;
        this.stage = stage;
        this.firmware = new Firmware(new Dma(memory), caps, this::fire, stage, scheduler);
    }

    public Firmware firmware() {
        return firmware;
    }

    /** The stage fetched send WQEs go to. */
    public TransportStage transport() {
        return stage;
    }

    /** Virtual time a command takes; 0 (the default) finishes it inside the HCR write. */
    public void commandLatencyNs(long ns) {
        commandLatencyNs = ns;
    }

    /**
     * Fault injection: a catastrophic error with {@code cause} (non-zero) in the catastrophic
     * error buffer (HCA.md §2.1); the device stops until it is reset (§2.2).
     */
    public void catastrophicError(int cause) {
        if (cause == 0) {
            throw new IllegalArgumentException("catas_cause 0 means no error");
        }
        Layout.Catas.CAUSE.set(bar0, 0, Integer.toUnsignedLong(cause));
        firmware.catastrophic();
    }

    /**
     * Fault injection: the firmware stops answering commands (HCA.md §3.1). The command in
     * progress, if any, and every one posted later neither run nor complete: go stays set and no
     * CMD EQE comes, until the device is reset (§2.2). Doorbells and the transport go on.
     */
    public void hangCommands() {
        hung = true;
        if (commandObserver != null) {
            commandObserver.hung();
        }
    }

    /** Whether the command interface has hung and no reset has cleared it since. */
    public boolean commandsHung() {
        return hung;
    }

    /**
     * §2.2: the reset register was written. Whatever the device was doing stops (a command in
     * progress never completes, the links go down) and it comes back as at power-on: BAR0 clear,
     * no INIT_HCA, every port disabled until INIT_PORT. The driver's interrupt handlers stay.
     */
    private void reset() {
        generation++;
        busy = false;
        hung = false;
        java.util.Arrays.fill(bar0, (byte) 0);
        firmware.reset();
    }

    /** Device resets through the reset register (§2.2). */
    public int resets() {
        return generation;
    }

    /** MSI-X messages sent. */
    public long interrupts() {
        return interrupts;
    }

    @Override
    public String slot() {
        return slot;
    }

    @Override
    public int vendorId() {
        return caps.vendorId();
    }

    @Override
    public int deviceId() {
        return caps.vendorPartId();
    }

    @Override
    public int readl(int bar, int offset) {
        checkOffset(offset);
        // Doorbells are write-only; reading the UAR page returns zero.
        return bar == BAR0 ? Field.word(bar0, offset) : 0;
    }

    @Override
    public void writel(int bar, int offset, int value) {
        checkOffset(offset);
        if (bar == BAR2) {
            firmware.doorbell(offset, value);
            return;
        }
        if (bar == BAR0 && offset == Layout.Reset.SW_RESET.offset()) {
            if (Layout.Reset.SW_RESET.extract(value) != 0) {
                reset();
            }
            return;
        }
        if (bar != BAR0 || offset > Layout.Hcr.GO_WORD) {
            return;
        }
        if (busy) {
            // A driver that writes the HCR while go is set is broken; the write is lost.
            return;
        }
        Field.putWord(bar0, offset, value);
        if (offset == Layout.Hcr.GO_WORD && Layout.Hcr.GO.extract(value) != 0) {
            busy = true;
            HcrCommand c = HcrCommand.latch(bar0);
            if (hung) {
                return;
            }
            if (commandLatencyNs == 0) {
                finish(c, firmware.execute(c));
            } else {
                int gen = generation;
                scheduler.schedule(commandLatencyNs, slot + " fw opcode 0x" + Integer.toHexString(c.opcode()), () -> {
                    if (gen == generation && !hung) {
                        finish(c, firmware.execute(c));
                    }
                });
            }
        }
    }

    private void finish(HcrCommand c, Status s) {
        if (commandLog != null) {
            commandLog.add(new Executed(scheduler.now(), c.opcode(), s, c.event()));
        }
        long imm = firmware.takeImmediate();
        if (imm >= 0 && s == Status.OK) {
            Layout.Hcr.OUT_PARAM_HI.set(bar0, 0, imm >>> 32);
            Layout.Hcr.OUT_PARAM_LO.set(bar0, 0, imm & 0xffff_ffffL);
        }
        int w = Field.word(bar0, Layout.Hcr.GO_WORD);
        w = Layout.Hcr.GO.insert(w, 0);
        w = Layout.Hcr.STATUS.insert(w, s.value());
        Field.putWord(bar0, Layout.Hcr.GO_WORD, w);
        busy = false;
        if (c.event() && commandObserver != null) {
            commandObserver.finished(c.token());
        }
    }

    private static void checkOffset(int offset) {
        if (offset < 0 || offset + 4 > BAR_SIZE || (offset & 3) != 0) {
            throw new IllegalArgumentException("MMIO at bad offset 0x" + Integer.toHexString(offset));
        }
    }

    @Override
    public int msixVectors() {
        return caps.msixVectors();
    }

    @Override
    public void requestIrq(int vector, Runnable handler) {
        if (vector < 0 || vector >= caps.msixVectors() || handlers[vector] != null) {
            throw new IllegalArgumentException(slot + ": request_irq of vector " + vector);
        }
        handlers[vector] = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void freeIrq(int vector) {
        if (vector >= 0 && vector < handlers.length) {
            handlers[vector] = null;
        }
    }

    @Override
    public HostMemory hostMemory() {
        return memory;
    }

    /** One MSI-X message; the handler is looked up when it is delivered, so free_irq wins. */
    private void fire(int vector) {
        interrupts++;
        if (msix[vector] == null) {
            msix[vector] = irqLine.connect(slot + " msix " + vector, () -> {
                Runnable h = handlers[vector];
                if (h != null) {
                    h.run();
                }
            });
        }
        msix[vector].run();
    }
}
