/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv_netvsc: the synthetic NIC of a Hyper-V style host, over the
 * <linux/hyperv.h> VMBus API.  Wire formats: include/nvsp_proto.h and
 * include/rndis_proto.h; the protocol: ../shared/spec/netvsc.md.
 *
 *   netvsc_drv.c      module, VMBus driver, probe/remove, net_device_ops,
 *                     attach/detach (bring-up and teardown of everything
 *                     below), reconfiguration (MTU, channels, buffers),
 *                     link state work
 *   netvsc_nvsp.c     NVSP: channel open, version negotiation, NDIS
 *                     config, receive/send buffers, sub-channels, control
 *                     requests and their completions, host messages
 *   netvsc_rndis.c    RNDIS control: requests and replies, INIT, QUERY,
 *                     SET, HALT, the OIDs, status indications
 *   netvsc_rx.c       NAPI poll: the inbound ring, transfer-page packets,
 *                     skbs, receive completions
 *   netvsc_tx.c       ndo_start_xmit: send sections and batching, GPA-direct
 *                     page buffers, TX completions, BQL, queue selection
 *   netvsc_xdp.c      XDP: program attach, the verdicts, ndo_xdp_xmit
 *   netvsc_ethtool.c  ethtool_ops
 *   netvsc_proto.c    pure functions on host data (validation, PPI walk,
 *                     TX header build, section allocator, offload to
 *                     features): what KUnit tests without a device
 *   netvsc_rss.c      Toeplitz hash, default key and indirection table
 *
 * Contexts.  Probe, remove, ndo_open/stop, reconfiguration and ethtool
 * run in process context under RTNL (probe and remove take it around the
 * netdev parts).  The channel callback only schedules NAPI; the NAPI poll
 * (softirq) of channel i does all of that channel's inbound work: receive
 * packets, TX completions, replies to control requests, host messages.
 * ndo_start_xmit runs under the TX queue lock of queue i, which is
 * channel i; XDP_TX and ndo_xdp_xmit take the same lock.
 *
 * Attach/detach.  Everything from "channel open" to "RNDIS configured"
 * belongs to one attach (struct netvsc_dev fields marked [attach]).
 * detach() quiesces the data path first (netif_device_detach, NAPI off),
 * so the data path never sees an attach half built or half torn down.
 * Reconfiguration = detach + attach with a new struct netvsc_cfg, and on
 * failure attach with the old one.
 *
 * Transaction IDs of packets we send with completion requested come from
 * the core's request table (channel->rqstor_size); the cookie stored
 * there says what completes (NETVSC_COOKIE_*).  The host is untrusted:
 * an ID the table does not know, a section not in flight, a malformed
 * packet, are counted (struct netvsc_errors), logged rate-limited and
 * dropped; a receive packet is completed exactly once, also when it is
 * malformed.
 */
#ifndef _NETVSC_H
#define _NETVSC_H

#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/bpf.h>
#include <linux/completion.h>
#include <linux/ethtool.h>
#include <linux/hyperv.h>
#include <linux/if_ether.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/xdp.h>
#include "nvsp_proto.h"
#include "rndis_proto.h"

/* ---- Limits and defaults ---- */

#define NETVSC_MAX_QUEUES	NVSP_MAX_CHANNELS	/* 64 */
#define NETVSC_DEFAULT_QUEUES	8
#define NETVSC_RING_DEFAULT	(512 * 1024)	/* bytes per direction */
#define NETVSC_RING_MIN		(64 * 1024)
#define NETVSC_RECV_BUF_DEFAULT	(16u << 20)
#define NETVSC_SEND_BUF_DEFAULT	(1024u * 1024)
#define NETVSC_BUF_MIN		(64u * 1024)
/* Slot and section sizes the guest assumes when sizing for ethtool -G. */
#define NETVSC_RECV_SLOT_GUESS	1728
#define NETVSC_SEND_SECTION_GUESS 6144
#define NETVSC_MTU_MIN		ETH_MIN_MTU		/* 68 */
#define NETVSC_MTU_MAX		9000
#define NETVSC_MTU_MAX_LEGACY	ETH_DATA_LEN		/* NVSP 1 */
/* Longest wait for any one reply of the host (NVSP or RNDIS). */
#define NETVSC_CTL_TIMEOUT	(10 * HZ)
/* Sub-channel offers after a granted SUBCHANNEL request. */
#define NETVSC_SUBCH_TIMEOUT	(10 * HZ)
/* Draining the rings at detach. */
#define NETVSC_DRAIN_TIMEOUT	(5 * HZ)
/* Link changes are acted on at most this often (spec 10.2). */
#define NETVSC_LINK_INTERVAL	(2 * HZ)

