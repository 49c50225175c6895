// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus server of the simulated host (host.md 5, vmbus.md 2-4, 7).
 *
 * Guest messages arrive through post_message() in any context, are copied
 * into a bounded queue and processed in order by one work item on an
 * ordered workqueue, under sim_srv.lock.  Host messages go out through the
 * SynIC to the VP the guest named in INITIATE_CONTACT.
 *
 * Objects (devices and offers are created in sim_offer.c):
 *   device  a host-side device instance (kind + index), lives until it is
 *           rescinded; offered again after every reconnect.
 *   channel an offer in the current connection (a relid): a device's
 *           primary channel or one of its sub-channels, with its GPADLs,
 *           its rings while open, and a work item that runs on the
 *           channel's target CPU to read the guest->host ring and drive
 *           the device back end.
 *   GPADL   in progress (global list, by handle) until range_buflen bytes
 *           arrived, then created on its channel.
 *
 * Every guest error is a named violation (sim_violation()); the server
 * answers whenever a guest would otherwise wait forever and answering
 * does not hand back memory the host still maps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/hyperv-tlfs.h>
#include "sim.h"

/* Message connection ID returned in VERSION_RESPONSE (>= 5.0). */
#define SIM_MSG_CONN_ID		VMBUS_MESSAGE_CONNECTION_ID

/* Versions the host accepts, exact matches only (host.md 5.3). */
static const u32 sim_server_versions[] = {
	0x0000000D, 0x00010001, 0x00020004, 0x00030000, 0x00040000,
	0x00040001, 0x00050000, 0x00050001, 0x00050002, 0x00050003,
};

struct sim_server sim_srv;

/*
 * Inbound message queue.  post_message() fills it in any context, the
 * message work empties it: the lock is taken irqsave.
 */
static DEFINE_SPINLOCK(sim_server_inq_lock);
static struct sim_inmsg *sim_server_inq;
static unsigned int sim_server_inq_len, sim_server_inq_head;
static unsigned int sim_server_inq_count;

/* The message work (on sim_srv.msg_wq) and its copy of one message. */
static struct work_struct sim_server_work;
static struct sim_inmsg sim_server_cur;

static bool sim_server_version_ok(u32 version)
{
	unsigned int i;

	if (version > sim_max_version)
		return false;
	for (i = 0; i < ARRAY_SIZE(sim_server_versions); i++)
		if (sim_server_versions[i] == version)
			return true;
	return false;
}

void sim_server_send(const void *msg, u32 size)
{
	lockdep_assert_held(&sim_srv.lock);
	sim_trace_msg(false, msg, size);
	sim_synic_post(sim_srv.msg_vp, msg, size, size);
}

static bool sim_server_gpa_ok(u64 gpa)
{
	return PAGE_ALIGNED(gpa) && sim_ring_pfn_ok(gpa >> HV_HYP_PAGE_SHIFT);
}

/* Close everything and forget the connection (UNLOAD, reconnect). */
static void sim_server_disconnect(void)
{
	struct sim_gpadl *g, *tmp;
	unsigned long flags;
	u32 relid;

	lockdep_assert_held(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++)
		if (sim_srv.chans[relid])
			sim_offer_destroy(sim_srv.chans[relid]);
	list_for_each_entry_safe(g, tmp, &sim_srv.gpadl_pending, node) {
		list_del(&g->node);
		kfree(g);
	}
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	sim_srv.legacy_page = NULL;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	sim_srv.version = 0;
	sim_srv.offers_requested = false;
	sim_srv.int_page_gpa = 0;
	memset(sim_srv.monitor_gpa, 0, sizeof(sim_srv.monitor_gpa));
}

/* ------------------------------------------------------------------ */
/* Guest messages                                                      */

struct sim_chan *sim_server_chan_get(u32 relid, const char *what)
{
	struct sim_chan *chan = NULL;

	if (relid && relid <= VMBUS_MAX_RELID)
		chan = sim_srv.chans[relid];
	if (!chan)
		sim_violation(SIM_V_RELID, "%s for relid %u, not offered",
			      what, relid);
	return chan;
}

