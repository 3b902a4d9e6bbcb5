// drivers/infiniband/core/rdma_core.h: struct uverbs_api_write_method
package org.ibmodel.uverbs;

import java.util.function.Predicate;
import org.ibmodel.core.DeviceOps;

/**
 * One write() command: its number, the sizes verify_hdr checks, whether the bytes past the core
 * request are driver data (has_udata), its handler, what it needs of the device and whether it
 * is an extended command (is_ex: struct ib_uverbs_ex_cmd_hdr follows the header).
 *
 * @param reqSize  sizeof the command struct after the header(s)
 * @param respSize sizeof the response struct; 0 when the command has no response pointer
 */
public record WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler,
        Predicate<DeviceOps> needs, boolean ex) {
    /** The handler: 0 or a negative errno. */
    @FunctionalInterface
    public interface Handler {
        int handle(Bundle b);
    }

    /** A method every device serves. */
    public WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler) {
        this(command, name, reqSize, respSize, hasUdata, handler, ops -> true, false);
    }

    /** A legacy method only some devices serve. */
    public WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler,
            Predicate<DeviceOps> needs) {
        this(command, name, reqSize, respSize, hasUdata, handler, needs, false);
    }

    /** UAPI_DEF_METHOD_NEEDS_FN: whether a device with these ops has the method at all. */
    public boolean servedBy(DeviceOps ops) {
        return needs.test(ops);
    }

    public boolean hasResp() {
        return respSize > 0;
    }
}
