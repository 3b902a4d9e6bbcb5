// include/rdma/ib_verbs.h: ib_post_send / ib_post_recv and their bad_wr out-parameter
package org.ibmodel.core;

/**
 * What a post verb returns: 0 or a negative errno, and on failure the index of the first work
 * request that was not posted (the kernel's {@code bad_wr}); the ones before it stay posted.
 */
public record PostResult(int ret, int badWr) {
    public static final PostResult OK = new PostResult(0, -1);

    public static PostResult fail(int ret, int badWr) {
        return new PostResult(ret, badWr);
    }

    public boolean ok() {
        return ret == 0;
    }
}
