// docs/HCA.md §3-§8: the byte layouts the device reads and writes
package org.ibmodel.sim.device;

/**
 * The device's declaration of every structure it shares with the driver. Each nested class is
 * one table of docs/HCA.md, named by its section; field names are the document's. The driver
 * declares the same tables on its own (org.ibmodel.hca.Hw); LayoutTest compares both with the
 * document.
 */
public final class Layout {
    /** §4: a context in a mailbox starts after the 8-byte header (optpar, reserved). */
    public static final int CTX = 0x08;
    /** §3.1: a mailbox is one page. */
    public static final int MAILBOX_SIZE = 4096;

    private Layout() {
    }

    private static Field f(String name, int offset, int hi, int lo) {
        return new Field(name, offset, hi, lo);
    }

    private static Field f(String name, int offset, int bit) {
        return new Field(name, offset, bit, bit);
    }

    /** §2.1: BAR0 words the device writes after a catastrophic error. */
    public static final class Catas {
        public static final String SECTION = "2.1";
        public static final Field CAUSE = f("catas_cause", 0x200, 31, 0);
        /** catas_cause values. */
        public static final int CAUSE_INTERNAL = 1;
    }

    /** §2.2 the reset register, BAR0 + 0x300. */
    public static final class Reset {
        public static final String SECTION = "2.2";
        public static final Field SW_RESET = f("sw_reset", 0x300, 0, 0);
    }

    /** §3.1 the HCR, BAR0 + 0x000. */
    public static final class Hcr {
        public static final String SECTION = "3.1";
        public static final Field IN_PARAM_HI = f("in_param[63:32]", 0x00, 31, 0);
        public static final Field IN_PARAM_LO = f("in_param[31:0]", 0x04, 31, 0);
        public static final Field IN_MODIFIER = f("in_modifier", 0x08, 31, 0);
        public static final Field OUT_PARAM_HI = f("out_param[63:32]", 0x0c, 31, 0);
        public static final Field OUT_PARAM_LO = f("out_param[31:0]", 0x10, 31, 0);
        public static final Field TOKEN = f("token", 0x14, 31, 16);
        public static final Field STATUS = f("status", 0x18, 31, 24);
        public static final Field GO = f("go", 0x18, 23);
        public static final Field E = f("e", 0x18, 22);
        public static final Field T = f("t", 0x18, 21);
        public static final Field OPCODE_MODIFIER = f("opcode_modifier", 0x18, 15, 12);
        public static final Field OPCODE = f("opcode", 0x18, 11, 0);
        /** The word whose write with go set starts a command. */
        public static final int GO_WORD = 0x18;
    }

    /** §3.4 */
    public static final class QueryFw {
        public static final String SECTION = "3.4";
        public static final Field FW_REV_MAJOR = f("fw_rev_major", 0x00, 31, 16);
        public static final Field FW_REV_MINOR = f("fw_rev_minor", 0x00, 15, 0);
        public static final Field FW_REV_SUBMINOR = f("fw_rev_subminor", 0x04, 31, 16);
        public static final Field CMD_INTERFACE_REV = f("cmd_interface_rev", 0x04, 15, 0);
        public static final Field LOG_MAX_CMD = f("log_max_cmd", 0x08, 7, 0);
    }

    /** §3.5 */
    public static final class DevCap {
        public static final String SECTION = "3.5";
        public static final Field MAX_QP = f("max_qp", 0x00, 31, 0);
        public static final Field MAX_QP_WR = f("max_qp_wr", 0x04, 31, 0);
        public static final Field MAX_CQ = f("max_cq", 0x08, 31, 0);
        public static final Field MAX_CQE = f("max_cqe", 0x0c, 31, 0);
        public static final Field MAX_MPT = f("max_mpt", 0x10, 31, 0);
        public static final Field MAX_PD = f("max_pd", 0x14, 31, 0);
        public static final Field MAX_EQ = f("max_eq", 0x18, 31, 0);
        public static final Field MAX_SEND_SGE = f("max_send_sge", 0x1c, 31, 16);
        public static final Field MAX_RECV_SGE = f("max_recv_sge", 0x1c, 15, 0);
        public static final Field MAX_QP_RD_ATOM = f("max_qp_rd_atom", 0x20, 31, 16);
        public static final Field MAX_QP_INIT_RD_ATOM = f("max_qp_init_rd_atom", 0x20, 15, 0);
        public static final Field MAX_SRQ = f("max_srq", 0x24, 31, 0);
        public static final Field MAX_SRQ_WR = f("max_srq_wr", 0x28, 31, 0);
        public static final Field MAX_SRQ_SGE = f("max_srq_sge", 0x2c, 31, 0);
        public static final Field NUM_PORTS = f("num_ports", 0x30, 31, 24);
        public static final Field MAX_MTU = f("max_mtu", 0x30, 23, 16);
        public static final Field PKEY_TABLE_LEN = f("pkey_table_len", 0x30, 15, 0);
        public static final Field LOCAL_CA_ACK_DELAY = f("local_ca_ack_delay", 0x34, 23, 16);
        public static final Field GID_TABLE_LEN = f("gid_table_len", 0x34, 15, 0);
        public static final Field MAX_INLINE_DATA = f("max_inline_data", 0x38, 31, 0);
        public static final Field FIRST_QPN = f("first_qpn", 0x3c, 31, 0);
        public static final Field NODE_GUID = f("node_guid", 0x40, 63, 0);
        public static final Field SYS_IMAGE_GUID = f("sys_image_guid", 0x48, 63, 0);
        public static final Field VENDOR_ID = f("vendor_id", 0x50, 31, 16);
        public static final Field VENDOR_PART_ID = f("vendor_part_id", 0x50, 15, 0);
        public static final Field MAX_MCG = f("max_mcg", 0x54, 31, 0);
        public static final Field FIRST_MPT = f("first_mpt", 0x58, 31, 0);
    }

