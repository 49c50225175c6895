/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RNDIS as the Hyper-V synthetic NIC carries it inside NVSP SEND_RNDIS_PKT
 * messages, and the NDIS objects its OIDs exchange
 * (../shared/spec/netvsc.md sections 8-12).  Wire formats only; shared by
 * the guest driver (drivers/netvsc) and the simulated host (sim/).
 *
 * Every message starts with {type, length}; requests carry a request ID
 * right after, which their completion echoes.  Offsets named "relative
 * to offset 8" (info buffers, packet data, PPIs, status buffers) count
 * from the first byte after that 8-byte header.  All integers are
 * little-endian.  NDIS objects are naturally aligned, not packed, except
 * the RSS capabilities (18 bytes on the wire).
 *
 * Self-contained on purpose (not <linux/rndis.h>, which not every kernel
 * the suite builds for has): never include both.
 */
#ifndef _RNDIS_PROTO_H
#define _RNDIS_PROTO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Message types (section 8.2). */
#define RNDIS_MSG_PACKET		0x00000001u
#define RNDIS_MSG_INIT			0x00000002u
#define RNDIS_MSG_HALT			0x00000003u
#define RNDIS_MSG_QUERY			0x00000004u
#define RNDIS_MSG_SET			0x00000005u
#define RNDIS_MSG_RESET			0x00000006u
#define RNDIS_MSG_INDICATE		0x00000007u
#define RNDIS_MSG_KEEPALIVE		0x00000008u
#define RNDIS_MSG_COMPLETION		0x80000000u
#define RNDIS_MSG_INIT_C	(RNDIS_MSG_INIT | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_QUERY_C	(RNDIS_MSG_QUERY | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_SET_C		(RNDIS_MSG_SET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_RESET_C	(RNDIS_MSG_RESET | RNDIS_MSG_COMPLETION)
#define RNDIS_MSG_KEEPALIVE_C	(RNDIS_MSG_KEEPALIVE | RNDIS_MSG_COMPLETION)

/* Status codes (section 10.1). */
#define RNDIS_STATUS_SUCCESS		0x00000000u
#define RNDIS_STATUS_PENDING		0x00000103u
#define RNDIS_STATUS_MEDIA_CONNECT	0x4001000Bu
#define RNDIS_STATUS_MEDIA_DISCONNECT	0x4001000Cu
#define RNDIS_STATUS_MEDIA_SPECIFIC	0x40010012u
#define RNDIS_STATUS_LINK_SPEED_CHANGE	0x40010013u
#define RNDIS_STATUS_NETWORK_CHANGE	0x40010018u
#define RNDIS_STATUS_OFFLOAD_CONFIG	0x40020006u
#define RNDIS_STATUS_BUFFER_OVERFLOW	0x80000005u
#define RNDIS_STATUS_FAILURE		0xC0000001u
#define RNDIS_STATUS_RESOURCES		0xC000009Au
#define RNDIS_STATUS_NOT_SUPPORTED	0xC00000BBu
#define RNDIS_STATUS_BAD_VERSION	0xC0010004u
#define RNDIS_STATUS_INVALID_DATA	0xC0010015u
#define RNDIS_STATUS_INVALID_OID	0xC0010017u

