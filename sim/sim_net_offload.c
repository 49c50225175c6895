// SPDX-License-Identifier: GPL-2.0
/*
 * Offloads of the simulated NIC's switch, on skbs: what a real host does
 * for its VMs' checksum and large-send requests (netvsc.md 11.3, 11.4) and
 * what it tells them about received frames.
 *
 * Inside the switch a frame carries its offload state the way Linux's
 * stack does: CHECKSUM_PARTIAL with csum_start/csum_offset and the
 * pseudo-header sum in the check field, GSO with gso_size and
 * SKB_GSO_TCPV4/TCPV6, the VLAN tag out of band.  A guest's PPIs are
 * turned into that state here (its frames may have IPv4 total length 0,
 * IPv6 payload length 0 and a pseudo-header sum without the length, as
 * Linux's LSO sends them); frames for a NIC are segmented here and their
 * checksums filled while they are copied into the guest's receive slot.
 * Frames from the host port already are in that state.
 *
 * Nothing here trusts the frame: headers are read with
 * skb_header_pointer() and every length is checked against the skb.
 * Pure functions of the skb; no NIC or switch state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <asm/unaligned.h>
#include "sim_net.h"

/* IPv6 extension headers walked before the upper-layer header. */
#define SIM_NET_IPV6_EXT_MAX	8

static void sim_net_parse_ipv4(const struct sk_buff *skb,
			       struct sim_net_flow *f)
{
	u32 avail = skb->len - ETH_HLEN, ihl, len;
	struct iphdr _iph;
	const struct iphdr *iph;

	iph = skb_header_pointer(skb, ETH_HLEN, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->ihl < 5)
		return;
	ihl = iph->ihl * 4;
	len = ntohs(iph->tot_len);
	if (!len)
		len = avail;		/* an LSO frame: the frame's length */
	if (ihl > avail || len < ihl || len > avail)
		return;
	f->l3_proto = ETH_P_IP;
	f->l4_proto = iph->protocol;
	f->l4_off = ETH_HLEN + ihl;
	f->l4_len = len - ihl;
	f->frag = iph->frag_off & htons(IP_MF | IP_OFFSET);
	memcpy(f->saddr, &iph->saddr, 4);
	memcpy(f->daddr, &iph->daddr, 4);
}

static void sim_net_parse_ipv6(const struct sk_buff *skb,
			       struct sim_net_flow *f)
{
	u32 avail = skb->len - ETH_HLEN, off = ETH_HLEN + sizeof(struct ipv6hdr);
	u32 len, end, i;
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	u8 next;

	ip6h = skb_header_pointer(skb, ETH_HLEN, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6 || avail < sizeof(*ip6h))
		return;
	len = ntohs(ip6h->payload_len);
	if (!len)
		len = avail - sizeof(*ip6h);	/* LSO (or a jumbogram) */
	if (len > avail - sizeof(*ip6h))
		return;
	end = ETH_HLEN + sizeof(*ip6h) + len;
	next = ip6h->nexthdr;
	for (i = 0; i < SIM_NET_IPV6_EXT_MAX; i++) {
		struct ipv6_opt_hdr _opt;
		const struct ipv6_opt_hdr *opt;
		u32 hlen;

		if (next != NEXTHDR_HOP && next != NEXTHDR_ROUTING &&
		    next != NEXTHDR_DEST && next != NEXTHDR_FRAGMENT &&
		    next != NEXTHDR_AUTH)
			break;
		opt = skb_header_pointer(skb, off, sizeof(_opt), &_opt);
		if (!opt)
			return;
		if (next == NEXTHDR_FRAGMENT) {
			f->frag = true;
			hlen = 8;
		} else if (next == NEXTHDR_AUTH) {
			hlen = (opt->hdrlen + 2) * 4;
		} else {
			hlen = ipv6_optlen(opt);
		}
		next = opt->nexthdr;
		off += hlen;
		if (off > end)
			return;
	}
	f->l3_proto = ETH_P_IPV6;
	f->l4_proto = next;
	f->l4_off = off;
	f->l4_len = end - off;
	memcpy(f->saddr, &ip6h->saddr, 16);
	memcpy(f->daddr, &ip6h->daddr, 16);
}

