// SPDX-License-Identifier: GPL-2.0
/*
 * The VMBus connection: posting channel messages to the host, matching the
 * host's responses to the requests waiting for them, version negotiation
 * and unload (../shared/spec/vmbus.md sections 2.6, 7.5).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "vmbus_core.h"

/* Negotiated protocol version; 0 while not connected.  Upstream's name. */
__u32 vmbus_proto_version;
EXPORT_SYMBOL_GPL(vmbus_proto_version);

struct vmbus_connection_info vmbus_conn;

unsigned int vmbus_max_version = VERSION_WIN10_V5_3;

/* Newest first (section 2.5); 0.13 and 1.1 are what RHEL 5-era hosts speak. */
static const u32 vmbus_versions[] = {
	VERSION_WIN10_V5_3, VERSION_WIN10_V5_2, VERSION_WIN10_V5_1,
	VERSION_WIN10_V5, VERSION_WIN10_V4_1, VERSION_WIN10,
	VERSION_WIN8_1, VERSION_WIN8, VERSION_WIN7, VERSION_WS2008,
};

/* How long a host may take to answer before we say so in the log. */
#define VMBUS_RESPONSE_WARN	(30 * HZ)
/* Negotiation and unload give up: the host is not there. */
#define VMBUS_CONNECT_TIMEOUT	(10 * HZ)

/*
 * Requests waiting for a response.  Taken in process context and in the
 * message tasklet (softirq), hence _bh.
 */
static LIST_HEAD(vmbus_waiters);
static DEFINE_SPINLOCK(vmbus_waiters_lock);

static int vmbus_post_msg_to(u32 conn_id, void *msg, u32 size, bool can_sleep)
{
	struct vmbus_channel_message_header *hdr = msg;
	unsigned int tries;
	u32 delay_us = 1;
	u16 status;

	if (size > VMBUS_MSG_MAX)
		return -EMSGSIZE;
	for (tries = 0; tries < 100; tries++) {
		status = vmbus_hv->post_message(conn_id, msg, size);
		switch (status) {
		case HV_STATUS_SUCCESS:
			return 0;
		case HV_STATUS_INVALID_CONNECTION_ID:
			/* For contact it means: this host predates the version. */
			if (hdr->msgtype == CHANNELMSG_INITIATE_CONTACT)
				return -ENXIO;
			fallthrough;
		case HV_STATUS_INSUFFICIENT_BUFFERS:
		case HV_STATUS_INSUFFICIENT_MEMORY:
			break;
		default:
			pr_err_ratelimited("posting message %u failed: status %#x\n",
					   hdr->msgtype, status);
			return -EIO;
		}
		if (can_sleep)
			usleep_range(delay_us, delay_us * 2);
		else
			udelay(delay_us);
		if (delay_us < 2000000 / 2)
			delay_us *= 2;
	}
	pr_err_ratelimited("host keeps refusing message %u (status %#x)\n",
			   hdr->msgtype, status);
	return -EAGAIN;
}

/**
 * vmbus_post_msg() - post a channel message to the host
 * @msg: the message, starting with its header
 * @size: bytes, at most 240
 * @can_sleep: whether to sleep between retries
 *
 * Return: 0 when the hypervisor accepted it (not that the host acted).
 */
int vmbus_post_msg(void *msg, u32 size, bool can_sleep)
{
	return vmbus_post_msg_to(vmbus_conn.msg_conn_id, msg, size, can_sleep);
}

/**
 * vmbus_waiter_init() - prepare to wait for a response
 * @w: waiter, on the caller's stack
 * @msgtype: CHANNELMSG_* type of the response
 * @relid: relid to match (OPENCHANNEL_RESULT, GPADL_CREATED, MODIFY), or 0
 * @id: openid or GPADL handle to match, or 0
 * @channel: channel whose rescind aborts the wait, or NULL
 */
void vmbus_waiter_init(struct vmbus_waiter *w, u32 msgtype, u32 relid, u32 id,
		       struct vmbus_channel *channel)
{
	memset(w, 0, sizeof(*w));
	INIT_LIST_HEAD(&w->node);
	w->msgtype = msgtype;
	w->relid = relid;
	w->id = id;
	w->channel = channel;
	init_completion(&w->done);
}

