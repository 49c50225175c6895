// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest sends on a NIC: NVSP SEND_RNDIS_PKT (netvsc.md 4.7, 7, 8,
 * 11) and its completion.
 *
 * The RNDIS bytes of one SEND_RNDIS_PKT are the used part of a send-buffer
 * section, then the GPA ranges of the packet, in order (Linux's
 * "cp_partial" puts the RNDIS header in the section and the frame in the
 * ranges; Linux 6.1 sends several ranges, each possibly several pages).
 * They are read in place: the section through the host's mapping of the
 * send buffer (under RCU, see sim_net.h), guest pages through their page
 * structs.  A control packet (channel_type 1, primary only) carries one
 * RNDIS control message, copied out and handed to sim_net_rndis.c.  A
 * data packet carries up to 8 concatenated RNDIS PACKET messages; each
 * becomes one skb for the switch, its PPIs turned into the skb's VLAN tag,
 * CHECKSUM_PARTIAL or GSO state (sim_net_offload.c).
 *
 * Every packet that asks for one gets a completion (NVSP 108) on its
 * channel, SUCCESS or FAIL (any violation in it); completions that do not
 * fit in the ring wait in order (sim_net_send_comp()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/if_vlan.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <asm/unaligned.h>
#include "sim_net.h"

/* Linear bytes of a frame's skb: the headers offloads look at. */
#define SIM_NET_TX_LINEAR	256
/* PPI bytes a PACKET may carry (Linux sends at most 3 * 16). */
#define SIM_NET_TX_PPI_MAX	128

/* One piece of the stream: a send section or a GPA range. */
struct sim_net_seg {
	u32 start;			/* offset in the stream */
	u32 len;
	const u8 *kaddr;		/* section bytes, NULL: guest pages */
	const u8 *pfns;			/* GPA range: u64 PFNs (unaligned) */
	u32 pgoff;			/* GPA range: offset in its first page */
};

struct sim_net_stream {
	u32 len;
	unsigned int nseg;
	struct sim_net_seg seg[1 + SIM_NET_TX_RANGES_MAX];
};

/**
 * sim_net_stream_alloc() - the parse state of a channel
 *
 * Return: a stream for sim_net_chan.stream, NULL for no memory.
 */
struct sim_net_stream *sim_net_stream_alloc(void)
{
	return kmalloc(sizeof(struct sim_net_stream), GFP_KERNEL);
}

/*
 * Copy [off, off + len) of the stream (caller checked the bounds) to @dst,
 * or into @skb at @skb_off when @skb is set.
 */
static void sim_net_stream_copy(const struct sim_net_stream *st, u32 off,
				u32 len, void *dst, struct sk_buff *skb,
				u32 skb_off)
{
	unsigned int i = 0;

	while (len) {
		const struct sim_net_seg *seg;
		u32 in, n;
		const u8 *src;
		void *map = NULL;

		while (off >= st->seg[i].start + st->seg[i].len)
			i++;
		seg = &st->seg[i];
		in = off - seg->start;
		n = min(len, seg->len - in);
		if (seg->kaddr) {
			src = seg->kaddr + in;
		} else {
			u32 pos = seg->pgoff + in;
			u64 pfn = get_unaligned((const u64 *)seg->pfns +
						pos / HV_HYP_PAGE_SIZE);

			pos %= HV_HYP_PAGE_SIZE;
			n = min(n, (u32)HV_HYP_PAGE_SIZE - pos);
			map = kmap_local_page(pfn_to_page(pfn));
			src = (const u8 *)map + pos;
		}
		if (skb) {
			skb_store_bits(skb, skb_off, src, n);
			skb_off += n;
		} else {
			memcpy(dst, src, n);
			dst = (u8 *)dst + n;
		}
		if (map)
			kunmap_local(map);
		off += n;
		len -= n;
	}
}

/*
 * The stream of a SEND_RNDIS_PKT: its section (if any), then its GPA
 * ranges (checked by the ring: counts, PFNs inside the packet, RAM).
 * rcu_read_lock() held (the send buffer).
 */
static bool sim_net_stream_build(struct sim_net_chan *nc,
				 const struct sim_pkt *pkt,
				 const struct nvsp_rndis_pkt *rp)
{
	struct sim_net_stream *st = nc->stream;
	struct sim_net_dev *dev = nc->dev;
	struct sim_net_buf *txbuf = rcu_dereference(dev->txbuf);
	const struct vmdata_gpa_direct *gpa = (const void *)pkt->data;
	u32 pos, i, count;

	st->len = 0;
	st->nseg = 0;
	if (rp->section_index != NVSP_NO_SECTION) {
		if (!txbuf || rp->section_index >= txbuf->nsections ||
		    !rp->section_size ||
		    rp->section_size > SIM_NET_SECTION_SIZE) {
			sim_net_violation(dev, SIM_V_NET_NVSP,
					  "section %u of %u bytes (%u sections)",
					  rp->section_index, rp->section_size,
					  txbuf ? txbuf->nsections : 0);
			return false;
		}
		st->seg[0] = (struct sim_net_seg) {
			.len = rp->section_size,
			.kaddr = (const u8 *)txbuf->map.vaddr +
				 rp->section_index * SIM_NET_SECTION_SIZE,
		};
		st->nseg = 1;
		st->len = rp->section_size;
	} else if (rp->section_size) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "no section, section size %u",
				  rp->section_size);
		return false;
	}
	if (pkt->desc->type != VM_PKT_DATA_USING_GPA_DIRECT)
		goto done;
	count = gpa->range_cnt;
	if (count > SIM_NET_TX_RANGES_MAX) {
		sim_net_violation(dev, SIM_V_NET_NVSP, "%u GPA ranges", count);
		return false;
	}
	pos = offsetof(struct vmdata_gpa_direct, range);
	for (i = 0; i < count; i++) {
		struct gpa_range range;
		struct sim_net_seg *seg = &st->seg[st->nseg++];

		memcpy(&range, pkt->data + pos, sizeof(range));
		seg->start = st->len;
		seg->len = range.byte_count;
		seg->kaddr = NULL;
		seg->pfns = pkt->data + pos + sizeof(range);
		seg->pgoff = range.byte_offset;
		pos += sizeof(range) + sizeof(u64) *
		       DIV_ROUND_UP(range.byte_offset + range.byte_count,
				    HV_HYP_PAGE_SIZE);
		if (range.byte_count > U32_MAX - st->len)
			return false;	/* a ring packet is far smaller */
		st->len += range.byte_count;
	}