/*
 * Largest inbound packet the core copies out for us: a transfer-page
 * header with NVSP_MAX_RANGES ranges and an NVSP message; also covers
 * SEND_INDIRECTION_TABLE with its table.
 */
#define NETVSC_MAX_PKT_SIZE \
	(sizeof(struct vmtransfer_page_packet_header) + \
	 NVSP_MAX_RANGES * sizeof(struct vmtransfer_page_range) + \
	 NVSP_MSG_SIZE + NVSP_SEND_TABLE_SIZE * sizeof(u32))

/* TX: room for the RNDIS header and PPIs before the frame. */
#define NETVSC_TX_HEADROOM	ALIGN(RNDIS_TX_HDR_MAX, 8)
/* Pages of a GPA-direct packet: header (2) + frame data. */
#define NETVSC_MAX_PAGES	32
#define NETVSC_MAX_RANGES	(2 + MAX_SKB_FRAGS)

/* ---- Cookies in the core's request table ---- */

/*
 * The low two bits say what a completion completes; the rest is a pointer
 * (8-aligned) or a send-section index.
 */
enum netvsc_cookie_kind {
	NETVSC_COOKIE_SKB = 0,		/* GPA-direct frame: struct sk_buff * */
	NETVSC_COOKIE_SECTION = 1,	/* send section: index << 2 */
	NETVSC_COOKIE_CTL = 2,		/* struct netvsc_ctl * (NVSP) */
	NETVSC_COOKIE_RNDIS = 3,	/* struct netvsc_rndis_req * */
};

#define NETVSC_COOKIE_MASK	3ULL
#define NETVSC_COOKIE(ptr, kind)	((u64)(uintptr_t)(ptr) | (kind))
#define NETVSC_COOKIE_SECTION_OF(idx) \
	(((u64)(idx) << 2) | NETVSC_COOKIE_SECTION)

/* ---- Configuration of one attach ---- */

/* What an attach sets up; under RTNL.  netvsc_drv.c holds the current one. */
struct netvsc_cfg {
	u32 mtu;			/* L3 */
	u32 num_queues;			/* wanted; the host may grant fewer */
	u32 recv_buf_size;		/* bytes */
	u32 send_buf_size;		/* bytes, 0: no send buffer */
	u32 ring_size;			/* bytes per direction, per channel */
};

/* ---- Statistics ---- */

/* Per queue; written by its NAPI poll (rx) or under its TX lock (tx). */
struct netvsc_rx_stats {
	struct u64_stats_sync syncp;
	u64 packets;
	u64 bytes;
	u64 broadcast;
	u64 multicast;
	u64 csum_ok;			/* CHECKSUM_UNNECESSARY from the host */
	u64 drops;			/* no skb, device down, bad frame */
	u64 xdp_pass;
	u64 xdp_drop;
	u64 xdp_tx;
	u64 xdp_redirect;
	u64 comp_busy;			/* receive completion waited for room */
};

struct netvsc_tx_stats {
	struct u64_stats_sync syncp;
	u64 packets;
	u64 bytes;
	u64 copied;			/* frames sent through a section */
	u64 pagebuf;			/* frames sent GPA-direct */
	u64 batched;			/* frames sharing a section */
	u64 tso;
	u64 csum;			/* checksum left to the host */
	u64 busy;			/* ring or sections full: queue stopped */
	u64 drops;
	u64 xdp_xmit;			/* XDP_TX and ndo_xdp_xmit frames */
};

/*
 * What the host got wrong, device-wide (atomic, any context).  Each
 * counter has a rate-limited message where it is incremented.
 */
struct netvsc_errors {
	atomic_long_t bad_packet;	/* unknown type, short, bad descriptor */
	atomic_long_t bad_xfer;		/* transfer-page header or range */
	atomic_long_t bad_rndis;	/* RNDIS message in a slot */
	atomic_long_t bad_ppi;		/* per-packet info record */
	atomic_long_t bad_completion;	/* unknown ID, section not in flight */
	atomic_long_t bad_control;	/* RNDIS reply nobody asked for, bad */
	atomic_long_t bad_host_msg;	/* in-band message from the host */
};

/* ---- Channels ---- */

/* A receive completion not yet sent (the outbound ring was full). */
struct netvsc_rx_comp {
	u64 trans_id;
	u32 status;			/* NVSP_STAT_SUCCESS or _FAIL */
};

/*
 * A send section being filled with batched RNDIS packets on one queue
 * (under that queue's TX lock).  index NVSP_NO_SECTION: none open.
 */
