/**
 * The discrete-event scheduler every simulated component runs on: virtual time from one seed,
 * events in (time, insertion) order, and a deterministic random stream per component. The
 * devices, the fabric and the world depend on it; it depends on nothing of theirs.
 */
package org.ibmodel.sim.sched;
