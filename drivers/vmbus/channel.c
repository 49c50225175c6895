// SPDX-License-Identifier: GPL-2.0
/*
 * One channel: its rings, opening and closing it, sending and receiving
 * packets, request IDs, and running the driver's callback
 * (../shared/spec/vmbus.md sections 5, 7.2, 7.3).
 *
 * Contexts and locking:
 * - channel->sched_lock (hardirq-safe) protects onchannel_callback against
 *   the ISR: vmbus_channel_dispatch() calls or schedules the callback under
 *   it, vmbus_reset_channel_cb() clears the callback under it.
 * - channel->outbound.ring_lock serializes senders (ring.c).
 * - channel->requestor.req_lock protects the request ID table (any context).
 * - Open and close sleep and are serialized by the driver, as upstream.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "vmbus_core.h"

/*
 * Senders waiting for room in an outbound ring (vmbus_wait_for_space()).
 * One queue for all channels: waits are rare, wake-ups cheap.
 */
static DECLARE_WAIT_QUEUE_HEAD(vmbus_space_wq);

/**
 * vmbus_channel_wake_writers() - re-check every wait for ring space
 *
 * Context: any.  Called on a channel interrupt and on a rescind.
 */
void vmbus_channel_wake_writers(void)
{
	wake_up_all(&vmbus_space_wq);
}

static void vmbus_channel_tasklet(unsigned long data)
{
	struct vmbus_channel *channel = (void *)data;
	void (*cb)(void *context);

	cb = READ_ONCE(channel->onchannel_callback);
	if (!cb)
		return;
	cb(channel->channel_callback_context);
	if (channel->callback_mode != HV_CALL_BATCHED)
		return;
	/* Unmask; if the host wrote meanwhile without signalling, go again. */
	if (!hv_end_read(&channel->inbound))
		return;
	hv_begin_read(&channel->inbound);
	tasklet_schedule(&channel->callback_event);
}

/**
 * vmbus_channel_init() - initialize a new channel object
 * @channel: zeroed channel
 */
void vmbus_channel_init(struct vmbus_channel *channel)
{
	spin_lock_init(&channel->sched_lock);
	spin_lock_init(&channel->requestor.req_lock);
	spin_lock_init(&channel->outbound.ring_lock);
	spin_lock_init(&channel->inbound.ring_lock);
	mutex_init(&channel->outbound.ring_buffer_mutex);
	mutex_init(&channel->inbound.ring_buffer_mutex);
	init_completion(&channel->rescind_event);
	INIT_LIST_HEAD(&channel->listentry);
	INIT_LIST_HEAD(&channel->sc_list);
	tasklet_init(&channel->callback_event, vmbus_channel_tasklet,
		     (unsigned long)channel);
	channel->callback_mode = HV_CALL_BATCHED;
	channel->max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
	channel->state = CHANNEL_OFFER_STATE;
}

/**
 * vmbus_channel_cleanup() - last rites before a channel object is freed
 * @channel: closed channel no interrupt can reach any more
 */
void vmbus_channel_cleanup(struct vmbus_channel *channel)
{
	tasklet_kill(&channel->callback_event);
}

/**
 * vmbus_channel_dispatch() - the host signalled this channel
 * @channel: channel of the event flag
 *
 * Context: hardirq, on the channel's target CPU.
 */
void vmbus_channel_dispatch(struct vmbus_channel *channel)
{
	spin_lock(&channel->sched_lock);
	if (!channel->onchannel_callback)
		goto unlock;
	channel->interrupts++;
	/* Our own request in our own ring: the host may have made room. */
	if (READ_ONCE(channel->outbound.ring_buffer->pending_send_sz))
		vmbus_channel_wake_writers();
	switch (channel->callback_mode) {
	case HV_CALL_ISR:
		channel->onchannel_callback(channel->channel_callback_context);
		break;
	case HV_CALL_BATCHED:
		hv_begin_read(&channel->inbound);
		fallthrough;
	case HV_CALL_DIRECT:
		tasklet_schedule(&channel->callback_event);
		break;
	}
unlock:
	spin_unlock(&channel->sched_lock);
}

