// libibverbs/verbs.c, cmd.c, cmd_device.c, cmd_cq.c: struct ibv_context and the verbs on it
package org.ibmodel.verbs;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.uverbs.abi.AbiStruct;
import org.ibmodel.uverbs.abi.Command;
import org.ibmodel.uverbs.abi.IbUserVerbs.AllocPd;
import org.ibmodel.uverbs.abi.IbUserVerbs.AllocPdResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.AsyncEventDesc;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateCompChannel;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateCompChannelResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateCqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExQueryDevice;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExQueryDeviceResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryDevice;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryDeviceResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryPort;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryPortResp;

/**
 * An open device: the command fd every verb writes to, the async-event fd GET_CONTEXT gave,
 * and a response area in the process's memory that each command's {@code response} points at.
 * Objects are named to the kernel by their handles and, in events, by the {@code user_handle}
 * the library gave them at creation (libibverbs passes the object's address; here a number
 * unique within the context).
 */
public final class IbvContext {
    static final int EIO = Errno.EIO.number();
    static final int EINVAL = Errno.EINVAL.number();
    /** The response area: 64 KiB, room for 1365 work completions per POLL_CQ. */
    static final int RESP_BYTES = 16 * 4096;

    private final Ibv ibv;
    private final IbvDevice device;
    private final int cmdFd;
    private final int asyncFd;
    private final int numCompVectors;
    private final long resp;
    private final Map<Long, Object> userHandles = new HashMap<>();
    private long nextUserHandle = 1;
    private boolean closed;

    IbvContext(Ibv ibv, IbvDevice device, int cmdFd, int asyncFd, int numCompVectors, long resp) {
        this.ibv = ibv;
        this.device = device;
        this.cmdFd = cmdFd;
        this.asyncFd = asyncFd;
        this.numCompVectors = numCompVectors;
        this.resp = resp;
    }

    public Ibv ibv() {
        return ibv;
    }

    public IbvDevice device() {
        return device;
    }

    public int cmdFd() {
        return cmdFd;
    }

    public int asyncFd() {
        return asyncFd;
    }

    /** fcntl(async_fd, F_SETFL, flags | O_NONBLOCK): ibv_get_async_event then never sleeps. Returns 0 or errno. */
    public int setNonblocking() {
        return setNonblocking(ibv().task(), asyncFd);
    }

    /** F_GETFL, then F_SETFL with O_NONBLOCK added, as programs do; 0 or the errno of the failing call. */
    static int setNonblocking(Task task, int fd) {
        int flags = task.fcntl(fd, Task.F_GETFL, 0);
        int ret = flags < 0 ? flags : task.fcntl(fd, Task.F_SETFL, flags | OpenFile.O_NONBLOCK);
        return ret < 0 ? -ret : 0;
    }

    public int numCompVectors() {
        return numCompVectors;
    }

    // ---- the command path ----------------------------------------------------------------

    /** Where responses land; each command's response pointer. */
    long resp() {
        return resp;
    }

    /**
     * write() of one command: 0 when the kernel took all of it, else the errno (set too),
     * as cmd.c's {@code if (write(...) != cmd_size) return errno;}. The response area is cleared
     * first, so a failing command leaves zeros, not the last command's answer.
     */
    int execute(int command, byte[] body, int outBytes) {
        ibv.task().mm().clearUser(resp, outBytes);
        byte[] cmd = Command.write(command, body, outBytes);
        long r = ibv.task().write(cmdFd, cmd);
        if (r == cmd.length) {
            return 0;
        }
        return ibv.fail(r < 0 ? (int) -r : EIO);
    }

    int execute(int command, AbiStruct<?> body, int outBytes) {
        return execute(command, body.toBytes(), outBytes);
    }

    /**
     * execute_cmd_write_ex_req (libibverbs/cmd_write.h): an extended command with a request and
     * no response. 0 or the errno, as {@link #execute}.
     */
    int executeExReq(int command, AbiStruct<?> body) {
        return writeEx(Command.writeEx(command, body.toBytes(), 0, 0));
    }

    /**
     * execute_cmd_write_ex: an extended command with its response of {@code outBytes} in the
     * response area, cleared first. 0 or the errno, as {@link #execute}.
     */
    int executeEx(int command, AbiStruct<?> body, int outBytes) {
        ibv.task().mm().clearUser(resp, outBytes);
        return writeEx(Command.writeEx(command, body.toBytes(), resp, outBytes));
    }

    private int writeEx(byte[] cmd) {
        long r = ibv.task().write(cmdFd, cmd);
        if (r == cmd.length) {
            return 0;
        }
        return ibv.fail(r < 0 ? (int) -r : EIO);
    }

    /** The first {@code len} bytes of the response area. */
    byte[] response(int len) {
        byte[] b = new byte[len];
        ibv.task().mm().copyFromUser(b, 0, resp, len);
        return b;
    }

    long register(Object o) {
        long h = nextUserHandle++;
        userHandles.put(h, o);
        return h;
    }