/* OIDs (section 9.1). */
#define RNDIS_OID_GEN_SUPPORTED_LIST		0x00010101u
#define RNDIS_OID_GEN_HARDWARE_STATUS		0x00010102u
#define RNDIS_OID_GEN_MEDIA_SUPPORTED		0x00010103u
#define RNDIS_OID_GEN_MEDIA_IN_USE		0x00010104u
#define RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE	0x00010106u
#define RNDIS_OID_GEN_LINK_SPEED		0x00010107u
#define RNDIS_OID_GEN_VENDOR_ID			0x0001010Cu
#define RNDIS_OID_GEN_VENDOR_DESCRIPTION	0x0001010Du
#define RNDIS_OID_GEN_CURRENT_PACKET_FILTER	0x0001010Eu
#define RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE	0x00010111u
#define RNDIS_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114u
#define RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS	0x00010115u
#define RNDIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES 0x00010203u
#define RNDIS_OID_GEN_RECEIVE_SCALE_PARAMETERS	0x00010204u
#define RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021Bu
#define RNDIS_OID_GEN_FRIENDLY_NAME		0x00020216u
#define RNDIS_OID_802_3_PERMANENT_ADDRESS	0x01010101u
#define RNDIS_OID_802_3_CURRENT_ADDRESS		0x01010102u
#define RNDIS_OID_OFFLOAD_ENCAPSULATION		0x0101010Au
#define RNDIS_OID_TCP_OFFLOAD_CURRENT_CONFIG	0xFC01020Bu
#define RNDIS_OID_TCP_OFFLOAD_PARAMETERS	0xFC01020Cu
#define RNDIS_OID_TCP_OFFLOAD_HW_CAPABILITIES	0xFC01020Du

/* OID_GEN_MEDIA_CONNECT_STATUS values. */
#define RNDIS_MEDIA_CONNECTED		0
#define RNDIS_MEDIA_DISCONNECTED	1

/* OID_GEN_CURRENT_PACKET_FILTER bits (section 9.2). */
#define RNDIS_FILTER_DIRECTED		0x00000001u
#define RNDIS_FILTER_MULTICAST		0x00000002u
#define RNDIS_FILTER_ALL_MULTICAST	0x00000004u
#define RNDIS_FILTER_BROADCAST		0x00000008u
#define RNDIS_FILTER_SOURCE_ROUTING	0x00000010u
#define RNDIS_FILTER_PROMISCUOUS	0x00000020u
#define RNDIS_FILTER_SMT		0x00000040u
#define RNDIS_FILTER_ALL_LOCAL		0x00000080u
#define RNDIS_FILTER_GROUP		0x00001000u
#define RNDIS_FILTER_ALL_FUNCTIONAL	0x00002000u
#define RNDIS_FILTER_FUNCTIONAL		0x00004000u
#define RNDIS_FILTER_MAC_FRAME		0x00008000u
/* Every bit the NDIS filter defines (netvsc.md 9.2). */
#define RNDIS_FILTER_DEFINED		0x0000F0FFu

/* INITIALIZE values (section 8.4). */
#define RNDIS_MAJOR_VERSION		1
#define RNDIS_MINOR_VERSION		0
#define RNDIS_DF_CONNECTIONLESS		1
#define RNDIS_MEDIUM_802_3		0
#define RNDIS_GUEST_MAX_TRANSFER	0x4000

/* Largest RNDIS control message either side sends (queries included). */
#define RNDIS_MAX_CONTROL_MSG		(52 + 4096)

struct rndis_msg_hdr {
	u32 type;
	u32 len;			/* whole message, padding included */
};

struct rndis_init_req {
	u32 req_id;
	u32 major;
	u32 minor;
	u32 max_xfer_size;
};

struct rndis_init_cmplt {
	u32 req_id;
	u32 status;
	u32 major;
	u32 minor;
	u32 dev_flags;
	u32 medium;
	u32 max_pkt_per_msg;
	u32 max_xfer_size;
	u32 pkt_align_factor;		/* log2 of the batching alignment */
	u32 af_list_offset;
	u32 af_list_size;
};

struct rndis_halt_req {
	u32 req_id;
};

/* QUERY and SET requests: the info buffer is at 8 + info_buf_offset. */
struct rndis_query_req {
	u32 req_id;
	u32 oid;
	u32 info_buf_len;
	u32 info_buf_offset;		/* 20 (Hyper-V wants it even when empty) */
	u32 dev_vc_handle;
};

#define rndis_set_req rndis_query_req
#define RNDIS_REQ_INFO_OFFSET	sizeof(struct rndis_query_req)

struct rndis_query_cmplt {
	u32 req_id;
	u32 status;
	u32 info_buf_len;
	u32 info_buf_offset;		/* relative to offset 8, >= 16 */
};

