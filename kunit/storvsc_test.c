// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of hv_storvsc's protocol logic, which needs no host: the
 * request packet and its sizes per VSTOR version, transaction IDs and
 * their slots, the checks on completions from the (untrusted) host, and
 * the mapping of SRB status and sense to SCSI results
 * (drivers/storvsc/storvsc_result.c, storvsc_srb_fill(),
 * storvsc_chan_depth()).
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <scsi/scsi.h>
#include <scsi/scsi_proto.h>
#include "storvsc.h"

static const u8 read10[10] = { READ_10, 0, 0, 0, 0x10, 0, 0, 0, 8, 0 };

/* ---- sizes per version ------------------------------------------------ */

struct version_case {
	u16 version;
	u32 pkt;		/* bytes sent per request */
	u16 srb;		/* vmscsi_request.length */
	u8 sense;		/* sense area the guest offers */
	bool subch;		/* multi-channel allowed */
};

static const struct version_case version_cases[] = {
	{ VSTOR_VERSION_WIN6, 48, 36, 18, false },
	{ VSTOR_VERSION_WIN7, 48, 36, 18, false },
	{ VSTOR_VERSION_WIN8, 64, 52, 20, true },
	{ VSTOR_VERSION_WIN8_1, 64, 52, 20, true },
	{ VSTOR_VERSION_WIN10, 64, 52, 20, true },
};

static void version_desc(const struct version_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "VSTOR %u.%u", c->version >> 8,
		 c->version & 0xff);
}

KUNIT_ARRAY_PARAM(version, version_cases, version_desc);

static void storvsc_sizes_per_version(struct kunit *test)
{
	const struct version_case *c = test->param_value;
	struct vstor_packet pkt;
	u32 len;

	KUNIT_EXPECT_EQ(test, vstor_pkt_size(c->version), c->pkt);
	KUNIT_EXPECT_EQ(test, vstor_srb_size(c->version), c->srb);
	KUNIT_EXPECT_EQ(test, vstor_sense_size(c->version), c->sense);
	KUNIT_EXPECT_EQ(test, vstor_version_has_subchannels(c->version),
			c->subch);
	/* The packet: header + SRB, SRB length and sense room as agreed. */
	len = storvsc_srb_fill(&pkt, c->version, read10, sizeof(read10),
			       DMA_FROM_DEVICE, 4096, true);
	KUNIT_EXPECT_EQ(test, len, c->pkt);
	KUNIT_EXPECT_EQ(test, len, VSTOR_PKT_HDR_SIZE + c->srb);
	KUNIT_EXPECT_EQ(test, pkt.srb.length, c->srb);
	KUNIT_EXPECT_EQ(test, pkt.srb.sense_info_length, c->sense);
	KUNIT_EXPECT_EQ(test, pkt.operation, (u32)VSTOR_OP_EXECUTE_SRB);
	KUNIT_EXPECT_EQ(test, pkt.flags, (u32)VSTOR_FLAG_REQUEST_COMPLETION);
	KUNIT_EXPECT_EQ(test, pkt.srb.data_transfer_length, 4096u);
	KUNIT_EXPECT_EQ(test, pkt.srb.cdb_length, (u8)sizeof(read10));
	KUNIT_EXPECT_EQ(test, memcmp(pkt.srb.cdb, read10, sizeof(read10)), 0);
	/* A completion shorter than the version's packet is refused. */
	pkt.operation = VSTOR_OP_COMPLETE_IO;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, c->pkt, 1, c->version),
			0);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, c->pkt - 1, 1,
						   c->version), -EMSGSIZE);
}

