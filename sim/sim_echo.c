// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the "echo" test device (include/vmbus_echo.h,
 * Documentation/vmbus_sim.md).  Not a Hyper-V device: its class GUID is
 * ours, so only test drivers bind to it.  It exercises what the ICs do
 * not: sub-channels, GPA-direct packets, a guest->host ring the host stops
 * reading (the guest waits as a blocked writer), and a host->guest ring
 * the host keeps full (the host waits as a blocked writer, on
 * pending_send_sz).
 *
 * Each channel of a device (primary or sub-channel) has its own state and
 * handles one request at a time: while a reply or a burst cannot be
 * written (host->guest ring full), the channel reads no further request
 * (SIM_CHAN_HOLD_BACKEND); poll() continues when the guest has made room.
 * Everything but start/stop/show runs in the channel work; the stall
 * timer only releases the hold.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "vmbus_echo.h"
#include "sim.h"

/* Burst packets one poll writes before it yields the CPU. */
#define SIM_ECHO_POLL_BUDGET	64

static_assert(VMBUS_ECHO_MAX_SUBCHANNELS == SIM_MAX_SUBCHANNELS);
static_assert(VMBUS_ECHO_MAX_PAYLOAD + VMBUS_PKT_DESC == SIM_MAX_H2G_PKT);

/* Per-channel state (the channel's priv, zeroed at offer). */
struct sim_echo {
	struct sim_chan *chan;
	struct delayed_work stall;	/* ends a STALL */
	/* Channel work (and start, when it cannot run): */
	bool out_pending;		/* out[] waits for ring space */
	u16 out_type;
	u64 out_trans;
	u32 out_len;
	u32 burst_next;			/* next burst packet */
	u32 burst_total;		/* packets of the burst, 0: none */
	bool burst_comp;		/* completion after the burst */
	u64 burst_trans;
	/* Statistics, read by debugfs without a lock: */
	unsigned long requests, echoes, gpa_echoes, stalls, bursts;
	unsigned long burst_pkts, subchannels, ring_full;
	u8 out[VMBUS_ECHO_MAX_PAYLOAD] __aligned(8);
};

/*
 * Send one packet; if the ring is full keep it in out[] (pending_send_sz
 * is set: the guest signals when it made room) and read no more requests
 * until poll() sent it.
 */
static void sim_echo_out(struct sim_echo *e, u16 type, u64 trans,
			 const void *data, u32 len)
{
	if (sim_chan_send(e->chan, type, 0, trans, data, len) != -EAGAIN)
		return;		/* sent, or the channel is broken */
	e->ring_full++;
	if (data != e->out)
		memcpy(e->out, data, len);
	e->out_type = type;
	e->out_trans = trans;
	e->out_len = len;
	e->out_pending = true;
	sim_chan_hold_rx(e->chan, SIM_CHAN_HOLD_BACKEND);
}

