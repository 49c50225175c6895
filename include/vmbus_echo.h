/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "echo" test device of the simulated host (Documentation/vmbus_sim.md).
 *
 * Not a Hyper-V device: its class GUID is ours, so only test drivers bind
 * to it.  Every channel of an echo device (the primary and each
 * sub-channel) speaks the same protocol.  The guest sends in-band packets
 * (or GPA-direct packets, op ECHO only) whose payload starts with a
 * struct vmbus_echo_hdr; the host processes them one at a time, in ring
 * order:
 *
 *   ECHO        the host sends back the same payload bytes (same length),
 *               as a completion (type 0xB, the guest's transaction ID) if
 *               the guest asked for one, else in-band (transaction ID 0).
 *               A GPA-direct ECHO is answered with the bytes its ranges
 *               describe, concatenated.  At most VMBUS_ECHO_MAX_PAYLOAD
 *               bytes.
 *   SUBCHANNELS arg = sub-channels wanted.  The host offers them (at most
 *               VMBUS_ECHO_MAX_SUBCHANNELS per device and connection) and
 *               answers with a completion carrying struct
 *               vmbus_echo_subchannels_resp.
 *   STALL       the host reads nothing more from this channel's
 *               guest->host ring for arg milliseconds.
 *   BURST       the host sends arg in-band packets of
 *               VMBUS_ECHO_BURST_PKT_SIZE payload bytes: a struct
 *               vmbus_echo_hdr { BURST, i } (i = 0 .. arg - 1), then bytes
 *               vmbus_echo_burst_byte(i, offset).
 *
 * STALL and BURST answer a completion carrying the request's header if the
 * guest asked for one (STALL when the stall starts, BURST after the last
 * packet).
 */
#ifndef _VMBUS_ECHO_H
#define _VMBUS_ECHO_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uuid.h>

/* Class GUID (offer if_type) b00e0ec0-5eb0-4e0c-9f2a-7e57de71ce01. */
#define VMBUS_ECHO_GUID \
	GUID_INIT(0xb00e0ec0, 0x5eb0, 0x4e0c, 0x9f, 0x2a, 0x7e, 0x57, 0xde, \
		  0x71, 0xce, 0x01)

enum vmbus_echo_op {
	VMBUS_ECHO_OP_ECHO = 1,
	VMBUS_ECHO_OP_SUBCHANNELS = 2,
	VMBUS_ECHO_OP_STALL = 3,
	VMBUS_ECHO_OP_BURST = 4,
};

/* Start of every request payload and of every burst packet. */
struct vmbus_echo_hdr {
	u32 op;			/* enum vmbus_echo_op */
	u32 arg;
} __packed;

/* Completion of VMBUS_ECHO_OP_SUBCHANNELS. */
struct vmbus_echo_subchannels_resp {
	u32 op;			/* VMBUS_ECHO_OP_SUBCHANNELS */
	u32 granted;			/* sub-channels offered for this request */
} __packed;

/*
 * Largest ECHO payload: a host->guest packet is at most 4096 bytes
 * (descriptor and 8-byte padding included, trailer excluded), the
 * guest's default receive limit.
 */
#define VMBUS_ECHO_MAX_PAYLOAD		(4096 - 16)

/* Sub-channels an echo device offers at most (indices 1..16). */
#define VMBUS_ECHO_MAX_SUBCHANNELS	16

/* Limits of STALL (ms) and BURST (packets); larger is a violation. */
#define VMBUS_ECHO_MAX_STALL_MS		60000
#define VMBUS_ECHO_MAX_BURST		65536

/* Payload bytes of each BURST packet. */
#define VMBUS_ECHO_BURST_PKT_SIZE	1024

/* Byte @offset (>= 8) of burst packet @i. */
static inline u8 vmbus_echo_burst_byte(u32 i, u32 offset)
{
	return (u8)(i * 7 + offset);
}

static_assert(sizeof(struct vmbus_echo_hdr) == 8);
static_assert(offsetof(struct vmbus_echo_hdr, arg) == 4);
static_assert(sizeof(struct vmbus_echo_subchannels_resp) == 8);
static_assert(offsetof(struct vmbus_echo_subchannels_resp, granted) == 4);
static_assert(VMBUS_ECHO_BURST_PKT_SIZE % 8 == 0);

#endif /* _VMBUS_ECHO_H */
