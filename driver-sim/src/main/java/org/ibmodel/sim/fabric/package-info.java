/**
 * The simulated InfiniBand subnet: ports, links, switches and the faults that hit them.
 *
 * <ul>
 *   <li>{@link org.ibmodel.sim.fabric.Link}: full duplex, one packet at a time per direction,
 *       never reordering; timing from {@link org.ibmodel.sim.fabric.LinkWidth} x
 *       {@link org.ibmodel.sim.fabric.LinkSpeed} plus cable propagation.</li>
 *   <li>{@link org.ibmodel.sim.fabric.Switch}: linear and multicast forwarding by DLID after a
 *       fixed latency, the permissive LID to its management port (where, with no agent plugged
 *       in, it is dropped and counted apart from relay errors); a packet failing its VCRC or with
 *       a malformed LRH is dropped at the port it came in on. Its ports count what they carry
 *       and drop ({@link org.ibmodel.sim.fabric.SwitchPortCounters}).</li>
 *   <li>{@link org.ibmodel.sim.fabric.Fabric}: builds the topology, assigns LIDs, computes
 *       shortest-path forwarding tables and fans every packet out to
 *       {@link org.ibmodel.sim.fabric.PacketTap}s for capture.</li>
 *   <li>{@link org.ibmodel.sim.fabric.FaultPlan}: loss, bit flips and link state changes.</li>
 * </ul>
 *
 * <p>A packet an HCA sends travels with its ICRC and VCRC still to be written
 * ({@link org.ibmodel.sim.wire.Crcs}); a link writes them before a tap sees the packet or a fault
 * flips one of its bits, and a sink other than an HCA or a switch gets them written. Switch ports
 * check the VCRC (IBA 7.8.2) and HCAs both CRCs of every packet whose bytes may have changed on
 * the way (a fault, or a packet from outside the model); for the others the checks' outcome is
 * fixed and they are skipped. What anyone sees on a link is byte for byte what was sent.
 *
 * <p>Left out: credit-based flow control and virtual lanes (buffers are unbounded, so nothing is
 * lost to congestion), partitions enforced at switches, the link training state machine (a link
 * is UP or DOWN), and subnet management packets: LIDs and tables are written directly. Time and randomness come only from the world's
 * {@link org.ibmodel.sim.sched.Scheduler}.
 */
package org.ibmodel.sim.fabric;