/* A reply: completion with the guest's ID if it asked for one. */
static void sim_echo_reply(struct sim_echo *e, const struct sim_pkt *pkt,
			   const void *data, u32 len)
{
	if (pkt->desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		sim_echo_out(e, VM_PKT_COMP, pkt->desc->trans_id, data, len);
	else
		sim_echo_out(e, VM_PKT_DATA_INBAND, 0, data, len);
}

static bool sim_echo_len_ok(struct sim_echo *e, u64 len)
{
	u32 max = sim_chan_send_max(e->chan);

	if (len <= max)
		return true;
	sim_violation(SIM_V_ECHO_PROTO,
		      "channel %u: echo of %llu bytes, at most %u",
		      sim_chan_relid(e->chan), len, max);
	return false;
}

/*
 * GPA-direct ECHO: copy out the bytes the ranges describe.  The ring
 * checked the ranges (count, byte_offset, byte_count, PFNs are RAM) in
 * the private copy @pkt before it handed it over.
 */
static void sim_echo_gpa(struct sim_echo *e, const struct sim_pkt *pkt)
{
	const struct vmdata_gpa_direct *gpa = (const void *)pkt->data;
	u32 hdr_len = pkt->desc->offset8 * 8, i, j, npfn, off, chunk;
	u32 pos = offsetof(struct vmdata_gpa_direct, range);
	u64 total = 0;

	for (i = 0; i < gpa->range_cnt; i++) {
		struct gpa_range range;
		u32 left;

		memcpy(&range, pkt->data + pos, sizeof(range));
		pos += sizeof(range);
		npfn = DIV_ROUND_UP((u64)range.byte_offset + range.byte_count,
				    HV_HYP_PAGE_SIZE);
		if (WARN_ON_ONCE((u64)pos + (u64)npfn * sizeof(u64) > hdr_len))
			return;		/* the ring's check let it through */
		if (!sim_echo_len_ok(e, total + range.byte_count))
			return;
		off = range.byte_offset;
		left = range.byte_count;
		for (j = 0; j < npfn; j++, pos += sizeof(u64)) {
			u64 pfn;

			memcpy(&pfn, pkt->data + pos, sizeof(pfn));
			chunk = min_t(u32, left, HV_HYP_PAGE_SIZE - off);
			memcpy_from_page(e->out + total, pfn_to_page(pfn), off,
					 chunk);
			total += chunk;
			left -= chunk;
			off = 0;
		}
	}
	e->gpa_echoes++;
	sim_echo_reply(e, pkt, e->out, total);
}

static void sim_echo_subchannels(struct sim_echo *e,
				 const struct sim_pkt *pkt, u32 wanted)
{
	struct vmbus_echo_subchannels_resp resp = {
		.op = VMBUS_ECHO_OP_SUBCHANNELS,
	};

	resp.granted = sim_server_offer_subchannels(e->chan,
						    min_t(u32, wanted,
							  SIM_MAX_SUBCHANNELS));
	e->subchannels += resp.granted;
	sim_echo_out(e, VM_PKT_COMP, pkt->desc->trans_id, &resp,
		     sizeof(resp));
}

static void sim_echo_stall(struct sim_echo *e, const struct sim_pkt *pkt,
			   const struct vmbus_echo_hdr *hdr)
{
	if (hdr->arg > VMBUS_ECHO_MAX_STALL_MS) {
		sim_violation(SIM_V_ECHO_PROTO, "channel %u: stall of %u ms",
			      sim_chan_relid(e->chan), hdr->arg);
		return;
	}
	e->stalls++;
	sim_trace_note("echo: channel %u stalls %u ms",
		       sim_chan_relid(e->chan), hdr->arg);
	sim_chan_hold_rx(e->chan, SIM_CHAN_HOLD_STALL);
	schedule_delayed_work(&e->stall, msecs_to_jiffies(hdr->arg));
	if (pkt->desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
		sim_echo_out(e, VM_PKT_COMP, pkt->desc->trans_id, hdr,
			     sizeof(*hdr));
}

static void sim_echo_stall_end(struct work_struct *work)
{
	struct sim_echo *e = container_of(to_delayed_work(work),
					  struct sim_echo, stall);

	sim_chan_release_rx(e->chan, SIM_CHAN_HOLD_STALL);
}

static void sim_echo_burst(struct sim_echo *e, const struct sim_pkt *pkt,
			   const struct vmbus_echo_hdr *hdr)
{
	if (hdr->arg > VMBUS_ECHO_MAX_BURST) {
		sim_violation(SIM_V_ECHO_PROTO, "channel %u: burst of %u",
			      sim_chan_relid(e->chan), hdr->arg);
		return;
	}
	e->bursts++;
	e->burst_next = 0;
	e->burst_total = hdr->arg;
	e->burst_comp = pkt->desc->flags &
			VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	e->burst_trans = pkt->desc->trans_id;
	if (!hdr->arg) {
		if (e->burst_comp)
			sim_echo_out(e, VM_PKT_COMP, e->burst_trans, hdr,
				     sizeof(*hdr));
		return;
	}
	/* poll() writes the packets; no request is read meanwhile. */
	sim_chan_hold_rx(e->chan, SIM_CHAN_HOLD_BACKEND);
}

static void sim_echo_rx(struct sim_chan *chan, const struct sim_pkt *pkt)
{
	struct sim_echo *e = sim_chan_priv(chan);
	u16 type = pkt->desc->type;
	struct vmbus_echo_hdr hdr;

	/* Held while busy: the channel work reads no request meanwhile. */
	if (WARN_ON_ONCE(e->out_pending || e->burst_total))
		return;
	e->requests++;
	if ((type != VM_PKT_DATA_INBAND &&
	     type != VM_PKT_DATA_USING_GPA_DIRECT) ||
	    pkt->payload_len < sizeof(hdr)) {
		sim_violation(SIM_V_ECHO_PROTO,
			      "channel %u: packet type %u with %u bytes",
			      sim_chan_relid(chan), type, pkt->payload_len);
		return;
	}
	memcpy(&hdr, pkt->payload, sizeof(hdr));
	if (type == VM_PKT_DATA_USING_GPA_DIRECT &&
	    hdr.op != VMBUS_ECHO_OP_ECHO) {
		sim_violation(SIM_V_ECHO_PROTO,
			      "channel %u: GPA-direct packet with op %u",
			      sim_chan_relid(chan), hdr.op);
		return;
	}
	switch (hdr.op) {
	case VMBUS_ECHO_OP_ECHO:
		if (type == VM_PKT_DATA_USING_GPA_DIRECT) {
			sim_echo_gpa(e, pkt);
		} else if (sim_echo_len_ok(e, pkt->payload_len)) {
			e->echoes++;
			sim_echo_reply(e, pkt, pkt->payload, pkt->payload_len);
		}
		break;
	case VMBUS_ECHO_OP_SUBCHANNELS:
		sim_echo_subchannels(e, pkt, hdr.arg);
		break;
	case VMBUS_ECHO_OP_STALL:
		sim_echo_stall(e, pkt, &hdr);
		break;
	case VMBUS_ECHO_OP_BURST:
		sim_echo_burst(e, pkt, &hdr);
		break;
	default:
		sim_violation(SIM_V_ECHO_OP, "channel %u: op %u",
			      sim_chan_relid(chan), hdr.op);
		break;
	}
}

/* Burst packet @i into out[]. */
static void sim_echo_burst_fill(struct sim_echo *e, u32 i)
{
	struct vmbus_echo_hdr hdr = { .op = VMBUS_ECHO_OP_BURST, .arg = i };
	u32 k;

	memcpy(e->out, &hdr, sizeof(hdr));
	for (k = sizeof(hdr); k < VMBUS_ECHO_BURST_PKT_SIZE; k++)
		e->out[k] = vmbus_echo_burst_byte(i, k);
}

/* Write burst packets until done, the ring is full or the budget is out. */
static bool sim_echo_burst_run(struct sim_echo *e)
{
	unsigned int budget = SIM_ECHO_POLL_BUDGET;
	int ret;

	while (e->burst_next < e->burst_total) {
		if (!budget--) {
			sim_chan_kick(e->chan);
			return false;
		}
		sim_echo_burst_fill(e, e->burst_next);
		ret = sim_chan_send(e->chan, VM_PKT_DATA_INBAND, 0, 0, e->out,
				    VMBUS_ECHO_BURST_PKT_SIZE);
		if (ret == -EAGAIN) {
			/* pending_send_sz is set: the guest signals us. */
			e->ring_full++;
			return false;
		}
		if (ret)
			break;		/* broken channel: give up */
		e->burst_next++;
		e->burst_pkts++;
	}
	return true;
}

static void sim_echo_poll(struct sim_chan *chan)
{
	struct sim_echo *e = sim_chan_priv(chan);
	struct vmbus_echo_hdr done = { .op = VMBUS_ECHO_OP_BURST };

	if (e->out_pending) {
		if (sim_chan_send(chan, e->out_type, 0, e->out_trans, e->out,
				  e->out_len) == -EAGAIN)
			return;
		e->out_pending = false;
	}
	if (e->burst_total) {
		if (!sim_echo_burst_run(e))
			return;
		done.arg = e->burst_total;
		e->burst_total = 0;
		e->burst_next = 0;
		if (e->burst_comp)
			sim_echo_out(e, VM_PKT_COMP, e->burst_trans, &done,
				     sizeof(done));
	}
	if (!e->out_pending)
		sim_chan_release_rx(chan, SIM_CHAN_HOLD_BACKEND);
}

static void sim_echo_start(struct sim_chan *chan)
{
	struct sim_echo *e = sim_chan_priv(chan);

	e->chan = chan;
	e->out_pending = false;
	e->burst_total = 0;
	e->burst_next = 0;
	INIT_DELAYED_WORK(&e->stall, sim_echo_stall_end);
}

static void sim_echo_stop(struct sim_chan *chan)
{
	struct sim_echo *e = sim_chan_priv(chan);

	cancel_delayed_work_sync(&e->stall);
}

static void sim_echo_show(struct seq_file *m, struct sim_chan *chan)
{
	const struct sim_echo *e = sim_chan_priv(chan);

	seq_printf(m,
		   "echo relid=%u sub=%u requests=%lu echoes=%lu gpa=%lu stalls=%lu bursts=%lu burst_pkts=%lu subchannels=%lu ring_full=%lu\n",
		   sim_chan_relid(chan), sim_chan_subindex(chan), e->requests,
		   e->echoes, e->gpa_echoes, e->stalls, e->bursts,
		   e->burst_pkts, e->subchannels, e->ring_full);
}

const struct sim_dev_kind sim_echo = {
	.name = "echo",
	.group = "echo",
	.id = { .guid = VMBUS_ECHO_GUID },
	.priv_size = sizeof(struct sim_echo),
	.start = sim_echo_start,
	.stop = sim_echo_stop,
	.rx = sim_echo_rx,
	.poll = sim_echo_poll,
	.show = sim_echo_show,
};