struct netvsc_batch {
	u32 index;
	u32 used;			/* bytes written */
	u32 pkts;			/* RNDIS messages in it */
	u32 bytes;			/* frame bytes, for BQL */
	u32 last_off;			/* offset of the last message */
};

/* One queue: the primary channel (index 0) or a sub-channel. */
struct netvsc_chan {
	struct netvsc_dev *nd;
	struct vmbus_channel *channel;
	u16 index;			/* queue = sub_channel_index */
	struct napi_struct napi;

	/* NAPI context only: */
	struct netvsc_rx_comp *rxc;	/* ring of rxc_size pending */
	u32 rxc_size;
	u32 rxc_head;			/* next to send */
	u32 rxc_tail;			/* next free */
	u8 *rx_hdr;			/* copy of one RNDIS header + PPIs */
	struct xdp_rxq_info xdp_rxq;
	bool xdp_flush;			/* xdp_do_flush() at the poll's end */
	struct netvsc_rx_stats rx;

	/* Under the TX queue's lock: */
	struct netvsc_batch batch;
	struct netvsc_tx_stats tx;

	/* Frames and control packets with the host (any context). */
	atomic_t tx_pending;
};

/* What the host said it can do (RNDIS queries, read-only after attach). */
struct netvsc_host_caps {
	u8 mac[ETH_ALEN];		/* OID_802_3_PERMANENT_ADDRESS */
	u32 max_mtu;			/* OID_GEN_MAXIMUM_FRAME_SIZE */
	u32 link_speed;			/* 100 bit/s units, 0: unknown */
	bool link_up;			/* OID_GEN_MEDIA_CONNECT_STATUS */
	u32 max_queues;			/* RSS capabilities, 1: no RSS */
	u32 rss_table_size;		/* entries (1..256) */
	struct ndis_offload offload;	/* zeroed beyond what the host sent */
	netdev_features_t hw_features;	/* derived from @offload */
	u32 gso_max_size;
};

/* A waiter for one NVSP reply (INIT, buffers, SUBCHANNEL); on a stack. */
struct netvsc_ctl {
	struct completion done;
	u32 len;			/* bytes the host sent */
	struct nvsp_msg reply;		/* zero-padded copy */
};

/*
 * One RNDIS control request (netvsc_rndis.c).  Lives until both the NVSP
 * completion of the packet that carried it (the host has read it) and the
 * RNDIS reply (or the waiter gave up) have happened, or the channel is
 * closed: whichever of those comes last frees it.
 */
struct netvsc_rndis_req {
	struct list_head node;		/* nd->rndis_reqs */
	refcount_t ref;			/* waiter + NVSP completion */
	struct completion done;
	u32 req_id;
	u32 reply_len;			/* bytes copied to @reply */
	void *reply;			/* RNDIS_MAX_CONTROL_MSG bytes */
	struct rndis_msg_hdr msg[];	/* the request, in one or two pages */
};

/* netvsc_dev.flags (atomic bitops) */
enum {
	NETVSC_ATTACHED,		/* data path may run */
	NETVSC_REMOVING,		/* remove() started */
	NETVSC_LINK_PENDING,		/* link work has an event */
};

/* The device: netdev_priv() of its net_device. */
struct netvsc_dev {
	struct hv_device *hdev;
	struct net_device *ndev;
	unsigned long flags;

	/* Under RTNL: */
	struct netvsc_cfg cfg;		/* of the current (or last) attach */
	u32 msg_enable;

	/* [attach] set by the NVSP handshake: */
	u32 nvsp_version;
	u32 ndis_version;
	void *recv_buf;			/* vzalloc, shared with the host */
	struct vmbus_gpadl recv_gpadl;
	u32 recv_slot_size;		/* host's sub_alloc_size */
	u32 recv_slots;			/* and num_sub_allocs */
	u32 recv_end;			/* valid bytes: slot_size * slots */
	void *send_buf;			/* vzalloc, shared with the host */
	struct vmbus_gpadl send_gpadl;
	u32 send_section_size;
	u32 send_sections;
	unsigned long *send_map;	/* sections in flight (atomic bits) */
	u32 *section_pkts;		/* per section: frames, for BQL */
	u32 *section_bytes;		/* and their bytes */

	/* [attach] RNDIS, set at INIT: */
	u32 rndis_max_pkts;		/* per message (batching) */
	u32 rndis_align;		/* bytes; a power of 2, >= 8 */
	struct netvsc_host_caps caps;