    /** §3.6 */
    public static final class InitHca {
        public static final String SECTION = "3.6";
        public static final Field NUM_QP = f("num_qp", 0x00, 31, 0);
        public static final Field NUM_CQ = f("num_cq", 0x04, 31, 0);
        public static final Field NUM_MPT = f("num_mpt", 0x08, 31, 0);
        public static final Field NUM_EQ = f("num_eq", 0x0c, 31, 0);
        public static final Field NUM_SRQ = f("num_srq", 0x10, 31, 0);
        public static final Field NUM_MCG = f("num_mcg", 0x14, 31, 0);
        public static final Field MCG_HASH_SIZE = f("mcg_hash_size", 0x18, 31, 0);
    }

    /** §3.7 QUERY_PORT outbox and SET_PORT inbox. */
    public static final class PortInfo {
        public static final String SECTION = "3.7";
        public static final Field PORT_STATE = f("port_state", 0x00, 31, 28);
        public static final Field PHYS_STATE = f("phys_state", 0x00, 27, 24);
        public static final Field ACTIVE_MTU = f("active_mtu", 0x00, 23, 16);
        public static final Field ACTIVE_WIDTH = f("active_width", 0x00, 15, 8);
        public static final Field ACTIVE_SPEED = f("active_speed", 0x00, 7, 0);
        public static final Field LID = f("lid", 0x04, 31, 16);
        public static final Field SM_LID = f("sm_lid", 0x04, 15, 0);
        public static final Field LMC = f("lmc", 0x08, 31, 29);
        public static final Field SM_SL = f("sm_sl", 0x08, 27, 24);
        public static final Field SUBNET_TIMEOUT = f("subnet_timeout", 0x08, 20, 16);
        public static final Field SET_PKEY = f("set_pkey", 0x08, 0);
        public static final Field SET_GID = f("set_gid", 0x08, 1);
        public static final Field CLIENT_REREGISTER = f("client_reregister", 0x08, 2);
        public static final Field GID_PREFIX = f("gid_prefix", 0x10, 63, 0);
        public static final Field PORT_GUID = f("port_guid", 0x18, 63, 0);
        /** Entry i is the (1 - i % 2) half of the word at PKEY.offset + 4 * (i / 2). */
        public static final Field PKEY = f("pkey[0..n)", 0x20, 15, 0);
    }

    /** §3.8 the MAD of a MAD_IFC inbox or outbox: common header and SMP fields. */
    public static final class Mad {
        public static final String SECTION = "3.8";
        public static final int SIZE = 256;
        /** Where the SMP's attribute starts; it is 64 bytes. */
        public static final int DATA = 0x40;
        public static final int DATA_SIZE = 64;
        public static final Field BASE_VERSION = f("base_version", 0x00, 31, 24);
        public static final Field MGMT_CLASS = f("mgmt_class", 0x00, 23, 16);
        public static final Field CLASS_VERSION = f("class_version", 0x00, 15, 8);
        public static final Field METHOD = f("method", 0x00, 7, 0);
        public static final Field STATUS = f("status", 0x04, 31, 16);
        public static final Field TID = f("tid", 0x08, 63, 0);
        public static final Field ATTR_ID = f("attr_id", 0x10, 31, 16);
        public static final Field ATTR_MOD = f("attr_mod", 0x14, 31, 0);
        public static final Field M_KEY = f("m_key", 0x18, 63, 0);
        public static final Field DR_SLID = f("dr_slid", 0x20, 31, 16);
        public static final Field DR_DLID = f("dr_dlid", 0x20, 15, 0);
    }

    /** §3.9, offsets from {@link Mad#DATA}. */
    public static final class NodeInfo {
        public static final String SECTION = "3.9";
        public static final Field BASE_VERSION = f("base_version", 0x00, 31, 24);
        public static final Field CLASS_VERSION = f("class_version", 0x00, 23, 16);
        public static final Field NODE_TYPE = f("node_type", 0x00, 15, 8);
        public static final Field NUM_PORTS = f("num_ports", 0x00, 7, 0);
        public static final Field SYS_IMAGE_GUID = f("sys_image_guid", 0x04, 63, 0);
        public static final Field NODE_GUID = f("node_guid", 0x0c, 63, 0);
        public static final Field PORT_GUID = f("port_guid", 0x14, 63, 0);
        public static final Field PARTITION_CAP = f("partition_cap", 0x1c, 31, 16);
        public static final Field DEVICE_ID = f("device_id", 0x1c, 15, 0);
        public static final Field REVISION = f("revision", 0x20, 31, 0);
        public static final Field LOCAL_PORT_NUM = f("local_port_num", 0x24, 31, 24);
        public static final Field VENDOR_ID = f("vendor_id", 0x24, 23, 0);
    }

