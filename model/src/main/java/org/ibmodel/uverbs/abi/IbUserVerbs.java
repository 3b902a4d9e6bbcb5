// include/uapi/rdma/ib_user_verbs.h: the legacy write() ABI, one flyweight per struct
package org.ibmodel.uverbs.abi;

/**
 * The structs of the uverbs write() ABI as flyweights over a byte array: little-endian like the
 * x86-64 kernel (the header's __u* fields are host order; its one __be32, ex.imm_data of a work
 * completion and of a send WR, is network order), with each field's offset a named
 * constant computed from the C layout (natural alignment, explicit reserved padding). Every
 * struct is sized to a multiple of 8 bytes, as the header requires for 32/64-bit compatibility.
 * Union members of ib_uverbs_send_wr are separate accessors over the same bytes: {@code rkey}
 * (wr.rdma), {@code compare_add}, {@code swap}, {@code atomic_rkey} (wr.atomic), {@code ah},
 * {@code remote_qpn}, {@code remote_qkey} (wr.ud).
 */
public final class IbUserVerbs {
    private IbUserVerbs() {
    }

    /**
     * struct ib_uverbs_ex_cmd_hdr (16 bytes), after struct ib_uverbs_cmd_hdr in an extended
     * command, whose in_words and out_words then count 8-byte words of the core request and
     * response only.
     */
    public static final class ExCmdHdr extends AbiStruct<ExCmdHdr> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int PROVIDER_IN_WORDS_OFFSET = 8;
        public static final int PROVIDER_OUT_WORDS_OFFSET = 10;
        public static final int CMD_HDR_RESERVED_OFFSET = 12;

        public ExCmdHdr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExCmdHdr() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public ExCmdHdr response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int providerInWords() {
            return u16(PROVIDER_IN_WORDS_OFFSET);
        }

        public ExCmdHdr providerInWords(int v) {
            u16(PROVIDER_IN_WORDS_OFFSET, v);
            return this;
        }

        public int providerOutWords() {
            return u16(PROVIDER_OUT_WORDS_OFFSET);
        }

        public ExCmdHdr providerOutWords(int v) {
            u16(PROVIDER_OUT_WORDS_OFFSET, v);
            return this;
        }

        public int cmdHdrReserved() {
            return u32(CMD_HDR_RESERVED_OFFSET);
        }