/* The data direction in data_in and in the SRB flags agree. */
static void storvsc_srb_directions(struct kunit *test)
{
	u16 v = VSTOR_VERSION_WIN10;
	struct vstor_packet pkt;
	u8 tur[6] = { TEST_UNIT_READY };
	u8 long_cdb[VSTOR_CDB_MAX + 1] = { 0x7f };

	KUNIT_EXPECT_EQ(test, storvsc_srb_fill(&pkt, v, read10, 10,
					       DMA_TO_DEVICE, 512, false), 64u);
	KUNIT_EXPECT_EQ(test, pkt.srb.data_in, VSTOR_DATA_OUT);
	KUNIT_EXPECT_EQ(test, pkt.srb.srb_flags & SRB_FLAGS_UNSPECIFIED_DIRECTION,
			(u32)SRB_FLAGS_DATA_OUT);
	KUNIT_EXPECT_EQ(test, pkt.srb.queue_tag, 0);

	storvsc_srb_fill(&pkt, v, read10, 10, DMA_FROM_DEVICE, 512, true);
	KUNIT_EXPECT_EQ(test, pkt.srb.data_in, VSTOR_DATA_IN);
	KUNIT_EXPECT_EQ(test, pkt.srb.srb_flags & SRB_FLAGS_UNSPECIFIED_DIRECTION,
			(u32)SRB_FLAGS_DATA_IN);
	KUNIT_EXPECT_EQ(test, pkt.srb.queue_tag, VSTOR_QUEUE_TAG_UNTAGGED);
	KUNIT_EXPECT_EQ(test, pkt.srb.queue_action, VSTOR_QUEUE_ACTION_SIMPLE);
	KUNIT_EXPECT_TRUE(test, pkt.srb.srb_flags & SRB_FLAGS_QUEUE_ACTION_ENABLE);

	KUNIT_EXPECT_EQ(test, storvsc_srb_fill(&pkt, v, tur, 6, DMA_NONE, 0,
					       true), 64u);
	KUNIT_EXPECT_EQ(test, pkt.srb.data_in, VSTOR_DATA_NONE);
	KUNIT_EXPECT_EQ(test, pkt.srb.srb_flags & SRB_FLAGS_UNSPECIFIED_DIRECTION,
			0u);
	KUNIT_EXPECT_EQ(test, pkt.srb.data_transfer_length, 0u);

	/* What VSTOR cannot express is refused. */
	KUNIT_EXPECT_EQ(test, storvsc_srb_fill(&pkt, v, tur, 6, DMA_NONE, 512,
					       true), 0u);
	KUNIT_EXPECT_EQ(test, storvsc_srb_fill(&pkt, v, read10, 10,
					       DMA_BIDIRECTIONAL, 512, true), 0u);
	KUNIT_EXPECT_EQ(test, storvsc_srb_fill(&pkt, v, long_cdb,
					       sizeof(long_cdb), DMA_NONE, 0,
					       true), 0u);
}

/* Worst-case requests per ring: 4 KiB control page, 8-byte trailers. */
static void storvsc_ring_depth(struct kunit *test)
{
	/* 129 PFNs: 32 + 1032 + 64 bytes = 1128, + 8 = 1136 per request. */
	KUNIT_EXPECT_EQ(test, storvsc_chan_depth(128 * 1024, 129,
						 VSTOR_VERSION_WIN10),
			(128u * 1024 - 4096 - 8) / 1136);
	/* The legacy packet is 16 bytes shorter. */
	KUNIT_EXPECT_EQ(test, storvsc_chan_depth(128 * 1024, 129,
						 VSTOR_VERSION_WIN7),
			(128u * 1024 - 4096 - 8) / 1120);
	KUNIT_EXPECT_EQ(test, storvsc_chan_depth(4096, 129, VSTOR_VERSION_WIN10),
			0u);
	KUNIT_EXPECT_EQ(test, storvsc_chan_depth(8192, 129, VSTOR_VERSION_WIN10),
			3u);
}

/* ---- transaction IDs and slots ----------------------------------------- */

static void storvsc_ids(struct kunit *test)
{
	struct storvsc_slot slots[4] = {};
	/* Hardware queue 3, tag 2. */
	u64 tid = storvsc_tid((3 << 16) | 2, 0x1234);

	KUNIT_EXPECT_EQ(test, tid >> 32, 0x1234ull);
	KUNIT_EXPECT_TRUE(test, storvsc_tid_is_cmd(tid));
	KUNIT_EXPECT_PTR_EQ(test, storvsc_slot_find(slots, 4, tid), &slots[2]);
	/* Tag 0 of queue 0 still has a non-zero low half. */
	KUNIT_EXPECT_TRUE(test, storvsc_tid_is_cmd(storvsc_tid(0, 0)));
	KUNIT_EXPECT_PTR_EQ(test, storvsc_slot_find(slots, 4, storvsc_tid(0, 9)),
			    &slots[0]);
	/* Notifications and control IDs name no slot. */
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, 0));
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, STORVSC_ID_INIT));
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, STORVSC_ID_RESET));
	/* A tag beyond the table (garbage from the host). */
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, storvsc_tid(4, 1)));
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, 0xffffffffull));
	KUNIT_EXPECT_NULL(test, storvsc_slot_find(slots, 4, ~0ull));
}

