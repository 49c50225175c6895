// SPDX-License-Identifier: GPL-2.0
/*
 * Devices and offers of the simulated host (vmbus.md 3, host.md 5.4), and
 * the debugfs requests about them.
 *
 * A device (kind + index) lives from module load (or a hot add) until it
 * is rescinded, and is offered as a primary channel at every REQUESTOFFERS
 * (at once when hot-added later).  Its back end may ask for sub-channels
 * (sim_server_offer_subchannels()): offers with the same if_type and
 * if_instance, sub_channel_index 1..n, each with its own relid,
 * connection ID, GPADLs, rings, target VP and channel work.  Sub-channels
 * belong to the connection: UNLOAD or a new INITIATE_CONTACT drops them,
 * and only the primaries are offered again.  As on Hyper-V, a sub-channel
 * the guest closes is rescinded at once (a driver that attaches again asks
 * for new ones): a device's limit counts its live sub-channels, and a new
 * sub-channel takes the lowest sub_channel_index no live one has, so the
 * guest sees indexes 1..n after every request.
 *
 * The back end asks from its channel work, which must not take
 * sim_srv.lock (the server holds it while it waits for channel works to
 * stop).  So the request only reserves sub-channels under
 * sim_srv.chan_lock and queues sim_offer_sub_work on the ordered message
 * workqueue, which offers them under sim_srv.lock, in order with the
 * guest's messages.
 *
 * Rescinding a primary rescinds its sub-channels first (one RESCIND each,
 * then the primary's).  Every relid is freed when the guest releases it
 * (RELID_RELEASED), or on UNLOAD / reconnect.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include "sim.h"

/*
 * Device kinds the host implements; a new back end adds one line.  The
 * position is part of the instance GUIDs: append only.
 */
static const struct sim_dev_kind *const sim_offer_kinds[] = {
	&sim_ic_heartbeat,
	&sim_ic_shutdown,
	&sim_echo,
	&sim_scsi,
	&sim_nic,
};

/* Devices offered when the "devices" parameter is empty. */
static const char sim_offer_default_devices[] = "heartbeat,shutdown";

/* Devices added so far per kind: the next index.  Under sim_srv.lock. */
static unsigned int sim_offer_kind_count[ARRAY_SIZE(sim_offer_kinds)];

/*
 * Offers the sub-channels reserved by sim_server_offer_subchannels().
 * On sim_srv.msg_wq; queued under sim_srv.chan_lock while
 * !sim_offer_closing only.
 */
static struct work_struct sim_offer_sub_work;
static bool sim_offer_closing;		/* under sim_srv.chan_lock */

static int sim_offer_kind_id(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_offer_kinds); i++)
		if (sysfs_streq(name, sim_offer_kinds[i]->name))
			return i;
	return -EINVAL;
}

static void sim_offer_dev_free(struct sim_dev *dev)
{
	if (dev->kind->dev_exit)
		dev->kind->dev_exit(dev->priv);
	kfree(dev->priv);
	kfree(dev);
}

static struct sim_dev *sim_offer_dev_add(unsigned int kind_id)
{
	const struct sim_dev_kind *kind = sim_offer_kinds[kind_id];
	unsigned int index = sim_offer_kind_count[kind_id];
	struct sim_dev *dev;
	int ret;

	lockdep_assert_held(&sim_srv.lock);
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	if (kind->dev_priv_size) {
		dev->priv = kzalloc(kind->dev_priv_size, GFP_KERNEL);
		if (!dev->priv) {
			kfree(dev);
			return ERR_PTR(-ENOMEM);
		}
	}
	if (kind->dev_init) {
		ret = kind->dev_init(dev->priv, index);
		if (ret) {
			kfree(dev->priv);
			kfree(dev);
			return ERR_PTR(ret);
		}
	}
	dev->kind = kind;
	dev->index = index;
	/* Fixed derivation: the same devices get the same GUIDs each run. */
	dev->instance = GUID_INIT(0x5653494d, kind_id, index, 0x80, 0x00,
				  0x56, 0x4d, 0x42, 0x55, 0x53, 0x00);
	sim_offer_kind_count[kind_id]++;
	list_add_tail(&dev->node, &sim_srv.devs);
	return dev;
}

