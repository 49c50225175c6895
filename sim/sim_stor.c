// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of Hyper-V synthetic SCSI (StorVSP, the VSTOR protocol of
 * ../shared/spec/storvsc.md; wire formats in include/vstor_proto.h): the
 * "scsi" device kind.
 *
 * Per device (struct sim_stor_dev, the device state, which outlives
 * channels and connections): the initialization state machine, the
 * negotiated version and the LUNs (sim_disk.c).  The guest drives the
 * state machine on the primary channel:
 *
 *   begin --BEGIN_INITIALIZATION--> version --QUERY_PROTOCOL_VERSION ok-->
 *   props --QUERY_PROPERTIES--> endinit --END_INITIALIZATION--> ready
 *
 * QUERY_PROTOCOL_VERSION repeats until a version is accepted (others get
 * REVISION_MISMATCH); CREATE_SUB_CHANNELS is accepted once in "endinit"
 * and any time on the primary when ready.  Opening the primary channel
 * (the guest driver's probe) starts again at "begin".  Sub-channels carry
 * EXECUTE_SRB only, once the device is ready.
 *
 * Per channel (struct sim_stor_chan): every request is handled at once in
 * the channel work, on the channel's CPU; an SRB is executed
 * synchronously (sim_scsi.c) and answered on its channel.  A completion
 * that does not fit in the host->guest ring stays pending and the channel
 * reads no further request until poll() sent it.  Host notifications
 * (ENUMERATE_BUS after a LUN hot add/remove) go out from the primary's
 * poll().
 *
 * Every guest error is a violation (stor-pkt, stor-state, stor-srb) and,
 * if the request has a transaction ID, answered with an error status so
 * the guest does not wait forever.  SCSI-level errors (unknown command,
 * absent LUN, LBA out of range) are not violations: the SCSI emulation
 * answers them.  Faults (busy, drop, malformed) are armed through debugfs
 * "storvsp_ctl".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <scsi/scsi_proto.h>
#include "vstor_proto.h"
#include "sim.h"

/* ------------------------------------------------------------------ */
/* Parameters                                                          */

static u16 sim_stor_max_version = VSTOR_VERSION_WIN10;

/* "M.m" (e.g. "6.2") or a number ("0x602"); any u16 is a valid cap. */
static int sim_stor_version_set(const char *val, const struct kernel_param *kp)
{
	char buf[16], *s, *dot;
	u8 major, minor;
	u16 v;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	s = strim(buf);
	dot = strchr(s, '.');
	if (dot) {
		*dot = '\0';
		if (kstrtou8(s, 10, &major) || kstrtou8(dot + 1, 10, &minor))
			return -EINVAL;
		v = VSTOR_VERSION(major, minor);
	} else if (kstrtou16(s, 0, &v)) {
		return -EINVAL;
	}
	WRITE_ONCE(*(u16 *)kp->arg, v);
	return 0;
}

static int sim_stor_version_get(char *buf, const struct kernel_param *kp)
{
	u16 v = READ_ONCE(*(u16 *)kp->arg);

	return scnprintf(buf, PAGE_SIZE, "%u.%u\n", v >> 8, v & 0xff);
}

static const struct kernel_param_ops sim_stor_version_ops = {
	.set = sim_stor_version_set,
	.get = sim_stor_version_get,
};

module_param_cb(stor_max_version, &sim_stor_version_ops,
		&sim_stor_max_version, 0644);
MODULE_PARM_DESC(stor_max_version,
		 "Highest VSTOR version the scsi controller accepts: 2.0, 4.2, 5.1, 6.0, 6.2 or a number such as 0x602 (default 6.2)");

static char *stor_disks = "0:0=256M,0:1=64M,1:0=32M";
module_param(stor_disks, charp, 0444);
MODULE_PARM_DESC(stor_disks,
		 "LUNs of every scsi controller at its creation: comma-separated TARGET:LUN=SIZE[K|M|G] (default 0:0=256M,0:1=64M,1:0=32M)");

static unsigned int stor_max_subchannels = 4;
module_param(stor_max_subchannels, uint, 0644);
MODULE_PARM_DESC(stor_max_subchannels,
		 "Sub-channels a scsi controller offers (VSTOR >= 5.1), 0 = no multi-channel, at most 16 (default 4)");

static unsigned int stor_max_transfer = 0x200000;
module_param(stor_max_transfer, uint, 0444);
MODULE_PARM_DESC(stor_max_transfer,
		 "Largest data transfer per SCSI request in bytes, a multiple of 4096, 4 KiB to 8 MiB (default 2 MiB)");

#define SIM_STOR_MAX_TRANSFER	(8U << 20)

/* The versions the controller speaks (section 3), newest first. */
static const u16 sim_stor_versions[] = {
	VSTOR_VERSION_WIN10, VSTOR_VERSION_WIN8_1, VSTOR_VERSION_WIN8,
	VSTOR_VERSION_WIN7, VSTOR_VERSION_WIN6,
};

/* Faults armed through "storvsp_ctl": the next N SRBs, any device. */
static atomic_t sim_stor_busy_left = ATOMIC_INIT(0);
static atomic_t sim_stor_drop_left = ATOMIC_INIT(0);
static atomic_t sim_stor_malformed_left = ATOMIC_INIT(0);
static atomic_t sim_stor_malformed_seq = ATOMIC_INIT(0);

/* Not a VSTOR operation: the operation of malformed completions (c). */
#define SIM_STOR_BAD_OP		0x7f

/* ------------------------------------------------------------------ */
/* State                                                               */

enum sim_stor_state {
	SIM_STOR_BEGIN,		/* waits for BEGIN_INITIALIZATION */
	SIM_STOR_VERSION,	/* QUERY_PROTOCOL_VERSION until one fits */
	SIM_STOR_PROPS,		/* waits for QUERY_PROPERTIES */
	SIM_STOR_ENDINIT,	/* CREATE_SUB_CHANNELS once, END_INIT */
	SIM_STOR_READY,
};

static const char *const sim_stor_state_names[] = {
	[SIM_STOR_BEGIN] = "begin",
	[SIM_STOR_VERSION] = "version",
	[SIM_STOR_PROPS] = "props",
	[SIM_STOR_ENDINIT] = "endinit",
	[SIM_STOR_READY] = "ready",
};

/* sim_stor_dev.flags */
#define SIM_STOR_NOTIFY		0	/* ENUMERATE_BUS to send */

/*
 * A scsi controller (the device state).  The primary channel's work
 * changes state and version (and start() resets them); the works of the
 * sub-channels read them: version is written before state, state with
 * release, read with acquire.
 */
struct sim_stor_dev {
	unsigned int index;		/* the N of "scsiN" */
	int state;			/* enum sim_stor_state */
	u16 version;			/* negotiated, 0: none yet */
	u16 max_subs;			/* max_channel_cnt sent to the guest */
	bool subs_requested;		/* CREATE_SUB_CHANNELS in endinit */
	unsigned long flags;		/* SIM_STOR_* bits */
	struct sim_disks disks;
};

/* A channel of a controller (the channel's priv, zeroed at offer). */
struct sim_stor_chan {
	struct sim_chan *chan;
	struct sim_stor_dev *dev;
	/* Channel work: a completion waiting for ring space. */
	bool out_pending;
	u64 out_trans;
	u32 out_len;
	/* Statistics, read by debugfs without a lock: */
	unsigned long srbs, reads, writes, read_bytes, written_bytes;
	unsigned long flushes, fua, unmaps, write_same, errors;
	unsigned long busy, dropped, malformed;
	u8 out[VSTOR_PKT_SIZE] __aligned(8);
};

static int sim_stor_get_state(const struct sim_stor_dev *dev)
{
	/* Pairs with sim_stor_set_state(): the version is seen with it. */
	return smp_load_acquire(&dev->state);
}

static void sim_stor_set_state(struct sim_stor_dev *dev, int state)
{
	/* The version (and max_subs) before the state that allows I/O. */
	smp_store_release(&dev->state, state);
}

static bool sim_stor_version_known(u16 v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_stor_versions); i++)
		if (sim_stor_versions[i] == v)
			return true;
	return false;
}

