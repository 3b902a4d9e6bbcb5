// drivers/infiniband/hw/mthca/mthca_cmd.c (mthca_cmd_use_events, mthca_cmd_wait, mthca_cmd_event,
// mthca_cmd_use_polling) and drivers/net/ethernet/mellanox/mlx4/cmd.c (mlx4_cmd_wake_completions);
// docs/HCA.md §3.1, §7
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.core.Cq;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Qp;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;
import org.ibmodel.sim.world.World;

/**
 * Once its EQs are up the driver posts commands with e set and sleeps until the CMD EQE with the
 * command's token completes it; a CMD EQE under a token no command waits with is ignored; the
 * error state wakes a command whose EQE will never come; and before the EQs go, it polls again.
 */
class HcaCmdEventTest {
    private final HcaHost h = new HcaHost();

    private Qp rcQp() {
        Cq cq = h.cq(8);
        return h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
    }

    @Test
    void shouldSleepUntilTheCommandsEqeArrives() {
        Qp qp = rcQp();
        long irqs = h.hca.interrupts();
        long before = h.scheduler.now();
        h.hca.commandLatencyNs(10_000);
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(irqs + 1, h.hca.interrupts(), "the CMD EQE's interrupt on the async vector");
        assertTrue(h.scheduler.now() >= before + 10_000, "the caller slept while the device worked");
        int word = h.hca.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
        assertEquals(1, Hw.Hcr.E.extract(word), "posted in event mode");
        assertEquals(0, Hw.Hcr.GO.extract(word));
        assertEquals(QpState.INIT, qp.state());
    }