/* The lowest sub_channel_index no live sub-channel of @primary has. */
static u16 sim_offer_free_subindex(struct sim_chan *primary)
{
	DECLARE_BITMAP(used, SIM_MAX_SUBCHANNELS + 1) = { 1 };	/* 0: primary */
	struct sim_chan *sub;

	list_for_each_entry(sub, &primary->subs, sub_node)
		if (!sub->rescinded)
			__set_bit(sub->subindex, used);
	/* subs_granted <= SIM_MAX_SUBCHANNELS counts these and the new one. */
	return find_first_zero_bit(used, SIM_MAX_SUBCHANNELS + 1);
}

/* Into primary->subs in index order, after the rescinded ones of its index. */
static void sim_offer_link_sub(struct sim_chan *primary, struct sim_chan *sub)
{
	struct sim_chan *pos;

	list_for_each_entry(pos, &primary->subs, sub_node) {
		if (pos->subindex > sub->subindex) {
			list_add_tail(&sub->sub_node, &pos->sub_node);
			return;
		}
	}
	list_add_tail(&sub->sub_node, &primary->subs);
}

/*
 * A new channel of @kind with the lowest free relid, offered to the
 * guest: a primary (@primary NULL) or the next sub-channel of @primary.
 */
static struct sim_chan *sim_offer_new(const struct sim_dev_kind *kind,
				      const guid_t *instance,
				      struct sim_chan *primary)
{
	struct vmbus_channel_offer_channel offer = {
		.header.msgtype = CHANNELMSG_OFFERCHANNEL,
	};
	struct sim_chan *chan;
	unsigned long flags;
	u32 relid;

	lockdep_assert_held(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++)
		if (!sim_srv.chans[relid])
			break;
	if (relid > VMBUS_MAX_RELID)
		return ERR_PTR(-ENOSPC);

	chan = kzalloc(sizeof(*chan), GFP_KERNEL);
	if (!chan)
		return ERR_PTR(-ENOMEM);
	chan->priv = kzalloc(kind->priv_size, GFP_KERNEL);
	if (!chan->priv) {
		kfree(chan);
		return ERR_PTR(-ENOMEM);
	}
	chan->relid = relid;
	chan->kind = kind;
	chan->instance = *instance;
	INIT_LIST_HEAD(&chan->gpadls);
	INIT_LIST_HEAD(&chan->subs);
	INIT_LIST_HEAD(&chan->sub_node);
	INIT_WORK(&chan->work, sim_chan_work);
	if (primary) {
		chan->subindex = sim_offer_free_subindex(primary);
		sim_offer_link_sub(primary, chan);
		chan->dev_priv = primary->dev_priv;
	}
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	chan->primary = primary;
	sim_srv.chans[relid] = chan;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);

	offer.offer.if_type = kind->id.guid;
	offer.offer.if_instance = *instance;
	offer.offer.sub_channel_index = chan->subindex;
	offer.child_relid = relid;
	offer.monitorid = VMBUS_MONITOR_ID_NONE;
	offer.monitor_allocated = 0;
	offer.is_dedicated_interrupt = 1;
	offer.connection_id = SIM_CHAN_CONN_BASE | relid;
	sim_server_send(&offer, sizeof(offer));
	return chan;
}

/**
 * sim_offer_primary() - offer a device's primary channel
 * @dev: device, not offered in this connection
 *
 * sim_srv.lock held.
 *
 * Return: 0, -ENOSPC (no relid) or -ENOMEM.
 */
int sim_offer_primary(struct sim_dev *dev)
{
	struct sim_chan *chan;

	chan = sim_offer_new(dev->kind, &dev->instance, NULL);
	if (IS_ERR(chan))
		return PTR_ERR(chan);
	chan->dev = dev;
	chan->dev_priv = dev->priv;
	dev->chan = chan;
	return 0;
}

/**
 * sim_offer_destroy() - drop a channel and everything of it
 * @chan: channel; a primary's sub-channels stay (detached)
 *
 * sim_srv.lock held.
 */