static void vmbus_waiter_finish(struct vmbus_waiter *w, int error)
{
	lockdep_assert_held(&vmbus_waiters_lock);
	list_del_init(&w->node);
	w->error = error;
	complete(&w->done);
}

/**
 * vmbus_post_and_wait() - post a request and wait for its response
 * @w: initialized waiter; the response lands in w->resp
 * @msg: request
 * @size: request size
 *
 * Waits as long as the host takes (as Hyper-V guests must), but returns
 * early if the channel is rescinded or the connection goes away.
 *
 * Return: 0 with w->resp filled, -ENODEV if aborted, or a posting error.
 */
int vmbus_post_and_wait(struct vmbus_waiter *w, void *msg, u32 size)
{
	int ret;

	ret = vmbus_waiter_arm(w);
	if (ret)
		return ret;
	ret = vmbus_post_msg(msg, size, true);
	if (ret) {
		vmbus_waiter_cancel(w);
		return ret;
	}
	return vmbus_waiter_wait(w);
}

/**
 * vmbus_waiter_arm() - start listening for the response of a waiter
 * @w: initialized waiter
 *
 * Return: 0, or -ENODEV if its channel is already rescinded.
 */
int vmbus_waiter_arm(struct vmbus_waiter *w)
{
	bool gone;

	spin_lock_bh(&vmbus_waiters_lock);
	gone = w->channel && w->channel->rescind;
	if (!gone)
		list_add_tail(&w->node, &vmbus_waiters);
	spin_unlock_bh(&vmbus_waiters_lock);
	return gone ? -ENODEV : 0;
}

/**
 * vmbus_waiter_wait() - wait for the response of an armed waiter
 * @w: waiter
 *
 * Return: 0 with w->resp filled, or -ENODEV if aborted.
 */
int vmbus_waiter_wait(struct vmbus_waiter *w)
{
	while (!wait_for_completion_timeout(&w->done, VMBUS_RESPONSE_WARN))
		pr_warn("still waiting for the host to answer with message %u\n",
			w->msgtype);
	return w->error;
}

/**
 * vmbus_waiter_cancel() - stop waiting; the response, if any, is ignored
 * @w: waiter
 */
void vmbus_waiter_cancel(struct vmbus_waiter *w)
{
	spin_lock_bh(&vmbus_waiters_lock);
	list_del_init(&w->node);
	spin_unlock_bh(&vmbus_waiters_lock);
}

/**
 * vmbus_wake_channel_waiters() - abort every wait on a rescinded channel
 * @channel: the channel, or NULL for every wait (connection lost)
 */
void vmbus_wake_channel_waiters(struct vmbus_channel *channel)
{
	struct vmbus_waiter *w, *tmp;

	spin_lock_bh(&vmbus_waiters_lock);
	list_for_each_entry_safe(w, tmp, &vmbus_waiters, node)
		if (!channel || w->channel == channel)
			vmbus_waiter_finish(w, -ENODEV);
	spin_unlock_bh(&vmbus_waiters_lock);
}

static bool vmbus_waiter_matches(const struct vmbus_waiter *w,
				 const struct vmbus_channel_message_header *hdr)
{
	const void *m = hdr;

	if (w->msgtype != hdr->msgtype)
		return false;
	switch (hdr->msgtype) {
	case CHANNELMSG_OPENCHANNEL_RESULT: {
		const struct vmbus_channel_open_result *r = m;

		return r->child_relid == w->relid && r->openid == w->id;
	}
	case CHANNELMSG_GPADL_CREATED: {
		const struct vmbus_channel_gpadl_created *r = m;

		return r->child_relid == w->relid && r->gpadl == w->id;
	}
	case CHANNELMSG_GPADL_TORNDOWN: {
		const struct vmbus_channel_gpadl_torndown *r = m;

		return r->gpadl == w->id;
	}
	case CHANNELMSG_MODIFYCHANNEL_RESPONSE: {
		const struct vmbus_channel_modifychannel_response *r = m;

		return r->child_relid == w->relid;
	}
	default:	/* VERSION_RESPONSE, UNLOAD_RESPONSE: one at a time */
		return true;
	}
}