        public ExCmdHdr cmdHdrReserved(int v) {
            u32(CMD_HDR_RESERVED_OFFSET, v);
            return this;
        }
    }

    /**
     * struct ib_uverbs_ex_create_qp (64 bytes): the legacy request's fields without its response
     * pointer, then comp_mask, create_flags, rwq_ind_tbl_handle and source_qpn.
     */
    public static final class ExCreateQp extends AbiStruct<ExCreateQp> {
        public static final int SIZE = 64;
        /** offsetofend(comp_mask): the least request verify_hdr takes (UAPI_DEF_WRITE_IO_EX). */
        public static final int MIN_SIZE = 52;
        public static final int USER_HANDLE_OFFSET = 0;
        public static final int PD_HANDLE_OFFSET = 8;
        public static final int SEND_CQ_HANDLE_OFFSET = 12;
        public static final int RECV_CQ_HANDLE_OFFSET = 16;
        public static final int SRQ_HANDLE_OFFSET = 20;
        public static final int MAX_SEND_WR_OFFSET = 24;
        public static final int MAX_RECV_WR_OFFSET = 28;
        public static final int MAX_SEND_SGE_OFFSET = 32;
        public static final int MAX_RECV_SGE_OFFSET = 36;
        public static final int MAX_INLINE_DATA_OFFSET = 40;
        public static final int SQ_SIG_ALL_OFFSET = 44;
        public static final int QP_TYPE_OFFSET = 45;
        public static final int IS_SRQ_OFFSET = 46;
        public static final int RESERVED_OFFSET = 47;
        public static final int COMP_MASK_OFFSET = 48;
        public static final int CREATE_FLAGS_OFFSET = 52;
        public static final int RWQ_IND_TBL_HANDLE_OFFSET = 56;
        public static final int SOURCE_QPN_OFFSET = 60;

        public ExCreateQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExCreateQp() {
            this(new byte[SIZE], 0);
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public ExCreateQp userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public ExCreateQp pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }

        public int sendCqHandle() {
            return u32(SEND_CQ_HANDLE_OFFSET);
        }

        public ExCreateQp sendCqHandle(int v) {
            u32(SEND_CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int recvCqHandle() {
            return u32(RECV_CQ_HANDLE_OFFSET);
        }

        public ExCreateQp recvCqHandle(int v) {
            u32(RECV_CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public ExCreateQp srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int maxSendWr() {
            return u32(MAX_SEND_WR_OFFSET);
        }

        public ExCreateQp maxSendWr(int v) {
            u32(MAX_SEND_WR_OFFSET, v);
            return this;
        }

        public int maxRecvWr() {
            return u32(MAX_RECV_WR_OFFSET);
        }

        public ExCreateQp maxRecvWr(int v) {
            u32(MAX_RECV_WR_OFFSET, v);
            return this;
        }

        public int maxSendSge() {
            return u32(MAX_SEND_SGE_OFFSET);
        }

        public ExCreateQp maxSendSge(int v) {
            u32(MAX_SEND_SGE_OFFSET, v);
            return this;
        }

        public int maxRecvSge() {
            return u32(MAX_RECV_SGE_OFFSET);
        }

        public ExCreateQp maxRecvSge(int v) {
            u32(MAX_RECV_SGE_OFFSET, v);
            return this;
        }

        public int maxInlineData() {
            return u32(MAX_INLINE_DATA_OFFSET);
        }

        public ExCreateQp maxInlineData(int v) {
            u32(MAX_INLINE_DATA_OFFSET, v);
            return this;
        }

        public int sqSigAll() {
            return u8(SQ_SIG_ALL_OFFSET);
        }

        public ExCreateQp sqSigAll(int v) {
            u8(SQ_SIG_ALL_OFFSET, v);
            return this;
        }

        public int qpType() {
            return u8(QP_TYPE_OFFSET);
        }

        public ExCreateQp qpType(int v) {
            u8(QP_TYPE_OFFSET, v);
            return this;
        }

        public int isSrq() {
            return u8(IS_SRQ_OFFSET);
        }

        public ExCreateQp isSrq(int v) {
            u8(IS_SRQ_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u8(RESERVED_OFFSET);
        }

        public ExCreateQp reserved(int v) {
            u8(RESERVED_OFFSET, v);
            return this;
        }

        public int compMask() {
            return u32(COMP_MASK_OFFSET);
        }

        public ExCreateQp compMask(int v) {
            u32(COMP_MASK_OFFSET, v);
            return this;
        }

        public int createFlags() {
            return u32(CREATE_FLAGS_OFFSET);
        }

        public ExCreateQp createFlags(int v) {
            u32(CREATE_FLAGS_OFFSET, v);
            return this;
        }

        public int rwqIndTblHandle() {
            return u32(RWQ_IND_TBL_HANDLE_OFFSET);
        }

        public ExCreateQp rwqIndTblHandle(int v) {
            u32(RWQ_IND_TBL_HANDLE_OFFSET, v);
            return this;
        }

        public int sourceQpn() {
            return u32(SOURCE_QPN_OFFSET);
        }

        public ExCreateQp sourceQpn(int v) {
            u32(SOURCE_QPN_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_create_qp_resp (40 bytes): the legacy response, comp_mask, response_length. */
    public static final class ExCreateQpResp extends AbiStruct<ExCreateQpResp> {
        public static final int SIZE = 40;
        public static final int BASE_OFFSET = 0;
        public static final int COMP_MASK_OFFSET = 32;
        public static final int RESPONSE_LENGTH_OFFSET = 36;

        public ExCreateQpResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExCreateQpResp() {
            this(new byte[SIZE], 0);
        }

        public CreateQpResp base() {
            return new CreateQpResp(buf, base + BASE_OFFSET);
        }

        public ExCreateQpResp base(CreateQpResp v) {
            bytes(BASE_OFFSET, v.toBytes());
            return this;
        }

        public int responseLength() {
            return u32(RESPONSE_LENGTH_OFFSET);
        }

        public ExCreateQpResp responseLength(int v) {
            u32(RESPONSE_LENGTH_OFFSET, v);
            return this;
        }
    }

    /**
     * struct ib_uverbs_ex_modify_qp (120 bytes): struct ib_uverbs_modify_qp as {@code base}, then
     * rate_limit and a reserved word.
     */
    public static final class ExModifyQp extends AbiStruct<ExModifyQp> {
        public static final int SIZE = 120;
        public static final int BASE_OFFSET = 0;
        public static final int RATE_LIMIT_OFFSET = 112;
        public static final int RESERVED_OFFSET = 116;

        public ExModifyQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExModifyQp() {
            this(new byte[SIZE], 0);
        }

        public ModifyQp base() {
            return new ModifyQp(buf, base + BASE_OFFSET);
        }

        public ExModifyQp base(ModifyQp v) {
            bytes(BASE_OFFSET, v.toBytes());
            return this;
        }

        public int rateLimit() {
            return u32(RATE_LIMIT_OFFSET);
        }

        public ExModifyQp rateLimit(int v) {
            u32(RATE_LIMIT_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_modify_qp_resp (8 bytes). */
    public static final class ExModifyQpResp extends AbiStruct<ExModifyQpResp> {
        public static final int SIZE = 8;
        public static final int COMP_MASK_OFFSET = 0;
        public static final int RESPONSE_LENGTH_OFFSET = 4;

        public ExModifyQpResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExModifyQpResp() {
            this(new byte[SIZE], 0);
        }

        public int compMask() {
            return u32(COMP_MASK_OFFSET);
        }

        public int responseLength() {
            return u32(RESPONSE_LENGTH_OFFSET);
        }

        public ExModifyQpResp responseLength(int v) {
            u32(RESPONSE_LENGTH_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_query_device (8 bytes). */
    public static final class ExQueryDevice extends AbiStruct<ExQueryDevice> {
        public static final int SIZE = 8;
        public static final int COMP_MASK_OFFSET = 0;
        public static final int RESERVED_OFFSET = 4;

        public ExQueryDevice(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExQueryDevice() {
            this(new byte[SIZE], 0);
        }

        public int compMask() {
            return u32(COMP_MASK_OFFSET);
        }

        public ExQueryDevice compMask(int v) {
            u32(COMP_MASK_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public ExQueryDevice reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /**
     * struct ib_uverbs_ex_query_device_resp (304 bytes): the legacy response as {@code base},
     * then comp_mask and response_length (the bytes the kernel filled), struct
     * ib_uverbs_odp_caps, timestamp_mask, hca_core_clock, device_cap_flags_ex, struct
     * ib_uverbs_rss_caps, max_wq_type_rq, raw_packet_caps, struct ib_uverbs_tm_caps, struct
     * ib_uverbs_cq_moderation_caps, max_dm_size, xrc_odp_caps. Accessors for the fields this
     * model reports; the others keep their offsets as constants.
     */
    public static final class ExQueryDeviceResp extends AbiStruct<ExQueryDeviceResp> {
        public static final int SIZE = 304;
        public static final int BASE_OFFSET = 0;
        public static final int COMP_MASK_OFFSET = 176;
        public static final int RESPONSE_LENGTH_OFFSET = 180;
        public static final int ODP_CAPS_OFFSET = 184;
        public static final int TIMESTAMP_MASK_OFFSET = 208;
        public static final int HCA_CORE_CLOCK_OFFSET = 216;
        public static final int DEVICE_CAP_FLAGS_EX_OFFSET = 224;
        public static final int RSS_CAPS_OFFSET = 232;
        public static final int MAX_WQ_TYPE_RQ_OFFSET = 248;
        public static final int RAW_PACKET_CAPS_OFFSET = 252;
        public static final int TM_CAPS_OFFSET = 256;
        public static final int MAX_CQ_MODERATION_COUNT_OFFSET = 280;
        public static final int MAX_CQ_MODERATION_PERIOD_OFFSET = 282;
        public static final int MAX_DM_SIZE_OFFSET = 288;
        public static final int XRC_ODP_CAPS_OFFSET = 296;
        /** offsetofend(response_length): the least response verify_hdr takes (UAPI_DEF_WRITE_IO_EX). */
        public static final int MIN_SIZE = 184;

        public ExQueryDeviceResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExQueryDeviceResp() {
            this(new byte[SIZE], 0);
        }

        public QueryDeviceResp base() {
            return new QueryDeviceResp(buf, base + BASE_OFFSET);
        }

        public ExQueryDeviceResp base(QueryDeviceResp v) {
            bytes(BASE_OFFSET, v.toBytes());
            return this;
        }

        public int compMask() {
            return u32(COMP_MASK_OFFSET);
        }

        public int responseLength() {
            return u32(RESPONSE_LENGTH_OFFSET);
        }

        public ExQueryDeviceResp responseLength(int v) {
            u32(RESPONSE_LENGTH_OFFSET, v);
            return this;
        }

        public long deviceCapFlagsEx() {
            return u64(DEVICE_CAP_FLAGS_EX_OFFSET);
        }

        public ExQueryDeviceResp deviceCapFlagsEx(long v) {
            u64(DEVICE_CAP_FLAGS_EX_OFFSET, v);
            return this;
        }

        public int maxCqModerationCount() {
            return u16(MAX_CQ_MODERATION_COUNT_OFFSET);
        }

        public ExQueryDeviceResp maxCqModerationCount(int v) {
            u16(MAX_CQ_MODERATION_COUNT_OFFSET, v);
            return this;
        }

        public int maxCqModerationPeriod() {
            return u16(MAX_CQ_MODERATION_PERIOD_OFFSET);
        }

        public ExQueryDeviceResp maxCqModerationPeriod(int v) {
            u16(MAX_CQ_MODERATION_PERIOD_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_modify_cq (16 bytes) with its struct ib_uverbs_cq_moderation attr. */
    public static final class ExModifyCq extends AbiStruct<ExModifyCq> {
        public static final int SIZE = 16;
        public static final int CQ_HANDLE_OFFSET = 0;
        public static final int ATTR_MASK_OFFSET = 4;
        public static final int CQ_COUNT_OFFSET = 8;
        public static final int CQ_PERIOD_OFFSET = 10;
        public static final int RESERVED_OFFSET = 12;
        /** enum ib_uverbs_cq_modify_attr_mask (IB_CQ_MODERATE in the kernel). */
        public static final int ATTR_MODERATE = 1;

        public ExModifyCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExModifyCq() {
            this(new byte[SIZE], 0);
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public ExModifyCq cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int attrMask() {
            return u32(ATTR_MASK_OFFSET);
        }

        public ExModifyCq attrMask(int v) {
            u32(ATTR_MASK_OFFSET, v);
            return this;
        }

        public int cqCount() {
            return u16(CQ_COUNT_OFFSET);
        }

        public ExModifyCq cqCount(int v) {
            u16(CQ_COUNT_OFFSET, v);
            return this;
        }

        public int cqPeriod() {
            return u16(CQ_PERIOD_OFFSET);
        }

        public ExModifyCq cqPeriod(int v) {
            u16(CQ_PERIOD_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public ExModifyCq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_cmd_hdr (8 bytes). */
    public static final class CmdHdr extends AbiStruct<CmdHdr> {
        public static final int SIZE = 8;
        public static final int COMMAND_OFFSET = 0;
        public static final int IN_WORDS_OFFSET = 4;
        public static final int OUT_WORDS_OFFSET = 6;

        public CmdHdr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CmdHdr() {
            this(new byte[SIZE], 0);
        }

        public int command() {
            return u32(COMMAND_OFFSET);
        }

        public CmdHdr command(int v) {
            u32(COMMAND_OFFSET, v);
            return this;
        }

        public int inWords() {
            return u16(IN_WORDS_OFFSET);
        }

        public CmdHdr inWords(int v) {
            u16(IN_WORDS_OFFSET, v);
            return this;
        }

        public int outWords() {
            return u16(OUT_WORDS_OFFSET);
        }

        public CmdHdr outWords(int v) {
            u16(OUT_WORDS_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_async_event_desc (16 bytes). */
    public static final class AsyncEventDesc extends AbiStruct<AsyncEventDesc> {
        public static final int SIZE = 16;
        public static final int ELEMENT_OFFSET = 0;
        public static final int EVENT_TYPE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public AsyncEventDesc(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public AsyncEventDesc() {
            this(new byte[SIZE], 0);
        }

        public long element() {
            return u64(ELEMENT_OFFSET);
        }

        public AsyncEventDesc element(long v) {
            u64(ELEMENT_OFFSET, v);
            return this;
        }

        public int eventType() {
            return u32(EVENT_TYPE_OFFSET);
        }

        public AsyncEventDesc eventType(int v) {
            u32(EVENT_TYPE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public AsyncEventDesc reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_comp_event_desc (8 bytes). */
    public static final class CompEventDesc extends AbiStruct<CompEventDesc> {
        public static final int SIZE = 8;
        public static final int CQ_HANDLE_OFFSET = 0;

        public CompEventDesc(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CompEventDesc() {
            this(new byte[SIZE], 0);
        }

        public long cqHandle() {
            return u64(CQ_HANDLE_OFFSET);
        }

        public CompEventDesc cqHandle(long v) {
            u64(CQ_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_get_context (8 bytes). */
    public static final class GetContext extends AbiStruct<GetContext> {
        public static final int SIZE = 8;
        public static final int RESPONSE_OFFSET = 0;

        public GetContext(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public GetContext() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public GetContext response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_get_context_resp (8 bytes). */
    public static final class GetContextResp extends AbiStruct<GetContextResp> {
        public static final int SIZE = 8;
        public static final int ASYNC_FD_OFFSET = 0;
        public static final int NUM_COMP_VECTORS_OFFSET = 4;

        public GetContextResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public GetContextResp() {
            this(new byte[SIZE], 0);
        }

        public int asyncFd() {
            return u32(ASYNC_FD_OFFSET);
        }

        public GetContextResp asyncFd(int v) {
            u32(ASYNC_FD_OFFSET, v);
            return this;
        }

        public int numCompVectors() {
            return u32(NUM_COMP_VECTORS_OFFSET);
        }

        public GetContextResp numCompVectors(int v) {
            u32(NUM_COMP_VECTORS_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_device (8 bytes). */
    public static final class QueryDevice extends AbiStruct<QueryDevice> {
        public static final int SIZE = 8;
        public static final int RESPONSE_OFFSET = 0;

        public QueryDevice(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryDevice() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public QueryDevice response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_device_resp (176 bytes). */
    public static final class QueryDeviceResp extends AbiStruct<QueryDeviceResp> {
        public static final int SIZE = 176;
        public static final int FW_VER_OFFSET = 0;
        public static final int NODE_GUID_OFFSET = 8;
        public static final int SYS_IMAGE_GUID_OFFSET = 16;
        public static final int MAX_MR_SIZE_OFFSET = 24;
        public static final int PAGE_SIZE_CAP_OFFSET = 32;
        public static final int VENDOR_ID_OFFSET = 40;
        public static final int VENDOR_PART_ID_OFFSET = 44;
        public static final int HW_VER_OFFSET = 48;
        public static final int MAX_QP_OFFSET = 52;
        public static final int MAX_QP_WR_OFFSET = 56;
        public static final int DEVICE_CAP_FLAGS_OFFSET = 60;
        public static final int MAX_SGE_OFFSET = 64;
        public static final int MAX_SGE_RD_OFFSET = 68;
        public static final int MAX_CQ_OFFSET = 72;
        public static final int MAX_CQE_OFFSET = 76;
        public static final int MAX_MR_OFFSET = 80;
        public static final int MAX_PD_OFFSET = 84;
        public static final int MAX_QP_RD_ATOM_OFFSET = 88;
        public static final int MAX_EE_RD_ATOM_OFFSET = 92;
        public static final int MAX_RES_RD_ATOM_OFFSET = 96;
        public static final int MAX_QP_INIT_RD_ATOM_OFFSET = 100;
        public static final int MAX_EE_INIT_RD_ATOM_OFFSET = 104;
        public static final int ATOMIC_CAP_OFFSET = 108;
        public static final int MAX_EE_OFFSET = 112;
        public static final int MAX_RDD_OFFSET = 116;
        public static final int MAX_MW_OFFSET = 120;
        public static final int MAX_RAW_IPV6_QP_OFFSET = 124;
        public static final int MAX_RAW_ETHY_QP_OFFSET = 128;
        public static final int MAX_MCAST_GRP_OFFSET = 132;
        public static final int MAX_MCAST_QP_ATTACH_OFFSET = 136;
        public static final int MAX_TOTAL_MCAST_QP_ATTACH_OFFSET = 140;
        public static final int MAX_AH_OFFSET = 144;
        public static final int MAX_FMR_OFFSET = 148;
        public static final int MAX_MAP_PER_FMR_OFFSET = 152;
        public static final int MAX_SRQ_OFFSET = 156;
        public static final int MAX_SRQ_WR_OFFSET = 160;
        public static final int MAX_SRQ_SGE_OFFSET = 164;
        public static final int MAX_PKEYS_OFFSET = 168;
        public static final int LOCAL_CA_ACK_DELAY_OFFSET = 170;
        public static final int PHYS_PORT_CNT_OFFSET = 171;

        public QueryDeviceResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryDeviceResp() {
            this(new byte[SIZE], 0);
        }

        public long fwVer() {
            return u64(FW_VER_OFFSET);
        }

        public QueryDeviceResp fwVer(long v) {
            u64(FW_VER_OFFSET, v);
            return this;
        }

        /** __be64: stored in network order. */
        public long nodeGuid() {
            return be64(NODE_GUID_OFFSET);
        }

        public QueryDeviceResp nodeGuid(long v) {
            be64(NODE_GUID_OFFSET, v);
            return this;
        }

        /** __be64: stored in network order. */
        public long sysImageGuid() {
            return be64(SYS_IMAGE_GUID_OFFSET);
        }

        public QueryDeviceResp sysImageGuid(long v) {
            be64(SYS_IMAGE_GUID_OFFSET, v);
            return this;
        }

        public long maxMrSize() {
            return u64(MAX_MR_SIZE_OFFSET);
        }

        public QueryDeviceResp maxMrSize(long v) {
            u64(MAX_MR_SIZE_OFFSET, v);
            return this;
        }

        public long pageSizeCap() {
            return u64(PAGE_SIZE_CAP_OFFSET);
        }

        public QueryDeviceResp pageSizeCap(long v) {
            u64(PAGE_SIZE_CAP_OFFSET, v);
            return this;
        }

        public int vendorId() {
            return u32(VENDOR_ID_OFFSET);
        }

        public QueryDeviceResp vendorId(int v) {
            u32(VENDOR_ID_OFFSET, v);
            return this;
        }

        public int vendorPartId() {
            return u32(VENDOR_PART_ID_OFFSET);
        }

        public QueryDeviceResp vendorPartId(int v) {
            u32(VENDOR_PART_ID_OFFSET, v);
            return this;
        }

        public int hwVer() {
            return u32(HW_VER_OFFSET);
        }

        public QueryDeviceResp hwVer(int v) {
            u32(HW_VER_OFFSET, v);
            return this;
        }

        public int maxQp() {
            return u32(MAX_QP_OFFSET);
        }

        public QueryDeviceResp maxQp(int v) {
            u32(MAX_QP_OFFSET, v);
            return this;
        }

        public int maxQpWr() {
            return u32(MAX_QP_WR_OFFSET);
        }

        public QueryDeviceResp maxQpWr(int v) {
            u32(MAX_QP_WR_OFFSET, v);
            return this;
        }

        public int deviceCapFlags() {
            return u32(DEVICE_CAP_FLAGS_OFFSET);
        }

        public QueryDeviceResp deviceCapFlags(int v) {
            u32(DEVICE_CAP_FLAGS_OFFSET, v);
            return this;
        }

        public int maxSge() {
            return u32(MAX_SGE_OFFSET);
        }

        public QueryDeviceResp maxSge(int v) {
            u32(MAX_SGE_OFFSET, v);
            return this;
        }

        public int maxSgeRd() {
            return u32(MAX_SGE_RD_OFFSET);
        }

        public QueryDeviceResp maxSgeRd(int v) {
            u32(MAX_SGE_RD_OFFSET, v);
            return this;
        }

        public int maxCq() {
            return u32(MAX_CQ_OFFSET);
        }

        public QueryDeviceResp maxCq(int v) {
            u32(MAX_CQ_OFFSET, v);
            return this;
        }

        public int maxCqe() {
            return u32(MAX_CQE_OFFSET);
        }

        public QueryDeviceResp maxCqe(int v) {
            u32(MAX_CQE_OFFSET, v);
            return this;
        }

        public int maxMr() {
            return u32(MAX_MR_OFFSET);
        }

        public QueryDeviceResp maxMr(int v) {
            u32(MAX_MR_OFFSET, v);
            return this;
        }

        public int maxPd() {
            return u32(MAX_PD_OFFSET);
        }

        public QueryDeviceResp maxPd(int v) {
            u32(MAX_PD_OFFSET, v);
            return this;
        }

        public int maxQpRdAtom() {
            return u32(MAX_QP_RD_ATOM_OFFSET);
        }

        public QueryDeviceResp maxQpRdAtom(int v) {
            u32(MAX_QP_RD_ATOM_OFFSET, v);
            return this;
        }

        public int maxEeRdAtom() {
            return u32(MAX_EE_RD_ATOM_OFFSET);
        }

        public QueryDeviceResp maxEeRdAtom(int v) {
            u32(MAX_EE_RD_ATOM_OFFSET, v);
            return this;
        }

        public int maxResRdAtom() {
            return u32(MAX_RES_RD_ATOM_OFFSET);
        }

        public QueryDeviceResp maxResRdAtom(int v) {
            u32(MAX_RES_RD_ATOM_OFFSET, v);
            return this;
        }

        public int maxQpInitRdAtom() {
            return u32(MAX_QP_INIT_RD_ATOM_OFFSET);
        }

        public QueryDeviceResp maxQpInitRdAtom(int v) {
            u32(MAX_QP_INIT_RD_ATOM_OFFSET, v);
            return this;
        }

        public int maxEeInitRdAtom() {
            return u32(MAX_EE_INIT_RD_ATOM_OFFSET);
        }

        public QueryDeviceResp maxEeInitRdAtom(int v) {
            u32(MAX_EE_INIT_RD_ATOM_OFFSET, v);
            return this;
        }

        public int atomicCap() {
            return u32(ATOMIC_CAP_OFFSET);
        }

        public QueryDeviceResp atomicCap(int v) {
            u32(ATOMIC_CAP_OFFSET, v);
            return this;
        }

        public int maxEe() {
            return u32(MAX_EE_OFFSET);
        }

        public QueryDeviceResp maxEe(int v) {
            u32(MAX_EE_OFFSET, v);
            return this;
        }

        public int maxRdd() {
            return u32(MAX_RDD_OFFSET);
        }

        public QueryDeviceResp maxRdd(int v) {
            u32(MAX_RDD_OFFSET, v);
            return this;
        }

        public int maxMw() {
            return u32(MAX_MW_OFFSET);
        }

        public QueryDeviceResp maxMw(int v) {
            u32(MAX_MW_OFFSET, v);
            return this;
        }

        public int maxRawIpv6Qp() {
            return u32(MAX_RAW_IPV6_QP_OFFSET);
        }

        public QueryDeviceResp maxRawIpv6Qp(int v) {
            u32(MAX_RAW_IPV6_QP_OFFSET, v);
            return this;
        }

        public int maxRawEthyQp() {
            return u32(MAX_RAW_ETHY_QP_OFFSET);
        }

        public QueryDeviceResp maxRawEthyQp(int v) {
            u32(MAX_RAW_ETHY_QP_OFFSET, v);
            return this;
        }

        public int maxMcastGrp() {
            return u32(MAX_MCAST_GRP_OFFSET);
        }

        public QueryDeviceResp maxMcastGrp(int v) {
            u32(MAX_MCAST_GRP_OFFSET, v);
            return this;
        }

        public int maxMcastQpAttach() {
            return u32(MAX_MCAST_QP_ATTACH_OFFSET);
        }

        public QueryDeviceResp maxMcastQpAttach(int v) {
            u32(MAX_MCAST_QP_ATTACH_OFFSET, v);
            return this;
        }

        public int maxTotalMcastQpAttach() {
            return u32(MAX_TOTAL_MCAST_QP_ATTACH_OFFSET);
        }

        public QueryDeviceResp maxTotalMcastQpAttach(int v) {
            u32(MAX_TOTAL_MCAST_QP_ATTACH_OFFSET, v);
            return this;
        }

        public int maxAh() {
            return u32(MAX_AH_OFFSET);
        }

        public QueryDeviceResp maxAh(int v) {
            u32(MAX_AH_OFFSET, v);
            return this;
        }

        public int maxFmr() {
            return u32(MAX_FMR_OFFSET);
        }

        public QueryDeviceResp maxFmr(int v) {
            u32(MAX_FMR_OFFSET, v);
            return this;
        }

        public int maxMapPerFmr() {
            return u32(MAX_MAP_PER_FMR_OFFSET);
        }

        public QueryDeviceResp maxMapPerFmr(int v) {
            u32(MAX_MAP_PER_FMR_OFFSET, v);
            return this;
        }

        public int maxSrq() {
            return u32(MAX_SRQ_OFFSET);
        }

        public QueryDeviceResp maxSrq(int v) {
            u32(MAX_SRQ_OFFSET, v);
            return this;
        }

        public int maxSrqWr() {
            return u32(MAX_SRQ_WR_OFFSET);
        }

        public QueryDeviceResp maxSrqWr(int v) {
            u32(MAX_SRQ_WR_OFFSET, v);
            return this;
        }

        public int maxSrqSge() {
            return u32(MAX_SRQ_SGE_OFFSET);
        }

        public QueryDeviceResp maxSrqSge(int v) {
            u32(MAX_SRQ_SGE_OFFSET, v);
            return this;
        }

        public int maxPkeys() {
            return u16(MAX_PKEYS_OFFSET);
        }

        public QueryDeviceResp maxPkeys(int v) {
            u16(MAX_PKEYS_OFFSET, v);
            return this;
        }

        public int localCaAckDelay() {
            return u8(LOCAL_CA_ACK_DELAY_OFFSET);
        }

        public QueryDeviceResp localCaAckDelay(int v) {
            u8(LOCAL_CA_ACK_DELAY_OFFSET, v);
            return this;
        }

        public int physPortCnt() {
            return u8(PHYS_PORT_CNT_OFFSET);
        }

        public QueryDeviceResp physPortCnt(int v) {
            u8(PHYS_PORT_CNT_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_port (16 bytes). */
    public static final class QueryPort extends AbiStruct<QueryPort> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int PORT_NUM_OFFSET = 8;

        public QueryPort(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryPort() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public QueryPort response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public QueryPort portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_port_resp (40 bytes). */
    public static final class QueryPortResp extends AbiStruct<QueryPortResp> {
        public static final int SIZE = 40;
        public static final int PORT_CAP_FLAGS_OFFSET = 0;
        public static final int MAX_MSG_SZ_OFFSET = 4;
        public static final int BAD_PKEY_CNTR_OFFSET = 8;
        public static final int QKEY_VIOL_CNTR_OFFSET = 12;
        public static final int GID_TBL_LEN_OFFSET = 16;
        public static final int PKEY_TBL_LEN_OFFSET = 20;
        public static final int LID_OFFSET = 22;
        public static final int SM_LID_OFFSET = 24;
        public static final int STATE_OFFSET = 26;
        public static final int MAX_MTU_OFFSET = 27;
        public static final int ACTIVE_MTU_OFFSET = 28;
        public static final int LMC_OFFSET = 29;
        public static final int MAX_VL_NUM_OFFSET = 30;
        public static final int SM_SL_OFFSET = 31;
        public static final int SUBNET_TIMEOUT_OFFSET = 32;
        public static final int INIT_TYPE_REPLY_OFFSET = 33;
        public static final int ACTIVE_WIDTH_OFFSET = 34;
        public static final int ACTIVE_SPEED_OFFSET = 35;
        public static final int PHYS_STATE_OFFSET = 36;
        public static final int LINK_LAYER_OFFSET = 37;

        public QueryPortResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryPortResp() {
            this(new byte[SIZE], 0);
        }

        public int portCapFlags() {
            return u32(PORT_CAP_FLAGS_OFFSET);
        }

        public QueryPortResp portCapFlags(int v) {
            u32(PORT_CAP_FLAGS_OFFSET, v);
            return this;
        }

        public int maxMsgSz() {
            return u32(MAX_MSG_SZ_OFFSET);
        }

        public QueryPortResp maxMsgSz(int v) {
            u32(MAX_MSG_SZ_OFFSET, v);
            return this;
        }

        public int badPkeyCntr() {
            return u32(BAD_PKEY_CNTR_OFFSET);
        }

        public QueryPortResp badPkeyCntr(int v) {
            u32(BAD_PKEY_CNTR_OFFSET, v);
            return this;
        }

        public int qkeyViolCntr() {
            return u32(QKEY_VIOL_CNTR_OFFSET);
        }

        public QueryPortResp qkeyViolCntr(int v) {
            u32(QKEY_VIOL_CNTR_OFFSET, v);
            return this;
        }

        public int gidTblLen() {
            return u32(GID_TBL_LEN_OFFSET);
        }

        public QueryPortResp gidTblLen(int v) {
            u32(GID_TBL_LEN_OFFSET, v);
            return this;
        }

        public int pkeyTblLen() {
            return u16(PKEY_TBL_LEN_OFFSET);
        }

        public QueryPortResp pkeyTblLen(int v) {
            u16(PKEY_TBL_LEN_OFFSET, v);
            return this;
        }

        public int lid() {
            return u16(LID_OFFSET);
        }

        public QueryPortResp lid(int v) {
            u16(LID_OFFSET, v);
            return this;
        }

        public int smLid() {
            return u16(SM_LID_OFFSET);
        }

        public QueryPortResp smLid(int v) {
            u16(SM_LID_OFFSET, v);
            return this;
        }

        public int state() {
            return u8(STATE_OFFSET);
        }

        public QueryPortResp state(int v) {
            u8(STATE_OFFSET, v);
            return this;
        }

        public int maxMtu() {
            return u8(MAX_MTU_OFFSET);
        }

        public QueryPortResp maxMtu(int v) {
            u8(MAX_MTU_OFFSET, v);
            return this;
        }

        public int activeMtu() {
            return u8(ACTIVE_MTU_OFFSET);
        }

        public QueryPortResp activeMtu(int v) {
            u8(ACTIVE_MTU_OFFSET, v);
            return this;
        }

        public int lmc() {
            return u8(LMC_OFFSET);
        }

        public QueryPortResp lmc(int v) {
            u8(LMC_OFFSET, v);
            return this;
        }

        public int maxVlNum() {
            return u8(MAX_VL_NUM_OFFSET);
        }

        public QueryPortResp maxVlNum(int v) {
            u8(MAX_VL_NUM_OFFSET, v);
            return this;
        }

        public int smSl() {
            return u8(SM_SL_OFFSET);
        }

        public QueryPortResp smSl(int v) {
            u8(SM_SL_OFFSET, v);
            return this;
        }

        public int subnetTimeout() {
            return u8(SUBNET_TIMEOUT_OFFSET);
        }

        public QueryPortResp subnetTimeout(int v) {
            u8(SUBNET_TIMEOUT_OFFSET, v);
            return this;
        }

        public int initTypeReply() {
            return u8(INIT_TYPE_REPLY_OFFSET);
        }

        public QueryPortResp initTypeReply(int v) {
            u8(INIT_TYPE_REPLY_OFFSET, v);
            return this;
        }

        public int activeWidth() {
            return u8(ACTIVE_WIDTH_OFFSET);
        }

        public QueryPortResp activeWidth(int v) {
            u8(ACTIVE_WIDTH_OFFSET, v);
            return this;
        }

        public int activeSpeed() {
            return u8(ACTIVE_SPEED_OFFSET);
        }

        public QueryPortResp activeSpeed(int v) {
            u8(ACTIVE_SPEED_OFFSET, v);
            return this;
        }

        public int physState() {
            return u8(PHYS_STATE_OFFSET);
        }

        public QueryPortResp physState(int v) {
            u8(PHYS_STATE_OFFSET, v);
            return this;
        }

        public int linkLayer() {
            return u8(LINK_LAYER_OFFSET);
        }

        public QueryPortResp linkLayer(int v) {
            u8(LINK_LAYER_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_alloc_pd (8 bytes). */
    public static final class AllocPd extends AbiStruct<AllocPd> {
        public static final int SIZE = 8;
        public static final int RESPONSE_OFFSET = 0;

        public AllocPd(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public AllocPd() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public AllocPd response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_alloc_pd_resp (4 bytes). */
    public static final class AllocPdResp extends AbiStruct<AllocPdResp> {
        public static final int SIZE = 4;
        public static final int PD_HANDLE_OFFSET = 0;

        public AllocPdResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public AllocPdResp() {
            this(new byte[SIZE], 0);
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public AllocPdResp pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_dealloc_pd (4 bytes). */
    public static final class DeallocPd extends AbiStruct<DeallocPd> {
        public static final int SIZE = 4;
        public static final int PD_HANDLE_OFFSET = 0;

        public DeallocPd(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DeallocPd() {
            this(new byte[SIZE], 0);
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public DeallocPd pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_reg_mr (40 bytes). */
    public static final class RegMr extends AbiStruct<RegMr> {
        public static final int SIZE = 40;
        public static final int RESPONSE_OFFSET = 0;
        public static final int START_OFFSET = 8;
        public static final int LENGTH_OFFSET = 16;
        public static final int HCA_VA_OFFSET = 24;
        public static final int PD_HANDLE_OFFSET = 32;
        public static final int ACCESS_FLAGS_OFFSET = 36;

        public RegMr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public RegMr() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public RegMr response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public long start() {
            return u64(START_OFFSET);
        }

        public RegMr start(long v) {
            u64(START_OFFSET, v);
            return this;
        }

        public long length() {
            return u64(LENGTH_OFFSET);
        }

        public RegMr length(long v) {
            u64(LENGTH_OFFSET, v);
            return this;
        }

        public long hcaVa() {
            return u64(HCA_VA_OFFSET);
        }

        public RegMr hcaVa(long v) {
            u64(HCA_VA_OFFSET, v);
            return this;
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public RegMr pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }

        public int accessFlags() {
            return u32(ACCESS_FLAGS_OFFSET);
        }

        public RegMr accessFlags(int v) {
            u32(ACCESS_FLAGS_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_reg_mr_resp (12 bytes). */
    public static final class RegMrResp extends AbiStruct<RegMrResp> {
        public static final int SIZE = 12;
        public static final int MR_HANDLE_OFFSET = 0;
        public static final int LKEY_OFFSET = 4;
        public static final int RKEY_OFFSET = 8;

        public RegMrResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public RegMrResp() {
            this(new byte[SIZE], 0);
        }

        public int mrHandle() {
            return u32(MR_HANDLE_OFFSET);
        }

        public RegMrResp mrHandle(int v) {
            u32(MR_HANDLE_OFFSET, v);
            return this;
        }

        public int lkey() {
            return u32(LKEY_OFFSET);
        }

        public RegMrResp lkey(int v) {
            u32(LKEY_OFFSET, v);
            return this;
        }

        public int rkey() {
            return u32(RKEY_OFFSET);
        }

        public RegMrResp rkey(int v) {
            u32(RKEY_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_dereg_mr (4 bytes). */
    public static final class DeregMr extends AbiStruct<DeregMr> {
        public static final int SIZE = 4;
        public static final int MR_HANDLE_OFFSET = 0;

        public DeregMr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DeregMr() {
            this(new byte[SIZE], 0);
        }

        public int mrHandle() {
            return u32(MR_HANDLE_OFFSET);
        }

        public DeregMr mrHandle(int v) {
            u32(MR_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_comp_channel (8 bytes). */
    public static final class CreateCompChannel extends AbiStruct<CreateCompChannel> {
        public static final int SIZE = 8;
        public static final int RESPONSE_OFFSET = 0;

        public CreateCompChannel(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateCompChannel() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public CreateCompChannel response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_comp_channel_resp (4 bytes). */
    public static final class CreateCompChannelResp extends AbiStruct<CreateCompChannelResp> {
        public static final int SIZE = 4;
        public static final int FD_OFFSET = 0;

        public CreateCompChannelResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateCompChannelResp() {
            this(new byte[SIZE], 0);
        }

        public int fd() {
            return u32(FD_OFFSET);
        }

        public CreateCompChannelResp fd(int v) {
            u32(FD_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_cq (32 bytes). */
    public static final class CreateCq extends AbiStruct<CreateCq> {
        public static final int SIZE = 32;
        public static final int RESPONSE_OFFSET = 0;
        public static final int USER_HANDLE_OFFSET = 8;
        public static final int CQE_OFFSET = 16;
        public static final int COMP_VECTOR_OFFSET = 20;
        public static final int COMP_CHANNEL_OFFSET = 24;
        public static final int RESERVED_OFFSET = 28;

        public CreateCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateCq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public CreateCq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public CreateCq userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int cqe() {
            return u32(CQE_OFFSET);
        }

        public CreateCq cqe(int v) {
            u32(CQE_OFFSET, v);
            return this;
        }

        public int compVector() {
            return u32(COMP_VECTOR_OFFSET);
        }

        public CreateCq compVector(int v) {
            u32(COMP_VECTOR_OFFSET, v);
            return this;
        }

        public int compChannel() {
            return u32(COMP_CHANNEL_OFFSET);
        }

        public CreateCq compChannel(int v) {
            u32(COMP_CHANNEL_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public CreateCq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_create_cq (32 bytes): the extended CREATE_CQ, with comp_mask and flags. */
    public static final class ExCreateCq extends AbiStruct<ExCreateCq> {
        public static final int SIZE = 32;
        public static final int USER_HANDLE_OFFSET = 0;
        public static final int CQE_OFFSET = 8;
        public static final int COMP_VECTOR_OFFSET = 12;
        public static final int COMP_CHANNEL_OFFSET = 16;
        public static final int COMP_MASK_OFFSET = 20;
        public static final int FLAGS_OFFSET = 24;
        public static final int RESERVED_OFFSET = 28;

        public ExCreateCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExCreateCq() {
            this(new byte[SIZE], 0);
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public ExCreateCq userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int cqe() {
            return u32(CQE_OFFSET);
        }

        public ExCreateCq cqe(int v) {
            u32(CQE_OFFSET, v);
            return this;
        }

        public int compVector() {
            return u32(COMP_VECTOR_OFFSET);
        }

        public ExCreateCq compVector(int v) {
            u32(COMP_VECTOR_OFFSET, v);
            return this;
        }

        public int compChannel() {
            return u32(COMP_CHANNEL_OFFSET);
        }

        public ExCreateCq compChannel(int v) {
            u32(COMP_CHANNEL_OFFSET, v);
            return this;
        }

        public int compMask() {
            return u32(COMP_MASK_OFFSET);
        }

        public ExCreateCq compMask(int v) {
            u32(COMP_MASK_OFFSET, v);
            return this;
        }

        public int flags() {
            return u32(FLAGS_OFFSET);
        }

        public ExCreateCq flags(int v) {
            u32(FLAGS_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public ExCreateCq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ex_create_cq_resp (16 bytes): the legacy response as base, comp_mask, response_length. */
    public static final class ExCreateCqResp extends AbiStruct<ExCreateCqResp> {
        public static final int SIZE = 16;
        public static final int BASE_OFFSET = 0;
        public static final int COMP_MASK_OFFSET = 8;
        public static final int RESPONSE_LENGTH_OFFSET = 12;

        public ExCreateCqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ExCreateCqResp() {
            this(new byte[SIZE], 0);
        }

        public CreateCqResp base() {
            return new CreateCqResp(buf, base + BASE_OFFSET);
        }

        public ExCreateCqResp base(CreateCqResp v) {
            bytes(BASE_OFFSET, v.toBytes());
            return this;
        }

        public int responseLength() {
            return u32(RESPONSE_LENGTH_OFFSET);
        }

        public ExCreateCqResp responseLength(int v) {
            u32(RESPONSE_LENGTH_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_cq_resp (8 bytes). */
    public static final class CreateCqResp extends AbiStruct<CreateCqResp> {
        public static final int SIZE = 8;
        public static final int CQ_HANDLE_OFFSET = 0;
        public static final int CQE_OFFSET = 4;

        public CreateCqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateCqResp() {
            this(new byte[SIZE], 0);
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public CreateCqResp cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int cqe() {
            return u32(CQE_OFFSET);
        }

        public CreateCqResp cqe(int v) {
            u32(CQE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_resize_cq (16 bytes). */
    public static final class ResizeCq extends AbiStruct<ResizeCq> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int CQ_HANDLE_OFFSET = 8;
        public static final int CQE_OFFSET = 12;

        public ResizeCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ResizeCq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public ResizeCq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public ResizeCq cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int cqe() {
            return u32(CQE_OFFSET);
        }

        public ResizeCq cqe(int v) {
            u32(CQE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_resize_cq_resp (8 bytes). */
    public static final class ResizeCqResp extends AbiStruct<ResizeCqResp> {
        public static final int SIZE = 8;
        public static final int CQE_OFFSET = 0;
        public static final int RESERVED_OFFSET = 4;

        public ResizeCqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ResizeCqResp() {
            this(new byte[SIZE], 0);
        }

        public int cqe() {
            return u32(CQE_OFFSET);
        }

        public ResizeCqResp cqe(int v) {
            u32(CQE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public ResizeCqResp reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_poll_cq (16 bytes). */
    public static final class PollCq extends AbiStruct<PollCq> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int CQ_HANDLE_OFFSET = 8;
        public static final int NE_OFFSET = 12;

        public PollCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PollCq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public PollCq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public PollCq cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int ne() {
            return u32(NE_OFFSET);
        }

        public PollCq ne(int v) {
            u32(NE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_wc (48 bytes). */
    public static final class Wc extends AbiStruct<Wc> {
        public static final int SIZE = 48;
        public static final int WR_ID_OFFSET = 0;
        public static final int STATUS_OFFSET = 8;
        public static final int OPCODE_OFFSET = 12;
        public static final int VENDOR_ERR_OFFSET = 16;
        public static final int BYTE_LEN_OFFSET = 20;
        public static final int IMM_DATA_OFFSET = 24;
        public static final int QP_NUM_OFFSET = 28;
        public static final int SRC_QP_OFFSET = 32;
        public static final int WC_FLAGS_OFFSET = 36;
        public static final int PKEY_INDEX_OFFSET = 40;
        public static final int SLID_OFFSET = 42;
        public static final int SL_OFFSET = 44;
        public static final int DLID_PATH_BITS_OFFSET = 45;
        public static final int PORT_NUM_OFFSET = 46;
        public static final int RESERVED_OFFSET = 47;

        public Wc(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public Wc() {
            this(new byte[SIZE], 0);
        }

        public long wrId() {
            return u64(WR_ID_OFFSET);
        }

        public Wc wrId(long v) {
            u64(WR_ID_OFFSET, v);
            return this;
        }

        public int status() {
            return u32(STATUS_OFFSET);
        }

        public Wc status(int v) {
            u32(STATUS_OFFSET, v);
            return this;
        }

        public int opcode() {
            return u32(OPCODE_OFFSET);
        }

        public Wc opcode(int v) {
            u32(OPCODE_OFFSET, v);
            return this;
        }

        public int vendorErr() {
            return u32(VENDOR_ERR_OFFSET);
        }

        public Wc vendorErr(int v) {
            u32(VENDOR_ERR_OFFSET, v);
            return this;
        }

        public int byteLen() {
            return u32(BYTE_LEN_OFFSET);
        }

        public Wc byteLen(int v) {
            u32(BYTE_LEN_OFFSET, v);
            return this;
        }

        /** ex.imm_data, a __be32: the bytes in network order, as the kernel copies ib_wc's. */
        public int immData() {
            return be32(IMM_DATA_OFFSET);
        }

        public Wc immData(int v) {
            be32(IMM_DATA_OFFSET, v);
            return this;
        }

        /** ex.invalidate_rkey, the other member of the union: a __u32, host order. */
        public int invalidateRkey() {
            return u32(IMM_DATA_OFFSET);
        }

        public Wc invalidateRkey(int v) {
            u32(IMM_DATA_OFFSET, v);
            return this;
        }

        public int qpNum() {
            return u32(QP_NUM_OFFSET);
        }

        public Wc qpNum(int v) {
            u32(QP_NUM_OFFSET, v);
            return this;
        }

        public int srcQp() {
            return u32(SRC_QP_OFFSET);
        }

        public Wc srcQp(int v) {
            u32(SRC_QP_OFFSET, v);
            return this;
        }

        public int wcFlags() {
            return u32(WC_FLAGS_OFFSET);
        }

        public Wc wcFlags(int v) {
            u32(WC_FLAGS_OFFSET, v);
            return this;
        }

        public int pkeyIndex() {
            return u16(PKEY_INDEX_OFFSET);
        }

        public Wc pkeyIndex(int v) {
            u16(PKEY_INDEX_OFFSET, v);
            return this;
        }

        public int slid() {
            return u16(SLID_OFFSET);
        }

        public Wc slid(int v) {
            u16(SLID_OFFSET, v);
            return this;
        }

        public int sl() {
            return u8(SL_OFFSET);
        }

        public Wc sl(int v) {
            u8(SL_OFFSET, v);
            return this;
        }

        public int dlidPathBits() {
            return u8(DLID_PATH_BITS_OFFSET);
        }

        public Wc dlidPathBits(int v) {
            u8(DLID_PATH_BITS_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public Wc portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u8(RESERVED_OFFSET);
        }

        public Wc reserved(int v) {
            u8(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_poll_cq_resp (8 bytes). */
    public static final class PollCqResp extends AbiStruct<PollCqResp> {
        public static final int SIZE = 8;
        public static final int COUNT_OFFSET = 0;
        public static final int RESERVED_OFFSET = 4;

        public PollCqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PollCqResp() {
            this(new byte[SIZE], 0);
        }

        public int count() {
            return u32(COUNT_OFFSET);
        }

        public PollCqResp count(int v) {
            u32(COUNT_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public PollCqResp reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_req_notify_cq (8 bytes). */
    public static final class ReqNotifyCq extends AbiStruct<ReqNotifyCq> {
        public static final int SIZE = 8;
        public static final int CQ_HANDLE_OFFSET = 0;
        public static final int SOLICITED_ONLY_OFFSET = 4;

        public ReqNotifyCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ReqNotifyCq() {
            this(new byte[SIZE], 0);
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public ReqNotifyCq cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int solicitedOnly() {
            return u32(SOLICITED_ONLY_OFFSET);
        }

        public ReqNotifyCq solicitedOnly(int v) {
            u32(SOLICITED_ONLY_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_cq (16 bytes). */
    public static final class DestroyCq extends AbiStruct<DestroyCq> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int CQ_HANDLE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public DestroyCq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroyCq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public DestroyCq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int cqHandle() {
            return u32(CQ_HANDLE_OFFSET);
        }

        public DestroyCq cqHandle(int v) {
            u32(CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public DestroyCq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_cq_resp (8 bytes). */
    public static final class DestroyCqResp extends AbiStruct<DestroyCqResp> {
        public static final int SIZE = 8;
        public static final int COMP_EVENTS_REPORTED_OFFSET = 0;
        public static final int ASYNC_EVENTS_REPORTED_OFFSET = 4;

        public DestroyCqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroyCqResp() {
            this(new byte[SIZE], 0);
        }

        public int compEventsReported() {
            return u32(COMP_EVENTS_REPORTED_OFFSET);
        }

        public DestroyCqResp compEventsReported(int v) {
            u32(COMP_EVENTS_REPORTED_OFFSET, v);
            return this;
        }

        public int asyncEventsReported() {
            return u32(ASYNC_EVENTS_REPORTED_OFFSET);
        }

        public DestroyCqResp asyncEventsReported(int v) {
            u32(ASYNC_EVENTS_REPORTED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_ah_attr (32 bytes). */
    public static final class AhAttr extends AbiStruct<AhAttr> {
        public static final int SIZE = 32;
        public static final int DGID_OFFSET = 0;
        public static final int FLOW_LABEL_OFFSET = 16;
        public static final int SGID_INDEX_OFFSET = 20;
        public static final int HOP_LIMIT_OFFSET = 21;
        public static final int TRAFFIC_CLASS_OFFSET = 22;
        public static final int GRH_RESERVED_OFFSET = 23;
        public static final int DLID_OFFSET = 24;
        public static final int SL_OFFSET = 26;
        public static final int SRC_PATH_BITS_OFFSET = 27;
        public static final int STATIC_RATE_OFFSET = 28;
        public static final int IS_GLOBAL_OFFSET = 29;
        public static final int PORT_NUM_OFFSET = 30;
        public static final int RESERVED_OFFSET = 31;

        public AhAttr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public AhAttr() {
            this(new byte[SIZE], 0);
        }

        public byte[] dgid() {
            return bytes(DGID_OFFSET, 16);
        }

        public AhAttr dgid(byte[] v) {
            bytes(DGID_OFFSET, v);
            return this;
        }

        public int flowLabel() {
            return u32(FLOW_LABEL_OFFSET);
        }

        public AhAttr flowLabel(int v) {
            u32(FLOW_LABEL_OFFSET, v);
            return this;
        }

        public int sgidIndex() {
            return u8(SGID_INDEX_OFFSET);
        }

        public AhAttr sgidIndex(int v) {
            u8(SGID_INDEX_OFFSET, v);
            return this;
        }

        public int hopLimit() {
            return u8(HOP_LIMIT_OFFSET);
        }

        public AhAttr hopLimit(int v) {
            u8(HOP_LIMIT_OFFSET, v);
            return this;
        }

        public int trafficClass() {
            return u8(TRAFFIC_CLASS_OFFSET);
        }

        public AhAttr trafficClass(int v) {
            u8(TRAFFIC_CLASS_OFFSET, v);
            return this;
        }

        public int grhReserved() {
            return u8(GRH_RESERVED_OFFSET);
        }

        public AhAttr grhReserved(int v) {
            u8(GRH_RESERVED_OFFSET, v);
            return this;
        }

        public int dlid() {
            return u16(DLID_OFFSET);
        }

        public AhAttr dlid(int v) {
            u16(DLID_OFFSET, v);
            return this;
        }

        public int sl() {
            return u8(SL_OFFSET);
        }

        public AhAttr sl(int v) {
            u8(SL_OFFSET, v);
            return this;
        }

        public int srcPathBits() {
            return u8(SRC_PATH_BITS_OFFSET);
        }

        public AhAttr srcPathBits(int v) {
            u8(SRC_PATH_BITS_OFFSET, v);
            return this;
        }

        public int staticRate() {
            return u8(STATIC_RATE_OFFSET);
        }

        public AhAttr staticRate(int v) {
            u8(STATIC_RATE_OFFSET, v);
            return this;
        }

        public int isGlobal() {
            return u8(IS_GLOBAL_OFFSET);
        }

        public AhAttr isGlobal(int v) {
            u8(IS_GLOBAL_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public AhAttr portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u8(RESERVED_OFFSET);
        }

        public AhAttr reserved(int v) {
            u8(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_qp (56 bytes). */
    public static final class CreateQp extends AbiStruct<CreateQp> {
        public static final int SIZE = 56;
        public static final int RESPONSE_OFFSET = 0;
        public static final int USER_HANDLE_OFFSET = 8;
        public static final int PD_HANDLE_OFFSET = 16;
        public static final int SEND_CQ_HANDLE_OFFSET = 20;
        public static final int RECV_CQ_HANDLE_OFFSET = 24;
        public static final int SRQ_HANDLE_OFFSET = 28;
        public static final int MAX_SEND_WR_OFFSET = 32;
        public static final int MAX_RECV_WR_OFFSET = 36;
        public static final int MAX_SEND_SGE_OFFSET = 40;
        public static final int MAX_RECV_SGE_OFFSET = 44;
        public static final int MAX_INLINE_DATA_OFFSET = 48;
        public static final int SQ_SIG_ALL_OFFSET = 52;
        public static final int QP_TYPE_OFFSET = 53;
        public static final int IS_SRQ_OFFSET = 54;
        public static final int RESERVED_OFFSET = 55;

        public CreateQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateQp() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public CreateQp response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public CreateQp userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public CreateQp pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }

        public int sendCqHandle() {
            return u32(SEND_CQ_HANDLE_OFFSET);
        }

        public CreateQp sendCqHandle(int v) {
            u32(SEND_CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int recvCqHandle() {
            return u32(RECV_CQ_HANDLE_OFFSET);
        }

        public CreateQp recvCqHandle(int v) {
            u32(RECV_CQ_HANDLE_OFFSET, v);
            return this;
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public CreateQp srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int maxSendWr() {
            return u32(MAX_SEND_WR_OFFSET);
        }

        public CreateQp maxSendWr(int v) {
            u32(MAX_SEND_WR_OFFSET, v);
            return this;
        }

        public int maxRecvWr() {
            return u32(MAX_RECV_WR_OFFSET);
        }

        public CreateQp maxRecvWr(int v) {
            u32(MAX_RECV_WR_OFFSET, v);
            return this;
        }

        public int maxSendSge() {
            return u32(MAX_SEND_SGE_OFFSET);
        }

        public CreateQp maxSendSge(int v) {
            u32(MAX_SEND_SGE_OFFSET, v);
            return this;
        }

        public int maxRecvSge() {
            return u32(MAX_RECV_SGE_OFFSET);
        }

        public CreateQp maxRecvSge(int v) {
            u32(MAX_RECV_SGE_OFFSET, v);
            return this;
        }

        public int maxInlineData() {
            return u32(MAX_INLINE_DATA_OFFSET);
        }

        public CreateQp maxInlineData(int v) {
            u32(MAX_INLINE_DATA_OFFSET, v);
            return this;
        }

        public int sqSigAll() {
            return u8(SQ_SIG_ALL_OFFSET);
        }

        public CreateQp sqSigAll(int v) {
            u8(SQ_SIG_ALL_OFFSET, v);
            return this;
        }

        public int qpType() {
            return u8(QP_TYPE_OFFSET);
        }

        public CreateQp qpType(int v) {
            u8(QP_TYPE_OFFSET, v);
            return this;
        }

        public int isSrq() {
            return u8(IS_SRQ_OFFSET);
        }

        public CreateQp isSrq(int v) {
            u8(IS_SRQ_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u8(RESERVED_OFFSET);
        }

        public CreateQp reserved(int v) {
            u8(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_qp_resp (32 bytes). */
    public static final class CreateQpResp extends AbiStruct<CreateQpResp> {
        public static final int SIZE = 32;
        public static final int QP_HANDLE_OFFSET = 0;
        public static final int QPN_OFFSET = 4;
        public static final int MAX_SEND_WR_OFFSET = 8;
        public static final int MAX_RECV_WR_OFFSET = 12;
        public static final int MAX_SEND_SGE_OFFSET = 16;
        public static final int MAX_RECV_SGE_OFFSET = 20;
        public static final int MAX_INLINE_DATA_OFFSET = 24;
        public static final int RESERVED_OFFSET = 28;

        public CreateQpResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateQpResp() {
            this(new byte[SIZE], 0);
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public CreateQpResp qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int qpn() {
            return u32(QPN_OFFSET);
        }

        public CreateQpResp qpn(int v) {
            u32(QPN_OFFSET, v);
            return this;
        }

        public int maxSendWr() {
            return u32(MAX_SEND_WR_OFFSET);
        }

        public CreateQpResp maxSendWr(int v) {
            u32(MAX_SEND_WR_OFFSET, v);
            return this;
        }

        public int maxRecvWr() {
            return u32(MAX_RECV_WR_OFFSET);
        }

        public CreateQpResp maxRecvWr(int v) {
            u32(MAX_RECV_WR_OFFSET, v);
            return this;
        }

        public int maxSendSge() {
            return u32(MAX_SEND_SGE_OFFSET);
        }

        public CreateQpResp maxSendSge(int v) {
            u32(MAX_SEND_SGE_OFFSET, v);
            return this;
        }

        public int maxRecvSge() {
            return u32(MAX_RECV_SGE_OFFSET);
        }

        public CreateQpResp maxRecvSge(int v) {
            u32(MAX_RECV_SGE_OFFSET, v);
            return this;
        }

        public int maxInlineData() {
            return u32(MAX_INLINE_DATA_OFFSET);
        }

        public CreateQpResp maxInlineData(int v) {
            u32(MAX_INLINE_DATA_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public CreateQpResp reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_qp_dest (32 bytes). */
    public static final class QpDest extends AbiStruct<QpDest> {
        public static final int SIZE = 32;
        public static final int DGID_OFFSET = 0;
        public static final int FLOW_LABEL_OFFSET = 16;
        public static final int DLID_OFFSET = 20;
        public static final int RESERVED_OFFSET = 22;
        public static final int SGID_INDEX_OFFSET = 24;
        public static final int HOP_LIMIT_OFFSET = 25;
        public static final int TRAFFIC_CLASS_OFFSET = 26;
        public static final int SL_OFFSET = 27;
        public static final int SRC_PATH_BITS_OFFSET = 28;
        public static final int STATIC_RATE_OFFSET = 29;
        public static final int IS_GLOBAL_OFFSET = 30;
        public static final int PORT_NUM_OFFSET = 31;

        public QpDest(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QpDest() {
            this(new byte[SIZE], 0);
        }

        public byte[] dgid() {
            return bytes(DGID_OFFSET, 16);
        }

        public QpDest dgid(byte[] v) {
            bytes(DGID_OFFSET, v);
            return this;
        }

        public int flowLabel() {
            return u32(FLOW_LABEL_OFFSET);
        }

        public QpDest flowLabel(int v) {
            u32(FLOW_LABEL_OFFSET, v);
            return this;
        }

        public int dlid() {
            return u16(DLID_OFFSET);
        }

        public QpDest dlid(int v) {
            u16(DLID_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u16(RESERVED_OFFSET);
        }

        public QpDest reserved(int v) {
            u16(RESERVED_OFFSET, v);
            return this;
        }

        public int sgidIndex() {
            return u8(SGID_INDEX_OFFSET);
        }

        public QpDest sgidIndex(int v) {
            u8(SGID_INDEX_OFFSET, v);
            return this;
        }

        public int hopLimit() {
            return u8(HOP_LIMIT_OFFSET);
        }

        public QpDest hopLimit(int v) {
            u8(HOP_LIMIT_OFFSET, v);
            return this;
        }

        public int trafficClass() {
            return u8(TRAFFIC_CLASS_OFFSET);
        }

        public QpDest trafficClass(int v) {
            u8(TRAFFIC_CLASS_OFFSET, v);
            return this;
        }

        public int sl() {
            return u8(SL_OFFSET);
        }

        public QpDest sl(int v) {
            u8(SL_OFFSET, v);
            return this;
        }

        public int srcPathBits() {
            return u8(SRC_PATH_BITS_OFFSET);
        }

        public QpDest srcPathBits(int v) {
            u8(SRC_PATH_BITS_OFFSET, v);
            return this;
        }

        public int staticRate() {
            return u8(STATIC_RATE_OFFSET);
        }

        public QpDest staticRate(int v) {
            u8(STATIC_RATE_OFFSET, v);
            return this;
        }

        public int isGlobal() {
            return u8(IS_GLOBAL_OFFSET);
        }

        public QpDest isGlobal(int v) {
            u8(IS_GLOBAL_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public QpDest portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_qp (16 bytes). */
    public static final class QueryQp extends AbiStruct<QueryQp> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 8;
        public static final int ATTR_MASK_OFFSET = 12;

        public QueryQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryQp() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public QueryQp response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public QueryQp qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int attrMask() {
            return u32(ATTR_MASK_OFFSET);
        }

        public QueryQp attrMask(int v) {
            u32(ATTR_MASK_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_qp_resp (128 bytes). */
    public static final class QueryQpResp extends AbiStruct<QueryQpResp> {
        public static final int SIZE = 128;
        public static final int DEST_OFFSET = 0;
        public static final int ALT_DEST_OFFSET = 32;
        public static final int MAX_SEND_WR_OFFSET = 64;
        public static final int MAX_RECV_WR_OFFSET = 68;
        public static final int MAX_SEND_SGE_OFFSET = 72;
        public static final int MAX_RECV_SGE_OFFSET = 76;
        public static final int MAX_INLINE_DATA_OFFSET = 80;
        public static final int QKEY_OFFSET = 84;
        public static final int RQ_PSN_OFFSET = 88;
        public static final int SQ_PSN_OFFSET = 92;
        public static final int DEST_QP_NUM_OFFSET = 96;
        public static final int QP_ACCESS_FLAGS_OFFSET = 100;
        public static final int PKEY_INDEX_OFFSET = 104;
        public static final int ALT_PKEY_INDEX_OFFSET = 106;
        public static final int QP_STATE_OFFSET = 108;
        public static final int CUR_QP_STATE_OFFSET = 109;
        public static final int PATH_MTU_OFFSET = 110;
        public static final int PATH_MIG_STATE_OFFSET = 111;
        public static final int SQ_DRAINING_OFFSET = 112;
        public static final int MAX_RD_ATOMIC_OFFSET = 113;
        public static final int MAX_DEST_RD_ATOMIC_OFFSET = 114;
        public static final int MIN_RNR_TIMER_OFFSET = 115;
        public static final int PORT_NUM_OFFSET = 116;
        public static final int TIMEOUT_OFFSET = 117;
        public static final int RETRY_CNT_OFFSET = 118;
        public static final int RNR_RETRY_OFFSET = 119;
        public static final int ALT_PORT_NUM_OFFSET = 120;
        public static final int ALT_TIMEOUT_OFFSET = 121;
        public static final int SQ_SIG_ALL_OFFSET = 122;

        public QueryQpResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QueryQpResp() {
            this(new byte[SIZE], 0);
        }

        public QpDest dest() {
            return new QpDest(buf, base + DEST_OFFSET);
        }

        public QpDest altDest() {
            return new QpDest(buf, base + ALT_DEST_OFFSET);
        }

        public int maxSendWr() {
            return u32(MAX_SEND_WR_OFFSET);
        }

        public QueryQpResp maxSendWr(int v) {
            u32(MAX_SEND_WR_OFFSET, v);
            return this;
        }

        public int maxRecvWr() {
            return u32(MAX_RECV_WR_OFFSET);
        }

        public QueryQpResp maxRecvWr(int v) {
            u32(MAX_RECV_WR_OFFSET, v);
            return this;
        }

        public int maxSendSge() {
            return u32(MAX_SEND_SGE_OFFSET);
        }

        public QueryQpResp maxSendSge(int v) {
            u32(MAX_SEND_SGE_OFFSET, v);
            return this;
        }

        public int maxRecvSge() {
            return u32(MAX_RECV_SGE_OFFSET);
        }

        public QueryQpResp maxRecvSge(int v) {
            u32(MAX_RECV_SGE_OFFSET, v);
            return this;
        }

        public int maxInlineData() {
            return u32(MAX_INLINE_DATA_OFFSET);
        }

        public QueryQpResp maxInlineData(int v) {
            u32(MAX_INLINE_DATA_OFFSET, v);
            return this;
        }

        public int qkey() {
            return u32(QKEY_OFFSET);
        }

        public QueryQpResp qkey(int v) {
            u32(QKEY_OFFSET, v);
            return this;
        }

        public int rqPsn() {
            return u32(RQ_PSN_OFFSET);
        }

        public QueryQpResp rqPsn(int v) {
            u32(RQ_PSN_OFFSET, v);
            return this;
        }

        public int sqPsn() {
            return u32(SQ_PSN_OFFSET);
        }

        public QueryQpResp sqPsn(int v) {
            u32(SQ_PSN_OFFSET, v);
            return this;
        }

        public int destQpNum() {
            return u32(DEST_QP_NUM_OFFSET);
        }

        public QueryQpResp destQpNum(int v) {
            u32(DEST_QP_NUM_OFFSET, v);
            return this;
        }

        public int qpAccessFlags() {
            return u32(QP_ACCESS_FLAGS_OFFSET);
        }

        public QueryQpResp qpAccessFlags(int v) {
            u32(QP_ACCESS_FLAGS_OFFSET, v);
            return this;
        }

        public int pkeyIndex() {
            return u16(PKEY_INDEX_OFFSET);
        }

        public QueryQpResp pkeyIndex(int v) {
            u16(PKEY_INDEX_OFFSET, v);
            return this;
        }

        public int altPkeyIndex() {
            return u16(ALT_PKEY_INDEX_OFFSET);
        }

        public QueryQpResp altPkeyIndex(int v) {
            u16(ALT_PKEY_INDEX_OFFSET, v);
            return this;
        }

        public int qpState() {
            return u8(QP_STATE_OFFSET);
        }

        public QueryQpResp qpState(int v) {
            u8(QP_STATE_OFFSET, v);
            return this;
        }

        public int curQpState() {
            return u8(CUR_QP_STATE_OFFSET);
        }

        public QueryQpResp curQpState(int v) {
            u8(CUR_QP_STATE_OFFSET, v);
            return this;
        }

        public int pathMtu() {
            return u8(PATH_MTU_OFFSET);
        }

        public QueryQpResp pathMtu(int v) {
            u8(PATH_MTU_OFFSET, v);
            return this;
        }

        public int pathMigState() {
            return u8(PATH_MIG_STATE_OFFSET);
        }

        public QueryQpResp pathMigState(int v) {
            u8(PATH_MIG_STATE_OFFSET, v);
            return this;
        }

        public int sqDraining() {
            return u8(SQ_DRAINING_OFFSET);
        }

        public QueryQpResp sqDraining(int v) {
            u8(SQ_DRAINING_OFFSET, v);
            return this;
        }

        public int maxRdAtomic() {
            return u8(MAX_RD_ATOMIC_OFFSET);
        }

        public QueryQpResp maxRdAtomic(int v) {
            u8(MAX_RD_ATOMIC_OFFSET, v);
            return this;
        }

        public int maxDestRdAtomic() {
            return u8(MAX_DEST_RD_ATOMIC_OFFSET);
        }

        public QueryQpResp maxDestRdAtomic(int v) {
            u8(MAX_DEST_RD_ATOMIC_OFFSET, v);
            return this;
        }

        public int minRnrTimer() {
            return u8(MIN_RNR_TIMER_OFFSET);
        }

        public QueryQpResp minRnrTimer(int v) {
            u8(MIN_RNR_TIMER_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public QueryQpResp portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }

        public int timeout() {
            return u8(TIMEOUT_OFFSET);
        }

        public QueryQpResp timeout(int v) {
            u8(TIMEOUT_OFFSET, v);
            return this;
        }

        public int retryCnt() {
            return u8(RETRY_CNT_OFFSET);
        }

        public QueryQpResp retryCnt(int v) {
            u8(RETRY_CNT_OFFSET, v);
            return this;
        }

        public int rnrRetry() {
            return u8(RNR_RETRY_OFFSET);
        }

        public QueryQpResp rnrRetry(int v) {
            u8(RNR_RETRY_OFFSET, v);
            return this;
        }

        public int altPortNum() {
            return u8(ALT_PORT_NUM_OFFSET);
        }

        public QueryQpResp altPortNum(int v) {
            u8(ALT_PORT_NUM_OFFSET, v);
            return this;
        }

        public int altTimeout() {
            return u8(ALT_TIMEOUT_OFFSET);
        }

        public QueryQpResp altTimeout(int v) {
            u8(ALT_TIMEOUT_OFFSET, v);
            return this;
        }

        public int sqSigAll() {
            return u8(SQ_SIG_ALL_OFFSET);
        }

        public QueryQpResp sqSigAll(int v) {
            u8(SQ_SIG_ALL_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_modify_qp (112 bytes). */
    public static final class ModifyQp extends AbiStruct<ModifyQp> {
        public static final int SIZE = 112;
        public static final int DEST_OFFSET = 0;
        public static final int ALT_DEST_OFFSET = 32;
        public static final int QP_HANDLE_OFFSET = 64;
        public static final int ATTR_MASK_OFFSET = 68;
        public static final int QKEY_OFFSET = 72;
        public static final int RQ_PSN_OFFSET = 76;
        public static final int SQ_PSN_OFFSET = 80;
        public static final int DEST_QP_NUM_OFFSET = 84;
        public static final int QP_ACCESS_FLAGS_OFFSET = 88;
        public static final int PKEY_INDEX_OFFSET = 92;
        public static final int ALT_PKEY_INDEX_OFFSET = 94;
        public static final int QP_STATE_OFFSET = 96;
        public static final int CUR_QP_STATE_OFFSET = 97;
        public static final int PATH_MTU_OFFSET = 98;
        public static final int PATH_MIG_STATE_OFFSET = 99;
        public static final int EN_SQD_ASYNC_NOTIFY_OFFSET = 100;
        public static final int MAX_RD_ATOMIC_OFFSET = 101;
        public static final int MAX_DEST_RD_ATOMIC_OFFSET = 102;
        public static final int MIN_RNR_TIMER_OFFSET = 103;
        public static final int PORT_NUM_OFFSET = 104;
        public static final int TIMEOUT_OFFSET = 105;
        public static final int RETRY_CNT_OFFSET = 106;
        public static final int RNR_RETRY_OFFSET = 107;
        public static final int ALT_PORT_NUM_OFFSET = 108;
        public static final int ALT_TIMEOUT_OFFSET = 109;

        public ModifyQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ModifyQp() {
            this(new byte[SIZE], 0);
        }

        public QpDest dest() {
            return new QpDest(buf, base + DEST_OFFSET);
        }

        public QpDest altDest() {
            return new QpDest(buf, base + ALT_DEST_OFFSET);
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public ModifyQp qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int attrMask() {
            return u32(ATTR_MASK_OFFSET);
        }

        public ModifyQp attrMask(int v) {
            u32(ATTR_MASK_OFFSET, v);
            return this;
        }

        public int qkey() {
            return u32(QKEY_OFFSET);
        }

        public ModifyQp qkey(int v) {
            u32(QKEY_OFFSET, v);
            return this;
        }

        public int rqPsn() {
            return u32(RQ_PSN_OFFSET);
        }

        public ModifyQp rqPsn(int v) {
            u32(RQ_PSN_OFFSET, v);
            return this;
        }

        public int sqPsn() {
            return u32(SQ_PSN_OFFSET);
        }

        public ModifyQp sqPsn(int v) {
            u32(SQ_PSN_OFFSET, v);
            return this;
        }

        public int destQpNum() {
            return u32(DEST_QP_NUM_OFFSET);
        }

        public ModifyQp destQpNum(int v) {
            u32(DEST_QP_NUM_OFFSET, v);
            return this;
        }

        public int qpAccessFlags() {
            return u32(QP_ACCESS_FLAGS_OFFSET);
        }

        public ModifyQp qpAccessFlags(int v) {
            u32(QP_ACCESS_FLAGS_OFFSET, v);
            return this;
        }

        public int pkeyIndex() {
            return u16(PKEY_INDEX_OFFSET);
        }

        public ModifyQp pkeyIndex(int v) {
            u16(PKEY_INDEX_OFFSET, v);
            return this;
        }

        public int altPkeyIndex() {
            return u16(ALT_PKEY_INDEX_OFFSET);
        }

        public ModifyQp altPkeyIndex(int v) {
            u16(ALT_PKEY_INDEX_OFFSET, v);
            return this;
        }

        public int qpState() {
            return u8(QP_STATE_OFFSET);
        }

        public ModifyQp qpState(int v) {
            u8(QP_STATE_OFFSET, v);
            return this;
        }

        public int curQpState() {
            return u8(CUR_QP_STATE_OFFSET);
        }

        public ModifyQp curQpState(int v) {
            u8(CUR_QP_STATE_OFFSET, v);
            return this;
        }

        public int pathMtu() {
            return u8(PATH_MTU_OFFSET);
        }

        public ModifyQp pathMtu(int v) {
            u8(PATH_MTU_OFFSET, v);
            return this;
        }

        public int pathMigState() {
            return u8(PATH_MIG_STATE_OFFSET);
        }

        public ModifyQp pathMigState(int v) {
            u8(PATH_MIG_STATE_OFFSET, v);
            return this;
        }

        public int enSqdAsyncNotify() {
            return u8(EN_SQD_ASYNC_NOTIFY_OFFSET);
        }

        public ModifyQp enSqdAsyncNotify(int v) {
            u8(EN_SQD_ASYNC_NOTIFY_OFFSET, v);
            return this;
        }

        public int maxRdAtomic() {
            return u8(MAX_RD_ATOMIC_OFFSET);
        }

        public ModifyQp maxRdAtomic(int v) {
            u8(MAX_RD_ATOMIC_OFFSET, v);
            return this;
        }

        public int maxDestRdAtomic() {
            return u8(MAX_DEST_RD_ATOMIC_OFFSET);
        }

        public ModifyQp maxDestRdAtomic(int v) {
            u8(MAX_DEST_RD_ATOMIC_OFFSET, v);
            return this;
        }

        public int minRnrTimer() {
            return u8(MIN_RNR_TIMER_OFFSET);
        }

        public ModifyQp minRnrTimer(int v) {
            u8(MIN_RNR_TIMER_OFFSET, v);
            return this;
        }

        public int portNum() {
            return u8(PORT_NUM_OFFSET);
        }

        public ModifyQp portNum(int v) {
            u8(PORT_NUM_OFFSET, v);
            return this;
        }

        public int timeout() {
            return u8(TIMEOUT_OFFSET);
        }

        public ModifyQp timeout(int v) {
            u8(TIMEOUT_OFFSET, v);
            return this;
        }

        public int retryCnt() {
            return u8(RETRY_CNT_OFFSET);
        }

        public ModifyQp retryCnt(int v) {
            u8(RETRY_CNT_OFFSET, v);
            return this;
        }

        public int rnrRetry() {
            return u8(RNR_RETRY_OFFSET);
        }

        public ModifyQp rnrRetry(int v) {
            u8(RNR_RETRY_OFFSET, v);
            return this;
        }

        public int altPortNum() {
            return u8(ALT_PORT_NUM_OFFSET);
        }

        public ModifyQp altPortNum(int v) {
            u8(ALT_PORT_NUM_OFFSET, v);
            return this;
        }

        public int altTimeout() {
            return u8(ALT_TIMEOUT_OFFSET);
        }

        public ModifyQp altTimeout(int v) {
            u8(ALT_TIMEOUT_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_qp (16 bytes). */
    public static final class DestroyQp extends AbiStruct<DestroyQp> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public DestroyQp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroyQp() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public DestroyQp response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public DestroyQp qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public DestroyQp reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_qp_resp (4 bytes). */
    public static final class DestroyQpResp extends AbiStruct<DestroyQpResp> {
        public static final int SIZE = 4;
        public static final int EVENTS_REPORTED_OFFSET = 0;

        public DestroyQpResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroyQpResp() {
            this(new byte[SIZE], 0);
        }

        public int eventsReported() {
            return u32(EVENTS_REPORTED_OFFSET);
        }

        public DestroyQpResp eventsReported(int v) {
            u32(EVENTS_REPORTED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_sge (16 bytes). */
    public static final class Sge extends AbiStruct<Sge> {
        public static final int SIZE = 16;
        public static final int ADDR_OFFSET = 0;
        public static final int LENGTH_OFFSET = 8;
        public static final int LKEY_OFFSET = 12;

        public Sge(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public Sge() {
            this(new byte[SIZE], 0);
        }

        public long addr() {
            return u64(ADDR_OFFSET);
        }

        public Sge addr(long v) {
            u64(ADDR_OFFSET, v);
            return this;
        }

        public int length() {
            return u32(LENGTH_OFFSET);
        }

        public Sge length(int v) {
            u32(LENGTH_OFFSET, v);
            return this;
        }

        public int lkey() {
            return u32(LKEY_OFFSET);
        }

        public Sge lkey(int v) {
            u32(LKEY_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_send_wr (56 bytes). */
    public static final class SendWr extends AbiStruct<SendWr> {
        public static final int SIZE = 56;
        public static final int WR_ID_OFFSET = 0;
        public static final int NUM_SGE_OFFSET = 8;
        public static final int OPCODE_OFFSET = 12;
        public static final int SEND_FLAGS_OFFSET = 16;
        public static final int IMM_DATA_OFFSET = 20;
        public static final int REMOTE_ADDR_OFFSET = 24;
        public static final int RKEY_OFFSET = 32;
        public static final int COMPARE_ADD_OFFSET = 32;
        public static final int SWAP_OFFSET = 40;
        public static final int ATOMIC_RKEY_OFFSET = 48;
        public static final int AH_OFFSET = 24;
        public static final int REMOTE_QPN_OFFSET = 28;
        public static final int REMOTE_QKEY_OFFSET = 32;

        public SendWr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public SendWr() {
            this(new byte[SIZE], 0);
        }

        public long wrId() {
            return u64(WR_ID_OFFSET);
        }

        public SendWr wrId(long v) {
            u64(WR_ID_OFFSET, v);
            return this;
        }

        public int numSge() {
            return u32(NUM_SGE_OFFSET);
        }

        public SendWr numSge(int v) {
            u32(NUM_SGE_OFFSET, v);
            return this;
        }

        public int opcode() {
            return u32(OPCODE_OFFSET);
        }

        public SendWr opcode(int v) {
            u32(OPCODE_OFFSET, v);
            return this;
        }

        public int sendFlags() {
            return u32(SEND_FLAGS_OFFSET);
        }

        public SendWr sendFlags(int v) {
            u32(SEND_FLAGS_OFFSET, v);
            return this;
        }

        /** ex.imm_data, a __be32: the bytes in network order, as ib_uverbs_post_send passes them on. */
        public int immData() {
            return be32(IMM_DATA_OFFSET);
        }

        public SendWr immData(int v) {
            be32(IMM_DATA_OFFSET, v);
            return this;
        }

        /** ex.invalidate_rkey, the other member of the union: a __u32, host order. */
        public int invalidateRkey() {
            return u32(IMM_DATA_OFFSET);
        }

        public SendWr invalidateRkey(int v) {
            u32(IMM_DATA_OFFSET, v);
            return this;
        }

        public long remoteAddr() {
            return u64(REMOTE_ADDR_OFFSET);
        }

        public SendWr remoteAddr(long v) {
            u64(REMOTE_ADDR_OFFSET, v);
            return this;
        }

        public int rkey() {
            return u32(RKEY_OFFSET);
        }

        public SendWr rkey(int v) {
            u32(RKEY_OFFSET, v);
            return this;
        }

        public long compareAdd() {
            return u64(COMPARE_ADD_OFFSET);
        }

        public SendWr compareAdd(long v) {
            u64(COMPARE_ADD_OFFSET, v);
            return this;
        }

        public long swap() {
            return u64(SWAP_OFFSET);
        }

        public SendWr swap(long v) {
            u64(SWAP_OFFSET, v);
            return this;
        }

        public int atomicRkey() {
            return u32(ATOMIC_RKEY_OFFSET);
        }

        public SendWr atomicRkey(int v) {
            u32(ATOMIC_RKEY_OFFSET, v);
            return this;
        }

        public int ah() {
            return u32(AH_OFFSET);
        }

        public SendWr ah(int v) {
            u32(AH_OFFSET, v);
            return this;
        }

        public int remoteQpn() {
            return u32(REMOTE_QPN_OFFSET);
        }

        public SendWr remoteQpn(int v) {
            u32(REMOTE_QPN_OFFSET, v);
            return this;
        }

        public int remoteQkey() {
            return u32(REMOTE_QKEY_OFFSET);
        }

        public SendWr remoteQkey(int v) {
            u32(REMOTE_QKEY_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_send (24 bytes). */
    public static final class PostSend extends AbiStruct<PostSend> {
        public static final int SIZE = 24;
        public static final int RESPONSE_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 8;
        public static final int WR_COUNT_OFFSET = 12;
        public static final int SGE_COUNT_OFFSET = 16;
        public static final int WQE_SIZE_OFFSET = 20;

        public PostSend(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostSend() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public PostSend response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public PostSend qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int wrCount() {
            return u32(WR_COUNT_OFFSET);
        }

        public PostSend wrCount(int v) {
            u32(WR_COUNT_OFFSET, v);
            return this;
        }

        public int sgeCount() {
            return u32(SGE_COUNT_OFFSET);
        }

        public PostSend sgeCount(int v) {
            u32(SGE_COUNT_OFFSET, v);
            return this;
        }

        public int wqeSize() {
            return u32(WQE_SIZE_OFFSET);
        }

        public PostSend wqeSize(int v) {
            u32(WQE_SIZE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_send_resp (4 bytes). */
    public static final class PostSendResp extends AbiStruct<PostSendResp> {
        public static final int SIZE = 4;
        public static final int BAD_WR_OFFSET = 0;

        public PostSendResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostSendResp() {
            this(new byte[SIZE], 0);
        }

        public int badWr() {
            return u32(BAD_WR_OFFSET);
        }

        public PostSendResp badWr(int v) {
            u32(BAD_WR_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_recv_wr (16 bytes). */
    public static final class RecvWr extends AbiStruct<RecvWr> {
        public static final int SIZE = 16;
        public static final int WR_ID_OFFSET = 0;
        public static final int NUM_SGE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public RecvWr(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public RecvWr() {
            this(new byte[SIZE], 0);
        }

        public long wrId() {
            return u64(WR_ID_OFFSET);
        }

        public RecvWr wrId(long v) {
            u64(WR_ID_OFFSET, v);
            return this;
        }

        public int numSge() {
            return u32(NUM_SGE_OFFSET);
        }

        public RecvWr numSge(int v) {
            u32(NUM_SGE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public RecvWr reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_recv (24 bytes). */
    public static final class PostRecv extends AbiStruct<PostRecv> {
        public static final int SIZE = 24;
        public static final int RESPONSE_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 8;
        public static final int WR_COUNT_OFFSET = 12;
        public static final int SGE_COUNT_OFFSET = 16;
        public static final int WQE_SIZE_OFFSET = 20;

        public PostRecv(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostRecv() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public PostRecv response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public PostRecv qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int wrCount() {
            return u32(WR_COUNT_OFFSET);
        }

        public PostRecv wrCount(int v) {
            u32(WR_COUNT_OFFSET, v);
            return this;
        }

        public int sgeCount() {
            return u32(SGE_COUNT_OFFSET);
        }

        public PostRecv sgeCount(int v) {
            u32(SGE_COUNT_OFFSET, v);
            return this;
        }

        public int wqeSize() {
            return u32(WQE_SIZE_OFFSET);
        }

        public PostRecv wqeSize(int v) {
            u32(WQE_SIZE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_recv_resp (4 bytes). */
    public static final class PostRecvResp extends AbiStruct<PostRecvResp> {
        public static final int SIZE = 4;
        public static final int BAD_WR_OFFSET = 0;

        public PostRecvResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostRecvResp() {
            this(new byte[SIZE], 0);
        }

        public int badWr() {
            return u32(BAD_WR_OFFSET);
        }

        public PostRecvResp badWr(int v) {
            u32(BAD_WR_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_srq_recv (24 bytes). */
    public static final class PostSrqRecv extends AbiStruct<PostSrqRecv> {
        public static final int SIZE = 24;
        public static final int RESPONSE_OFFSET = 0;
        public static final int SRQ_HANDLE_OFFSET = 8;
        public static final int WR_COUNT_OFFSET = 12;
        public static final int SGE_COUNT_OFFSET = 16;
        public static final int WQE_SIZE_OFFSET = 20;

        public PostSrqRecv(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostSrqRecv() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public PostSrqRecv response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public PostSrqRecv srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int wrCount() {
            return u32(WR_COUNT_OFFSET);
        }

        public PostSrqRecv wrCount(int v) {
            u32(WR_COUNT_OFFSET, v);
            return this;
        }

        public int sgeCount() {
            return u32(SGE_COUNT_OFFSET);
        }

        public PostSrqRecv sgeCount(int v) {
            u32(SGE_COUNT_OFFSET, v);
            return this;
        }

        public int wqeSize() {
            return u32(WQE_SIZE_OFFSET);
        }

        public PostSrqRecv wqeSize(int v) {
            u32(WQE_SIZE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_post_srq_recv_resp (4 bytes). */
    public static final class PostSrqRecvResp extends AbiStruct<PostSrqRecvResp> {
        public static final int SIZE = 4;
        public static final int BAD_WR_OFFSET = 0;

        public PostSrqRecvResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public PostSrqRecvResp() {
            this(new byte[SIZE], 0);
        }

        public int badWr() {
            return u32(BAD_WR_OFFSET);
        }

        public PostSrqRecvResp badWr(int v) {
            u32(BAD_WR_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_ah (56 bytes). */
    public static final class CreateAh extends AbiStruct<CreateAh> {
        public static final int SIZE = 56;
        public static final int RESPONSE_OFFSET = 0;
        public static final int USER_HANDLE_OFFSET = 8;
        public static final int PD_HANDLE_OFFSET = 16;
        public static final int RESERVED_OFFSET = 20;
        public static final int ATTR_OFFSET = 24;

        public CreateAh(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateAh() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public CreateAh response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public CreateAh userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public CreateAh pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public CreateAh reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }

        public AhAttr attr() {
            return new AhAttr(buf, base + ATTR_OFFSET);
        }
    }

    /** struct ib_uverbs_create_ah_resp (4 bytes). */
    public static final class CreateAhResp extends AbiStruct<CreateAhResp> {
        public static final int SIZE = 4;
        public static final int AH_HANDLE_OFFSET = 0;

        public CreateAhResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateAhResp() {
            this(new byte[SIZE], 0);
        }

        public int ahHandle() {
            return u32(AH_HANDLE_OFFSET);
        }

        public CreateAhResp ahHandle(int v) {
            u32(AH_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_ah (4 bytes). */
    public static final class DestroyAh extends AbiStruct<DestroyAh> {
        public static final int SIZE = 4;
        public static final int AH_HANDLE_OFFSET = 0;

        public DestroyAh(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroyAh() {
            this(new byte[SIZE], 0);
        }

        public int ahHandle() {
            return u32(AH_HANDLE_OFFSET);
        }

        public DestroyAh ahHandle(int v) {
            u32(AH_HANDLE_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_attach_mcast (24 bytes). */
    public static final class AttachMcast extends AbiStruct<AttachMcast> {
        public static final int SIZE = 24;
        public static final int GID_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 16;
        public static final int MLID_OFFSET = 20;
        public static final int RESERVED_OFFSET = 22;

        public AttachMcast(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public AttachMcast() {
            this(new byte[SIZE], 0);
        }

        public byte[] gid() {
            return bytes(GID_OFFSET, 16);
        }

        public AttachMcast gid(byte[] v) {
            bytes(GID_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public AttachMcast qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int mlid() {
            return u16(MLID_OFFSET);
        }

        public AttachMcast mlid(int v) {
            u16(MLID_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u16(RESERVED_OFFSET);
        }

        public AttachMcast reserved(int v) {
            u16(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_detach_mcast (24 bytes). */
    public static final class DetachMcast extends AbiStruct<DetachMcast> {
        public static final int SIZE = 24;
        public static final int GID_OFFSET = 0;
        public static final int QP_HANDLE_OFFSET = 16;
        public static final int MLID_OFFSET = 20;
        public static final int RESERVED_OFFSET = 22;

        public DetachMcast(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DetachMcast() {
            this(new byte[SIZE], 0);
        }

        public byte[] gid() {
            return bytes(GID_OFFSET, 16);
        }

        public DetachMcast gid(byte[] v) {
            bytes(GID_OFFSET, v);
            return this;
        }

        public int qpHandle() {
            return u32(QP_HANDLE_OFFSET);
        }

        public DetachMcast qpHandle(int v) {
            u32(QP_HANDLE_OFFSET, v);
            return this;
        }

        public int mlid() {
            return u16(MLID_OFFSET);
        }

        public DetachMcast mlid(int v) {
            u16(MLID_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u16(RESERVED_OFFSET);
        }

        public DetachMcast reserved(int v) {
            u16(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_srq (32 bytes). */
    public static final class CreateSrq extends AbiStruct<CreateSrq> {
        public static final int SIZE = 32;
        public static final int RESPONSE_OFFSET = 0;
        public static final int USER_HANDLE_OFFSET = 8;
        public static final int PD_HANDLE_OFFSET = 16;
        public static final int MAX_WR_OFFSET = 20;
        public static final int MAX_SGE_OFFSET = 24;
        public static final int SRQ_LIMIT_OFFSET = 28;

        public CreateSrq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateSrq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public CreateSrq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public long userHandle() {
            return u64(USER_HANDLE_OFFSET);
        }

        public CreateSrq userHandle(long v) {
            u64(USER_HANDLE_OFFSET, v);
            return this;
        }

        public int pdHandle() {
            return u32(PD_HANDLE_OFFSET);
        }

        public CreateSrq pdHandle(int v) {
            u32(PD_HANDLE_OFFSET, v);
            return this;
        }

        public int maxWr() {
            return u32(MAX_WR_OFFSET);
        }

        public CreateSrq maxWr(int v) {
            u32(MAX_WR_OFFSET, v);
            return this;
        }

        public int maxSge() {
            return u32(MAX_SGE_OFFSET);
        }

        public CreateSrq maxSge(int v) {
            u32(MAX_SGE_OFFSET, v);
            return this;
        }

        public int srqLimit() {
            return u32(SRQ_LIMIT_OFFSET);
        }

        public CreateSrq srqLimit(int v) {
            u32(SRQ_LIMIT_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_create_srq_resp (16 bytes). */
    public static final class CreateSrqResp extends AbiStruct<CreateSrqResp> {
        public static final int SIZE = 16;
        public static final int SRQ_HANDLE_OFFSET = 0;
        public static final int MAX_WR_OFFSET = 4;
        public static final int MAX_SGE_OFFSET = 8;
        public static final int SRQN_OFFSET = 12;

        public CreateSrqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public CreateSrqResp() {
            this(new byte[SIZE], 0);
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public CreateSrqResp srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int maxWr() {
            return u32(MAX_WR_OFFSET);
        }

        public CreateSrqResp maxWr(int v) {
            u32(MAX_WR_OFFSET, v);
            return this;
        }

        public int maxSge() {
            return u32(MAX_SGE_OFFSET);
        }

        public CreateSrqResp maxSge(int v) {
            u32(MAX_SGE_OFFSET, v);
            return this;
        }

        public int srqn() {
            return u32(SRQN_OFFSET);
        }

        public CreateSrqResp srqn(int v) {
            u32(SRQN_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_modify_srq (16 bytes). */
    public static final class ModifySrq extends AbiStruct<ModifySrq> {
        public static final int SIZE = 16;
        public static final int SRQ_HANDLE_OFFSET = 0;
        public static final int ATTR_MASK_OFFSET = 4;
        public static final int MAX_WR_OFFSET = 8;
        public static final int SRQ_LIMIT_OFFSET = 12;

        public ModifySrq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public ModifySrq() {
            this(new byte[SIZE], 0);
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public ModifySrq srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int attrMask() {
            return u32(ATTR_MASK_OFFSET);
        }

        public ModifySrq attrMask(int v) {
            u32(ATTR_MASK_OFFSET, v);
            return this;
        }

        public int maxWr() {
            return u32(MAX_WR_OFFSET);
        }

        public ModifySrq maxWr(int v) {
            u32(MAX_WR_OFFSET, v);
            return this;
        }

        public int srqLimit() {
            return u32(SRQ_LIMIT_OFFSET);
        }

        public ModifySrq srqLimit(int v) {
            u32(SRQ_LIMIT_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_srq (16 bytes). */
    public static final class QuerySrq extends AbiStruct<QuerySrq> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int SRQ_HANDLE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public QuerySrq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QuerySrq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public QuerySrq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public QuerySrq srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public QuerySrq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_query_srq_resp (16 bytes). */
    public static final class QuerySrqResp extends AbiStruct<QuerySrqResp> {
        public static final int SIZE = 16;
        public static final int MAX_WR_OFFSET = 0;
        public static final int MAX_SGE_OFFSET = 4;
        public static final int SRQ_LIMIT_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public QuerySrqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public QuerySrqResp() {
            this(new byte[SIZE], 0);
        }

        public int maxWr() {
            return u32(MAX_WR_OFFSET);
        }

        public QuerySrqResp maxWr(int v) {
            u32(MAX_WR_OFFSET, v);
            return this;
        }

        public int maxSge() {
            return u32(MAX_SGE_OFFSET);
        }

        public QuerySrqResp maxSge(int v) {
            u32(MAX_SGE_OFFSET, v);
            return this;
        }

        public int srqLimit() {
            return u32(SRQ_LIMIT_OFFSET);
        }

        public QuerySrqResp srqLimit(int v) {
            u32(SRQ_LIMIT_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public QuerySrqResp reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_srq (16 bytes). */
    public static final class DestroySrq extends AbiStruct<DestroySrq> {
        public static final int SIZE = 16;
        public static final int RESPONSE_OFFSET = 0;
        public static final int SRQ_HANDLE_OFFSET = 8;
        public static final int RESERVED_OFFSET = 12;

        public DestroySrq(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroySrq() {
            this(new byte[SIZE], 0);
        }

        public long response() {
            return u64(RESPONSE_OFFSET);
        }

        public DestroySrq response(long v) {
            u64(RESPONSE_OFFSET, v);
            return this;
        }

        public int srqHandle() {
            return u32(SRQ_HANDLE_OFFSET);
        }

        public DestroySrq srqHandle(int v) {
            u32(SRQ_HANDLE_OFFSET, v);
            return this;
        }

        public int reserved() {
            return u32(RESERVED_OFFSET);
        }

        public DestroySrq reserved(int v) {
            u32(RESERVED_OFFSET, v);
            return this;
        }
    }

    /** struct ib_uverbs_destroy_srq_resp (4 bytes). */
    public static final class DestroySrqResp extends AbiStruct<DestroySrqResp> {
        public static final int SIZE = 4;
        public static final int EVENTS_REPORTED_OFFSET = 0;

        public DestroySrqResp(byte[] buf, int base) {
            super(buf, base, SIZE);
        }

        public DestroySrqResp() {
            this(new byte[SIZE], 0);
        }

        public int eventsReported() {
            return u32(EVENTS_REPORTED_OFFSET);
        }

        public DestroySrqResp eventsReported(int v) {
            u32(EVENTS_REPORTED_OFFSET, v);
            return this;
        }
    }
}
