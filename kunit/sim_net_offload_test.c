// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the simulated host's offloads (sim/sim_net_offload.c):
 * what the virtual switch does with a guest's LSO and checksum requests
 * and what it tells the guest about received frames.
 *
 * Frames are built the way Linux 6.1's netvsc sends them: for LSO the IPv4
 * total length and header checksum (IPv6 payload length) are 0 and the TCP
 * check field holds the pseudo-header sum without the length.  The
 * segments are checked field by field against what the frame asked for,
 * and through the copy into a guest slot (sim_net_copy_frame()), which
 * fills the checksum, against a checksum computed here.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/tcp.h>
#include "sim_net.h"

#define T_SADDR4	htonl(0x0a470001)	/* 10.71.0.1 */
#define T_DADDR4	htonl(0x0a470002)
#define T_SEQ		1000u
#define T_IPID		0x1234
#define T_FRAME_MAX	9100

static const u8 t_src[ETH_ALEN] = { 0x00, 0x15, 0x5d, 0x56, 0x00, 0x01 };
static const u8 t_dst[ETH_ALEN] = { 0x00, 0x15, 0x5d, 0x56, 0x00, 0x02 };

static u8 t_byte(u32 i)
{
	return (u8)(i * 7 + 3);
}

static void t_addr6(struct in6_addr *a, u8 last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfd;
	a->s6_addr[15] = last;
}

/*
 * An Ethernet + IP + TCP (or UDP) frame with @payload bytes; @lso: as
 * netvsc hands an LSO frame to the host.
 */
static struct sk_buff *t_frame(struct kunit *test, bool v6, u8 proto,
			       u32 payload, bool lso, u8 tcp_flags)
{
	u32 l3 = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	u32 l4 = proto == IPPROTO_TCP ? sizeof(struct tcphdr) :
					sizeof(struct udphdr);
	u32 len = ETH_HLEN + l3 + l4 + payload, i;
	struct sk_buff *skb = alloc_skb(len + NET_SKB_PAD, GFP_KERNEL);
	struct ethhdr *eth;
	u8 *p;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_reserve(skb, NET_SKB_PAD);
	p = skb_put_zero(skb, len);
	eth = (struct ethhdr *)p;
	ether_addr_copy(eth->h_dest, t_dst);
	ether_addr_copy(eth->h_source, t_src);
	eth->h_proto = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		struct ipv6hdr *ip6 = (void *)(p + ETH_HLEN);

		ip6->version = 6;
		ip6->nexthdr = proto;
		ip6->hop_limit = 64;
		t_addr6(&ip6->saddr, 1);
		t_addr6(&ip6->daddr, 2);
		ip6->payload_len = lso ? 0 : htons(l4 + payload);
	} else {
		struct iphdr *iph = (void *)(p + ETH_HLEN);

		iph->version = 4;
		iph->ihl = 5;
		iph->ttl = 64;
		iph->protocol = proto;
		iph->id = htons(T_IPID);
		iph->saddr = T_SADDR4;
		iph->daddr = T_DADDR4;
		iph->tot_len = lso ? 0 : htons(l3 + l4 + payload);
		if (!lso)
			iph->check = ip_fast_csum(iph, iph->ihl);
	}
	if (proto == IPPROTO_TCP) {
		struct tcphdr *th = (void *)(p + ETH_HLEN + l3);

		th->source = htons(40000);
		th->dest = htons(5001);
		th->seq = htonl(T_SEQ);
		th->doff = 5;
		((u8 *)th)[13] = tcp_flags;
		th->window = htons(512);
	} else {
		struct udphdr *uh = (void *)(p + ETH_HLEN + l3);

		uh->source = htons(40000);
		uh->dest = htons(5001);
		uh->len = htons(l4 + payload);
	}
	for (i = 0; i < payload; i++)
		p[ETH_HLEN + l3 + l4 + i] = t_byte(i);
	skb_reset_mac_header(skb);
	skb->protocol = eth->h_proto;
	return skb;
}

