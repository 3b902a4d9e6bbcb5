// IBA 9.2.1: the transport service named by the top three bits of the BTH OpCode
package org.ibmodel.sim.wire;

/** Transport services by their OpCode prefix; RD is listed for decoding, not modelled. */
public enum Transport {
    RC(0x00),
    UC(0x20),
    RD(0x40),
    UD(0x60);

    /** Bits 7-5 of the OpCode select the transport; bits 4-0 the operation. */
    public static final int PREFIX_MASK = 0xE0;

    private final int prefix;

    Transport(int prefix) {
        this.prefix = prefix;
    }

    /** The OpCode bits 7-5 of this transport, in place (RC 0x00, UC 0x20, RD 0x40, UD 0x60). */
    public int prefix() {
        return prefix;
    }

    /** The transport of an OpCode, or null for the prefixes this model does not know. */
    public static Transport ofOpCode(int opCode) {
        int p = opCode & PREFIX_MASK;
        for (Transport t : VALUES) {
            if (t.prefix == p) {
                return t;
            }
        }
        return null;
    }

    private static final Transport[] VALUES = values();
}