/**
 * vmbus_reset_channel_cb() - stop calling a channel's callback
 * @channel: the channel
 *
 * On return the callback is not running and will not run again until the
 * channel is opened anew.  Context: process.
 */
void vmbus_reset_channel_cb(struct vmbus_channel *channel)
{
	unsigned long flags;

	tasklet_disable(&channel->callback_event);
	spin_lock_irqsave(&channel->sched_lock, flags);
	channel->onchannel_callback = NULL;
	spin_unlock_irqrestore(&channel->sched_lock, flags);
	channel->sc_creation_callback = NULL;
	tasklet_enable(&channel->callback_event);
}
EXPORT_SYMBOL_GPL(vmbus_reset_channel_cb);

/**
 * vmbus_set_event() - signal the host through the hypervisor
 * @channel: open channel
 */
void vmbus_set_event(struct vmbus_channel *channel)
{
	vmbus_signal_channel(channel);
}
EXPORT_SYMBOL_GPL(vmbus_set_event);

/**
 * vmbus_setevent() - signal the host that the channel has work
 * @channel: open channel
 *
 * This core always signals through HvSignalEvent, never the monitor page:
 * lower latency, and the host cannot tell the difference.
 */
void vmbus_setevent(struct vmbus_channel *channel)
{
	vmbus_signal_channel(channel);
}
EXPORT_SYMBOL_GPL(vmbus_setevent);

/**
 * vmbus_alloc_ring() - allocate and map the two rings of a channel
 * @channel: closed channel
 * @send_size: guest-to-host ring bytes (control page included), page multiple
 * @recv_size: host-to-guest ring bytes, page multiple
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int vmbus_alloc_ring(struct vmbus_channel *channel, u32 send_size,
		     u32 recv_size)
{
	u32 send_pages = send_size >> PAGE_SHIFT, recv_pages = recv_size >> PAGE_SHIFT;
	struct page *page;
	int order, ret;

	if (!PAGE_ALIGNED(send_size) || !PAGE_ALIGNED(recv_size) ||
	    send_pages < 2 || recv_pages < 2)
		return -EINVAL;
	order = get_order(send_size + recv_size);
	page = alloc_pages_node(cpu_to_node(channel->target_cpu),
				GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		page = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
	if (!page)
		return -ENOMEM;

	channel->ringbuffer_page = page;
	channel->ringbuffer_pagecount = send_pages + recv_pages;
	channel->ringbuffer_send_offset = send_pages;
	ret = vmbus_ring_setup(&channel->outbound, page, send_pages, 0);
	if (ret)
		goto err_free_pages;
	ret = vmbus_ring_setup(&channel->inbound, page + send_pages, recv_pages,
			       channel->max_pkt_size);
	if (ret)
		goto err_cleanup_out;
	return 0;

err_cleanup_out:
	vmbus_ring_cleanup(&channel->outbound);
err_free_pages:
	__free_pages(page, order);
	channel->ringbuffer_page = NULL;
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_alloc_ring);

/**
 * vmbus_free_ring() - free the rings of a closed channel
 * @channel: channel whose ring GPADL is torn down
 */
void vmbus_free_ring(struct vmbus_channel *channel)
{
	if (!channel->ringbuffer_page)
		return;
	vmbus_ring_cleanup(&channel->outbound);
	vmbus_ring_cleanup(&channel->inbound);
	__free_pages(channel->ringbuffer_page,
		     get_order(channel->ringbuffer_pagecount << PAGE_SHIFT));
	channel->ringbuffer_page = NULL;
}
EXPORT_SYMBOL_GPL(vmbus_free_ring);

/*
 * The host may still write the rings: unmap them but never free the pages.
 * A leak is the only safe answer to a host that will not let go.
 */
static void vmbus_abandon_ring(struct vmbus_channel *channel)
{
	pr_err("relid %u: ring GPADL still shared, %u pages leaked\n",
	       channel->offermsg.child_relid, channel->ringbuffer_pagecount);
	vmbus_ring_cleanup(&channel->outbound);
	vmbus_ring_cleanup(&channel->inbound);
	channel->ringbuffer_page = NULL;
}