    @Test
    void shouldTurnTheEqesStatusIntoTheErrno() {
        Qp qp = rcQp();
        h.fw.injectStatus(Command.RST2INIT_QP.opcode(), Status.BAD_RES_STATE);
        long irqs = h.hca.interrupts();
        assertEquals(Errno.EBADF.negative(), qp.modify(HcaHost.init(), HcaHost.RC_INIT), "BAD_RES_STATE, by EQE");
        assertEquals(irqs + 1, h.hca.interrupts());
        assertEquals(QpState.RESET, qp.state());
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT), "the next command completes as usual");
    }

    @Test
    void shouldWakeACommandWaitingWhenTheDeviceFails() {
        Qp qp = rcQp();
        // The command takes 10 s; the device fails at once; the driver's poll at 5 s finds it
        // while the command still waits, and its EQE never comes (the reset forgets it).
        h.hca.commandLatencyNs(10_000_000_000L);
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        int ret = qp.modify(HcaHost.init(), HcaHost.RC_INIT);
        assertEquals(Errno.EIO.negative(), ret, "mlx4_cmd_wake_completions: INTERNAL_ERR");
        assertTrue(h.drv.internalError());
        assertTrue(h.scheduler.now() < 10_000_000_000L, "woken by the error state, not by the device");
    }

    @Test
    void shouldAnswerAWokenTearDownCommandAsTheErrorStateDoes() {
        // mlx4_cmd_wait: a command the error state wakes returns mlx4_internal_err_ret_value, so
        // CLOSE_PORT, which tears down, succeeds as it would had it been posted a moment later.
        h.hca.commandLatencyNs(10_000_000_000L);
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        assertEquals(0, h.drv.closePort(1), "woken by the error state");
        assertTrue(h.drv.internalError());
        assertTrue(h.scheduler.now() < 10_000_000_000L, "woken by the error state, not by the device");
        assertEquals(0, h.drv.closePort(1), "answered from the error state");
    }

    @Test
    void shouldCompleteEveryCommandAtOnceOnAFailedDevice() {
        // HCA.md §2.1: until its poll the driver does not know; each command reaches the failed
        // device, which answers INTERNAL_ERR by CMD EQE, the EQ re-armed after each.
        Qp qp = rcQp();
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        long t0 = h.scheduler.now();
        for (int i = 0; i < 3; i++) {
            assertEquals(Errno.EIO.negative(), qp.modify(HcaHost.init(), HcaHost.RC_INIT), "command " + i);
        }
        assertTrue(h.scheduler.now() - t0 < 1_000_000, "each by its EQE, none left for the poll 5 s on");
        assertTrue(!h.drv.internalError(), "the poll has not come yet");
    }

    @Test
    void shouldIgnoreTheLateEqeOfACommandTheErrorStateWoke() {
        // Without the reset the failed device still finishes the command, 10 s on, and posts
        // its CMD EQE: by then no command waits under its token.
        h.drv.catasResetDisable(true);
        Qp qp = rcQp();
        h.hca.commandLatencyNs(10_000_000_000L);
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        assertEquals(Errno.EIO.negative(), qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        long irqs = h.hca.interrupts();
        long commands = h.fw.commands();
        while (h.scheduler.nextEventTime() >= 0 && h.scheduler.nextEventTime() <= 11_000_000_000L) {
            h.scheduler.runNext();
            h.settle();
        }
        assertEquals(commands + 1, h.fw.commands(), "the device finished it");
        assertEquals(irqs + 1, h.hca.interrupts(), "and its CMD EQE came, to be ignored");
        assertEquals(0, qp.destroy(), "the driver goes on in its error state");
    }

    @Test
    void shouldPollAgainBeforeTheEqsGo() {
        // HW2SW_EQ of the async EQ could not complete by an EQE of that EQ: remove() polls.
        assertEquals(0, h.pd.dealloc());
        h.drv.remove();
        for (var e : h.fw.live().entrySet()) {
            assertEquals(0, e.getValue(), "device table " + e.getKey());
        }
    }

    /**
     * mthca_cmd_poll: a polled command with an immediate result (MGID_HASH, mthca_cmd_imm) reads
     * out_param from the HCR once go clears, as event mode takes it from the CMD EQE. The
     * driver's own commands run by event by then, so a second command interface polls the same
     * device here.
     */
    @Test
    void shouldReadAPolledCommandsImmediateResultFromTheHcr() {
        Cmd polled = new Cmd(h.hca, h.kernel);
        polled.initToggle();
        int hashSize = (h.fw.caps().maxMcg() + 1) / 2;
        long irqs = h.hca.interrupts();
        for (long iid : new long[] {0x0000_0000_0000_0001L, 0x0000_0000_ffff_fff3L}) {
            long prefix = 0xff12_401b_ffff_0000L;
            byte[] mgid = new byte[16];
            for (int i = 0; i < 8; i++) {
                mgid[i] = (byte) (prefix >>> (56 - 8 * i));
                mgid[8 + i] = (byte) (iid >>> (56 - 8 * i));
            }
            // docs/HCA.md §3.11: the MGID's eight 16-bit words XORed, modulo the hash size.
            long x = prefix ^ iid;
            int expected = (int) ((x ^ x >>> 16 ^ x >>> 32 ^ x >>> 48) & 0xffff) % hashSize;
            assertTrue(expected != 0, "a bucket other than 0, so a result never read shows");
            long[] result = {-1};
            assertEquals(0, polled.inImm(CmdOp.MGID_HASH, 0, mgid, result));
            assertEquals(expected, result[0], String.format("MGID_HASH of ...%016x", iid));
            assertEquals(0, Hw.Hcr.E.extract(h.hca.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD)), "posted polling");
        }
        assertEquals(irqs, h.hca.interrupts(), "no CMD EQE for a polled command");
    }

    /**
     * mlx4_cmd_post: each command carries the toggle, flipped from the last one's, and a polled
     * one the token 0xffff; the HCR is busy while t reads as the next command's (cmd_pending), as
     * a read the last command's write has not reached yet would show it: nothing is posted.
     */
    @Test
    void shouldFlipTheToggleForEachCommandAndTakeAStaleHcrForBusy() {
        Cmd polled = new Cmd(h.hca, h.kernel);
        polled.initToggle();
        int t0 = Hw.Hcr.T.extract(h.hca.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD));
        byte[] fw = new byte[12];
        for (int i = 0; i < 3; i++) {
            assertEquals(0, polled.out(CmdOp.QUERY_FW, 0, fw));
            int w = h.hca.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
            assertEquals(t0 ^ 1 ^ (i & 1), Hw.Hcr.T.extract(w), "command " + i);
            assertEquals(Cmd.POLL_TOKEN, Hw.Hcr.TOKEN.extract(h.hca.readl(PciFunction.BAR0, Hw.Hcr.TOKEN.offset())));
        }
        long before = h.fw.commands();
        // The word as it read before the last command's write: go clear, t the toggle's next value.
        h.hca.writel(PciFunction.BAR0, Hw.Hcr.GO_WORD, Hw.Hcr.T.insert(0, t0));
        assertTrue(polled.out(CmdOp.QUERY_FW, 0, fw) < 0);
        assertEquals(before, h.fw.commands(), "nothing posted");
        assertTrue(h.kernel.dmesg().stream().anyMatch(l -> l.contains("mlx4_cmd_post:cmd_pending failed")),
                h.kernel.dmesg().toString());
    }

    /**
     * mthca_alloc_mailbox / mthca_free_mailbox: each command's mailbox pages go back to the pool
     * when it completes, whether it has an inbox, an outbox, both or an immediate result; once
     * the pool holds enough, commands take no more host memory.
     */
    @Test
    void shouldReuseTheMailboxPagesOfFinishedCommands() {
        Qp qp = rcQp();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        Cq cq = h.cq(4);
        Qp ud = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
        byte[] mgid = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        Runnable round = () -> {
            assertEquals(0, qp.query(new org.ibmodel.core.QpAttr()), "QUERY_QP: an outbox");
            byte[] mad = new byte[org.ibmodel.core.MadResult.MAD_SIZE];
            Layout.Mad.BASE_VERSION.set(mad, 0, 1);
            Layout.Mad.MGMT_CLASS.set(mad, 0, 0x01);
            Layout.Mad.CLASS_VERSION.set(mad, 0, 1);
            Layout.Mad.METHOD.set(mad, 0, 0x01);
            Layout.Mad.ATTR_ID.set(mad, 0, 0x0011);
            h.dev.processMad(0, 1, null, mad, new byte[mad.length]);
            assertEquals(0, ud.attachMcast(mgid, 0xc001), "MGID_HASH, READ_MGM, WRITE_MGM");
            assertEquals(0, ud.detachMcast(mgid, 0xc001));
            assertEquals(0, h.drv.setPort(1, HcaHost.LID, 0, HcaHost.LID, 0, World.SUBNET_TIMEOUT), "SET_PORT: an inbox");
            h.settle();
        };
        round.run();
        long before = h.host.memory().alloc(1);
        for (int i = 0; i < 20; i++) {
            round.run();
        }
        long after = h.host.memory().alloc(1);
        // One page and the guard page after it.
        assertEquals(before + 2 * org.ibmodel.mm.HostMemory.PAGE_SIZE, after,
                "no host memory taken by the commands between");
    }
}