static void sim_server_contact_pages(const struct vmbus_channel_initiate_contact *msg,
				     u32 version)
{
	if (version >= vmbus_version(5, 0)) {
		const u8 *raw = (const u8 *)&msg->interrupt_page;

		/* msg_sint, msg_vtl (VTL 0), then zeroes before 6.0. */
		if (msg->msg_sint != VMBUS_MESSAGE_SINT ||
		    memchr_inv(raw + 1, 0, sizeof(msg->interrupt_page) - 1))
			sim_violation(SIM_V_CONTACT,
				      "msg_sint %u / reserved bytes set",
				      msg->msg_sint);
	} else if (msg->interrupt_page || version < vmbus_version(2, 4)) {
		if (!sim_server_gpa_ok(msg->interrupt_page))
			sim_violation(SIM_V_CONTACT, "interrupt page %#llx",
				      msg->interrupt_page);
	}
	if (!msg->monitor_page1 != !msg->monitor_page2 ||
	    (msg->monitor_page1 && (!sim_server_gpa_ok(msg->monitor_page1) ||
				    !sim_server_gpa_ok(msg->monitor_page2))))
		sim_violation(SIM_V_CONTACT, "monitor pages %#llx %#llx",
			      msg->monitor_page1, msg->monitor_page2);
}

static void sim_server_initiate_contact(const struct sim_inmsg *m)
{
	const struct vmbus_channel_initiate_contact *msg = (const void *)m->data;
	struct vmbus_channel_version_response resp = {
		.header.msgtype = CHANNELMSG_VERSION_RESPONSE,
	};
	u32 version = msg->vmbus_version_requested;
	bool on_conn4 = m->conn_id == VMBUS_MESSAGE_CONNECTION_ID_4;
	bool modern = version >= vmbus_version(5, 0);
	unsigned long flags;

	/* Any INITIATE_CONTACT resets the bus (host.md 5.3). */
	if (sim_srv.version)
		sim_trace_note("INITIATE_CONTACT while connected: reset");
	sim_server_disconnect();
	sim_synic_purge();

	if (modern != on_conn4)
		sim_violation(SIM_V_POST_CONN_ID,
			      "INITIATE_CONTACT %u.%u on connection %u",
			      version >> 16, version & 0xFFFF, m->conn_id);

	sim_srv.msg_vp = 0;
	if (version >= vmbus_version(3, 0)) {
		if (sim_synic_vp_valid(msg->target_vcpu))
			sim_srv.msg_vp = msg->target_vcpu;
		else
			sim_violation(SIM_V_CONTACT, "target_vcpu %u",
				      msg->target_vcpu);
	} else if (msg->target_vcpu) {
		sim_violation(SIM_V_CONTACT, "target_vcpu %u below 3.0",
			      msg->target_vcpu);
	}

	if (sim_server_version_ok(version)) {
		sim_server_contact_pages(msg, version);
		sim_srv.version = version;
		sim_srv.int_page_gpa = modern ? 0 : msg->interrupt_page;
		sim_srv.monitor_gpa[0] = msg->monitor_page1;
		sim_srv.monitor_gpa[1] = msg->monitor_page2;
		resp.version_supported = 1;
		if (modern)
			resp.msg_conn_id = SIM_MSG_CONN_ID;
		if (version < vmbus_version(2, 4) &&
		    sim_server_gpa_ok(msg->interrupt_page)) {
			spin_lock_irqsave(&sim_srv.chan_lock, flags);
			sim_srv.legacy_page =
				page_address(pfn_to_page(msg->interrupt_page >>
							 HV_HYP_PAGE_SHIFT));
			spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
		}
	}
	sim_server_send(&resp, sizeof(resp));
}

static void sim_server_request_offers(const struct sim_inmsg *m)
{
	struct vmbus_channel_message_header done = {
		.msgtype = CHANNELMSG_ALLOFFERS_DELIVERED,
	};
	struct sim_dev *dev;

	if (sim_srv.offers_requested) {
		sim_violation(SIM_V_REQUESTOFFERS, "second REQUESTOFFERS");
		return;
	}
	sim_srv.offers_requested = true;
	list_for_each_entry(dev, &sim_srv.devs, node)
		if (sim_offer_primary(dev))
			pr_err("no relid for a %s device\n", dev->kind->name);
	sim_server_send(&done, sizeof(done));
}