void sim_offer_destroy(struct sim_chan *chan)
{
	struct sim_chan *sub, *tmp;
	unsigned long flags;

	lockdep_assert_held(&sim_srv.lock);
	sim_chan_stop(chan);
	sim_chan_unmap(chan);
	sim_gpadl_free_relid(&chan->gpadls, chan->relid);
	sim_gpadl_free_relid(&sim_srv.gpadl_pending, chan->relid);
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	sim_srv.chans[chan->relid] = NULL;
	list_del(&chan->sub_node);
	chan->primary = NULL;
	list_for_each_entry_safe(sub, tmp, &chan->subs, sub_node) {
		list_del_init(&sub->sub_node);
		sub->primary = NULL;
	}
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	if (chan->dev)
		chan->dev->chan = NULL;
	kfree(chan->priv);
	kfree(chan);
}

/* Offer the sub-channels the back ends reserved. */
static void sim_offer_subs(struct work_struct *work)
{
	struct sim_chan *chan, *sub;
	unsigned int count;
	unsigned long flags;
	u32 relid;

	mutex_lock(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++) {
		chan = sim_srv.chans[relid];
		if (!chan || chan->subindex)
			continue;
		spin_lock_irqsave(&sim_srv.chan_lock, flags);
		count = chan->subs_pending;
		chan->subs_pending = 0;
		spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
		/* After a rescind the device gets no new offers. */
		while (count-- && !chan->rescinded) {
			if (WARN_ON_ONCE(sim_offer_free_subindex(chan) >
					 SIM_MAX_SUBCHANNELS))
				break;
			sub = sim_offer_new(chan->kind, &chan->instance, chan);
			if (IS_ERR(sub)) {
				pr_err("channel %u: sub-channel not offered (%ld)\n",
				       relid, PTR_ERR(sub));
				break;
			}
		}
	}
	mutex_unlock(&sim_srv.lock);
}

/**
 * sim_server_offer_subchannels() - offer sub-channels of a device
 * @chan: a running channel of the device (primary or sub-channel: the
 *	sub-channels are always the primary's)
 * @count: sub-channels wanted
 *
 * Process context, from the back end's rx or poll (the channel work) or
 * anywhere else while the channel runs; takes only sim_srv.chan_lock.
 * The offers follow asynchronously, in index order, from the server's
 * ordered workqueue: the back end's reply may reach the guest before
 * them.  A device has at most SIM_MAX_SUBCHANNELS live sub-channels
 * (offered or open, not rescinded; a closed one is rescinded).
 *
 * Return: the sub-channels granted (0 if the channel does not run, its
 * primary is gone, or the device has all it may have).
 */
unsigned int sim_server_offer_subchannels(struct sim_chan *chan,
					  unsigned int count)
{
	unsigned int granted = 0;
	struct sim_chan *primary;
	unsigned long flags;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	primary = chan->subindex ? chan->primary : chan;
	if (primary && chan->running && !sim_offer_closing) {
		granted = min(count, SIM_MAX_SUBCHANNELS - primary->subs_granted);
		primary->subs_granted += granted;
		primary->subs_pending += granted;
		if (granted)
			queue_work(sim_srv.msg_wq, &sim_offer_sub_work);
	}
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	return granted;
}

/* ------------------------------------------------------------------ */
/* Control from debugfs (sim_main.c)                                   */

/**
 * sim_server_hot_add() - add a device; offer it now if offers were sent
 * @kind: device kind name
 *
 * Process context.
 *
 * Return: 0, -EINVAL for an unknown kind, -ENOMEM, -ENOSPC, or the
 * error of the back end's dev_init.
 */
int sim_server_hot_add(const char *kind)
{
	int id = sim_offer_kind_id(kind), ret = 0;
	struct sim_dev *dev;

	if (id < 0)
		return id;
	mutex_lock(&sim_srv.lock);
	dev = sim_offer_dev_add(id);
	if (IS_ERR(dev))
		ret = PTR_ERR(dev);
	else if (sim_srv.offers_requested)
		ret = sim_offer_primary(dev);
	mutex_unlock(&sim_srv.lock);
	return ret;
}

static void sim_offer_rescind_one(struct sim_chan *chan)
{
	struct vmbus_channel_rescind_offer msg = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = chan->relid,
	};
	unsigned long flags;

	sim_server_send(&msg, sizeof(msg));
	chan->rescinded = true;
	sim_chan_stop(chan);
	/* A rescinded sub-channel no longer counts against the limit. */
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	if (chan->subindex && chan->primary &&
	    !WARN_ON_ONCE(!chan->primary->subs_granted))
		chan->primary->subs_granted--;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
}