static int vmbus_requestor_alloc(struct vmbus_channel *channel)
{
	struct vmbus_requestor *rqstor = &channel->requestor;
	u32 i, size = channel->rqstor_size;

	if (!size)
		return 0;
	rqstor->req_arr = kcalloc(size, sizeof(u64), GFP_KERNEL);
	rqstor->req_bitmap = bitmap_zalloc(size, GFP_KERNEL);
	if (!rqstor->req_arr || !rqstor->req_bitmap) {
		kfree(rqstor->req_arr);
		bitmap_free(rqstor->req_bitmap);
		rqstor->req_arr = NULL;
		rqstor->req_bitmap = NULL;
		return -ENOMEM;
	}
	/* Free slots form a list threaded through req_arr. */
	for (i = 0; i < size; i++)
		rqstor->req_arr[i] = i + 1;
	rqstor->next_request_id = 0;
	rqstor->size = size;
	return 0;
}

static void vmbus_requestor_free(struct vmbus_channel *channel)
{
	struct vmbus_requestor *rqstor = &channel->requestor;

	kfree(rqstor->req_arr);
	bitmap_free(rqstor->req_bitmap);
	rqstor->req_arr = NULL;
	rqstor->req_bitmap = NULL;
	rqstor->size = 0;
}

/**
 * vmbus_next_request_id() - allocate a transaction ID for a request
 * @channel: open channel with a requestor (rqstor_size set before open)
 * @rqst_addr: the caller's cookie, returned by vmbus_request_addr()
 *
 * IDs are 1-based: 0 is what the host uses for unsolicited packets.
 * Return: the ID, VMBUS_RQST_ERROR when all are in use, or VMBUS_NO_RQSTOR
 * when the channel has no requestor.
 */
u64 vmbus_next_request_id(struct vmbus_channel *channel, u64 rqst_addr)
{
	struct vmbus_requestor *rqstor = &channel->requestor;
	unsigned long flags;
	u64 slot;

	if (!channel->rqstor_size)
		return VMBUS_NO_RQSTOR;
	lock_requestor(channel, flags);
	slot = rqstor->next_request_id;
	if (!rqstor->req_arr || slot >= rqstor->size) {
		unlock_requestor(channel, flags);
		return VMBUS_RQST_ERROR;
	}
	rqstor->next_request_id = rqstor->req_arr[slot];
	rqstor->req_arr[slot] = rqst_addr;
	__set_bit(slot, rqstor->req_bitmap);
	unlock_requestor(channel, flags);
	return slot + 1;
}
EXPORT_SYMBOL_GPL(vmbus_next_request_id);

/**
 * __vmbus_request_addr_match() - look up and free a transaction ID
 * @channel: channel with a requestor
 * @trans_id: ID from the host (untrusted)
 * @rqst_addr: cookie the ID must map to, or VMBUS_RQST_ADDR_ANY
 *
 * Context: caller holds the requestor lock (lock_requestor()).
 * Return: the cookie, or VMBUS_RQST_ERROR if @trans_id is not an
 * outstanding ID (or maps to another cookie); then nothing is freed.
 */
u64 __vmbus_request_addr_match(struct vmbus_channel *channel, u64 trans_id,
			       u64 rqst_addr)
{
	struct vmbus_requestor *rqstor = &channel->requestor;
	u64 slot = trans_id - 1, addr;

	lockdep_assert_held(&rqstor->req_lock);
	if (!rqstor->req_arr || !trans_id || slot >= rqstor->size ||
	    !test_bit(slot, rqstor->req_bitmap)) {
		pr_err_ratelimited("relid %u: invalid transaction ID %llu\n",
				   channel->offermsg.child_relid, trans_id);
		return VMBUS_RQST_ERROR;
	}
	addr = rqstor->req_arr[slot];
	if (rqst_addr != VMBUS_RQST_ADDR_ANY && addr != rqst_addr)
		return VMBUS_RQST_ERROR;
	rqstor->req_arr[slot] = rqstor->next_request_id;
	rqstor->next_request_id = slot;
	__clear_bit(slot, rqstor->req_bitmap);
	return addr;
}
EXPORT_SYMBOL_GPL(__vmbus_request_addr_match);

