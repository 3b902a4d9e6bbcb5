// drivers/infiniband/core/uverbs_main.c: the uverbs_attr_bundle ib_uverbs_write builds for a
// legacy or an extended command (ucore in/out buffers), uverbs_request and uverbs_response of
// uverbs_cmd.c
package org.ibmodel.uverbs;

import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Task;
import org.ibmodel.uverbs.abi.IbUserVerbs.CmdHdr;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCmdHdr;
import org.ibmodel.uverbs.abi.Le;

/**
 * What a handler sees of one write(): the request bytes after the header (ucore.inbuf, inLen
 * bytes; with has_udata only the core struct, the rest being driver data), the response pointer
 * and out length (ucore.outbuf/outlen), and the new object it creates, which is committed if it
 * returns 0 and aborted otherwise.
 */
public final class Bundle {
    final UverbsFile file;
    final Task task;
    private final byte[] write;
    /** Where the request starts in the write: past the header, and the extended header if any. */
    private final int base;
    private final int inLen;
    final long response;
    private final int outLen;
    UObject uobject;

    private Bundle(UverbsFile file, Task task, byte[] write, int base, int inLen, long response, int outLen) {
        this.file = file;
        this.task = task;
        this.write = write;
        this.base = base;
        this.inLen = inLen;
        this.response = response;
        this.outLen = outLen;
    }

    /** A legacy command's bundle: {@code inLen} bytes after the header, {@code outLen} of response. */
    static Bundle legacy(UverbsFile file, Task task, byte[] write, WriteMethod m, int inLen, int outLen) {
        int in = inLen;
        int out = outLen;
        if (m.hasUdata()) {
            in = m.reqSize();
            if (m.hasResp()) {
                out = m.respSize();
            }
        }
        // The response pointer is the first u64 of every command that has one (get_user).
        long response = m.hasResp() ? Le.u64(write, CmdHdr.SIZE) : 0;
        return new Bundle(file, task, write, CmdHdr.SIZE, in, response, m.hasResp() ? out : 0);
    }

    /**
     * An extended command's bundle: ucore is in_words and out_words of 8 bytes after both headers,
     * the response at ex_hdr.response; the provider words after them are the driver's.
     */
    static Bundle ex(UverbsFile file, Task task, byte[] write, int inLen, long response, int outLen) {
        return new Bundle(file, task, write, CmdHdr.SIZE + ExCmdHdr.SIZE, inLen, response, outLen);
    }

    /**
     * uverbs_request: the core struct, zero-filled past what userspace sent; input beyond it
     * must be zero (-EOPNOTSUPP: a newer userspace asked for something this kernel lacks).
     * Bytes past the end of the write are not user memory the model has (-EFAULT).
     */
    byte[] request(int size, int[] err) {
        byte[] out = new byte[size];
        if (base + Math.min(inLen, size) > write.length) {
            err[0] = Errno.EFAULT.negative();
            return out;
        }
        System.arraycopy(write, base, out, 0, Math.min(inLen, size));
        for (int i = size; i < inLen; i++) {
            if (write[base + i] != 0) {
                err[0] = Errno.EOPNOTSUPP.negative();
                return out;
            }
        }
        err[0] = 0;
        return out;
    }

    /** ucore.outlen: the response bytes userspace gave room for. */
    int outLen() {
        return outLen;
    }

    /** The bytes of the request after the core struct (work requests and SGEs of post commands). */
    int inLen() {
        return inLen;
    }

    /** A byte of the request at {@code off} past the header; only for offsets below inLen. */
    byte[] requestBytes(int off, int len) {
        byte[] out = new byte[len];
        System.arraycopy(write, base + off, out, 0, len);
        return out;
    }

    /**
     * uverbs_response: copy min(outlen, len) bytes to the response pointer and zero the rest of
     * what userspace provided; -EFAULT when any of it is not mapped.
     */
    int response(byte[] resp) {
        int n = Math.min(outLen, resp.length);
        if (task.mm().copyToUser(response, resp, 0, n) != 0) {
            return Errno.EFAULT.negative();
        }
        if (resp.length < outLen && task.mm().clearUser(response + resp.length, outLen - resp.length) != 0) {
            return Errno.EFAULT.negative();
        }
        return 0;
    }

    /** copy_to_user at {@code addr} (poll_cq writes completions past the response header). */
    int copyToUser(long addr, byte[] bytes) {
        return task.mm().copyToUser(addr, bytes, 0, bytes.length);
    }
}