static void storvsc_slot_states(struct kunit *test)
{
	struct storvsc_slot slot = {};
	u64 t5 = storvsc_tid(0, 5), t6 = storvsc_tid(0, 6);

	/* FREE: nothing to complete. */
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t5, STORVSC_CMD_DONE));

	/* SENT -> DONE exactly once. */
	atomic64_set(&slot.state, STORVSC_STATE(5, STORVSC_CMD_SENT));
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t6, STORVSC_CMD_DONE));
	KUNIT_EXPECT_TRUE(test, storvsc_slot_finish(&slot, t5, STORVSC_CMD_DONE));
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t5, STORVSC_CMD_DONE));
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t5,
						     STORVSC_CMD_ABANDONED));

	/* Abandoned by a reset: the late completion is dropped ... */
	atomic64_set(&slot.state, STORVSC_STATE(6, STORVSC_CMD_SENT));
	KUNIT_EXPECT_TRUE(test, storvsc_slot_finish(&slot, t6,
						    STORVSC_CMD_ABANDONED));
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t6, STORVSC_CMD_DONE));
	/* ... also once the retry (a new issue) is at the host. */
	atomic64_set(&slot.state, STORVSC_STATE(7, STORVSC_CMD_SENT));
	KUNIT_EXPECT_FALSE(test, storvsc_slot_finish(&slot, t6, STORVSC_CMD_DONE));
	KUNIT_EXPECT_TRUE(test, storvsc_slot_finish(&slot, storvsc_tid(0, 7),
						    STORVSC_CMD_DONE));
	KUNIT_EXPECT_EQ(test, atomic64_read(&slot.state),
			(s64)STORVSC_STATE(7, STORVSC_CMD_DONE));
}

/* ---- checks of the host's packets ---------------------------------- */

static void storvsc_check_malformed(struct kunit *test)
{
	u16 v = VSTOR_VERSION_WIN10;
	struct vstor_packet pkt = { .operation = VSTOR_OP_COMPLETE_IO };

	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 1, v), 0);
	/* Longer is fine (a host may pad), shorter is not. */
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 112, 1, v), 0);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 8, 1, v), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 0, 1, v), -EMSGSIZE);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 48, 1, v), -EMSGSIZE);
	/* Before a version is agreed the legacy size is the minimum. */
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 48, 1, 0), 0);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 47, 1, 0), -EMSGSIZE);
	/* A reply that is no COMPLETE_IO. */
	pkt.operation = 0x7f;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 1, v), -EPROTO);
	pkt.operation = VSTOR_OP_ENUMERATE_BUS;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 1, v), -EPROTO);
	/* Notifications: the two rescan requests only. */
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 4, 0, v), 0);
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 3, 0, v), -EMSGSIZE);
	pkt.operation = VSTOR_OP_REMOVE_DEVICE;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 0, v), 0);
	pkt.operation = VSTOR_OP_COMPLETE_IO;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 0, v), -EPROTO);
	pkt.operation = VSTOR_OP_FCHBA_DATA;
	KUNIT_EXPECT_EQ(test, storvsc_check_packet(&pkt, 64, 0, v), -EPROTO);
}

static void storvsc_check_srb_lengths(struct kunit *test)
{
	struct vmscsi_request srb = {
		.srb_status = SRB_STATUS_SUCCESS,
		.data_transfer_length = 4096,
	};

	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4096), 0);
	/* More data than asked for. */
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4095), -EPROTO);
	srb.srb_status = SRB_STATUS_DATA_OVERRUN;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 512), -EPROTO);
	/* On errors the length means nothing and is not looked at. */
	srb.srb_status = SRB_STATUS_ERROR;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 512), 0);

	/* Sense: the area is 20 bytes in every version. */
	srb.srb_status = SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID;
	srb.scsi_status = SAM_STAT_CHECK_CONDITION;
	srb.sense_info_length = 255;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4096), -EPROTO);
	srb.sense_info_length = 21;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4096), -EPROTO);
	srb.sense_info_length = 20;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4096), 0);
	/* Without valid sense the field is not used. */
	srb.srb_status = SRB_STATUS_ERROR;
	srb.sense_info_length = 255;
	KUNIT_EXPECT_EQ(test, storvsc_check_srb(&srb, 4096), 0);
}

/* ---- SRB status and sense -> SCSI result ----------------------------- */