/* The TCP/UDP checksum of a frame copy: 0 when right. */
static __sum16 t_l4_check(const u8 *frame, const struct sim_net_flow *f)
{
	__wsum sum = csum_partial(frame + f->l4_off, f->l4_len, 0);
	const struct ipv6hdr *ip6 = (const void *)(frame + ETH_HLEN);
	const struct iphdr *iph = (const void *)(frame + ETH_HLEN);

	if (f->l3_proto == ETH_P_IPV6)
		return csum_ipv6_magic(&ip6->saddr, &ip6->daddr, f->l4_len,
				       f->l4_proto, sum);
	return csum_tcpudp_magic(iph->saddr, iph->daddr, f->l4_len,
				 f->l4_proto, sum);
}

/* An LSO frame through the switch: segments as a real host cuts them. */
static void t_lso(struct kunit *test, bool v6, u32 payload, u32 mss,
		  u32 mtu, u32 want_seg)
{
	u8 flags = TCPHDR_ACK | TCPHDR_PSH | TCPHDR_FIN | TCPHDR_CWR;
	u32 l3 = v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr);
	u32 hdr = ETH_HLEN + l3 + sizeof(struct tcphdr);
	struct sk_buff *skb = t_frame(test, v6, IPPROTO_TCP, payload, true,
				      flags);
	struct sk_buff *segs, *seg, *next;
	struct sim_net_flow flow;
	u32 n = 0, off = 0, i, nseg;
	struct tcphdr *th;
	u8 *copy;

	th = (void *)(skb->data + ETH_HLEN + l3);
	if (v6)
		th->check = ~csum_ipv6_magic(&ipv6_hdr(skb)->saddr,
					     &ipv6_hdr(skb)->daddr, 0,
					     IPPROTO_TCP, 0);
	else
		th->check = ~csum_tcpudp_magic(T_SADDR4, T_DADDR4, 0,
					       IPPROTO_TCP, 0);
	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	KUNIT_ASSERT_EQ(test, flow.l3_proto, v6 ? ETH_P_IPV6 : ETH_P_IP);
	KUNIT_ASSERT_EQ(test, flow.l4_off, ETH_HLEN + l3);
	KUNIT_ASSERT_EQ(test, sim_net_offload_lso(skb, &flow, mss), 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	KUNIT_EXPECT_EQ(test, skb_is_gso(skb), payload > mss);

	segs = sim_net_segment(skb, mtu);
	KUNIT_ASSERT_NOT_NULL(test, segs);
	nseg = DIV_ROUND_UP(payload, want_seg);
	copy = kunit_kzalloc(test, T_FRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	skb_list_walk_safe(segs, seg, next) {
		u32 plen = min(want_seg, payload - off), info;
		const struct tcphdr *sth;

		skb_mark_not_on_list(seg);
		KUNIT_EXPECT_LE(test, seg->len, mtu);
		KUNIT_EXPECT_EQ(test, seg->len, hdr + plen);
		KUNIT_ASSERT_EQ(test, sim_net_parse(seg, &flow), 0);
		KUNIT_EXPECT_EQ(test, flow.l4_len, sizeof(*th) + plen);
		KUNIT_ASSERT_LE(test, seg->len, (u32)T_FRAME_MAX);
		info = sim_net_copy_frame(seg, &flow, copy);
		KUNIT_EXPECT_TRUE(test, info & RNDIS_CSUM_RX_TCP_OK);
		KUNIT_EXPECT_FALSE(test, info & RNDIS_CSUM_RX_TCP_FAILED);
		KUNIT_EXPECT_EQ(test, t_l4_check(copy, &flow), 0);
		if (v6) {
			const struct ipv6hdr *ip6 = (const void *)(copy + ETH_HLEN);

			KUNIT_EXPECT_EQ(test, ntohs(ip6->payload_len),
					sizeof(*th) + plen);
		} else {
			const struct iphdr *iph = (const void *)(copy + ETH_HLEN);

			KUNIT_EXPECT_TRUE(test, info & RNDIS_CSUM_RX_IP_OK);
			KUNIT_EXPECT_EQ(test, ntohs(iph->tot_len),
					seg->len - ETH_HLEN);
			KUNIT_EXPECT_EQ(test, ntohs(iph->id), T_IPID + n);
			KUNIT_EXPECT_EQ(test, ip_fast_csum(iph, iph->ihl), 0);
		}
		sth = (const void *)(copy + flow.l4_off);
		KUNIT_EXPECT_EQ(test, ntohl(sth->seq), T_SEQ + off);
		/* FIN and PSH on the last segment, CWR on the first only. */
		KUNIT_EXPECT_EQ(test, !!sth->fin, n == nseg - 1);
		KUNIT_EXPECT_EQ(test, !!sth->psh, n == nseg - 1);
		KUNIT_EXPECT_EQ(test, !!sth->cwr, n == 0);
		KUNIT_EXPECT_TRUE(test, sth->ack);
		for (i = 0; i < plen; i++)
			if (copy[hdr + i] != t_byte(off + i))
				break;
		KUNIT_EXPECT_EQ(test, i, plen);
		off += plen;
		n++;
		kfree_skb(seg);
	}
	KUNIT_EXPECT_EQ(test, n, nseg);
	KUNIT_EXPECT_EQ(test, off, payload);
}

static void net_lso_v4(struct kunit *test)
{
	t_lso(test, false, 4000, 1448, 1514, 1448);
}

static void net_lso_v6(struct kunit *test)
{
	t_lso(test, true, 6000, 1428, 1514, 1428);
}

/* The guest's MSS is larger than the receiver's MTU allows: smaller cuts. */
static void net_lso_receiver_mtu(struct kunit *test)
{
	t_lso(test, false, 20000, 8948, 1514, 1514 - 54);
}

/* A payload within one MSS: no GSO, only the checksum. */
static void net_lso_one_segment(struct kunit *test)
{
	t_lso(test, false, 1000, 1448, 1514, 1448);
}

static void net_csum_fill(struct kunit *test, bool v6, u8 proto)
{
	struct sk_buff *skb = t_frame(test, v6, proto, 777, false, TCPHDR_ACK);
	struct sim_net_flow flow;
	u8 *copy = kunit_kzalloc(test, T_FRAME_MAX, GFP_KERNEL);
	u32 info;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	/* Whatever the guest left in the check field does not matter. */
	*(__sum16 *)(skb->data + flow.l4_off +
		     (proto == IPPROTO_TCP ? offsetof(struct tcphdr, check) :
					     offsetof(struct udphdr, check))) = 0x5555;
	KUNIT_ASSERT_EQ(test, sim_net_offload_csum(skb, &flow, !v6, true), 0);
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	info = sim_net_copy_frame(skb, &flow, copy);
	KUNIT_EXPECT_EQ(test, t_l4_check(copy, &flow), 0);
	KUNIT_EXPECT_TRUE(test, info & (proto == IPPROTO_TCP ?
					RNDIS_CSUM_RX_TCP_OK :
					RNDIS_CSUM_RX_UDP_OK));
	/* The skb itself is left alone (it may be shared). */
	KUNIT_EXPECT_EQ(test, (int)skb->ip_summed, CHECKSUM_PARTIAL);
	kfree_skb(skb);
}

static void net_csum_fill_tcp4(struct kunit *test)
{
	net_csum_fill(test, false, IPPROTO_TCP);
}

static void net_csum_fill_udp4(struct kunit *test)
{
	net_csum_fill(test, false, IPPROTO_UDP);
}

static void net_csum_fill_tcp6(struct kunit *test)
{
	net_csum_fill(test, true, IPPROTO_TCP);
}

static void net_csum_fill_udp6(struct kunit *test)
{
	net_csum_fill(test, true, IPPROTO_UDP);
}

/* Ethernet padding after the IP packet stays out of the checksum. */
static void net_csum_fill_padded(struct kunit *test)
{
	struct sk_buff *skb = t_frame(test, false, IPPROTO_UDP, 4, false, 0);
	struct sim_net_flow flow;
	u8 copy[128] = {};

	skb_put_zero(skb, 60 - skb->len);	/* ETH_ZLEN */
	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	KUNIT_EXPECT_EQ(test, flow.l4_len, sizeof(struct udphdr) + 4);
	KUNIT_ASSERT_EQ(test, sim_net_offload_csum(skb, &flow, false, true), 0);
	sim_net_copy_frame(skb, &flow, copy);
	KUNIT_EXPECT_EQ(test, t_l4_check(copy, &flow), 0);
	kfree_skb(skb);
}

/* Frames with their own checksums: verified, right or wrong. */
static void net_csum_verify(struct kunit *test)
{
	struct sk_buff *skb = t_frame(test, false, IPPROTO_TCP, 300, false,
				      TCPHDR_ACK);
	struct sim_net_flow flow;
	u8 *copy = kunit_kzalloc(test, T_FRAME_MAX, GFP_KERNEL);
	struct tcphdr *th;
	u32 info;

	KUNIT_ASSERT_NOT_NULL(test, copy);
	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	th = (void *)(skb->data + flow.l4_off);
	th->check = csum_tcpudp_magic(T_SADDR4, T_DADDR4, flow.l4_len,
				      IPPROTO_TCP,
				      csum_partial(th, flow.l4_len, 0));
	info = sim_net_copy_frame(skb, &flow, copy);
	KUNIT_EXPECT_EQ(test, info, RNDIS_CSUM_RX_TCP_OK | RNDIS_CSUM_RX_IP_OK);

	skb->data[skb->len - 1] ^= 0x40;	/* a bit flipped on the way */
	info = sim_net_copy_frame(skb, &flow, copy);
	KUNIT_EXPECT_EQ(test, info,
			RNDIS_CSUM_RX_TCP_FAILED | RNDIS_CSUM_RX_IP_OK);

	ip_hdr(skb)->ttl--;			/* without fixing the checksum */
	info = sim_net_copy_frame(skb, &flow, copy);
	KUNIT_EXPECT_TRUE(test, info & RNDIS_CSUM_RX_IP_FAILED);
	kfree_skb(skb);
}

/* Not TCP: an LSO request for it fails, the frame is no offload's. */
static void net_lso_not_tcp(struct kunit *test)
{
	struct sk_buff *skb = t_frame(test, false, IPPROTO_UDP, 3000, true, 0);
	struct sim_net_flow flow;

	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	KUNIT_EXPECT_EQ(test, sim_net_offload_lso(skb, &flow, 1448), -EINVAL);
	KUNIT_EXPECT_FALSE(test, skb_is_gso(skb));
	kfree_skb(skb);
}

/* Headers that do not fit: not IP to the host. */
static void net_parse_truncated(struct kunit *test)
{
	struct sk_buff *skb = t_frame(test, false, IPPROTO_TCP, 0, false, 0);
	struct sim_net_flow flow;

	skb_trim(skb, ETH_HLEN + 10);
	KUNIT_ASSERT_EQ(test, sim_net_parse(skb, &flow), 0);
	KUNIT_EXPECT_EQ(test, flow.l3_proto, 0);
	skb_trim(skb, ETH_HLEN - 1);
	KUNIT_EXPECT_EQ(test, sim_net_parse(skb, &flow), -EINVAL);
	kfree_skb(skb);
}

static struct kunit_case sim_net_offload_cases[] = {
	KUNIT_CASE(net_lso_v4),
	KUNIT_CASE(net_lso_v6),
	KUNIT_CASE(net_lso_receiver_mtu),
	KUNIT_CASE(net_lso_one_segment),
	KUNIT_CASE(net_lso_not_tcp),
	KUNIT_CASE(net_csum_fill_tcp4),
	KUNIT_CASE(net_csum_fill_udp4),
	KUNIT_CASE(net_csum_fill_tcp6),
	KUNIT_CASE(net_csum_fill_udp6),
	KUNIT_CASE(net_csum_fill_padded),
	KUNIT_CASE(net_csum_verify),
	KUNIT_CASE(net_parse_truncated),
	{}
};

static struct kunit_suite sim_net_offload_suite = {
	.name = "sim_net_offload",
	.test_cases = sim_net_offload_cases,
};

kunit_test_suite(sim_net_offload_suite);

MODULE_LICENSE("GPL");