    /** §3.10 the PortInfo attribute, offsets from {@link Mad#DATA}. */
    public static final class SmpPortInfo {
        public static final String SECTION = "3.10";
        public static final Field M_KEY = f("m_key", 0x00, 63, 0);
        public static final Field GID_PREFIX = f("gid_prefix", 0x08, 63, 0);
        public static final Field LID = f("lid", 0x10, 31, 16);
        public static final Field MASTER_SM_LID = f("master_sm_lid", 0x10, 15, 0);
        public static final Field CAPABILITY_MASK = f("capability_mask", 0x14, 31, 0);
        public static final Field LOCAL_PORT_NUM = f("local_port_num", 0x1c, 31, 24);
        public static final Field LINK_WIDTH_ENABLED = f("link_width_enabled", 0x1c, 23, 16);
        public static final Field LINK_WIDTH_SUPPORTED = f("link_width_supported", 0x1c, 15, 8);
        public static final Field LINK_WIDTH_ACTIVE = f("link_width_active", 0x1c, 7, 0);
        public static final Field LINK_SPEED_SUPPORTED = f("link_speed_supported", 0x20, 31, 28);
        public static final Field PORT_STATE = f("port_state", 0x20, 27, 24);
        public static final Field PORT_PHYS_STATE = f("port_phys_state", 0x20, 23, 20);
        public static final Field LINK_DOWN_DEFAULT_STATE = f("link_down_default_state", 0x20, 19, 16);
        public static final Field LMC = f("lmc", 0x20, 10, 8);
        public static final Field LINK_SPEED_ACTIVE = f("link_speed_active", 0x20, 7, 4);
        public static final Field LINK_SPEED_ENABLED = f("link_speed_enabled", 0x20, 3, 0);
        public static final Field NEIGHBOR_MTU = f("neighbor_mtu", 0x24, 31, 28);
        public static final Field MASTER_SM_SL = f("master_sm_sl", 0x24, 27, 24);
        public static final Field VL_CAP = f("vl_cap", 0x24, 23, 20);
        public static final Field INIT_TYPE_REPLY = f("init_type_reply", 0x28, 23, 20);
        public static final Field MTU_CAP = f("mtu_cap", 0x28, 19, 16);
        public static final Field OPERATIONAL_VLS = f("operational_vls", 0x28, 7, 4);
        public static final Field P_KEY_VIOLATIONS = f("p_key_violations", 0x2c, 15, 0);
        public static final Field Q_KEY_VIOLATIONS = f("q_key_violations", 0x30, 31, 16);
        public static final Field GUID_CAP = f("guid_cap", 0x30, 15, 8);
        public static final Field SUBNET_TIMEOUT = f("subnet_timeout", 0x30, 4, 0);
        public static final Field LINK_SPEED_EXT_ACTIVE = f("link_speed_ext_active", 0x3c, 15, 12);
        public static final Field LINK_SPEED_EXT_SUPPORTED = f("link_speed_ext_supported", 0x3c, 11, 8);
        public static final Field LINK_SPEED_EXT_ENABLED = f("link_speed_ext_enabled", 0x3c, 4, 0);
    }

    /** §3.12 PortCounters, offsets from {@link Mad#DATA}. */
    public static final class PortCounters {
        public static final String SECTION = "3.12";
        public static final Field PORT_SELECT = f("port_select", 0x00, 23, 16);
        public static final Field COUNTER_SELECT = f("counter_select", 0x00, 15, 0);
        public static final Field SYMBOL_ERROR_COUNTER = f("symbol_error_counter", 0x04, 31, 16);
        public static final Field LINK_ERROR_RECOVERY_COUNTER = f("link_error_recovery_counter", 0x04, 15, 8);
        public static final Field LINK_DOWNED_COUNTER = f("link_downed_counter", 0x04, 7, 0);
        public static final Field PORT_RCV_ERRORS = f("port_rcv_errors", 0x08, 31, 16);
        public static final Field PORT_RCV_REMOTE_PHYSICAL_ERRORS = f("port_rcv_remote_physical_errors", 0x08, 15, 0);
        public static final Field PORT_RCV_SWITCH_RELAY_ERRORS = f("port_rcv_switch_relay_errors", 0x0c, 31, 16);
        public static final Field PORT_XMIT_DISCARDS = f("port_xmit_discards", 0x0c, 15, 0);
        public static final Field PORT_XMIT_CONSTRAINT_ERRORS = f("port_xmit_constraint_errors", 0x10, 31, 24);
        public static final Field PORT_RCV_CONSTRAINT_ERRORS = f("port_rcv_constraint_errors", 0x10, 23, 16);
        /** Bit 0 would select port_xmit_wait for a Set; the agent ignores it (port_xmit_wait stays 0). */
        public static final Field COUNTER_SELECT2 = f("counter_select2", 0x10, 15, 8);
        public static final Field LOCAL_LINK_INTEGRITY_ERRORS = f("local_link_integrity_errors", 0x10, 7, 4);
        public static final Field EXCESSIVE_BUFFER_OVERRUN_ERRORS = f("excessive_buffer_overrun_errors", 0x10, 3, 0);
        public static final Field VL15_DROPPED = f("vl15_dropped", 0x14, 15, 0);
        public static final Field PORT_XMIT_DATA = f("port_xmit_data", 0x18, 31, 0);
        public static final Field PORT_RCV_DATA = f("port_rcv_data", 0x1c, 31, 0);
        public static final Field PORT_XMIT_PACKETS = f("port_xmit_packets", 0x20, 31, 0);
        public static final Field PORT_RCV_PACKETS = f("port_rcv_packets", 0x24, 31, 0);
        public static final Field PORT_XMIT_WAIT = f("port_xmit_wait", 0x28, 31, 0);
    }

