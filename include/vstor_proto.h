/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VSTOR: the synthetic SCSI protocol between a StorVSC (guest) and a
 * StorVSP (host) over VMBus.  Wire formats only, shared by
 * drivers/storvsc/ and the simulated host; facts from
 * ../shared/spec/storvsc.md (section numbers below refer to it).
 *
 * Every request is one struct vstor_packet, sent in-band (type 0x6) or,
 * with data, after one GPA-direct range (type 0x9), always with
 * completion requested.  The host answers with a completion (type 0xB)
 * whose payload is a struct vstor_packet with operation COMPLETE_IO, on
 * the channel the request came on.  Host notifications (ENUMERATE_BUS,
 * REMOVE_DEVICE) arrive in-band with transaction ID 0.
 *
 * Before WIN8 the packet is 16 bytes shorter: struct vmscsi_request ends
 * after its sense/CDB union (VSTOR_SRB_SIZE_LEGACY) and the sense area is
 * 18 bytes.  All integers are little-endian; CDB and sense are SCSI
 * (big-endian) byte strings.
 */
#ifndef _VSTOR_PROTO_H
#define _VSTOR_PROTO_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* Protocol versions, (major << 8) | minor (section 3). */
#define VSTOR_VERSION(major, minor)	(((major) << 8) | (minor))
#define VSTOR_VERSION_WIN6		VSTOR_VERSION(2, 0)
#define VSTOR_VERSION_WIN7		VSTOR_VERSION(4, 2)
#define VSTOR_VERSION_WIN8		VSTOR_VERSION(5, 1)
#define VSTOR_VERSION_WIN8_1		VSTOR_VERSION(6, 0)
#define VSTOR_VERSION_WIN10		VSTOR_VERSION(6, 2)

/* Operations (section 4.2). */
enum vstor_op {
	VSTOR_OP_COMPLETE_IO = 1,
	VSTOR_OP_REMOVE_DEVICE = 2,
	VSTOR_OP_EXECUTE_SRB = 3,
	VSTOR_OP_RESET_LUN = 4,
	VSTOR_OP_RESET_ADAPTER = 5,
	VSTOR_OP_RESET_BUS = 6,
	VSTOR_OP_BEGIN_INIT = 7,
	VSTOR_OP_END_INIT = 8,
	VSTOR_OP_QUERY_VERSION = 9,
	VSTOR_OP_QUERY_PROPERTIES = 10,
	VSTOR_OP_ENUMERATE_BUS = 11,
	VSTOR_OP_FCHBA_DATA = 12,
	VSTOR_OP_CREATE_SUB_CHANNELS = 13,
};

/* vstor_packet.flags: the only flag a guest may set. */
#define VSTOR_FLAG_REQUEST_COMPLETION	0x1

/* NTSTATUS values in vstor_packet.status (section 4.3). */
#define VSTOR_STATUS_SUCCESS			0x00000000u
#define VSTOR_STATUS_DEVICE_BUSY		0x80000011u
#define VSTOR_STATUS_UNSUCCESSFUL		0xC0000001u
#define VSTOR_STATUS_INVALID_PARAMETER		0xC000000Du
#define VSTOR_STATUS_INVALID_DEVICE_REQUEST	0xC0000010u
#define VSTOR_STATUS_REVISION_MISMATCH		0xC0000059u
#define VSTOR_STATUS_DEVICE_DOES_NOT_EXIST	0xC00000C0u
#define VSTOR_STATUS_INVALID_DEVICE_STATE	0xC0000184u
#define VSTOR_STATUS_IO_DEVICE_ERROR		0xC0000185u

/* SRB status byte: a 6-bit code and two flags (section 7.1). */
#define SRB_STATUS_PENDING		0x00
#define SRB_STATUS_SUCCESS		0x01
#define SRB_STATUS_ABORTED		0x02
#define SRB_STATUS_ERROR		0x04
#define SRB_STATUS_BUSY			0x05
#define SRB_STATUS_INVALID_REQUEST	0x06
#define SRB_STATUS_NO_DEVICE		0x08
#define SRB_STATUS_TIMEOUT		0x09
#define SRB_STATUS_SELECTION_TIMEOUT	0x0A
#define SRB_STATUS_DATA_OVERRUN		0x12
#define SRB_STATUS_INVALID_LUN		0x20
#define SRB_STATUS_INVALID_TARGET_ID	0x21
#define SRB_STATUS_INTERNAL_ERROR	0x30
#define SRB_STATUS_QUEUE_FROZEN		0x40
#define SRB_STATUS_AUTOSENSE_VALID	0x80
#define SRB_STATUS_CODE(s)		((s) & 0x3F)

/* vmscsi_request.srb_flags (section 5.2). */
#define SRB_FLAGS_QUEUE_ACTION_ENABLE		0x00000002
#define SRB_FLAGS_DISABLE_SYNCH_TRANSFER	0x00000008
#define SRB_FLAGS_DISABLE_AUTOSENSE		0x00000020
#define SRB_FLAGS_DATA_IN			0x00000040
#define SRB_FLAGS_DATA_OUT			0x00000080
#define SRB_FLAGS_NO_DATA_TRANSFER		0x00000000
#define SRB_FLAGS_UNSPECIFIED_DIRECTION		0x000000C0
#define SRB_FLAGS_NO_QUEUE_FREEZE		0x00000100

