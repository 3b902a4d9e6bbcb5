// drivers/infiniband/core/rdma_core.h: struct uverbs_api_write_method
package org.ibmodel.uverbs;

import java.util.function.Predicate;
import org.ibmodel.core.DeviceOps;

/**
 * One legacy write() command: its number, the sizes verify_hdr checks, whether the bytes past
 * the core request are driver data (has_udata) and its handler.
 *
 * @param reqSize  sizeof the command struct after the header
 * @param respSize sizeof the response struct; 0 when the command has no response pointer
 */
public record WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler,
        Predicate<DeviceOps> needs) {
    /** The handler: 0 or a negative errno. */
    @FunctionalInterface
    public interface Handler {
        int handle(Bundle b);
    }

    /** A method every device serves. */
    public WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler) {
        this(command, name, reqSize, respSize, hasUdata, handler, ops -> true);
    }

    /** UAPI_DEF_METHOD_NEEDS_FN: whether a device with these ops has the method at all. */
    public boolean servedBy(DeviceOps ops) {
        return needs.test(ops);
    }

    public boolean hasResp() {
        return respSize > 0;
    }
}
