// SPDX-License-Identifier: GPL-2.0
/*
 * The data path: SCSI commands as EXECUTE_SRB packets, their completions,
 * and taking commands back from the host in error handling
 * (../shared/spec/storvsc.md sections 5, 6, 13, 14).
 *
 * Contexts: queuecommand runs in process or softirq context on any CPU;
 * completions in the channel callback (softirq) of the channel the
 * command went on; the EH handlers in the host's EH thread, when every
 * command still at the host has timed out and the midlayer owns it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/bottom_half.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/scatterlist.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include "storvsc.h"

/* RESET_BUS: its reply, then the requests the reset flushes. */
#define STORVSC_RESET_TIMEOUT	(30 * HZ)
#define STORVSC_RESET_DRAIN	(5 * HZ)
/* A malformed completion: send the command again this often at most. */
#define STORVSC_MAX_RESENDS	2

/**
 * storvsc_srb_fill() - build the EXECUTE_SRB packet of a command
 * @pkt: packet to fill; addressing (port, path, target, LUN) is left 0
 * @version: negotiated VSTOR version
 * @cdb: the CDB
 * @cdb_len: its length
 * @dir: data direction
 * @bytes: data length
 * @tagged: the device queues tagged commands
 *
 * Return: bytes of @pkt to send, or 0 if the command cannot be expressed
 * (CDB too long, bidirectional, data without a direction).
 */
u32 storvsc_srb_fill(struct vstor_packet *pkt, u16 version, const u8 *cdb,
		     u8 cdb_len, enum dma_data_direction dir, u32 bytes,
		     bool tagged)
{
	struct vmscsi_request *srb = &pkt->srb;

	memset(pkt, 0, sizeof(*pkt));
	if (cdb_len > VSTOR_CDB_MAX)
		return 0;
	pkt->operation = VSTOR_OP_EXECUTE_SRB;
	pkt->flags = VSTOR_FLAG_REQUEST_COMPLETION;
	srb->length = vstor_srb_size(version);
	srb->cdb_length = cdb_len;
	memcpy(srb->cdb, cdb, cdb_len);
	srb->sense_info_length = vstor_sense_size(version);
	srb->data_transfer_length = bytes;
	srb->srb_flags = SRB_FLAGS_DISABLE_SYNCH_TRANSFER;
	switch (dir) {
	case DMA_TO_DEVICE:
		srb->data_in = VSTOR_DATA_OUT;
		srb->srb_flags |= SRB_FLAGS_DATA_OUT;
		break;
	case DMA_FROM_DEVICE:
		srb->data_in = VSTOR_DATA_IN;
		srb->srb_flags |= SRB_FLAGS_DATA_IN;
		break;
	case DMA_NONE:
		if (bytes)
			return 0;
		srb->data_in = VSTOR_DATA_NONE;
		break;
	default:
		return 0;
	}
	/* The fields past the sense area exist since WIN8 only. */
	if (tagged) {
		srb->srb_flags |= SRB_FLAGS_QUEUE_ACTION_ENABLE |
				  SRB_FLAGS_NO_QUEUE_FREEZE;
		srb->queue_tag = VSTOR_QUEUE_TAG_UNTAGGED;
		srb->queue_action = VSTOR_QUEUE_ACTION_SIMPLE;
	}
	srb->time_out_value = STORVSC_SRB_TIMEOUT;
	return vstor_pkt_size(version);
}

/*
 * The DMA-mapped scatterlist as one GPA range: byte offset into the first
 * 4 KiB page, then consecutive page numbers.  The queue's virt boundary
 * makes every interior segment boundary page aligned; check it anyway.
 * Returns the number of PFNs or -EINVAL.
 */
static int storvsc_io_build_range(struct hv_mpb_array *range, u32 max_pfns,
				  struct scatterlist *sgl, int nseg, u32 bytes)
{
	const u64 mask = HV_HYP_PAGE_SIZE - 1;
	struct scatterlist *sg;
	u32 n = 0, need;
	u64 addr, end, pfn;
	int i;