    /** §3.13 PortCountersExtended, offsets from {@link Mad#DATA}. */
    public static final class PortCountersExt {
        public static final String SECTION = "3.13";
        public static final Field PORT_SELECT = f("ext_port_select", 0x00, 23, 16);
        public static final Field COUNTER_SELECT = f("ext_counter_select", 0x00, 15, 0);
        public static final Field PORT_XMIT_DATA = f("ext_port_xmit_data", 0x08, 63, 0);
        public static final Field PORT_RCV_DATA = f("ext_port_rcv_data", 0x10, 63, 0);
        public static final Field PORT_XMIT_PACKETS = f("ext_port_xmit_packets", 0x18, 63, 0);
        public static final Field PORT_RCV_PACKETS = f("ext_port_rcv_packets", 0x20, 63, 0);
        public static final Field PORT_UNICAST_XMIT_PACKETS = f("port_unicast_xmit_packets", 0x28, 63, 0);
        public static final Field PORT_UNICAST_RCV_PACKETS = f("port_unicast_rcv_packets", 0x30, 63, 0);
        public static final Field PORT_MULTICAST_XMIT_PACKETS = f("port_multicast_xmit_packets", 0x38, 63, 0);
        public static final Field PORT_MULTICAST_RCV_PACKETS = f("port_multicast_rcv_packets", 0x40, 63, 0);
    }

    /** §3.14 the performance agent's ClassPortInfo, offsets from {@link Mad#DATA}. */
    public static final class PmaClassPortInfo {
        public static final String SECTION = "3.14";
        public static final Field BASE_VERSION = f("cpi_base_version", 0x00, 31, 24);
        public static final Field CLASS_VERSION = f("cpi_class_version", 0x00, 23, 16);
        public static final Field CAPABILITY_MASK = f("capability_mask", 0x00, 15, 0);
        public static final Field RESP_TIME_VALUE = f("resp_time_value", 0x04, 4, 0);
    }

    /**
     * §3.15 Mellanox's vendor ExtendedPortInfo attribute (0xff90), offsets from {@link Mad#DATA}:
     * opensm's ib_mlnx_ext_port_info_t; bit 0 of the speed fields is FDR10.
     */
    public static final class ExtPortInfo {
        public static final String SECTION = "3.15";
        public static final Field STATE_CHANGE_ENABLE = f("state_change_enable", 0x00, 7, 0);
        public static final Field LINK_SPEED_SUPPORTED = f("link_speed_supported", 0x04, 7, 0);
        public static final Field LINK_SPEED_ENABLED = f("link_speed_enabled", 0x08, 7, 0);
        public static final Field LINK_SPEED_ACTIVE = f("link_speed_active", 0x0c, 7, 0);
    }

    /** §3.11 a multicast group entry (MGM or AMGM), the mailbox of READ_MGM and WRITE_MGM. */
    public static final class Mgm {
        public static final String SECTION = "3.11";
        public static final int SIZE = 64;
        /** QPs one entry holds, one word each from {@link #QP}. */
        public static final int QPS = 8;
        public static final Field NEXT_GID_INDEX = f("next_gid_index", 0x00, 31, 6);
        public static final Field MGID_PREFIX = f("mgid_prefix", 0x10, 63, 0);
        public static final Field MGID_INTERFACE_ID = f("mgid_interface_id", 0x18, 63, 0);
        public static final Field QP_VALID = f("qp_valid", 0x20, 31);
        public static final Field QP_BLOCK_LOOPBACK = f("block_loopback", 0x20, 30);
        public static final Field QP = f("qpn", 0x20, 23, 0);
    }