/**
 * vmbus_request_addr_match() - look up and free a transaction ID
 * @channel: channel with a requestor
 * @trans_id: ID from the host (untrusted)
 * @rqst_addr: cookie the ID must map to, or VMBUS_RQST_ADDR_ANY
 *
 * Return: the cookie, VMBUS_RQST_ERROR for an ID not outstanding, or
 * @trans_id itself when the channel has no requestor.
 */
u64 vmbus_request_addr_match(struct vmbus_channel *channel, u64 trans_id,
			     u64 rqst_addr)
{
	unsigned long flags;
	u64 addr;

	if (!channel->rqstor_size)
		return trans_id;
	lock_requestor(channel, flags);
	addr = __vmbus_request_addr_match(channel, trans_id, rqst_addr);
	unlock_requestor(channel, flags);
	return addr;
}
EXPORT_SYMBOL_GPL(vmbus_request_addr_match);

/**
 * vmbus_request_addr() - look up and free a transaction ID
 * @channel: channel with a requestor
 * @trans_id: ID from the host (untrusted)
 *
 * Return: the cookie given to vmbus_next_request_id(), VMBUS_RQST_ERROR if
 * the ID is not outstanding, or @trans_id when there is no requestor.
 */
u64 vmbus_request_addr(struct vmbus_channel *channel, u64 trans_id)
{
	return vmbus_request_addr_match(channel, trans_id, VMBUS_RQST_ADDR_ANY);
}
EXPORT_SYMBOL_GPL(vmbus_request_addr);

/**
 * vmbus_connect_ring() - open a channel whose rings are allocated
 * @channel: channel in the offered state, after vmbus_alloc_ring()
 * @onchannel_callback: called when the host signals the channel
 * @context: its argument
 *
 * Return: 0; -EINVAL if not in the offered state; -ENODEV if rescinded;
 * -EIO if the host refused; -ENOMEM.  On error the channel is back in the
 * offered state with its rings still allocated.
 */
int vmbus_connect_ring(struct vmbus_channel *channel,
		       void (*onchannel_callback)(void *context), void *context)
{
	return vmbus_channel_open_rings(channel, onchannel_callback, context,
					NULL, 0);
}
EXPORT_SYMBOL_GPL(vmbus_connect_ring);

/**
 * vmbus_channel_open_rings() - open a channel over its allocated rings
 * @channel: channel in the offered state with rings
 * @cb: callback
 * @context: its argument
 * @userdata: device-specific open parameters, or NULL
 * @userdatalen: at most MAX_USER_DEFINED_BYTES
 *
 * Return: as vmbus_connect_ring().
 */