/**
 * vmbus_complete_waiter() - hand a response to the request waiting for it
 * @hdr: response, already checked to be at least its type's minimum size
 * @size: its size
 *
 * Context: message tasklet.
 * Return: false if nobody waits for it (unsolicited response).
 */
bool vmbus_complete_waiter(const struct vmbus_channel_message_header *hdr,
			   u32 size)
{
	struct vmbus_waiter *w;
	bool found = false;

	spin_lock_bh(&vmbus_waiters_lock);
	list_for_each_entry(w, &vmbus_waiters, node) {
		if (!vmbus_waiter_matches(w, hdr))
			continue;
		memcpy(&w->resp, hdr, min_t(u32, size, sizeof(w->resp)));
		vmbus_waiter_finish(w, 0);
		found = true;
		break;
	}
	spin_unlock_bh(&vmbus_waiters_lock);
	return found;
}

/**
 * vmbus_signal_channel() - tell the host there is work on a channel
 * @channel: an open channel
 *
 * Context: any.
 */
void vmbus_signal_channel(struct vmbus_channel *channel)
{
	u32 relid = channel->offermsg.child_relid;

	/* Shared (legacy) interrupts name the channel in the interrupt page. */
	if (!channel->is_dedicated_interrupt && vmbus_conn.int_page)
		set_bit(relid, vmbus_conn.int_page + VMBUS_INT_PAGE_HALF);
	channel->sig_events++;
	vmbus_hv->signal_event(lower_32_bits(channel->sig_event), 0);
}

static int vmbus_negotiate(u32 version)
{
	struct vmbus_channel_initiate_contact msg = {};
	struct vmbus_channel_version_response *resp;
	struct vmbus_waiter w;
	u32 conn_id = VMBUS_MESSAGE_CONNECTION_ID;
	int ret;

	msg.header.msgtype = CHANNELMSG_INITIATE_CONTACT;
	msg.vmbus_version_requested = version;
	/* Before 3.0 the host sends messages to VP 0 whatever we ask. */
	vmbus_conn.msg_cpu = version >= VERSION_WIN8_1 ?
			     cpumask_first(cpu_online_mask) : 0;
	msg.target_vcpu = vmbus_synic_vp_index(vmbus_conn.msg_cpu);
	if (version >= VERSION_WIN10_V5) {
		msg.msg_sint = VMBUS_MESSAGE_SINT;
		conn_id = VMBUS_MESSAGE_CONNECTION_ID_4;
	} else {
		msg.interrupt_page = virt_to_phys(vmbus_conn.int_page);
	}
	msg.monitor_page1 = virt_to_phys(vmbus_conn.monitor_pages[0]);
	msg.monitor_page2 = virt_to_phys(vmbus_conn.monitor_pages[1]);

	vmbus_waiter_init(&w, CHANNELMSG_VERSION_RESPONSE, 0, 0, NULL);
	vmbus_waiter_arm(&w);

	ret = vmbus_post_msg_to(conn_id, &msg, sizeof(msg), true);
	if (ret)
		goto out_cancel;
	if (!wait_for_completion_timeout(&w.done, VMBUS_CONNECT_TIMEOUT)) {
		pr_err("no answer to version %u.%u\n", version >> 16,
		       version & 0xffff);
		ret = -ETIMEDOUT;
		goto out_cancel;
	}
	ret = w.error;
	if (ret)
		return ret;
	resp = &w.resp.version;
	if (!resp->version_supported)
		return -EPROTONOSUPPORT;
	vmbus_conn.msg_conn_id = version >= VERSION_WIN10_V5 ?
				 resp->msg_conn_id : VMBUS_MESSAGE_CONNECTION_ID;
	return 0;

out_cancel:
	vmbus_waiter_cancel(&w);
	return ret;
}

