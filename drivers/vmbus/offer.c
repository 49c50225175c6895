// SPDX-License-Identifier: GPL-2.0
/*
 * Channel management: the host's channel messages, offers and rescinds,
 * sub-channels, and when a channel object may go away
 * (../shared/spec/vmbus.md sections 3, 7.4).
 *
 * Lifetime: a channel object is created by its offer and referenced by the
 * relid map and a list (primaries on vmbus_primaries, sub-channels on their
 * primary's sc_list); its hv_device holds a second reference.  It is
 * released once it is rescinded, closed, its device removed and (for a
 * primary) its sub-channels released: then RELID_RELEASED tells the host
 * the relid is free, and the rings are freed.  Channel memory goes with
 * the last kobject reference (sysfs.c), after an RCU grace period because
 * the ISR looks channels up under RCU.
 *
 * Contexts: channel messages arrive in the message tasklet; offers and
 * rescinds are handled in arrival order on vmbus_offer_wq.  Registering a
 * device probes its driver, which may wait for sub-channel offers, so that
 * runs on vmbus_probe_wq; sub-channel callbacks on vmbus_subchan_wq.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "vmbus_core.h"

struct workqueue_struct *vmbus_offer_wq;
static struct workqueue_struct *vmbus_probe_wq;
static struct workqueue_struct *vmbus_subchan_wq;

/*
 * vmbus_channel_mutex protects vmbus_primaries, every sc_list, writes to
 * the relid map, channel->device_obj and the release decision.  Process
 * context only; never held across a wait for the host.
 */
static DEFINE_MUTEX(vmbus_channel_mutex);
static LIST_HEAD(vmbus_primaries);
static struct vmbus_channel __rcu *vmbus_relid_map[VMBUS_SIEF_BITS];
static bool vmbus_offers_closing;	/* unloading: ignore new offers */
static unsigned int vmbus_last_perf_cpu;

struct vmbus_msg_work {
	struct work_struct work;
	u32 size;
	u8 msg[VMBUS_MSG_MAX] __aligned(8);
};

/* Smallest valid size of each host-to-guest message (section 2.2). */
static const u8 vmbus_msg_min_size[CHANNELMSG_COUNT] = {
	[CHANNELMSG_OFFERCHANNEL] = sizeof(struct vmbus_channel_offer_channel),
	[CHANNELMSG_RESCIND_CHANNELOFFER] = sizeof(struct vmbus_channel_rescind_offer),
	[CHANNELMSG_ALLOFFERS_DELIVERED] = sizeof(struct vmbus_channel_message_header),
	[CHANNELMSG_OPENCHANNEL_RESULT] = sizeof(struct vmbus_channel_open_result),
	[CHANNELMSG_GPADL_CREATED] = sizeof(struct vmbus_channel_gpadl_created),
	[CHANNELMSG_GPADL_TORNDOWN] = sizeof(struct vmbus_channel_gpadl_torndown),
	[CHANNELMSG_VERSION_RESPONSE] = sizeof(struct vmbus_channel_version_response),
	[CHANNELMSG_UNLOAD_RESPONSE] = sizeof(struct vmbus_channel_message_header),
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] =
		sizeof(struct vmbus_channel_modifychannel_response),
};

/**
 * vmbus_relid_to_channel() - the channel of a relid
 * @relid: 1..VMBUS_MAX_RELID
 *
 * Context: RCU read side, or vmbus_channel_mutex held.
 * Return: the channel or NULL.
 */
struct vmbus_channel *vmbus_relid_to_channel(u32 relid)
{
	return rcu_dereference_check(vmbus_relid_map[relid],
				     lockdep_is_held(&vmbus_channel_mutex));
}

/**
 * vmbus_channel_is_perf() - does this channel carry I/O worth spreading?
 * @channel: channel
 *
 * Return: true for storage and network channels.
 */
bool vmbus_channel_is_perf(const struct vmbus_channel *channel)
{
	switch (channel->device_id) {
	case HV_IDE:
	case HV_SCSI:
	case HV_FC:
	case HV_NIC:
	case HV_ND:
		return true;
	default:
		return false;
	}
}