/**
 * sim_net_parse() - find a frame's L3 and L4 headers
 * @skb: frame, starting at its Ethernet header (VLAN tag out of band)
 * @flow: filled in
 *
 * Sets the skb's network header (after the Ethernet header) and, for an
 * IP frame with an upper-layer header, its transport header.  A frame
 * that is not IPv4/IPv6, or whose IP headers do not fit in it, gets
 * l3_proto 0: it is still a frame, just not one offloads apply to.
 *
 * Return: 0, or -EINVAL for less than an Ethernet header.
 */
int sim_net_parse(struct sk_buff *skb, struct sim_net_flow *flow)
{
	__be16 _ports[2];
	const __be16 *ports;

	memset(flow, 0, sizeof(*flow));
	if (skb->len < ETH_HLEN)
		return -EINVAL;
	skb_set_network_header(skb, ETH_HLEN);
	if (skb->protocol == htons(ETH_P_IP))
		sim_net_parse_ipv4(skb, flow);
	else if (skb->protocol == htons(ETH_P_IPV6))
		sim_net_parse_ipv6(skb, flow);
	if (!flow->l3_proto)
		return 0;
	skb_set_transport_header(skb, flow->l4_off);
	if ((flow->l4_proto == IPPROTO_TCP || flow->l4_proto == IPPROTO_UDP) &&
	    !flow->frag && flow->l4_len >= sizeof(_ports)) {
		ports = skb_header_pointer(skb, flow->l4_off, sizeof(_ports),
					   _ports);
		if (ports) {
			flow->sport = ports[0];
			flow->dport = ports[1];
		}
	}
	return 0;
}

/* The pseudo-header sum of @flow for @len L4 bytes, as the check field holds it. */
static __sum16 sim_net_pseudo(const struct sim_net_flow *flow, u32 len)
{
	__be32 s4, d4;

	if (flow->l3_proto == ETH_P_IPV6)
		return ~csum_ipv6_magic((const struct in6_addr *)flow->saddr,
					(const struct in6_addr *)flow->daddr,
					len, flow->l4_proto, 0);
	memcpy(&s4, flow->saddr, 4);
	memcpy(&d4, flow->daddr, 4);
	return ~csum_tcpudp_magic(s4, d4, len, flow->l4_proto, 0);
}

/* Checksum over the pseudo-header and an L4 segment summing to @sum: 0 if right. */
static __sum16 sim_net_l4_verify(const struct sim_net_flow *flow, __wsum sum)
{
	__be32 s4, d4;

	if (flow->l3_proto == ETH_P_IPV6)
		return csum_ipv6_magic((const struct in6_addr *)flow->saddr,
				       (const struct in6_addr *)flow->daddr,
				       flow->l4_len, flow->l4_proto, sum);
	memcpy(&s4, flow->saddr, 4);
	memcpy(&d4, flow->daddr, 4);
	return csum_tcpudp_magic(s4, d4, flow->l4_len, flow->l4_proto, sum);
}

static u32 sim_net_csum_offset(u8 proto)
{
	return proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
				      offsetof(struct udphdr, check);
}

/**
 * sim_net_offload_csum() - a guest's checksum request, as CHECKSUM_PARTIAL
 * @skb: frame (sim_net_parse() done; @flow its result)
 * @flow: the frame's headers: IP; TCP or UDP when @fill_l4
 * @fill_ip: compute the IPv4 header checksum now
 * @fill_l4: leave the TCP/UDP checksum to the receiver of the frame
 *
 * The frame is trimmed to its IP length (Ethernet padding must not enter
 * the sum), the check field gets the pseudo-header sum whatever the guest
 * left there, and csum_start/csum_offset point at it.
 *
 * Return: 0, -EINVAL if the headers do not allow it, -ENOMEM.
 */
int sim_net_offload_csum(struct sk_buff *skb, const struct sim_net_flow *flow,
			 bool fill_ip, bool fill_l4)
{
	u32 hdr, off;

	if (fill_ip) {
		struct iphdr *iph;

		if (flow->l3_proto != ETH_P_IP ||
		    !pskb_may_pull(skb, flow->l4_off))
			return -EINVAL;
		iph = ip_hdr(skb);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
	}
	if (!fill_l4)
		return 0;
	hdr = flow->l4_proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
					      sizeof(struct udphdr);
	off = sim_net_csum_offset(flow->l4_proto);
	if ((flow->l4_proto != IPPROTO_TCP && flow->l4_proto != IPPROTO_UDP) ||
	    flow->frag || flow->l4_len < hdr)
		return -EINVAL;
	if (pskb_trim(skb, flow->l4_off + flow->l4_len) ||
	    !pskb_may_pull(skb, flow->l4_off + hdr))
		return -ENOMEM;
	*(__sum16 *)(skb->data + flow->l4_off + off) =
		sim_net_pseudo(flow, flow->l4_len);
	if (!skb_partial_csum_set(skb, flow->l4_off, off))
		return -EINVAL;
	return 0;
}

