// SPDX-License-Identifier: GPL-2.0
/*
 * Frames and RNDIS messages for the guest (netvsc.md 6, 11, 12.5).
 *
 * The switch hands a NIC a frame (sim_net_rx_port_xmit(), any CPU, any
 * context): unless the NIC's packet filter, link or state refuse it, it
 * is segmented to the NIC's MTU, its RSS hash (the guest's Toeplitz key
 * and indirection table) picks the channel, and it waits in that
 * channel's bounded queue; beyond SIM_NET_RXQ_MAX frames are dropped.
 *
 * The channel work (poll) moves queued frames into free receive-buffer
 * slots, one RNDIS PACKET per slot (header and PPIs at the start, the
 * frame at SIM_NET_RX_FRAME_OFF), and sends them in DATA_USING_XFER_PAGES
 * packets of up to 375 ranges.  Each packet is an entry of the channel's
 * transfer table until the guest completes it on the same channel; then
 * its slots are free again.  A completion the table does not know (or
 * knows as done) is a violation.  RNDIS replies and status indications go
 * the same way on the primary channel, one per packet, channel_type 1.
 *
 * Slots are shared by all channels of the NIC: a stack of free slot
 * numbers linked through buf->next, under buf->lock, taken and given back
 * a chain at a time (one lock round trip per transfer packet).  A channel
 * that found none waits for the next completion on any channel
 * (dev->slot_waiters).  The buffer itself is RCU: see sim_net.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include "ndis_toeplitz.h"
#include "sim_net.h"

/* What the switch side leaves in skb->cb for the channel work. */
struct sim_net_rx_cb {
	u32 hash;
	bool hashed;
};

static struct sim_net_rx_cb *sim_net_rx_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct sim_net_rx_cb) > sizeof(skb->cb));
	return (struct sim_net_rx_cb *)skb->cb;
}

/* Room of an RNDIS PACKET in a slot: header, PPIs, frame. */
static u32 sim_net_slot_room(const struct sim_net_buf *buf)
{
	return buf->slot_size - SIM_NET_RX_SLOT_TAIL;
}

/* ------------------------------------------------------------------ */
/* The receive buffer and its slots                                    */

/**
 * sim_net_rxbuf_alloc() - the receive buffer state of a mapping
 * @map: the mapped GPADL (taken over on success)
 * @id: the guest's receive-buffer id (the transfer pageset id)
 * @slot_size: bytes per slot, <= map->size
 *
 * Process context.
 *
 * Return: the buffer, all slots free, or NULL for no memory.
 */
struct sim_net_buf *sim_net_rxbuf_alloc(struct sim_gpadl_map *map, u16 id,
					u32 slot_size)
{
	struct sim_net_buf *buf;
	u32 i;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	buf->nslots = map->size / slot_size;
	buf->next = kvmalloc_array(buf->nslots, sizeof(u32), GFP_KERNEL);
	if (!buf->next) {
		kfree(buf);
		return NULL;
	}
	for (i = 0; i < buf->nslots; i++)
		buf->next[i] = i + 1 < buf->nslots ? i + 1 : SIM_NET_NO_SLOT;
	buf->map = *map;
	buf->id = id;
	buf->slot_size = slot_size;
	buf->free_head = 0;
	buf->nfree = buf->nslots;
	spin_lock_init(&buf->lock);
	return buf;
}

/**
 * sim_net_buf_free() - free the state of an unmapped buffer
 * @buf: receive or send buffer, unpublished and unmapped
 */
void sim_net_buf_free(struct sim_net_buf *buf)
{
	kvfree(buf->next);
	kfree(buf);
}

/* Take up to @n free slots as a chain first..last; how many were taken. */
static u32 sim_net_slots_take(struct sim_net_buf *buf, u32 n, u32 *first,
			      u32 *last)
{
	u32 k, cur;

	spin_lock(&buf->lock);
	n = min(n, buf->nfree);
	cur = buf->free_head;
	*first = cur;
	for (k = 0; k < n; k++) {
		*last = cur;
		cur = buf->next[cur];
	}
	buf->free_head = cur;
	buf->nfree -= n;
	spin_unlock(&buf->lock);
	return n;
}

