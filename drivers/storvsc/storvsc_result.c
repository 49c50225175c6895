// SPDX-License-Identifier: GPL-2.0
/*
 * What the host's answers mean: transaction IDs and their slots,
 * checks of completion packets, and the mapping of an SRB's status and
 * sense to a SCSI result (../shared/spec/storvsc.md sections 2, 7, 8).
 *
 * Pure functions of their arguments, with no midlayer state, so KUnit
 * calls them directly.  The host is untrusted: nothing here trusts a
 * length it sent.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/minmax.h>
#include <scsi/scsi.h>
#include <scsi/scsi_common.h>
#include <scsi/scsi_proto.h>
#include "storvsc.h"

/**
 * storvsc_tid() - transaction ID of one issue of a command
 * @unique_tag: blk_mq_unique_tag() of its request
 * @seq: the sequence number
 *
 * Return: the ID; its low half is never 0.
 */
u64 storvsc_tid(u32 unique_tag, u32 seq)
{
	return ((u64)seq << 32) | (u32)(unique_tag + 1);
}

/**
 * storvsc_tid_is_cmd() - could this ID be a command's?
 * @tid: transaction ID from the host
 *
 * Return: false for 0 (notifications) and the control requests' IDs.
 */
bool storvsc_tid_is_cmd(u64 tid)
{
	return (u32)tid != 0;
}

/**
 * storvsc_slot_find() - the slot a command's transaction ID names
 * @slots: the host's slots
 * @nslots: their number
 * @tid: transaction ID from the host
 *
 * Return: the slot, or NULL if @tid cannot be a command's.  Whether it is
 * the slot's current issue, storvsc_slot_finish() decides.
 */
struct storvsc_slot *storvsc_slot_find(struct storvsc_slot *slots, u32 nslots,
				       u64 tid)
{
	u32 tag;

	if (!storvsc_tid_is_cmd(tid))
		return NULL;
	tag = blk_mq_unique_tag_to_tag((u32)tid - 1);
	return tag < nslots ? &slots[tag] : NULL;
}

/**
 * storvsc_slot_finish() - end the issue a transaction ID names
 * @slot: its tag's slot
 * @tid: the ID (only its sequence half is used)
 * @to: STORVSC_CMD_DONE or STORVSC_CMD_ABANDONED; or STORVSC_CMD_FREE
 *	when the issue never reached the host
 *
 * Context: any.  Of all callers for the same issue, one wins.
 * Return: true if that issue was SENT and is now @to; false for a stale
 * ID (another issue) or an issue already ended.
 */
bool storvsc_slot_finish(struct storvsc_slot *slot, u64 tid,
			 enum storvsc_cmd_state to)
{
	s64 sent = STORVSC_STATE(tid >> 32, STORVSC_CMD_SENT);

	return atomic64_try_cmpxchg(&slot->state, &sent,
				    STORVSC_STATE(tid >> 32, to));
}

/**
 * storvsc_check_packet() - is a packet from the host well-formed?
 * @pkt: zero-padded private copy of its payload
 * @len: payload bytes the host sent
 * @tid: its transaction ID
 * @version: negotiated VSTOR version, 0 before one is agreed
 *
 * A notification (ID 0) needs its operation field and must be
 * ENUMERATE_BUS or REMOVE_DEVICE.  A reply must be a whole packet of the
 * version (the shorter legacy one while none is agreed) and COMPLETE_IO.
 *
 * Return: 0, -EMSGSIZE if too short, -EPROTO for a wrong operation.
 */
int storvsc_check_packet(const struct vstor_packet *pkt, u32 len, u64 tid,
			 u16 version)
{
	u32 need;

	if (!tid) {
		if (len < sizeof(pkt->operation))
			return -EMSGSIZE;
		if (pkt->operation != VSTOR_OP_ENUMERATE_BUS &&
		    pkt->operation != VSTOR_OP_REMOVE_DEVICE)
			return -EPROTO;
		return 0;
	}
	need = version ? vstor_pkt_size(version) : VSTOR_PKT_SIZE_LEGACY;
	if (len < need)
		return -EMSGSIZE;
	if (pkt->operation != VSTOR_OP_COMPLETE_IO)
		return -EPROTO;
	return 0;
}

