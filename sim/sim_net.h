/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated host's synthetic NIC (NetVSP, device kind "nic") and the
 * virtual switch that joins the NICs and a host port
 * (../shared/spec/netvsc.md; wire formats in include/nvsp_proto.h,
 * include/rndis_proto.h, include/ndis_toeplitz.h).
 *
 *   sim_net.c          the device kind, parameters, NVSP messages (version,
 *                      NDIS config, buffers, sub-channels), channel
 *                      start/stop, debugfs "netvsp" and "netvsp_ctl"
 *   sim_net_tx.c       SEND_RNDIS_PKT from the guest: send-buffer sections
 *                      and GPA ranges, RNDIS PACKETs and their PPIs ->
 *                      skbs for the switch; TX completions
 *   sim_net_rndis.c    RNDIS control: INITIALIZE, QUERY/SET and the OIDs,
 *                      HALT, RESET, KEEPALIVE; status indications
 *   sim_net_rx.c       frames to the guest: the switch port, RSS, the
 *                      per-channel queues, receive-buffer slots,
 *                      transfer-page packets and their completions
 *   sim_net_offload.c  offloads on skbs: header parsing, checksum and LSO
 *                      requests, segmentation, checksum verification
 *   sim_vswitch.c      the switch: ports, MAC learning, flooding, VLANs;
 *                      the host port (a netdev in the init namespace)
 *
 * Device state (struct sim_net_dev, the device's dev_priv) outlives
 * channels: MAC, link, switch port, fault counters.  What a guest driver
 * sets up in one attach (NVSP and NDIS versions, MTU, buffers, RNDIS state,
 * filter, offloads, RSS) is reset when the primary channel opens.  The
 * primary's channel work changes it; sub-channel works and the switch
 * (any CPU, any context) read it: scalars with READ_ONCE/WRITE_ONCE, the
 * buffers, the RSS parameters and the channel table under RCU (a writer
 * publishes, synchronize_rcu()s, then frees or unmaps).
 *
 * Per channel (struct sim_net_chan, the channel's priv): a bounded queue
 * of frames for the guest (any CPU adds, the channel work takes), the
 * table of transfer-page packets the guest has not completed, and output
 * that did not fit in the ring.  Everything but the queue is touched by
 * the channel work only.
 */
#ifndef _SIM_NET_H
#define _SIM_NET_H

#include <linux/atomic.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include "nvsp_proto.h"
#include "rndis_proto.h"
#include "sim.h"

/* ------------------------------------------------------------------ */
/* Host constants (netvsc.md 4, 6, 8, 9, 15)                          */

#define SIM_NET_SECTION_SIZE	6144		/* send-buffer section */
#define SIM_NET_RX_FRAME_OFF	256		/* frame in a receive slot */
#define SIM_NET_RX_SLOT_TAIL	36		/* unused end of a slot */
#define SIM_NET_RX_SLOT_ALIGN	64
#define SIM_NET_MTU_DEFAULT	(ETH_DATA_LEN + ETH_HLEN)	/* L2 */
#define SIM_NET_MTU_MIN		(ETH_MIN_MTU + ETH_HLEN)
#define SIM_NET_MTU_MAX		65535
#define SIM_NET_MTU_V1_MAX	(ETH_DATA_LEN + ETH_HLEN)
#define SIM_NET_LSO_MAX		62780		/* max offload size */
#define SIM_NET_LSO_MIN_SEGS	2
#define SIM_NET_MAX_PKT_PER_MSG	8		/* RNDIS INITIALIZE_CMPLT */
#define SIM_NET_ALIGN_FACTOR	3		/* 8-byte batch alignment */
#define SIM_NET_MAX_XFER_SIZE	0xEFFFFFFFu
#define SIM_NET_LINK_SPEED	100000000u	/* 10 Gbit/s, in 100 bit/s */
#define SIM_NET_RSS_ENTRIES	128		/* indirection table */
#define SIM_NET_MAX_MDL_CHAIN	34		/* INIT_COMPLETE */
#define SIM_NET_TX_RANGES_MAX	64		/* GPA ranges per packet */
#define SIM_NET_RXQ_MAX		4096		/* queued frames per channel */
#define SIM_NET_XFER_ENTRIES	512		/* xfer packets in flight */
#define SIM_NET_CTRL_MAX	16		/* RNDIS replies queued */
#define SIM_NET_COMP_PENDING	8		/* TX completions held */
#define SIM_NET_MAX_RANGES	NVSP_MAX_RANGES	/* per xfer packet */
#define SIM_NET_NO_SLOT		U32_MAX

/* The largest transfer-page packet: header, ranges, NVSP message. */
#define SIM_NET_XFER_HDR_LEN(n)	(8 + 8 * (n))	/* after the descriptor */
#define SIM_NET_XFER_PKT_MAX \
	(SIM_NET_XFER_HDR_LEN(SIM_NET_MAX_RANGES) + NVSP_MSG_SIZE)

/* Every host->guest NVSP reply is a zero-padded 40-byte message. */
#define SIM_NET_REPLY_LEN	NVSP_MSG_SIZE

/* ------------------------------------------------------------------ */
/* The virtual switch (sim_vswitch.c)                                 */

/**
 * struct sim_vsw_port - a port of the virtual switch
 * @node: in the switch's port list (RCU)
 * @name: for debugfs ("nic0", "host")
 * @xmit: hand one frame to the port's owner; consumes the skb.  Any
 *	context, under rcu_read_lock().  The skb starts at its Ethernet
 *	header (skb->data == mac header), has its VLAN tag, if any, out of
 *	band (skb_vlan_tag_present()), network and transport header offsets
 *	set for IP, and may be CHECKSUM_PARTIAL (the check field holds the
 *	pseudo-header sum) or GSO (gso_size, SKB_GSO_TCPV4/TCPV6).
 * @dead: set when the port goes; no frame is learnt to or sent to it then
 * @in_frames: frames the port sent into the switch
 * @in_bytes: their bytes
 * @out_frames: frames the switch handed to the port
 * @out_bytes: their bytes
 * @drops: frames the port's owner dropped (not ready, filter, full queue)
 * @floods: frames the switch flooded from this port
 */
struct sim_vsw_port {
	struct list_head node;
	char name[16];
	void (*xmit)(struct sim_vsw_port *port, struct sk_buff *skb);
	bool dead;
	atomic64_t in_frames;
	atomic64_t in_bytes;
	atomic64_t out_frames;
	atomic64_t out_bytes;
	atomic64_t drops;
	atomic64_t floods;
};

int sim_vsw_init(void);
void sim_vsw_exit(void);
void sim_vsw_port_add(struct sim_vsw_port *port);
void sim_vsw_port_del(struct sim_vsw_port *port);
void sim_vsw_input(struct sim_vsw_port *from, struct sk_buff *skb);
void sim_vsw_show(struct seq_file *m);

/* ------------------------------------------------------------------ */
/* Offloads on skbs (sim_net_offload.c)                                */

/**
 * struct sim_net_flow - the headers of a frame, as the host parsed them
 * @l3_proto: ETH_P_IP, ETH_P_IPV6, or 0 for anything else
 * @l4_proto: IPPROTO_TCP, IPPROTO_UDP or another next header (0: none)
 * @l4_off: offset of the L4 header in the frame, 0 when there is none
 * @l4_len: L4 bytes (header and payload) the IP header claims
 * @frag: an IPv4 fragment or an IPv6 packet with a fragment header
 * @saddr: source address (IPv4: the first 4 bytes)
 * @daddr: destination address
 * @sport: source port (TCP/UDP, not a fragment), network order
 * @dport: destination port
 */
struct sim_net_flow {
	u16 l3_proto;
	u8 l4_proto;
	u16 l4_off;
	u32 l4_len;
	bool frag;
	u8 saddr[16];
	u8 daddr[16];
	__be16 sport;
	__be16 dport;
};

int sim_net_parse(struct sk_buff *skb, struct sim_net_flow *flow);
int sim_net_offload_csum(struct sk_buff *skb, const struct sim_net_flow *flow,
			 bool fill_ip, bool fill_l4);
int sim_net_offload_lso(struct sk_buff *skb, const struct sim_net_flow *flow,
			u32 mss);
struct sk_buff *sim_net_segment(struct sk_buff *skb, u32 mtu);
u32 sim_net_copy_frame(const struct sk_buff *skb,
		       const struct sim_net_flow *flow, u8 *dst);

/* ------------------------------------------------------------------ */
/* The NIC                                                              */

/* A guest buffer the NIC mapped: the receive or the send buffer. */
struct sim_net_buf {
	struct sim_gpadl_map map;
	u16 id;				/* the guest's buffer id */
	u32 gen;			/* tells buffers apart (stale completions) */
	/* Receive buffer: fixed-size slots, one RNDIS message each. */
	u32 slot_size;
	u32 nslots;
	spinlock_t lock;		/* free slots; any channel work */
	u32 free_head;			/* SIM_NET_NO_SLOT: none */
	u32 nfree;
	u32 *next;			/* per slot: next free / next in chain */
	/* Send buffer: sections of SIM_NET_SECTION_SIZE. */
	u32 nsections;
};

/* RSS parameters the guest set (RCU; replaced whole, never changed). */
struct sim_net_rss {
	u32 hashinfo;			/* NDIS_HASH_*, function Toeplitz */
	u32 nentries;
	u8 key[NDIS_RSS_KEY_SIZE];
	u16 table[NDIS_RSS_INDIRECT_MAX];
	struct rcu_head rcu;
};

/* RNDIS device state (sim_net_dev.rndis). */
enum sim_net_rndis_state {
	SIM_NET_RNDIS_UNINIT,		/* waits for INITIALIZE */
	SIM_NET_RNDIS_READY,
	SIM_NET_RNDIS_HALTED,
};

/* Offloads the guest enabled (OID_TCP_OFFLOAD_PARAMETERS). */
#define SIM_NET_OFF_TCP4	BIT(0)		/* TX checksum */
#define SIM_NET_OFF_UDP4	BIT(1)
#define SIM_NET_OFF_TCP6	BIT(2)
#define SIM_NET_OFF_UDP6	BIT(3)
#define SIM_NET_OFF_IP4		BIT(4)
#define SIM_NET_OFF_LSO4	BIT(5)
#define SIM_NET_OFF_LSO6	BIT(6)

/* Events the primary's poll sends (sim_net_dev.events bits). */
#define SIM_NET_EV_LINK		0	/* MEDIA_CONNECT/DISCONNECT */
#define SIM_NET_EV_NETCHANGE	1	/* NETWORK_CHANGE */
#define SIM_NET_EV_SPEED	2	/* LINK_SPEED_CHANGE */
#define SIM_NET_EV_SEND_TABLE	3	/* NVSP SEND_INDIRECTION_TABLE */

/* One-shot faults, armed through netvsp_ctl (per NIC). */
enum sim_net_fault {
	SIM_NET_FAULT_MALFORMED,	/* bad RNDIS message to the guest */
	SIM_NET_FAULT_PPI0,		/* a PPI of size 0 */
	SIM_NET_FAULT_BADRANGE,		/* range outside the receive buffer */
	SIM_NET_FAULT_BADPAGESET,	/* wrong xfer_pageset_id */
	SIM_NET_FAULT_DROP_SEND,	/* TX completion not sent */
	SIM_NET_FAULT_DUP_SEND,		/* TX completion sent twice */
	SIM_NET_FAULT_COUNT
};

/* An RNDIS message for the guest (reply or indication), primary only. */
struct sim_net_ctrl {
	struct list_head node;
	u32 len;
	u8 msg[] __aligned(8);
};

struct sim_net_chan;
struct sim_net_stream;

/**
 * struct sim_net_dev - a synthetic NIC (the device state)
 * @index: the N of "nicN"
 * @perm_mac: permanent address (nic_macs)
 * @mac: current address; the guest may change it ("NetworkAddress").
 *	Written by the primary's work under @mac_lock, read by the switch.
 * @mac_lock: seqlock of @mac
 * @port: the NIC's port on the virtual switch
 * @link_up: media connected (debugfs "link")
 * @link_speed: in 100 bit/s units (debugfs "speed")
 * @events: SIM_NET_EV_* the primary's poll sends
 * @nvsp_version: negotiated, 0 before INIT succeeded
 * @ndis_version: from SEND_NDIS_VERSION, 0 before
 * @ndis_config: SEND_NDIS_CONFIG seen
 * @mtu: L2 MTU (NDIS config, else 1514)
 * @caps: NDIS config capability bits (NVSP_CAP_*)
 * @rxbuf: the receive buffer (RCU), NULL before SEND_RECV_BUF
 * @txbuf: the send buffer (RCU), NULL before SEND_SEND_BUF
 * @buf_gen: generation counter of the buffers
 * @rndis: enum sim_net_rndis_state
 * @filter: RNDIS packet filter (RNDIS_FILTER_*)
 * @offload: SIM_NET_OFF_* the guest enabled
 * @rss: RSS parameters (RCU), NULL: RSS off
 * @subs_asked: sub-channels granted in this attach
 * @subs_open: of those, opened (their start ran)
 * @ctrl: RNDIS messages for the primary to send (its work only)
 * @nctrl: length of @ctrl
 * @chans: channels by queue index (RCU), for the receive path
 * @slot_waiters: queue indexes waiting for free slots (bits)
 * @fault: armed faults left
 * @fired: faults that fired
 * @viol: violations caused by this NIC's guest driver
 * @tx_drops: frames from the guest the host dropped (link down, ...)
 * @rx_drops: frames for the guest dropped (not ready, filter, full)
 * @rx_guest_fail: transfer packets the guest completed with a failure
 */
struct sim_net_dev {
	unsigned int index;
	u8 perm_mac[ETH_ALEN];
	u8 mac[ETH_ALEN];
	seqlock_t mac_lock;
	struct sim_vsw_port port;
	bool link_up;
	u32 link_speed;
	unsigned long events;

	u32 nvsp_version;
	u32 ndis_version;
	bool ndis_config;
	u32 mtu;
	u64 caps;
	struct sim_net_buf __rcu *rxbuf;
	struct sim_net_buf __rcu *txbuf;
	u32 buf_gen;
	int rndis;
	u32 filter;
	u32 offload;
	struct sim_net_rss __rcu *rss;
	unsigned int subs_asked;
	atomic_t subs_open;

	struct list_head ctrl;
	unsigned int nctrl;

	struct sim_net_chan __rcu *chans[1 + SIM_MAX_SUBCHANNELS];
	unsigned long slot_waiters;

	atomic_t fault[SIM_NET_FAULT_COUNT];
	atomic_long_t fired[SIM_NET_FAULT_COUNT];
	atomic_long_t viol;
	atomic_long_t tx_drops;
	atomic_long_t rx_drops;
	atomic_long_t rx_guest_fail;
};

/* A transfer-page packet the guest has not completed yet. */
struct sim_net_xfer {
	u32 first;			/* chain of slots (buf->next) */
	u32 last;
	u32 count;
	u32 gen;			/* of the receive buffer */
	u32 seq;			/* in the transaction ID */
	bool busy;			/* taken */
	bool sent;			/* ... and in the guest's ring */
};

/**
 * struct sim_net_chan - a channel of a NIC (the channel's priv)
 * @chan: the channel
 * @dev: its NIC
 * @qidx: queue index (sub_channel_index)
 * @rxq: frames for the guest, at most SIM_NET_RXQ_MAX (any CPU adds)
 * @kicked: bit 0 set while a kick of the work is outstanding
 * @xfer: transfer packets in flight (SIM_NET_XFER_ENTRIES)
 * @xfer_free: free entries of @xfer (a stack)
 * @xfer_nfree: entries on it
 * @pkt: a transfer packet built but not sent (ring full)
 * @pkt_len: its bytes, 0: none pending
 * @pkt_hdr: its transfer-page header bytes
 * @pkt_entry: its @xfer entry
 * @comp_trans: completions that did not fit yet, in order
 * @comp_status: their payload bytes
 * @comp_msg: their payloads (NVSP messages)
 * @ncomp: how many
 * @stream: the SEND_RNDIS_PKT being parsed (sim_net_tx.c)
 * @stats: counters, written by the channel work, read by debugfs
 */
struct sim_net_chan {
	struct sim_chan *chan;
	struct sim_net_dev *dev;
	unsigned int qidx;
	struct sk_buff_head rxq;
	unsigned long kicked;
	struct sim_net_xfer *xfer;
	u16 *xfer_free;
	unsigned int xfer_nfree;
	u8 *pkt;
	u32 pkt_len;
	u32 pkt_hdr;
	u16 pkt_entry;
	u64 comp_trans[SIM_NET_COMP_PENDING];
	u32 comp_status[SIM_NET_COMP_PENDING];
	u8 comp_msg[SIM_NET_COMP_PENDING][NVSP_MSG_SIZE];
	unsigned int ncomp;
	struct sim_net_stream *stream;
	struct {
		unsigned long tx_pkts;		/* SEND_RNDIS_PKT data */
		unsigned long tx_frames;
		unsigned long tx_bytes;
		unsigned long tx_ctrl;		/* RNDIS control messages */
		unsigned long tx_comps;		/* 108 sent */
		unsigned long rx_frames;
		unsigned long rx_bytes;
		unsigned long xfer_pkts;	/* transfer packets sent */
		unsigned long xfer_done;	/* ... completed by the guest */
		unsigned long ring_full;
		unsigned long no_slot;		/* waits for free slots */
	} stats;
};

/* sim_net.c */
extern u32 sim_net_max_version;
unsigned int sim_net_subs_limit(void);

void sim_net_violation(struct sim_net_dev *dev, enum sim_viol kind,
		       const char *fmt, ...) __printf(3, 4);
bool sim_net_fault(struct sim_net_dev *dev, enum sim_net_fault fault);
int sim_net_send_comp(struct sim_net_chan *nc, u64 trans, const void *msg,
		      u32 len);

/* sim_net_ctl.c: debugfs "netvsp", "netvsp_ctl" */
void sim_net_show_chan(struct seq_file *m, struct sim_chan *chan);
void sim_net_show(struct seq_file *m);
int sim_net_ctl(const char *cmd);
struct sim_net_buf *sim_net_rxbuf(struct sim_net_dev *dev);

/* sim_net_tx.c */
struct sim_net_stream *sim_net_stream_alloc(void);
void sim_net_tx_rndis(struct sim_net_chan *nc, const struct sim_pkt *pkt,
		      const struct nvsp_msg *msg);
void sim_net_tx_complete(struct sim_net_chan *nc, u64 trans, u32 status);
bool sim_net_tx_flush(struct sim_net_chan *nc);

/* sim_net_rndis.c */
void sim_net_rndis_control(struct sim_net_chan *nc, const u8 *msg, u32 len);
void sim_net_rndis_reset(struct sim_net_dev *dev);
void sim_net_rndis_events(struct sim_net_chan *nc);
void sim_net_ctrl_free_all(struct sim_net_dev *dev);

/* sim_net_rx.c */
int sim_net_rx_start(struct sim_net_chan *nc);
void sim_net_rx_stop(struct sim_net_chan *nc);
void sim_net_rx_port_xmit(struct sim_vsw_port *port, struct sk_buff *skb);
void sim_net_rx_poll(struct sim_net_chan *nc);
void sim_net_rx_completion(struct sim_net_chan *nc, const struct sim_pkt *pkt);
struct sim_net_buf *sim_net_rxbuf_alloc(struct sim_gpadl_map *map, u16 id,
					u32 slot_size);
void sim_net_buf_free(struct sim_net_buf *buf);

#endif /* _SIM_NET_H */