/* Give back the chain first..last of @n slots. */
static void sim_net_slots_put(struct sim_net_buf *buf, u32 first, u32 last,
			      u32 n)
{
	spin_lock(&buf->lock);
	buf->next[last] = buf->free_head;
	buf->free_head = first;
	buf->nfree += n;
	spin_unlock(&buf->lock);
}

/* ------------------------------------------------------------------ */
/* Channel state                                                       */

/**
 * sim_net_rx_start() - a channel of the NIC opens
 * @nc: its state (zeroed at offer, or left by the last stop)
 *
 * Process context (the channel's start).
 *
 * Return: 0 or -ENOMEM.
 */
int sim_net_rx_start(struct sim_net_chan *nc)
{
	unsigned int i;

	skb_queue_head_init(&nc->rxq);
	nc->pkt_len = 0;
	nc->xfer = kvcalloc(SIM_NET_XFER_ENTRIES, sizeof(*nc->xfer),
			    GFP_KERNEL);
	nc->xfer_free = kvmalloc_array(SIM_NET_XFER_ENTRIES,
				       sizeof(*nc->xfer_free), GFP_KERNEL);
	nc->pkt = kmalloc(SIM_NET_XFER_PKT_MAX, GFP_KERNEL);
	nc->stream = sim_net_stream_alloc();
	if (!nc->xfer || !nc->xfer_free || !nc->pkt || !nc->stream) {
		sim_net_rx_stop(nc);
		return -ENOMEM;
	}
	for (i = 0; i < SIM_NET_XFER_ENTRIES; i++)
		nc->xfer_free[i] = SIM_NET_XFER_ENTRIES - 1 - i;
	nc->xfer_nfree = SIM_NET_XFER_ENTRIES;
	return 0;
}

/**
 * sim_net_rx_stop() - a channel of the NIC stopped
 * @nc: its state; the receive path no longer reaches it
 *
 * Queued frames are dropped; slots of packets the guest did not complete
 * stay taken until the receive buffer goes.
 */
void sim_net_rx_stop(struct sim_net_chan *nc)
{
	u32 n = skb_queue_len(&nc->rxq);

	if (n && nc->dev)
		atomic_long_add(n, &nc->dev->rx_drops);
	skb_queue_purge(&nc->rxq);
	kvfree(nc->xfer);
	kvfree(nc->xfer_free);
	kfree(nc->pkt);
	kfree(nc->stream);
	nc->xfer = NULL;
	nc->xfer_free = NULL;
	nc->pkt = NULL;
	nc->stream = NULL;
	nc->pkt_len = 0;
}

static int sim_net_xfer_get(struct sim_net_chan *nc)
{
	struct sim_net_xfer *e;
	u16 idx;

	if (!nc->xfer_nfree)
		return -1;
	idx = nc->xfer_free[--nc->xfer_nfree];
	e = &nc->xfer[idx];
	if (!++e->seq)
		e->seq = 1;	/* no transaction ID 0 */
	e->busy = true;
	e->sent = false;
	e->count = 0;
	return idx;
}

static void sim_net_xfer_put(struct sim_net_chan *nc, u16 idx)
{
	nc->xfer[idx].busy = false;
	nc->xfer_free[nc->xfer_nfree++] = idx;
}

static u64 sim_net_xfer_trans(const struct sim_net_chan *nc, u16 idx)
{
	return (u64)nc->xfer[idx].seq << 16 | idx;
}

/* ------------------------------------------------------------------ */
/* From the switch                                                     */

