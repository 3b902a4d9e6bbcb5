// drivers/infiniband/core/uverbs_main.c, uverbs_cmd.c, rdma_core.c: the errno of each hostile input
package org.ibmodel.uverbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpType;
import org.ibmodel.core.ResType;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.Commands;
import org.ibmodel.uverbs.abi.IbUserVerbs.AsyncEventDesc;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifyQp;
import org.ibmodel.uverbs.abi.Le;
import org.junit.jupiter.api.Test;

/** Each test names the kernel check it models. */
class UverbsFileTest {
    static final long MEM = 0x10000;
    static final long RESP = 0x10000;
    static final long BUF = 0x12000;
    static final long UNMAPPED = 0x9990_0000L;

    final UverbsHost host = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1));
    final Task p = host.spawn("p1");
    final int fd;

    UverbsFileTest() {
        assertEquals(MEM, p.mm().mmap(MEM, 0x10000));
        fd = host.uverbs0().open(p);
    }

    long w(byte[] cmd) {
        return w(p, fd, cmd);
    }

    long w(Task t, int f, byte[] cmd) {
        long r = t.write(f, cmd);
        host.run();
        return r;
    }

    int u32(int off) {
        byte[] b = new byte[4];
        assertEquals(0, p.mm().copyFromUser(b, 0, RESP + off, 4));
        return Le.u32(b, 0);
    }

    static long err(Errno e) {
        return e.negative();
    }

    void context() {
        byte[] c = Commands.getContext(RESP);
        assertEquals(c.length, w(c));
    }

    int pd() {
        assertTrue(w(Commands.allocPd(RESP)) > 0);
        return u32(0);
    }

    int cq(int cqe) {
        assertTrue(w(Commands.createCq(RESP, 0xc0ffee, cqe, -1)) > 0);
        return u32(0);
    }

    int qp(int pd, int cq) {
        assertTrue(w(Commands.createQp(RESP, 7, pd, cq, cq, -1, QpType.RC.value(), 4, 1)) > 0);
        return u32(0);
    }

    void assertNoObjects() {
        assertEquals(0, host.device().liveTotal(), host.device().liveSummary());
        assertEquals(0, p.mm().pinCount());
    }

    // ---- uverbs_main.c ib_uverbs_write / verify_hdr ----------------------------------------

    @Test
    void shouldRejectAWriteShorterThanTheHeaderWithEinval() {
        assertEquals(err(Errno.EINVAL), w(new byte[7]));
    }

    @Test
    void shouldRejectInWordsNotMatchingTheByteCountWithEinval() {
        byte[] c = Commands.getContext(RESP);
        assertEquals(err(Errno.EINVAL), w(Arrays.copyOf(c, c.length + 4)));
        assertFalse(host.uverbs0().openFiles().get(0).hasContext());
    }

    @Test
    void shouldRejectAWriteShorterThanTheCommandStructWithEnospc() {
        // in_words agrees with the count, but 8 bytes cannot hold a GET_CONTEXT.
        assertEquals(err(Errno.ENOSPC), w(Command.write(UverbsApi.GET_CONTEXT, new byte[0], 8)));
    }

    @Test
    void shouldRejectAResponseBufferSmallerThanTheResponseWithEnospc() {
        context();
        assertEquals(err(Errno.ENOSPC), w(Command.write(UverbsApi.ALLOC_PD, Le8.of(RESP), 0)));
        assertEquals(0, host.device().liveCount(ResType.PD));
    }

    @Test
    void shouldRejectUnknownCommandNumbersWithEopnotsupp() {
        assertEquals(err(Errno.EOPNOTSUPP), w(Command.write(99, new byte[0], 0)));
        assertEquals(err(Errno.EOPNOTSUPP), w(Command.write(UverbsApi.PEEK_CQ, new byte[0], 0)));
        // rdma_core.h uapi_get_method: stray bits in the command word are -EINVAL.
        assertEquals(err(Errno.EINVAL), w(Command.write(0x100 | UverbsApi.ALLOC_PD, Le8.of(RESP), 4)));
        // OPEN_QP needs XRC: trimmed off the table's end (uapi_finalize_disable), so -EOPNOTSUPP
        // before the header is looked at; OPEN_XRCD before it is the notsupp method, whose header
        // verify_hdr checks first: in_words 0, short of the header itself, is -EINVAL.
        byte[] openQp = {UverbsApi.OPEN_QP, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(err(Errno.EOPNOTSUPP), w(openQp));
        byte[] openXrcd = {UverbsApi.OPEN_XRCD, 0, 0, 0, 0, 0, 0, 0};
        assertEquals(err(Errno.EINVAL), w(openXrcd));
    }

    @Test
    void shouldRejectNonZeroInputPastTheStructWithEopnotsupp() {
        context();
        byte[] body = Arrays.copyOf(Le8.of(RESP), 16);
        body[12] = 1;
        // QUERY_DEVICE has no driver data: uverbs_request wants the rest zeroed.
        assertEquals(err(Errno.EOPNOTSUPP), w(Command.write(UverbsApi.QUERY_DEVICE, body, 176)));
    }

    /**
     * MODIFY_QP is UAPI_DEF_WRITE_I in uverbs_cmd.c's uverbs_def_write_intf: no driver data, so
     * ucore.inlen is all of the input and uverbs_request wants what follows the struct zeroed.
     */
    @Test
    void shouldRejectNonZeroInputPastAModifyQpWithEopnotsupp() {
        context();
        int qp = qp(pd(), cq(4));
        ModifyQp init = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)).qpState(1).portNum(1);
        byte[] body = Arrays.copyOf(init.toBytes(), ModifyQp.SIZE + 8);
        body[ModifyQp.SIZE] = 1;
        assertEquals(err(Errno.EOPNOTSUPP), w(Command.write(UverbsApi.MODIFY_QP, body, 0)));
        body[ModifyQp.SIZE] = 0;
        assertEquals(8 + body.length, w(Command.write(UverbsApi.MODIFY_QP, body, 0)), "zeroes past it are fine");
    }

    // ---- uverbs_cmd.c: the context --------------------------------------------------------

    /**
     * ib_uverbs_query_device and ib_uverbs_query_port take the context before the request
     * (uverbs_cmd.c), so with no context the stray input is never looked at: -EINVAL, not the
     * -EOPNOTSUPP of uverbs_request.
     */
    @Test
    void shouldAskTheQueriesForTheContextBeforeTheRequest() {
        byte[] device = Arrays.copyOf(Le8.of(RESP), 16);
        device[12] = 1;
        assertEquals(err(Errno.EINVAL), w(Command.write(UverbsApi.QUERY_DEVICE, device, 176)));
        byte[] port = Arrays.copyOf(Le8.of(RESP), 24);
        port[8] = 1;
        port[20] = 1;
        assertEquals(err(Errno.EINVAL), w(Command.write(UverbsApi.QUERY_PORT, port, 40)));
    }

    @Test
    void shouldRejectCommandsBeforeGetContext() {
        assertEquals(err(Errno.EINVAL), w(Commands.allocPd(RESP)));
        assertEquals(err(Errno.EINVAL), w(Commands.queryDevice(RESP)));
        assertEquals(err(Errno.EINVAL), w(Commands.createCq(RESP, 1, 4, -1)));
        // rdma_core.c: a command naming an object looks its handle up first and finds nothing.
        assertEquals(err(Errno.ENOENT), w(Commands.pollCq(RESP, 0, 1)));
        assertEquals(err(Errno.ENOENT), w(Commands.deallocPd(0)));
        assertNoObjects();
    }

    @Test
    void shouldRejectASecondGetContextWithEinval() {
        context();
        assertEquals(err(Errno.EINVAL), w(Commands.getContext(RESP)));
        assertEquals(2, p.files().size());
    }

    @Test
    void shouldGiveTheAsyncFdAndOneCompletionVector() {
        context();
        assertEquals(fd + 1, u32(0));
        assertEquals(1, u32(4));
        assertTrue(p.file(fd + 1) instanceof UverbsEventFile);
    }

    // ---- rdma_core.c: handles ------------------------------------------------------------

    @Test
    void shouldGiveHandlesFromZeroPerFileAndReuseTheLowest() {
        context();
        assertEquals(0, pd());
        assertEquals(1, pd());
        assertTrue(w(Commands.deallocPd(0)) > 0);
        assertEquals(0, pd());
    }

    @Test
    void shouldNotFindAHandleThatDoesNotExist() {
        context();
        assertEquals(err(Errno.ENOENT), w(Commands.deallocPd(5)));
        // lookup_get_idr_uobject's -ENOENT, which the handlers pass on (Linux 6.15).
        assertEquals(err(Errno.ENOENT), w(Commands.createQp(RESP, 1, 5, 6, 6, -1, 2, 1, 1)));
        assertEquals(err(Errno.ENOENT), w(Commands.pollCq(RESP, 42, 1)));
    }

    @Test
    void shouldAnswerCreateQpWithItsFirstFailedLookup() {
        context();
        int pd = pd();
        int cq = cq(4);
        int rc = QpType.RC.value();
        // create_qp looks up the SRQ, the receive CQ, the send CQ and then the PD.
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 7, 9, cq, cq, pd, rc, 4, 1)), "a PD as SRQ");
        assertEquals(err(Errno.ENOENT), w(Commands.createQp(RESP, 7, 9, pd, 8, -1, rc, 4, 1)), "no receive CQ");
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 7, 9, pd, cq, -1, rc, 4, 1)), "a PD as send CQ");
        assertEquals(err(Errno.ENOENT), w(Commands.createQp(RESP, 7, 9, cq, cq, -1, rc, 4, 1)), "no PD");
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 7, cq, cq, cq, -1, rc, 4, 1)), "a CQ as PD");
        assertEquals(0, host.device().liveCount(ResType.QP));
    }

    @Test
    void shouldRejectAHandleOfTheWrongType() {
        context();
        int pd = pd();
        // rdma_lookup_get_uobject: uobj->uapi_object != obj is -EINVAL.
        assertEquals(err(Errno.EINVAL), w(Commands.destroyCq(RESP, pd)));
        assertEquals(err(Errno.EINVAL), w(Commands.pollCq(RESP, pd, 1)));
        assertEquals(1, host.device().liveCount(ResType.PD));
    }

    @Test
    void shouldRejectAHandleAlreadyDestroyed() {
        context();
        int pd = pd();
        assertTrue(w(Commands.deallocPd(pd)) > 0);
        assertEquals(err(Errno.ENOENT), w(Commands.deallocPd(pd)));
        assertEquals(err(Errno.ENOENT), w(Commands.regMr(RESP, pd, BUF, 4096, BUF, 0)));
    }

    @Test
    void shouldNotResolveAHandleOfAnotherFile() {
        context();
        int pd = pd();
        Task q = host.spawn("p2");
        q.mm().mmap(MEM, 0x10000);
        int qfd = host.uverbs0().open(q);
        assertTrue(w(q, qfd, Commands.getContext(RESP)) > 0);
        // Each ib_uverbs_file has its own idr: handle 0 of p1 is nothing in p2's file.
        assertEquals(err(Errno.ENOENT), w(q, qfd, Commands.deallocPd(pd)));
        assertEquals(err(Errno.ENOENT), w(q, qfd, Commands.regMr(RESP, pd, BUF, 4096, BUF, 0)));
        // The same process with a second open file does not see it either.
        int fd2 = host.uverbs0().open(p);
        assertTrue(w(p, fd2, Commands.getContext(RESP)) > 0);
        assertEquals(err(Errno.ENOENT), w(p, fd2, Commands.deallocPd(pd)));
        assertEquals(1, host.device().liveCount(ResType.PD));
    }

    // ---- response pointers ---------------------------------------------------------------

    @Test
    void shouldUndoTheObjectWhenTheResponseCannotBeWritten() {
        context();
        assertEquals(err(Errno.EFAULT), w(Commands.allocPd(UNMAPPED)));
        assertEquals(err(Errno.EFAULT), w(Commands.createCq(UNMAPPED, 1, 4, -1)));
        assertEquals(0, host.device().liveTotal(), host.device().liveSummary());
        // The handles went back too: the next object gets 0.
        assertEquals(0, pd());
        assertEquals(err(Errno.EFAULT), w(Commands.createQp(UNMAPPED, 1, 0, cq(4), 1, -1, 2, 1, 1)));
        assertEquals(0, host.device().liveCount(ResType.QP));
        assertEquals(err(Errno.EFAULT), w(Commands.regMr(UNMAPPED, 0, BUF, 4096, BUF, 0)));
        assertEquals(0, host.device().liveCount(ResType.MR));
        assertEquals(0, p.mm().pinCount());
    }

    @Test
    void shouldUndoTheAsyncFileWhenTheContextResponseFaults() {
        assertEquals(err(Errno.EFAULT), w(Commands.getContext(UNMAPPED)));
        assertEquals(1, p.files().size());
        // ib_uverbs_get_context writes the response before ib_init_ucontext: no context was
        // made, so the next GET_CONTEXT succeeds.
        assertFalse(host.uverbs0().openFiles().get(0).hasContext());
        context();
        assertEquals(2, p.files().size());
    }

    /**
     * ib_uverbs_get_context (uverbs_cmd.c) reserves the async fd and writes the response before
     * ib_init_ucontext finds the file's context: a second GET_CONTEXT leaves the fd it gave
     * back in the response and fails with -EINVAL, or with -EFAULT when the response faults.
     */
    @Test
    void shouldWriteTheResponseBeforeRefusingASecondGetContext() {
        context();
        assertEquals(0, p.mm().copyToUser(RESP, new byte[8], 0, 8));
        assertEquals(err(Errno.EINVAL), w(Commands.getContext(RESP)));
        assertEquals(fd + 2, u32(0), "async_fd: the next unused fd, put back");
        assertEquals(1, u32(4), "num_comp_vectors");
        assertEquals(err(Errno.EFAULT), w(Commands.getContext(UNMAPPED)));
        assertEquals(2, p.files().size());
    }

    // ---- memory registration ------------------------------------------------------------

    @Test
    void shouldRejectAnMrOverUnmappedMemoryWithEfault() {
        context();
        int pd = pd();
        assertEquals(err(Errno.EFAULT), w(Commands.regMr(RESP, pd, UNMAPPED, 4096, UNMAPPED, 0)));
        // One mapped page and one not: nothing stays pinned.
        assertEquals(err(Errno.EFAULT), w(Commands.regMr(RESP, pd, MEM + 0xf000, 8192, MEM + 0xf000, 0)));
        assertEquals(0, p.mm().pinCount());
        assertEquals(0, host.device().liveCount(ResType.MR));
    }

    @Test
    void shouldRejectAnMrWhoseStartAndIovaDifferInPageOffset() {
        context();
        assertEquals(err(Errno.EINVAL), w(Commands.regMr(RESP, pd(), BUF + 1, 64, BUF, 0)));
    }

    @Test
    void shouldRejectRemoteWriteWithoutLocalWrite() {
        context();
        assertEquals(err(Errno.EINVAL), w(Commands.regMr(RESP, pd(), BUF, 64, BUF, AccessFlags.REMOTE_WRITE)));
    }

    @Test
    void shouldPinUserPagesAndTranslateThroughThem() {
        context();
        int pd = pd();
        assertTrue(w(Commands.regMr(RESP, pd, BUF, 8192, 0x7000_0000L, AccessFlags.LOCAL_WRITE)) > 0);
        assertEquals(2, p.mm().pinCount());
        int mr = u32(0);
        // The user mapping goes; the pinned pages stay with the region until it is deregistered.
        assertEquals(0, p.mm().munmap(BUF, 8192));
        assertEquals(2, p.mm().pinCount());
        assertTrue(w(Commands.deregMr(mr)) > 0);
        assertEquals(0, p.mm().pinCount());
    }

    @Test
    void shouldMoveDataBetweenUserBuffersThroughTheDevice() {
        context();
        int pd = pd();
        int cq = cq(16);
        int qp = qp(pd, cq);
        assertTrue(w(Commands.regMr(RESP, pd, BUF, 8192, BUF, AccessFlags.LOCAL_WRITE)) > 0);
        int lkey = u32(4);
        connectLoopback(qp);
        byte[] msg = "hello uverbs".getBytes();
        assertEquals(0, p.mm().copyToUser(BUF + 4000, msg, 0, msg.length));
        assertTrue(w(Commands.postRecv(RESP, qp, 1, BUF + 6000, 64, lkey)) > 0);
        assertTrue(w(Commands.postSend(RESP, qp, 2, WrOpcode.SEND.value(), BUF + 4000, msg.length, lkey)) > 0);
        assertTrue(w(Commands.pollCq(RESP, cq, 4)) > 0);
        assertEquals(2, u32(0));
        byte[] got = new byte[msg.length];
        p.mm().copyFromUser(got, 0, BUF + 6000, msg.length);
        assertArrayEquals(msg, got);
    }

    void connectLoopback(int qp) {
        assertTrue(w(Commands.queryQp(RESP, qp, 0)) > 0);
        ModifyQp init = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)).qpState(1).portNum(1);
        assertTrue(w(Commands.modifyQp(init)) > 0);
        int qpn = qpn(qp);
        ModifyQp rtr = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV,
                QpAttrMask.PATH_MTU, QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC,
                QpAttrMask.MIN_RNR_TIMER)).qpState(2).pathMtu(3).destQpNum(qpn).maxDestRdAtomic(1).minRnrTimer(12);
        rtr.dest().dlid(1).portNum(1);
        assertTrue(w(Commands.modifyQp(rtr)) > 0);
        ModifyQp rts = new ModifyQp().qpHandle(qp).attrMask(QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN,
                QpAttrMask.TIMEOUT, QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC))
                .qpState(3).timeout(14).retryCnt(7).rnrRetry(7).maxRdAtomic(1);
        assertTrue(w(Commands.modifyQp(rts)) > 0);
    }

    int qpn(int qp) {
        assertTrue(w(Commands.queryQp(RESP, qp, 0)) > 0);
        // The query response starts with two qp_dest structs; the QPN is not in it, so ask the file.
        return ((org.ibmodel.core.Qp) host.uverbs0().openFiles().get(0).idrFind(qp).object()).qpNum();
    }

    // ---- device caps --------------------------------------------------------------------

    @Test
    void shouldRejectSizesAboveTheDeviceCaps() {
        context();
        int pd = pd();
        int maxCqe = host.device().attr().maxCqe;
        assertEquals(err(Errno.EINVAL), w(Commands.createCq(RESP, 1, maxCqe + 1, -1)));
        int cq = cq(4);
        assertEquals(err(Errno.EINVAL), w(Commands.resizeCq(RESP, cq, maxCqe + 1)));
        int maxWr = host.device().attr().maxQpWr;
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 1, pd, cq, cq, -1, 2, maxWr + 1, 1)));
        int maxSge = host.device().attr().maxSendSge;
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 1, pd, cq, cq, -1, 2, 4, maxSge + 1)));
        assertEquals(err(Errno.EINVAL), w(Commands.createSrq(RESP, 1, pd, host.device().attr().maxSrqWr + 1, 1)));
        assertEquals(0, host.device().liveCount(ResType.QP));
        assertEquals(0, host.device().liveCount(ResType.SRQ));
    }

    @Test
    void shouldRejectMoreSgesThanTheQpHasWithBadWr() {
        context();
        int pd = pd();
        int cq = cq(4);
        int qp = qp(pd, cq);
        // num_sge 1 against max_send_sge 1 is fine; a WR claiming more SGEs than sge_count is not.
        byte[] c = Commands.postSend(RESP, qp, 1, WrOpcode.SEND.value(), BUF, 8, 0);
        c[8 + 24 + 8] = 2;
        assertEquals(err(Errno.EINVAL), w(c));
    }

    /**
     * ib_uverbs_post_send reads the WR array's extent (-ENOSPC past the write, -EOPNOTSUPP for
     * non-zero bytes after it) before it refuses a wqe_size smaller than struct ib_uverbs_send_wr
     * (Linux commit 1956f0a74ccf, in the stable kernels): a command short of its WRs is -ENOSPC.
     */
    @Test
    void shouldCheckThePostSendLayoutBeforeTheWqeSize() {
        context();
        int pd = pd();
        int cq = cq(4);
        int qp = qp(pd, cq);
        byte[] core = new org.ibmodel.uverbs.abi.IbUserVerbs.PostSend().response(RESP).qpHandle(qp).wrCount(1)
                .sgeCount(0).wqeSize(16).toBytes();
        int resp = org.ibmodel.uverbs.abi.IbUserVerbs.PostSendResp.SIZE;
        assertEquals(err(Errno.ENOSPC), w(Command.write(UverbsApi.POST_SEND, core, resp)),
                "one WR declared, none sent");
        byte[] dirty = new byte[24];
        Arrays.fill(dirty, 16, 24, (byte) 1);
        assertEquals(err(Errno.EOPNOTSUPP), w(Command.write(UverbsApi.POST_SEND, Command.concat(core, dirty), resp)),
                "bytes past the WRs");
        assertEquals(err(Errno.EINVAL), w(Command.write(UverbsApi.POST_SEND, Command.concat(core, new byte[16]), resp)),
                "a WR smaller than struct ib_uverbs_send_wr");
    }

    /**
     * Both post commands kmalloc a wqe_size buffer before reading any WR (ib_uverbs_post_send,
     * ib_uverbs_unmarshall_recv): past the largest kmalloc (4 MiB on x86_64) that fails, -ENOMEM,
     * even for no WRs; at the largest it does not.
     */
    @Test
    void shouldFailAWqeSizePastTheLargestKmallocWithEnomem() {
        context();
        int pd = pd();
        int cq = cq(4);
        int qp = qp(pd, cq);
        long max = 4L << 20;
        for (long size : new long[] {max + 1, 0xffff_ffffL}) {
            byte[] send = new org.ibmodel.uverbs.abi.IbUserVerbs.PostSend().response(RESP).qpHandle(qp).wrCount(0)
                    .sgeCount(0).wqeSize((int) size).toBytes();
            assertEquals(err(Errno.ENOMEM), w(Command.write(UverbsApi.POST_SEND, send,
                    org.ibmodel.uverbs.abi.IbUserVerbs.PostSendResp.SIZE)), "post_send, wqe_size " + size);
            byte[] recv = new org.ibmodel.uverbs.abi.IbUserVerbs.PostRecv().response(RESP).qpHandle(qp).wrCount(0)
                    .sgeCount(0).wqeSize((int) size).toBytes();
            assertEquals(err(Errno.ENOMEM), w(Command.write(UverbsApi.POST_RECV, recv,
                    org.ibmodel.uverbs.abi.IbUserVerbs.PostRecvResp.SIZE)), "post_recv, wqe_size " + size);
        }
        // At the largest the command goes on to the device, as with the smallest wqe_size (this QP
        // is in RESET, which the in-memory device refuses as rxe_post_send does).
        long[] answers = new long[2];
        long[] sizes = {org.ibmodel.uverbs.abi.IbUserVerbs.SendWr.SIZE, max};
        for (int i = 0; i < 2; i++) {
            byte[] send = new org.ibmodel.uverbs.abi.IbUserVerbs.PostSend().response(RESP).qpHandle(qp).wrCount(0)
                    .sgeCount(0).wqeSize((int) sizes[i]).toBytes();
            answers[i] = w(Command.write(UverbsApi.POST_SEND, send,
                    org.ibmodel.uverbs.abi.IbUserVerbs.PostSendResp.SIZE));
        }
        assertEquals(answers[0], answers[1], "post_send, wqe_size " + max);
    }

    /**
     * ib_uverbs_post_send sums num_sge and the SGEs taken so far as u32: a second WR claiming
     * 0xffffffff SGEs after one with 1 wraps the sum to 0, passes the sge_count check, and
     * alloc_wr refuses that many SGEs: -ENOMEM. Alone, the same WR is -EINVAL.
     */
    @Test
    void shouldAnswerAWrappingSgeCountAsTheKernelsAllocationDoes() {
        context();
        int pd = pd();
        int cq = cq(4);
        int qp = qp(pd, cq);
        org.ibmodel.uverbs.abi.IbUserVerbs.PostSend core = new org.ibmodel.uverbs.abi.IbUserVerbs.PostSend()
                .response(RESP).qpHandle(qp).wrCount(2).sgeCount(1)
                .wqeSize(org.ibmodel.uverbs.abi.IbUserVerbs.SendWr.SIZE);
        byte[] one = new org.ibmodel.uverbs.abi.IbUserVerbs.SendWr().wrId(1).numSge(1)
                .opcode(WrOpcode.SEND.value()).toBytes();
        byte[] huge = new org.ibmodel.uverbs.abi.IbUserVerbs.SendWr().wrId(2).numSge(0xffff_ffff)
                .opcode(WrOpcode.SEND.value()).toBytes();
        byte[] sge = new org.ibmodel.uverbs.abi.IbUserVerbs.Sge().addr(BUF).length(8).lkey(0).toBytes();
        int resp = org.ibmodel.uverbs.abi.IbUserVerbs.PostSendResp.SIZE;
        assertEquals(err(Errno.ENOMEM), w(Command.write(UverbsApi.POST_SEND,
                Command.concat(core.toBytes(), one, huge, sge), resp)), "1 + 0xffffffff wraps to 0");
        assertEquals(err(Errno.EINVAL), w(Command.write(UverbsApi.POST_SEND,
                Command.concat(core.toBytes(), huge, one, sge), resp)), "0 + 0xffffffff does not");
    }

    @Test
    void shouldRejectRawPacketQpsWithEpermAndSmiWithEinval() {
        context();
        int pd = pd();
        int cq = cq(4);
        assertEquals(err(Errno.EPERM), w(Commands.createQp(RESP, 1, pd, cq, cq, -1, QpType.RAW_PACKET.value(), 1, 1)));
        assertEquals(err(Errno.EINVAL), w(Commands.createQp(RESP, 1, pd, cq, cq, -1, QpType.SMI.value(), 1, 1)));
    }

    // uverbs_cmd.c create_qp: CAP_NET_RAW (rdma_uattrs_has_raw_cap) lets the request through to a
    // device that makes no raw packet QPs, which refuses it as rxe_qp_chk_init does (-EOPNOTSUPP)
    @Test
    void shouldPassARawPacketQpOfAProcessWithCapNetRawToTheDevice() {
        context();
        int pd = pd();
        int cq = cq(4);
        p.setCapability(Task.CAP_NET_RAW, true);
        assertEquals(err(Errno.EOPNOTSUPP),
                w(Commands.createQp(RESP, 1, pd, cq, cq, -1, QpType.RAW_PACKET.value(), 1, 1)));
        assertEquals(0, host.device().liveCount(ResType.QP));
    }

    // ---- objects in use ------------------------------------------------------------------

    @Test
    void shouldRefuseToDestroyObjectsStillInUseWithEbusy() {
        context();
        int pd = pd();
        int cq = cq(4);
        int qp = qp(pd, cq);
        assertEquals(err(Errno.EBUSY), w(Commands.deallocPd(pd)));
        assertEquals(err(Errno.EBUSY), w(Commands.destroyCq(RESP, cq)));
        assertTrue(w(Commands.createSrq(RESP, 1, pd, 4, 1)) > 0);
        int srq = u32(0);
        assertTrue(w(Commands.createQp(RESP, 1, pd, cq, cq, srq, 2, 4, 1)) > 0);
        assertEquals(err(Errno.EBUSY), w(Commands.destroySrq(RESP, srq)));
        assertEquals(3, host.device().liveCount(ResType.PD) + host.device().liveCount(ResType.CQ)
                + host.device().liveCount(ResType.SRQ));
        assertTrue(w(Commands.destroyQp(RESP, qp)) > 0);
    }

    @Test
    void shouldReportMulticastUnsupported() {
        context();
        assertEquals(err(Errno.EOPNOTSUPP), w(Commands.attachMcast(0)));
        assertEquals(err(Errno.EOPNOTSUPP), w(Commands.detachMcast(0)));
    }

    // ---- event files ---------------------------------------------------------------------

    @Test
    void shouldDeliverACompletionEventWithTheCqUserHandle() {
        context();
        assertTrue(w(Commands.createCompChannel(RESP)) > 0);
        int ch = u32(0);
        int pd = pd();
        assertTrue(w(Commands.createCq(RESP, 0x1234_5678_9abcL, 8, ch)) > 0);
        int cq = u32(0);
        int qp = qp(pd, cq);
        assertTrue(w(Commands.regMr(RESP, pd, BUF, 4096, BUF, AccessFlags.LOCAL_WRITE)) > 0);
        int lkey = u32(4);
        connectLoopback(qp);
        assertTrue(w(Commands.reqNotifyCq(cq, false)) > 0);
        assertEquals(0, p.poll(ch, OpenFile.POLLIN), "nothing queued");
        assertEquals(Errno.EINTR.negative(), p.read(ch, 8).ret(), "a blocking read nothing can end");
        assertEquals(0, p.fcntl(ch, Task.F_SETFL, OpenFile.O_NONBLOCK));
        assertEquals(Errno.EAGAIN.negative(), p.read(ch, 8).ret());
        assertTrue(w(Commands.postRecv(RESP, qp, 1, BUF, 64, lkey)) > 0);
        assertTrue(w(Commands.postSend(RESP, qp, 2, WrOpcode.SEND.value(), BUF + 100, 8, lkey)) > 0);
        assertEquals(OpenFile.POLLIN, p.poll(ch, OpenFile.POLLIN));
        assertEquals(Errno.EINVAL.negative(), p.read(ch, 4).ret());
        OpenFile.ReadResult r = p.read(ch, 8);
        assertEquals(8, r.ret());
        assertEquals(0x1234_5678_9abcL, Le.u64(r.data(), 0));
        assertTrue(w(Commands.destroyQp(RESP, qp)) > 0);
        assertTrue(w(Commands.destroyCq(RESP, cq)) > 0);
        assertEquals(1, u32(0), "comp_events_reported");
    }

    /**
     * poll() and fcntl() of the uverbs files: ib_uverbs_event_poll on the async fd, the access
     * modes F_GETFL reports (the device node opened O_RDWR, event files made O_RDONLY), and the
     * command fd's answers as a file with neither a read nor a poll op.
     */
    @Test
    void shouldAnswerPollAndFcntlAsTheUverbsFilesDo() {
        context();
        int async = u32(0);
        int in = OpenFile.POLLIN | OpenFile.POLLRDNORM;
        assertEquals(OpenFile.O_RDWR, p.fcntl(fd, Task.F_GETFL, 0));
        assertEquals(OpenFile.O_RDONLY, p.fcntl(async, Task.F_GETFL, 0));
        assertEquals(OpenFile.POLLIN | OpenFile.POLLOUT, p.poll(fd, OpenFile.POLLIN | OpenFile.POLLOUT),
                "DEFAULT_POLLMASK");
        assertEquals(Errno.EINVAL.negative(), p.read(fd, 8).ret(), "no read op");
        assertEquals(0, p.poll(async, in), "an empty queue");
        host.device().dispatchEvent(IbEvent.port(host.device(), IbEventType.PORT_ACTIVE, 1));
        host.run();
        assertEquals(in, p.poll(async, in));
        assertEquals(OpenFile.POLLIN, p.poll(async, OpenFile.POLLIN), "only what was asked");
        assertEquals(0, p.fcntl(async, Task.F_SETFL, OpenFile.O_NONBLOCK | OpenFile.O_RDWR));
        assertEquals(OpenFile.O_RDONLY | OpenFile.O_NONBLOCK, p.fcntl(async, Task.F_GETFL, 0),
                "F_SETFL leaves the access mode");
        assertEquals(AsyncEventDesc.SIZE, p.read(async, AsyncEventDesc.SIZE).ret());
        assertEquals(0, p.poll(async, in));
        assertEquals(Errno.EAGAIN.negative(), p.read(async, AsyncEventDesc.SIZE).ret());
        assertEquals(Errno.EINVAL.negative(), p.fcntl(async, Task.F_SETFL, OpenFile.O_DIRECT), "setfl: no O_DIRECT");
        assertEquals(OpenFile.O_RDONLY | OpenFile.O_NONBLOCK, p.fcntl(async, Task.F_GETFL, 0), "and no change");
        assertEquals(Task.FD_CLOEXEC, p.fcntl(async, Task.F_GETFD, 0), "get_unused_fd_flags(O_CLOEXEC)");
        assertEquals(Errno.EFAULT.negative(), p.read(async, -1).ret(), "a count past any buffer");
        assertEquals(0, p.poll(-1, in), "a negative fd is skipped");
        assertEquals(Errno.EBADF.negative(), p.fcntl(99, Task.F_GETFL, 0));
        assertEquals(Errno.EINVAL.negative(), p.fcntl(async, 1234, 0));
        assertEquals(0, p.close(async));
        assertEquals(OpenFile.POLLNVAL, p.poll(async, in), "a closed descriptor");
        assertEquals(0, p.fcntl(p.install(new OpenFile() {
            @Override
            public void release() {
            }
        }), Task.F_GETFL, 0) & OpenFile.O_NONBLOCK, "a new file at the same number starts blocking");
    }

    @Test
    void shouldRejectACompChannelOfAnotherFileWithEbadf() {
        context();
        int fd2 = host.uverbs0().open(p);
        assertTrue(w(p, fd2, Commands.getContext(RESP)) > 0);
        assertTrue(w(p, fd2, Commands.createCompChannel(RESP)) > 0);
        int ch = u32(0);
        assertEquals(err(Errno.EBADF), w(Commands.createCq(RESP, 1, 4, ch)));
        assertEquals(err(Errno.EBADF), w(Commands.createCq(RESP, 1, 4, 77)));
        assertEquals(0, host.device().liveCount(ResType.CQ));
    }

    /**
     * Closing the uverbs file destroys the async event uobject with RDMA_REMOVE_CLOSE, and
     * uverbs_async_event_destroy_uobj (uverbs_std_types_async_fd.c) only unregisters the event
     * handler: the queue is freed by uverbs_async_event_release when the async fd itself goes.
     * A port event queued before stays readable, and the open, empty queue is -EAGAIN (a closed
     * one would be -EIO, ib_uverbs_event_read). Later port events are not queued.
     */
    @Test
    void shouldKeepTheAsyncQueueOpenWhenTheContextIsClosed() {
        context();
        int async = u32(0);
        host.device().dispatchEvent(IbEvent.port(host.device(), IbEventType.PORT_ACTIVE, 1));
        host.run();
        assertEquals(0, p.close(fd));
        OpenFile.ReadResult r = p.read(async, AsyncEventDesc.SIZE);
        assertEquals(AsyncEventDesc.SIZE, r.ret());
        AsyncEventDesc d = new AsyncEventDesc(r.data(), 0);
        assertEquals(1, d.element());
        assertEquals(IbEventType.PORT_ACTIVE.ordinal(), d.eventType());
        assertEquals(0, p.fcntl(async, Task.F_SETFL, OpenFile.O_NONBLOCK));
        assertEquals(Errno.EAGAIN.negative(), p.read(async, AsyncEventDesc.SIZE).ret());
        host.device().dispatchEvent(IbEvent.port(host.device(), IbEventType.PORT_ERR, 1));
        host.run();
        assertEquals(Errno.EAGAIN.negative(), p.read(async, AsyncEventDesc.SIZE).ret());
        assertEquals(0, p.close(async));
    }

    // ---- close ---------------------------------------------------------------------------

    @Test
    void shouldDestroyEverythingOnCloseWhileWorkIsInFlight() {
        context();
        assertTrue(w(Commands.createCompChannel(RESP)) > 0);
        int ch = u32(0);
        int pd = pd();
        assertTrue(w(Commands.createCq(RESP, 9, 16, ch)) > 0);
        int cq = u32(0);
        assertTrue(w(Commands.createSrq(RESP, 1, pd, 4, 1)) > 0);
        int srq = u32(0);
        int qp = qp(pd, cq);
        assertTrue(w(Commands.createQp(RESP, 1, pd, cq, cq, srq, 2, 4, 1)) > 0);
        assertTrue(w(Commands.regMr(RESP, pd, BUF, 4096, BUF, AccessFlags.LOCAL_WRITE)) > 0);
        int lkey = u32(4);
        assertTrue(w(Commands.createAh(RESP, pd, 1, 1)) > 0);
        connectLoopback(qp);
        assertTrue(w(Commands.reqNotifyCq(cq, false)) > 0);
        assertTrue(w(Commands.postRecv(RESP, qp, 1, BUF, 64, lkey)) > 0);
        // Posted, not yet executed: the device's work is still pending when the file closes.
        assertTrue(p.write(fd, Commands.postSend(RESP, qp, 2, WrOpcode.SEND.value(), BUF, 8, lkey)) > 0);
        assertTrue(p.write(fd, Commands.postSrqRecv(RESP, srq, 3, BUF, 64, lkey)) > 0);
        p.exit();
        host.run();
        assertNoObjects();
        assertTrue(host.uverbs0().openFiles().isEmpty());
        assertNull(host.accountingError());
    }

    /** A little-endian u64 as bytes. */
    static final class Le8 {
        static byte[] of(long v) {
            byte[] b = new byte[8];
            Le.u64(b, 0, v);
            return b;
        }
    }
}