done:
	if (!st->len) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "SEND_RNDIS_PKT without data");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Control messages                                                    */

static bool sim_net_tx_ctrl(struct sim_net_chan *nc, u8 **out, u32 *out_len)
{
	struct sim_net_stream *st = nc->stream;
	struct sim_net_dev *dev = nc->dev;
	struct rndis_msg_hdr hdr;

	if (nc->qidx) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "RNDIS control on sub-channel %u", nc->qidx);
		return false;
	}
	if (st->len < RNDIS_HDR_LEN || st->len > RNDIS_MAX_CONTROL_MSG) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "control message of %u bytes", st->len);
		return false;
	}
	sim_net_stream_copy(st, 0, sizeof(hdr), &hdr, NULL, 0);
	/* One message; padding up to 8 bytes is tolerated. */
	if (hdr.len < RNDIS_HDR_LEN || hdr.len > st->len ||
	    st->len - hdr.len >= 8) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "control message type %#x: msg_len %u in %u bytes",
				  hdr.type, hdr.len, st->len);
		return false;
	}
	*out = kmalloc(hdr.len, GFP_ATOMIC);
	if (!*out)
		return false;
	sim_net_stream_copy(st, 0, hdr.len, *out, NULL, 0);
	*out_len = hdr.len;
	return true;
}

/* ------------------------------------------------------------------ */
/* Data: RNDIS PACKETs                                                 */

/* The PPIs of one PACKET, checked: which are present and their values. */
struct sim_net_tx_ppi {
	u32 present;			/* BIT(RNDIS_PPI_*) */
	u32 csum;
	u32 lso;
	u32 vlan;
};

static bool sim_net_tx_ppis(struct sim_net_dev *dev, const u8 *area, u32 len,
			    struct sim_net_tx_ppi *ppi)
{
	u32 pos = 0;