static bool sim_net_rx_wanted(struct sim_net_dev *dev, const u8 *dst)
{
	u32 filter = READ_ONCE(dev->filter);
	u8 mac[ETH_ALEN];
	unsigned int seq;

	if (filter & RNDIS_FILTER_PROMISCUOUS)
		return true;
	if (is_broadcast_ether_addr(dst))
		return filter & RNDIS_FILTER_BROADCAST;
	/* No multicast list OID: MULTICAST alone passes none. */
	if (is_multicast_ether_addr(dst))
		return filter & RNDIS_FILTER_ALL_MULTICAST;
	if (!(filter & RNDIS_FILTER_DIRECTED))
		return false;
	do {
		seq = read_seqbegin(&dev->mac_lock);
		memcpy(mac, dev->mac, ETH_ALEN);
	} while (read_seqretry(&dev->mac_lock, seq));
	return ether_addr_equal(dst, mac);
}

/* The guest's Toeplitz hash of a frame, if its hash types cover it. */
static bool sim_net_rx_hash(const struct sim_net_rss *rss,
			    const struct sim_net_flow *f, u32 *hash)
{
	u32 hi = rss->hashinfo, alen, n;
	bool tcp = f->l4_proto == IPPROTO_TCP && !f->frag;
	bool udp = f->l4_proto == IPPROTO_UDP && !f->frag;
	bool four;
	u8 in[36];

	if (f->l3_proto == ETH_P_IP) {
		alen = 4;
		four = (tcp && hi & NDIS_HASH_TCP_IPV4) ||
		       (udp && hi & NDIS_HASH_UDP_IPV4);
		if (!four && !(hi & NDIS_HASH_IPV4))
			return false;
	} else if (f->l3_proto == ETH_P_IPV6) {
		alen = 16;
		four = (tcp && hi & NDIS_HASH_TCP_IPV6) ||
		       (udp && hi & NDIS_HASH_UDP_IPV6);
		if (!four && !(hi & NDIS_HASH_IPV6))
			return false;
	} else {
		return false;
	}
	memcpy(in, f->saddr, alen);
	memcpy(in + alen, f->daddr, alen);
	n = 2 * alen;
	if (four) {
		memcpy(in + n, &f->sport, 2);
		memcpy(in + n + 2, &f->dport, 2);
		n += 4;
	}
	*hash = ndis_toeplitz(rss->key, NDIS_RSS_KEY_SIZE, in, n);
	return true;
}

static void sim_net_rx_kick(struct sim_net_chan *nc)
{
	if (!test_and_set_bit(0, &nc->kicked))
		sim_chan_kick(nc->chan);
}

/* One frame (not GSO) to the channel RSS picks.  rcu_read_lock() held. */
static void sim_net_rx_enqueue(struct sim_net_dev *dev, struct sk_buff *skb)
{
	struct sim_net_rx_cb *cb = sim_net_rx_cb(skb);
	struct sim_net_rss *rss = rcu_dereference(dev->rss);
	struct sim_net_chan *nc = NULL;
	struct sim_net_flow flow;
	unsigned int q = 0;

	cb->hashed = false;
	if (rss && !sim_net_parse(skb, &flow) &&
	    sim_net_rx_hash(rss, &flow, &cb->hash)) {
		cb->hashed = true;
		q = rss->table[cb->hash % rss->nentries];
	}
	if (q < ARRAY_SIZE(dev->chans))
		nc = rcu_dereference(dev->chans[q]);
	if (!nc)
		nc = rcu_dereference(dev->chans[0]);
	if (!nc || skb_queue_len(&nc->rxq) >= SIM_NET_RXQ_MAX) {
		atomic_long_inc(&dev->rx_drops);
		atomic64_inc(&dev->port.drops);
		kfree_skb(skb);
		return;
	}
	skb_queue_tail(&nc->rxq, skb);
	sim_net_rx_kick(nc);
}

/**
 * sim_net_rx_port_xmit() - the switch hands the NIC a frame
 * @port: the NIC's port
 * @skb: frame (consumed), as struct sim_vsw_port describes it
 *
 * Any context, rcu_read_lock() held.
 */
