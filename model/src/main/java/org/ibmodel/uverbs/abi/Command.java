// include/uapi/rdma/ib_user_verbs.h: a legacy command as write() takes it
package org.ibmodel.uverbs.abi;

/**
 * Frames a legacy command: struct ib_uverbs_cmd_hdr with in_words covering header and body and
 * out_words the response size, both in 32-bit words, then the body bytes.
 */
public final class Command {
    private Command() {
    }

    public static byte[] write(int command, byte[] body, int outBytes) {
        byte[] buf = new byte[IbUserVerbs.CmdHdr.SIZE + body.length];
        new IbUserVerbs.CmdHdr(buf, 0).command(command).inWords(buf.length / 4).outWords(outBytes / 4);
        System.arraycopy(body, 0, buf, IbUserVerbs.CmdHdr.SIZE, body.length);
        return buf;
    }

    public static byte[] write(int command, AbiStruct<?> body, int outBytes) {
        return write(command, body.toBytes(), outBytes);
    }

    /** Concatenates byte arrays (a post command's struct, work requests and SGEs). */
    public static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
