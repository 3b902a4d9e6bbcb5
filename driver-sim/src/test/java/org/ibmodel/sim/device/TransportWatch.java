// A TransportObserver for tests that watch only some of the transport's steps
package org.ibmodel.sim.device;

/** Ignores every step; a test overrides the ones it watches. */
abstract class TransportWatch implements TransportObserver {
    @Override
    public void reqSend(Transport t, int qpn, int wqe, int psn) {
    }

    @Override
    public void respRecv(Transport t, int qpn, int psn, boolean executed, Reply reply, int replyPsn) {
    }

    @Override
    public void compRecv(Transport t, int qpn, Reply type, int psn) {
    }

    @Override
    public void compTimeout(Transport t, int qpn) {
    }

    @Override
    public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
    }
}