	while (pos < len) {
		struct rndis_ppi rec;
		u32 type, value;

		if (len - pos < RNDIS_PPI_U32_LEN)
			goto bad;
		memcpy(&rec, area + pos, sizeof(rec));
		if (rec.size < RNDIS_PPI_U32_LEN || rec.size > len - pos ||
		    rec.size % 4 || rec.ppi_offset < RNDIS_PPI_HDR_LEN ||
		    rec.ppi_offset > rec.size - sizeof(u32))
			goto bad;
		type = rec.type;
		if (type & RNDIS_PPI_INTERNAL || type >= 32 ||
		    ppi->present & BIT(type)) {
			sim_net_violation(dev, SIM_V_NET_PPI,
					  "PPI type %#x (present %#x)", type,
					  ppi->present);
			return false;
		}
		memcpy(&value, area + pos + rec.ppi_offset, sizeof(value));
		switch (type) {
		case RNDIS_PPI_CHECKSUM:
			ppi->csum = value;
			break;
		case RNDIS_PPI_LSO:
			ppi->lso = value;
			break;
		case RNDIS_PPI_VLAN:
			ppi->vlan = value;
			break;
		case RNDIS_PPI_HASH_VALUE:
			break;		/* the guest's hint; nothing to do */
		default:
			sim_net_violation(dev, SIM_V_NET_PPI,
					  "TX PPI type %u", type);
			return false;
		}
		ppi->present |= BIT(type);
		pos += rec.size;
	}
	if (ppi->present & BIT(RNDIS_PPI_CHECKSUM) &&
	    ppi->present & BIT(RNDIS_PPI_LSO)) {
		sim_net_violation(dev, SIM_V_NET_PPI,
				  "checksum and LSO PPIs together");
		return false;
	}
	return true;
bad:
	sim_net_violation(dev, SIM_V_NET_PPI,
			  "malformed PPI at %u of %u bytes", pos, len);
	return false;
}

/* Checksum PPI: does it describe the frame, and may the guest ask it? */
static bool sim_net_tx_csum(struct sim_net_dev *dev, struct sk_buff *skb,
			    const struct sim_net_flow *flow, u32 v)
{
	bool v4 = v & RNDIS_CSUM_TX_IPV4, v6 = v & RNDIS_CSUM_TX_IPV6;
	bool tcp = v & RNDIS_CSUM_TX_TCP, udp = v & RNDIS_CSUM_TX_UDP;
	bool iphdr = v & RNDIS_CSUM_TX_IP_HDR;
	u32 off = (v >> RNDIS_CSUM_TX_L4_OFF_SHIFT) & RNDIS_CSUM_TX_L4_OFF_MASK;
	u32 offload = READ_ONCE(dev->offload), need = 0;

	if (v4 == v6 || (tcp && udp) || (!tcp && !udp && !iphdr) ||
	    (iphdr && !v4) ||
	    flow->l3_proto != (v4 ? ETH_P_IP : ETH_P_IPV6) ||
	    ((tcp || udp) &&
	     (flow->frag || off != flow->l4_off ||
	      flow->l4_proto != (tcp ? IPPROTO_TCP : IPPROTO_UDP))))
		goto bad;
	if (tcp)
		need |= v4 ? SIM_NET_OFF_TCP4 : SIM_NET_OFF_TCP6;
	if (udp)
		need |= v4 ? SIM_NET_OFF_UDP4 : SIM_NET_OFF_UDP6;
	if (iphdr)
		need |= SIM_NET_OFF_IP4;
	if ((offload & need) != need) {
		sim_net_violation(dev, SIM_V_NET_PPI,
				  "checksum PPI %#x: offloads enabled %#x",
				  v, offload);
		return false;
	}
	if (sim_net_offload_csum(skb, flow, iphdr, tcp || udp) == 0)
		return true;
bad:
	sim_net_violation(dev, SIM_V_NET_PPI,
			  "checksum PPI %#x for a frame of type %#x proto %u, L4 at %u",
			  v, flow->l3_proto, flow->l4_proto, flow->l4_off);
	return false;
}