void sim_net_rx_port_xmit(struct sim_vsw_port *port, struct sk_buff *skb)
{
	struct sim_net_dev *dev = container_of(port, struct sim_net_dev, port);
	struct sk_buff *segs, *next;
	u32 mtu = READ_ONCE(dev->mtu);

	if (READ_ONCE(dev->rndis) != SIM_NET_RNDIS_READY ||
	    !READ_ONCE(dev->link_up) ||
	    !sim_net_rx_wanted(dev, eth_hdr(skb)->h_dest) ||
	    (skb_vlan_tag_present(skb) &&
	     !(READ_ONCE(dev->caps) & NVSP_CAP_IEEE8021Q)))
		goto drop;
	segs = sim_net_segment(skb, mtu);
	if (!segs) {
		skb = NULL;
		goto drop;
	}
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		if (skb->len > mtu) {
			atomic_long_inc(&dev->rx_drops);
			atomic64_inc(&port->drops);
			kfree_skb(skb);
			continue;
		}
		sim_net_rx_enqueue(dev, skb);
	}
	return;
drop:
	atomic_long_inc(&dev->rx_drops);
	atomic64_inc(&port->drops);
	kfree_skb(skb);
}

/* ------------------------------------------------------------------ */
/* To the guest                                                        */

static void sim_net_put_ppi(u8 *at, u32 type, u32 value, bool zero_size)
{
	struct rndis_ppi rec = {
		.size = zero_size ? 0 : RNDIS_PPI_U32_LEN,
		.type = type,
		.ppi_offset = RNDIS_PPI_HDR_LEN,
	};

	memcpy(at, &rec, sizeof(rec));
	memcpy(at + sizeof(rec), &value, sizeof(value));
}

/*
 * One frame into a slot: the RNDIS PACKET (header, PPIs) and the frame.
 * Return: the bytes of the range (the message).
 */
static u32 sim_net_rx_write(struct sim_net_chan *nc, u8 *slot,
			    struct sk_buff *skb)
{
	struct sim_net_rx_cb *cb = sim_net_rx_cb(skb);
	struct sim_net_dev *dev = nc->dev;
	u8 hdr[SIM_NET_RX_FRAME_OFF] = {};
	struct rndis_msg *m = (struct rndis_msg *)hdr;
	struct sim_net_flow flow;
	u32 csum, n = 0, len;
	bool ppi0 = sim_net_fault(dev, SIM_NET_FAULT_PPI0);
	u8 *ppi = hdr + RNDIS_PACKET_LEN;

	sim_net_parse(skb, &flow);
	csum = sim_net_copy_frame(skb, &flow, slot + SIM_NET_RX_FRAME_OFF);
	if (flow.l3_proto || ppi0)
		sim_net_put_ppi(ppi + RNDIS_PPI_U32_LEN * n++,
				RNDIS_PPI_CHECKSUM, csum, ppi0);
	if (skb_vlan_tag_present(skb)) {
		u16 tci = skb_vlan_tag_get(skb);

		sim_net_put_ppi(ppi + RNDIS_PPI_U32_LEN * n++, RNDIS_PPI_VLAN,
				(tci & VLAN_VID_MASK) << RNDIS_VLAN_VID_SHIFT |
				(tci >> VLAN_PRIO_SHIFT) |
				(tci & VLAN_CFI_MASK ? RNDIS_VLAN_CFI : 0),
				false);
	}
	if (cb->hashed)
		sim_net_put_ppi(ppi + RNDIS_PPI_U32_LEN * n++,
				RNDIS_PPI_HASH_VALUE, cb->hash, false);
	m->hdr.type = RNDIS_MSG_PACKET;
	m->hdr.len = SIM_NET_RX_FRAME_OFF + skb->len;
	m->pkt.data_offset = SIM_NET_RX_FRAME_OFF - RNDIS_HDR_LEN;
	m->pkt.data_len = skb->len;
	if (n) {
		m->pkt.ppi_offset = RNDIS_PACKET_LEN - RNDIS_HDR_LEN;
		m->pkt.ppi_len = n * RNDIS_PPI_U32_LEN;
	}
	len = m->hdr.len;
	if (sim_net_fault(dev, SIM_NET_FAULT_MALFORMED)) {
		/* (a) a length past the range, (b) data past the range. */
		if (atomic_long_read(&dev->fired[SIM_NET_FAULT_MALFORMED]) & 1)
			m->hdr.len = len + 8;
		else
			m->pkt.data_offset = len;
		sim_trace_note("netvsp: fault: malformed RNDIS PACKET (%s)",
			       m->hdr.len != len ? "msg_len" : "data_offset");
	}
	memcpy(slot, hdr, sizeof(hdr));
	nc->stats.rx_frames++;
	nc->stats.rx_bytes += skb->len;
	return len;
}

