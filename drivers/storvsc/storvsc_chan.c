// SPDX-License-Identifier: GPL-2.0
/*
 * The controller's channels: control requests and their replies, the VSTOR
 * handshake on the primary channel, sub-channels, and which channel each
 * CPU submits on (../shared/spec/storvsc.md sections 9, 10, 11).
 *
 * Contexts: the handshake and sub-channel setup run in probe; sub-channel
 * offers arrive in the VMBus core's work queue; replies in the channel
 * callback (softirq).  Locking rules are in storvsc.h next to the data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include "storvsc.h"

/* Each handshake step; the host usually answers at once. */
#define STORVSC_CTL_TIMEOUT	(30 * HZ)
/* Offers of the sub-channels asked for. */
#define STORVSC_SUBCH_TIMEOUT	(10 * HZ)

/* Newest first: a host refusing one is asked for the next. */
static const u16 storvsc_versions[] = {
	VSTOR_VERSION_WIN10,
	VSTOR_VERSION_WIN8_1,
	VSTOR_VERSION_WIN8,
	VSTOR_VERSION_WIN7,
	VSTOR_VERSION_WIN6,
};

/**
 * storvsc_chan_on_reply() - the host answered a control request
 * @h: host
 * @ctl: the control request the ID names
 * @pkt: zero-padded copy of the reply
 * @len: bytes the host sent
 *
 * Context: channel callback.  A reply nobody waits for is dropped.
 */
void storvsc_chan_on_reply(struct storvsc_host *h, struct storvsc_ctl *ctl,
			   const struct vstor_packet *pkt, u32 len)
{
	if (!atomic_xchg(&ctl->armed, 0)) {
		dev_warn_ratelimited(&h->hdev->device,
				     "unexpected control reply dropped\n");
		return;
	}
	ctl->reply = *pkt;
	ctl->len = len;
	complete(&ctl->done);
}

/**
 * storvsc_chan_request() - send a control request and wait for its reply
 * @h: host
 * @ctl: &h->init or &h->reset, not in use
 * @pkt: the request
 * @len: bytes of it to send
 * @id: STORVSC_ID_INIT or STORVSC_ID_RESET
 * @timeout: longest wait, in jiffies
 *
 * Context: process, sleeps.
 * Return: 0 with a well-formed COMPLETE_IO reply in @ctl->reply (its
 * status is the caller's to judge); -ETIMEDOUT; -ENODEV if the channel
 * was rescinded; -EMSGSIZE or -EPROTO for a malformed reply; an error of
 * vmbus_sendpacket().
 */
