// include/uapi/rdma/ib_user_verbs.h: a command as write() takes it; rdma-core libibverbs/cmd_write.h
// (execute_cmd_write, execute_cmd_write_ex_req)
package org.ibmodel.uverbs.abi;

/**
 * Frames a command: a legacy one as struct ib_uverbs_cmd_hdr with in_words covering header and
 * body and out_words the response size, both in 32-bit words, then the body bytes; an extended
 * one as {@link #writeEx} says.
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

    /**
     * Frames an extended command as execute_cmd_write_ex does: the command word with
     * IB_USER_VERBS_CMD_FLAG_EXTENDED, in_words and out_words in 8-byte words of the core request
     * and response, struct ib_uverbs_ex_cmd_hdr with the response pointer (0 for none) and no
     * provider words, then the body.
     */
    public static byte[] writeEx(int command, byte[] body, long response, int outBytes) {
        byte[] buf = new byte[IbUserVerbs.CmdHdr.SIZE + IbUserVerbs.ExCmdHdr.SIZE + body.length];
        new IbUserVerbs.CmdHdr(buf, 0).command(command | FLAG_EXTENDED).inWords(body.length / 8)
                .outWords(outBytes / 8);
        new IbUserVerbs.ExCmdHdr(buf, IbUserVerbs.CmdHdr.SIZE).response(response);
        System.arraycopy(body, 0, buf, IbUserVerbs.CmdHdr.SIZE + IbUserVerbs.ExCmdHdr.SIZE, body.length);
        return buf;
    }

    /** IB_USER_VERBS_CMD_FLAG_EXTENDED, the top bit of the command word. */
    public static final int FLAG_EXTENDED = 0x8000_0000;

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