/*
 * Send the pending transfer packet (nc->pkt_len != 0).  A packet of a
 * buffer that is gone is dropped.  Return: true when nothing is pending.
 */
static bool sim_net_rx_resend(struct sim_net_chan *nc, struct sim_net_buf *buf)
{
	struct sim_net_xfer *e = &nc->xfer[nc->pkt_entry];
	int ret;

	if (!nc->pkt_len)
		return true;
	if (!buf || buf->gen != e->gen) {
		sim_net_xfer_put(nc, nc->pkt_entry);
		nc->pkt_len = 0;
		return true;
	}
	ret = sim_chan_send_pkt(nc->chan, VM_PKT_DATA_USING_XFER_PAGES,
				VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
				sim_net_xfer_trans(nc, nc->pkt_entry),
				nc->pkt_hdr, nc->pkt, nc->pkt_len);
	if (ret == -EAGAIN) {
		nc->stats.ring_full++;
		return false;
	}
	nc->pkt_len = 0;
	if (ret) {
		/* The channel is broken: the slots go with the buffer. */
		sim_net_xfer_put(nc, nc->pkt_entry);
		return true;
	}
	e->sent = true;
	nc->stats.xfer_pkts++;
	return true;
}

/*
 * Finish the transfer packet whose ranges are in nc->pkt (entry @idx) and
 * send it.  Return: false if it waits for ring space.
 */
static bool sim_net_rx_send(struct sim_net_chan *nc, struct sim_net_buf *buf,
			    u16 idx, u32 nranges, u32 ctype)
{
	struct sim_net_dev *dev = nc->dev;
	u32 hdr = SIM_NET_XFER_HDR_LEN(nranges);
	struct nvsp_msg msg = { .type = NVSP_MSG1_SEND_RNDIS_PKT };
	u16 pageset = buf->id;

	if (sim_net_fault(dev, SIM_NET_FAULT_BADPAGESET)) {
		pageset ^= 0xFFFF;
		sim_trace_note("netvsp: fault: pageset id %#x", pageset);
	}
	if (sim_net_fault(dev, SIM_NET_FAULT_BADRANGE)) {
		struct vmtransfer_page_range *r =
			(void *)(nc->pkt + SIM_NET_XFER_HDR_LEN(0));

		r->byte_offset = buf->map.size;
		sim_trace_note("netvsp: fault: range at %u", r->byte_offset);
	}
	memcpy(nc->pkt, &pageset, sizeof(pageset));
	nc->pkt[2] = 0;			/* sender_owns_set */
	nc->pkt[3] = 0;
	memcpy(nc->pkt + 4, &nranges, sizeof(nranges));
	msg.rndis_pkt.channel_type = ctype;
	msg.rndis_pkt.section_index = NVSP_NO_SECTION;
	msg.rndis_pkt.section_size = 0;
	memcpy(nc->pkt + hdr, &msg, sizeof(msg));
	nc->pkt_hdr = hdr;
	nc->pkt_len = hdr + sizeof(msg);
	nc->pkt_entry = idx;
	nc->xfer[idx].gen = buf->gen;
	return sim_net_rx_resend(nc, buf);
}

/* Ranges per transfer packet that fit in the guest's ring. */
static u32 sim_net_rx_max_ranges(struct sim_net_chan *nc)
{
	u32 room = sim_chan_send_max(nc->chan);

	if (room < SIM_NET_XFER_HDR_LEN(1) + NVSP_MSG_SIZE)
		return 0;
	return min_t(u32, SIM_NET_MAX_RANGES,
		     (room - NVSP_MSG_SIZE - SIM_NET_XFER_HDR_LEN(0)) / 8);
}