/*
 * Payload bytes of every packet once a version is agreed; before, the
 * size the guest used (48 for the old layout, else 64).
 */
static u32 sim_stor_pkt_size(const struct sim_stor_dev *dev, u32 guest_len)
{
	u16 version = READ_ONCE(dev->version);

	if (version)
		return vstor_pkt_size(version);
	return guest_len >= VSTOR_PKT_SIZE ? VSTOR_PKT_SIZE :
					     VSTOR_PKT_SIZE_LEGACY;
}

/* ------------------------------------------------------------------ */
/* Output                                                              */

/*
 * Send one completion built in sc->out; if the ring is full keep it and
 * read no more requests until poll() sent it.
 */
static void sim_stor_send(struct sim_stor_chan *sc, u64 trans, u32 len)
{
	if (sim_chan_send(sc->chan, VM_PKT_COMP, 0, trans, sc->out, len) !=
	    -EAGAIN)
		return;		/* sent, or the channel is broken */
	sc->out_trans = trans;
	sc->out_len = len;
	sc->out_pending = true;
	sim_chan_hold_rx(sc->chan, SIM_CHAN_HOLD_BACKEND);
}

/*
 * Complete a request: @vp is the reply (operation, flags and status are
 * set here), @len its size.
 */
static void sim_stor_complete(struct sim_stor_chan *sc, u64 trans,
			      struct vstor_packet *vp, u32 status, u32 len)
{
	vp->operation = VSTOR_OP_COMPLETE_IO;
	vp->flags = 0;
	vp->status = status;
	memcpy(sc->out, vp, len);
	sim_stor_send(sc, trans, len);
}

