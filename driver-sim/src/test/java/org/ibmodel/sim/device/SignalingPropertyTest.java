// Property: a send queue of IB_SIGNAL_REQ_WR, small enough to wrap and fill, under random loss
// (IBA 10.8.3.2 selective signalling, 11.4.2.1 flushed WRs; drivers/infiniband/hw/mlx4/qp.c
// mlx4_wq_overflow and cq.c, whose CQE retires every WQE up to the one it names)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair whose sender's QP signals only the WRs that ask
 * (IB_SIGNAL_REQ_WR) and has a send queue of 2-16 WRs (3 to 27 once mlx4's sizing has rounded it):
 * a world seed, a path MTU, a loss of 0-8 % and a list of steps: a posts an RDMA WRITE or a SEND
 * (0 B to 2 KiB, signalled or not), the world runs 1 µs to 100 µs, a polls up to four completions,
 * or a moves its QP to ERR (once; it posts nothing after). Invariants: {@code fullQueue},
 * ib_post_send refuses with -ENOMEM exactly when the WRs posted since the last one a polled
 * completion retired fill max_send_wr, and takes the WR otherwise; {@code signalledOnly}, the
 * completions a polls are the signalled WRs, in order, each once with SUCCESS, followed after an
 * ERR by every WR not yet done, signalled or not, in order with WR_FLUSH_ERR; {@code delivered},
 * every WR before the first flushed one left its bytes at b, and each SEND among them took b's
 * receives in order. Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am
 * verify -Dtest=SignalingPropertyTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dibmodel.seed=SEED}.
 */