/* LSOv2 PPI: TCP over the IP version it names, enabled, in bounds. */
static bool sim_net_tx_lso(struct sim_net_dev *dev, struct sk_buff *skb,
			   const struct sim_net_flow *flow, u32 v)
{
	bool v6 = v & RNDIS_LSO_IPV6;
	u32 mss = v & RNDIS_LSO_MSS_MASK;
	u32 off = (v >> RNDIS_LSO_L4_OFF_SHIFT) & RNDIS_LSO_L4_OFF_MASK;
	u32 need = v6 ? SIM_NET_OFF_LSO6 : SIM_NET_OFF_LSO4;

	if (!(v & RNDIS_LSO_V2) || !mss ||
	    flow->l3_proto != (v6 ? ETH_P_IPV6 : ETH_P_IP) ||
	    flow->l4_proto != IPPROTO_TCP || flow->frag ||
	    off != flow->l4_off) {
		sim_net_violation(dev, SIM_V_NET_PPI,
				  "LSO PPI %#x for a frame of type %#x proto %u, L4 at %u",
				  v, flow->l3_proto, flow->l4_proto,
				  flow->l4_off);
		return false;
	}
	if (!(READ_ONCE(dev->offload) & need) ||
	    skb->len - flow->l4_off > SIM_NET_LSO_MAX) {
		sim_net_violation(dev, SIM_V_NET_PPI,
				  "LSO of %u bytes with offloads %#x",
				  skb->len, READ_ONCE(dev->offload));
		return false;
	}
	if (sim_net_offload_lso(skb, flow, mss)) {
		sim_net_violation(dev, SIM_V_NET_PPI,
				  "LSO PPI %#x: bad TCP header or length %u",
				  v, skb->len);
		return false;
	}
	return true;
}

/* A frame from the guest: the PACKET's data, as an skb for the switch. */
static bool sim_net_tx_frame(struct sim_net_chan *nc, u32 data_off,
			     u32 data_len, const struct sim_net_tx_ppi *ppi)
{
	struct sim_net_dev *dev = nc->dev;
	u32 linear = min_t(u32, data_len, SIM_NET_TX_LINEAR);
	struct sim_net_flow flow;
	struct sk_buff *skb;
	int err;

	skb = alloc_skb_with_frags(NET_SKB_PAD + linear, data_len - linear, 0,
				   &err, GFP_ATOMIC);
	if (!skb) {
		atomic_long_inc(&dev->tx_drops);
		return true;	/* the host's problem, not the guest's */
	}
	skb_reserve(skb, NET_SKB_PAD);
	skb_put(skb, linear);
	skb->data_len = data_len - linear;
	skb->len = data_len;
	sim_net_stream_copy(nc->stream, data_off, data_len, NULL, skb, 0);
	skb_reset_mac_header(skb);
	skb->protocol = eth_hdr(skb)->h_proto;

	if (ppi->present & BIT(RNDIS_PPI_VLAN)) {
		u32 v = ppi->vlan;
		u16 tci = ((v >> RNDIS_VLAN_VID_SHIFT) & RNDIS_VLAN_VID_MASK) |
			  (v & RNDIS_VLAN_PRIO_MASK) << VLAN_PRIO_SHIFT |
			  (v & RNDIS_VLAN_CFI ? VLAN_CFI_MASK : 0);

		if (!(READ_ONCE(dev->caps) & NVSP_CAP_IEEE8021Q) ||
		    eth_type_vlan(skb->protocol)) {
			sim_net_violation(dev, SIM_V_NET_PPI,
					  "VLAN PPI %#x (802.1Q capability %s, inline tag %s)",
					  v, READ_ONCE(dev->caps) &
					  NVSP_CAP_IEEE8021Q ? "on" : "off",
					  eth_type_vlan(skb->protocol) ?
					  "too" : "none");
			goto bad;
		}
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	} else if (eth_type_vlan(skb->protocol)) {
		/* An inline tag (AF_PACKET): carry it out of band as well. */
		u16 tci;

		if (__skb_vlan_pop(skb, &tci))
			goto bad_frame;
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	}
	if (sim_net_parse(skb, &flow))
		goto bad_frame;
	if (!(ppi->present & BIT(RNDIS_PPI_LSO)) &&
	    skb->len > READ_ONCE(dev->mtu)) {
		sim_net_violation(dev, SIM_V_NET_FRAME,
				  "frame of %u bytes, MTU %u", skb->len,
				  READ_ONCE(dev->mtu));
		goto bad;
	}
	if (ppi->present & BIT(RNDIS_PPI_CHECKSUM) &&
	    !sim_net_tx_csum(dev, skb, &flow, ppi->csum))
		goto bad;
	if (ppi->present & BIT(RNDIS_PPI_LSO) &&
	    !sim_net_tx_lso(dev, skb, &flow, ppi->lso))
		goto bad;

	nc->stats.tx_frames++;
	nc->stats.tx_bytes += skb->len;
	if (!READ_ONCE(dev->link_up)) {
		atomic_long_inc(&dev->tx_drops);
		kfree_skb(skb);
		return true;
	}
	sim_vsw_input(&dev->port, skb);
	return true;

bad_frame:
	sim_net_violation(dev, SIM_V_NET_FRAME,
			  "frame of %u bytes, type %#x: bad headers",
			  data_len, ntohs(skb->protocol));
bad:
	kfree_skb(skb);
	return false;
}