static int sim_server_open_rings(struct sim_chan *chan, struct sim_gpadl *g,
				 u32 split)
{
	const struct gpa_range *range = (const void *)g->data;
	u32 npages = range->byte_count / HV_HYP_PAGE_SIZE;
	const u64 *pfns = (const u64 *)(g->data + sizeof(*range));
	int ret;

	ret = sim_ring_map(&chan->g2h, pfns, split, true);
	if (ret)
		return ret;
	ret = sim_ring_map(&chan->h2g, pfns + split, npages - split, false);
	if (ret)
		sim_ring_unmap(&chan->g2h);
	return ret;
}

/* Check an OPENCHANNEL against its ring GPADL (host.md 5.6). */
static struct sim_gpadl *sim_server_open_check(struct sim_chan *chan,
					       const struct vmbus_channel_open_channel *msg)
{
	u32 split = msg->downstream_ringbuffer_pageoffset;
	const struct gpa_range *range;
	struct sim_gpadl *g;
	u32 npages;

	if (chan->state == SIM_CHAN_OPEN) {
		sim_violation(SIM_V_OPEN, "channel %u is already open",
			      chan->relid);
		return NULL;
	}
	g = sim_gpadl_find(&chan->gpadls, msg->ringbuffer_gpadlhandle);
	if (g && g->mapped) {
		sim_violation(SIM_V_OPEN, "channel %u: GPADL %#x is a device buffer",
			      chan->relid, g->handle);
		return NULL;
	}
	if (!g) {
		sim_violation(SIM_V_OPEN, "channel %u: GPADL %#x not created on it",
			      chan->relid, msg->ringbuffer_gpadlhandle);
		return NULL;
	}
	range = (const void *)g->data;
	npages = range->byte_count / HV_HYP_PAGE_SIZE;
	if (g->rangecount != 1 || range->byte_offset ||
	    range->byte_count % HV_HYP_PAGE_SIZE ||
	    split < 2 || split > npages || npages - split < 2) {
		sim_violation(SIM_V_OPEN,
			      "channel %u: ring GPADL %u ranges, %u bytes at %u, split %u",
			      chan->relid, g->rangecount, range->byte_count,
			      range->byte_offset, split);
		return NULL;
	}
	if (sim_srv.version >= vmbus_version(2, 4) ?
	    !sim_synic_vp_valid(msg->target_vp) : msg->target_vp != 0) {
		sim_violation(SIM_V_OPEN, "channel %u: target_vp %u",
			      chan->relid, msg->target_vp);
		return NULL;
	}
	return g;
}

static void sim_server_open(const struct sim_inmsg *m)
{
	const struct vmbus_channel_open_channel *msg = (const void *)m->data;
	struct vmbus_channel_open_result resp = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = msg->child_relid,
		.openid = msg->openid,
		.status = SIM_STATUS_FAILED,
	};
	struct sim_chan *chan;
	struct sim_gpadl *g;
	unsigned long flags;

	chan = sim_server_chan_get(msg->child_relid, "OPENCHANNEL");
	if (!chan)
		goto reply;
	if (chan->rescinded)
		return;		/* the guest stops waiting on the rescind */
	if (sim_fault_hold_open) {
		/* A host that stopped answering: only a rescind frees the guest. */
		sim_fault_hold_open = false;
		return;
	}
	g = sim_server_open_check(chan, msg);
	if (!g || sim_server_open_rings(chan, g,
					msg->downstream_ringbuffer_pageoffset))
		goto reply;

	g->in_use = true;
	chan->ring_gpadl = g;
	chan->state = SIM_CHAN_OPEN;
	chan->broken = false;
	chan->faults = 0;
	chan->rx_hold = 0;
	chan->legacy_page = sim_srv.version < vmbus_version(2, 4) ?
			    sim_srv.legacy_page : NULL;
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	chan->target_vp = msg->target_vp;
	chan->mapped = true;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	resp.status = 0;
	sim_server_send(&resp, sizeof(resp));

	/* The host may write at once (vmbus.md 7.2 step 5). */
	chan->kind->start(chan);
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	chan->running = true;
	sim_chan_queue(chan);
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	return;

reply:
	sim_server_send(&resp, sizeof(resp));
}