/* An error answer with no payload (zeroed). */
static void sim_stor_fail(struct sim_stor_chan *sc, u64 trans, u32 status,
			  u32 len)
{
	struct vstor_packet vp = {};

	sim_stor_complete(sc, trans, &vp, status, len);
}

/* A malformed completion instead of the real one, rotating (a)..(c). */
static void sim_stor_malformed(struct sim_stor_chan *sc, u64 trans,
			       struct vstor_packet *vp, u32 len)
{
	unsigned int kind = (atomic_inc_return(&sim_stor_malformed_seq) - 1) % 3;

	vp->operation = VSTOR_OP_COMPLETE_IO;
	vp->flags = 0;
	memcpy(sc->out, vp, len);
	sc->malformed++;
	switch (kind) {
	case 0:		/* (a) too short to be a vstor_packet */
		sim_trace_note("storvsp: fault: 8-byte completion of %#llx",
			       trans);
		sim_stor_send(sc, trans, 8);
		break;
	case 1:		/* (b) a transaction ID the guest never used */
		sim_trace_note("storvsp: fault: completion of %#llx as %#llx",
			       trans, trans ^ BIT_ULL(63));
		sim_stor_send(sc, trans ^ BIT_ULL(63), len);
		break;
	default:	/* (c) not COMPLETE_IO */
		sim_trace_note("storvsp: fault: completion of %#llx with operation %#x",
			       trans, SIM_STOR_BAD_OP);
		((struct vstor_packet *)sc->out)->operation = SIM_STOR_BAD_OP;
		sim_stor_send(sc, trans, len);
		break;
	}
}

/* ENUMERATE_BUS: in-band, transaction ID 0, no completion requested. */
static int sim_stor_notify(struct sim_stor_chan *sc)
{
	struct sim_stor_dev *dev = sc->dev;
	struct vstor_packet vp = {
		.operation = VSTOR_OP_ENUMERATE_BUS,
	};
	int ret;

	if (sim_stor_get_state(dev) != SIM_STOR_READY ||
	    dev->version < VSTOR_VERSION_WIN7)
		return 0;	/* the guest scans after its init anyway */
	ret = sim_chan_send(sc->chan, VM_PKT_DATA_INBAND, 0, 0, &vp,
			    vstor_pkt_size(dev->version));
	if (!ret)
		sim_trace_note("storvsp: scsi%u: ENUMERATE_BUS", dev->index);
	return ret;
}

static void sim_stor_poll(struct sim_chan *chan)
{
	struct sim_stor_chan *sc = sim_chan_priv(chan);

	if (sc->out_pending) {
		if (sim_chan_send(chan, VM_PKT_COMP, 0, sc->out_trans, sc->out,
				  sc->out_len) == -EAGAIN)
			return;
		sc->out_pending = false;
	}
	if (!sim_chan_subindex(chan) &&
	    test_and_clear_bit(SIM_STOR_NOTIFY, &sc->dev->flags) &&
	    sim_stor_notify(sc) == -EAGAIN)
		set_bit(SIM_STOR_NOTIFY, &sc->dev->flags);	/* next poll */
	sim_chan_release_rx(chan, SIM_CHAN_HOLD_BACKEND);
}

/* ------------------------------------------------------------------ */
/* Control operations                                                  */

static void sim_stor_query_version(struct sim_stor_chan *sc, u64 trans,
				   struct vstor_packet *vp, u32 guest_len)
{
	struct sim_stor_dev *dev = sc->dev;
	u16 v = vp->version.major_minor;
	u32 status = VSTOR_STATUS_REVISION_MISMATCH;
	struct vstor_packet reply = {};

	if (sim_stor_version_known(v) && v <= READ_ONCE(sim_stor_max_version)) {
		status = VSTOR_STATUS_SUCCESS;
		WRITE_ONCE(dev->version, v);
		sim_stor_set_state(dev, SIM_STOR_PROPS);
	}
	reply.version = vp->version;
	sim_stor_complete(sc, trans, &reply, status,
			  sim_stor_pkt_size(dev, guest_len));
}

static void sim_stor_query_properties(struct sim_stor_chan *sc, u64 trans,
				      u32 len)
{
	struct sim_stor_dev *dev = sc->dev;
	struct vstor_packet reply = {};
	unsigned int subs = 0;

	if (vstor_version_has_subchannels(dev->version))
		subs = min(READ_ONCE(stor_max_subchannels),
			   (unsigned int)SIM_MAX_SUBCHANNELS);
	dev->max_subs = subs;
	reply.props.max_channel_cnt = subs;
	reply.props.flags = subs ? VSTOR_PROP_MULTI_CHANNEL : 0;
	reply.props.max_transfer_bytes = stor_max_transfer;
	sim_stor_set_state(dev, SIM_STOR_ENDINIT);
	sim_stor_complete(sc, trans, &reply, VSTOR_STATUS_SUCCESS, len);
}