int vmbus_channel_open_rings(struct vmbus_channel *channel,
			     void (*cb)(void *context), void *context,
			     void *userdata, u32 userdatalen)
{
	struct vmbus_channel_open_channel msg = {};
	u32 relid = channel->offermsg.child_relid;
	struct vmbus_waiter w;
	unsigned long flags;
	int ret;

	if (userdatalen > MAX_USER_DEFINED_BYTES || !channel->ringbuffer_page)
		return -EINVAL;
	if (channel->rescind)
		return -ENODEV;
	if (channel->state != CHANNEL_OFFER_STATE)
		return -EINVAL;
	/*
	 * Until the channel is open its CPU may go offline; from then on the
	 * hotplug callback sees it and keeps the CPU online.
	 */
	cpus_read_lock();
	if (!cpu_online(channel->target_cpu))
		channel->target_cpu = vmbus_conn.msg_cpu;
	channel->state = CHANNEL_OPENING_STATE;
	vmbus_ring_reset_header(&channel->outbound);
	vmbus_ring_reset_header(&channel->inbound);

	ret = vmbus_requestor_alloc(channel);
	if (ret)
		goto err_state;
	ret = vmbus_gpadl_create(channel, NULL,
				 channel->ringbuffer_pagecount << PAGE_SHIFT,
				 channel->ringbuffer_page,
				 &channel->ringbuffer_gpadlhandle);
	if (ret)
		goto err_free_requestor;

	spin_lock_irqsave(&channel->sched_lock, flags);
	channel->channel_callback_context = context;
	channel->onchannel_callback = cb;
	spin_unlock_irqrestore(&channel->sched_lock, flags);

	msg.header.msgtype = CHANNELMSG_OPENCHANNEL;
	msg.child_relid = relid;
	msg.openid = relid;
	msg.ringbuffer_gpadlhandle = channel->ringbuffer_gpadlhandle.gpadl_handle;
	/* Before 2.4 every channel interrupt goes to VP 0 (section 6.6). */
	msg.target_vp = vmbus_conn.version >= VERSION_WIN8 ?
			vmbus_synic_vp_index(channel->target_cpu) : 0;
	msg.downstream_ringbuffer_pageoffset = channel->ringbuffer_send_offset;
	if (userdatalen)
		memcpy(msg.userdata, userdata, userdatalen);

	vmbus_waiter_init(&w, CHANNELMSG_OPENCHANNEL_RESULT, relid, relid,
			  channel);
	ret = vmbus_post_and_wait(&w, &msg, sizeof(msg));
	if (!ret && w.resp.open.status) {
		dev_err_ratelimited(channel->device_obj ?
				    &channel->device_obj->device : NULL,
				    "host refused to open relid %u: status %#x\n",
				    relid, w.resp.open.status);
		ret = -EIO;
	}
	if (ret)
		goto err_reset_cb;
	channel->state = CHANNEL_OPENED_STATE;
	cpus_read_unlock();
	return 0;

err_reset_cb:
	vmbus_reset_channel_cb(channel);
	if (vmbus_teardown_gpadl(channel, &channel->ringbuffer_gpadlhandle))
		vmbus_abandon_ring(channel);
err_free_requestor:
	vmbus_requestor_free(channel);
err_state:
	channel->state = CHANNEL_OFFER_STATE;
	cpus_read_unlock();
	return ret;
}

/**
 * vmbus_channel_close_one() - close one channel, leaving its rings allocated
 * @channel: the channel
 *
 * Return: 0 when the host no longer uses the rings (they may be freed);
 * an error when the ring GPADL could not be torn down (they must not).
 */
int vmbus_channel_close_one(struct vmbus_channel *channel)
{
	struct vmbus_channel_close_channel msg = {};
	int ret;

	if (channel->state != CHANNEL_OPENED_STATE)
		return 0;
	vmbus_reset_channel_cb(channel);
	channel->state = CHANNEL_OFFER_STATE;
	if (!channel->rescind && vmbus_conn.version) {
		msg.header.msgtype = CHANNELMSG_CLOSECHANNEL;
		msg.child_relid = channel->offermsg.child_relid;
		ret = vmbus_post_msg(&msg, sizeof(msg), true);
		if (ret)
			pr_err("relid %u: close not posted (%d)\n",
			       msg.child_relid, ret);
	}
	ret = vmbus_teardown_gpadl(channel, &channel->ringbuffer_gpadlhandle);
	if (ret)
		vmbus_abandon_ring(channel);
	vmbus_requestor_free(channel);
	return ret;
}