static void sim_server_close(const struct sim_inmsg *m)
{
	const struct vmbus_channel_close_channel *msg = (const void *)m->data;
	struct sim_chan *chan;

	chan = sim_server_chan_get(msg->child_relid, "CLOSECHANNEL");
	if (!chan)
		return;
	if (chan->state != SIM_CHAN_OPEN) {
		if (!chan->rescinded)
			sim_violation(SIM_V_CLOSE, "channel %u is not open",
				      chan->relid);
		return;
	}
	sim_chan_stop(chan);
	sim_chan_unmap(chan);
	sim_offer_rescind_closed(chan);
}

static void sim_server_relid_released(const struct sim_inmsg *m)
{
	const struct vmbus_channel_relid_released *msg = (const void *)m->data;
	struct sim_chan *chan;

	chan = sim_server_chan_get(msg->child_relid, "RELID_RELEASED");
	if (!chan)
		return;
	if (!chan->rescinded) {
		sim_violation(SIM_V_RELID_RELEASED,
			      "channel %u was not rescinded", chan->relid);
		return;
	}
	sim_offer_destroy(chan);
}

static void sim_server_unload(const struct sim_inmsg *m)
{
	struct vmbus_channel_message_header resp = {
		.msgtype = CHANNELMSG_UNLOAD_RESPONSE,
	};
	u32 version = sim_srv.version;

	sim_server_disconnect();
	/* UNLOAD_RESPONSE exists from 1.1; answer UNLOAD from any state. */
	if (!version || version >= vmbus_version(1, 1))
		sim_server_send(&resp, sizeof(resp));
}

static void sim_server_modify(const struct sim_inmsg *m)
{
	const struct vmbus_channel_modifychannel *msg = (const void *)m->data;
	struct vmbus_channel_modifychannel_response resp = {
		.header.msgtype = CHANNELMSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = msg->child_relid,
		.status = SIM_STATUS_FAILED,
	};
	struct sim_chan *chan;
	unsigned long flags;

	chan = sim_server_chan_get(msg->child_relid, "MODIFYCHANNEL");
	if (chan && chan->rescinded)
		return;
	if (chan && chan->state != SIM_CHAN_OPEN) {
		sim_violation(SIM_V_MODIFY, "channel %u is not open",
			      chan->relid);
	} else if (chan && !sim_synic_vp_valid(msg->target_vp)) {
		sim_violation(SIM_V_MODIFY, "channel %u: target_vp %u",
			      chan->relid, msg->target_vp);
	} else if (chan) {
		spin_lock_irqsave(&sim_srv.chan_lock, flags);
		chan->target_vp = msg->target_vp;
		sim_chan_queue(chan);
		spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
		resp.status = 0;
	}
	if (sim_srv.version >= vmbus_version(5, 3))
		sim_server_send(&resp, sizeof(resp));
}

static void sim_server_tl_connect(const struct sim_inmsg *m)
{
	/* No hv_sock service here; 6.1 ignores TL_CONNECT_RESULT anyway. */
	pr_info_ratelimited("TL_CONNECT_REQUEST ignored\n");
}

struct sim_server_handler {
	u32 size;		/* exact size, 0: checked by the handler */
	u32 min_version;
	void (*fn)(const struct sim_inmsg *m);
};

static const struct sim_server_handler sim_server_handlers[CHANNELMSG_COUNT] = {
	[CHANNELMSG_REQUESTOFFERS] = {
		sizeof(struct vmbus_channel_message_header), 0,
		sim_server_request_offers },
	[CHANNELMSG_OPENCHANNEL] = {
		sizeof(struct vmbus_channel_open_channel), 0, sim_server_open },
	[CHANNELMSG_CLOSECHANNEL] = {
		sizeof(struct vmbus_channel_close_channel), 0,
		sim_server_close },
	[CHANNELMSG_GPADL_HEADER] = { 0, 0, sim_gpadl_header },
	[CHANNELMSG_GPADL_BODY] = { 0, 0, sim_gpadl_body },
	[CHANNELMSG_GPADL_TEARDOWN] = {
		sizeof(struct vmbus_channel_gpadl_teardown), 0,
		sim_gpadl_teardown },
	[CHANNELMSG_RELID_RELEASED] = {
		sizeof(struct vmbus_channel_relid_released), 0,
		sim_server_relid_released },
	[CHANNELMSG_INITIATE_CONTACT] = {
		sizeof(struct vmbus_channel_initiate_contact), 0,
		sim_server_initiate_contact },
	[CHANNELMSG_UNLOAD] = {
		sizeof(struct vmbus_channel_message_header), 0,
		sim_server_unload },
	[CHANNELMSG_TL_CONNECT_REQUEST] = {
		sizeof(struct vmbus_channel_tl_connect_request),
		0x00040000, sim_server_tl_connect },
	[CHANNELMSG_MODIFYCHANNEL] = {
		sizeof(struct vmbus_channel_modifychannel), 0x00040001,
		sim_server_modify },
};