/* vmscsi_request.data_in */
#define VSTOR_DATA_OUT		0	/* write: guest memory -> disk */
#define VSTOR_DATA_IN		1	/* read: disk -> guest memory */
#define VSTOR_DATA_NONE		2

#define VSTOR_CDB_MAX		16
#define VSTOR_SENSE_SIZE	20	/* WIN8 and later */
#define VSTOR_SENSE_SIZE_LEGACY	18	/* WIN6, WIN7 */
/* The sense data shares the CDB's bytes: one 20-byte union. */
#define VSTOR_SRB_UNION_SIZE	20

#define VSTOR_QUEUE_TAG_UNTAGGED	0xFF
#define VSTOR_QUEUE_ACTION_SIMPLE	0x20

/* SCSI request block, the payload of EXECUTE_SRB and its completion. */
struct vmscsi_request {
	u16 length;			/* 52, or 36 before WIN8 */
	u8 srb_status;
	u8 scsi_status;
	u8 port_number;
	u8 path_id;
	u8 target_id;
	u8 lun;
	u8 cdb_length;
	u8 sense_info_length;		/* guest: room; host: valid bytes */
	u8 data_in;			/* VSTOR_DATA_* */
	u8 reserved;
	u32 data_transfer_length;	/* guest: asked; host: done */
	union {
		u8 cdb[VSTOR_CDB_MAX];
		u8 sense_data[VSTOR_SENSE_SIZE];
		u8 raw[VSTOR_SRB_UNION_SIZE];
	};
	/* WIN8 and later only: */
	u16 reserve;
	u8 queue_tag;
	u8 queue_action;
	u32 srb_flags;
	u32 time_out_value;		/* seconds */
	u32 queue_sort_key;
} __packed;

#define VSTOR_SRB_SIZE		sizeof(struct vmscsi_request)
#define VSTOR_SRB_SIZE_LEGACY	offsetof(struct vmscsi_request, reserve)

/* Reply to QUERY_PROPERTIES (section 4.5). */
#define VSTOR_PROP_MULTI_CHANNEL	0x1

struct vstor_channel_properties {
	u32 reserved;
	u16 max_channel_cnt;		/* sub-channels, the primary excluded */
	u16 reserved1;
	u32 flags;			/* VSTOR_PROP_* */
	u32 max_transfer_bytes;
	u64 reserved2;
} __packed;

/* QUERY_PROTOCOL_VERSION, echoed by the host. */
struct vstor_protocol_version {
	u16 major_minor;
	u16 revision;			/* 0 */
} __packed;

#define VSTOR_PAYLOAD_SIZE	52

struct vstor_packet {
	u32 operation;			/* enum vstor_op */
	u32 flags;			/* VSTOR_FLAG_* */
	u32 status;			/* VSTOR_STATUS_* */
	union {
		struct vmscsi_request srb;
		struct vstor_channel_properties props;
		struct vstor_protocol_version version;
		u16 sub_channel_count;	/* CREATE_SUB_CHANNELS */
		u8 raw[VSTOR_PAYLOAD_SIZE];
	};
} __packed;

#define VSTOR_PKT_HDR_SIZE	offsetof(struct vstor_packet, srb)
/* The whole packet since WIN8, and the shorter one before it. */
#define VSTOR_PKT_SIZE		sizeof(struct vstor_packet)
#define VSTOR_PKT_SIZE_LEGACY	(VSTOR_PKT_HDR_SIZE + VSTOR_SRB_SIZE_LEGACY)

static_assert(sizeof(struct vmscsi_request) == 52);
static_assert(VSTOR_SRB_SIZE_LEGACY == 36);
static_assert(offsetof(struct vmscsi_request, data_transfer_length) == 12);
static_assert(offsetof(struct vmscsi_request, srb_flags) == 40);
static_assert(sizeof(struct vstor_channel_properties) == 24);
static_assert(sizeof(struct vstor_packet) == 64);
static_assert(VSTOR_PKT_SIZE_LEGACY == 48);
static_assert(offsetof(struct vstor_packet, props.max_transfer_bytes) == 24);

/* Packet and sense sizes of a negotiated protocol version. */
static inline u32 vstor_pkt_size(u16 version)
{
	return version >= VSTOR_VERSION_WIN8 ? VSTOR_PKT_SIZE :
					       VSTOR_PKT_SIZE_LEGACY;
}

static inline u16 vstor_srb_size(u16 version)
{
	return version >= VSTOR_VERSION_WIN8 ? VSTOR_SRB_SIZE :
					       VSTOR_SRB_SIZE_LEGACY;
}

static inline u8 vstor_sense_size(u16 version)
{
	return version >= VSTOR_VERSION_WIN8 ? VSTOR_SENSE_SIZE :
					       VSTOR_SENSE_SIZE_LEGACY;
}

/* Multi-channel (sub-channels) exists since WIN8. */
static inline bool vstor_version_has_subchannels(u16 version)
{
	return version >= VSTOR_VERSION_WIN8;
}

#endif /* _VSTOR_PROTO_H */
