/**
 * TLA+ specifications of the QP state machine, the work queues and the RC transport, the TLC
 * runner that checks them in every build, and the trace validator. Empty until the specs land.
 */
package org.ibmodel.specs;
