/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVSP: the Network Virtual Service Protocol of the Hyper-V synthetic NIC,
 * as both sides speak it over a VMBus channel (../shared/spec/netvsc.md
 * sections 2-7, 12).  Wire formats only; no driver state.  Shared by the
 * guest driver (drivers/netvsc) and the simulated host (sim/sim_net*.c).
 *
 * Every NVSP message is one u32 type followed by a type-specific body; the
 * guest always sends 40 zero-padded bytes (hosts ignore short requests).
 * All fields are little-endian; the structures are packed because the
 * protocol is (ndis_config's u64 sits at offset 12).
 */
#ifndef _NVSP_PROTO_H
#define _NVSP_PROTO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Versions: major in the high 16 bits (section 2.1).  v1 is literally 2. */
#define NVSP_VERSION_1		0x00000002u
#define NVSP_VERSION_2		0x00030002u
#define NVSP_VERSION_4		0x00040000u
#define NVSP_VERSION_5		0x00050000u
#define NVSP_VERSION_6		0x00060000u
#define NVSP_VERSION_61		0x00060001u

/* NDIS version the guest announces (SEND_NDIS_VERSION). */
#define NVSP_NDIS_MAJOR		6
#define NVSP_NDIS_MINOR_V4	1	/* NDIS 6.1: NVSP <= 4 */
#define NVSP_NDIS_MINOR_V5	30	/* NDIS 6.30: NVSP >= 5 */
#define NVSP_NDIS_VERSION(major, minor)	(((u32)(major) << 16) | (minor))

/* Message types (section 3.1). */
enum nvsp_msg_type {
	NVSP_MSG_NONE			= 0,
	NVSP_MSG_INIT			= 1,
	NVSP_MSG_INIT_COMPLETE		= 2,
	NVSP_MSG1_SEND_NDIS_VERSION	= 100,
	NVSP_MSG1_SEND_RECV_BUF		= 101,
	NVSP_MSG1_SEND_RECV_BUF_COMPLETE = 102,
	NVSP_MSG1_REVOKE_RECV_BUF	= 103,
	NVSP_MSG1_SEND_SEND_BUF		= 104,
	NVSP_MSG1_SEND_SEND_BUF_COMPLETE = 105,
	NVSP_MSG1_REVOKE_SEND_BUF	= 106,
	NVSP_MSG1_SEND_RNDIS_PKT	= 107,
	NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE = 108,
	NVSP_MSG2_SEND_NDIS_CONFIG	= 125,
	NVSP_MSG4_SEND_VF_ASSOCIATION	= 128,
	NVSP_MSG4_SWITCH_DATA_PATH	= 129,
	NVSP_MSG5_OID_QUERY_EX		= 131,
	NVSP_MSG5_OID_QUERY_EX_COMPLETE	= 132,
	NVSP_MSG5_SUBCHANNEL		= 133,
	NVSP_MSG5_SEND_INDIRECTION_TABLE = 134,
};

/* Status codes (section 3.2). */
enum nvsp_status {
	NVSP_STAT_NONE			= 0,
	NVSP_STAT_SUCCESS		= 1,
	NVSP_STAT_FAIL			= 2,
	NVSP_STAT_PROTOCOL_TOO_NEW	= 3,
	NVSP_STAT_PROTOCOL_TOO_OLD	= 4,
	NVSP_STAT_INVALID_RNDIS_PKT	= 5,
	NVSP_STAT_BUSY			= 6,
	NVSP_STAT_PROTOCOL_UNSUPPORTED	= 7,
};

/* Buffer IDs (section 15): the receive buffer's is fixed by convention. */
#define NVSP_RECV_BUF_ID	0xCAFE
#define NVSP_SEND_BUF_ID	0

/* SEND_RNDIS_PKT channel_type, and "no send-buffer section". */
#define NVSP_CHANNEL_DATA	0
#define NVSP_CHANNEL_CONTROL	1
#define NVSP_NO_SECTION		0xFFFFFFFFu

/* SEND_NDIS_CONFIG capability bits (section 4.3). */
#define NVSP_CAP_VMQ		BIT_ULL(0)
#define NVSP_CAP_CHIMNEY	BIT_ULL(1)
#define NVSP_CAP_SRIOV		BIT_ULL(2)
#define NVSP_CAP_IEEE8021Q	BIT_ULL(3)
#define NVSP_CAP_CORRELATION_ID	BIT_ULL(4)
#define NVSP_CAP_TEAMING	BIT_ULL(5)
#define NVSP_CAP_VSID		BIT_ULL(6)
#define NVSP_CAP_RSC		BIT_ULL(7)

/* SUBCHANNEL op, SWITCH_DATA_PATH values. */
#define NVSP_SUBCHANNEL_ALLOCATE	1
#define NVSP_DATAPATH_SYNTHETIC		0
#define NVSP_DATAPATH_VF		1

/* Limits (sections 6.1, 6.2, 12, 15). */
#define NVSP_MSG_SIZE			40	/* what the guest sends */
#define NVSP_MSG_MIN_REPLY		28	/* shortest INIT_COMPLETE/102 */
#define NVSP_RECV_BUF_MAX_LEGACY	(15u << 20)	/* NVSP <= 2 */
#define NVSP_RECV_BUF_MAX		(31u << 20)
#define NVSP_SEND_BUF_MAX		(15u << 20)
#define NVSP_MAX_RANGES			375	/* per transfer-page packet */
#define NVSP_MAX_RANGES_NDIS5		64
#define NVSP_MAX_CHANNELS		64
#define NVSP_SEND_TABLE_SIZE		16	/* send indirection entries */
/* Windows hosts put a bad offset in SEND_INDIRECTION_TABLE: its fix. */
#define NVSP_SEND_TABLE_V6_OFFSET	40

struct nvsp_init {
	u32 min_protocol_ver;
	u32 max_protocol_ver;
} __packed;

struct nvsp_init_complete {
	u32 negotiated_protocol_ver;	/* deprecated: ignore */
	u32 max_mdl_chain_len;
	u32 status;
} __packed;

struct nvsp_ndis_version {
	u32 major;
	u32 minor;
} __packed;

struct nvsp_ndis_config {
	u32 mtu;			/* L2: interface MTU + 14 */
	u32 reserved;
	u64 capabilities;		/* NVSP_CAP_* */
} __packed;

struct nvsp_send_recv_buf {
	u32 gpadl_handle;
	u16 id;				/* NVSP_RECV_BUF_ID */
	u16 reserved;
} __packed;

/* One receive-buffer section; hosts only ever send one. */
struct nvsp_recv_section {
	u32 offset;			/* 0 */
	u32 sub_alloc_size;		/* bytes per slot */
	u32 num_sub_allocs;		/* slots */
	u32 end_offset;			/* sub_alloc_size * num_sub_allocs */
} __packed;

struct nvsp_send_recv_buf_complete {
	u32 status;
	u32 num_sections;
	struct nvsp_recv_section sections[1];
} __packed;

struct nvsp_revoke_buf {
	u16 id;
} __packed;

struct nvsp_send_send_buf {
	u32 gpadl_handle;
	u16 id;				/* NVSP_SEND_BUF_ID */
} __packed;

struct nvsp_send_send_buf_complete {
	u32 status;
	u32 section_size;		/* the host's choice */
} __packed;

struct nvsp_rndis_pkt {
	u32 channel_type;		/* NVSP_CHANNEL_* */
	u32 section_index;		/* or NVSP_NO_SECTION */
	u32 section_size;		/* bytes used in it, 0: none */
} __packed;

struct nvsp_rndis_pkt_complete {
	u32 status;
} __packed;

struct nvsp_vf_association {
	u32 allocated;
	u32 serial;
} __packed;

struct nvsp_switch_data_path {
	u32 active_datapath;		/* NVSP_DATAPATH_* */
} __packed;

struct nvsp_subchannel_req {
	u32 op;				/* NVSP_SUBCHANNEL_ALLOCATE */
	u32 num_subchannels;
} __packed;

struct nvsp_subchannel_resp {
	u32 status;
	u32 num_subchannels;		/* granted */
} __packed;

/* OID_QUERY_EX: hosts answer NOT_SUPPORTED; no guest uses it. */
struct nvsp_oid_query_ex {
	u32 header;			/* an NDIS object header */
	u32 oid;
} __packed;

struct nvsp_oid_query_ex_complete {
	u32 status;			/* an RNDIS status */
	u32 bytes;
} __packed;

/* Followed, at @offset from the message start, by @count u32 entries. */
struct nvsp_send_indirection_table {
	u32 count;			/* NVSP_SEND_TABLE_SIZE */
	u32 offset;
} __packed;

/* An NVSP message as the guest sends it: type, body, zero padding. */
struct nvsp_msg {
	u32 type;			/* enum nvsp_msg_type */
	union {
		struct nvsp_init init;
		struct nvsp_init_complete init_complete;
		struct nvsp_ndis_version ndis_version;
		struct nvsp_ndis_config ndis_config;
		struct nvsp_send_recv_buf send_recv_buf;
		struct nvsp_send_recv_buf_complete send_recv_buf_complete;
		struct nvsp_revoke_buf revoke_buf;
		struct nvsp_send_send_buf send_send_buf;
		struct nvsp_send_send_buf_complete send_send_buf_complete;
		struct nvsp_rndis_pkt rndis_pkt;
		struct nvsp_rndis_pkt_complete rndis_pkt_complete;
		struct nvsp_vf_association vf_association;
		struct nvsp_switch_data_path switch_data_path;
		struct nvsp_subchannel_req subchannel_req;
		struct nvsp_subchannel_resp subchannel_resp;
		struct nvsp_oid_query_ex oid_query_ex;
		struct nvsp_oid_query_ex_complete oid_query_ex_complete;
		struct nvsp_send_indirection_table send_table;
		u8 body[NVSP_MSG_SIZE - 4];
	};
} __packed;

/* Bytes of a message up to and including the named body member. */
#define NVSP_MSG_LEN(member)	offsetofend(struct nvsp_msg, member)

static_assert(sizeof(struct nvsp_msg) == NVSP_MSG_SIZE);
static_assert(offsetof(struct nvsp_msg, ndis_config.capabilities) == 12);
static_assert(offsetof(struct nvsp_msg, init_complete.status) == 12);
static_assert(NVSP_MSG_LEN(send_recv_buf_complete) == NVSP_MSG_MIN_REPLY);
static_assert(offsetof(struct nvsp_msg,
		       send_recv_buf_complete.sections[0].sub_alloc_size) == 16);
static_assert(NVSP_MSG_LEN(send_send_buf_complete) == 12);
static_assert(NVSP_MSG_LEN(subchannel_resp) == 12);
static_assert(NVSP_MSG_LEN(rndis_pkt) == 16);
static_assert(NVSP_MSG_LEN(rndis_pkt_complete) == 8);
static_assert(NVSP_MSG_LEN(send_table) == 12);
static_assert(NVSP_MSG_LEN(oid_query_ex_complete) == 12);

#endif /* _NVSP_PROTO_H */