	for_each_sg(sgl, sg, nseg, i) {
		addr = sg_dma_address(sg);
		end = addr + sg_dma_len(sg);
		if (!sg_dma_len(sg) || (i && (addr & mask)) ||
		    (i < nseg - 1 && (end & mask)))
			return -EINVAL;
		if (!i)
			range->offset = addr & mask;
		for (pfn = addr >> HV_HYP_PAGE_SHIFT;
		     pfn <= (end - 1) >> HV_HYP_PAGE_SHIFT; pfn++) {
			if (n == max_pfns)
				return -EINVAL;
			range->pfn_array[n++] = pfn;
		}
	}
	/* Exactly the pages the transfer touches. */
	need = DIV_ROUND_UP(range->offset + bytes, HV_HYP_PAGE_SIZE);
	if (!n || need > n)
		return -EINVAL;
	range->len = bytes;
	return need;
}

static int storvsc_io_send_data(struct storvsc_host *h,
				struct storvsc_chan *c, struct scsi_cmnd *cmd,
				int nseg, struct vstor_packet *pkt, u32 len,
				u64 tid)
{
	struct vmbus_packet_mpb_array *desc;
	int npfn, ret;

	/* This CPU's scratch descriptor: no other user while BHs are off. */
	local_bh_disable();
	desc = this_cpu_ptr(h->mpb);
	desc->rangecount = 1;
	npfn = storvsc_io_build_range(&desc->range, h->max_pfns,
				      scsi_sglist(cmd), nseg, scsi_bufflen(cmd));
	if (npfn < 0)
		ret = npfn;
	else
		ret = vmbus_sendpacket_mpb_desc(c->channel, desc,
						sizeof(*desc) + npfn * sizeof(u64),
						pkt, len, tid);
	local_bh_enable();
	return ret;
}

/*
 * Build and send the packet of a mapped command whose slot is SENT under
 * @tid.  Returns 0 or the error of the send (nothing went out).
 */
static int storvsc_io_send(struct storvsc_host *h, struct scsi_cmnd *cmd,
			   u64 tid)
{
	struct scsi_device *sdev = cmd->device;
	struct vstor_packet pkt;
	struct storvsc_chan *c;
	int ret;
	u32 len;

	len = storvsc_srb_fill(&pkt, h->version, cmd->cmnd, cmd->cmd_len,
			       cmd->sc_data_direction, scsi_bufflen(cmd),
			       sdev->tagged_supported);
	if (!len)
		return -EINVAL;
	pkt.srb.port_number = sdev->host->host_no;
	pkt.srb.path_id = sdev->channel;
	pkt.srb.target_id = sdev->id;
	pkt.srb.lun = sdev->lun;

	rcu_read_lock();
	c = storvsc_chan_pick(h);
	if (storvsc_cmd(cmd)->nseg)
		ret = storvsc_io_send_data(h, c, cmd, storvsc_cmd(cmd)->nseg,
					   &pkt, len, tid);
	else
		ret = vmbus_sendpacket(c->channel, &pkt, len, tid,
				       VM_PKT_DATA_INBAND,
				       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	rcu_read_unlock();
	return ret == -ENOSPC ? -EAGAIN : ret;
}

/* A new sequence number, and the ID of that issue of @cmd. */
static u64 storvsc_io_next_tid(struct storvsc_host *h, struct scsi_cmnd *cmd)
{
	return storvsc_tid(blk_mq_unique_tag(scsi_cmd_to_rq(cmd)),
			   atomic_inc_return(&h->issue_seq));
}

/*
 * Send one issue of a command.  Returns 0 once it is with the host (or a
 * removal took it over meanwhile, and completed it); else nothing is
 * left mapped or SENT and the error says why: -EAGAIN (ring full, or no
 * DMA mapping now), -ENODEV (rescinded), -EINVAL, -EIO.
 */
static int storvsc_io_issue(struct storvsc_host *h, struct scsi_cmnd *cmd)
{
	struct storvsc_cmd *sc = storvsc_cmd(cmd);
	u32 tag = scsi_cmd_to_rq(cmd)->tag;
	struct storvsc_slot *slot;
	int nseg = 0, ret;
	u64 tid;

	/* Host-wide tags, can_queue of them: one slot each. */
	if (WARN_ON_ONCE(tag >= h->nslots))
		return -EINVAL;
	slot = &h->slots[tag];
	if (scsi_bufflen(cmd)) {
		nseg = scsi_dma_map(cmd);
		if (nseg <= 0)
			return nseg ? -EAGAIN : -EINVAL;
	}
	sc->nseg = nseg;
	sc->resends = 0;

	/* SENT, with the command, before the host can possibly answer. */
	tid = storvsc_io_next_tid(h, cmd);
	slot->cmd = cmd;
	atomic64_set_release(&slot->state,
			     STORVSC_STATE(tid >> 32, STORVSC_CMD_SENT));
	ret = storvsc_io_send(h, cmd, tid);
	if (likely(!ret))
		return 0;

	/*
	 * Nothing went out, so no completion will come; but a removal may
	 * have abandoned (and completed) the command meanwhile.
	 */
	if (!storvsc_slot_finish(slot, tid, STORVSC_CMD_FREE))
		return 0;
	if (nseg)
		scsi_dma_unmap(cmd);
	return ret;
}

/* End a command that could not be sent. */
static void storvsc_io_fail(struct scsi_cmnd *cmd, int err)
{
	if (err == -ENODEV) {
		cmd->result = DID_NO_CONNECT << 16;
	} else {
		scmd_printk(KERN_ERR, cmd, "not sent (%d)\n", err);
		cmd->result = DID_ERROR << 16;
	}
	scsi_done(cmd);
}

/**
 * storvsc_io_queuecommand() - send a SCSI command to the host
 * @shost: our host
 * @cmd: the command
 *
 * Context: process or softirq, any CPU.
 * Return: 0 (sent, or completed with an error) or SCSI_MLQUEUE_HOST_BUSY
 * when the ring is full.
 */
int storvsc_io_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *cmd)
{
	int ret = storvsc_io_issue(shost_priv(shost), cmd);

	if (ret == -EAGAIN)
		return SCSI_MLQUEUE_HOST_BUSY;
	if (ret)
		storvsc_io_fail(cmd, ret);
	return 0;
}

