// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection of the simulated host: malformed messages, packets and
 * events the guest core must survive (Documentation/vmbus_sim.md).  Each
 * request from debugfs "fault" injects one fault at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/stddef.h>
#include "sim.h"

/* Under sim_srv.lock: read and cleared by the OPENCHANNEL handler. */
bool sim_fault_hold_open;

static u32 sim_fault_unused_relid(void)
{
	u32 relid;

	for (relid = VMBUS_MAX_RELID; relid > 1; relid--)
		if (!sim_srv.chans[relid])
			break;
	return relid;
}

static void sim_fault_bad_offer(void)
{
	struct vmbus_channel_offer_channel offer = {
		.header.msgtype = CHANNELMSG_OFFERCHANNEL,
		.monitorid = VMBUS_MONITOR_ID_NONE,
		.is_dedicated_interrupt = 1,
	};

	offer.offer.if_type = sim_ic_heartbeat.id.guid;
	offer.offer.if_instance = GUID_INIT(0xbad0ffe5, 0, 0, 0, 0, 0, 0, 0,
					    0, 0, 0);
	offer.child_relid = 0;
	offer.connection_id = SIM_CHAN_CONN_BASE;
	sim_server_send(&offer, sizeof(offer));
	offer.child_relid = VMBUS_MAX_RELID + 1;
	offer.connection_id = SIM_CHAN_CONN_BASE | (VMBUS_MAX_RELID + 1);
	sim_server_send(&offer, sizeof(offer));
	offer.child_relid = sim_fault_unused_relid();
	offer.connection_id = SIM_CHAN_CONN_BASE | offer.child_relid;
	sim_server_send(&offer, offsetof(typeof(offer), child_relid));
}

static void sim_fault_short_msg(void)
{
	struct vmbus_channel_version_response version = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
		.version_supported = 1,
	};
	struct vmbus_channel_open_result result = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = 1,
	};

	sim_server_send(&version, 10);
	sim_server_send(&result, offsetof(typeof(result), status));
}

/* On channel @want, or the open channel with the lowest relid if 0. */
static int sim_fault_bad_desc(u32 want)
{
	struct sim_chan *chan = NULL;
	unsigned long flags;
	u32 relid;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	for (relid = 1; relid <= VMBUS_MAX_RELID && !chan; relid++) {
		chan = sim_srv.chans[relid];
		if (chan && (!chan->running || (want && relid != want)))
			chan = NULL;
	}
	if (chan) {
		set_bit(SIM_CHAN_FAULT_BAD_DESC, &chan->faults);
		sim_chan_queue(chan);
	}
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	return chan ? 0 : -ENODEV;
}

/**
 * sim_fault_inject() - inject one fault the guest core must survive
 * @fault: fault mode
 * @relid: channel for bad-desc, 0 for the first open one
 *
 * Process context.
 *
 * Return: 0, -ENOTCONN before the guest connected, or
 * -ENODEV when bad-desc finds no (such) open channel.
 */
int sim_fault_inject(enum sim_fault fault, u32 relid)
{
	struct vmbus_channel_message_header hdr = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};
	int ret = 0;

	mutex_lock(&sim_srv.lock);
	if (!sim_srv.version) {
		ret = -ENOTCONN;
		goto out;
	}
	switch (fault) {
	case SIM_FAULT_BAD_OFFER:
		sim_fault_bad_offer();
		break;
	case SIM_FAULT_SHORT_MSG:
		sim_fault_short_msg();
		break;
	case SIM_FAULT_OVERSIZED_MSG:
		sim_trace_msg(false, &hdr, sizeof(hdr));
		sim_trace_note("fault: slot header claims %u bytes", U8_MAX);
		sim_synic_post(sim_srv.msg_vp, &hdr, sizeof(hdr), U8_MAX);
		break;
	case SIM_FAULT_BAD_DESC:
		ret = sim_fault_bad_desc(relid);
		break;
	case SIM_FAULT_BAD_RELID_EVENT:
		relid = sim_fault_unused_relid();
		sim_trace_note("fault: event for relid %u", relid);
		if (sim_srv.version < vmbus_version(2, 4) && sim_srv.legacy_page) {
			set_bit(relid, sim_srv.legacy_page);
			sim_synic_signal(0, 0);
		} else {
			sim_synic_signal(sim_srv.msg_vp, relid);
		}
		break;
	case SIM_FAULT_HOLD_OPEN:
		sim_trace_note("fault: next OPENCHANNEL unanswered");
		sim_fault_hold_open = true;
		break;
	default:
		ret = -EINVAL;
	}
out:
	mutex_unlock(&sim_srv.lock);
	return ret;
}
