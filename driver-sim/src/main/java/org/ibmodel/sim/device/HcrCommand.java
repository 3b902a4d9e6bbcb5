// docs/HCA.md §3.1: the HCR as the device latches it when go is written
package org.ibmodel.sim.device;

/** One command as written to the HCR. */
public record HcrCommand(long inParam, int inModifier, long outParam, int token, boolean event,
        int opcodeModifier, int opcode) {

    static HcrCommand latch(byte[] hcr) {
        long in = (Layout.Hcr.IN_PARAM_HI.get(hcr, 0) << 32) | Layout.Hcr.IN_PARAM_LO.get(hcr, 0);
        long out = (Layout.Hcr.OUT_PARAM_HI.get(hcr, 0) << 32) | Layout.Hcr.OUT_PARAM_LO.get(hcr, 0);
        return new HcrCommand(in, Layout.Hcr.IN_MODIFIER.getInt(hcr, 0), out, Layout.Hcr.TOKEN.getInt(hcr, 0),
                Layout.Hcr.E.isSet(hcr, 0), Layout.Hcr.OPCODE_MODIFIER.getInt(hcr, 0),
                Layout.Hcr.OPCODE.getInt(hcr, 0));
    }
}