static int vmbus_channel_write(struct vmbus_channel *channel,
			       const struct kvec *kv, u32 kv_cnt,
			       u64 requestid, u64 *trans_id)
{
	const struct vmpacket_descriptor *desc = kv[0].iov_base;
	u64 id = requestid;
	bool signal, mapped = false;
	int ret;

	if (channel->rescind)
		return -ENODEV;
	/*
	 * Only a packet the host answers takes an ID from the table: a
	 * completion carries the host's transaction ID, and a packet sent
	 * without COMPLETION_REQUESTED its own (netvsc's
	 * VMBUS_RQST_ID_NO_RESPONSE), as with Linux's ring writer.
	 */
	if (channel->next_request_id_callback &&
	    (desc->flags & VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)) {
		id = channel->next_request_id_callback(channel, requestid);
		if (id == VMBUS_RQST_ERROR)
			return -EAGAIN;
		if (id == VMBUS_NO_RQSTOR)
			id = requestid;
		else
			mapped = true;
	}
	ret = vmbus_ring_write(&channel->outbound, kv, kv_cnt, id, &signal);
	if (ret) {
		/* Nothing was sent: give the ID back. */
		if (mapped && channel->request_addr_callback)
			channel->request_addr_callback(channel, id);
		return ret;
	}
	if (trans_id)
		*trans_id = id;
	if (signal) {
		channel->intr_out_empty++;
		vmbus_signal_channel(channel);
	}
	return 0;
}

/**
 * vmbus_wait_for_space() - sleep until a packet fits in the outbound ring
 * @channel: open channel
 * @bytes: the packet from its descriptor on, before padding (an in-band
 *	packet of n payload bytes: 16 + n)
 * @timeout: in jiffies
 *
 * For a sender that got -EAGAIN: asks the host to signal once the packet
 * fits (pending_send_sz) and sleeps until then.  Another sender may take
 * the room first; send again and wait again on -EAGAIN.
 * Context: process.
 *
 * Return: 0 when the packet fits, -ETIMEDOUT, or -ENODEV if rescinded.
 */
int vmbus_wait_for_space(struct vmbus_channel *channel, u32 bytes, long timeout)
{
	struct hv_ring_buffer_info *rbi = &channel->outbound;
	long left;

	if (vmbus_ring_want_space(rbi, bytes))
		return 0;
	channel->out_full_total++;
	if (!channel->out_full_flag)
		channel->out_full_first++;
	channel->out_full_flag = true;
	left = wait_event_timeout(vmbus_space_wq,
				  READ_ONCE(channel->rescind) ||
				  vmbus_ring_has_space(rbi, bytes), timeout);
	vmbus_ring_want_space(rbi, 0);
	channel->out_full_flag = false;
	if (READ_ONCE(channel->rescind))
		return -ENODEV;
	return left ? 0 : -ETIMEDOUT;
}
EXPORT_SYMBOL_GPL(vmbus_wait_for_space);

/**
 * vmbus_sendpacket_getid() - send an in-band packet, returning its ID
 * @channel: open channel
 * @buffer: payload
 * @bufferlen: payload bytes
 * @requestid: cookie (or transaction ID if the channel has no requestor)
 * @trans_id: the transaction ID used, if not NULL
 * @type: VM_PKT_DATA_INBAND or VM_PKT_COMP
 * @flags: 0 or VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED
 *
 * Context: any.
 * Return: 0; -EAGAIN if the ring or the request table is full; -ENODEV if
 * rescinded; -EIO if the host corrupted the ring.
 */
int vmbus_sendpacket_getid(struct vmbus_channel *channel, void *buffer,
			   u32 bufferlen, u64 requestid, u64 *trans_id,
			   enum vmbus_packet_type type, u32 flags)
{
	struct vmpacket_descriptor desc;
	u32 len = sizeof(desc) + bufferlen;
	u64 pad = 0;
	struct kvec kv[3] = {
		{ .iov_base = &desc, .iov_len = sizeof(desc) },
		{ .iov_base = buffer, .iov_len = bufferlen },
		{ .iov_base = &pad, .iov_len = ALIGN(len, 8) - len },
	};

	desc.type = type;
	desc.offset8 = sizeof(desc) >> 3;
	desc.len8 = ALIGN(len, 8) >> 3;
	desc.flags = flags;
	desc.trans_id = 0;
	return vmbus_channel_write(channel, kv, ARRAY_SIZE(kv), requestid,
				   trans_id);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_getid);