/*
 * The host answered @tid with garbage.  If that is a live issue, it is
 * ours now: send the command again under a new ID without its slot ever
 * leaving SENT (so error handling never sees it ended in between), and
 * after STORVSC_MAX_RESENDS fail it with DID_ERROR, which the midlayer
 * retries.  Asking the host again first matters for error handling's own
 * commands: the midlayer does not retry them, and one failed TEST UNIT
 * READY after a reset takes the LUN offline.
 * Returns false if @tid is not a live issue.
 */
static bool storvsc_io_resend(struct storvsc_host *h,
			      struct storvsc_slot *slot, u64 tid)
{
	s64 sent = STORVSC_STATE(tid >> 32, STORVSC_CMD_SENT);
	u32 seq = atomic_inc_return(&h->issue_seq);
	struct scsi_cmnd *cmd;
	int ret = -EIO;
	u64 ntid;

	if (!atomic64_try_cmpxchg(&slot->state, &sent,
				  STORVSC_STATE(seq, STORVSC_CMD_SENT)))
		return false;
	cmd = slot->cmd;
	ntid = storvsc_tid(blk_mq_unique_tag(scsi_cmd_to_rq(cmd)), seq);
	if (storvsc_cmd(cmd)->resends++ < STORVSC_MAX_RESENDS) {
		ret = storvsc_io_send(h, cmd, ntid);
		if (!ret)
			return true;
	}
	if (!storvsc_slot_finish(slot, ntid, STORVSC_CMD_DONE))
		return true;	/* abandoned meanwhile: not ours to end */
	if (storvsc_cmd(cmd)->nseg)
		scsi_dma_unmap(cmd);
	cmd->result = (ret == -ENODEV ? DID_NO_CONNECT : DID_ERROR) << 16;
	scsi_set_resid(cmd, scsi_bufflen(cmd));
	scsi_done(cmd);
	return true;
}

