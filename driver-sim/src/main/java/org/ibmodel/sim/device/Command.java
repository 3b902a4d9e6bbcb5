// docs/HCA.md §3.3: the firmware's command table
package org.ibmodel.sim.device;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every command the firmware knows: its opcode, the system states it runs in, and its handler.
 * An opcode not here is BAD_OP; a command outside its states is BAD_SYS_STATE (§3.2).
 */
public enum Command {
    QUERY_FW(0x004, Firmware.ANY, Box.OUT, Firmware::queryFw),
    QUERY_DEV_CAP(0x003, Firmware.ANY, Box.OUT, Firmware::queryDevCap),
    INIT_HCA(0x007, Firmware.BEFORE_INIT, Box.IN, Firmware::initHca),
    CLOSE_HCA(0x008, Firmware.RUNNING, Box.NONE, Firmware::closeHca),
    INIT_PORT(0x009, Firmware.RUNNING, Box.NONE, Firmware::initPort),
    CLOSE_PORT(0x00a, Firmware.RUNNING, Box.NONE, Firmware::closePort),
    QUERY_PORT(0x043, Firmware.RUNNING, Box.OUT, Firmware::queryPort),
    SET_PORT(0x00c, Firmware.RUNNING, Box.IN, Firmware::setPort),
    SW2HW_MPT(0x00d, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.mpts().sw2hw(c.inModifier(), in)),
    HW2SW_MPT(0x00f, Firmware.RUNNING, Box.OPT_OUT, Firmware::hw2swMpt),
    WRITE_MTT(0x011, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.mpts().writeMtt(in)),
    MAP_EQ(0x012, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.eqs().map(c.inModifier(), c.inParam())),
    SW2HW_EQ(0x013, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.eqs().sw2hw(c.inModifier(), in)),
    HW2SW_EQ(0x014, Firmware.RUNNING, Box.OPT_OUT, Firmware::hw2swEq),
    SW2HW_CQ(0x016, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.cqs().sw2hw(c.inModifier(), in)),
    HW2SW_CQ(0x017, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.cqs().hw2sw(c.inModifier())),
    RESIZE_CQ(0x02c, Firmware.RUNNING, Box.IN,
            (fw, c, in) -> fw.cqs().modify(c.inModifier(), c.opcodeModifier(), in)),
    SW2HW_SRQ(0x035, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.srqs().sw2hw(c.inModifier(), in)),
    HW2SW_SRQ(0x036, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.srqs().hw2sw(c.inModifier())),
    QUERY_SRQ(0x037, Firmware.RUNNING, Box.OUT, Firmware::querySrq),
    ARM_SRQ(0x040, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.srqs().arm(c.inModifier(), c.inParam())),
    RST2INIT_QP(0x019, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.RST2INIT, c, in)),
    INIT2INIT_QP(0x02d, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.INIT2INIT, c, in)),
    INIT2RTR_QP(0x01a, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.INIT2RTR, c, in)),
    RTR2RTS_QP(0x01b, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.RTR2RTS, c, in)),
    RTS2RTS_QP(0x01c, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.RTS2RTS, c, in)),
    SQERR2RTS_QP(0x01d, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.SQERR2RTS, c, in)),
    RTS2SQD_QP(0x01f, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.modifyQp(QpTransition.RTS2SQD, c, in)),
    SQD2SQD_QP(0x038, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.SQD2SQD, c, in)),
    SQD2RTS_QP(0x020, Firmware.RUNNING, Box.IN, (fw, c, in) -> fw.modifyQp(QpTransition.SQD2RTS, c, in)),
    TO_ERR_QP(0x01e, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.modifyQp(QpTransition.TO_ERR, c, in)),
    TO_RST_QP(0x021, Firmware.RUNNING, Box.NONE, (fw, c, in) -> fw.modifyQp(QpTransition.TO_RST, c, in)),
    QUERY_QP(0x022, Firmware.RUNNING, Box.OUT, Firmware::queryQp),
    CONF_SPECIAL_QP(0x023, Firmware.RUNNING, Box.NONE,
            (fw, c, in) -> fw.qps().confSpecial(c.inModifier())),
    MAD_IFC(0x024, Firmware.RUNNING, Box.IN_OUT, Firmware::madIfc),
    READ_MGM(0x025, Firmware.RUNNING, Box.OUT, Firmware::readMgm),
    WRITE_MGM(0x026, Firmware.RUNNING, Box.IN, Firmware::writeMgm),
    MGID_HASH(0x027, Firmware.RUNNING, Box.IN, Firmware::mgidHash);

    /** A command's work; the firmware has checked opcode and system state. */
    @FunctionalInterface
    interface Handler {
        /** {@code in} is the inbox for commands that take one, else null. */
        Status run(Firmware fw, HcrCommand c, byte[] in);
    }

    /** The mailboxes a command uses (§3.3); OPT_OUT: an outbox only when out_param is not 0. */
    enum Box { NONE, IN, OUT, OPT_OUT, IN_OUT }

    private final int opcode;
    private final Set<Firmware.SysState> states;
    private final Box box;
    private final Handler handler;

    Command(int opcode, Set<Firmware.SysState> states, Box box, Handler handler) {
        this.opcode = opcode;
        this.states = EnumSet.copyOf(states);
        this.box = box;
        this.handler = handler;
    }

    Box box() {
        return box;
    }

    public int opcode() {
        return opcode;
    }

    /** The name docs/HCA.md gives it ({@code 2ERR_QP} is no Java name). */
    public String docName() {
        return name().startsWith("TO_") ? "2" + name().substring(3) : name();
    }

    boolean allowedIn(Firmware.SysState s) {
        return states.contains(s);
    }

    Handler handler() {
        return handler;
    }

    public static Command of(int opcode) {
        for (Command c : values()) {
            if (c.opcode == opcode) {
                return c;
            }
        }
        return null;
    }
}
