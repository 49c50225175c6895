/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus wire protocol: what <linux/hyperv.h> and <asm/hyperv-tlfs.h> leave
 * out, plus compile-time checks that the structures both sides use have the
 * sizes and offsets of the protocol (../shared/spec/vmbus.md, sections 2-5).
 * Shared by the core and the simulated host; neither keeps its own copy.
 */
#ifndef _VMBUS_PROTO_H
#define _VMBUS_PROTO_H

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/hyperv.h>

/* HvPostMessage message type of every VMBus channel message. */
#define VMBUS_POST_MESSAGE_TYPE		1

/* Connection IDs (section 2.1, 8). */
#define VMBUS_MESSAGE_CONNECTION_ID	1	/* messages, protocol < 5.0 */
#define VMBUS_EVENT_CONNECTION_ID	2	/* legacy shared channel signal */
#define VMBUS_MONITOR_CONNECTION_ID	3
#define VMBUS_MESSAGE_CONNECTION_ID_4	4	/* INITIATE_CONTACT, >= 5.0 */

/* Largest channel message: the SynIC message payload. */
#define VMBUS_MSG_MAX			HV_MESSAGE_PAYLOAD_BYTE_COUNT

/* Relids are 1..2047: one SIEF bit each in the SINT's 256-byte area. */
#define VMBUS_MAX_RELID			2047
#define VMBUS_SIEF_BITS			2048

/*
 * Legacy interrupt page (protocol < 2.4 host->guest, < 5.0 sent at all):
 * first half host->guest relid bits, second half guest->host.
 */
#define VMBUS_INT_PAGE_HALF		(HV_HYP_PAGE_SIZE / 2)

/* GPADL PFNs carried by a GPADL_HEADER (one range) and by a GPADL_BODY. */
#define VMBUS_GPADL_HEADER_PFNS	\
	((VMBUS_MSG_MAX - sizeof(struct vmbus_channel_gpadl_header) - \
	  sizeof(struct gpa_range)) / sizeof(u64))
#define VMBUS_GPADL_BODY_PFNS	\
	((VMBUS_MSG_MAX - sizeof(struct vmbus_channel_gpadl_body)) / sizeof(u64))

/* Packet descriptor and trailer sizes in the ring (section 5.3). */
#define VMBUS_PKT_TRAILER		sizeof(u64)
#define VMBUS_PKT_DESC			sizeof(struct vmpacket_descriptor)

/* Any packet type flag other than completion-requested is reserved. */
#define VMBUS_PKT_FLAGS_VALID		VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED

/*
 * Offer monitor ID sentinel and the highest ID a monitor page can hold:
 * four trigger groups of 32 bits.
 */
#define VMBUS_MONITOR_ID_NONE		0xFF
#define VMBUS_MONITOR_ID_MAX		127

static inline u32 vmbus_version(u16 major, u16 minor)
{
	return ((u32)major << 16) | minor;
}

/* "M.m", as module parameters take versions, into a version word. */
static inline int vmbus_parse_version(const char *s, u32 *version)
{
	unsigned int major, minor;
	char dot;

	if (sscanf(s, "%u%c%u", &major, &dot, &minor) != 3 || dot != '.' ||
	    major > U16_MAX || minor > U16_MAX)
		return -EINVAL;
	*version = vmbus_version(major, minor);
	return 0;
}

/* Wire sizes (section 2.2) and key offsets (sections 2.4, 3.1, 5.1). */
static_assert(sizeof(struct vmbus_channel_message_header) == 8);
static_assert(sizeof(struct vmbus_channel_offer_channel) == 196);
static_assert(offsetof(struct vmbus_channel_offer_channel, child_relid) == 184);
static_assert(offsetof(struct vmbus_channel_offer_channel, connection_id) == 192);
static_assert(offsetof(struct vmbus_channel_offer_channel,
		       offer.sub_channel_index) == 180);
static_assert(sizeof(struct vmbus_channel_rescind_offer) == 12);
static_assert(sizeof(struct vmbus_channel_open_channel) == 148);
static_assert(sizeof(struct vmbus_channel_open_result) == 20);
static_assert(sizeof(struct vmbus_channel_close_channel) == 12);
static_assert(sizeof(struct vmbus_channel_gpadl_header) == 20);
static_assert(sizeof(struct vmbus_channel_gpadl_body) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_created) == 20);
static_assert(sizeof(struct vmbus_channel_gpadl_teardown) == 16);
static_assert(sizeof(struct vmbus_channel_gpadl_torndown) == 12);
static_assert(sizeof(struct vmbus_channel_relid_released) == 12);
static_assert(sizeof(struct vmbus_channel_initiate_contact) == 40);
static_assert(sizeof(struct vmbus_channel_version_response) == 16);
static_assert(sizeof(struct vmbus_channel_modifychannel) == 16);
static_assert(sizeof(struct vmbus_channel_modifychannel_response) == 16);
static_assert(VMBUS_GPADL_HEADER_PFNS == 26);
static_assert(VMBUS_GPADL_BODY_PFNS == 28);
static_assert(sizeof(struct vmpacket_descriptor) == 16);
static_assert(offsetof(struct hv_ring_buffer, feature_bits) == 64);
static_assert(offsetof(struct hv_ring_buffer, buffer) == HV_HYP_PAGE_SIZE);
static_assert(sizeof(struct hv_message) == 256);

#endif /* _VMBUS_PROTO_H */
