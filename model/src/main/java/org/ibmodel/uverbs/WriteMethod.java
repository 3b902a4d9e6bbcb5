// drivers/infiniband/core/rdma_core.h: struct uverbs_api_write_method
package org.ibmodel.uverbs;

/**
 * One legacy write() command: its number, the sizes verify_hdr checks, whether the bytes past
 * the core request are driver data (has_udata) and its handler.
 *
 * @param reqSize  sizeof the command struct after the header
 * @param respSize sizeof the response struct; 0 when the command has no response pointer
 */
public record WriteMethod(int command, String name, int reqSize, int respSize, boolean hasUdata, Handler handler) {
    /** The handler: 0 or a negative errno. */
    @FunctionalInterface
    public interface Handler {
        int handle(Bundle b);
    }

    public boolean hasResp() {
        return respSize > 0;
    }
}