/* Spread I/O channels round-robin over online CPUs (section 6.6). */
static u32 vmbus_pick_cpu(const struct vmbus_channel *channel)
{
	unsigned int cpu;

	if (vmbus_conn.version < VERSION_WIN8 || !vmbus_channel_is_perf(channel))
		return vmbus_conn.msg_cpu;
	cpus_read_lock();
	cpu = cpumask_next(vmbus_last_perf_cpu, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	vmbus_last_perf_cpu = cpu;
	cpus_read_unlock();
	return cpu;
}

/**
 * vmbus_channel_lock() - take the channel management mutex
 */
void vmbus_channel_lock(void)
{
	mutex_lock(&vmbus_channel_mutex);
}

/**
 * vmbus_channel_unlock() - release the channel management mutex
 */
void vmbus_channel_unlock(void)
{
	mutex_unlock(&vmbus_channel_mutex);
}

/**
 * vmbus_channel_put() - drop a reference to a channel
 * @channel: channel
 */
void vmbus_channel_put(struct vmbus_channel *channel)
{
	kobject_put(&channel->kobj);
}

static bool vmbus_channel_linked(const struct vmbus_channel *channel)
{
	return channel->primary_channel ? !list_empty(&channel->sc_list) :
					  !list_empty(&channel->listentry);
}

/* Unlink a channel and drop the list's reference. */
static void vmbus_channel_release(struct vmbus_channel *channel, bool notify)
{
	struct vmbus_channel_relid_released msg = {
		.header.msgtype = CHANNELMSG_RELID_RELEASED,
		.child_relid = channel->offermsg.child_relid,
	};
	struct vmbus_channel *primary = channel->primary_channel;

	lockdep_assert_held(&vmbus_channel_mutex);
	RCU_INIT_POINTER(vmbus_relid_map[msg.child_relid], NULL);
	list_del_init(primary ? &channel->sc_list : &channel->listentry);
	if (notify && vmbus_conn.version && vmbus_post_msg(&msg, sizeof(msg), true))
		pr_err("relid %u: RELID_RELEASED not posted\n", msg.child_relid);
	/* Only now has the host dropped its references to our pages. */
	vmbus_free_ring(channel);
	if (channel->kobj.state_in_sysfs)
		kobject_del(&channel->kobj);
	vmbus_channel_put(channel);
	if (primary)
		vmbus_channel_put(primary);
}

/* Release a rescinded channel once nothing uses it any more. */
static void vmbus_channel_try_release(struct vmbus_channel *channel)
{
	struct vmbus_channel *primary = channel->primary_channel;

	lockdep_assert_held(&vmbus_channel_mutex);
	if (!channel->rescind || channel->state != CHANNEL_OFFER_STATE ||
	    !vmbus_channel_linked(channel))
		return;
	if (!channel->primary_channel &&
	    (channel->device_obj || !list_empty(&channel->sc_list)))
		return;
	/* A sub-channel's reference keeps its primary alive until here. */
	if (primary)
		kobject_get(&primary->kobj);
	vmbus_channel_release(channel, true);
	if (primary) {
		/* The primary may have been waiting for its last sub-channel. */
		vmbus_channel_try_release(primary);
		vmbus_channel_put(primary);
	}
}

static struct vmbus_channel *vmbus_find_primary(const guid_t *type,
						const guid_t *instance)
{
	struct vmbus_channel *channel;

	lockdep_assert_held(&vmbus_channel_mutex);
	list_for_each_entry(channel, &vmbus_primaries, listentry)
		if (!channel->rescind &&
		    guid_equal(&channel->offermsg.offer.if_type, type) &&
		    guid_equal(&channel->offermsg.offer.if_instance, instance))
			return channel;
	return NULL;
}

static void vmbus_add_primary_work(struct work_struct *work)
{
	struct vmbus_channel *channel =
		container_of(work, struct vmbus_channel, add_channel_work);
	int ret;

	ret = vmbus_device_create(channel);
	if (ret)
		pr_err("relid %u: device not registered (%d)\n",
		       channel->offermsg.child_relid, ret);
}

static void vmbus_add_subchannel_work(struct work_struct *work)
{
	struct vmbus_channel *sc =
		container_of(work, struct vmbus_channel, add_channel_work);
	struct vmbus_channel *primary = sc->primary_channel;
	void (*cb)(struct vmbus_channel *new_sc);

	mutex_lock(&vmbus_channel_mutex);
	if (primary->device_obj)
		vmbus_channel_sysfs_add(sc);
	cb = primary->sc_creation_callback;
	mutex_unlock(&vmbus_channel_mutex);
	if (cb && !READ_ONCE(sc->rescind))
		cb(sc);
}

static bool vmbus_offer_valid(const struct vmbus_channel_offer_channel *offer)
{
	u32 relid = offer->child_relid;

	if (!relid || relid > VMBUS_MAX_RELID) {
		pr_err_ratelimited("offer with invalid relid %u dropped\n", relid);
		return false;
	}
	if (vmbus_relid_to_channel(relid)) {
		pr_err_ratelimited("second offer for relid %u dropped\n", relid);
		return false;
	}
	return true;
}

static void vmbus_process_offer(const struct vmbus_channel_offer_channel *offer)
{
	const guid_t *type = &offer->offer.if_type;
	const guid_t *inst = &offer->offer.if_instance;
	struct vmbus_channel *channel, *primary = NULL;
	u32 relid = offer->child_relid;

	mutex_lock(&vmbus_channel_mutex);
	if (vmbus_offers_closing || !vmbus_offer_valid(offer))
		goto unlock;
	if (offer->offer.sub_channel_index) {
		primary = vmbus_find_primary(type, inst);
		if (!primary) {
			pr_err_ratelimited("relid %u: sub-channel offer without primary dropped\n",
					   relid);
			goto unlock;
		}
	} else if (vmbus_find_primary(type, inst)) {
		pr_err_ratelimited("relid %u: duplicate primary offer %pUl dropped\n",
				   relid, inst);
		goto unlock;
	}

	channel = kzalloc(sizeof(*channel), GFP_KERNEL);
	if (!channel)
		goto unlock;
	vmbus_channel_init(channel);
	kobject_init(&channel->kobj, &vmbus_channel_ktype);
	channel->offermsg = *offer;
	channel->device_id = vmbus_dev_type(type);
	if (offer->monitor_allocated && offer->monitorid <= VMBUS_MONITOR_ID_MAX) {
		channel->monitor_grp = offer->monitorid / 32;
		channel->monitor_bit = offer->monitorid % 32;
	}
	/* 0.13 has one shared signal; 1.1 added per-channel ones (2.5). */
	if (vmbus_conn.version == VERSION_WS2008) {
		channel->sig_event = VMBUS_EVENT_CONNECTION_ID;
	} else {
		channel->sig_event = offer->connection_id;
		channel->is_dedicated_interrupt = offer->is_dedicated_interrupt;
	}
	channel->target_cpu = vmbus_pick_cpu(channel);

	if (primary) {
		kobject_get(&primary->kobj);
		channel->primary_channel = primary;
		list_add_tail(&channel->sc_list, &primary->sc_list);
		INIT_WORK(&channel->add_channel_work, vmbus_add_subchannel_work);
	} else {
		list_add_tail(&channel->listentry, &vmbus_primaries);
		INIT_WORK(&channel->add_channel_work, vmbus_add_primary_work);
	}
	rcu_assign_pointer(vmbus_relid_map[relid], channel);
	queue_work(primary ? vmbus_subchan_wq : vmbus_probe_wq,
		   &channel->add_channel_work);
unlock:
	mutex_unlock(&vmbus_channel_mutex);
}

static void vmbus_process_rescind(u32 relid)
{
	struct vmbus_channel *channel = NULL;

	mutex_lock(&vmbus_channel_mutex);
	if (relid && relid <= VMBUS_MAX_RELID)
		channel = vmbus_relid_to_channel(relid);
	if (!channel || channel->rescind) {
		pr_err_ratelimited("rescind of %s relid %u ignored\n",
				   channel ? "rescinded" : "unknown", relid);
		mutex_unlock(&vmbus_channel_mutex);
		return;
	}
	WRITE_ONCE(channel->rescind, true);
	kobject_get(&channel->kobj);
	mutex_unlock(&vmbus_channel_mutex);

	/* The host will answer nothing on this channel any more. */
	vmbus_wake_channel_waiters(channel);
	vmbus_channel_wake_writers();
	flush_work(&channel->add_channel_work);
	if (channel->chn_rescind_callback)
		channel->chn_rescind_callback(channel);
	if (!channel->primary_channel)
		vmbus_device_remove(channel);

	mutex_lock(&vmbus_channel_mutex);
	vmbus_channel_try_release(channel);
	mutex_unlock(&vmbus_channel_mutex);
	vmbus_channel_put(channel);
}

static void vmbus_msg_work_fn(struct work_struct *work)
{
	struct vmbus_msg_work *mw = container_of(work, struct vmbus_msg_work, work);
	struct vmbus_channel_message_header *hdr = (void *)mw->msg;

	/* Only offers and rescinds are queued here. */
	if (hdr->msgtype == CHANNELMSG_OFFERCHANNEL)
		vmbus_process_offer((void *)mw->msg);
	else
		vmbus_process_rescind(((struct vmbus_channel_rescind_offer *)
				       mw->msg)->child_relid);
	kfree(mw);
}

/**
 * vmbus_onoffer_msg() - a channel message from the host
 * @hdr: private copy of the message
 * @size: its size, 8..240
 *
 * Context: message tasklet.  Invalid messages are logged and dropped.
 */
void vmbus_onoffer_msg(const struct vmbus_channel_message_header *hdr, u32 size)
{
	struct vmbus_msg_work *mw;
	u32 type = hdr->msgtype;

	if (type >= CHANNELMSG_COUNT || !vmbus_msg_min_size[type]) {
		pr_err_ratelimited("unexpected channel message type %u dropped\n",
				   type);
		return;
	}
	if (size < vmbus_msg_min_size[type]) {
		pr_err_ratelimited("channel message %u truncated (%u < %u) dropped\n",
				   type, size, vmbus_msg_min_size[type]);
		return;
	}
	switch (type) {
	case CHANNELMSG_ALLOFFERS_DELIVERED:
		break;		/* offers are probed as they come */
	case CHANNELMSG_OFFERCHANNEL:
	case CHANNELMSG_RESCIND_CHANNELOFFER:
		mw = kzalloc(sizeof(*mw), GFP_ATOMIC);
		if (!mw)
			return;
		INIT_WORK(&mw->work, vmbus_msg_work_fn);
		mw->size = size;
		memcpy(mw->msg, hdr, size);
		queue_work(vmbus_offer_wq, &mw->work);
		break;
	default:
		if (vmbus_complete_waiter(hdr, size))
			break;
		/*
		 * An answer whose waiter a rescind woke (the host may still
		 * answer a closed, rescinded sub-channel's GPADL teardown, as
		 * Hyper-V does) is expected; anything else is not.
		 */
		if (type == CHANNELMSG_GPADL_TORNDOWN ||
		    type == CHANNELMSG_GPADL_CREATED ||
		    type == CHANNELMSG_OPENCHANNEL_RESULT)
			pr_debug("late channel message %u dropped\n", type);
		else
			pr_err_ratelimited("unsolicited channel message %u dropped\n",
					   type);
		break;
	}
}

/*
 * Free the rings of a closed channel unless it was rescinded: then they go
 * when the channel is released.  Under vmbus_channel_mutex, which the
 * rescind holds to set channel->rescind and to release, so that the two
 * never both free them (a host may rescind a channel right after its
 * close, as Hyper-V does with closed sub-channels).
 */
static void vmbus_free_ring_unless_rescinded(struct vmbus_channel *channel)
{
	lockdep_assert_held(&vmbus_channel_mutex);
	if (!READ_ONCE(channel->rescind))
		vmbus_free_ring(channel);
}

/* Close one channel and release it if it was rescinded meanwhile. */
static int vmbus_close_one(struct vmbus_channel *channel, bool free_ring)
{
	int ret = vmbus_channel_close_one(channel);

	mutex_lock(&vmbus_channel_mutex);
	if (!ret && free_ring)
		vmbus_free_ring_unless_rescinded(channel);
	vmbus_channel_try_release(channel);
	mutex_unlock(&vmbus_channel_mutex);
	return ret;
}

static struct vmbus_channel *vmbus_next_open_subchannel(struct vmbus_channel *primary)
{
	struct vmbus_channel *sc;

	mutex_lock(&vmbus_channel_mutex);
	list_for_each_entry(sc, &primary->sc_list, sc_list) {
		if (sc->state != CHANNEL_OFFER_STATE) {
			kobject_get(&sc->kobj);
			mutex_unlock(&vmbus_channel_mutex);
			return sc;
		}
	}
	mutex_unlock(&vmbus_channel_mutex);
	return NULL;
}

/**
 * vmbus_open() - allocate a channel's rings and open it
 * @channel: channel in the offered state
 * @send_ringbuffersize: guest-to-host ring bytes, page multiple
 * @recv_ringbuffersize: host-to-guest ring bytes, page multiple
 * @userdata: device-specific open parameters, or NULL
 * @userdatalen: at most MAX_USER_DEFINED_BYTES
 * @onchannel_callback: called when the host signals the channel
 * @context: its argument
 *
 * Context: process; sleeps until the host answers.
 * Return: 0; -EINVAL; -ENOMEM; -ENODEV if the channel was rescinded; -EIO
 * if the host refused.  On error nothing is left allocated (a rescinded
 * channel's rings are freed when its relid is released).
 */
int vmbus_open(struct vmbus_channel *channel, u32 send_ringbuffersize,
	       u32 recv_ringbuffersize, void *userdata, u32 userdatalen,
	       void (*onchannel_callback)(void *context), void *context)
{
	int ret;

	ret = vmbus_alloc_ring(channel, send_ringbuffersize, recv_ringbuffersize);
	if (ret)
		return ret;
	kobject_get(&channel->kobj);
	ret = vmbus_channel_open_rings(channel, onchannel_callback, context,
				       userdata, userdatalen);
	if (ret) {
		mutex_lock(&vmbus_channel_mutex);
		vmbus_free_ring_unless_rescinded(channel);
		/* The rescind may have found the channel still opening. */
		vmbus_channel_try_release(channel);
		mutex_unlock(&vmbus_channel_mutex);
	}
	vmbus_channel_put(channel);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_open);

/**
 * vmbus_disconnect_ring() - close a channel, keeping its rings
 * @channel: channel; for a primary, its open sub-channels are closed (and
 *	their rings freed) first
 *
 * Return: 0, or an error when the host may still use the rings.
 */
int vmbus_disconnect_ring(struct vmbus_channel *channel)
{
	struct vmbus_channel *sc;

	if (!channel->primary_channel) {
		while ((sc = vmbus_next_open_subchannel(channel))) {
			vmbus_close_one(sc, true);
			vmbus_channel_put(sc);
		}
	}
	return vmbus_close_one(channel, false);
}
EXPORT_SYMBOL_GPL(vmbus_disconnect_ring);

/**
 * vmbus_close() - close a channel and free its rings
 * @channel: channel; closing a primary closes its sub-channels too
 *
 * Context: process.  If the host cannot be made to let go of the rings,
 * they are leaked rather than freed.
 */
void vmbus_close(struct vmbus_channel *channel)
{
	kobject_get(&channel->kobj);
	if (!vmbus_disconnect_ring(channel)) {
		mutex_lock(&vmbus_channel_mutex);
		vmbus_free_ring_unless_rescinded(channel);
		mutex_unlock(&vmbus_channel_mutex);
	}
	vmbus_channel_put(channel);
}
EXPORT_SYMBOL_GPL(vmbus_close);

/**
 * vmbus_offers_remove_all() - remove every device before unloading
 *
 * New offers are ignored from now on; drivers close their channels.
 */
void vmbus_offers_remove_all(void)
{
	struct vmbus_channel *channel;
	bool found;

	mutex_lock(&vmbus_channel_mutex);
	vmbus_offers_closing = true;
	mutex_unlock(&vmbus_channel_mutex);
	/* The host may still send: messages queued from now on are ignored. */
	flush_workqueue(vmbus_offer_wq);
	flush_workqueue(vmbus_probe_wq);
	flush_workqueue(vmbus_subchan_wq);

	/* Restart the walk each time: the list changes while unlocked. */
	do {
		found = false;
		mutex_lock(&vmbus_channel_mutex);
		list_for_each_entry(channel, &vmbus_primaries, listentry) {
			if (channel->probe_done) {
				kobject_get(&channel->kobj);
				found = true;
				break;
			}
		}
		mutex_unlock(&vmbus_channel_mutex);
		if (found) {
			vmbus_device_remove(channel);
			vmbus_channel_put(channel);
		}
	} while (found);
}

/**
 * vmbus_offers_free_all() - forget every channel after unload
 *
 * Context: the connection is unloaded and the SynIC stopped; nothing is
 * sent to the host.
 */
void vmbus_offers_free_all(void)
{
	struct vmbus_channel *channel, *tmp, *sc, *sctmp;

	/* No message arrives any more; let the late ones finish. */
	flush_workqueue(vmbus_offer_wq);
	flush_workqueue(vmbus_probe_wq);
	flush_workqueue(vmbus_subchan_wq);
	mutex_lock(&vmbus_channel_mutex);
	list_for_each_entry_safe(channel, tmp, &vmbus_primaries, listentry) {
		list_for_each_entry_safe(sc, sctmp, &channel->sc_list, sc_list) {
			vmbus_channel_close_one(sc);
			vmbus_channel_release(sc, false);
		}
		vmbus_channel_close_one(channel);
		vmbus_channel_release(channel, false);
	}
	vmbus_offers_closing = false;
	mutex_unlock(&vmbus_channel_mutex);
	synchronize_rcu();
}

/**
 * vmbus_offers_init() - create the channel management work queues
 *
 * Return: 0 or -ENOMEM.
 */
int vmbus_offers_init(void)
{
	vmbus_offer_wq = alloc_ordered_workqueue("vmbus_offers", 0);
	vmbus_probe_wq = alloc_workqueue("vmbus_probe", 0, 0);
	vmbus_subchan_wq = alloc_workqueue("vmbus_subchan", 0, 0);
	if (!vmbus_offer_wq || !vmbus_probe_wq || !vmbus_subchan_wq) {
		vmbus_offers_exit();
		return -ENOMEM;
	}
	return 0;
}

/**
 * vmbus_offers_exit() - destroy the channel management work queues
 */
void vmbus_offers_exit(void)
{
	if (vmbus_offer_wq)
		destroy_workqueue(vmbus_offer_wq);
	if (vmbus_probe_wq)
		destroy_workqueue(vmbus_probe_wq);
	if (vmbus_subchan_wq)
		destroy_workqueue(vmbus_subchan_wq);
}

/**
 * vmbus_cpu_has_channels() - must @cpu stay online for VMBus?
 * @cpu: CPU about to go offline
 *
 * Return: true if it receives channel messages or an open channel's
 * interrupts (a channel cannot be moved below protocol 4.1).
 */
bool vmbus_cpu_has_channels(unsigned int cpu)
{
	struct vmbus_channel *channel, *sc;
	bool busy = vmbus_conn.version && cpu == vmbus_conn.msg_cpu;

	mutex_lock(&vmbus_channel_mutex);
	list_for_each_entry(channel, &vmbus_primaries, listentry) {
		busy |= channel->state != CHANNEL_OFFER_STATE &&
			channel->target_cpu == cpu;
		list_for_each_entry(sc, &channel->sc_list, sc_list)
			busy |= sc->state != CHANNEL_OFFER_STATE &&
				sc->target_cpu == cpu;
	}
	mutex_unlock(&vmbus_channel_mutex);
	return busy;
}

/**
 * vmbus_onevent() - the host signalled a relid
 * @relid: 1..VMBUS_MAX_RELID
 *
 * Context: hardirq.
 */
void vmbus_onevent(u32 relid)
{
	struct vmbus_channel *channel;

	rcu_read_lock();
	channel = vmbus_relid_to_channel(relid);
	if (channel)
		vmbus_channel_dispatch(channel);
	else
		pr_err_ratelimited("event for unknown relid %u\n", relid);
	rcu_read_unlock();
}