/* Sense comes with CHECK CONDITION and the autosense flag only. */
static bool storvsc_srb_has_sense(const struct vmscsi_request *srb)
{
	return (srb->srb_status & SRB_STATUS_AUTOSENSE_VALID) &&
	       srb->scsi_status == SAM_STAT_CHECK_CONDITION;
}

/* The transfer length counts only for these (section 7.2). */
static bool storvsc_srb_moved_data(const struct vmscsi_request *srb)
{
	u8 code = SRB_STATUS_CODE(srb->srb_status);

	return code == SRB_STATUS_SUCCESS || code == SRB_STATUS_DATA_OVERRUN;
}

/**
 * storvsc_check_srb() - are a completed SRB's lengths possible?
 * @srb: the SRB of a COMPLETE_IO reply
 * @asked: bytes the command asked for
 *
 * The sense area is 20 bytes in every version; a host claiming more, or
 * having moved more data than asked for, is not to be believed.
 *
 * Return: 0 or -EPROTO.
 */
int storvsc_check_srb(const struct vmscsi_request *srb, u32 asked)
{
	if (storvsc_srb_moved_data(srb) && srb->data_transfer_length > asked)
		return -EPROTO;
	if (storvsc_srb_has_sense(srb) &&
	    srb->sense_info_length > VSTOR_SENSE_SIZE)
		return -EPROTO;
	return 0;
}

static bool storvsc_sense_capacity_changed(const u8 *sense, u8 len)
{
	struct scsi_sense_hdr sshdr;

	return scsi_normalize_sense(sense, len, &sshdr) &&
	       sshdr.asc == 0x2A && sshdr.ascq == 0x09;
}

/**
 * storvsc_map_srb() - the SCSI result of a completed SRB
 * @srb: the SRB of a well-formed COMPLETE_IO reply
 * @version: negotiated VSTOR version (its sense size)
 * @asked: bytes the command asked for
 * @opcode: the command's operation code (CDB byte 0)
 * @res: the result, residual, sense bytes to copy and follow-up action
 *
 * The SAM status is the host's; the host byte says what the SRB status
 * adds to it.  Lengths are clamped, so any SRB maps to a sane result.
 */
void storvsc_map_srb(const struct vmscsi_request *srb, u16 version,
		     u32 asked, u8 opcode, struct storvsc_result *res)
{
	bool sense = storvsc_srb_has_sense(srb);
	u32 done = 0;

	res->result = srb->scsi_status;
	res->action = STORVSC_ACT_NONE;
	res->sense_len = 0;
	if (sense) {
		res->sense_len = min_t(u32, srb->sense_info_length,
				       vstor_sense_size(version));
		res->sense_len = min_t(u32, res->sense_len,
				       SCSI_SENSE_BUFFERSIZE);
		if (storvsc_sense_capacity_changed(srb->sense_data,
						   res->sense_len))
			res->action = STORVSC_ACT_RESCAN_LUN;
	}

	switch (SRB_STATUS_CODE(srb->srb_status)) {
	case SRB_STATUS_SUCCESS:
	case SRB_STATUS_DATA_OVERRUN:
		/* Set on both; an under-run shows as DATA_OVERRUN. */
		done = min(srb->data_transfer_length, asked);
		break;
	case SRB_STATUS_INVALID_LUN:
		res->result = DID_NO_CONNECT << 16;
		res->action = STORVSC_ACT_REMOVE_LUN;
		res->sense_len = 0;
		break;
	case SRB_STATUS_BUSY:
		/* The midlayer retries BUSY without using up retries. */
		if (!res->result)
			res->result = SAM_STAT_BUSY;
		break;
	case SRB_STATUS_ERROR:
	case SRB_STATUS_ABORTED:
	case SRB_STATUS_INVALID_REQUEST:
		/* Some hosts fail TEST UNIT READY this way: the status says it. */
		if (!sense && opcode != TEST_UNIT_READY)
			res->result |= DID_ERROR << 16;
		break;
	default:
		/* Unknown failures must never look like success. */
		if (!sense)
			res->result |= DID_ERROR << 16;
		break;
	}
	res->resid = asked - done;
}
