// SPDX-License-Identifier: GPL-2.0
/*
 * Channel data path of the simulated host: the work item that drains a
 * channel's guest->host ring on the channel's target CPU and drives the
 * device back end, host->guest packets and interrupts, and the guest's
 * HvSignalEvent.
 *
 * A channel's work never takes sim_srv.lock; the server stops it with
 * sim_chan_stop() (running = false, back end stop, cancel_work_sync())
 * before it touches the rings.  Work items are non-reentrant, so one
 * channel's ring I/O is never concurrent, even across a MODIFYCHANNEL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/workqueue.h>
#include <asm/hyperv-tlfs.h>
#include "sim.h"

/* Packets a channel work takes before it yields the CPU. */
#define SIM_CHAN_BUDGET		256

void *sim_chan_priv(struct sim_chan *chan)
{
	return chan->priv;
}

u32 sim_chan_relid(const struct sim_chan *chan)
{
	return chan->relid;
}

/**
 * sim_chan_subindex() - which channel of its device @chan is
 * @chan: channel
 *
 * Return: 0 for the primary channel, 1..SIM_MAX_SUBCHANNELS for a
 * sub-channel (its offer's sub_channel_index).
 */
unsigned int sim_chan_subindex(const struct sim_chan *chan)
{
	return chan->subindex;
}

const struct sim_dev_kind *sim_chan_kind(const struct sim_chan *chan)
{
	return chan->kind;
}

/**
 * sim_chan_dev_priv() - the state of the device a channel belongs to
 * @chan: primary channel or sub-channel
 *
 * The same for every channel of the device (struct sim_dev_kind
 * dev_priv_size); it outlives channels and connections.  Valid while the
 * channel runs (start .. stop) and under sim_srv.lock.
 *
 * Return: the device's state, NULL once the device was rescinded (only
 * @show can see that) or when its kind has none.
 */
void *sim_chan_dev_priv(const struct sim_chan *chan)
{
	return chan->dev_priv;
}

/**
 * sim_chan_target_cpu() - the CPU a channel's work and interrupts run on
 * @chan: channel
 *
 * Return: the target VP of the OPENCHANNEL (VP index == CPU number here).
 */
u32 sim_chan_target_cpu(const struct sim_chan *chan)
{
	return READ_ONCE(chan->target_vp);
}

/**
 * sim_chan_is_open() - has the guest opened the channel?
 * @chan: channel
 *
 * sim_srv.lock held (for a stable answer).
 *
 * Return: true between OPENCHANNEL and CLOSECHANNEL (or the teardown).
 */
bool sim_chan_is_open(const struct sim_chan *chan)
{
	return chan->state == SIM_CHAN_OPEN;
}

/* Interrupt the guest for this channel (host.md 2.8, vmbus.md 6.1). */
static void sim_chan_signal(struct sim_chan *chan)
{
	if (chan->legacy_page) {
		set_bit(chan->relid, chan->legacy_page);
		sim_synic_signal(0, 0);
	} else {
		sim_synic_signal(READ_ONCE(chan->target_vp), chan->relid);
	}
}

/* Queue the channel work on the target CPU; chan_lock held. */
void sim_chan_queue(struct sim_chan *chan)
{
	lockdep_assert_held(&sim_srv.chan_lock);
	if (chan->running)
		queue_work_on(chan->target_vp, sim_srv.chan_wq, &chan->work);
}

/**
 * sim_chan_kick() - run the channel work (and the back end's poll)
 * @chan: channel
 *
 * Any context.  Does nothing once the back end is stopped.
 */
void sim_chan_kick(struct sim_chan *chan)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	sim_chan_queue(chan);
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
}

/**
 * sim_chan_fail() - stop all I/O of a channel the guest broke
 * @chan: channel
 *
 * Channel work.  The rings stay mapped until the guest closes.
 */
void sim_chan_fail(struct sim_chan *chan)
{
	if (chan->broken)
		return;
	WRITE_ONCE(chan->broken, true);
	sim_trace_note("channel %u stopped", chan->relid);
	pr_err_ratelimited("channel %u stopped after a protocol error\n",
			   chan->relid);
}

/**
 * sim_chan_send() - write one packet to the guest
 * @chan: open channel
 * @type: VM_PKT_DATA_INBAND or VM_PKT_COMP
 * @flags: descriptor flags
 * @trans_id: transaction ID
 * @payload: packet body
 * @len: bytes of @payload (packet <= SIM_MAX_H2G_PKT)
 *
 * Channel work.
 *
 * Return: 0, -EAGAIN when the ring is full (the back end
 * keeps the packet pending; its poll runs again when the guest made
 * room), or another -errno when the channel is unusable.
 */
int sim_chan_send(struct sim_chan *chan, u16 type, u16 flags, u64 trans_id,
		  const void *payload, u32 len)
{
	return sim_chan_send_pkt(chan, type, flags, trans_id, 0, payload, len);
}