struct rndis_set_cmplt {
	u32 req_id;
	u32 status;
};

struct rndis_reset_req {
	u32 reserved;
};

struct rndis_reset_cmplt {
	u32 status;
	u32 addressing_reset;
};

/* The status buffer is at 8 + status_buf_offset; offset 0: none. */
struct rndis_indicate_status {
	u32 status;			/* RNDIS_STATUS_* */
	u32 status_buf_len;
	u32 status_buf_offset;
};

struct rndis_keepalive_req {
	u32 req_id;
};

struct rndis_keepalive_cmplt {
	u32 req_id;
	u32 status;
};

/*
 * PACKET: data and per-packet info at 8 + their offsets.  Out-of-band
 * data and VC handles are not used on Hyper-V (both must be 0).
 */
struct rndis_packet {
	u32 data_offset;
	u32 data_len;
	u32 oob_data_offset;
	u32 oob_data_len;
	u32 num_oob_data_elements;
	u32 ppi_offset;			/* 0: no PPIs */
	u32 ppi_len;
	u32 vc_handle;
	u32 reserved;
};

/* A whole RNDIS message: header and body. */
struct rndis_msg {
	struct rndis_msg_hdr hdr;
	union {
		struct rndis_packet pkt;
		struct rndis_init_req init_req;
		struct rndis_init_cmplt init_cmplt;
		struct rndis_halt_req halt_req;
		struct rndis_query_req query_req;
		struct rndis_query_cmplt query_cmplt;
		struct rndis_set_cmplt set_cmplt;
		struct rndis_reset_req reset_req;
		struct rndis_reset_cmplt reset_cmplt;
		struct rndis_indicate_status indicate;
		struct rndis_keepalive_req keepalive_req;
		struct rndis_keepalive_cmplt keepalive_cmplt;
	};
};

#define RNDIS_HDR_LEN		sizeof(struct rndis_msg_hdr)
#define RNDIS_LEN(member)	offsetofend(struct rndis_msg, member)
#define RNDIS_PACKET_LEN	RNDIS_LEN(pkt)

static_assert(RNDIS_PACKET_LEN == 44);
static_assert(RNDIS_LEN(init_req) == 24);
static_assert(RNDIS_LEN(init_cmplt) == 52);
static_assert(RNDIS_LEN(query_req) == 28);
static_assert(RNDIS_LEN(query_cmplt) == 24);
static_assert(RNDIS_LEN(set_cmplt) == 16);
static_assert(RNDIS_LEN(indicate) == 20);
static_assert(RNDIS_LEN(reset_cmplt) == 16);
static_assert(offsetof(struct rndis_msg, pkt.ppi_offset) == 28);

/* ---- Per-packet info (section 11) ---- */

struct rndis_ppi {
	u32 size;			/* record: header + data, >= 12 */
	u32 type;			/* RNDIS_PPI_*, bit 31 internal */
	u32 ppi_offset;			/* of the data in the record: 12 */
};

#define RNDIS_PPI_HDR_LEN	sizeof(struct rndis_ppi)
#define RNDIS_PPI_INTERNAL	BIT(31)

enum rndis_ppi_type {
	RNDIS_PPI_CHECKSUM	= 0,	/* u32: TX request / RX result */
	RNDIS_PPI_IPSEC		= 1,
	RNDIS_PPI_LSO		= 2,	/* u32: TX large send */
	RNDIS_PPI_CLASSIFY	= 3,
	RNDIS_PPI_SG_LIST	= 5,
	RNDIS_PPI_VLAN		= 6,	/* u32: 802.1Q tag out of band */
	RNDIS_PPI_ORIGINAL	= 7,
	RNDIS_PPI_HASH_VALUE	= 8,	/* u32: RSS hash */
	RNDIS_PPI_HASH_INFO	= 9,	/* u32: NDIS_HASH_* type */
	RNDIS_PPI_CACHED_NBL	= 10,
	RNDIS_PPI_PAD		= 11,
};