/**
 * sim_net_offload_lso() - a guest's LSOv2 request, as a GSO skb
 * @skb: frame (sim_net_parse() done; @flow its result: TCP over IP)
 * @flow: the frame's headers
 * @mss: TCP payload bytes per segment
 *
 * Fixes what Linux leaves out of an LSO frame (IPv4 total length and
 * header checksum, IPv6 payload length, the length in the pseudo-header
 * sum), makes it CHECKSUM_PARTIAL and, when the payload is larger than
 * @mss, GSO: a valid skb for the host stack and for skb_gso_segment().
 *
 * Return: 0, -EINVAL for a bad TCP header or a frame too long for IP,
 * -ENOMEM.
 */
int sim_net_offload_lso(struct sk_buff *skb, const struct sim_net_flow *flow,
			u32 mss)
{
	u32 l4len = skb->len - flow->l4_off, thlen, payload;
	struct tcphdr *th;

	if (flow->l4_proto != IPPROTO_TCP || flow->frag ||
	    l4len < sizeof(*th) || !mss)
		return -EINVAL;
	if (!pskb_may_pull(skb, flow->l4_off + sizeof(*th)))
		return -ENOMEM;
	thlen = tcp_hdr(skb)->doff * 4;
	if (thlen < sizeof(*th) || thlen > l4len ||
	    !pskb_may_pull(skb, flow->l4_off + thlen))
		return -EINVAL;
	if (flow->l3_proto == ETH_P_IP) {
		struct iphdr *iph = ip_hdr(skb);

		if (skb->len - ETH_HLEN > IP_MAX_MTU)
			return -EINVAL;
		iph->tot_len = htons(skb->len - ETH_HLEN);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
	} else {
		u32 pl = skb->len - ETH_HLEN - sizeof(struct ipv6hdr);

		if (pl > IPV6_MAXPLEN)
			return -EINVAL;
		ipv6_hdr(skb)->payload_len = htons(pl);
	}
	th = tcp_hdr(skb);
	th->check = sim_net_pseudo(flow, l4len);
	if (!skb_partial_csum_set(skb, flow->l4_off,
				  offsetof(struct tcphdr, check)))
		return -EINVAL;
	payload = l4len - thlen;
	if (payload > mss) {
		skb_shinfo(skb)->gso_size = mss;
		skb_shinfo(skb)->gso_type = flow->l3_proto == ETH_P_IP ?
					    SKB_GSO_TCPV4 : SKB_GSO_TCPV6;
		skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(payload, mss);
	}
	return 0;
}

/**
 * sim_net_segment() - cut a GSO frame into frames of at most @mtu bytes
 * @skb: frame for a NIC (consumed)
 * @mtu: the receiving NIC's L2 MTU
 *
 * A frame that is not GSO comes back as it is.  A GSO frame is segmented
 * by its MSS, or by less if a segment would not fit in @mtu; each segment
 * has its own IPv4 ID, lengths and header checksum and its TCP flags and
 * sequence number, and stays CHECKSUM_PARTIAL (the copy into the guest's
 * slot fills the checksum).  Any context.
 *
 * Return: the frame or a list of segments (skb->next), NULL if it could
 * not be segmented (dropped).
 */
