// drivers/infiniband/core/cache.c: the per-port GID and P_Key tables and cached port attributes
package org.ibmodel.core;

import java.util.Arrays;
import org.ibmodel.kernel.RwLock;

/**
 * One port of a device: its attributes and its GID and P_Key tables. Only crossing into or out of
 * ACTIVE dispatches an event here; the rest is a cache, as ib_cache_update keeps it, and raises
 * nothing: LID_CHANGE, PKEY_CHANGE, GID_CHANGE and CLIENT_REREGISTER are the driver's to dispatch
 * when its device says so (mlx4's handle_port_mgmt_change_event, mthca's smp_snoop), and no
 * kernel code derives them from comparing ib_core's copy with the port.
 */
public final class Port {
    /** The default P_Key, full membership (IBA 10.9.1.2). */
    public static final int DEFAULT_PKEY = 0xffff;
    /** The default GID prefix fe80::/64 (IBA 4.1.1). */
    public static final long DEFAULT_GID_PREFIX = 0xfe80_0000_0000_0000L;

    private final IbDevice device;
    private final int portNum;
    private final PortAttr attr;
    private final byte[][] gids;
    /**
     * The GID table's rwlock (struct ib_gid_table in core/cache.c): read_lock_irqsave to read an
     * entry from any context, write_lock_irq to change one.
     */
    private final RwLock gidLock;
    private final int[] pkeys;

    Port(IbDevice device, int portNum, PortAttr attr, long portGuid) {
        this.device = device;
        this.portNum = portNum;
        this.attr = attr;
        this.gids = new byte[attr.gidTblLen][16];
        this.gidLock = new RwLock(device.kernel(), "table->rwlock");
        this.pkeys = new int[attr.pkeyTblLen];
        pkeys[0] = DEFAULT_PKEY;
        gids[0] = gid(DEFAULT_GID_PREFIX, portGuid);
    }

    public static byte[] gid(long prefix, long guid) {
        byte[] g = new byte[16];
        for (int i = 0; i < 8; i++) {
            g[i] = (byte) (prefix >>> (56 - 8 * i));
            g[8 + i] = (byte) (guid >>> (56 - 8 * i));
        }
        return g;
    }

    public int portNum() {
        return portNum;
    }

    /**
     * ib_core's copy of the attributes, as the driver last reported them with the port's events
     * (port state and LMC are what core/cache.c caches). ib_query_port asks the driver instead:
     * {@link IbDevice#queryPort}.
     */
    public PortAttr query() {
        return attr.copy();
    }

    /** ib_get_cached_port_state: ib_core's copy of the state, read under the device's cache_lock. */
    public PortState state() {
        RwLock lock = device.cacheLock();
        long flags = lock.readLockIrqsave();
        try {
            return attr.state;
        } finally {
            lock.readUnlockIrqrestore(flags);
        }
    }

    public int lid() {
        return attr.lid;
    }

    /** rdma_query_gid, under the GID table's rwlock; null for an index outside the table. */
    public byte[] gid(int index) {
        if (index < 0 || index >= gids.length) {
            return null;
        }
        long flags = gidLock.readLockIrqsave();
        try {
            return gids[index].clone();
        } finally {
            gidLock.readUnlockIrqrestore(flags);
        }
    }

    /**
     * rdma_get_gid_attr (drivers/infiniband/core/cache.c), as rdma_fill_sgid_attr uses it for a
     * GRH's source GID: 0, -EINVAL for an index outside the table, -ENODATA for an entry with
     * no GID (the cache keeps no zero GID of an InfiniBand port).
     */
    public int checkSgidIndex(int index) {
        if (index < 0 || index >= gids.length) {
            return org.ibmodel.kernel.Errno.EINVAL.negative();
        }
        long flags = gidLock.readLockIrqsave();
        try {
            return hasGid(index) ? 0 : org.ibmodel.kernel.Errno.ENODATA.negative();
        } finally {
            gidLock.readUnlockIrqrestore(flags);
        }
    }

