package org.ibmodel.sim.bench;

import java.util.concurrent.TimeUnit;
import org.ibmodel.sim.world.World;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building a world of thousands of hosts (README.md, "A world of your own"): each host's kernel,
 * HCA driver probe and device bring-up through firmware commands, the fat tree's cables and LIDs,
 * the forwarding tables, SET_PORT on every port and the port events settled. One build per invocation, timed
 * alone ({@link Mode#SingleShotTime}); under {@code -prof gc}, {@code gc.alloc.rate.norm} is
 * what the build allocates.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@Threads(1)
@State(Scope.Thread)
public class WorldScaleBenchmark {
    /** Hosts, on leaves of 64 with 64 spines (no leaf oversubscribed), as a 128-port switch radix gives. */
    @Param({"1024", "4096"})
    public int hosts;

    @Benchmark
    public World fatTree() {
        World w = World.fatTree(1, hosts, 64, 64);
        w.close();
        return w;
    }
}