/* One RNDIS PACKET at @off of the stream, at most @room bytes. */
static bool sim_net_tx_packet(struct sim_net_chan *nc, u32 off, u32 room,
			      u32 *msg_len)
{
	struct sim_net_dev *dev = nc->dev;
	struct sim_net_tx_ppi ppi = {};
	u8 area[SIM_NET_TX_PPI_MAX];
	struct rndis_msg m;
	u32 data, ppi_at;

	*msg_len = 0;
	if (room < RNDIS_PACKET_LEN) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "%u bytes left for an RNDIS message", room);
		return false;
	}
	sim_net_stream_copy(nc->stream, off, RNDIS_PACKET_LEN, &m, NULL, 0);
	*msg_len = m.hdr.len;
	if (m.hdr.type != RNDIS_MSG_PACKET || m.hdr.len < RNDIS_PACKET_LEN ||
	    m.hdr.len > room) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "data message type %#x, msg_len %u in %u bytes",
				  m.hdr.type, m.hdr.len, room);
		return false;
	}
	/* Offsets count from byte 8; data after the header, inside msg_len. */
	data = RNDIS_HDR_LEN + m.pkt.data_offset;
	if (m.pkt.data_offset < RNDIS_PACKET_LEN - RNDIS_HDR_LEN ||
	    m.pkt.data_offset > m.hdr.len ||
	    m.pkt.data_len > m.hdr.len - min(m.hdr.len, data) ||
	    m.pkt.data_len < ETH_HLEN || m.pkt.oob_data_offset ||
	    m.pkt.oob_data_len || m.pkt.num_oob_data_elements ||
	    m.pkt.vc_handle || m.pkt.reserved) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "PACKET msg_len %u data %u+%u oob %u/%u/%u vc %u reserved %u",
				  m.hdr.len, m.pkt.data_offset, m.pkt.data_len,
				  m.pkt.oob_data_offset, m.pkt.oob_data_len,
				  m.pkt.num_oob_data_elements, m.pkt.vc_handle,
				  m.pkt.reserved);
		return false;
	}
	if (m.pkt.ppi_len) {
		ppi_at = RNDIS_HDR_LEN + m.pkt.ppi_offset;
		/* Between the header and the frame, at most 128 bytes. */
		if (m.pkt.ppi_offset < RNDIS_PACKET_LEN - RNDIS_HDR_LEN ||
		    m.pkt.ppi_len > SIM_NET_TX_PPI_MAX ||
		    m.pkt.ppi_offset > m.pkt.data_offset ||
		    m.pkt.ppi_len > m.pkt.data_offset - m.pkt.ppi_offset) {
			sim_net_violation(dev, SIM_V_NET_PPI,
					  "PPIs %u+%u, data at %u",
					  m.pkt.ppi_offset, m.pkt.ppi_len,
					  m.pkt.data_offset);
			return false;
		}
		sim_net_stream_copy(nc->stream, off + ppi_at, m.pkt.ppi_len,
				    area, NULL, 0);
		if (!sim_net_tx_ppis(dev, area, m.pkt.ppi_len, &ppi))
			return false;
	}
	return sim_net_tx_frame(nc, off + data, m.pkt.data_len, &ppi);
}

static bool sim_net_tx_data(struct sim_net_chan *nc)
{
	struct sim_net_stream *st = nc->stream;
	struct sim_net_dev *dev = nc->dev;
	u32 off = 0, len = 0, n = 0;
	bool ok = true;

	if (READ_ONCE(dev->rndis) != SIM_NET_RNDIS_READY) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "data with the RNDIS device %s",
				  READ_ONCE(dev->rndis) == SIM_NET_RNDIS_HALTED ?
				  "halted" : "not initialized");
		return false;
	}
	while (off < st->len) {
		if (++n > SIM_NET_MAX_PKT_PER_MSG) {
			sim_net_violation(dev, SIM_V_NET_RNDIS,
					  "more than %u RNDIS messages in one packet",
					  SIM_NET_MAX_PKT_PER_MSG);
			return false;
		}
		if (!sim_net_tx_packet(nc, off, st->len - off, &len)) {
			ok = false;
			/* A bad length leaves nothing to walk on. */
			if (len < RNDIS_PACKET_LEN || len > st->len - off)
				break;
		}
		off += len;
	}
	nc->stats.tx_pkts++;
	return ok;
}