/* Fixed part of the variable-size messages. */
static u32 sim_server_min_size(u32 type)
{
	if (type == CHANNELMSG_GPADL_HEADER)
		return sizeof(struct vmbus_channel_gpadl_header);
	if (type == CHANNELMSG_GPADL_BODY)
		return sizeof(struct vmbus_channel_gpadl_body);
	return 0;
}

static void sim_server_dispatch(const struct sim_inmsg *m)
{
	const struct vmbus_channel_message_header *hdr = (const void *)m->data;
	const struct sim_server_handler *h = NULL;
	u32 type = hdr->msgtype, size = m->size;

	lockdep_assert_held(&sim_srv.lock);
	if (type < CHANNELMSG_COUNT)
		h = &sim_server_handlers[type];
	if (!h || !h->fn) {
		sim_violation(SIM_V_MSG_TYPE, "message type %u from the guest",
			      type);
		return;
	}
	/* 5.2 adds a silo_id to TL_CONNECT_REQUEST. */
	if (type == CHANNELMSG_TL_CONNECT_REQUEST &&
	    sim_srv.version >= vmbus_version(5, 2) && size == h->size + 16)
		size = h->size;
	if (h->size ? size != h->size : size < sim_server_min_size(type)) {
		sim_violation(SIM_V_MSG_SIZE, "%s of %u bytes",
			      sim_msg_name(type), m->size);
		return;
	}
	if (!sim_srv.version && type != CHANNELMSG_INITIATE_CONTACT &&
	    type != CHANNELMSG_UNLOAD) {
		sim_violation(SIM_V_MSG_STATE, "%s before INITIATE_CONTACT",
			      sim_msg_name(type));
		return;
	}
	if (sim_srv.version < h->min_version) {
		sim_violation(SIM_V_MSG_VERSION, "%s at version %u.%u",
			      sim_msg_name(type), sim_srv.version >> 16,
			      sim_srv.version & 0xFFFF);
		return;
	}
	h->fn(m);
}

static void sim_server_msg_work(struct work_struct *work)
{
	struct sim_inmsg *m = &sim_server_cur;
	unsigned long flags;

	for (;;) {
		spin_lock_irqsave(&sim_server_inq_lock, flags);
		if (!sim_server_inq_count) {
			spin_unlock_irqrestore(&sim_server_inq_lock, flags);
			break;
		}
		*m = sim_server_inq[sim_server_inq_head];
		sim_server_inq_head = (sim_server_inq_head + 1) % sim_server_inq_len;
		sim_server_inq_count--;
		spin_unlock_irqrestore(&sim_server_inq_lock, flags);

		mutex_lock(&sim_srv.lock);
		sim_server_dispatch(m);
		mutex_unlock(&sim_srv.lock);
	}
}

/* Guest messages posted, by type: for tests and debugfs "msgs". */
static atomic_t sim_server_msgs[CHANNELMSG_COUNT];

/**
 * sim_server_msg_count() - guest messages of a type posted so far
 * @type: CHANNELMSG_* type
 *
 * Return: the count, since the module was loaded.
 */
u32 sim_server_msg_count(u32 type)
{
	return type < CHANNELMSG_COUNT ?
	       atomic_read(&sim_server_msgs[type]) : 0;
}

/**
 * sim_server_post_message() - HvPostMessage from the guest
 * @conn_id: connection ID
 * @payload: channel message
 * @size: bytes of @payload
 *
 * Any context.  Checks the size and connection ID and queues a copy; the
 * message work processes it.
 *
 * Return: an HV_STATUS_* code.
 */