/* Internal type 1: RSC fragment identity (NVSP 6.1). */
#define RNDIS_PPI_PKTINFO_ID	(RNDIS_PPI_INTERNAL | 1)

/* What the guest sends: every PPI record 12 + 4 bytes. */
#define RNDIS_PPI_U32_LEN	(RNDIS_PPI_HDR_LEN + sizeof(u32))
/* Header plus at most three PPIs (hash, VLAN, LSO or checksum). */
#define RNDIS_TX_HDR_MAX	(RNDIS_PACKET_LEN + 3 * RNDIS_PPI_U32_LEN)

/* Checksum PPI, TX (guest asks the host to fill in). */
#define RNDIS_CSUM_TX_IPV4		BIT(0)
#define RNDIS_CSUM_TX_IPV6		BIT(1)
#define RNDIS_CSUM_TX_TCP		BIT(2)
#define RNDIS_CSUM_TX_UDP		BIT(3)
#define RNDIS_CSUM_TX_IP_HDR		BIT(4)
#define RNDIS_CSUM_TX_L4_OFF_SHIFT	16	/* L4 offset in the frame */
#define RNDIS_CSUM_TX_L4_OFF_MASK	0x3FFu

/* Checksum PPI, RX (what the host verified). */
#define RNDIS_CSUM_RX_TCP_FAILED	BIT(0)
#define RNDIS_CSUM_RX_UDP_FAILED	BIT(1)
#define RNDIS_CSUM_RX_IP_FAILED		BIT(2)
#define RNDIS_CSUM_RX_TCP_OK		BIT(3)
#define RNDIS_CSUM_RX_UDP_OK		BIT(4)
#define RNDIS_CSUM_RX_IP_OK		BIT(5)
#define RNDIS_CSUM_RX_LOOPBACK		BIT(6)
#define RNDIS_CSUM_RX_TCP_INVALID	BIT(7)
#define RNDIS_CSUM_RX_IP_INVALID	BIT(8)

/* LSOv2 PPI, TX. */
#define RNDIS_LSO_MSS_MASK		0xFFFFFu	/* bits 0-19 */
#define RNDIS_LSO_L4_OFF_SHIFT		20		/* bits 20-29 */
#define RNDIS_LSO_L4_OFF_MASK		0x3FFu
#define RNDIS_LSO_V2			BIT(30)
#define RNDIS_LSO_IPV6			BIT(31)

/* VLAN PPI. */
#define RNDIS_VLAN_PRIO_MASK		0x7u		/* bits 0-2 */
#define RNDIS_VLAN_CFI			BIT(3)
#define RNDIS_VLAN_VID_SHIFT		4		/* bits 4-15 */
#define RNDIS_VLAN_VID_MASK		0xFFFu

/* RNDIS_PPI_PKTINFO_ID data. */
struct rndis_pktinfo_id {
	u8 ver;
	u8 flag;			/* RNDIS_PKTINFO_* */
	u16 pkt_id;
};

#define RNDIS_PKTINFO_SUBALLOC		BIT(0)
#define RNDIS_PKTINFO_FIRST_FRAG	BIT(1)
#define RNDIS_PKTINFO_LAST_FRAG		BIT(2)

/* ---- NDIS objects (sections 9.3, 9.4, 12) ---- */

struct ndis_obj_header {
	u8 type;			/* NDIS_OBJ_* */
	u8 revision;
	u16 size;
};

#define NDIS_OBJ_DEFAULT		0x80
#define NDIS_OBJ_RSS_CAPABILITIES	0x88
#define NDIS_OBJ_RSS_PARAMETERS		0x89
#define NDIS_OBJ_OFFLOAD		0xA7
#define NDIS_OBJ_OFFLOAD_ENCAP		0xA8

/* Encapsulations (NDIS_OFFLOAD *_encap fields). */
#define NDIS_ENCAP_NONE			0x0
#define NDIS_ENCAP_NULL			0x1
#define NDIS_ENCAP_IEEE_802_3		0x2