/**
 * vmbus_sendpacket() - send an in-band packet
 * @channel: open channel
 * @buffer: payload
 * @bufferlen: payload bytes
 * @requestid: cookie (or transaction ID if the channel has no requestor)
 * @type: VM_PKT_DATA_INBAND or VM_PKT_COMP
 * @flags: 0 or VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED
 *
 * Return: as vmbus_sendpacket_getid().
 */
int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer,
		     u32 bufferlen, u64 requestid, enum vmbus_packet_type type,
		     u32 flags)
{
	return vmbus_sendpacket_getid(channel, buffer, bufferlen, requestid,
				      NULL, type, flags);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket);

/**
 * vmbus_sendpacket_mpb_desc() - send a GPA-direct packet with a range list
 * @channel: open channel
 * @desc: packet header with rangecount and the ranges (struct hv_mpb_array,
 *	back to back, each followed by its PFNs) filled in by the caller
 * @desc_size: bytes of @desc (multiple of 8)
 * @buffer: in-band payload following the ranges
 * @bufferlen: payload bytes
 * @requestid: cookie (or transaction ID)
 *
 * Return: as vmbus_sendpacket_getid().
 */
int vmbus_sendpacket_mpb_desc(struct vmbus_channel *channel,
			      struct vmbus_packet_mpb_array *desc,
			      u32 desc_size, void *buffer, u32 bufferlen,
			      u64 requestid)
{
	u32 len = desc_size + bufferlen;
	u64 pad = 0;
	struct kvec kv[3] = {
		{ .iov_base = desc, .iov_len = desc_size },
		{ .iov_base = buffer, .iov_len = bufferlen },
		{ .iov_base = &pad, .iov_len = ALIGN(len, 8) - len },
	};

	if (!IS_ALIGNED(desc_size, 8))
		return -EINVAL;
	desc->type = VM_PKT_DATA_USING_GPA_DIRECT;
	desc->flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	desc->dataoffset8 = desc_size >> 3;
	desc->length8 = ALIGN(len, 8) >> 3;
	desc->transactionid = 0;
	desc->reserved = 0;
	return vmbus_channel_write(channel, kv, ARRAY_SIZE(kv), requestid, NULL);
}
EXPORT_SYMBOL_GPL(vmbus_sendpacket_mpb_desc);

static void vmbus_channel_read_done(struct vmbus_channel *channel, bool signal)
{
	if (signal) {
		channel->intr_in_full++;
		vmbus_signal_channel(channel);
	}
}

static int vmbus_channel_read(struct vmbus_channel *channel, void *buffer,
			      u32 bufferlen, u32 *actual, u64 *requestid,
			      bool raw)
{
	bool signal;
	int ret;

	ret = vmbus_ring_read(&channel->inbound, buffer, bufferlen, actual,
			      requestid, raw, &signal);
	vmbus_channel_read_done(channel, signal);
	return ret;
}

/**
 * vmbus_recvpacket() - copy the payload of the next packet
 * @channel: open channel
 * @buffer: destination
 * @bufferlen: its size
 * @buffer_actual_len: payload bytes, 0 if the ring was empty
 * @requestid: the packet's transaction ID
 *
 * Return: 0, or -ENOBUFS if @buffer is too small (the packet stays).
 */
int vmbus_recvpacket(struct vmbus_channel *channel, void *buffer,
		     u32 bufferlen, u32 *buffer_actual_len, u64 *requestid)
{
	return vmbus_channel_read(channel, buffer, bufferlen,
				  buffer_actual_len, requestid, false);
}
EXPORT_SYMBOL_GPL(vmbus_recvpacket);

/**
 * vmbus_recvpacket_raw() - copy the next packet, descriptor included
 * @channel: open channel
 * @buffer: destination
 * @bufferlen: its size
 * @buffer_actual_len: packet bytes, 0 if the ring was empty
 * @requestid: the packet's transaction ID
 *
 * Return: 0, or -ENOBUFS if @buffer is too small (the packet stays).
 */
int vmbus_recvpacket_raw(struct vmbus_channel *channel, void *buffer,
			 u32 bufferlen, u32 *buffer_actual_len, u64 *requestid)
{
	return vmbus_channel_read(channel, buffer, bufferlen,
				  buffer_actual_len, requestid, true);
}
EXPORT_SYMBOL_GPL(vmbus_recvpacket_raw);