static void sim_stor_create_subs(struct sim_stor_chan *sc, u64 trans,
				 struct vstor_packet *vp, u32 len)
{
	struct sim_stor_dev *dev = sc->dev;
	u16 count = vp->sub_channel_count;
	unsigned int granted;

	if (!count || count > dev->max_subs) {
		sim_violation(SIM_V_STOR_PKT,
			      "channel %u: CREATE_SUB_CHANNELS of %u, at most %u",
			      sim_chan_relid(sc->chan), count, dev->max_subs);
		sim_stor_fail(sc, trans, VSTOR_STATUS_INVALID_PARAMETER, len);
		return;
	}
	if (sim_stor_get_state(dev) == SIM_STOR_ENDINIT)
		dev->subs_requested = true;
	/* Fewer when the connection ran out of sub-channel indexes. */
	granted = sim_server_offer_subchannels(sc->chan, count);
	sim_trace_note("storvsp: scsi%u: %u of %u sub-channels", dev->index,
		       granted, count);
	sim_stor_fail(sc, trans, VSTOR_STATUS_SUCCESS, len);
}

/* Is @op legal on this channel in the device's current state? */
static bool sim_stor_op_ok(struct sim_stor_chan *sc, u32 op)
{
	int state = sim_stor_get_state(sc->dev);

	if (sim_chan_subindex(sc->chan))
		return op == VSTOR_OP_EXECUTE_SRB && state == SIM_STOR_READY;
	switch (op) {
	case VSTOR_OP_BEGIN_INIT:
		return state == SIM_STOR_BEGIN;
	case VSTOR_OP_QUERY_VERSION:
		return state == SIM_STOR_VERSION;
	case VSTOR_OP_QUERY_PROPERTIES:
		return state == SIM_STOR_PROPS;
	case VSTOR_OP_END_INIT:
		return state == SIM_STOR_ENDINIT;
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		return (state == SIM_STOR_ENDINIT && !sc->dev->subs_requested) ||
		       state == SIM_STOR_READY;
	default:	/* EXECUTE_SRB, RESET_* */
		return state == SIM_STOR_READY;
	}
}

/* ------------------------------------------------------------------ */
/* EXECUTE_SRB                                                         */

/*
 * Check an SRB against the protocol and find its data buffer.  Debian's
 * hv_storvsc sets data_in and the DATA_IN/DATA_OUT flags from the same
 * DMA direction; a guest that leaves the direction flags clear (or sets
 * both) is fine, one that contradicts data_in is not.
 */
static bool sim_stor_srb_ok(struct sim_stor_chan *sc,
			    const struct sim_pkt *pkt,
			    const struct vmscsi_request *srb, u16 version,
			    struct sim_gpa_buf *buf)
{
	const struct vmdata_gpa_direct *gpa = (const void *)pkt->data;
	u32 relid = sim_chan_relid(sc->chan), dir;
	bool has_data = pkt->desc->type == VM_PKT_DATA_USING_GPA_DIRECT;
	struct gpa_range range;

	if (srb->length != vstor_srb_size(version) || !srb->cdb_length ||
	    srb->cdb_length > VSTOR_CDB_MAX ||
	    srb->sense_info_length > vstor_sense_size(version) ||
	    srb->data_in > VSTOR_DATA_NONE) {
		sim_violation(SIM_V_STOR_SRB,
			      "channel %u: SRB length %u cdb %u sense %u data_in %u",
			      relid, srb->length, srb->cdb_length,
			      srb->sense_info_length, srb->data_in);
		return false;
	}
	if (version >= VSTOR_VERSION_WIN8) {
		dir = srb->srb_flags & SRB_FLAGS_UNSPECIFIED_DIRECTION;
		if ((srb->data_in == VSTOR_DATA_OUT &&
		     dir == SRB_FLAGS_DATA_IN) ||
		    (srb->data_in == VSTOR_DATA_IN &&
		     dir == SRB_FLAGS_DATA_OUT) ||
		    (srb->data_in == VSTOR_DATA_NONE &&
		     dir != SRB_FLAGS_NO_DATA_TRANSFER)) {
			sim_violation(SIM_V_STOR_SRB,
				      "channel %u: data_in %u with SRB flags %#x",
				      relid, srb->data_in, srb->srb_flags);
			return false;
		}
	}
	if (has_data != !!srb->data_transfer_length ||
	    (has_data && srb->data_in == VSTOR_DATA_NONE)) {
		sim_violation(SIM_V_STOR_SRB,
			      "channel %u: packet type %u, %u data bytes, data_in %u",
			      relid, pkt->desc->type, srb->data_transfer_length,
			      srb->data_in);
		return false;
	}
	if (!has_data)
		return true;
	/* The ring checked the ranges (count >= 1, PFNs inside, RAM). */
	memcpy(&range, gpa->range, sizeof(range));
	if (gpa->range_cnt != 1 ||
	    range.byte_count != srb->data_transfer_length ||
	    range.byte_count > stor_max_transfer) {
		sim_violation(SIM_V_STOR_SRB,
			      "channel %u: %u GPA ranges, %u bytes for %u (max %u)",
			      relid, gpa->range_cnt, range.byte_count,
			      srb->data_transfer_length, stor_max_transfer);
		return false;
	}
	buf->pfns = pkt->data + offsetof(struct vmdata_gpa_direct, range) +
		    offsetof(struct gpa_range, pfn_array);
	buf->offset = range.byte_offset;
	buf->len = range.byte_count;
	return true;
}