static void sim_net_rx_wait_slots(struct sim_net_chan *nc)
{
	nc->stats.no_slot++;
	set_bit(nc->qidx, &nc->dev->slot_waiters);
	/* Pairs with the xchg() of a completion that frees slots. */
	smp_mb__after_atomic();
}

/* RNDIS messages queued for the guest (primary): one packet each. */
static bool sim_net_rx_ctrl(struct sim_net_chan *nc, struct sim_net_buf *buf)
{
	struct sim_net_dev *dev = nc->dev;
	struct vmtransfer_page_range *r;
	struct sim_net_ctrl *c;
	u32 first, last, bad;
	u8 *slot;
	int idx;

	while ((c = list_first_entry_or_null(&dev->ctrl, struct sim_net_ctrl,
					     node))) {
		if (!buf || c->len > sim_net_slot_room(buf)) {
			pr_err_ratelimited("nic%u: RNDIS message of %u bytes dropped\n",
					   dev->index, c->len);
			list_del(&c->node);
			dev->nctrl--;
			kfree(c);
			continue;
		}
		idx = sim_net_xfer_get(nc);
		if (idx < 0)
			return false;
		if (!sim_net_slots_take(buf, 1, &first, &last)) {
			sim_net_xfer_put(nc, idx);
			sim_net_rx_wait_slots(nc);
			return false;
		}
		slot = (u8 *)buf->map.vaddr + first * buf->slot_size;
		memcpy(slot, c->msg, c->len);
		if (sim_net_fault(dev, SIM_NET_FAULT_MALFORMED)) {
			bad = c->len + 8;
			memcpy(slot + 4, &bad, sizeof(bad));
			sim_trace_note("netvsp: fault: RNDIS message of %u bytes claims %u",
				       c->len, bad);
		}
		r = (void *)(nc->pkt + SIM_NET_XFER_HDR_LEN(0));
		r->byte_count = c->len;
		r->byte_offset = first * buf->slot_size;
		nc->xfer[idx].first = first;
		nc->xfer[idx].last = first;
		nc->xfer[idx].count = 1;
		list_del(&c->node);
		dev->nctrl--;
		kfree(c);
		if (!sim_net_rx_send(nc, buf, idx, 1, NVSP_CHANNEL_CONTROL))
			return false;
	}
	return true;
}

/* Queued frames into slots, up to a transfer packet's ranges at a time. */
static void sim_net_rx_data(struct sim_net_chan *nc, struct sim_net_buf *buf)
{
	struct vmtransfer_page_range *ranges;
	u32 n, k, used, first, last, cur, prev, room;
	struct sk_buff *skb;
	u8 *base;
	int idx;

	while ((n = skb_queue_len(&nc->rxq))) {
		if (!buf) {
			atomic_long_add(n, &nc->dev->rx_drops);
			skb_queue_purge(&nc->rxq);
			return;
		}
		idx = sim_net_xfer_get(nc);
		if (idx < 0)
			return;		/* the guest's completions kick us */
		n = min(n, sim_net_rx_max_ranges(nc));
		if (!n) {
			sim_net_xfer_put(nc, idx);
			return;		/* no transfer packet fits the ring */
		}
		k = sim_net_slots_take(buf, n, &first, &last);
		if (!k) {
			sim_net_xfer_put(nc, idx);
			sim_net_rx_wait_slots(nc);
			if (READ_ONCE(buf->nfree))
				continue;	/* freed meanwhile */
			return;
		}
		ranges = (void *)(nc->pkt + SIM_NET_XFER_HDR_LEN(0));
		base = buf->map.vaddr;
		room = sim_net_slot_room(buf) - SIM_NET_RX_FRAME_OFF;
		cur = first;
		prev = SIM_NET_NO_SLOT;
		used = 0;
		while (used < k && (skb = skb_dequeue(&nc->rxq))) {
			if (skb->len > room) {
				/* The MTU changed under it: not for this buffer. */
				atomic_long_inc(&nc->dev->rx_drops);
				kfree_skb(skb);
				continue;
			}
			ranges[used].byte_offset = cur * buf->slot_size;
			ranges[used].byte_count =
				sim_net_rx_write(nc, base + cur * buf->slot_size,
						 skb);
			consume_skb(skb);
			prev = cur;
			if (++used < k)
				cur = buf->next[cur];
		}
		if (used < k)		/* cur..last: not used */
			sim_net_slots_put(buf, cur, last, k - used);
		if (!used) {
			sim_net_xfer_put(nc, idx);
			continue;
		}
		nc->xfer[idx].first = first;
		nc->xfer[idx].last = prev;
		nc->xfer[idx].count = used;
		if (!sim_net_rx_send(nc, buf, idx, used, NVSP_CHANNEL_DATA))
			return;
	}
}