    /** §4.1 */
    public static final class Mpt {
        public static final String SECTION = "4.1";
        public static final int SIZE = 64;
        public static final Field VALID = f("valid", 0x00, 31);
        public static final Field FREE = f("free", 0x00, 30);
        public static final Field FAST_REG = f("fast_reg", 0x00, 10);
        public static final Field PHYSICAL = f("physical", 0x00, 8);
        public static final Field ATOMIC = f("atomic", 0x00, 4);
        public static final Field REMOTE_WRITE = f("remote_write", 0x00, 3);
        public static final Field REMOTE_READ = f("remote_read", 0x00, 2);
        public static final Field LOCAL_WRITE = f("local_write", 0x00, 1);
        public static final Field KEY = f("key", 0x04, 31, 0);
        public static final Field PD = f("pd", 0x08, 23, 0);
        public static final Field START = f("start", 0x10, 63, 0);
        public static final Field LENGTH = f("length", 0x18, 63, 0);
        public static final Field MTT_ADDR = f("mtt_addr", 0x20, 63, 0);
        public static final Field MTT_ENTRIES = f("mtt_entries", 0x28, 31, 0);
        public static final Field LOG_PAGE_SIZE = f("log_page_size", 0x2c, 4, 0);
    }

    /** §4.2 */
    public static final class WriteMtt {
        public static final String SECTION = "4.2";
        public static final Field MTT_ADDR = f("mtt_addr", 0x08, 63, 0);
        public static final Field COUNT = f("count", 0x10, 31, 0);
        /** Entry i is at ENTRY.offset + 8 * i. */
        public static final Field ENTRY = f("entry i", 0x18, 63, 0);
    }

    /** §4.3 */
    public static final class EqCtx {
        public static final String SECTION = "4.3";
        public static final int SIZE = 32;
        public static final Field STATE = f("state", 0x00, 31, 28);
        public static final Field LOG_SIZE = f("log_size", 0x04, 28, 24);
        public static final Field MSIX_VECTOR = f("msix_vector", 0x04, 15, 0);
        public static final Field BUFFER = f("buffer address", 0x08, 63, 0);
        public static final Field CONSUMER_INDEX = f("consumer_index", 0x10, 23, 0);
        public static final Field PRODUCER_INDEX = f("producer_index", 0x14, 23, 0);
    }

    /** §4.4 */
    public static final class CqCtx {
        public static final String SECTION = "4.4";
        public static final int SIZE = 32;
        public static final Field STATE = f("state", 0x00, 31, 28);
        public static final Field LOG_SIZE = f("log_size", 0x04, 28, 24);
        public static final Field COMP_EQN = f("comp_eqn", 0x04, 15, 0);
        public static final Field BUFFER = f("buffer address", 0x08, 63, 0);
        public static final Field DB_RECORD = f("db_record", 0x10, 63, 0);
        public static final Field PRODUCER_INDEX = f("producer_index", 0x18, 23, 0);
        public static final Field CQ_PERIOD = f("cq_period", 0x1c, 31, 16);
        public static final Field CQ_MAX_COUNT = f("cq_max_count", 0x1c, 15, 0);
    }