/* NDIS_OFFLOAD checksum flags: IPv4 and IPv6 tx/rx (2-bit fields, 1 = on). */
#define NDIS_CSUM_IP4_OPTIONS		0x001	/* IPv6: extension headers */
#define NDIS_CSUM_TCP_OPTIONS		0x004
#define NDIS_CSUM_TCP			0x010
#define NDIS_CSUM_UDP			0x040
#define NDIS_CSUM_IP4_HEADER		0x100
/* lsov2.ip6_opts. */
#define NDIS_LSO_IP6_EXT_HDR		0x001
#define NDIS_LSO_IP6_TCP_OPTIONS	0x004

struct ndis_csum_offload {
	u32 ip4_tx_encap;
	u32 ip4_tx_flags;
	u32 ip4_rx_encap;
	u32 ip4_rx_flags;
	u32 ip6_tx_encap;
	u32 ip6_tx_flags;
	u32 ip6_rx_encap;
	u32 ip6_rx_flags;
};

struct ndis_lsov1_offload {
	u32 encap;
	u32 max_size;
	u32 min_segs;
	u32 opts;
};

struct ndis_lsov2_offload {
	u32 ip4_encap;
	u32 ip4_max_size;
	u32 ip4_min_segs;
	u32 ip6_encap;
	u32 ip6_max_size;
	u32 ip6_min_segs;
	u32 ip6_opts;
};

/* OID_TCP_OFFLOAD_HW_CAPABILITIES answer: revision 1, 2 or 3. */
struct ndis_offload {
	struct ndis_obj_header header;	/* NDIS_OBJ_OFFLOAD */
	struct ndis_csum_offload csum;
	struct ndis_lsov1_offload lsov1;
	u32 ipsecv1[7];
	struct ndis_lsov2_offload lsov2;
	u32 flags;
	u32 ipsecv2[8];			/* revision 2 ends here */
	u8 rsc_ip4;
	u8 rsc_ip6;
	u8 rsc_reserved[2];
	u32 encap_gre_flags;
	u32 encap_gre_max_header;	/* revision 3 ends here */
};

#define NDIS_OFFLOAD_REV1		1
#define NDIS_OFFLOAD_SIZE_REV1		112
#define NDIS_OFFLOAD_REV2		2
#define NDIS_OFFLOAD_SIZE_REV2		144
#define NDIS_OFFLOAD_REV3		3
#define NDIS_OFFLOAD_SIZE_REV3		156

static_assert(sizeof(struct ndis_offload) == NDIS_OFFLOAD_SIZE_REV3);
static_assert(offsetof(struct ndis_offload, lsov2) == 80);
static_assert(offsetof(struct ndis_offload, ipsecv2) ==
	      NDIS_OFFLOAD_SIZE_REV1);
static_assert(offsetof(struct ndis_offload, rsc_ip4) ==
	      NDIS_OFFLOAD_SIZE_REV2);

/* OID_TCP_OFFLOAD_PARAMETERS: what the guest turns on. */
struct ndis_offload_params {
	struct ndis_obj_header header;	/* NDIS_OBJ_DEFAULT */
	u8 ip4_csum;			/* NDIS_OFFLOAD_PARAM_* */
	u8 tcp4_csum;
	u8 udp4_csum;
	u8 tcp6_csum;
	u8 udp6_csum;
	u8 lsov1;
	u8 ipsec_v1;
	u8 lsov2_ip4;			/* NDIS_OFFLOAD_LSO_* */
	u8 lsov2_ip6;
	u8 tcp_connection_ip4;
	u8 tcp_connection_ip6;
	u8 reserved;
	u32 flags;
	u8 ipsec_v2;
	u8 ipsec_v2_ip4;		/* revision 2 (22 bytes) ends here */
	u8 rsc_ip4;			/* NDIS_OFFLOAD_RSC_* */
	u8 rsc_ip6;
	u8 encap_task_offload;
	u8 encap_types;
	u8 pad[2];
};

