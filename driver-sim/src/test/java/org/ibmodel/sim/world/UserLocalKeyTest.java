// A process's PD has no key of its own: drivers/infiniband/hw/mthca/mthca_pd.c (the no-translation
// region only for a privileged PD), mthca_provider.c mthca_alloc_pd (privileged = !udata),
// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_alloc_pd (alloc_pd with udata, no local_dma_lkey)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A kernel PD comes with a key over all of host memory for its own work requests (the
 * no-translation region of mthca_pd_alloc, the local_dma_lkey of ib_alloc_pd); a process's PD
 * does not, or the process could read and write every page of its host, the kernel's and other
 * processes' included, by naming that key in a scatter entry. Here a process on h0 tries every
 * key the device holds but its own region's, each time on a fresh connection, to SEND a secret
 * the kernel keeps in memory to its peer on h1: each try must fail locally and deliver nothing.
 */
class UserLocalKeyTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 16 * 1024;
    private static final byte[] SECRET = "the kernel's own bytes".getBytes(StandardCharsets.US_ASCII);

    /** The keys of every valid MPT entry of h0's device. */
    private static List<Integer> deviceKeys(Firmware fw) {
        List<Integer> keys = new ArrayList<>();
        int misses = 0;
        for (int i = 0; misses < 256; i++) {
            byte[] e = fw.mpt(i);
            if (e == null) {
                misses++;
                continue;
            }
            misses = 0;
            keys.add(Layout.Mpt.KEY.getInt(e, 0));
        }
        return keys;
    }

    @Test
    void shouldGiveAProcessPdNoKeyOfItsOwn() {
        try (World w = World.of(SEED, 2)) {
            Firmware fw = w.host(0).hca(0).firmware();
            UserProcess attacker = new UserProcess(w, 0, BUF);
            int before = fw.live().get("mpt");
            IbvPd second = attacker.ctx.allocPd();
            assertNotNull(second, "ibv_alloc_pd");
            assertEquals(before, fw.live().get("mpt"), "ibv_alloc_pd gave the device a key (an MPT entry)");
            assertEquals(0, second.dealloc());
            IbDevice dev = w.host(0).driver(0).device();
            Pd kernelPd = Pd.alloc(dev).get();
            assertEquals(before + 1, fw.live().get("mpt"), "ib_alloc_pd's PD has its local DMA key");
            assertNotEquals(0, kernelPd.localDmaLkey());
            assertEquals(0, kernelPd.dealloc());
        }
    }

    @Test
    void shouldNotLetAProcessReadHostMemoryThroughAKeyItDidNotRegister() {
        try (World w = World.of(SEED, 2)) {
            UserProcess attacker = new UserProcess(w, 0, BUF);
            UserProcess peer = new UserProcess(w, 1, BUF);
            // A kernel PD, as a ULP's, so the device holds a key over all memory that is not the process's.
            Pd kernelPd = Pd.alloc(w.host(0).driver(0).device()).get();
            long secret = w.host(0).memory().alloc(4096);
            w.host(0).memory().write(secret, SECRET);

            List<Integer> keys = deviceKeys(w.host(0).hca(0).firmware());
            keys.remove(Integer.valueOf(attacker.mr.lkey()));
            assertFalse(keys.isEmpty(), "the device holds keys besides the process's own: " + keys);
            for (int key : keys) {
                IbvQp qp = attacker.createRcQp();
                IbvQp rq = peer.createRcQp();
                UserProcess.connect(attacker, qp, peer, rq);
                assertEquals(0, peer.ibv.task().mm().copyToUser(peer.buf, new byte[SECRET.length], 0,
                        SECRET.length));
                assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(peer.buf, BUF, peer.mr.lkey())),
                        new IbvRecvWr[1]));
                String what = String.format("SEND from the kernel's page %#x with key %#010x", secret, key);
                assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                        new IbvSge(secret, SECRET.length, key)), new IbvSendWr[1]), what);
                IbvWc wc = attacker.pollCq();
                assertNotNull(wc, what + ": no completion (seed " + SEED + ")");
                assertEquals(IbvWcStatus.LOC_PROT_ERR, wc.status, what + " (seed " + SEED + ")");
                IbvWc got = peer.pollCq();
                assertNotEquals(IbvWcStatus.SUCCESS, got == null ? null : got.status, what + " arrived");
                byte[] in = new byte[SECRET.length];
                assertEquals(0, peer.ibv.task().mm().copyFromUser(in, 0, peer.buf, SECRET.length));
                assertFalse(Arrays.equals(SECRET, in), what + ": the peer holds the secret");
                assertEquals(0, qp.destroy());
                assertEquals(0, rq.destroy());
                while (attacker.pollCq() != null || peer.pollCq() != null) {
                    // flushed completions of the torn-down connection
                }
            }
            assertEquals(0, kernelPd.dealloc());
        }
    }
}