    /** §4.5 */
    public static final class QpCtx {
        public static final String SECTION = "4.5";
        public static final int SIZE = 160;
        public static final Field STATE = f("state", 0x00, 31, 28);
        public static final Field SERVICE_TYPE = f("service type", 0x00, 23, 16);
        public static final Field PM_STATE = f("pm_state", 0x00, 12, 11);
        /** pm_state values (mthca's MTHCA_QP_PM_*). */
        public static final int PM_ARMED = 0;
        public static final int PM_REARM = 1;
        public static final int PM_MIGRATED = 3;
        /** Read only: in SQD, set until the last WQE in progress completes (mlx4's SQ_DRAINING state). */
        public static final Field SQ_DRAINING = f("sq_draining", 0x00, 1);
        public static final Field EN_SQD_ASYNC_NOTIFY = f("en_sqd_async_notify", 0x00, 0);
        public static final Field PD = f("pd", 0x04, 23, 0);
        public static final Field SEND_CQN = f("send_cqn", 0x08, 23, 0);
        public static final Field RECV_CQN = f("recv_cqn", 0x0c, 23, 0);
        public static final Field HAS_SRQ = f("has_srq", 0x10, 31);
        public static final Field SRQN = f("srqn", 0x10, 23, 0);
        public static final Field SQ_LOG_SIZE = f("sq_log_size", 0x14, 31, 24);
        public static final Field SQ_LOG_STRIDE = f("sq_log_stride", 0x14, 23, 16);
        public static final Field RQ_LOG_SIZE = f("rq_log_size", 0x14, 15, 8);
        public static final Field RQ_LOG_STRIDE = f("rq_log_stride", 0x14, 7, 0);
        public static final Field SQ_ADDR = f("sq_addr", 0x18, 63, 0);
        public static final Field RQ_ADDR = f("rq_addr", 0x20, 63, 0);
        public static final Field DB_RECORD = f("db_record", 0x28, 63, 0);
        public static final Field PKEY_INDEX = f("pkey_index", 0x30, 31, 16);
        public static final Field PORT = f("port", 0x30, 7, 0);
        public static final Field QKEY = f("qkey", 0x34, 31, 0);
        public static final Field REMOTE_QPN = f("remote_qpn", 0x38, 23, 0);
        public static final Field DLID = f("dlid", 0x3c, 31, 16);
        public static final Field SL = f("sl", 0x3c, 15, 12);
        public static final Field STATIC_RATE = f("static_rate", 0x3c, 11, 7);
        public static final Field SRC_PATH_BITS = f("src_path_bits", 0x3c, 6, 0);
        public static final Field GRH = f("grh", 0x40, 31);
        public static final Field SGID_INDEX = f("sgid_index", 0x40, 23, 16);
        public static final Field HOP_LIMIT = f("hop_limit", 0x40, 7, 0);
        public static final Field TRAFFIC_CLASS = f("traffic_class", 0x44, 31, 24);
        public static final Field FLOW_LABEL = f("flow_label", 0x44, 19, 0);
        public static final Field DGID = f("dgid", 0x48, 127, 0);
        public static final Field PATH_MTU = f("path_mtu", 0x58, 31, 28);
        public static final Field ACK_TIMEOUT = f("ack_timeout", 0x58, 24, 20);
        public static final Field RETRY_CNT = f("retry_cnt", 0x58, 18, 16);
        public static final Field RNR_RETRY = f("rnr_retry", 0x58, 14, 12);
        public static final Field MIN_RNR_TIMER = f("min_rnr_timer", 0x58, 4, 0);
        public static final Field SQ_PSN = f("sq_psn", 0x5c, 23, 0);
        public static final Field RQ_PSN = f("rq_psn", 0x60, 23, 0);
        public static final Field MAX_RD_ATOMIC = f("max_rd_atomic", 0x64, 31, 24);
        public static final Field MAX_DEST_RD_ATOMIC = f("max_dest_rd_atomic", 0x64, 23, 16);
        public static final Field REMOTE_ATOMIC = f("remote_atomic", 0x64, 3);
        public static final Field REMOTE_WRITE = f("remote_write", 0x64, 2);
        public static final Field REMOTE_READ = f("remote_read", 0x64, 1);
        public static final Field SQ_CONSUMER_INDEX = f("sq_consumer_index", 0x68, 23, 0);
        public static final Field RQ_CONSUMER_INDEX = f("rq_consumer_index", 0x6c, 23, 0);
        public static final Field ALT_PKEY_INDEX = f("alt_pkey_index", 0x70, 31, 16);
        public static final Field ALT_PORT = f("alt_port", 0x70, 7, 0);
        public static final Field ALT_DLID = f("alt_dlid", 0x74, 31, 16);
        public static final Field ALT_SL = f("alt_sl", 0x74, 15, 12);
        public static final Field ALT_STATIC_RATE = f("alt_static_rate", 0x74, 11, 7);
        public static final Field ALT_SRC_PATH_BITS = f("alt_src_path_bits", 0x74, 6, 0);
        public static final Field ALT_GRH = f("alt_grh", 0x78, 31);
        public static final Field ALT_SGID_INDEX = f("alt_sgid_index", 0x78, 23, 16);
        public static final Field ALT_HOP_LIMIT = f("alt_hop_limit", 0x78, 7, 0);
        public static final Field ALT_TRAFFIC_CLASS = f("alt_traffic_class", 0x7c, 31, 24);
        public static final Field ALT_FLOW_LABEL = f("alt_flow_label", 0x7c, 19, 0);
        public static final Field ALT_DGID = f("alt_dgid", 0x80, 127, 0);
        public static final Field ALT_ACK_TIMEOUT = f("alt_ack_timeout", 0x90, 24, 20);
    }

    /** §4.5 optpar: bits of the mailbox word at 0x00 of a QP transition. */
    public static final class Optpar {
        public static final String SECTION = "4.5 optpar";
        public static final Field REMOTE_ACCESS = f("remote access bits", 0x00, 0);
        public static final Field PKEY_INDEX = f("pkey_index", 0x00, 1);
        public static final Field PORT = f("port", 0x00, 2);
        public static final Field QKEY = f("qkey", 0x00, 3);
        public static final Field ADDRESS_PATH = f("address path", 0x00, 4);
        public static final Field PATH_MTU = f("path_mtu", 0x00, 5);
        public static final Field ACK_TIMEOUT = f("ack_timeout", 0x00, 6);
        public static final Field RETRY_CNT = f("retry_cnt", 0x00, 7);
        public static final Field RNR_RETRY = f("rnr_retry", 0x00, 8);
        public static final Field MIN_RNR_TIMER = f("min_rnr_timer", 0x00, 9);
        public static final Field MAX_RD_ATOMIC = f("max_rd_atomic", 0x00, 10);
        public static final Field MAX_DEST_RD_ATOMIC = f("max_dest_rd_atomic", 0x00, 11);
        public static final Field ALT_ADDRESS_PATH = f("alternate path", 0x00, 12);
        public static final Field PM_STATE = f("pm_state", 0x00, 13);
    }

    /** §4.6 */
    /** The first 16 bytes of an SRQ WQE: its link in the SRQ's free list (mlx4_wqe_srq_next_seg). */
    public static final class SrqNext {
        public static final String SECTION = "5.12";
        public static final int SIZE = 16;
        public static final Field NEXT_WQE_INDEX = f("next_wqe_index", 0x00, 15, 0);
    }