	/*
	 * RNDIS requests in flight, under rndis_lock (spinlock, BHs off: the
	 * NAPI poll completes them).
	 */
	spinlock_t rndis_lock;
	struct list_head rndis_reqs;
	u32 rndis_req_id;		/* last used, never 0 */

	/*
	 * Channels.  chan[0..num_chans-1] are open while ATTACHED.
	 * sc_lock (mutex) protects num_chans, sc_opened and sc_wanted while
	 * sub-channel offers arrive (the core's offer work calls
	 * netvsc_nvsp_sc_open() without RTNL); attach waits on sc_wq.
	 */
	struct mutex sc_lock;
	wait_queue_head_t sc_wq;
	struct netvsc_chan *chan[NETVSC_MAX_QUEUES];
	u32 num_chans;			/* open and in use */
	u32 sc_wanted;			/* sub-channels granted by the host */
	u32 sc_opened;

	/* RSS, under RTNL (ethtool -X) and applied by RNDIS SET: */
	u8 rss_key[NDIS_RSS_KEY_SIZE];
	u32 rss_table[NDIS_RSS_INDIRECT_MAX];	/* caps.rss_table_size used */
	bool rss_user_table;		/* ethtool set it: keep across attach */
	/* Host's send indirection table; written by NAPI of channel 0. */
	u32 send_table[NVSP_SEND_TABLE_SIZE];

	/* XDP program, under RTNL; the data path reads it under RCU. */
	struct bpf_prog __rcu *xdp_prog;

	/* Link: events from NAPI, acted on by link_work under RTNL. */
	spinlock_t link_lock;		/* link_event, BHs off */
	u32 link_event;			/* RNDIS_STATUS_* to act on, 0: none */
	struct delayed_work link_work;
	unsigned long link_changed;	/* jiffies of the last change */

	struct netvsc_errors err;
	/* Packets received while not attached etc., for ndo_get_stats64. */
	atomic_long_t rx_dropped_detached;
};

static inline struct netvsc_dev *netvsc_priv(const struct net_device *ndev)
{
	return netdev_priv(ndev);
}

/* Rate-limited device messages about what the host sent. */
#define netvsc_host_err(nd, counter, fmt, ...) do {			\
	struct netvsc_dev *__nd = (nd);					\
									\
	atomic_long_inc(&__nd->err.counter);				\
	dev_err_ratelimited(&__nd->hdev->device, fmt, ##__VA_ARGS__);	\
} while (0)

/* ---- netvsc_drv.c ---- */
extern unsigned int netvsc_nvsp_max_version;	/* parameter, 0: newest */
extern const struct ethtool_ops netvsc_ethtool_ops;	/* netvsc_ethtool.c */

int netvsc_reconfigure(struct netvsc_dev *nd, const struct netvsc_cfg *cfg);
void netvsc_link_event(struct netvsc_dev *nd, u32 status);
void netvsc_set_features_from_caps(struct netvsc_dev *nd);

/* ---- netvsc_nvsp.c ---- */
int netvsc_nvsp_open_primary(struct netvsc_dev *nd);
int netvsc_nvsp_connect(struct netvsc_dev *nd);
int netvsc_nvsp_setup_buffers(struct netvsc_dev *nd);
int netvsc_nvsp_add_subchannels(struct netvsc_dev *nd, u32 wanted);
void netvsc_nvsp_revoke_buffers(struct netvsc_dev *nd);
void netvsc_nvsp_close(struct netvsc_dev *nd);
void netvsc_nvsp_free_buffers(struct netvsc_dev *nd);
void netvsc_nvsp_on_completion(struct netvsc_chan *c,
			       const struct vmpacket_descriptor *desc);
void netvsc_nvsp_on_host_msg(struct netvsc_chan *c,
			     const struct vmpacket_descriptor *desc);
int netvsc_nvsp_send_rndis(struct netvsc_chan *c, u32 channel_type,
			   u32 section, u32 section_len,
			   struct vmbus_packet_mpb_array *mpb, u32 mpb_len,
			   u64 cookie);
void netvsc_chan_callback(void *context);

/* ---- netvsc_rndis.c ---- */
int netvsc_rndis_init(struct netvsc_dev *nd);
int netvsc_rndis_query_caps(struct netvsc_dev *nd);
int netvsc_rndis_set_offload(struct netvsc_dev *nd, netdev_features_t features);
int netvsc_rndis_set_rss(struct netvsc_dev *nd, bool enable);
int netvsc_rndis_set_filter(struct netvsc_dev *nd, u32 filter);
int netvsc_rndis_set_mac(struct netvsc_dev *nd, const u8 *mac);
void netvsc_rndis_halt(struct netvsc_dev *nd);
void netvsc_rndis_on_control(struct netvsc_dev *nd, const void *msg, u32 len);
void netvsc_rndis_req_sent(struct netvsc_dev *nd, struct netvsc_rndis_req *req);
void netvsc_rndis_flush(struct netvsc_dev *nd);

