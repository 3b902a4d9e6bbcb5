// The attach_mcast / detach_mcast bookkeeping of a driver (rxe_mcast.c, mthca_mcg.c) over the
// in-memory device, so that the uverbs fuzz can attach and detach
package org.ibmodel.props.uverbs;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Qp;
import org.ibmodel.kernel.Errno;

/**
 * A driver's multicast table: a QP attached twice stays attached once (0), detaching a QP not
 * attached is -EINVAL, a group holds at most {@link #PER_GROUP} QPs (-ENOMEM). With
 * {@code forgetsDetach} detach answers 0 and keeps the attachment: the bug whose trace the fuzz's
 * check must find (an attachment outliving its QP).
 */
final class MulticastDouble extends ForwardingDeviceOps {
    static final int PER_GROUP = 8;

    private final boolean forgetsDetach;
    /** QP -> the MGIDs (hex) it is attached to. */
    private final Map<Qp, TreeSet<String>> table = new LinkedHashMap<>();
    /** Attachments made, for the fuzz's report. */
    long attached;

    MulticastDouble(DeviceOps real, boolean forgetsDetach) {
        super(real);
        this.forgetsDetach = forgetsDetach;
    }

    @Override
    public boolean hasMulticast() {
        return true;
    }

    /** The fuzz unplugs the device under open files: uverbs disassociates them. */
    @Override
    public boolean hasDisassociateUcontext() {
        return true;
    }

    @Override
    public int attachMcast(Qp qp, byte[] gid, int lid) {
        String g = HexFormat.of().formatHex(gid);
        if (table.getOrDefault(qp, new TreeSet<>()).contains(g)) {
            return 0;
        }
        long members = table.values().stream().filter(s -> s.contains(g)).count();
        if (members >= PER_GROUP) {
            return Errno.ENOMEM.negative();
        }
        table.computeIfAbsent(qp, k -> new TreeSet<>()).add(g);
        attached++;
        return 0;
    }

    @Override
    public int detachMcast(Qp qp, byte[] gid, int lid) {
        TreeSet<String> groups = table.get(qp);
        String g = HexFormat.of().formatHex(gid);
        if (groups == null || !groups.contains(g)) {
            return Errno.EINVAL.negative();
        }
        if (!forgetsDetach) {
            groups.remove(g);
            if (groups.isEmpty()) {
                table.remove(qp);
            }
        }
        return 0;
    }

    /** Attachments in the table. */
    int attachments() {
        return table.values().stream().mapToInt(TreeSet::size).sum();
    }

    /** Null, or an attachment of a QP that no longer exists. */
    String staleError() {
        for (Map.Entry<Qp, TreeSet<String>> e : table.entrySet()) {
            if (e.getKey().freed()) {
                return "multicast: destroyed " + e.getKey() + " still attached to " + e.getValue();
            }
        }
        return null;
    }
}