/**
 * sim_chan_send_pkt() - write one packet with a type header to the guest
 * @chan: open channel
 * @type: packet type (e.g. VM_PKT_DATA_USING_XFER_PAGES)
 * @flags: descriptor flags
 * @trans_id: transaction ID
 * @hdr_len: bytes at the start of @payload that belong to the packet
 *	type's header (a transfer-page header with its ranges), a multiple
 *	of 8: the descriptor's offset8 points past them
 * @payload: type header, then the message
 * @len: bytes of @payload (packet <= SIM_MAX_H2G_PKT)
 *
 * Channel work.
 *
 * Return: as sim_chan_send().
 */
int sim_chan_send_pkt(struct sim_chan *chan, u16 type, u16 flags,
		      u64 trans_id, u32 hdr_len, const void *payload, u32 len)
{
	bool signal;
	int ret;

	if (chan->broken)
		return -EIO;
	ret = sim_ring_write(&chan->h2g, type, flags, trans_id, hdr_len,
			     payload, len, &signal);
	if (ret == -EPROTO)
		sim_chan_fail(chan);
	if (ret)
		return ret;
	sim_trace_pkt(false, chan->relid, type,
		      ALIGN(VMBUS_PKT_DESC + len, 8), trans_id, payload, len);
	if (signal)
		sim_chan_signal(chan);
	return 0;
}

/**
 * sim_chan_hold_rx() - stop reading the guest->host ring
 * @chan: channel
 * @reason: SIM_CHAN_HOLD_*
 *
 * Any context.  The channel work reads no further packet (not even the
 * rest of the current batch) until every reason is released; the back
 * end's poll still runs.  Reasons are cleared when the channel opens.
 */
void sim_chan_hold_rx(struct sim_chan *chan, unsigned int reason)
{
	set_bit(reason, &chan->rx_hold);
}

/**
 * sim_chan_release_rx() - undo sim_chan_hold_rx() and run the channel work
 * @chan: channel
 * @reason: SIM_CHAN_HOLD_*
 *
 * Any context.
 */
void sim_chan_release_rx(struct sim_chan *chan, unsigned int reason)
{
	if (test_and_clear_bit(reason, &chan->rx_hold))
		sim_chan_kick(chan);
}

static bool sim_chan_rx_held(const struct sim_chan *chan)
{
	return READ_ONCE(chan->rx_hold);
}

/**
 * sim_chan_send_max() - largest payload sim_chan_send() can ever write
 * @chan: open channel
 *
 * Channel work.  SIM_MAX_H2G_PKT minus the descriptor, or less when the
 * guest's host->guest ring is too small for such a packet.
 *
 * Return: payload bytes (packet type header included).
 */
u32 sim_chan_send_max(const struct sim_chan *chan)
{
	/* A packet and its trailer must leave one byte of the ring free. */
	u32 ring = chan->h2g.size, pkt = 0;

	if (ring > VMBUS_PKT_TRAILER)
		pkt = ALIGN_DOWN(ring - 1 - VMBUS_PKT_TRAILER, 8);
	pkt = min_t(u32, pkt, SIM_MAX_H2G_PKT);
	return pkt > VMBUS_PKT_DESC ? pkt - VMBUS_PKT_DESC : 0;
}

static void sim_chan_bad_desc(struct sim_chan *chan)
{
	bool signal;

	sim_trace_note("fault: bad descriptor on channel %u", chan->relid);
	if (!sim_ring_write_bad_desc(&chan->h2g, &signal) && signal)
		sim_chan_signal(chan);
}

/*
 * Drain the guest->host ring (unless the back end holds it), then let the
 * back end send.
 */
void sim_chan_work(struct work_struct *work)
{
	struct sim_chan *chan = container_of(work, struct sim_chan, work);
	unsigned int budget = SIM_CHAN_BUDGET;
	struct sim_pkt pkt;
	u32 consumed;
	int ret = 0;

	if (chan->broken)
		return;
	if (test_and_clear_bit(SIM_CHAN_FAULT_BAD_DESC, &chan->faults))
		sim_chan_bad_desc(chan);

	while (!sim_chan_rx_held(chan)) {
		sim_ring_set_mask(&chan->g2h, true);
		consumed = 0;
		while (budget && !sim_chan_rx_held(chan) &&
		       (ret = sim_ring_read(&chan->g2h, &pkt)) > 0) {
			budget--;
			consumed += pkt.len + VMBUS_PKT_TRAILER;
			sim_trace_pkt(true, chan->relid, pkt.desc->type,
				      pkt.len, pkt.desc->trans_id,
				      pkt.data + VMBUS_PKT_DESC,
				      pkt.len - VMBUS_PKT_DESC);
			chan->kind->rx(chan, &pkt);
			if (chan->broken)
				break;
		}
		if (sim_ring_read_commit(&chan->g2h, consumed))
			sim_chan_signal(chan);
		if (ret < 0)
			sim_chan_fail(chan);
		if (chan->broken)
			return;
		if (!budget) {
			/* Keep the mask set: we come back at once. */
			sim_chan_kick(chan);
			break;
		}
		/*
		 * Also when held: the guest signals its next write then,
		 * and sim_chan_release_rx() kicks us anyway.
		 */
		sim_ring_set_mask(&chan->g2h, false);
		if (!sim_ring_has_data(&chan->g2h))
			break;
	}

	chan->kind->poll(chan);
}