class SignalingPropertyTest {
    private static final long DEFAULT_SEED = 0x5195_10ad;
    private static final SeedReporter REPORTER = SeedReporter.of("SignalingPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 2 << 10;
    private static final int POST = 0;
    private static final int RUN = 1;
    private static final int POLL = 2;
    private static final int ERR = 3;

    /** A step: POST's {@code arg} packs the opcode, the signal flag and the size. */
    record Step(int kind, int arg) {
        boolean send() {
            return arg % 2 == 1;
        }

        boolean signaled() {
            return (arg / 2) % 3 == 0;
        }

        int size() {
            return arg / 6 % (SLOT + 1);
        }

        @Override
        public String toString() {
            return kind == POST ? (send() ? "SEND" : "WRITE") + "(" + size() + (signaled() ? ", signaled)" : ")")
                    : new String[] {"POST", "RUN", "POLL", "ERR"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void selectiveSignalling() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] refused = {0};
        int[] flushed = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("SignalingPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class),
                        integers().between(0, 9 * 15 - 1),
                        lists().of(integers().between(0, Integer.MAX_VALUE).map(v -> step(v % 10, v / 10)))
                                .ofSizeBetween(1, 40))
                .checkAssert((worldSeed, mtu, f, steps) -> {
                    int[] seen = run(worldSeed, mtu, f % 9, 2 + f / 9, steps);
                    refused[0] += seen[0] > 0 ? 1 : 0;
                    flushed[0] += seen[1] > 0 ? 1 : 0;
                });
        // The scenarios must fill the queue and flush unsignalled WRs, or the property holds for nothing.
        REPORTER.assertReached(refused[0], EXAMPLES / 10, "of " + EXAMPLES + " runs had a post refused");
        REPORTER.assertReached(flushed[0], EXAMPLES / 10, "of " + EXAMPLES + " runs flushed an unsignalled WR");
    }

    /** Six in ten steps post, the rest run, poll or (rarely) fail the QP. */
    private static Step step(int kind, int v) {
        return switch (kind) {
            case 0, 1, 2, 3, 4, 5 -> new Step(POST, v);
            case 6, 7 -> new Step(RUN, 1 + v % 100);
            case 8 -> new Step(POLL, 1 + v % 4);
            default -> new Step(v % 4 == 0 ? ERR : POLL, 1 + v % 4);
        };
    }

    /** One scenario; the posts refused, and the unsignalled WRs flushed. */
    static int[] run(long worldSeed, Mtu mtu, int dropPercent, int sqSize, List<Step> steps) {
        int[] seen = new int[2];
        TransportPair.Conn c = TransportPair.Conn.standard(mtu);
        // Sixteen SGEs make a 512-byte WQE, so mlx4's 2 KiB of spare WQEs is only five of them
        // and max_send_wr stays near what was asked (set_kernel_sq_size).
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, c, new QpCap(sqSize, 512, 16, 1, 0),
                SigType.REQ_WR)) {
            int maxSendWr = p.a.qp.cap().maxSendWr();
            assertTrue(maxSendWr >= sqSize, "max_send_wr " + maxSendWr + " for " + sqSize);
            for (int k = 0; k < steps.size(); k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, SLOT);
            }
            p.pathLoss(dropPercent);
            List<Step> posted = new ArrayList<>();
            List<Wc> polled = new ArrayList<>();
            int retired = 0;
            boolean failed = false;
            for (Step s : steps) {
                switch (s.kind()) {
                    case POST -> {
                        if (failed) {
                            continue;
                        }
                        int i = posted.size();
                        SendWr wr = new SendWr().wrId(i).sgList(p.a.sge((long) i * SLOT, s.size()))
                                .sendFlags(s.signaled() ? SendFlags.SIGNALED : 0);
                        if (s.send()) {
                            wr.opcode(WrOpcode.SEND);
                        } else {
                            wr.opcode(WrOpcode.RDMA_WRITE).remoteAddr(p.b.buf + TransportPair.TARGET + (1 << 20)
                                    + (long) i * SLOT).rkey(p.b.mr.rkey());
                        }
                        p.a.fill((long) i * SLOT, TransportPair.pattern(i, s.size()));
                        PostResult r = p.a.qp.postSend(wr);
                        boolean full = i - retired >= maxSendWr;
                        assertEquals(full ? Errno.ENOMEM.negative() : 0, r.ret(), "fullQueue: WR " + i + ", "
                                + (i - retired) + " not retired of " + maxSendWr);
                        if (full) {
                            seen[0]++;
                        } else {
                            posted.add(s);
                        }
                    }
                    case RUN -> p.world.runUntil(p.world.scheduler().now() + s.arg() * 1000L);
                    case POLL -> retired = poll(p, s.arg(), polled, retired);
                    default -> {
                        if (!failed) {
                            failed = true;
                            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.ERR),
                                    org.ibmodel.core.QpAttrMask.STATE.bit()), "to ERR");
                        }
                    }
                }
            }
            p.settle();
            poll(p, Integer.MAX_VALUE, polled, retired);

            // signalledOnly: the signalled successes in order, then every WR left, flushed.
            int firstFlushed = posted.size();
            for (int k = 0; k < polled.size(); k++) {
                if (polled.get(k).status != WcStatus.SUCCESS) {
                    firstFlushed = (int) polled.get(k).wrId;
                    break;
                }
            }
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < posted.size(); i++) {
                if (i >= firstFlushed || posted.get(i).signaled()) {
                    expected.add((long) i);
                }
                if (i >= firstFlushed && !posted.get(i).signaled()) {
                    seen[1]++;
                }
            }
            assertEquals(expected, polled.stream().map(w -> w.wrId).toList(), "signalledOnly: " + posted);
            for (Wc w : polled) {
                WcStatus want = w.wrId < firstFlushed ? WcStatus.SUCCESS : WcStatus.WR_FLUSH_ERR;
                assertEquals(want, w.status, "signalledOnly: " + w);
            }
            assertTrue(failed || firstFlushed == posted.size(), "signalledOnly: no flush without ERR: " + polled);

            // delivered: everything before the first flushed WR reached b.
            List<Wc> received = p.b.poll();
            int r = 0;
            for (int i = 0; i < firstFlushed; i++) {
                Step s = posted.get(i);
                byte[] data = TransportPair.pattern(i, s.size());
                if (s.send()) {
                    assertTrue(r < received.size(), "delivered: SEND " + i + ": " + received);
                    assertEquals(1000 + r, received.get(r).wrId, "delivered: SEND " + i);
                    assertEquals(s.size(), received.get(r).byteLen, "delivered: SEND " + i);
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (long) r * SLOT, s.size()), "SEND " + i);
                    r++;
                } else {
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (1 << 20) + (long) i * SLOT, s.size()),
                            "delivered: WRITE " + i);
                }
            }
            return seen;
        }
    }

    /** Polls up to {@code max}; a completion retires its WR and every unsignalled one before it. */
    private static int poll(TransportPair p, int max, List<Wc> polled, int retired) {
        Wc[] batch = new Wc[4];
        int left = max;
        int n;
        while (left > 0 && (n = p.a.cq.poll(Math.min(left, batch.length), batch)) > 0) {
            for (int k = 0; k < n; k++) {
                polled.add(batch[k].copy());
                retired = (int) batch[k].wrId + 1;
            }
            left -= n;
        }
        return retired;
    }
}