struct sk_buff *sim_net_segment(struct sk_buff *skb, u32 mtu)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	struct sk_buff *segs;
	u32 hdr, payload;

	if (!skb_is_gso(skb))
		return skb;
	if (!(shinfo->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) ||
	    !pskb_may_pull(skb, skb_transport_offset(skb) +
				sizeof(struct tcphdr)))
		goto drop;
	hdr = skb_transport_offset(skb) + tcp_hdrlen(skb);
	if (hdr >= mtu || hdr >= skb->len)
		goto drop;
	payload = skb->len - hdr;
	if (shinfo->gso_size > mtu - hdr) {
		/* Shared with clones (a flood): change a private copy. */
		if (skb_unclone(skb, GFP_ATOMIC))
			goto drop;
		shinfo = skb_shinfo(skb);
		shinfo->gso_size = mtu - hdr;
		shinfo->gso_segs = DIV_ROUND_UP(payload, shinfo->gso_size);
	}
	if (payload <= shinfo->gso_size) {
		/* One segment: no GSO needed, only the checksum. */
		if (skb_unclone(skb, GFP_ATOMIC))
			goto drop;
		skb_gso_reset(skb);
		return skb;
	}
	segs = skb_gso_segment(skb, NETIF_F_SG | NETIF_F_HW_CSUM);
	if (IS_ERR_OR_NULL(segs))
		goto drop;
	consume_skb(skb);
	return segs;
drop:
	kfree_skb(skb);
	return NULL;
}

/* The RX checksum PPI bit of an L4 protocol, OK or FAILED. */
static u32 sim_net_l4_bits(u8 proto, bool ok)
{
	if (proto == IPPROTO_TCP)
		return ok ? RNDIS_CSUM_RX_TCP_OK : RNDIS_CSUM_RX_TCP_FAILED;
	return ok ? RNDIS_CSUM_RX_UDP_OK : RNDIS_CSUM_RX_UDP_FAILED;
}

/**
 * sim_net_copy_frame() - copy a frame for the guest, handling checksums
 * @skb: frame (sim_net_parse() done)
 * @flow: its headers
 * @dst: where it goes (skb->len bytes)
 *
 * A CHECKSUM_PARTIAL frame gets its checksum filled in the copy (@skb is
 * not changed: it may be shared); any other TCP/UDP frame's checksum is
 * verified while it is copied, as is an IPv4 header's.
 *
 * Return: the value of the RX checksum PPI (RNDIS_CSUM_RX_*), 0 for a
 * frame that is not IP.
 */
u32 sim_net_copy_frame(const struct sk_buff *skb,
		       const struct sim_net_flow *flow, u8 *dst)
{
	u32 len = skb->len, info = 0, start, end, off;
	bool l4 = (flow->l4_proto == IPPROTO_TCP ||
		   flow->l4_proto == IPPROTO_UDP) && !flow->frag &&
		  flow->l4_len >= sizeof(struct udphdr);
	__wsum sum;

	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		start = skb_checksum_start_offset(skb);
		off = skb->csum_offset;
		end = len;
		if (l4 && start == flow->l4_off)
			end = start + flow->l4_len;
		if (start > len || off + sizeof(__sum16) > end - min(end, start))
			goto plain;	/* nonsense offsets: no fill */
		skb_copy_bits(skb, 0, dst, start);
		sum = skb_copy_and_csum_bits(skb, start, dst + start,
					     end - start);
		if (end < len)
			skb_copy_bits(skb, end, dst + end, len - end);
		put_unaligned(csum_fold(sum) ?: CSUM_MANGLED_0,
			      (__sum16 *)(dst + start + off));
		if (l4 && start == flow->l4_off)
			info |= sim_net_l4_bits(flow->l4_proto, true);
	} else if (l4) {
		__sum16 check;

		start = flow->l4_off;
		end = start + flow->l4_len;
		skb_copy_bits(skb, 0, dst, start);
		sum = skb_copy_and_csum_bits(skb, start, dst + start,
					     end - start);
		if (end < len)
			skb_copy_bits(skb, end, dst + end, len - end);
		check = get_unaligned((__sum16 *)(dst + start +
				      sim_net_csum_offset(flow->l4_proto)));
		if (flow->l4_proto == IPPROTO_UDP && !check &&
		    flow->l3_proto == ETH_P_IP) {
			info |= RNDIS_CSUM_RX_UDP_OK;	/* no checksum sent */
		} else {
			info |= sim_net_l4_bits(flow->l4_proto,
						!sim_net_l4_verify(flow, sum));
		}
	} else {
plain:
		skb_copy_bits(skb, 0, dst, len);
	}
	if (flow->l3_proto == ETH_P_IP) {
		/* The IHL as parsed, not as the copy (guest memory) says. */
		u32 ihl = (flow->l4_off - ETH_HLEN) / 4;

		info |= ip_fast_csum(dst + ETH_HLEN, ihl) ?
			RNDIS_CSUM_RX_IP_FAILED : RNDIS_CSUM_RX_IP_OK;
	}
	return info;
}