    public static final class SrqCtx {
        public static final String SECTION = "4.6";
        public static final int SIZE = 32;
        public static final Field LIMIT = f("limit", 0x00, 15, 0);
        public static final Field PD = f("pd", 0x04, 23, 0);
        public static final Field LOG_SIZE = f("log_size", 0x08, 28, 24);
        public static final Field LOG_STRIDE = f("log_stride", 0x08, 7, 0);
        public static final Field CQN = f("cqn", 0x0c, 23, 0);
        public static final Field BUFFER = f("buffer address", 0x10, 63, 0);
        public static final Field DB_RECORD = f("db_record", 0x18, 63, 0);
    }

    /** §5.1 */
    public static final class Ctrl {
        public static final String SECTION = "5.1";
        public static final int SIZE = 16;
        public static final Field OPCODE = f("opcode", 0x00, 7, 0);
        public static final Field FENCE = f("fence", 0x04, 6);
        public static final Field DS = f("ds", 0x04, 5, 0);
        public static final Field SIGNALED = f("signaled", 0x08, 3);
        public static final Field SOLICITED = f("solicited", 0x08, 1);
        public static final Field IMM = f("imm", 0x0c, 31, 0);
    }

    /** §5.2 */
    public static final class Datagram {
        public static final String SECTION = "5.2";
        public static final int SIZE = 48;
        public static final Field PORT = f("port", 0x00, 31, 24);
        public static final Field PD = f("pd", 0x00, 23, 0);
        public static final Field DLID = f("dlid", 0x04, 31, 16);
        public static final Field SL = f("sl", 0x04, 15, 12);
        public static final Field STATIC_RATE = f("static_rate", 0x04, 11, 7);
        public static final Field SRC_PATH_BITS = f("src_path_bits", 0x04, 6, 0);
        public static final Field GRH = f("grh", 0x08, 31);
        public static final Field SGID_INDEX = f("sgid_index", 0x08, 23, 16);
        public static final Field HOP_LIMIT = f("hop_limit", 0x08, 7, 0);
        public static final Field TRAFFIC_CLASS = f("traffic_class", 0x0c, 31, 24);
        public static final Field FLOW_LABEL = f("flow_label", 0x0c, 19, 0);
        public static final Field DGID = f("dgid", 0x10, 127, 0);
        public static final Field REMOTE_QPN = f("remote_qpn", 0x20, 23, 0);
        public static final Field QKEY = f("qkey", 0x24, 31, 0);
        public static final Field PKEY_INDEX = f("pkey_index", 0x28, 15, 0);
    }

    /** §5.3 */
    public static final class Raddr {
        public static final String SECTION = "5.3";
        public static final int SIZE = 16;
        public static final Field VA = f("va", 0x00, 63, 0);
        public static final Field RKEY = f("rkey", 0x08, 31, 0);
    }

    /** §5.4 */
    public static final class Atomic {
        public static final String SECTION = "5.4";
        public static final int SIZE = 16;
        public static final Field SWAP_ADD = f("swap_add", 0x00, 63, 0);
        public static final Field COMPARE = f("compare", 0x08, 63, 0);
    }

    /** §5.7: FAST_REG's registration; the access bits sit where the MPT's do. */
    public static final class FastReg {
        public static final String SECTION = "5.7";
        public static final int SIZE = 48;
        public static final Field ATOMIC = f("atomic", 0x00, 4);
        public static final Field REMOTE_WRITE = f("remote_write", 0x00, 3);
        public static final Field REMOTE_READ = f("remote_read", 0x00, 2);
        public static final Field LOCAL_WRITE = f("local_write", 0x00, 1);
        public static final Field KEY = f("key", 0x04, 31, 0);
        public static final Field PAGE_LIST = f("page_list", 0x08, 63, 0);
        public static final Field START = f("start", 0x10, 63, 0);
        public static final Field LENGTH = f("length", 0x18, 63, 0);
        public static final Field PAGE_COUNT = f("page_count", 0x20, 31, 0);
        public static final Field LOG_PAGE_SIZE = f("log_page_size", 0x24, 4, 0);
    }

    /** §5.8 */
    public static final class LocalInv {
        public static final String SECTION = "5.8";
        public static final int SIZE = 16;
        public static final Field KEY = f("key", 0x04, 31, 0);
    }

    /** §5.5 data and inline segments; a receive WQE is data segments only. */
    public static final class Data {
        public static final String SECTION = "5.5";
        public static final int SIZE = 16;
        public static final Field INLINE = f("inline", 0x00, 31);
        public static final Field BYTE_COUNT = f("byte_count", 0x00, 30, 0);
        public static final Field LKEY = f("lkey", 0x04, 31, 0);
        public static final Field ADDR = f("addr", 0x08, 63, 0);
        /** mlx4's invalid lkey: ends a receive WQE's list early. */
        public static final int INVALID_LKEY = 0x100;
        /** Inline data follows the first word of the inline segment. */
        public static final int INLINE_HEADER = 4;
    }