int storvsc_chan_request(struct storvsc_host *h, struct storvsc_ctl *ctl,
			 struct vstor_packet *pkt, u32 len, u64 id,
			 unsigned long timeout)
{
	struct vmbus_channel *channel = h->hdev->channel;
	unsigned long deadline = jiffies + timeout;
	int ret;

	reinit_completion(&ctl->done);
	atomic_set(&ctl->armed, 1);
	ret = vmbus_sendpacket(channel, pkt, len, id, VM_PKT_DATA_INBAND,
			       VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	if (ret)
		goto disarm;
	/* In slices: a rescinded channel will never answer. */
	while (!wait_for_completion_timeout(&ctl->done, HZ)) {
		if (READ_ONCE(channel->rescind))
			ret = -ENODEV;
		else if (time_after(jiffies, deadline))
			ret = -ETIMEDOUT;
		if (ret)
			goto disarm;
	}
	return storvsc_check_packet(&ctl->reply, ctl->len, id, h->version);

disarm:
	/* The reply may have come just now: then it is ours after all. */
	if (!atomic_xchg(&ctl->armed, 0)) {
		wait_for_completion(&ctl->done);
		return storvsc_check_packet(&ctl->reply, ctl->len, id,
					    h->version);
	}
	return ret;
}

/* One handshake step; returns the host's status in *status. */
static int storvsc_chan_step(struct storvsc_host *h, struct vstor_packet *pkt,
			     u32 op, u32 len, u32 *status)
{
	int ret;

	pkt->operation = op;
	pkt->flags = VSTOR_FLAG_REQUEST_COMPLETION;
	pkt->status = 0;
	ret = storvsc_chan_request(h, &h->init, pkt, len, STORVSC_ID_INIT,
				   STORVSC_CTL_TIMEOUT);
	if (ret) {
		dev_err(&h->hdev->device, "VSTOR operation %u failed (%d)\n",
			op, ret);
		return ret;
	}
	*status = h->init.reply.status;
	return 0;
}

/* Until a version is agreed, requests are of the newest size. */
static u32 storvsc_chan_pkt_len(const struct storvsc_host *h)
{
	return h->version ? vstor_pkt_size(h->version) : VSTOR_PKT_SIZE;
}

/* A step where anything but success fails the handshake. */
static int storvsc_chan_step_ok(struct storvsc_host *h,
				struct vstor_packet *pkt, u32 op)
{
	u32 status;
	int ret;

	ret = storvsc_chan_step(h, pkt, op, storvsc_chan_pkt_len(h), &status);
	if (ret)
		return ret;
	if (status) {
		dev_err(&h->hdev->device,
			"VSTOR operation %u refused: status %#x\n", op, status);
		return -EIO;
	}
	return 0;
}

static int storvsc_chan_negotiate(struct storvsc_host *h)
{
	struct vstor_packet pkt;
	unsigned int i;
	u32 status;
	u16 v;
	int ret;

	for (i = 0; i < ARRAY_SIZE(storvsc_versions); i++) {
		v = storvsc_versions[i];
		memset(&pkt, 0, sizeof(pkt));
		pkt.version.major_minor = v;
		/* A host of the version reads a packet of its size. */
		ret = storvsc_chan_step(h, &pkt, VSTOR_OP_QUERY_VERSION,
					vstor_pkt_size(v), &status);
		if (ret)
			return ret;
		if (!status) {
			h->version = v;
			return 0;
		}
		dev_dbg(&h->hdev->device, "VSTOR %u.%u refused: %#x\n",
			v >> 8, v & 0xff, status);
	}
	dev_err(&h->hdev->device, "host speaks no VSTOR version from 2.0 to 6.2\n");
	return -EPROTONOSUPPORT;
}

/**
 * storvsc_chan_connect() - the VSTOR handshake on the open primary channel
 * @h: host
 *
 * BEGIN_INITIALIZATION, the newest version the host accepts, its channel
 * properties, END_INITIALIZATION.  Until a version is agreed requests are
 * 64 bytes, except a query for an older version, which is of that
 * version's size.
 *
 * Context: probe.
 * Return: 0 with h->version and the properties set, or -errno.
 */
int storvsc_chan_connect(struct storvsc_host *h)
{
	const struct vstor_channel_properties *props = &h->init.reply.props;
	struct vstor_packet pkt = {};
	int ret;

	ret = storvsc_chan_step_ok(h, &pkt, VSTOR_OP_BEGIN_INIT);
	if (ret)
		return ret;
	ret = storvsc_chan_negotiate(h);
	if (ret)
		return ret;
	memset(&pkt, 0, sizeof(pkt));
	ret = storvsc_chan_step_ok(h, &pkt, VSTOR_OP_QUERY_PROPERTIES);
	if (ret)
		return ret;
	h->host_max_subch = props->max_channel_cnt;
	h->host_flags = props->flags;
	h->max_transfer = props->max_transfer_bytes;
	memset(&pkt, 0, sizeof(pkt));
	return storvsc_chan_step_ok(h, &pkt, VSTOR_OP_END_INIT);
}

/* Re-derive every CPU's channel from the open channels and publish it. */
static int storvsc_chan_publish(struct storvsc_host *h)
{
	struct storvsc_map *map, *old;
	struct storvsc_chan *c;
	unsigned int cpu, i;

	lockdep_assert_held(&h->chan_lock);
	map = kzalloc(struct_size(map, chan, nr_cpu_ids), GFP_KERNEL);
	if (!map)
		return -ENOMEM;	/* the old map stays valid */
	for_each_possible_cpu(cpu) {
		/* Prefer the channel that interrupts this CPU ... */
		c = NULL;
		for (i = 0; i < h->nchans && !c; i++)
			if (h->chans[i].channel->target_cpu == cpu)
				c = &h->chans[i];
		/* ... else spread evenly and the same way every time. */
		map->chan[cpu] = c ?: &h->chans[cpu % h->nchans];
	}
	old = rcu_replace_pointer(h->map, map, lockdep_is_held(&h->chan_lock));
	if (old)
		kfree_rcu(old, rcu);
	return 0;
}

/**
 * storvsc_chan_pick() - the channel the current CPU submits on
 * @h: host whose map is published
 *
 * Context: rcu_read_lock() held; the channel is open while it is.
 * Return: the channel.
 */
struct storvsc_chan *storvsc_chan_pick(struct storvsc_host *h)
{
	struct storvsc_map *map = rcu_dereference(h->map);
	struct storvsc_chan *c = map->chan[raw_smp_processor_id()];

	/* A sub-channel the host took away: the primary still works. */
	if (unlikely(READ_ONCE(c->channel->rescind)))
		c = &h->chans[0];
	return c;
}

static int storvsc_chan_open(struct storvsc_host *h, struct storvsc_chan *c,
			     struct vmbus_channel *channel)
{
	/* The open message's user data: 24 zero bytes (section 2). */
	struct vstor_channel_properties zero = {};
	int ret;

	c->host = h;
	c->channel = channel;
	channel->max_pkt_size = STORVSC_MAX_PKT_SIZE;
	ret = vmbus_open(channel, h->ring_size, h->ring_size, &zero,
			 sizeof(zero), storvsc_io_on_channel, c);
	if (ret)
		c->channel = NULL;
	return ret;
}

/**
 * storvsc_chan_open_primary() - open the primary channel
 * @h: host with ring_size set
 *
 * Context: probe.
 * Return: 0 or an error of vmbus_open().
 */
int storvsc_chan_open_primary(struct storvsc_host *h)
{
	int ret;

	mutex_lock(&h->chan_lock);
	ret = storvsc_chan_open(h, &h->chans[0], h->hdev->channel);
	if (!ret)
		h->nchans = 1;
	mutex_unlock(&h->chan_lock);
	return ret;
}

/* The host offers a sub-channel we asked for.  VMBus core work queue. */
static void storvsc_chan_offered(struct vmbus_channel *sc)
{
	struct hv_device *hdev = sc->primary_channel->device_obj;
	struct storvsc_host *h = hdev ? hv_get_drvdata(hdev) : NULL;
	int ret;

	if (!h)
		return;
	mutex_lock(&h->chan_lock);
	WRITE_ONCE(h->subch_offers, h->subch_offers + 1);
	if (h->closing || h->nchans == h->max_chans)
		goto unlock;
	ret = storvsc_chan_open(h, &h->chans[h->nchans], sc);
	if (ret) {
		dev_err(&hdev->device, "sub-channel %u not opened (%d)\n",
			sc->offermsg.offer.sub_channel_index, ret);
		goto unlock;
	}
	h->nchans++;
	storvsc_chan_publish(h);
unlock:
	mutex_unlock(&h->chan_lock);
	wake_up(&h->subch_wq);
}

/**
 * storvsc_chan_add_subchannels() - ask for sub-channels and open them
 * @h: host after the handshake, primary open, map not yet published
 * @limit: most sub-channels wanted, negative for no limit
 *
 * Asks for min(online CPUs - 1, the host's maximum, @limit) when the
 * version and the host allow multi-channel, waits a bounded time for the
 * offers, and publishes the CPU map.  A refusal only leaves fewer
 * channels.  Context: probe.
 *
 * Return: 0, or -ENOMEM if no map could be published.
 */
int storvsc_chan_add_subchannels(struct storvsc_host *h, int limit)
{
	struct device *dev = &h->hdev->device;
	struct vstor_packet pkt = {};
	unsigned int want = num_online_cpus() - 1;
	u32 status;
	int ret;

	want = min_t(unsigned int, want, h->host_max_subch);
	want = min_t(unsigned int, want, h->max_chans - 1);
	if (limit >= 0)
		want = min_t(unsigned int, want, limit);
	if (!vstor_version_has_subchannels(h->version) ||
	    !(h->host_flags & VSTOR_PROP_MULTI_CHANNEL))
		want = 0;

	if (want) {
		/* Before the request: the offers may come at once. */
		vmbus_set_sc_create_callback(h->hdev->channel,
					     storvsc_chan_offered);
		pkt.sub_channel_count = want;
		if (storvsc_chan_step(h, &pkt, VSTOR_OP_CREATE_SUB_CHANNELS,
				      vstor_pkt_size(h->version), &status)) {
			want = 0;
		} else if (status) {
			dev_warn(dev, "host refused %u sub-channels: status %#x\n",
				 want, status);
			want = 0;
		}
	}
	/* A lockless peek: the wake-up comes after the count changed. */
	if (want && !wait_event_timeout(h->subch_wq,
					READ_ONCE(h->subch_offers) >= want,
					STORVSC_SUBCH_TIMEOUT))
		dev_warn(dev, "host offered %u of %u sub-channels so far\n",
			 READ_ONCE(h->subch_offers), want);

	mutex_lock(&h->chan_lock);
	ret = storvsc_chan_publish(h);
	mutex_unlock(&h->chan_lock);
	return ret;
}

/**
 * storvsc_chan_close() - close every channel
 * @h: host; nothing is sent on its channels any more
 *
 * Late sub-channel offers are ignored from here on.  Context: process.
 */
void storvsc_chan_close(struct storvsc_host *h)
{
	struct storvsc_map *map;

	mutex_lock(&h->chan_lock);
	h->closing = true;
	vmbus_set_sc_create_callback(h->hdev->channel, NULL);
	mutex_unlock(&h->chan_lock);
	/* Closes the sub-channels too, and stops our callback on each. */
	vmbus_close(h->hdev->channel);

	mutex_lock(&h->chan_lock);
	h->nchans = 0;
	map = rcu_replace_pointer(h->map, NULL, lockdep_is_held(&h->chan_lock));
	mutex_unlock(&h->chan_lock);
	kfree_rcu(map, rcu);
}

/**
 * storvsc_chan_depth() - requests one channel's ring holds in the worst case
 * @ring_size: bytes of the outbound ring, its 4 KiB control page included
 * @max_pfns: PFNs of the largest GPA range
 * @version: VSTOR version (packet size)
 *
 * Return: the number of largest requests that fit at once.
 */
u32 storvsc_chan_depth(u32 ring_size, u32 max_pfns, u16 version)
{
	u32 pkt = ALIGN(sizeof(struct vmbus_packet_mpb_array) +
			max_pfns * sizeof(u64) + vstor_pkt_size(version), 8);
	u32 data = ring_size > PAGE_SIZE ? ring_size - PAGE_SIZE : 0;

	/* Each packet has an 8-byte trailer; a ring is never filled up. */
	return data > 8 ? (data - 8) / (pkt + 8) : 0;
}
