// include/rdma/ib_mad.h (struct ib_mad_hdr) and include/rdma/ib_smi.h (struct ib_smp)
package org.ibmodel.core.mad;

/**
 * The numbers and byte layout of a MAD and of a subnet management packet, read and written in
 * place on a 256-byte array, big-endian as on the wire. Field offsets are those of the kernel's
 * packed structs.
 */
public final class Mad {
    /** IB_MGMT_MAD_SIZE, IB_MGMT_MAD_HDR and IB_MGMT_MAD_DATA: a MAD, its common header, the rest. */
    public static final int SIZE = 256;
    public static final int HDR = 24;
    public static final int DATA = SIZE - HDR;
    /** struct ib_grh: a UD receive buffer starts with it, so a MAD buffer is 296 bytes. */
    public static final int GRH = 40;

    public static final int BASE_VERSION_IB = 1;

    public static final int CLASS_SUBN_LID_ROUTED = 0x01;
    public static final int CLASS_SUBN_DIRECTED_ROUTE = 0x81;
    public static final int CLASS_SUBN_ADM = 0x03;
    public static final int CLASS_PERF_MGMT = 0x04;
    public static final int CLASS_BM = 0x05;
    public static final int CLASS_CM = 0x07;

    public static final int METHOD_GET = 0x01;
    public static final int METHOD_SET = 0x02;
    public static final int METHOD_SEND = 0x03;
    public static final int METHOD_TRAP = 0x05;
    public static final int METHOD_TRAP_REPRESS = 0x07;
    public static final int METHOD_RESP = 0x80;
    public static final int METHOD_GET_RESP = METHOD_GET | METHOD_RESP;

    /** IB_MGMT_MAD_STATUS_UNSUPPORTED_METHOD_ATTRIB. */
    public static final int STATUS_UNSUPPORTED_METHOD_ATTRIB = 0x000c;
    /** IB_SMP_DIRECTION: the D bit of a directed-route SMP's status, set on the way back. */
    public static final int SMP_DIRECTION = 0x8000;
    /** IB_MGMT_CLASSPORTINFO_ATTR_ID. */
    public static final int ATTR_CLASS_PORT_INFO = 0x0001;
    /** IB_BM_ATTR_MOD_RESP: a BM MAD is a response when bit 0 of its attribute modifier is set. */
    public static final long BM_ATTR_MOD_RESP = 1;
    /** IB_LID_PERMISSIVE. */
    public static final int LID_PERMISSIVE = 0xffff;
    /** IB_SMP_MAX_PATH_HOPS: InitialPath and ReturnPath hold 64 ports, hop counts 0 to 63. */
    public static final int SMP_MAX_PATH_HOPS = 64;

    // struct ib_mad_hdr
    static final int BASE_VERSION = 0;
    static final int MGMT_CLASS = 1;
    static final int CLASS_VERSION = 2;
    static final int METHOD = 3;
    static final int STATUS = 4;
    static final int TID = 8;
    static final int ATTR_ID = 16;
    static final int ATTR_MOD = 20;
    /** struct ib_vendor_mad: the OUI after the RMPP header and a reserved byte. */
    static final int OUI = 37;
    // struct ib_smp: the status's second half, hop pointer and hop count, then the DR fields
    static final int HOP_PTR = 6;
    static final int HOP_CNT = 7;
    static final int DR_SLID = 32;
    static final int DR_DLID = 34;
    static final int INITIAL_PATH = 128;
    static final int RETURN_PATH = 192;

    private Mad() {
    }

    public static int baseVersion(byte[] m) {
        return m[BASE_VERSION] & 0xff;
    }

    public static int mgmtClass(byte[] m) {
        return m[MGMT_CLASS] & 0xff;
    }

    public static int classVersion(byte[] m) {
        return m[CLASS_VERSION] & 0xff;
    }

    public static int method(byte[] m) {
        return m[METHOD] & 0xff;
    }

    public static void method(byte[] m, int v) {
        m[METHOD] = (byte) v;
    }

    public static int status(byte[] m) {
        return u16(m, STATUS);
    }

    public static void status(byte[] m, int v) {
        put16(m, STATUS, v);
    }

    public static long tid(byte[] m) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (m[TID + i] & 0xff);
        }
        return v;
    }

    public static int attrId(byte[] m) {
        return u16(m, ATTR_ID);
    }

    public static long attrMod(byte[] m) {
        return (long) u16(m, ATTR_MOD) << 16 | u16(m, ATTR_MOD + 2);
    }

    /** ib_response_mad: a response method, a TrapRepress, or a BM MAD with its response bit. */
    public static boolean isResponse(byte[] m) {
        return (method(m) & METHOD_RESP) != 0 || method(m) == METHOD_TRAP_REPRESS
                || mgmtClass(m) == CLASS_BM && (attrMod(m) & BM_ATTR_MOD_RESP) != 0;
    }

    /** ib_get_smp_direction. */
    public static boolean direction(byte[] smp) {
        return (status(smp) & SMP_DIRECTION) != 0;
    }

    public static int hopPtr(byte[] smp) {
        return smp[HOP_PTR] & 0xff;
    }

    static void hopPtr(byte[] smp, int v) {
        smp[HOP_PTR] = (byte) v;
    }

    public static int hopCnt(byte[] smp) {
        return smp[HOP_CNT] & 0xff;
    }

    public static int drSlid(byte[] smp) {
        return u16(smp, DR_SLID);
    }

    public static int drDlid(byte[] smp) {
        return u16(smp, DR_DLID);
    }

    public static int initialPath(byte[] smp, int hop) {
        return smp[INITIAL_PATH + hop] & 0xff;
    }

    public static int returnPath(byte[] smp, int hop) {
        return smp[RETURN_PATH + hop] & 0xff;
    }

    static void returnPath(byte[] smp, int hop, int port) {
        smp[RETURN_PATH + hop] = (byte) port;
    }

    private static int u16(byte[] m, int off) {
        return (m[off] & 0xff) << 8 | m[off + 1] & 0xff;
    }

    private static void put16(byte[] m, int off, int v) {
        m[off] = (byte) (v >>> 8);
        m[off + 1] = (byte) v;
    }
}
