// IBA 9.2 (BTH) through 9.3.6: the extended transport headers that may follow the BTH
package org.ibmodel.sim.wire;

import java.util.List;

/**
 * One flyweight per extended transport header, wrapped where an opcode puts its own: what a
 * packet parser and a packet builder both hold. Headers the opcode does not carry are left
 * unwrapped; their owners refuse them before anyone reads them.
 */
final class ExtHeaders {
    final Deth deth = new Deth();
    final Reth reth = new Reth();
    final Aeth aeth = new Aeth();
    final AtomicEth atomicEth = new AtomicEth();
    final AtomicAckEth atomicAckEth = new AtomicAckEth();
    final ImmDt immDt = new ImmDt();
    final Ieth ieth = new Ieth();

    /** Wraps the headers of {@code opcode} in {@code buffer}, whose BTH is at {@code bthOffset}. */
    void wrap(byte[] buffer, int bthOffset, Opcode opcode) {
        List<ExtHeader> present = opcode.headers();
        for (int k = 0; k < present.size(); k++) {
            ExtHeader h = present.get(k);
            int at = bthOffset + opcode.offset(h);
            switch (h) {
                case DETH -> deth.wrap(buffer, at);
                case RETH -> reth.wrap(buffer, at);
                case ATOMIC_ETH -> atomicEth.wrap(buffer, at);
                case AETH -> aeth.wrap(buffer, at);
                case ATOMIC_ACK_ETH -> atomicAckEth.wrap(buffer, at);
                case IMM_DT -> immDt.wrap(buffer, at);
                case IETH -> ieth.wrap(buffer, at);
            }
        }
    }

    /** The flyweight of {@code h}. */
    Object of(ExtHeader h) {
        return switch (h) {
            case DETH -> deth;
            case RETH -> reth;
            case ATOMIC_ETH -> atomicEth;
            case AETH -> aeth;
            case ATOMIC_ACK_ETH -> atomicAckEth;
            case IMM_DT -> immDt;
            case IETH -> ieth;
        };
    }
}