/**
 * sim_chan_stop() - stop the back end; no channel work runs afterwards
 * @chan: channel
 *
 * sim_srv.lock held.  The rings stay mapped.
 */
void sim_chan_stop(struct sim_chan *chan)
{
	unsigned long flags;
	bool was_running;

	lockdep_assert_held(&sim_srv.lock);
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	was_running = chan->running;
	chan->running = false;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	/* Nothing queues the work any more (kicks test running). */
	cancel_work_sync(&chan->work);
	if (was_running)
		chan->kind->stop(chan);
}

/**
 * sim_chan_flush() - let the channel work process what the guest wrote
 * @chan: channel
 *
 * sim_srv.lock held (the channel work never takes it).  Runs the work a
 * few times until the guest->host ring is drained or the back end holds
 * it; nothing if the channel does not run.
 */
void sim_chan_flush(struct sim_chan *chan)
{
	unsigned int i;

	lockdep_assert_held(&sim_srv.lock);
	for (i = 0; i < 8 && chan->running && !chan->broken; i++) {
		sim_chan_kick(chan);
		flush_work(&chan->work);
		if (sim_chan_rx_held(chan) || !sim_ring_has_data(&chan->g2h))
			break;
	}
}

/**
 * sim_chan_unmap() - forget the rings of a stopped channel
 * @chan: channel
 *
 * sim_srv.lock held.  The ring GPADL may be torn down afterwards.
 */
void sim_chan_unmap(struct sim_chan *chan)
{
	unsigned long flags;

	lockdep_assert_held(&sim_srv.lock);
	if (chan->state != SIM_CHAN_OPEN)
		return;
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	chan->mapped = false;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	sim_ring_unmap(&chan->g2h);
	sim_ring_unmap(&chan->h2g);
	chan->ring_gpadl->in_use = false;
	chan->ring_gpadl = NULL;
	chan->state = SIM_CHAN_OFFERED;
}

/* < 2.4: the guest names its channels in the interrupt page's 2nd half. */
static u16 sim_chan_legacy_signal(void)
{
	unsigned long *bits;
	unsigned long relid;

	lockdep_assert_held(&sim_srv.chan_lock);
	if (!sim_srv.legacy_page) {
		sim_violation(SIM_V_SIGNAL, "legacy signal in a >= 2.4 connection");
		return HV_STATUS_INVALID_CONNECTION_ID;
	}
	bits = sim_srv.legacy_page + VMBUS_INT_PAGE_HALF / sizeof(long);
	for_each_set_bit(relid, bits, VMBUS_SIEF_BITS) {
		struct sim_chan *chan = sim_srv.chans[relid];

		if (!test_and_clear_bit(relid, bits))
			continue;
		if (chan && chan->mapped)
			sim_chan_queue(chan);
		else
			sim_violation(SIM_V_SIGNAL,
				      "legacy signal for relid %lu, not open",
				      relid);
	}
	return HV_STATUS_SUCCESS;
}

/**
 * sim_chan_signal_event() - HvSignalEvent from the guest
 * @conn_id: connection ID from the offer (or 2, legacy)
 * @flag: event flag number, 0 for VMBus
 *
 * Any context.  Kicks the channel work.
 *
 * Return: an HV_STATUS_* code.
 */
u16 sim_chan_signal_event(u32 conn_id, u16 flag)
{
	u32 relid = conn_id & ~SIM_CHAN_CONN_BASE;
	u16 status = HV_STATUS_SUCCESS;
	struct sim_chan *chan = NULL;
	unsigned long flags;

	if (flag) {
		sim_violation(SIM_V_SIGNAL, "flag %u on connection %#x", flag,
			      conn_id);
		return HV_STATUS_INVALID_PARAMETER;
	}
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	if (conn_id == VMBUS_EVENT_CONNECTION_ID) {
		status = sim_chan_legacy_signal();
		goto out;
	}
	if ((conn_id & SIM_CHAN_CONN_BASE) && relid && relid <= VMBUS_MAX_RELID)
		chan = sim_srv.chans[relid];
	if (!chan) {
		sim_violation(SIM_V_SIGNAL, "unknown connection %#x", conn_id);
		status = HV_STATUS_INVALID_CONNECTION_ID;
	} else if (!chan->mapped) {
		sim_violation(SIM_V_SIGNAL, "channel %u is not open", relid);
	} else {
		sim_chan_queue(chan);
	}
out:
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	return status;
}