static void sim_stor_count(struct sim_stor_chan *sc,
			   const struct sim_scsi_cmd *cmd)
{
	if (cmd->done & SIM_SCSI_DID_READ) {
		sc->reads++;
		sc->read_bytes += cmd->bytes;
	}
	if (cmd->done & SIM_SCSI_DID_WRITE) {
		sc->writes++;
		sc->written_bytes += cmd->bytes;
	}
	if (cmd->done & SIM_SCSI_DID_FUA)
		sc->fua++;
	if (cmd->done & SIM_SCSI_DID_FLUSH)
		sc->flushes++;
	if (cmd->done & SIM_SCSI_DID_UNMAP)
		sc->unmaps++;
	if (cmd->done & SIM_SCSI_DID_WRITE_SAME)
		sc->write_same++;
	if (cmd->srb_status != SRB_STATUS_SUCCESS)
		sc->errors++;
}

/* The NTSTATUS that goes with an SRB status (section 4.3). */
static u32 sim_stor_ntstatus(u8 srb_status)
{
	switch (SRB_STATUS_CODE(srb_status)) {
	case SRB_STATUS_SUCCESS:
		return VSTOR_STATUS_SUCCESS;
	case SRB_STATUS_BUSY:
		return VSTOR_STATUS_DEVICE_BUSY;
	case SRB_STATUS_INVALID_LUN:
	case SRB_STATUS_INVALID_TARGET_ID:
	case SRB_STATUS_NO_DEVICE:
		return VSTOR_STATUS_DEVICE_DOES_NOT_EXIST;
	default:
		return VSTOR_STATUS_IO_DEVICE_ERROR;
	}
}

