// IBA 9.3: the extended transport headers that may follow the BTH
package org.ibmodel.sim.wire;

/** Extended transport headers, with their lengths in bytes. */
public enum ExtHeader {
    DETH("DETH", Deth.HEADER_LENGTH),
    RETH("RETH", Reth.HEADER_LENGTH),
    ATOMIC_ETH("AtomicETH", AtomicEth.HEADER_LENGTH),
    AETH("AETH", Aeth.HEADER_LENGTH),
    ATOMIC_ACK_ETH("AtomicAckETH", AtomicAckEth.HEADER_LENGTH),
    IMM_DT("ImmDt", ImmDt.HEADER_LENGTH),
    IETH("IETH", Ieth.HEADER_LENGTH);

    private final String ibtaName;
    private final int length;

    ExtHeader(String ibtaName, int length) {
        this.ibtaName = ibtaName;
        this.length = length;
    }

    public String ibtaName() {
        return ibtaName;
    }

    public int length() {
        return length;
    }
}
