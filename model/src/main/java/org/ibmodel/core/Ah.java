// drivers/infiniband/core/verbs.c: rdma_create_ah, rdma_destroy_ah_user, ib_init_ah_attr_from_wc,
// ib_create_ah_from_wc; include/rdma/ib_verbs.h struct ib_grh
package org.ibmodel.core;

import java.util.Arrays;
import org.ibmodel.kernel.Errno;

/** An address handle: the address vector of a UD destination. */
public final class Ah extends IbObject {
    private final Pd pd;
    private final AhAttr attr;

    private Ah(Pd pd, AhAttr attr) {
        super(pd.device(), ResType.AH);
        this.pd = pd;
        this.attr = attr;
    }

    /** rdma_create_ah: -EINVAL for a port the device does not have (rdma_check_ah_attr). */
    public static Result<Ah> create(Pd pd, AhAttr attr) {
        pd.checkLive("rdma_create_ah");
        if (attr == null || !pd.device().isPortValid(attr.portNum())) {
            return Result.err(Errno.EINVAL);
        }
        if (attr.grh() != null && attr.grh().dgid().length != 16) {
            return Result.err(Errno.EINVAL);
        }
        // rdma_fill_sgid_attr: a GRH names its source GID by an index the port's table has.
        int sgid = attr.grh() == null ? 0 : pd.device().port(attr.portNum()).checkSgidIndex(attr.grh().sgidIndex());
        if (sgid != 0) {
            return Result.err(sgid);
        }
        Ah ah = new Ah(pd, attr);
        int ret = pd.device().ops().createAh(ah, attr);
        if (ret != 0) {
            return Result.err(ret);
        }
        pd.get();
        ah.live();
        return Result.of(ah);
    }

    /** struct ib_grh: the 40 bytes a UD receive buffer starts with; the GIDs at these offsets. */
    public static final int GRH_BYTES = 40;
    private static final int GRH_SGID = 8;
    private static final int GRH_DGID = 24;
    /** IB_SA_WELL_KNOWN_GUID: a DGID with this interface ID was sent to the SA's well-known GID. */
    static final long SA_WELL_KNOWN_GUID = 0x0200_0000_0000_0002L;

    /**
     * ib_init_ah_attr_from_wc on an InfiniBand port: the address vector that answers a received
     * datagram. The DLID is its SLID, with its SL and DLID path bits. With IB_WC_GRH set the first
     * 40 bytes of {@code grh} are the received GRH: the answer goes to its SGID, from the local GID
     * it was sent to (GID 0 if it was the SA's well-known GID; -ENOENT if the port has no such
     * GID), with its flow label and traffic class and a hop limit of 0xff.
     */
    public static Result<AhAttr> initAttrFromWc(IbDevice device, int portNum, Wc wc, byte[] grh, int off) {
        device.kernel().mightSleep();
        if ((wc.wcFlags & WcFlags.GRH) == 0) {
            return Result.of(new AhAttr(wc.slid, wc.sl, wc.dlidPathBits, 0, portNum, null));
        }
        if (grh == null || off < 0 || off > grh.length - GRH_BYTES) {
            return Result.err(Errno.EINVAL);
        }
        byte[] sgid = Arrays.copyOfRange(grh, off + GRH_SGID, off + GRH_SGID + 16);
        byte[] dgid = Arrays.copyOfRange(grh, off + GRH_DGID, off + GRH_DGID + 16);
        int index;
        if (interfaceId(dgid) == SA_WELL_KNOWN_GUID) {
            index = 0;
        } else {
            index = device.isPortValid(portNum) ? device.port(portNum).findGid(dgid) : -1;
            if (index < 0) {
                return Result.err(Errno.ENOENT);
            }
        }
        int flowClass = (grh[off] & 0xff) << 24 | (grh[off + 1] & 0xff) << 16 | (grh[off + 2] & 0xff) << 8
                | grh[off + 3] & 0xff;
        AhAttr.Grh g = new AhAttr.Grh(sgid, flowClass & 0xfffff, index, 0xff, (flowClass >>> 20) & 0xff);
        return Result.of(new AhAttr(wc.slid, wc.sl, wc.dlidPathBits, 0, portNum, g));
    }

    /** ib_create_ah_from_wc: {@link #initAttrFromWc}, then {@link #create} on {@code pd}. */
    public static Result<Ah> createFromWc(Pd pd, Wc wc, byte[] grh, int off, int portNum) {
        Result<AhAttr> attr = initAttrFromWc(pd.device(), portNum, wc, grh, off);
        return attr.isErr() ? Result.err(attr.err()) : create(pd, attr.get());
    }

    private static long interfaceId(byte[] gid) {
        long id = 0;
        for (int i = 8; i < 16; i++) {
            id = id << 8 | (gid[i] & 0xff);
        }
        return id;
    }

    public Pd pd() {
        return pd;
    }

    public AhAttr attr() {
        return attr;
    }

    /** rdma_destroy_ah */
    public int destroy() {
        checkLive("rdma_destroy_ah");
        int ret = device().ops().destroyAh(this);
        if (ret != 0) {
            return ret;
        }
        pd.put();
        free();
        return 0;
    }

    @Override
    public String toString() {
        return "ah{dlid=" + attr.dlid() + " port=" + attr.portNum() + "}";
    }
}