/* ---- netvsc_rx.c ---- */
int netvsc_rx_poll(struct napi_struct *napi, int budget);
int netvsc_rx_chan_init(struct netvsc_chan *c);
void netvsc_rx_chan_free(struct netvsc_chan *c);
bool netvsc_rx_drain(struct netvsc_chan *c);

/* ---- netvsc_tx.c ---- */
netdev_tx_t netvsc_tx_xmit(struct sk_buff *skb, struct net_device *ndev);
u16 netvsc_tx_select_queue(struct net_device *ndev, struct sk_buff *skb,
			   struct net_device *sb_dev);
void netvsc_tx_complete(struct netvsc_chan *c, u64 cookie,
			const struct nvsp_msg *msg, u32 len, int budget);
int netvsc_tx_xdp_frame(struct netvsc_chan *c, struct xdp_frame *frame);
void netvsc_tx_flush(struct netvsc_chan *c);
bool netvsc_tx_idle(struct netvsc_dev *nd);

/* ---- netvsc_xdp.c ---- */
int netvsc_xdp_bpf(struct net_device *ndev, struct netdev_bpf *bpf);
u32 netvsc_xdp_run(struct netvsc_chan *c, struct bpf_prog *prog,
		   struct xdp_buff *xdp);
int netvsc_xdp_xmit(struct net_device *ndev, int n, struct xdp_frame **frames,
		    u32 flags);
u32 netvsc_xdp_max_mtu(void);

/* ---- netvsc_proto.c: pure functions, KUnit-tested ---- */

/* A transfer-page packet's ranges, checked against the receive buffer. */
int netvsc_xfer_check(const struct vmpacket_descriptor *desc, u32 pkt_len,
		      u32 recv_end, u32 slot_size,
		      const struct vmtransfer_page_range **ranges,
		      u32 *count, const struct nvsp_msg **msg);

/* What one RNDIS PACKET message in a slot says about its frame. */
struct netvsc_rx_info {
	u32 data_offset;		/* of the frame, from the message start */
	u32 data_len;
	bool has_csum;
	u32 csum;			/* RNDIS_CSUM_RX_* */
	bool has_vlan;
	u32 vlan;			/* RNDIS_VLAN_* layout */
	bool has_hash;
	u32 hash;
	bool has_pktinfo_id;
	struct rndis_pktinfo_id pktinfo_id;
};

int netvsc_rndis_check_msg(const void *msg, u32 range_len, u32 *msg_len);
int netvsc_rndis_parse_packet(const void *msg, u32 msg_len,
			      struct netvsc_rx_info *info);
int netvsc_ppi_walk(const void *ppi, u32 len, struct netvsc_rx_info *info);

/* What a frame asks of the host (netvsc_tx.c fills it from the skb). */
struct netvsc_tx_info {
	bool has_hash;
	u32 hash;
	bool has_vlan;
	u32 vlan;			/* RNDIS_VLAN_* layout */
	bool has_lso;
	u32 lso;			/* RNDIS_LSO_* layout */
	bool has_csum;
	u32 csum;			/* RNDIS_CSUM_TX_* layout */
};

u32 netvsc_rndis_build_packet(void *buf, u32 frame_len,
			      const struct netvsc_tx_info *info, u32 pad);
int netvsc_query_check(const void *msg, u32 len, const void **info,
		       u32 *info_len);
int netvsc_send_table_parse(const struct nvsp_msg *msg, u32 len,
			    u32 nvsp_version, u32 num_chans,
			    u32 table[NVSP_SEND_TABLE_SIZE]);
int netvsc_offload_check(const void *buf, u32 len, struct ndis_offload *off);
netdev_features_t netvsc_offload_features(const struct ndis_offload *off,
					  u32 nvsp_version, u32 *gso_max);
int netvsc_section_alloc(unsigned long *map, u32 count);
bool netvsc_section_free(unsigned long *map, u32 count, u32 index);

/* ---- netvsc_rss.c ---- */
extern const u8 netvsc_rss_default_key[NDIS_RSS_KEY_SIZE];
void netvsc_rss_default_table(u32 *table, u32 size, u32 num_queues);
u32 netvsc_rss_build_params(void *buf, u32 buf_len, u32 flags,
			    const u32 *table, u32 table_size, const u8 *key);

#endif /* _NETVSC_H */