static void srb_set_sense(struct vmscsi_request *srb, u8 key, u8 asc, u8 ascq,
			  u8 len)
{
	memset(srb->sense_data, 0, sizeof(srb->sense_data));
	srb->sense_data[0] = 0x70;	/* fixed format, current */
	srb->sense_data[2] = key;
	srb->sense_data[7] = 10;	/* additional length */
	srb->sense_data[12] = asc;
	srb->sense_data[13] = ascq;
	srb->sense_info_length = len;
	srb->srb_status |= SRB_STATUS_AUTOSENSE_VALID;
	srb->scsi_status = SAM_STAT_CHECK_CONDITION;
}

static void storvsc_map_success(struct kunit *test)
{
	struct vmscsi_request srb = {
		.srb_status = SRB_STATUS_SUCCESS,
		.data_transfer_length = 4096,
	};
	struct storvsc_result res;

	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, 0);
	KUNIT_EXPECT_EQ(test, res.resid, 0u);
	KUNIT_EXPECT_EQ(test, res.sense_len, 0);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_NONE);

	/* A short transfer leaves a residual. */
	srb.data_transfer_length = 1024;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, 0);
	KUNIT_EXPECT_EQ(test, res.resid, 3072u);

	/* The flag bits do not change the code. */
	srb.srb_status = SRB_STATUS_SUCCESS | SRB_STATUS_QUEUE_FROZEN;
	srb.data_transfer_length = 4096;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, 0);
	KUNIT_EXPECT_EQ(test, res.resid, 0u);
}

static void storvsc_map_overrun(struct kunit *test)
{
	struct vmscsi_request srb = {
		.srb_status = SRB_STATUS_DATA_OVERRUN,
		.data_transfer_length = 36,
	};
	struct storvsc_result res;

	/* An INQUIRY for 96 bytes answered with 36: an under-run. */
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 96, INQUIRY, &res);
	KUNIT_EXPECT_EQ(test, res.result, 0);
	KUNIT_EXPECT_EQ(test, res.resid, 60u);
	/* More than asked for is clamped: no negative residual. */
	srb.data_transfer_length = 200;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 96, INQUIRY, &res);
	KUNIT_EXPECT_EQ(test, res.resid, 0u);
	srb.srb_status = SRB_STATUS_SUCCESS;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 96, INQUIRY, &res);
	KUNIT_EXPECT_EQ(test, res.resid, 0u);
}

static const u8 error_codes[] = {
	SRB_STATUS_ERROR, SRB_STATUS_ABORTED, SRB_STATUS_INVALID_REQUEST,
};

static void storvsc_map_sense(struct kunit *test)
{
	struct vmscsi_request srb = {};
	struct storvsc_result res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(error_codes); i++) {
		srb.srb_status = error_codes[i];
		srb.data_transfer_length = 4096;
		srb_set_sense(&srb, MEDIUM_ERROR, 0x11, 0, 20);
		/* The midlayer reads the sense; no data moved. */
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
		KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_CHECK_CONDITION);
		KUNIT_EXPECT_EQ(test, res.resid, 4096u);
		KUNIT_EXPECT_EQ(test, res.sense_len, 20);
		KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_NONE);
		/* Legacy versions offer 18 bytes of sense. */
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN7, 4096, READ_10, &res);
		KUNIT_EXPECT_EQ(test, res.sense_len, 18);
		/* Fewer valid bytes from the host: only those. */
		srb.sense_info_length = 14;
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
		KUNIT_EXPECT_EQ(test, res.sense_len, 14);
		/* 255 would be refused by the check; alone it is clamped. */
		srb.sense_info_length = 255;
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, READ_10, &res);
		KUNIT_EXPECT_EQ(test, res.sense_len, 20);
		KUNIT_EXPECT_LE(test, res.sense_len, SCSI_SENSE_BUFFERSIZE);
	}
}

static void storvsc_map_capacity_changed(struct kunit *test)
{
	struct vmscsi_request srb = { .srb_status = SRB_STATUS_ERROR };
	struct storvsc_result res;

	srb_set_sense(&srb, UNIT_ATTENTION, 0x2A, 0x09, 20);
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_RESCAN_LUN);
	/* Other parameter changes are the midlayer's alone. */
	srb_set_sense(&srb, UNIT_ATTENTION, 0x2A, 0x01, 20);
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_NONE);
	/* Sense not valid: nothing to act on. */
	srb_set_sense(&srb, UNIT_ATTENTION, 0x2A, 0x09, 20);
	srb.srb_status = SRB_STATUS_ERROR;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_NONE);
	KUNIT_EXPECT_EQ(test, res.sense_len, 0);
}

