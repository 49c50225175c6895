/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_storvsc: the synthetic SCSI controller of a Hyper-V style host, over
 * the <linux/hyperv.h> VMBus API.  Wire formats: include/vstor_proto.h.
 *
 *   storvsc_drv.c     module, VMBus driver, probe/remove, Scsi_Host
 *                     template, rescan and LUN removal work
 *   storvsc_chan.c    control requests, VSTOR handshake, sub-channels,
 *                     the per-CPU channel map
 *   storvsc_io.c      queuecommand, packets out and in, completion,
 *                     error handling (abort, host reset), draining
 *   storvsc_result.c  pure functions: transaction IDs, command states,
 *                     completion checks, SRB status -> SCSI result
 *
 * Transaction IDs (64 bits): a command's is (issue sequence << 32) |
 * (blk-mq unique tag + 1); its low half is never 0.  Control requests use
 * IDs whose low half is 0 (STORVSC_ID_*), and the host's notifications
 * carry 0.  The tag's slot holds the same sequence number, so a late
 * completion of an earlier issue of the same tag matches nothing.
 */
#ifndef _STORVSC_H
#define _STORVSC_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-direction.h>
#include <linux/hyperv.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>
#include "vstor_proto.h"

/* Reserved transaction IDs: low half 0, so never a command's. */
#define STORVSC_ID_INIT		((u64)1 << 32)	/* handshake, sub-channels */
#define STORVSC_ID_RESET	((u64)2 << 32)	/* RESET_BUS */

/* A completion is 16 + 64 bytes; room for a host that pads it. */
#define STORVSC_MAX_PKT_SIZE	128

/* The time the host gets per SRB (seconds, in the SRB). */
#define STORVSC_SRB_TIMEOUT	60

/*
 * Life of one issue of a command, in its tag's slot as
 * (sequence << 32) | state.  Once SENT it changes only by cmpxchg, so of
 * the completion path and error handling exactly one ends the issue.
 */
enum storvsc_cmd_state {
	STORVSC_CMD_FREE,	/* not with the host */
	STORVSC_CMD_SENT,	/* in a ring or at the host */
	STORVSC_CMD_DONE,	/* the host completed it */
	STORVSC_CMD_ABANDONED,	/* given up (host reset, rescind) */
};

#define STORVSC_STATE(seq, st)	(((u64)(seq) << 32) | (st))

/*
 * One per blk-mq tag (host-wide tags: can_queue of them).  Completions
 * find their command here, never through blk-mq: an ID from the host
 * only ever indexes this table, and memory of a request that is not at
 * the host is never touched.
 */
struct storvsc_slot {
	atomic64_t state;		/* STORVSC_STATE() */
	struct scsi_cmnd *cmd;		/* valid while SENT */
};

/* Driver data of every scsi_cmnd (Scsi_Host template cmd_size). */
struct storvsc_cmd {
	u16 nseg;			/* DMA-mapped segments, 0: none */
	u8 resends;			/* after malformed completions */
};

/* What a completion means for its command (storvsc_map_srb()). */
enum storvsc_action {
	STORVSC_ACT_NONE,
	STORVSC_ACT_RESCAN_LUN,	/* capacity changed: re-read it */
	STORVSC_ACT_REMOVE_LUN,	/* the host says the LUN is gone */
};

struct storvsc_result {
	int result;		/* scsi_cmnd.result */
	u32 resid;		/* bytes asked for but not transferred */
	u8 sense_len;		/* sense bytes to copy from the SRB */
	enum storvsc_action action;
};

/*
 * A control request awaiting its reply: one at a time per instance (the
 * handshake in probe; RESET_BUS in the EH thread).  @armed is 1 while the
 * waiter wants the reply; whoever clears it (the channel callback taking
 * the reply, or the waiter giving up) owns @reply and @len.
 */
struct storvsc_ctl {
	struct completion done;
	atomic_t armed;
	u32 len;			/* bytes the host sent */
	struct vstor_packet reply;	/* zero-padded copy */
};

/* One open channel: the primary or a sub-channel. */
struct storvsc_chan {
	struct storvsc_host *host;
	struct vmbus_channel *channel;
};

/* Channel of every possible CPU; replaced whole, readers under RCU. */
struct storvsc_map {
	struct rcu_head rcu;
	struct storvsc_chan *chan[];	/* nr_cpu_ids entries */
};

/* storvsc_host.flags */
enum {
	STORVSC_READY,		/* the Scsi_Host is added: work may scan */
	STORVSC_REMOVING,	/* remove() started: queue no more work */
	STORVSC_RESCAN,		/* the host asked for a bus rescan */
};