static void sim_stor_srb(struct sim_stor_chan *sc, const struct sim_pkt *pkt,
			 u64 trans, struct vstor_packet *vp)
{
	struct sim_stor_dev *dev = sc->dev;
	struct vmscsi_request *srb = &vp->srb;
	u16 version = READ_ONCE(dev->version);
	u32 len = vstor_pkt_size(version);
	u8 sense_room = srb->sense_info_length;
	struct sim_scsi_cmd cmd = {};
	u8 cdb[VSTOR_CDB_MAX];

	sc->srbs++;
	if (!sim_stor_srb_ok(sc, pkt, srb, version, &cmd.buf)) {
		sc->errors++;
		srb->srb_status = SRB_STATUS_INVALID_REQUEST;
		srb->scsi_status = SAM_STAT_GOOD;
		srb->data_transfer_length = 0;
		srb->sense_info_length = 0;
		sim_stor_complete(sc, trans, vp, VSTOR_STATUS_INVALID_PARAMETER,
				  len);
		return;
	}
	if (atomic_dec_if_positive(&sim_stor_busy_left) >= 0) {
		sc->busy++;
		sim_trace_note("storvsp: fault: BUSY for %#llx", trans);
		srb->srb_status = SRB_STATUS_BUSY;
		srb->scsi_status = SAM_STAT_BUSY;
		srb->data_transfer_length = 0;
		srb->sense_info_length = 0;
		sim_stor_complete(sc, trans, vp, VSTOR_STATUS_DEVICE_BUSY, len);
		return;
	}

	memcpy(cdb, srb->cdb, sizeof(cdb));
	cmd.cdb = cdb;
	cmd.cdb_len = srb->cdb_length;
	cmd.path_id = srb->path_id;
	cmd.target_id = srb->target_id;
	cmd.lun = srb->lun;
	cmd.data_in = srb->data_in;
	sim_scsi_execute(&dev->disks, &cmd);
	sim_stor_count(sc, &cmd);

	srb->length = vstor_srb_size(version);
	srb->srb_status = cmd.srb_status;
	srb->scsi_status = cmd.scsi_status;
	srb->data_transfer_length = cmd.transferred;
	memset(srb->raw, 0, sizeof(srb->raw));
	srb->sense_info_length = 0;
	if (cmd.sense_len) {
		/* Autosense: as much as the guest has room for, if it wants. */
		srb->sense_info_length = min(cmd.sense_len, sense_room);
		if (version >= VSTOR_VERSION_WIN8 &&
		    (srb->srb_flags & SRB_FLAGS_DISABLE_AUTOSENSE))
			srb->sense_info_length = 0;
		memcpy(srb->sense_data, cmd.sense, srb->sense_info_length);
		if (!srb->sense_info_length)
			srb->srb_status &= ~SRB_STATUS_AUTOSENSE_VALID;
	}

	if (cmd.buf.len && atomic_dec_if_positive(&sim_stor_drop_left) >= 0) {
		sc->dropped++;
		sim_trace_note("storvsp: fault: completion of %#llx dropped",
			       trans);
		return;
	}
	if (atomic_dec_if_positive(&sim_stor_malformed_left) >= 0) {
		vp->status = sim_stor_ntstatus(srb->srb_status);
		sim_stor_malformed(sc, trans, vp, len);
		return;
	}
	sim_stor_complete(sc, trans, vp, sim_stor_ntstatus(srb->srb_status),
			  len);
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

static void sim_stor_rx(struct sim_chan *chan, const struct sim_pkt *pkt)
{
	struct sim_stor_chan *sc = sim_chan_priv(chan);
	struct sim_stor_dev *dev = sc->dev;
	u16 type = pkt->desc->type;
	u64 trans = pkt->desc->trans_id;
	u32 relid = sim_chan_relid(chan), len, min_len, op;
	struct vstor_packet vp = {};
	u16 version;

	/* Held while a completion is pending: no request is read then. */
	if (WARN_ON_ONCE(sc->out_pending))
		return;
	if (type != VM_PKT_DATA_INBAND && type != VM_PKT_DATA_USING_GPA_DIRECT) {
		sim_violation(SIM_V_STOR_PKT, "channel %u: packet type %u",
			      relid, type);
		return;		/* not a request: nothing to answer */
	}
	if (!trans) {
		sim_violation(SIM_V_STOR_PKT, "channel %u: transaction ID 0",
			      relid);
		return;		/* no answer can reach the guest */
	}
	version = READ_ONCE(dev->version);
	len = sim_stor_pkt_size(dev, pkt->payload_len);
	min_len = version ? vstor_pkt_size(version) : VSTOR_PKT_SIZE_LEGACY;
	memcpy(&vp, pkt->payload, min_t(u32, pkt->payload_len, sizeof(vp)));
	op = vp.operation;
	if (!(pkt->desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED) ||
	    pkt->payload_len < min_len || vp.flags != VSTOR_FLAG_REQUEST_COMPLETION) {
		sim_violation(SIM_V_STOR_PKT,
			      "channel %u: op %u, %u bytes (at least %u), packet flags %#x, vstor flags %#x",
			      relid, op, pkt->payload_len, min_len,
			      pkt->desc->flags, vp.flags);
		sim_stor_fail(sc, trans, VSTOR_STATUS_INVALID_PARAMETER, len);
		return;
	}
	switch (op) {
	case VSTOR_OP_EXECUTE_SRB:
	case VSTOR_OP_RESET_LUN:
	case VSTOR_OP_RESET_ADAPTER:
	case VSTOR_OP_RESET_BUS:
	case VSTOR_OP_BEGIN_INIT:
	case VSTOR_OP_END_INIT:
	case VSTOR_OP_QUERY_VERSION:
	case VSTOR_OP_QUERY_PROPERTIES:
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		break;
	default:	/* host->guest, FC only, or unknown */
		sim_violation(SIM_V_STOR_PKT, "channel %u: operation %u",
			      relid, op);
		sim_stor_fail(sc, trans, VSTOR_STATUS_INVALID_DEVICE_REQUEST,
			      len);
		return;
	}
	if (type == VM_PKT_DATA_USING_GPA_DIRECT && op != VSTOR_OP_EXECUTE_SRB) {
		sim_violation(SIM_V_STOR_PKT,
			      "channel %u: operation %u with a data buffer",
			      relid, op);
		sim_stor_fail(sc, trans, VSTOR_STATUS_INVALID_PARAMETER, len);
		return;
	}
	if (!sim_stor_op_ok(sc, op)) {
		sim_violation(SIM_V_STOR_STATE,
			      "channel %u (sub %u): operation %u in state %s",
			      relid, sim_chan_subindex(chan), op,
			      sim_stor_state_names[sim_stor_get_state(dev)]);
		if (op == VSTOR_OP_EXECUTE_SRB) {
			sc->srbs++;
			sc->errors++;
			vp.srb.srb_status = SRB_STATUS_INVALID_REQUEST;
			vp.srb.scsi_status = SAM_STAT_GOOD;
			vp.srb.data_transfer_length = 0;
			vp.srb.sense_info_length = 0;
			sim_stor_complete(sc, trans, &vp,
					  VSTOR_STATUS_INVALID_DEVICE_STATE, len);
		} else {
			sim_stor_fail(sc, trans,
				      VSTOR_STATUS_INVALID_DEVICE_STATE, len);
		}
		return;
	}

	switch (op) {
	case VSTOR_OP_EXECUTE_SRB:
		sim_stor_srb(sc, pkt, trans, &vp);
		break;
	case VSTOR_OP_BEGIN_INIT:
		sim_stor_set_state(dev, SIM_STOR_VERSION);
		sim_stor_fail(sc, trans, VSTOR_STATUS_SUCCESS, len);
		break;
	case VSTOR_OP_QUERY_VERSION:
		sim_stor_query_version(sc, trans, &vp, pkt->payload_len);
		break;
	case VSTOR_OP_QUERY_PROPERTIES:
		sim_stor_query_properties(sc, trans, len);
		break;
	case VSTOR_OP_CREATE_SUB_CHANNELS:
		sim_stor_create_subs(sc, trans, &vp, len);
		break;
	case VSTOR_OP_END_INIT:
		/* The guest scans now: earlier rescan events are moot. */
		clear_bit(SIM_STOR_NOTIFY, &dev->flags);
		sim_stor_set_state(dev, SIM_STOR_READY);
		sim_stor_fail(sc, trans, VSTOR_STATUS_SUCCESS, len);
		break;
	default:	/* RESET_LUN, RESET_ADAPTER, RESET_BUS: nothing to do */
		sim_trace_note("storvsp: scsi%u: reset (operation %u)",
			       dev->index, op);
		sim_stor_fail(sc, trans, VSTOR_STATUS_SUCCESS, len);
		break;
	}
}

static void sim_stor_start(struct sim_chan *chan)
{
	struct sim_stor_chan *sc = sim_chan_priv(chan);
	struct sim_stor_dev *dev = sim_chan_dev_priv(chan);

	sc->chan = chan;
	sc->dev = dev;
	sc->out_pending = false;
	if (sim_chan_subindex(chan))
		return;
	/* The guest (re)opened the controller: it starts from scratch. */
	WRITE_ONCE(dev->version, 0);
	dev->max_subs = 0;
	dev->subs_requested = false;
	clear_bit(SIM_STOR_NOTIFY, &dev->flags);
	sim_stor_set_state(dev, SIM_STOR_BEGIN);
}

static void sim_stor_stop(struct sim_chan *chan)
{
}

static void sim_stor_show_chan(struct seq_file *m, struct sim_chan *chan)
{
	const struct sim_stor_chan *sc = sim_chan_priv(chan);
	const struct sim_stor_dev *dev = sim_chan_dev_priv(chan);

	if (!dev)
		return;		/* rescinded: the device is gone */
	seq_printf(m,
		   "scsi%u chan relid=%u sub=%u cpu=%u state=%s version=0x%04x srbs=%lu reads=%lu writes=%lu read_bytes=%lu written_bytes=%lu flushes=%lu fua=%lu unmaps=%lu write_same=%lu errors=%lu busy=%lu dropped=%lu malformed=%lu\n",
		   dev->index, sim_chan_relid(chan), sim_chan_subindex(chan),
		   sim_chan_target_cpu(chan),
		   sim_stor_state_names[sim_stor_get_state(dev)],
		   READ_ONCE(dev->version), sc->srbs, sc->reads, sc->writes,
		   sc->read_bytes, sc->written_bytes, sc->flushes, sc->fua,
		   sc->unmaps, sc->write_same, sc->errors, sc->busy,
		   sc->dropped, sc->malformed);
}

/* ------------------------------------------------------------------ */
/* Device state                                                        */

static int sim_stor_dev_init(void *priv, unsigned int index)
{
	struct sim_stor_dev *dev = priv;
	int ret;

	if (stor_max_transfer < HV_HYP_PAGE_SIZE ||
	    stor_max_transfer > SIM_STOR_MAX_TRANSFER ||
	    stor_max_transfer % HV_HYP_PAGE_SIZE) {
		pr_err("stor_max_transfer %u: not a multiple of 4096 in 4 KiB..8 MiB\n",
		       stor_max_transfer);
		return -EINVAL;
	}
	dev->index = index;
	dev->state = SIM_STOR_BEGIN;
	ret = sim_disks_init(&dev->disks, index, stor_max_transfer,
			     stor_disks);
	if (ret)
		pr_err("stor_disks '%s': %d\n", stor_disks, ret);
	return ret;
}

static void sim_stor_dev_exit(void *priv)
{
	struct sim_stor_dev *dev = priv;

	sim_disks_exit(&dev->disks);
}

const struct sim_dev_kind sim_scsi = {
	.name = "scsi",
	.group = "storvsp",
	.id = { HV_SCSI_GUID },
	.priv_size = sizeof(struct sim_stor_chan),
	.start = sim_stor_start,
	.stop = sim_stor_stop,
	.rx = sim_stor_rx,
	.poll = sim_stor_poll,
	.show = sim_stor_show_chan,
	.dev_priv_size = sizeof(struct sim_stor_dev),
	.dev_init = sim_stor_dev_init,
	.dev_exit = sim_stor_dev_exit,
};

/* ------------------------------------------------------------------ */
/* debugfs                                                             */

static int sim_stor_show_dev(const struct sim_dev_ref *ref)
{
	struct sim_stor_dev *dev = ref->priv;
	struct seq_file *m = ref->arg;
	struct sim_chan *chan = NULL;

	while (ref->primary &&
	       (chan = sim_server_next_chan(ref->primary, chan)))
		if (sim_chan_is_open(chan))
			sim_stor_show_chan(m, chan);
	sim_disks_show(m, &dev->disks, ref->index);
	return 0;
}

/**
 * sim_stor_show() - debugfs "storvsp"
 * @m: seq_file
 *
 * For each scsi device: one line per open channel (state and version are
 * the device's, counters the channel's), then one line per LUN.
 */
void sim_stor_show(struct seq_file *m)
{
	sim_server_visit_devs(&sim_scsi, -1, sim_stor_show_dev, m);
}

enum sim_stor_verb { SIM_STOR_ADD, SIM_STOR_REMOVE, SIM_STOR_MEDIUM };

struct sim_stor_req {
	enum sim_stor_verb verb;
	u8 target;
	u8 lun;
	u64 a, b;		/* size; or LBA, count */
};

static int sim_stor_ctl_dev(const struct sim_dev_ref *ref)
{
	struct sim_stor_dev *dev = ref->priv;
	struct sim_stor_req *req = ref->arg;
	int ret;

	switch (req->verb) {
	case SIM_STOR_MEDIUM:
		return sim_disk_set_medium(&dev->disks, req->target, req->lun,
					   req->a, req->b);
	case SIM_STOR_ADD:
		ret = sim_disk_add(&dev->disks, req->target, req->lun, req->a);
		break;
	default:
		ret = sim_disk_remove(&dev->disks, req->target, req->lun);
		break;
	}
	if (ret)
		return ret;
	sim_trace_note("storvsp: scsi%u: LUN %u:%u %s", ref->index, req->target,
		       req->lun, req->verb == SIM_STOR_ADD ? "added" : "removed");
	/* Tell the guest (from the primary's work, when it is ready). */
	set_bit(SIM_STOR_NOTIFY, &dev->flags);
	if (ref->primary)
		sim_chan_kick(ref->primary);
	return 0;
}

static int sim_stor_fault(atomic_t *left, const char *arg)
{
	unsigned int n;

	if (!arg || kstrtouint(arg, 0, &n) || n > INT_MAX)
		return -EINVAL;
	atomic_set(left, n);
	return 0;
}

#define SIM_STOR_CTL_ARGS	5

/**
 * sim_stor_ctl() - debugfs "storvsp_ctl": one command
 * @cmd: "[dev=N] add T:L SIZE", "[dev=N] remove T:L",
 *	"[dev=N] medium T:L LBA COUNT", "busy N", "drop N", "malformed N"
 *
 * Process context.
 *
 * Return: 0, -EINVAL for bad syntax, -ENODEV for no such scsi device,
 * -EEXIST (add), -ENOENT (remove, medium), -ENOMEM.
 */
int sim_stor_ctl(const char *cmd)
{
	char buf[128], *cur, *argv[SIM_STOR_CTL_ARGS + 1], *tok;
	struct sim_stor_req req = {};
	unsigned int argc = 0, dev = 0;
	int ret;

	if (strscpy(buf, cmd, sizeof(buf)) < 0)
		return -EINVAL;
	cur = buf;
	while ((tok = strsep(&cur, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (argc == ARRAY_SIZE(argv))
			return -EINVAL;
		argv[argc++] = tok;
	}
	if (argc && !strncmp(argv[0], "dev=", 4)) {
		if (kstrtouint(argv[0] + 4, 10, &dev) || dev > INT_MAX)
			return -EINVAL;
		memmove(argv, argv + 1, --argc * sizeof(argv[0]));
	}
	if (!argc)
		return -EINVAL;
	if (argc == 2 && !strcmp(argv[0], "busy"))
		return sim_stor_fault(&sim_stor_busy_left, argv[1]);
	if (argc == 2 && !strcmp(argv[0], "drop"))
		return sim_stor_fault(&sim_stor_drop_left, argv[1]);
	if (argc == 2 && !strcmp(argv[0], "malformed"))
		return sim_stor_fault(&sim_stor_malformed_left, argv[1]);

	if (argc == 3 && !strcmp(argv[0], "add")) {
		req.verb = SIM_STOR_ADD;
		ret = sim_disk_parse_size(argv[2], &req.a);
	} else if (argc == 2 && !strcmp(argv[0], "remove")) {
		req.verb = SIM_STOR_REMOVE;
		ret = 0;
	} else if (argc == 4 && !strcmp(argv[0], "medium")) {
		req.verb = SIM_STOR_MEDIUM;
		ret = kstrtou64(argv[2], 0, &req.a) ?:
		      kstrtou64(argv[3], 0, &req.b);
	} else {
		return -EINVAL;
	}
	if (ret || sim_disk_parse_addr(argv[1], &req.target, &req.lun))
		return -EINVAL;
	return sim_server_visit_devs(&sim_scsi, dev, sim_stor_ctl_dev, &req);
}