/**
 * sim_net_tx_rndis() - a SEND_RNDIS_PKT from the guest
 * @nc: channel it came on
 * @pkt: the packet (in-band or GPA-direct)
 * @msg: its NVSP message (checked for size)
 *
 * Channel work.
 */
void sim_net_tx_rndis(struct sim_net_chan *nc, const struct sim_pkt *pkt,
		      const struct nvsp_msg *msg)
{
	const struct nvsp_rndis_pkt *rp = &msg->rndis_pkt;
	bool want = pkt->desc->flags &
		    VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	u64 trans = pkt->desc->trans_id;
	u8 *ctrl = NULL;
	u32 ctrl_len = 0;
	bool ok = false;

	if (want && !trans)
		sim_net_violation(nc->dev, SIM_V_NET_NVSP,
				  "SEND_RNDIS_PKT with completion requested and transaction ID 0");
	if (rp->channel_type != NVSP_CHANNEL_DATA &&
	    rp->channel_type != NVSP_CHANNEL_CONTROL) {
		sim_net_violation(nc->dev, SIM_V_NET_NVSP,
				  "SEND_RNDIS_PKT channel type %u",
				  rp->channel_type);
		goto done;
	}
	rcu_read_lock();
	if (sim_net_stream_build(nc, pkt, rp)) {
		if (rp->channel_type == NVSP_CHANNEL_DATA)
			ok = sim_net_tx_data(nc);
		else
			ok = sim_net_tx_ctrl(nc, &ctrl, &ctrl_len);
	}
	rcu_read_unlock();
	if (ctrl) {
		nc->stats.tx_ctrl++;
		sim_net_rndis_control(nc, ctrl, ctrl_len);
		kfree(ctrl);
	}
done:
	if (want && trans)
		sim_net_tx_complete(nc, trans, ok ? NVSP_STAT_SUCCESS :
						    NVSP_STAT_FAIL);
}

/**
 * sim_net_tx_complete() - complete a guest packet (NVSP 108)
 * @nc: the channel it came on
 * @trans: its transaction ID
 * @status: NVSP_STAT_SUCCESS or NVSP_STAT_FAIL
 *
 * Channel work.  The drop-send / dup-send faults apply here.
 */
void sim_net_tx_complete(struct sim_net_chan *nc, u64 trans, u32 status)
{
	struct nvsp_msg reply = { .type = NVSP_MSG1_SEND_RNDIS_PKT_COMPLETE };

	reply.rndis_pkt_complete.status = status;
	if (sim_net_fault(nc->dev, SIM_NET_FAULT_DROP_SEND)) {
		sim_trace_note("netvsp: fault: completion of %#llx dropped",
			       trans);
		return;
	}
	sim_net_send_comp(nc, trans, &reply, SIM_NET_REPLY_LEN);
	if (sim_net_fault(nc->dev, SIM_NET_FAULT_DUP_SEND)) {
		sim_trace_note("netvsp: fault: completion of %#llx sent twice",
			       trans);
		sim_net_send_comp(nc, trans, &reply, SIM_NET_REPLY_LEN);
	}
}

/**
 * sim_net_tx_flush() - send the completions that waited for ring space
 * @nc: channel
 *
 * Channel work (poll).
 *
 * Return: true when none waits any more.
 */
bool sim_net_tx_flush(struct sim_net_chan *nc)
{
	unsigned int i = 0;
	int ret = 0;

	while (i < nc->ncomp) {
		ret = sim_chan_send(nc->chan, VM_PKT_COMP, 0, nc->comp_trans[i],
				    nc->comp_msg[i], nc->comp_status[i]);
		if (ret == -EAGAIN)
			break;
		if (!ret)
			nc->stats.tx_comps++;
		i++;		/* sent, or the channel is broken */
	}
	if (i) {
		memmove(nc->comp_trans, nc->comp_trans + i,
			(nc->ncomp - i) * sizeof(nc->comp_trans[0]));
		memmove(nc->comp_status, nc->comp_status + i,
			(nc->ncomp - i) * sizeof(nc->comp_status[0]));
		memmove(nc->comp_msg, nc->comp_msg + i,
			(nc->ncomp - i) * sizeof(nc->comp_msg[0]));
		nc->ncomp -= i;
	}
	return !nc->ncomp;
}