/**
 * hv_pkt_iter_first() - first unread packet, validated, in private memory
 * @channel: open channel; one reader at a time
 *
 * Return: the packet (valid until the next iterator call) or NULL.
 */
struct vmpacket_descriptor *hv_pkt_iter_first(struct vmbus_channel *channel)
{
	struct vmpacket_descriptor *desc;

	desc = vmbus_ring_iter_first(&channel->inbound);
	/* Garbage dropped by the ring still has to be returned to the host. */
	if (!desc)
		vmbus_channel_read_done(channel,
					vmbus_ring_iter_close(&channel->inbound));
	return desc;
}
EXPORT_SYMBOL_GPL(hv_pkt_iter_first);

/**
 * __hv_pkt_iter_next() - consume a packet and get the next one
 * @channel: open channel
 * @pkt: packet returned by the previous iterator call
 *
 * Return: the next packet or NULL; the caller then calls hv_pkt_iter_close().
 */
struct vmpacket_descriptor *__hv_pkt_iter_next(struct vmbus_channel *channel,
					       const struct vmpacket_descriptor *pkt)
{
	return vmbus_ring_iter_next(&channel->inbound, pkt);
}
EXPORT_SYMBOL_GPL(__hv_pkt_iter_next);

/**
 * hv_pkt_iter_close() - give consumed ring space back to the host
 * @channel: open channel
 */
void hv_pkt_iter_close(struct vmbus_channel *channel)
{
	vmbus_channel_read_done(channel, vmbus_ring_iter_close(&channel->inbound));
}
EXPORT_SYMBOL_GPL(hv_pkt_iter_close);

/**
 * vmbus_set_sc_create_callback() - be told about new sub-channels
 * @primary_channel: primary channel
 * @sc_cr_cb: called in process context with each new sub-channel
 */
void vmbus_set_sc_create_callback(struct vmbus_channel *primary_channel,
				  void (*sc_cr_cb)(struct vmbus_channel *new_sc))
{
	primary_channel->sc_creation_callback = sc_cr_cb;
}
EXPORT_SYMBOL_GPL(vmbus_set_sc_create_callback);

/**
 * vmbus_set_chn_rescind_callback() - be told when a channel is rescinded
 * @channel: channel
 * @chn_rescind_cb: called in process context on rescind
 */
void vmbus_set_chn_rescind_callback(struct vmbus_channel *channel,
				    void (*chn_rescind_cb)(struct vmbus_channel *))
{
	channel->chn_rescind_callback = chn_rescind_cb;
}
EXPORT_SYMBOL_GPL(vmbus_set_chn_rescind_callback);

/**
 * vmbus_send_modifychannel() - move a channel's interrupts to another VP
 * @channel: open channel
 * @target_vp: VP index
 *
 * Return: 0; -EINVAL before protocol 4.1; -EIO if the host refused
 * (5.3 and later, which acknowledge); posting errors.
 */
int vmbus_send_modifychannel(struct vmbus_channel *channel, u32 target_vp)
{
	struct vmbus_channel_modifychannel msg = {};
	struct vmbus_waiter w;
	int ret;

	if (vmbus_conn.version < VERSION_WIN10_V4_1)
		return -EINVAL;
	msg.header.msgtype = CHANNELMSG_MODIFYCHANNEL;
	msg.child_relid = channel->offermsg.child_relid;
	msg.target_vp = target_vp;
	if (vmbus_conn.version < VERSION_WIN10_V5_3)
		return vmbus_post_msg(&msg, sizeof(msg), true);

	vmbus_waiter_init(&w, CHANNELMSG_MODIFYCHANNEL_RESPONSE,
			  msg.child_relid, 0, channel);
	ret = vmbus_post_and_wait(&w, &msg, sizeof(msg));
	if (!ret && w.resp.modify.status)
		ret = -EIO;
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_send_modifychannel);