static void storvsc_io_complete(struct storvsc_host *h, u64 tid,
				const struct vstor_packet *pkt, u32 len)
{
	struct device *dev = &h->hdev->device;
	struct storvsc_result res;
	struct storvsc_slot *slot;
	struct scsi_cmnd *cmd;
	int err;

	/* The table may still be being set up (a host sending garbage). */
	slot = storvsc_slot_find(h->slots, smp_load_acquire(&h->nslots), tid);
	err = storvsc_check_packet(pkt, len, tid, h->version);
	if (err)
		dev_err_ratelimited(dev, "malformed completion %#llx (%u bytes, operation %u, %d)\n",
				    tid, len, pkt->operation, err);
	if (slot && err && storvsc_io_resend(h, slot, tid))
		return;
	if (!slot || !storvsc_slot_finish(slot, tid, STORVSC_CMD_DONE)) {
		dev_warn_ratelimited(dev, "completion %#llx matches no request: dropped\n",
				     tid);
		return;
	}
	/* Ours alone now: the cmpxchg ordered this after the issue's write. */
	cmd = slot->cmd;
	if (storvsc_cmd(cmd)->nseg)
		scsi_dma_unmap(cmd);
	err = storvsc_check_srb(&pkt->srb, scsi_bufflen(cmd));
	if (err) {
		/* Ours to end: the midlayer retries DID_ERROR. */
		dev_err_ratelimited(dev, "completion %#llx not believable (%d): failing the command\n",
				    tid, err);
		cmd->result = DID_ERROR << 16;
		scsi_set_resid(cmd, scsi_bufflen(cmd));
		scsi_done(cmd);
		return;
	}

	storvsc_map_srb(&pkt->srb, h->version, scsi_bufflen(cmd),
			cmd->cmnd[0], &res);
	cmd->result = res.result;
	scsi_set_resid(cmd, res.resid);
	if (res.sense_len)
		memcpy(cmd->sense_buffer, pkt->srb.sense_data, res.sense_len);
	if (res.action != STORVSC_ACT_NONE)
		storvsc_lun_event(cmd->device, res.action);
	scsi_done(cmd);
}

static void storvsc_io_on_packet(struct storvsc_host *h,
				 const struct vmpacket_descriptor *desc)
{
	struct device *dev = &h->hdev->device;
	u32 len = hv_pkt_datalen(desc);
	u64 tid = desc->trans_id;
	struct vstor_packet pkt = {};

	/* Parse a zero-padded copy: fields the host left out read as 0. */
	memcpy(&pkt, hv_pkt_data(desc), min_t(u32, len, sizeof(pkt)));

	if (tid == STORVSC_ID_INIT) {
		storvsc_chan_on_reply(h, &h->init, &pkt, len);
	} else if (tid == STORVSC_ID_RESET) {
		storvsc_chan_on_reply(h, &h->reset, &pkt, len);
	} else if (tid) {
		storvsc_io_complete(h, tid, &pkt, len);
	} else if (storvsc_check_packet(&pkt, len, 0, h->version)) {
		dev_warn_ratelimited(dev, "notification %u of %u bytes dropped\n",
				     len >= sizeof(pkt.operation) ?
				     pkt.operation : 0, len);
	} else {
		/* ENUMERATE_BUS, REMOVE_DEVICE: LUNs came or went. */
		set_bit(STORVSC_RESCAN, &h->flags);
		storvsc_host_kick(h);
	}
}

/**
 * storvsc_io_on_channel() - the host signalled one of our channels
 * @context: its struct storvsc_chan
 *
 * Context: the channel's callback (softirq); one at a time per channel.
 */
void storvsc_io_on_channel(void *context)
{
	struct storvsc_chan *c = context;
	struct vmpacket_descriptor *desc;

	foreach_vmbus_pkt(desc, c->channel)
		storvsc_io_on_packet(c->host, desc);
}

static unsigned int storvsc_io_count_sent(struct storvsc_host *h)
{
	unsigned int i, n = 0;

	for (i = 0; i < h->nslots; i++)
		if ((u32)atomic64_read(&h->slots[i].state) == STORVSC_CMD_SENT)
			n++;
	return n;
}