#define NDIS_OFFLOAD_PARAMS_REV1	1
#define NDIS_OFFLOAD_PARAMS_SIZE_REV1	20
#define NDIS_OFFLOAD_PARAMS_REV2	2
#define NDIS_OFFLOAD_PARAMS_SIZE_REV2	22
#define NDIS_OFFLOAD_PARAMS_REV3	3
#define NDIS_OFFLOAD_PARAMS_SIZE_REV3	28

/* Checksum parameter values. */
#define NDIS_OFFLOAD_PARAM_NO_CHANGE	0
#define NDIS_OFFLOAD_PARAM_TXRX_OFF	1
#define NDIS_OFFLOAD_PARAM_TX_ON	2	/* rx off */
#define NDIS_OFFLOAD_PARAM_RX_ON	3	/* tx off */
#define NDIS_OFFLOAD_PARAM_TXRX_ON	4
/* LSOv2 and RSC parameter values. */
#define NDIS_OFFLOAD_LSO_NO_CHANGE	0
#define NDIS_OFFLOAD_LSO_OFF		1
#define NDIS_OFFLOAD_LSO_ON		2

static_assert(sizeof(struct ndis_offload_params) ==
	      NDIS_OFFLOAD_PARAMS_SIZE_REV3);
static_assert(offsetof(struct ndis_offload_params, ipsec_v2) ==
	      NDIS_OFFLOAD_PARAMS_SIZE_REV1);

/*
 * OID_OFFLOAD_ENCAPSULATION: the frame encapsulation the offloads apply
 * to, per IP version (enabled: NDIS_OFFLOAD_SET_*).
 */
struct ndis_offload_encap_ip {
	u32 enabled;
	u32 encap_type;			/* NDIS_ENCAP_* */
	u32 header_size;		/* 14 for 802.3 */
};

struct ndis_offload_encap {
	struct ndis_obj_header header;	/* NDIS_OBJ_OFFLOAD_ENCAP */
	struct ndis_offload_encap_ip ip4;
	struct ndis_offload_encap_ip ip6;
};

#define NDIS_OFFLOAD_ENCAP_REV1		1
#define NDIS_OFFLOAD_ENCAP_SIZE_REV1	28
#define NDIS_OFFLOAD_SET_NO_CHANGE	0
#define NDIS_OFFLOAD_SET_ON		1
#define NDIS_OFFLOAD_SET_OFF		2

static_assert(sizeof(struct ndis_offload_encap) ==
	      NDIS_OFFLOAD_ENCAP_SIZE_REV1);
static_assert(offsetof(struct ndis_offload_params, flags) == 16);
static_assert(offsetof(struct ndis_offload_params, rsc_ip4) ==
	      NDIS_OFFLOAD_PARAMS_SIZE_REV2);

/* OID_GEN_RECEIVE_SCALE_CAPABILITIES answer (and query input header). */
struct ndis_rss_caps {
	struct ndis_obj_header header;	/* NDIS_OBJ_RSS_CAPABILITIES */
	u32 capabilities;		/* NDIS_RSS_CAPS_*, low byte: hash fn */
	u32 num_interrupt_msgs;
	u32 num_recv_queues;
	u16 num_indirect_entries;	/* revision 2 only */
} __packed;

#define NDIS_RSS_CAPS_REV1		1
#define NDIS_RSS_CAPS_SIZE_REV1		16
#define NDIS_RSS_CAPS_REV2		2
#define NDIS_RSS_CAPS_SIZE_REV2		18
#define NDIS_RSS_CAPS_TOEPLITZ		0x00000001u
#define NDIS_RSS_CAPS_TCP_IPV4		0x00000100u
#define NDIS_RSS_CAPS_TCP_IPV6		0x00000200u
#define NDIS_RSS_CAPS_TCP_IPV6_EX	0x00000400u
#define NDIS_RSS_CAPS_UDP_IPV4		0x00000800u
#define NDIS_RSS_CAPS_UDP_IPV6		0x00001000u