static void storvsc_map_no_sense(struct kunit *test)
{
	struct vmscsi_request srb = { .scsi_status = SAM_STAT_CHECK_CONDITION };
	struct storvsc_result res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(error_codes); i++) {
		srb.srb_status = error_codes[i];
		/* The host gave up already: the midlayer may retry. */
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, WRITE_10, &res);
		KUNIT_EXPECT_EQ(test, (res.result >> 16) & 0xff, DID_ERROR);
		KUNIT_EXPECT_EQ(test, res.result & 0xff,
				SAM_STAT_CHECK_CONDITION);
		KUNIT_EXPECT_EQ(test, res.sense_len, 0);
		KUNIT_EXPECT_EQ(test, res.resid, 512u);
		/* Except TEST UNIT READY: its status says all. */
		storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 0, TEST_UNIT_READY,
				&res);
		KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_CHECK_CONDITION);
	}
	/* An unknown failure with GOOD status must not look like success. */
	srb.srb_status = SRB_STATUS_INTERNAL_ERROR;
	srb.scsi_status = SAM_STAT_GOOD;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, WRITE_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, DID_ERROR << 16);
	KUNIT_EXPECT_EQ(test, res.resid, 512u);
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 0, TEST_UNIT_READY, &res);
	KUNIT_EXPECT_EQ(test, res.result, DID_ERROR << 16);
}

static void storvsc_map_invalid_lun(struct kunit *test)
{
	struct vmscsi_request srb = {
		.srb_status = SRB_STATUS_INVALID_LUN,
		.scsi_status = SAM_STAT_CHECK_CONDITION,
		.data_transfer_length = 512,
	};
	struct storvsc_result res;

	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, DID_NO_CONNECT << 16);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_REMOVE_LUN);
	KUNIT_EXPECT_EQ(test, res.resid, 512u);
	/* With the autosense flag too: the LUN is gone all the same. */
	srb_set_sense(&srb, ILLEGAL_REQUEST, 0x25, 0, 20);
	srb.srb_status = SRB_STATUS_INVALID_LUN | SRB_STATUS_AUTOSENSE_VALID;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 512, READ_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, DID_NO_CONNECT << 16);
	KUNIT_EXPECT_EQ(test, res.sense_len, 0);
	KUNIT_EXPECT_EQ(test, res.action, STORVSC_ACT_REMOVE_LUN);
}

static void storvsc_map_busy(struct kunit *test)
{
	struct vmscsi_request srb = { .srb_status = SRB_STATUS_BUSY };
	struct storvsc_result res;

	/* BUSY with GOOD status becomes the SAM BUSY the midlayer retries. */
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, WRITE_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_BUSY);
	KUNIT_EXPECT_EQ(test, res.resid, 4096u);
	/* The host's own status is kept. */
	srb.scsi_status = SAM_STAT_TASK_SET_FULL;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN10, 4096, WRITE_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_TASK_SET_FULL);
	srb.scsi_status = SAM_STAT_BUSY;
	storvsc_map_srb(&srb, VSTOR_VERSION_WIN6, 4096, WRITE_10, &res);
	KUNIT_EXPECT_EQ(test, res.result, SAM_STAT_BUSY);
}

static struct kunit_case storvsc_test_cases[] = {
	KUNIT_CASE_PARAM(storvsc_sizes_per_version, version_gen_params),
	KUNIT_CASE(storvsc_srb_directions),
	KUNIT_CASE(storvsc_ring_depth),
	KUNIT_CASE(storvsc_ids),
	KUNIT_CASE(storvsc_slot_states),
	KUNIT_CASE(storvsc_check_malformed),
	KUNIT_CASE(storvsc_check_srb_lengths),
	KUNIT_CASE(storvsc_map_success),
	KUNIT_CASE(storvsc_map_overrun),
	KUNIT_CASE(storvsc_map_sense),
	KUNIT_CASE(storvsc_map_capacity_changed),
	KUNIT_CASE(storvsc_map_no_sense),
	KUNIT_CASE(storvsc_map_invalid_lun),
	KUNIT_CASE(storvsc_map_busy),
	{}
};

static struct kunit_suite storvsc_test_suite = {
	.name = "storvsc",
	.test_cases = storvsc_test_cases,
};

kunit_test_suite(storvsc_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of hv_storvsc's protocol logic");