/**
 * storvsc_io_drain() - wait until no command is at the host
 * @h: host
 * @timeout: longest wait, in jiffies
 *
 * Context: process, sleeps.
 * Return: true if none is left.
 */
bool storvsc_io_drain(struct storvsc_host *h, unsigned long timeout)
{
	unsigned long deadline = jiffies + timeout;

	while (storvsc_io_count_sent(h)) {
		if (time_after(jiffies, deadline))
			return false;
		msleep(20);
	}
	return true;
}

/**
 * storvsc_io_abandon() - take back every command still at the host
 * @h: host that will not complete them (reset, or gone)
 * @host_byte: result for the commands
 * @done: complete them to the midlayer (a no-op for those it timed out)
 *
 * Their late completions, if any, are dropped.  Context: process.
 * Return: the number abandoned.
 */
unsigned int storvsc_io_abandon(struct storvsc_host *h, int host_byte,
				bool done)
{
	struct storvsc_slot *slot;
	struct scsi_cmnd *cmd;
	unsigned int i, n = 0;
	u64 state;

	for (i = 0; i < h->nslots; i++) {
		slot = &h->slots[i];
		state = atomic64_read(&slot->state);
		/* The state carries the issue's sequence as its ID does. */
		if ((u32)state != STORVSC_CMD_SENT ||
		    !storvsc_slot_finish(slot, state, STORVSC_CMD_ABANDONED))
			continue;
		n++;
		if (!done)
			continue;
		cmd = slot->cmd;
		if (storvsc_cmd(cmd)->nseg)
			scsi_dma_unmap(cmd);
		cmd->result = host_byte << 16;
		scsi_done(cmd);
	}
	return n;
}

/**
 * storvsc_io_eh_abort() - the midlayer gives up on a timed-out command
 * @cmd: the command
 *
 * VSTOR cannot abort one request, so a command the host still has needs
 * a host reset; one it answered meanwhile is already done.
 * Context: EH thread.  Return: SUCCESS or FAILED.
 */
int storvsc_io_eh_abort(struct scsi_cmnd *cmd)
{
	struct storvsc_host *h = shost_priv(cmd->device->host);
	u32 tag = scsi_cmd_to_rq(cmd)->tag;

	/* While the command has its tag, the tag's slot is its own. */
	if (tag < h->nslots &&
	    (u32)atomic64_read(&h->slots[tag].state) == STORVSC_CMD_SENT)
		return FAILED;
	return SUCCESS;
}

/**
 * storvsc_io_eh_host_reset() - reset the bus and take every command back
 * @cmd: a command of the host
 *
 * Sends RESET_BUS and waits (bounded) for the reply and for the requests
 * it flushes; whatever the host still has then is abandoned, its late
 * completion dropped, and the midlayer retries it under a new sequence.
 * Context: EH thread; every command at the host belongs to the midlayer.
 * Return: SUCCESS, or FAILED if the host did not answer the reset.
 */
int storvsc_io_eh_host_reset(struct scsi_cmnd *cmd)
{
	struct storvsc_host *h = shost_priv(cmd->device->host);
	struct device *dev = &h->hdev->device;
	struct vstor_packet pkt = {};
	unsigned int n;
	int ret;

	dev_warn(dev, "resetting the bus\n");
	pkt.operation = VSTOR_OP_RESET_BUS;
	pkt.flags = VSTOR_FLAG_REQUEST_COMPLETION;
	pkt.srb.path_id = cmd->device->channel;
	ret = storvsc_chan_request(h, &h->reset, &pkt,
				   vstor_pkt_size(h->version), STORVSC_ID_RESET,
				   STORVSC_RESET_TIMEOUT);
	if (!ret && h->reset.reply.status)
		ret = -EIO;
	if (!ret)
		storvsc_io_drain(h, STORVSC_RESET_DRAIN);
	n = storvsc_io_abandon(h, DID_RESET, true);
	if (ret)
		dev_err(dev, "bus reset failed (%d), %u requests abandoned\n",
			ret, n);
	else
		dev_warn(dev, "bus reset done, %u requests abandoned\n", n);
	return ret ? FAILED : SUCCESS;
}