/**
 * sim_net_rx_poll() - send the guest what is queued for this channel
 * @nc: channel
 *
 * Channel work (poll): the pending packet first, then (primary) RNDIS
 * messages, then frames.
 */
void sim_net_rx_poll(struct sim_net_chan *nc)
{
	struct sim_net_buf *buf;

	rcu_read_lock();
	buf = sim_net_rxbuf(nc->dev);
	if (sim_net_rx_resend(nc, buf) &&
	    (nc->qidx || sim_net_rx_ctrl(nc, buf)))
		sim_net_rx_data(nc, buf);
	rcu_read_unlock();
}

/* Kick the channels that waited for slots (rcu_read_lock() held). */
static void sim_net_rx_wake_waiters(struct sim_net_dev *dev)
{
	unsigned long waiters = xchg(&dev->slot_waiters, 0);
	struct sim_net_chan *nc;
	unsigned int q;

	for_each_set_bit(q, &waiters, ARRAY_SIZE(dev->chans)) {
		nc = rcu_dereference(dev->chans[q]);
		if (nc)
			sim_net_rx_kick(nc);
	}
}

/**
 * sim_net_rx_completion() - the guest returns the slots of a packet
 * @nc: channel the completion came on
 * @pkt: the COMP packet
 *
 * Channel work.
 */
void sim_net_rx_completion(struct sim_net_chan *nc, const struct sim_pkt *pkt)
{
	struct sim_net_dev *dev = nc->dev;
	u64 trans = pkt->desc->trans_id;
	u16 idx = trans & 0xFFFF;
	struct sim_net_xfer *e = &nc->xfer[idx % SIM_NET_XFER_ENTRIES];
	struct nvsp_msg msg = {};
	struct sim_net_buf *buf;

	if (idx >= SIM_NET_XFER_ENTRIES || trans >> 48 || !e->busy ||
	    !e->sent || e->seq != (u32)(trans >> 16)) {
		sim_net_violation(dev, SIM_V_NET_COMPLETION,
				  "channel %u: completion of unknown or completed packet %#llx",
				  sim_chan_relid(nc->chan), trans);
		return;
	}
	memcpy(&msg, pkt->payload, min_t(u32, pkt->payload_len, sizeof(msg)));
	if (pkt->payload_len < NVSP_MSG_LEN(rndis_pkt_complete) ||
	    msg.type != NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE)
		sim_net_violation(dev, SIM_V_NET_COMPLETION,
				  "channel %u: completion of %#llx: NVSP type %u, %u bytes",
				  sim_chan_relid(nc->chan), trans, msg.type,
				  pkt->payload_len);
	else if (msg.rndis_pkt_complete.status != NVSP_STAT_SUCCESS)
		atomic_long_inc(&dev->rx_guest_fail);
	nc->stats.xfer_done++;
	rcu_read_lock();
	buf = sim_net_rxbuf(dev);
	if (buf && buf->gen == e->gen && e->count) {
		sim_net_slots_put(buf, e->first, e->last, e->count);
		sim_net_rx_wake_waiters(dev);
	}
	rcu_read_unlock();
	sim_net_xfer_put(nc, idx);
}