u16 sim_server_post_message(u32 conn_id, const void *payload, u32 size)
{
	struct sim_inmsg *slot;
	unsigned long flags;
	u32 type = 0;

	sim_trace_msg(true, payload, size);
	if (size < sizeof(struct vmbus_channel_message_header) ||
	    size > VMBUS_MSG_MAX) {
		sim_violation(SIM_V_POST_SIZE, "HvPostMessage of %u bytes",
			      size);
		return HV_STATUS_INVALID_PARAMETER;
	}
	memcpy(&type, payload, sizeof(type));
	if (type < CHANNELMSG_COUNT)
		atomic_inc(&sim_server_msgs[type]);
	if (conn_id == VMBUS_MESSAGE_CONNECTION_ID_4) {
		/* An old host does not know connection 4 (vmbus.md 2.6). */
		if (sim_max_version < vmbus_version(5, 0)) {
			sim_trace_note("connection 4 refused (max_version)");
			return HV_STATUS_INVALID_CONNECTION_ID;
		}
		if (type != CHANNELMSG_INITIATE_CONTACT)
			goto err_conn;
	} else if (conn_id != SIM_MSG_CONN_ID) {
		goto err_conn;
	}

	spin_lock_irqsave(&sim_server_inq_lock, flags);
	if (sim_server_inq_count == sim_server_inq_len) {
		spin_unlock_irqrestore(&sim_server_inq_lock, flags);
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	slot = &sim_server_inq[(sim_server_inq_head + sim_server_inq_count) %
			    sim_server_inq_len];
	slot->conn_id = conn_id;
	slot->size = size;
	memcpy(slot->data, payload, size);
	sim_server_inq_count++;
	spin_unlock_irqrestore(&sim_server_inq_lock, flags);
	queue_work(sim_srv.msg_wq, &sim_server_work);
	return HV_STATUS_SUCCESS;

err_conn:
	sim_violation(SIM_V_POST_CONN_ID, "%s posted to connection %u",
		      sim_msg_name(type), conn_id);
	return HV_STATUS_INVALID_CONNECTION_ID;
}

/**
 * sim_server_init() - set up the server before the core connects
 * @devices: comma-separated device kinds to offer, empty for
 *	heartbeat,shutdown
 *
 * Return: 0 or -errno.
 */
int sim_server_init(const char *devices)
{
	int ret;

	spin_lock_init(&sim_srv.chan_lock);
	mutex_init(&sim_srv.lock);
	INIT_LIST_HEAD(&sim_srv.devs);
	INIT_LIST_HEAD(&sim_srv.gpadl_pending);
	INIT_WORK(&sim_server_work, sim_server_msg_work);

	sim_server_inq_len = clamp(sim_msg_queue_len, 1U, 1024U);
	sim_server_inq = kvcalloc(sim_server_inq_len, sizeof(*sim_server_inq),
				  GFP_KERNEL);
	if (!sim_server_inq)
		return -ENOMEM;
	ret = -ENOMEM;
	sim_srv.msg_wq = alloc_ordered_workqueue("vmbus_sim_msg", 0);
	if (!sim_srv.msg_wq)
		goto err_inq;
	sim_srv.chan_wq = alloc_workqueue("vmbus_sim_chan", 0, 0);
	if (!sim_srv.chan_wq)
		goto err_msg_wq;
	ret = sim_offer_init(devices);
	if (ret)
		goto err_chan_wq;
	return 0;

err_chan_wq:
	destroy_workqueue(sim_srv.chan_wq);
err_msg_wq:
	destroy_workqueue(sim_srv.msg_wq);
err_inq:
	kvfree(sim_server_inq);
	return ret;
}

/*
 * After the core's exit: nothing posts or signals any more.  A channel
 * work still running cannot queue sub-channel offers past
 * sim_offer_stop().
 */
void sim_server_exit(void)
{
	sim_offer_stop();
	destroy_workqueue(sim_srv.msg_wq);
	mutex_lock(&sim_srv.lock);
	sim_server_disconnect();
	sim_offer_exit();
	mutex_unlock(&sim_srv.lock);
	destroy_workqueue(sim_srv.chan_wq);
	kvfree(sim_server_inq);
}