    /** Whether entry {@code index} holds a GID; the caller holds the table's rwlock. */
    private boolean hasGid(int index) {
        for (byte b : gids[index]) {
            if (b != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * rdma_find_gid_by_port for an InfiniBand GID: the index of the first entry holding {@code gid}
     * (entries with no GID are never found), or -1.
     */
    public int findGid(byte[] gid) {
        long flags = gidLock.readLockIrqsave();
        try {
            for (int i = 0; i < gids.length; i++) {
                if (hasGid(i) && Arrays.equals(gids[i], gid)) {
                    return i;
                }
            }
        } finally {
            gidLock.readUnlockIrqrestore(flags);
        }
        return -1;
    }

    /** ib_query_pkey: the P_Key, or -EINVAL for an index outside the table. */
    public int pkey(int index) {
        if (index < 0 || index >= pkeys.length) {
            return org.ibmodel.kernel.Errno.EINVAL.negative();
        }
        return pkeys[index];
    }

    /**
     * ib_get_cached_pkey: the P_Key of ib_core's copy of the table, read under the device's
     * cache_lock (read_lock_irqsave, from any context), or -EINVAL for an index outside it.
     */
    public int cachedPkey(int index) {
        RwLock lock = device.cacheLock();
        long flags = lock.readLockIrqsave();
        try {
            return pkey(index);
        } finally {
            lock.readUnlockIrqrestore(flags);
        }
    }

    public int pkeyTableLength() {
        return pkeys.length;
    }

    /**
     * ib_find_pkey (drivers/infiniband/core/device.c): the index of a P_Key matching in its low
     * 15 bits, preferring the full member entry; -ENOENT when there is none. Every entry of the
     * table is compared, an empty one too.
     */
    public int findPkey(int pkey) {
        int partial = -1;
        for (int i = 0; i < pkeys.length; i++) {
            if ((pkeys[i] & 0x7fff) != (pkey & 0x7fff)) {
                continue;
            }
            if ((pkeys[i] & 0x8000) != 0) {
                return i;
            }
            if (partial < 0) {
                partial = i;
            }
        }
        return partial >= 0 ? partial : org.ibmodel.kernel.Errno.ENOENT.negative();
    }

    /** The port's logical state changed; entering or leaving ACTIVE is an event. */
    public void setState(PortState state) {
        PortState old = attr.state;
        attr.state = state;
        attr.physState = state == PortState.DOWN ? 3 : 5;
        // ACTIVE_DEFER is still active to consumers (IBA 14.2.5.6): only crossing it is an event.
        boolean wasUp = old == PortState.ACTIVE || old == PortState.ACTIVE_DEFER;
        boolean isUp = state == PortState.ACTIVE || state == PortState.ACTIVE_DEFER;
        if (!wasUp && isUp) {
            device.dispatchEvent(IbEvent.port(device, IbEventType.PORT_ACTIVE, portNum));
        } else if (wasUp && !isUp) {
            device.dispatchEvent(IbEvent.port(device, IbEventType.PORT_ERR, portNum));
        }
    }

    /**
     * ib_cache_update's port_state: ib_core's copy of the state as the driver read it, no event
     * (the driver dispatches PORT_ACTIVE and PORT_ERR from its device's port-change events).
     */
    public void cacheState(PortState state) {
        RwLock lock = device.cacheLock();
        lock.writeLockIrq();
        attr.state = state;
        lock.writeUnlockIrq();
    }

    /**
     * ib_cache_update's commit: the whole P_Key table and, unless null, the port state replace
     * ib_core's copies in one write_lock_irq section of cache_lock, so a reader sees both old or
     * both new. No event (see {@link #setPkeys}).
     */
    public void commitCache(int[] table, PortState state) {
        if (table.length != pkeys.length) {
            throw new IllegalArgumentException("pkey table of " + table.length + " for a port with " + pkeys.length);
        }
        RwLock lock = device.cacheLock();
        lock.writeLockIrq();
        for (int i = 0; i < pkeys.length; i++) {
            pkeys[i] = table[i] & 0xffff;
        }
        if (state != null) {
            attr.state = state;
        }
        lock.writeUnlockIrq();
    }

    /**
     * The link as the driver's query_port read it last: physical state, widths, speeds, MTUs, VLs
     * and capability mask. None of these raises an event of its own.
     */
    public void setLink(PortAttr a) {
        attr.physState = a.physState;
        attr.activeWidth = a.activeWidth;
        attr.activeSpeed = a.activeSpeed;
        attr.activeMtu = a.activeMtu;
        attr.maxMtu = a.maxMtu;
        attr.maxVlNum = a.maxVlNum;
        attr.portCapFlags = a.portCapFlags;
    }

    /**
     * The port's LID and LMC as the driver read them; no event (the driver raises LID_CHANGE).
     * The LMC is ib_core's cached copy, which ib_cache_update writes under cache_lock with
     * write_lock_irq and ib_get_cached_lmc ({@link #cachedLmc}) reads under it.
     */
    public void setLid(int lid, int lmc) {
        attr.lid = lid;
        RwLock lock = device.cacheLock();
        lock.writeLockIrq();
        attr.lmc = lmc;
        lock.writeUnlockIrq();
    }

    /** ib_get_cached_lmc (drivers/infiniband/core/cache.c): the cached LMC, read under cache_lock. */
    public int cachedLmc() {
        RwLock lock = device.cacheLock();
        long flags = lock.readLockIrqsave();
        try {
            return attr.lmc;
        } finally {
            lock.readUnlockIrqrestore(flags);
        }
    }

    /**
     * The SM's LID and SL as the driver read them; no event: mlx4 and mthca raise no
     * IB_EVENT_SM_CHANGE for them, they only move their SM address handle (update_sm_ah); qib and
     * hfi1, whose SMA runs in the driver, do raise it.
     */
    public void setSm(int smLid, int smSl) {
        attr.smLid = smLid;
        attr.smSl = smSl;
    }

    /**
     * ib_cache_update's P_Key part (drivers/infiniband/core/cache.c): ib_core's copy of the whole
     * table, as the driver read it, replaced at once. It raises no event: IB_EVENT_PKEY_CHANGE is
     * the driver's to dispatch, once for each change its device told it of (mlx4's
     * handle_port_mgmt_change_event, mthca's smp_snoop), whatever number of entries changed.
     */
    public void setPkeys(int[] table) {
        commitCache(table, null);
    }

    /** ib_cache_update's GID part: entry {@code index} as the driver read it; no event of its own. */
    public void setGid(int index, byte[] gid) {
        if (index < 0 || index >= gids.length || gid.length != 16) {
            throw new IllegalArgumentException("gid index " + index + " or length " + gid.length);
        }
        byte[] copy = gid.clone();
        gidLock.writeLockIrq();
        gids[index] = copy;
        gidLock.writeUnlockIrq();
    }

    @Override
    public String toString() {
        return device.name() + " port " + portNum + " " + attr.state.kernelName() + " lid " + attr.lid;
    }
}