/**
 * sim_offer_rescind_closed() - the guest closed a sub-channel: rescind it
 * @chan: channel the guest just closed (stopped, rings unmapped)
 *
 * sim_srv.lock held.  Hyper-V rescinds a closed sub-channel (the guest
 * then releases its relid); a primary stays offered.
 */
void sim_offer_rescind_closed(struct sim_chan *chan)
{
	lockdep_assert_held(&sim_srv.lock);
	if (!chan->subindex || chan->rescinded)
		return;
	sim_trace_note("sub-channel %u (index %u) closed: rescinded",
		       chan->relid, chan->subindex);
	sim_offer_rescind_one(chan);
}

/**
 * sim_server_rescind() - withdraw an offer (hot remove)
 * @relid: channel; a primary takes its sub-channels with it (rescinded
 *	first), a sub-channel goes alone
 *
 * Process context, any time.  A rescinded primary's device is gone for
 * good; each channel stays until the guest sends RELID_RELEASED for it.
 *
 * Return: 0 or -ENOENT.
 */
int sim_server_rescind(u32 relid)
{
	struct sim_chan *chan = NULL, *sub;
	int ret = -ENOENT;

	mutex_lock(&sim_srv.lock);
	if (relid && relid <= VMBUS_MAX_RELID)
		chan = sim_srv.chans[relid];
	if (chan && !chan->rescinded) {
		list_for_each_entry(sub, &chan->subs, sub_node)
			if (!sub->rescinded)
				sim_offer_rescind_one(sub);
		sim_offer_rescind_one(chan);
		if (chan->dev) {
			/* No channel of the device runs: its state goes. */
			list_for_each_entry(sub, &chan->subs, sub_node)
				sub->dev_priv = NULL;
			chan->dev_priv = NULL;
			list_del(&chan->dev->node);
			sim_offer_dev_free(chan->dev);
			chan->dev = NULL;
		}
		ret = 0;
	}
	mutex_unlock(&sim_srv.lock);
	return ret;
}

/**
 * sim_server_action() - pass a debugfs request to a device back end
 * @kind: device kind name
 * @verb: request, interpreted by the back end
 *
 * Process context.  Goes to the primary channel of the first device of
 * @kind that is offered.
 *
 * Return: the back end's result, or -ENODEV when no
 * offered device of @kind takes requests.
 */
int sim_server_action(const char *kind, const char *verb)
{
	int ret = -ENODEV;
	u32 relid;

	mutex_lock(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++) {
		struct sim_chan *chan = sim_srv.chans[relid];

		if (chan && !chan->rescinded && !chan->subindex &&
		    chan->kind->action && !strcmp(chan->kind->name, kind)) {
			ret = chan->kind->action(chan, verb);
			break;
		}
	}
	mutex_unlock(&sim_srv.lock);
	return ret;
}

static const char *sim_offer_state(const struct sim_chan *chan)
{
	if (chan->rescinded)
		return chan->state == SIM_CHAN_OPEN ? "rescinded-open" :
						       "rescinded";
	if (chan->state != SIM_CHAN_OPEN)
		return "offered";
	return chan->broken ? "broken" : "open";
}

/*
 * debugfs "offers":
 * "<relid> <kind> <class> <instance> <state> <sub_channel_index>"
 */
void sim_server_show_offers(struct seq_file *m)
{
	u32 relid;

	mutex_lock(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++) {
		struct sim_chan *chan = sim_srv.chans[relid];

		if (chan)
			seq_printf(m, "%u %s %pUl %pUl %s %u\n", relid,
				   chan->kind->name, &chan->kind->id.guid,
				   &chan->instance, sim_offer_state(chan),
				   chan->subindex);
	}
	mutex_unlock(&sim_srv.lock);
}

/* debugfs "ic", "echo": one line per channel of the group. */
void sim_server_show_devices(struct seq_file *m, const char *group)
{
	u32 relid;

	mutex_lock(&sim_srv.lock);
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++) {
		struct sim_chan *chan = sim_srv.chans[relid];

		if (chan && chan->kind->show && chan->kind->group &&
		    !strcmp(chan->kind->group, group))
			chan->kind->show(m, chan);
	}
	mutex_unlock(&sim_srv.lock);
}