/**
 * vmbus_connection_cleanup() - free the pages shared with the host
 *
 * Only after the SynIC is stopped: the ISR may read the interrupt page.
 */
void vmbus_connection_cleanup(void)
{
	free_page((unsigned long)vmbus_conn.int_page);
	free_page((unsigned long)vmbus_conn.monitor_pages[0]);
	free_page((unsigned long)vmbus_conn.monitor_pages[1]);
	vmbus_conn.int_page = NULL;
	vmbus_conn.monitor_pages[0] = NULL;
	vmbus_conn.monitor_pages[1] = NULL;
}

/**
 * vmbus_connect() - negotiate the newest version both sides speak
 *
 * Tries every version from vmbus_max_version down and asks for the
 * offers once connected.
 *
 * Return: 0, or -errno with nothing left allocated.
 */
int vmbus_connect(void)
{
	struct vmbus_channel_message_header req = {
		.msgtype = CHANNELMSG_REQUESTOFFERS,
	};
	unsigned int i;
	int ret = -EPROTONOSUPPORT;

	vmbus_conn.int_page = (void *)get_zeroed_page(GFP_KERNEL);
	vmbus_conn.monitor_pages[0] = (void *)get_zeroed_page(GFP_KERNEL);
	vmbus_conn.monitor_pages[1] = (void *)get_zeroed_page(GFP_KERNEL);
	if (!vmbus_conn.int_page || !vmbus_conn.monitor_pages[0] ||
	    !vmbus_conn.monitor_pages[1]) {
		ret = -ENOMEM;
		goto err_free;
	}

	for (i = 0; i < ARRAY_SIZE(vmbus_versions); i++) {
		u32 v = vmbus_versions[i];

		if (v > vmbus_max_version)
			continue;
		ret = vmbus_negotiate(v);
		if (!ret) {
			vmbus_conn.version = v;
			break;
		}
		if (ret != -EPROTONOSUPPORT && ret != -ENXIO)
			goto err_free;
	}
	if (ret)
		goto err_free;

	WRITE_ONCE(vmbus_proto_version, vmbus_conn.version);
	/* From 2.4 each channel has its own event flag (section 6.1). */
	if (vmbus_conn.version < VERSION_WIN8)
		vmbus_synic_set_legacy(vmbus_conn.int_page);
	pr_info("Vmbus version:%u.%u\n", vmbus_conn.version >> 16,
		vmbus_conn.version & 0xffff);

	ret = vmbus_post_msg(&req, sizeof(req), true);
	if (ret)
		goto err_disconnected;
	return 0;

err_disconnected:
	vmbus_conn.version = 0;
	WRITE_ONCE(vmbus_proto_version, 0);
	vmbus_synic_set_legacy(NULL);
err_free:
	vmbus_connection_cleanup();
	if (ret == -EPROTONOSUPPORT)
		pr_err("host speaks no VMBus version up to %u.%u\n",
		       vmbus_max_version >> 16, vmbus_max_version & 0xffff);
	return ret;
}

/**
 * vmbus_disconnect() - unload the connection (section 7.5)
 *
 * Every channel must be closed.  Hosts older than 3.0 know no unload.
 */
void vmbus_disconnect(void)
{
	struct vmbus_channel_message_header msg = {
		.msgtype = CHANNELMSG_UNLOAD,
	};
	struct vmbus_waiter w;

	if (!vmbus_conn.version)
		return;
	if (vmbus_conn.version >= VERSION_WIN8_1) {
		vmbus_waiter_init(&w, CHANNELMSG_UNLOAD_RESPONSE, 0, 0, NULL);
		vmbus_waiter_arm(&w);
		if (vmbus_post_msg(&msg, sizeof(msg), true) ||
		    !wait_for_completion_timeout(&w.done, VMBUS_CONNECT_TIMEOUT))
			pr_err("host did not answer UNLOAD\n");
		vmbus_waiter_cancel(&w);
	}
	vmbus_wake_channel_waiters(NULL);
	vmbus_conn.version = 0;
	WRITE_ONCE(vmbus_proto_version, 0);
}