    void unregister(long userHandle) {
        userHandles.remove(userHandle);
    }

    Object byUserHandle(long h) {
        return userHandles.get(h);
    }

    // ---- verbs ---------------------------------------------------------------------------

    /**
     * ibv_query_device: QUERY_DEVICE (ibv_cmd_query_device), every field of the response copied
     * as libibverbs' copy_query_dev_fields does. Returns 0 or errno.
     */
    public int queryDevice(IbvDeviceAttr attr) {
        int ret = execute(IbUserVerbsCmd.QUERY_DEVICE, new QueryDevice().response(resp), QueryDeviceResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        copyQueryDevFields(new QueryDeviceResp(response(QueryDeviceResp.SIZE), 0), attr);
        return 0;
    }

    /**
     * ibv_query_device_ex with no input: EX_QUERY_DEVICE (ibv_cmd_query_device_any over write(),
     * execute_cmd_write_ex), the legacy fields into {@code orig_attr} and, as far as the kernel's
     * response_length says it filled them, device_cap_flags_ex and cq_mod_caps. Returns 0 or errno.
     */
    public int queryDeviceEx(IbvDeviceAttrEx attr) {
        int size = ExQueryDeviceResp.SIZE;
        int ret = executeEx(IbUserVerbsCmd.EX_QUERY_DEVICE, new ExQueryDevice(), size);
        if (ret != 0) {
            return ret;
        }
        ExQueryDeviceResp r = new ExQueryDeviceResp(response(size), 0);
        copyQueryDevFields(r.base(), attr.origAttr);
        attr.compMask = r.compMask();
        int filled = r.responseLength();
        attr.deviceCapFlagsEx = filled >= ExQueryDeviceResp.DEVICE_CAP_FLAGS_EX_OFFSET + 8 ? r.deviceCapFlagsEx() : 0;
        boolean cqCaps = filled >= ExQueryDeviceResp.MAX_CQ_MODERATION_PERIOD_OFFSET + 2;
        attr.maxCqCount = cqCaps ? r.maxCqModerationCount() : 0;
        attr.maxCqPeriod = cqCaps ? r.maxCqModerationPeriod() : 0;
        return 0;
    }

    /** copy_query_dev_fields: every field of the legacy response. */
    private static void copyQueryDevFields(QueryDeviceResp r, IbvDeviceAttr attr) {
        attr.fwVer = r.fwVer();
        attr.nodeGuid = r.nodeGuid();
        attr.sysImageGuid = r.sysImageGuid();
        attr.maxMrSize = r.maxMrSize();
        attr.pageSizeCap = r.pageSizeCap();
        attr.vendorId = r.vendorId();
        attr.vendorPartId = r.vendorPartId();
        attr.hwVer = r.hwVer();
        attr.maxQp = r.maxQp();
        attr.maxQpWr = r.maxQpWr();
        attr.deviceCapFlags = r.deviceCapFlags();
        attr.maxSge = r.maxSge();
        attr.maxSgeRd = r.maxSgeRd();
        attr.maxCq = r.maxCq();
        attr.maxCqe = r.maxCqe();
        attr.maxMr = r.maxMr();
        attr.maxPd = r.maxPd();
        attr.maxQpRdAtom = r.maxQpRdAtom();
        attr.maxEeRdAtom = r.maxEeRdAtom();
        attr.maxResRdAtom = r.maxResRdAtom();
        attr.maxQpInitRdAtom = r.maxQpInitRdAtom();
        attr.maxEeInitRdAtom = r.maxEeInitRdAtom();
        attr.atomicCap = r.atomicCap();
        attr.maxEe = r.maxEe();
        attr.maxRdd = r.maxRdd();
        attr.maxMw = r.maxMw();
        attr.maxRawIpv6Qp = r.maxRawIpv6Qp();
        attr.maxRawEthyQp = r.maxRawEthyQp();
        attr.maxMcastGrp = r.maxMcastGrp();
        attr.maxMcastQpAttach = r.maxMcastQpAttach();
        attr.maxTotalMcastQpAttach = r.maxTotalMcastQpAttach();
        attr.maxAh = r.maxAh();
        attr.maxFmr = r.maxFmr();
        attr.maxMapPerFmr = r.maxMapPerFmr();
        attr.maxSrq = r.maxSrq();
        attr.maxSrqWr = r.maxSrqWr();
        attr.maxSrqSge = r.maxSrqSge();
        attr.maxPkeys = r.maxPkeys();
        attr.localCaAckDelay = r.localCaAckDelay();
        attr.physPortCnt = r.physPortCnt();
    }

    /** ibv_query_port: QUERY_PORT (ibv_cmd_query_port). Returns 0 or errno. */
    public int queryPort(int portNum, IbvPortAttr attr) {
        int ret = execute(IbUserVerbsCmd.QUERY_PORT, new QueryPort().response(resp).portNum(portNum),
                QueryPortResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        QueryPortResp r = new QueryPortResp(response(QueryPortResp.SIZE), 0);
        attr.state = r.state();
        attr.maxMtu = r.maxMtu();
        attr.activeMtu = r.activeMtu();
        attr.gidTblLen = r.gidTblLen();
        attr.portCapFlags = r.portCapFlags();
        attr.maxMsgSz = r.maxMsgSz();
        attr.badPkeyCntr = r.badPkeyCntr();
        attr.qkeyViolCntr = r.qkeyViolCntr();
        attr.pkeyTblLen = r.pkeyTblLen();
        attr.lid = r.lid();
        attr.smLid = r.smLid();
        attr.lmc = r.lmc();
        attr.maxVlNum = r.maxVlNum();
        attr.smSl = r.smSl();
        attr.subnetTimeout = r.subnetTimeout();
        attr.initTypeReply = r.initTypeReply();
        attr.activeWidth = r.activeWidth();
        attr.activeSpeed = r.activeSpeed();
        attr.physState = r.physState();
        attr.linkLayer = r.linkLayer();
        return 0;
    }

    /** ibv_alloc_pd: ALLOC_PD (ibv_cmd_alloc_pd). */
    public IbvPd allocPd() {
        if (execute(IbUserVerbsCmd.ALLOC_PD, new AllocPd().response(resp), AllocPdResp.SIZE) != 0) {
            return null;
        }
        return new IbvPd(this, new AllocPdResp(response(AllocPdResp.SIZE), 0).pdHandle());
    }

    /** ibv_create_comp_channel: CREATE_COMP_CHANNEL; the response is the channel's fd. */
    public IbvCompChannel createCompChannel() {
        if (execute(IbUserVerbsCmd.CREATE_COMP_CHANNEL, new CreateCompChannel().response(resp),
                CreateCompChannelResp.SIZE) != 0) {
            return null;
        }
        return new IbvCompChannel(this, new CreateCompChannelResp(response(CreateCompChannelResp.SIZE), 0).fd());
    }

    /**
     * ibv_create_cq: CREATE_CQ with user_handle naming the CQ in completion and async events and
     * comp_channel the channel's fd or -1 (ibv_cmd_create_cq).
     */
    public IbvCq createCq(int cqe, Object cqContext, IbvCompChannel channel, int compVector) {
        IbvCq cq = new IbvCq(this, cqContext, channel);
        long uh = register(cq);
        int ret = execute(IbUserVerbsCmd.CREATE_CQ, new CreateCq().response(resp).userHandle(uh).cqe(cqe)
                .compVector(compVector).compChannel(channel == null ? -1 : channel.fd()), CreateCqResp.SIZE);
        if (ret != 0) {
            unregister(uh);
            return null;
        }
        CreateCqResp r = new CreateCqResp(response(CreateCqResp.SIZE), 0);
        cq.created(r.cqHandle(), r.cqe(), uh);
        return cq;
    }

    /**
     * ibv_get_async_event: one read() of struct ib_uverbs_async_event_desc from the async fd;
     * the element is the user_handle of the CQ, QP or SRQ, or the port number. With no event
     * queued the read sleeps until one is (the world runs meanwhile); null with errno EAGAIN if
     * the fd was made O_NONBLOCK ({@link #setNonblocking}), EINTR if nothing can ever queue one.
     */
    public IbvAsyncEvent getAsyncEvent() {
        OpenFile.ReadResult rr = ibv.task().read(asyncFd, AsyncEventDesc.SIZE);
        if (rr.ret() != AsyncEventDesc.SIZE) {
            return ibv.failNull(rr.ret() < 0 ? (int) -rr.ret() : EIO);
        }
        AsyncEventDesc d = new AsyncEventDesc(rr.data(), 0);
        IbvEventType type = IbvEventType.ofValue(d.eventType());
        if (type == null) {
            return ibv.failNull(EINVAL);
        }
        Object element = switch (type.scope()) {
            case CQ, QP, SRQ -> byUserHandle(d.element());
            case PORT -> (int) d.element();
            case DEVICE -> null;
        };
        return new IbvAsyncEvent(type, element);
    }

    /** ibv_ack_async_event: counts the event against its object, as the destroy verbs wait for. */
    public void ackAsyncEvent(IbvAsyncEvent event) {
        if (event.element() instanceof IbvCq cq) {
            cq.asyncEventsCompleted++;
        } else if (event.element() instanceof IbvQp qp) {
            qp.eventsCompleted++;
        } else if (event.element() instanceof IbvSrq srq) {
            srq.eventsCompleted++;
        }
    }

    /**
     * ibv_close_device: verbs_uninit_context closes cmd_fd, whose release destroys every object
     * while the async file still takes the events that raises, then async_fd, and returns 0.
     * A context closed already is EBADF (in C, a use after free).
     */
    int close() {
        if (closed) {
            return ibv.fail(Errno.EBADF.number());
        }
        closed = true;
        ibv.task().close(cmdFd);
        ibv.task().close(asyncFd);
        return 0;
    }

    @Override
    public String toString() {
        return "ibv_context " + device.name() + " cmd_fd=" + cmdFd + " async_fd=" + asyncFd;
    }
}