/* storvsc_lun.flags, set by the completion path, acted on by the work. */
enum {
	STORVSC_LUN_GONE,	/* answered INVALID_LUN: remove it */
	STORVSC_LUN_RESIZED,	/* reported a capacity change: re-read */
};

/* scsi_device.hostdata, from slave_alloc to slave_destroy. */
struct storvsc_lun {
	unsigned long flags;
};

/* One controller: the Scsi_Host's private data. */
struct storvsc_host {
	struct hv_device *hdev;
	struct Scsi_Host *shost;

	/* Set by the handshake in probe, read-only afterwards. */
	u16 version;			/* negotiated VSTOR version */
	u16 host_max_subch;		/* host's sub-channel limit */
	u32 host_flags;			/* VSTOR_PROP_* */
	u32 max_transfer;		/* bytes per SRB, as clamped */
	u32 max_pfns;			/* PFNs per GPA range */
	u32 ring_size;			/* bytes per direction per channel */
	/* Scratch for one GPA-direct descriptor per CPU; used with BHs off. */
	struct vmbus_packet_mpb_array __percpu *mpb;

	atomic_t issue_seq;		/* sequence of the last issue */
	struct storvsc_slot *slots;	/* nslots = can_queue */
	u32 nslots;			/* set once, after slots (release) */

	struct storvsc_ctl init;	/* probe only */
	struct storvsc_ctl reset;	/* the EH thread only */

	/*
	 * chan_lock (mutex, process context: probe, remove, sub-channel
	 * offers) protects nchans, subch_offers, closing, the writes of
	 * chans[] and the publication of map.  chans[0..nchans-1] are open
	 * and stay so until remove; the I/O path reads them through map
	 * under rcu_read_lock() without the lock.
	 */
	struct mutex chan_lock;
	struct storvsc_chan *chans;	/* max_chans entries */
	unsigned int max_chans;
	unsigned int nchans;
	unsigned int subch_offers;	/* sub-channel offers seen */
	bool closing;			/* open no more sub-channels */
	wait_queue_head_t subch_wq;	/* probe waits for the offers */
	struct storvsc_map __rcu *map;

	unsigned long flags;		/* STORVSC_READY etc., atomic bitops */
	struct work_struct work;	/* rescan, LUN removal, resize */
};

static inline struct storvsc_cmd *storvsc_cmd(struct scsi_cmnd *cmd)
{
	return scsi_cmd_priv(cmd);
}

/* storvsc_drv.c */
void storvsc_host_kick(struct storvsc_host *h);
void storvsc_lun_event(struct scsi_device *sdev, enum storvsc_action act);

/* storvsc_chan.c */
int storvsc_chan_request(struct storvsc_host *h, struct storvsc_ctl *ctl,
			 struct vstor_packet *pkt, u32 len, u64 id,
			 unsigned long timeout);
void storvsc_chan_on_reply(struct storvsc_host *h, struct storvsc_ctl *ctl,
			   const struct vstor_packet *pkt, u32 len);
int storvsc_chan_open_primary(struct storvsc_host *h);
int storvsc_chan_connect(struct storvsc_host *h);
int storvsc_chan_add_subchannels(struct storvsc_host *h, int limit);
void storvsc_chan_close(struct storvsc_host *h);
struct storvsc_chan *storvsc_chan_pick(struct storvsc_host *h);
u32 storvsc_chan_depth(u32 ring_size, u32 max_pfns, u16 version);

/* storvsc_io.c */
void storvsc_io_on_channel(void *context);
int storvsc_io_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd);
int storvsc_io_eh_abort(struct scsi_cmnd *cmd);
int storvsc_io_eh_host_reset(struct scsi_cmnd *cmd);
bool storvsc_io_drain(struct storvsc_host *h, unsigned long timeout);
unsigned int storvsc_io_abandon(struct storvsc_host *h, int host_byte,
				bool done);
u32 storvsc_srb_fill(struct vstor_packet *pkt, u16 version, const u8 *cdb,
		     u8 cdb_len, enum dma_data_direction dir, u32 bytes,
		     bool tagged);

/* storvsc_result.c */
u64 storvsc_tid(u32 unique_tag, u32 seq);
bool storvsc_tid_is_cmd(u64 tid);
struct storvsc_slot *storvsc_slot_find(struct storvsc_slot *slots, u32 nslots,
				       u64 tid);
bool storvsc_slot_finish(struct storvsc_slot *slot, u64 tid,
			 enum storvsc_cmd_state to);
int storvsc_check_packet(const struct vstor_packet *pkt, u32 len, u64 tid,
			 u16 version);
int storvsc_check_srb(const struct vmscsi_request *srb, u32 asked);
void storvsc_map_srb(const struct vmscsi_request *srb, u16 version,
		     u32 asked, u8 opcode, struct storvsc_result *res);

#endif /* _STORVSC_H */