/**
 * sim_server_visit_devs() - visit the devices of a kind
 * @kind: device kind
 * @index: only the device with this index among those of @kind (the N
 *	of a debugfs "scsiN"), or -1 for all of them, in creation order
 * @fn: called with sim_srv.lock held for each device, with its state,
 *	index and primary channel (struct sim_dev_ref).  Its channels are
 *	sim_server_next_chan(); kicks (sim_chan_kick()) are fine, but it
 *	must not send.  A non-zero return ends the walk.
 * @arg: passed to @fn in the struct sim_dev_ref
 *
 * Process context.  For debugfs readers and writers of a back end.
 *
 * Return: -ENODEV when no device matched, else the last result of @fn.
 */
int sim_server_visit_devs(const struct sim_dev_kind *kind, int index,
			  int (*fn)(const struct sim_dev_ref *ref), void *arg)
{
	struct sim_dev_ref ref = { .arg = arg };
	struct sim_dev *dev;
	int ret = -ENODEV;

	mutex_lock(&sim_srv.lock);
	list_for_each_entry(dev, &sim_srv.devs, node) {
		if (dev->kind != kind || (index >= 0 && dev->index != index))
			continue;
		ref.priv = dev->priv;
		ref.index = dev->index;
		ref.primary = dev->chan;
		ret = fn(&ref);
		if (ret)
			break;
	}
	mutex_unlock(&sim_srv.lock);
	return ret;
}

/**
 * sim_server_next_chan() - walk the channels of a device
 * @primary: the device's primary channel
 * @prev: NULL to start, else the channel returned last
 *
 * sim_srv.lock held (from the callback of sim_server_visit_devs()).
 *
 * Return: @primary first, then its sub-channels in index order, then
 * NULL.
 */
struct sim_chan *sim_server_next_chan(struct sim_chan *primary,
				      struct sim_chan *prev)
{
	lockdep_assert_held(&sim_srv.lock);
	if (!prev)
		return primary;
	if (prev == primary)
		return list_first_entry_or_null(&primary->subs,
						struct sim_chan, sub_node);
	if (list_is_last(&prev->sub_node, &primary->subs))
		return NULL;
	return list_next_entry(prev, sub_node);
}

/* ------------------------------------------------------------------ */

static void sim_offer_free_devices(void)
{
	struct sim_dev *dev, *tmp;

	list_for_each_entry_safe(dev, tmp, &sim_srv.devs, node) {
		list_del(&dev->node);
		sim_offer_dev_free(dev);
	}
}

/**
 * sim_offer_init() - create the devices offered at connect
 * @devices: comma-separated device kinds, empty for heartbeat,shutdown
 *
 * Process context, before the core connects.
 *
 * Return: 0, -EINVAL for an unknown kind, -ENOMEM, or the error of a
 * back end's dev_init.
 */
int sim_offer_init(const char *devices)
{
	char *list, *cur, *name;
	struct sim_dev *dev;
	int ret = 0, id;

	INIT_WORK(&sim_offer_sub_work, sim_offer_subs);
	sim_offer_closing = false;
	list = kstrdup(devices && *devices ? devices :
		       sim_offer_default_devices, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	mutex_lock(&sim_srv.lock);
	cur = list;
	while ((name = strsep(&cur, ",")) != NULL) {
		name = strim(name);
		if (!*name)
			continue;
		id = sim_offer_kind_id(name);
		if (id < 0) {
			pr_err("unknown device kind '%s'\n", name);
			ret = -EINVAL;
			break;
		}
		dev = sim_offer_dev_add(id);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			break;
		}
	}
	if (ret)
		sim_offer_free_devices();
	mutex_unlock(&sim_srv.lock);
	kfree(list);
	return ret;
}

/**
 * sim_offer_stop() - no more sub-channel requests
 *
 * Before sim_srv.msg_wq goes: requests from channel works still running
 * are refused from now on.
 */
void sim_offer_stop(void)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	sim_offer_closing = true;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
}

/* After the connection is gone: free the devices.  sim_srv.lock held. */
void sim_offer_exit(void)
{
	lockdep_assert_held(&sim_srv.lock);
	sim_offer_free_devices();
}