static_assert(sizeof(struct ndis_rss_caps) == NDIS_RSS_CAPS_SIZE_REV2);

/*
 * OID_GEN_RECEIVE_SCALE_PARAMETERS: followed, at the offsets it names
 * (from its own start), by the indirection table (u32 queue numbers) and
 * the Toeplitz key.
 */
struct ndis_rss_params {
	struct ndis_obj_header header;	/* NDIS_OBJ_RSS_PARAMETERS */
	u16 flags;			/* NDIS_RSS_PARAM_FLAG_* */
	u16 base_cpu_number;
	u32 hashinfo;			/* NDIS_HASH_* */
	u16 indirect_tabsize;		/* bytes */
	u32 indirect_taboffset;
	u16 hashkey_size;		/* bytes */
	u32 hashkey_offset;
	u32 processor_masks_offset;
	u32 num_processor_masks;
	u32 processor_masks_entry_size;
};

#define NDIS_RSS_PARAMS_REV1		1
#define NDIS_RSS_PARAMS_SIZE_REV1	28	/* up to processor_masks_offset */
#define NDIS_RSS_PARAMS_REV2		2
#define NDIS_RSS_PARAMS_SIZE_REV2	40
#define NDIS_RSS_PARAM_FLAG_BASE_CPU_UNCHANGED	0x0001
#define NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED	0x0002
#define NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED	0x0004
#define NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED	0x0008
#define NDIS_RSS_PARAM_FLAG_DISABLE_RSS		0x0010
#define NDIS_RSS_PARAM_FLAG_DEFAULT_PROC_UNCHANGED	0x0020
#define NDIS_RSS_PARAM_FLAGS_DEFINED		0x003F

/* Hash function and types (hashinfo, HASH_INFO PPI). */
#define NDIS_HASH_FUNC_TOEPLITZ		0x00000001u
#define NDIS_HASH_FUNC_MASK		0x000000FFu
#define NDIS_HASH_IPV4			0x00000100u
#define NDIS_HASH_TCP_IPV4		0x00000200u
#define NDIS_HASH_IPV6			0x00000400u
#define NDIS_HASH_IPV6_EX		0x00000800u
#define NDIS_HASH_TCP_IPV6		0x00001000u
#define NDIS_HASH_TCP_IPV6_EX		0x00002000u
#define NDIS_HASH_UDP_IPV4		0x00004000u
#define NDIS_HASH_UDP_IPV6		0x00008000u
#define NDIS_HASH_UDP_IPV6_EX		0x00010000u
#define NDIS_HASH_TYPE_MASK		0x00FFFF00u

#define NDIS_RSS_KEY_SIZE		40
#define NDIS_RSS_INDIRECT_DEFAULT	128	/* entries */
#define NDIS_RSS_INDIRECT_MAX		256

static_assert(sizeof(struct ndis_rss_params) == NDIS_RSS_PARAMS_SIZE_REV2);
static_assert(offsetof(struct ndis_rss_params, indirect_taboffset) == 16);
static_assert(offsetof(struct ndis_rss_params, hashkey_offset) == 24);
static_assert(offsetof(struct ndis_rss_params, processor_masks_offset) ==
	      NDIS_RSS_PARAMS_SIZE_REV1);

/* OID_GEN_RNDIS_CONFIG_PARAMETER record (changing the MAC address). */
struct rndis_config_param {
	u32 name_offset;		/* from the record's start */
	u32 name_len;			/* bytes of UTF-16 */
	u32 type;			/* RNDIS_CONFIG_PARAM_* */
	u32 value_offset;
	u32 value_len;
};

#define RNDIS_CONFIG_PARAM_INTEGER	0
#define RNDIS_CONFIG_PARAM_STRING	2

/* The parameter that changes the MAC: 12 hex digits, both in UTF-16LE. */
#define RNDIS_CONFIG_NETWORK_ADDRESS	"NetworkAddress"

#endif /* _RNDIS_PROTO_H */