    /** §6 */
    public static final class Cqe {
        public static final String SECTION = "6";
        public static final int SIZE = 32;
        public static final Field QPN = f("qpn", 0x00, 23, 0);
        public static final Field IMM = f("imm", 0x04, 31, 0);
        public static final Field GRH = f("grh", 0x08, 31);
        public static final Field DLID_PATH_BITS = f("dlid_path_bits", 0x08, 30, 24);
        public static final Field SRC_QPN = f("src_qpn", 0x08, 23, 0);
        public static final Field SL = f("sl", 0x0c, 31, 28);
        public static final Field SLID = f("slid", 0x0c, 15, 0);
        public static final Field BYTE_CNT = f("byte_cnt", 0x14, 31, 0);
        public static final Field PKEY_INDEX = f("pkey_index", 0x18, 31, 16);
        public static final Field WQE_INDEX = f("wqe_index", 0x18, 15, 0);
        public static final Field VENDOR_SYNDROME = f("vendor_syndrome", 0x1c, 23, 16);
        public static final Field SYNDROME = f("syndrome", 0x1c, 15, 8);
        public static final Field OWNER = f("owner", 0x1c, 7);
        public static final Field IS_SEND = f("is_send", 0x1c, 6);
        public static final Field OPCODE = f("opcode", 0x1c, 4, 0);
        /** The opcode of an error CQE. */
        public static final int OPCODE_ERROR = 0x1e;
        /** The opcode of the CQE RESIZE_CQ leaves in the old ring where the new one takes over. */
        public static final int OPCODE_RESIZE = 0x16;
        public static final int RECV_RDMA_WRITE_IMM = 0x00;
        public static final int RECV_SEND = 0x01;
        public static final int RECV_SEND_IMM = 0x02;
        public static final int RECV_SEND_INVAL = 0x03;
    }

    /** §7 */
    public static final class Eqe {
        public static final String SECTION = "7";
        public static final int SIZE = 32;
        public static final Field TYPE = f("type", 0x00, 23, 16);
        public static final Field SUBTYPE = f("subtype", 0x00, 7, 0);
        public static final Field OBJECT = f("object", 0x04, 23, 0);
        public static final Field TOKEN = f("token", 0x04, 31, 16);
        public static final Field STATUS = f("status", 0x08, 31, 24);
        public static final Field PORT = f("port", 0x0c, 31, 28);
        public static final Field OUT_PARAM = f("out_param", 0x0c, 63, 0);
        public static final Field OWNER = f("owner", 0x1c, 7);
        /** CQ_ERROR (mlx4_eqe event.cq_err.syndrome): why the CQ stopped. */
        public static final Field CQ_SYNDROME = f("cq_syndrome", 0x0c, 7, 0);
        public static final int CQ_OVERRUN = 1;
        public static final int CQ_ACCESS_VIOLATION = 2;
        /**
         * PORT_MNG_CHG (include/linux/mlx4/device.h struct mlx4_eqe, event.port_mgmt_change): the
         * port, and for subtype PortInfo the changed-attribute mask and the port's new values.
         */
        public static final Field PMC_PORT = f("pmc_port", 0x04, 7, 0);
        public static final Field MSTR_SM_LID = f("mstr_sm_lid", 0x08, 31, 16);
        public static final Field PORT_LID = f("port_lid", 0x08, 15, 0);
        public static final Field CHANGED_ATTR = f("changed_attr", 0x0c, 31, 0);
        public static final Field MSTR_SM_SL = f("mstr_sm_sl", 0x10, 3, 0);
        public static final Field GID_PREFIX = f("gid_prefix", 0x14, 63, 0);
        public static final int PORT_ACTIVE = 4;
        public static final int PORT_DOWN = 1;
        /** PORT_MNG_CHG subtypes (mlx4's MLX4_DEV_PMC_SUBTYPE_*): the attribute that changed. */
        public static final int MNG_GUID_INFO = 0x14;
        public static final int MNG_PORT_INFO = 0x15;
        public static final int MNG_PKEY_TABLE = 0x16;
        /** changed_attr bits (include/linux/mlx4/device.h MLX4_EQ_PORT_INFO_*_MASK). */
        public static final int MSTR_SM_LID_CHANGE = 1 << 0;
        public static final int GID_PFX_CHANGE = 1 << 1;
        public static final int LID_CHANGE = 1 << 2;
        public static final int CLIENT_REREG = 1 << 3;
        public static final int MSTR_SM_SL_CHANGE = 1 << 4;
    }

    /** §8 doorbells in BAR2 (the UAR page). */
    public static final class Doorbell {
        public static final String SECTION = "8";
        public static final Field SEND = f("SEND", 0x014, 23, 0);
        public static final Field RECV = f("RECV", 0x018, 23, 0);
        public static final Field CQ_ARM_CMD = f("CQ_ARM command", 0x020, 25, 24);
        public static final Field CQ_ARM_CQN = f("CQ_ARM cqn", 0x020, 23, 0);
        /** EQ n's doorbell is at EQ_ARM.offset + 4 * n. */
        public static final Field EQ_ARM = f("EQ arm", 0x800, 31);
        public static final Field EQ_CI = f("EQ consumer index", 0x800, 23, 0);
        public static final int ARM_SOLICITED = 1;
        public static final int ARM_NEXT = 2;
    }
}
