// SPDX-License-Identifier: GPL-2.0
/*
 * The RNDIS device of the simulated NIC (netvsc.md 8-10, 12.2, 12.4):
 * control messages from the guest, their replies, and the host's status
 * indications.
 *
 * Control messages arrive on the primary channel only (sim_net_tx.c copied
 * each out of guest memory); they are handled at once in the primary's
 * work, and every reply is queued (dev->ctrl, at most SIM_NET_CTRL_MAX)
 * for the primary's poll, which sends each in a receive-buffer slot
 * (sim_net_rx.c).  The device is uninitialized until INITIALIZE, ready
 * until HALT; only a ready device takes QUERY, SET, RESET, KEEPALIVE and
 * data.  Unknown OIDs are answered NOT_SUPPORTED (not a violation); a
 * malformed request is a violation (net-rndis) and answered with
 * INVALID_DATA, so the guest never waits forever.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "sim_net.h"

/* Largest query answer we build (the OID list, a friendly name). */
#define SIM_NET_QUERY_MAX	256

static const u32 sim_net_oids[] = {
	RNDIS_OID_GEN_SUPPORTED_LIST,
	RNDIS_OID_GEN_HARDWARE_STATUS,
	RNDIS_OID_GEN_MEDIA_SUPPORTED,
	RNDIS_OID_GEN_MEDIA_IN_USE,
	RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE,
	RNDIS_OID_GEN_LINK_SPEED,
	RNDIS_OID_GEN_VENDOR_ID,
	RNDIS_OID_GEN_VENDOR_DESCRIPTION,
	RNDIS_OID_GEN_CURRENT_PACKET_FILTER,
	RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE,
	RNDIS_OID_GEN_MEDIA_CONNECT_STATUS,
	RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS,
	RNDIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
	RNDIS_OID_GEN_RECEIVE_SCALE_PARAMETERS,
	RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER,
	RNDIS_OID_GEN_FRIENDLY_NAME,
	RNDIS_OID_802_3_PERMANENT_ADDRESS,
	RNDIS_OID_802_3_CURRENT_ADDRESS,
	RNDIS_OID_OFFLOAD_ENCAPSULATION,
	RNDIS_OID_TCP_OFFLOAD_CURRENT_CONFIG,
	RNDIS_OID_TCP_OFFLOAD_PARAMETERS,
	RNDIS_OID_TCP_OFFLOAD_HW_CAPABILITIES,
};

/* Hash types the host computes (RSS capabilities and parameters). */
#define SIM_NET_HASH_TYPES \
	(NDIS_HASH_IPV4 | NDIS_HASH_TCP_IPV4 | NDIS_HASH_UDP_IPV4 | \
	 NDIS_HASH_IPV6 | NDIS_HASH_TCP_IPV6 | NDIS_HASH_UDP_IPV6)

/* ------------------------------------------------------------------ */
/* Messages to the guest                                               */

/* Queue an RNDIS message for the primary's poll; false if too many. */
static bool sim_net_ctrl_queue(struct sim_net_dev *dev, const void *msg,
			       u32 len)
{
	struct sim_net_ctrl *c;

	if (dev->nctrl >= SIM_NET_CTRL_MAX) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "more than %u RNDIS replies outstanding",
				  SIM_NET_CTRL_MAX);
		return false;
	}
	c = kmalloc(struct_size(c, msg, len), GFP_KERNEL);
	if (!c)
		return false;
	c->len = len;
	memcpy(c->msg, msg, len);
	list_add_tail(&c->node, &dev->ctrl);
	dev->nctrl++;
	return true;
}

/**
 * sim_net_ctrl_free_all() - drop the RNDIS messages not sent yet
 * @dev: the NIC; its primary does not run
 */
void sim_net_ctrl_free_all(struct sim_net_dev *dev)
{
	struct sim_net_ctrl *c, *tmp;

	list_for_each_entry_safe(c, tmp, &dev->ctrl, node) {
		list_del(&c->node);
		kfree(c);
	}
	dev->nctrl = 0;
}

static void sim_net_indicate(struct sim_net_dev *dev, u32 status,
			     const u32 *buf)
{
	struct {
		struct rndis_msg_hdr hdr;
		struct rndis_indicate_status ind;
		u32 buf;
	} m = {
		.hdr.type = RNDIS_MSG_INDICATE,
		.hdr.len = RNDIS_LEN(indicate),
		.ind.status = status,
	};

	if (buf) {
		/* Right after the three fields: offset 12 from byte 8. */
		m.ind.status_buf_len = sizeof(m.buf);
		m.ind.status_buf_offset = sizeof(m.ind);
		m.buf = *buf;
		m.hdr.len += sizeof(m.buf);
	}
	sim_trace_note("netvsp: nic%u: indicate status %#x", dev->index,
		       status);
	sim_net_ctrl_queue(dev, &m, m.hdr.len);
}

/* NVSP SEND_INDIRECTION_TABLE: the table right after the two fields. */
static int sim_net_send_table(struct sim_net_chan *nc)
{
	struct {
		u32 type;
		struct nvsp_send_indirection_table hdr;
		u32 table[NVSP_SEND_TABLE_SIZE];
	} __packed m = {
		.type = NVSP_MSG5_SEND_INDIRECTION_TABLE,
		.hdr.count = NVSP_SEND_TABLE_SIZE,
		.hdr.offset = offsetof(typeof(m), table),
	};
	u32 nchan = 1 + READ_ONCE(nc->dev->subs_asked), i;

	for (i = 0; i < NVSP_SEND_TABLE_SIZE; i++)
		m.table[i] = i % nchan;
	return sim_chan_send(nc->chan, VM_PKT_DATA_INBAND, 0, 0, &m,
			     sizeof(m));
}

/**
 * sim_net_rndis_events() - host events for the guest (primary's poll)
 * @nc: the primary channel
 *
 * Link changes, network changes and link speed become status
 * indications; the send indirection table goes out once every granted
 * sub-channel is open.
 */
void sim_net_rndis_events(struct sim_net_chan *nc)
{
	struct sim_net_dev *dev = nc->dev;
	u32 speed;

	if (test_bit(SIM_NET_EV_SEND_TABLE, &dev->events) &&
	    sim_net_send_table(nc) != -EAGAIN) {
		clear_bit(SIM_NET_EV_SEND_TABLE, &dev->events);
		sim_trace_note("netvsp: nic%u: send indirection table",
			       dev->index);
	}
	if (READ_ONCE(dev->rndis) != SIM_NET_RNDIS_READY)
		return;		/* the guest asks for the state at its init */
	if (test_and_clear_bit(SIM_NET_EV_LINK, &dev->events))
		sim_net_indicate(dev, READ_ONCE(dev->link_up) ?
				 RNDIS_STATUS_MEDIA_CONNECT :
				 RNDIS_STATUS_MEDIA_DISCONNECT, NULL);
	if (test_and_clear_bit(SIM_NET_EV_NETCHANGE, &dev->events))
		sim_net_indicate(dev, RNDIS_STATUS_NETWORK_CHANGE, NULL);
	if (test_and_clear_bit(SIM_NET_EV_SPEED, &dev->events)) {
		speed = READ_ONCE(dev->link_speed);
		sim_net_indicate(dev, RNDIS_STATUS_LINK_SPEED_CHANGE, &speed);
	}
}

/**
 * sim_net_rndis_reset() - a new attach: the RNDIS device starts afresh
 * @dev: the NIC; its primary does not run
 */
void sim_net_rndis_reset(struct sim_net_dev *dev)
{
	struct sim_net_rss *rss = rcu_replace_pointer(dev->rss, NULL, true);

	WRITE_ONCE(dev->rndis, SIM_NET_RNDIS_UNINIT);
	WRITE_ONCE(dev->filter, 0);
	WRITE_ONCE(dev->offload, 0);
	if (rss)
		kfree_rcu(rss, rcu);
	sim_net_ctrl_free_all(dev);
}

/* ------------------------------------------------------------------ */
/* QUERY                                                               */

static void sim_net_put_u32(u8 *out, u32 *olen, u32 v)
{
	memcpy(out, &v, sizeof(v));
	*olen = sizeof(v);
}

/* The NDIS object header of a query's input, if it sent one. */
static bool sim_net_query_header(struct sim_net_dev *dev, u32 oid,
				 const u8 *in, u32 inlen, u8 type,
				 struct ndis_obj_header *h)
{
	if (!inlen)
		return true;	/* none: the newest revision */
	if (inlen < sizeof(*h))
		goto bad;
	memcpy(h, in, sizeof(*h));
	if (h->type == type)
		return true;
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "query of OID %#x: input of %u bytes, object type %#x",
			  oid, inlen, inlen >= sizeof(*h) ? h->type : 0);
	return false;
}

/* NDIS_OFFLOAD: what the host can do, or (@enabled) what is on. */
static void sim_net_offload_caps(struct sim_net_dev *dev,
				 struct ndis_offload *o, bool enabled)
{
	u32 on = enabled ? READ_ONCE(dev->offload) : ~0u;
	u32 tx4 = NDIS_CSUM_IP4_OPTIONS | NDIS_CSUM_TCP_OPTIONS;
	u32 tx6 = NDIS_CSUM_IP4_OPTIONS | NDIS_CSUM_TCP_OPTIONS;

	o->csum.ip4_rx_encap = NDIS_ENCAP_IEEE_802_3;
	o->csum.ip4_rx_flags = NDIS_CSUM_IP4_OPTIONS | NDIS_CSUM_TCP_OPTIONS |
			       NDIS_CSUM_TCP | NDIS_CSUM_UDP |
			       NDIS_CSUM_IP4_HEADER;
	o->csum.ip6_rx_encap = NDIS_ENCAP_IEEE_802_3;
	o->csum.ip6_rx_flags = NDIS_CSUM_IP4_OPTIONS | NDIS_CSUM_TCP_OPTIONS |
			       NDIS_CSUM_TCP | NDIS_CSUM_UDP;
	if (on & SIM_NET_OFF_TCP4)
		tx4 |= NDIS_CSUM_TCP;
	if (on & SIM_NET_OFF_UDP4)
		tx4 |= NDIS_CSUM_UDP;
	if (on & SIM_NET_OFF_IP4)
		tx4 |= NDIS_CSUM_IP4_HEADER;
	if (on & SIM_NET_OFF_TCP6)
		tx6 |= NDIS_CSUM_TCP;
	if (on & SIM_NET_OFF_UDP6)
		tx6 |= NDIS_CSUM_UDP;
	o->csum.ip4_tx_encap = NDIS_ENCAP_IEEE_802_3;
	o->csum.ip4_tx_flags = tx4;
	o->csum.ip6_tx_encap = NDIS_ENCAP_IEEE_802_3;
	o->csum.ip6_tx_flags = tx6;
	if (on & SIM_NET_OFF_LSO4) {
		o->lsov2.ip4_encap = NDIS_ENCAP_IEEE_802_3;
		o->lsov2.ip4_max_size = SIM_NET_LSO_MAX;
		o->lsov2.ip4_min_segs = SIM_NET_LSO_MIN_SEGS;
	}
	if (on & SIM_NET_OFF_LSO6) {
		o->lsov2.ip6_encap = NDIS_ENCAP_IEEE_802_3;
		o->lsov2.ip6_max_size = SIM_NET_LSO_MAX;
		o->lsov2.ip6_min_segs = SIM_NET_LSO_MIN_SEGS;
		o->lsov2.ip6_opts = NDIS_LSO_IP6_EXT_HDR |
				    NDIS_LSO_IP6_TCP_OPTIONS;
	}
}

static u32 sim_net_query_offload(struct sim_net_dev *dev, u32 oid,
				 const u8 *in, u32 inlen, u8 *out, u32 *olen,
				 bool enabled)
{
	struct ndis_obj_header h = {
		.revision = NDIS_OFFLOAD_REV3,
		.size = NDIS_OFFLOAD_SIZE_REV3,
	};
	struct ndis_offload o = {};
	static const u16 sizes[] = {
		[NDIS_OFFLOAD_REV1] = NDIS_OFFLOAD_SIZE_REV1,
		[NDIS_OFFLOAD_REV2] = NDIS_OFFLOAD_SIZE_REV2,
		[NDIS_OFFLOAD_REV3] = NDIS_OFFLOAD_SIZE_REV3,
	};

	if (!sim_net_query_header(dev, oid, in, inlen, NDIS_OBJ_OFFLOAD, &h))
		return RNDIS_STATUS_INVALID_DATA;
	if (h.revision < NDIS_OFFLOAD_REV1 || h.revision > NDIS_OFFLOAD_REV3 ||
	    h.size != sizes[h.revision]) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "offload query revision %u size %u",
				  h.revision, h.size);
		return RNDIS_STATUS_INVALID_DATA;
	}
	sim_net_offload_caps(dev, &o, enabled);
	o.header.type = NDIS_OBJ_OFFLOAD;
	o.header.revision = h.revision;
	o.header.size = h.size;
	memcpy(out, &o, h.size);
	*olen = h.size;
	return RNDIS_STATUS_SUCCESS;
}

static u32 sim_net_query_rss_caps(struct sim_net_dev *dev, const u8 *in,
				  u32 inlen, u8 *out, u32 *olen)
{
	struct ndis_obj_header h = {
		.revision = NDIS_RSS_CAPS_REV2,
		.size = NDIS_RSS_CAPS_SIZE_REV2,
	};
	struct ndis_rss_caps caps = {};

	if (!sim_net_query_header(dev, RNDIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES,
				  in, inlen, NDIS_OBJ_RSS_CAPABILITIES, &h))
		return RNDIS_STATUS_INVALID_DATA;
	if (h.revision != NDIS_RSS_CAPS_REV1 && h.revision != NDIS_RSS_CAPS_REV2) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "RSS capabilities query revision %u",
				  h.revision);
		return RNDIS_STATUS_INVALID_DATA;
	}
	caps.header.type = NDIS_OBJ_RSS_CAPABILITIES;
	caps.header.revision = h.revision;
	caps.header.size = h.revision == NDIS_RSS_CAPS_REV1 ?
			   NDIS_RSS_CAPS_SIZE_REV1 : NDIS_RSS_CAPS_SIZE_REV2;
	caps.capabilities = NDIS_RSS_CAPS_TOEPLITZ | NDIS_RSS_CAPS_TCP_IPV4 |
			    NDIS_RSS_CAPS_TCP_IPV6 | NDIS_RSS_CAPS_UDP_IPV4 |
			    NDIS_RSS_CAPS_UDP_IPV6;
	caps.num_interrupt_msgs = 1;
	caps.num_recv_queues = 1;
	if (READ_ONCE(dev->nvsp_version) >= NVSP_VERSION_5)
		caps.num_recv_queues += sim_net_subs_limit();
	caps.num_indirect_entries = SIM_NET_RSS_ENTRIES;
	memcpy(out, &caps, caps.header.size);
	*olen = caps.header.size;
	return RNDIS_STATUS_SUCCESS;
}

static u32 sim_net_query_oid(struct sim_net_dev *dev, u32 oid, const u8 *in,
			     u32 inlen, u8 *out, u32 *olen)
{
	u8 mac[ETH_ALEN];
	unsigned int seq;
	char name[32];
	u32 i, n;

	switch (oid) {
	case RNDIS_OID_GEN_SUPPORTED_LIST:
		memcpy(out, sim_net_oids, sizeof(sim_net_oids));
		*olen = sizeof(sim_net_oids);
		break;
	case RNDIS_OID_GEN_HARDWARE_STATUS:
		sim_net_put_u32(out, olen, 0);	/* ready */
		break;
	case RNDIS_OID_GEN_MEDIA_SUPPORTED:
	case RNDIS_OID_GEN_MEDIA_IN_USE:
		sim_net_put_u32(out, olen, RNDIS_MEDIUM_802_3);
		break;
	case RNDIS_OID_GEN_MAXIMUM_FRAME_SIZE:
		sim_net_put_u32(out, olen, READ_ONCE(dev->mtu) - ETH_HLEN);
		break;
	case RNDIS_OID_GEN_MAXIMUM_TOTAL_SIZE:
		sim_net_put_u32(out, olen, READ_ONCE(dev->mtu));
		break;
	case RNDIS_OID_GEN_LINK_SPEED:
		sim_net_put_u32(out, olen, READ_ONCE(dev->link_speed));
		break;
	case RNDIS_OID_GEN_MEDIA_CONNECT_STATUS:
		sim_net_put_u32(out, olen, READ_ONCE(dev->link_up) ?
				RNDIS_MEDIA_CONNECTED : RNDIS_MEDIA_DISCONNECTED);
		break;
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		sim_net_put_u32(out, olen, READ_ONCE(dev->filter));
		break;
	case RNDIS_OID_GEN_VENDOR_ID:
		sim_net_put_u32(out, olen, 0x0000155D);
		break;
	case RNDIS_OID_GEN_MAXIMUM_SEND_PACKETS:
		sim_net_put_u32(out, olen, SIM_NET_MAX_PKT_PER_MSG);
		break;
	case RNDIS_OID_GEN_VENDOR_DESCRIPTION:
		n = scnprintf(out, SIM_NET_QUERY_MAX, "vmbus_sim NetVSP") + 1;
		*olen = n;
		break;
	case RNDIS_OID_GEN_FRIENDLY_NAME:
		/* UTF-16LE with its NUL; not "Network Adapter" (ignored). */
		n = scnprintf(name, sizeof(name), "vmbus_sim nic%u", dev->index);
		for (i = 0; i <= n; i++) {
			out[2 * i] = name[i];
			out[2 * i + 1] = 0;
		}
		*olen = 2 * (n + 1);
		break;
	case RNDIS_OID_802_3_PERMANENT_ADDRESS:
		memcpy(out, dev->perm_mac, ETH_ALEN);
		*olen = ETH_ALEN;
		break;
	case RNDIS_OID_802_3_CURRENT_ADDRESS:
		do {
			seq = read_seqbegin(&dev->mac_lock);
			memcpy(mac, dev->mac, ETH_ALEN);
		} while (read_seqretry(&dev->mac_lock, seq));
		memcpy(out, mac, ETH_ALEN);
		*olen = ETH_ALEN;
		break;
	case RNDIS_OID_TCP_OFFLOAD_HW_CAPABILITIES:
	case RNDIS_OID_TCP_OFFLOAD_CURRENT_CONFIG:
		return sim_net_query_offload(dev, oid, in, inlen, out, olen,
					     oid == RNDIS_OID_TCP_OFFLOAD_CURRENT_CONFIG);
	case RNDIS_OID_OFFLOAD_ENCAPSULATION: {
		struct ndis_offload_encap e = {
			.header = { NDIS_OBJ_OFFLOAD_ENCAP,
				    NDIS_OFFLOAD_ENCAP_REV1,
				    NDIS_OFFLOAD_ENCAP_SIZE_REV1 },
			.ip4 = { NDIS_OFFLOAD_SET_ON, NDIS_ENCAP_IEEE_802_3,
				 ETH_HLEN },
			.ip6 = { NDIS_OFFLOAD_SET_ON, NDIS_ENCAP_IEEE_802_3,
				 ETH_HLEN },
		};

		memcpy(out, &e, sizeof(e));
		*olen = sizeof(e);
		break;
	}
	case RNDIS_OID_GEN_RECEIVE_SCALE_CAPABILITIES:
		return sim_net_query_rss_caps(dev, in, inlen, out, olen);
	default:
		return RNDIS_STATUS_NOT_SUPPORTED;
	}
	return RNDIS_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* SET                                                                 */

static u32 sim_net_set_filter(struct sim_net_dev *dev, const u8 *in, u32 inlen)
{
	u32 filter;

	if (inlen != sizeof(filter))
		goto bad;
	memcpy(&filter, in, sizeof(filter));
	if (filter & ~RNDIS_FILTER_DEFINED)
		goto bad;
	WRITE_ONCE(dev->filter, filter);
	sim_trace_note("netvsp: nic%u: packet filter %#x", dev->index, filter);
	return RNDIS_STATUS_SUCCESS;
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "packet filter of %u bytes, value %#x", inlen,
			  inlen >= 4 ? *(const u32 *)in : 0);
	return RNDIS_STATUS_INVALID_DATA;
}

/* "NetworkAddress" = 12 hex digits (UTF-16LE): the guest's new MAC. */
static u32 sim_net_set_config(struct sim_net_dev *dev, const u8 *in, u32 inlen)
{
	static const char want[] = RNDIS_CONFIG_NETWORK_ADDRESS;
	struct rndis_config_param p;
	u8 mac[ETH_ALEN];
	char hex[2 * ETH_ALEN];
	unsigned long flags;
	u32 i;

	if (inlen < sizeof(p))
		goto bad;
	memcpy(&p, in, sizeof(p));
	if (p.name_offset < sizeof(p) || p.name_offset > inlen ||
	    p.name_len > inlen - p.name_offset || p.value_offset > inlen ||
	    p.value_len > inlen - p.value_offset || p.name_len % 2)
		goto bad;
	if (p.name_len != 2 * (sizeof(want) - 1))
		return RNDIS_STATUS_NOT_SUPPORTED;
	for (i = 0; i < sizeof(want) - 1; i++)
		if (in[p.name_offset + 2 * i] != want[i] ||
		    in[p.name_offset + 2 * i + 1])
			return RNDIS_STATUS_NOT_SUPPORTED;
	if (p.type != RNDIS_CONFIG_PARAM_STRING || p.value_len != 4 * ETH_ALEN)
		goto bad;
	for (i = 0; i < sizeof(hex); i++) {
		hex[i] = in[p.value_offset + 2 * i];
		if (in[p.value_offset + 2 * i + 1])
			goto bad;
	}
	if (hex2bin(mac, hex, ETH_ALEN))
		goto bad;
	if (!is_valid_ether_addr(mac))
		return RNDIS_STATUS_INVALID_DATA;	/* a value, not a format */
	write_seqlock_irqsave(&dev->mac_lock, flags);
	memcpy(dev->mac, mac, ETH_ALEN);
	write_sequnlock_irqrestore(&dev->mac_lock, flags);
	sim_trace_note("netvsp: nic%u: MAC %pM", dev->index, mac);
	return RNDIS_STATUS_SUCCESS;
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "malformed config parameter (%u bytes)", inlen);
	return RNDIS_STATUS_INVALID_DATA;
}

/* One checksum parameter (NDIS_OFFLOAD_PARAM_*) into the TX bit @bit. */
static bool sim_net_csum_param(u32 *on, u8 v, u32 bit)
{
	switch (v) {
	case NDIS_OFFLOAD_PARAM_NO_CHANGE:
		return true;
	case NDIS_OFFLOAD_PARAM_TXRX_OFF:
	case NDIS_OFFLOAD_PARAM_RX_ON:
		*on &= ~bit;
		return true;
	case NDIS_OFFLOAD_PARAM_TX_ON:
	case NDIS_OFFLOAD_PARAM_TXRX_ON:
		*on |= bit;
		return true;
	}
	return false;
}

static bool sim_net_lso_param(u32 *on, u8 v, u32 bit)
{
	if (v == NDIS_OFFLOAD_LSO_OFF)
		*on &= ~bit;
	else if (v == NDIS_OFFLOAD_LSO_ON)
		*on |= bit;
	return v <= NDIS_OFFLOAD_LSO_ON;
}

static u32 sim_net_set_offload(struct sim_net_dev *dev, const u8 *in,
			       u32 inlen)
{
	struct ndis_offload_params p = {};
	u32 on = READ_ONCE(dev->offload);

	if (inlen < NDIS_OFFLOAD_PARAMS_SIZE_REV1)
		goto bad;
	memcpy(&p, in, min_t(u32, inlen, sizeof(p)));
	/* Linux sends revision 3 at 22 bytes; any revision 1..3 size goes. */
	if (p.header.type != NDIS_OBJ_DEFAULT || !p.header.revision ||
	    p.header.revision > NDIS_OFFLOAD_PARAMS_REV3 ||
	    p.header.size < NDIS_OFFLOAD_PARAMS_SIZE_REV1 ||
	    p.header.size > inlen)
		goto bad;
	if (p.header.size < sizeof(p))
		memset((u8 *)&p + p.header.size, 0, sizeof(p) - p.header.size);
	/* Nothing the capabilities did not offer may be turned on. */
	if (!sim_net_csum_param(&on, p.ip4_csum, SIM_NET_OFF_IP4) ||
	    !sim_net_csum_param(&on, p.tcp4_csum, SIM_NET_OFF_TCP4) ||
	    !sim_net_csum_param(&on, p.udp4_csum, SIM_NET_OFF_UDP4) ||
	    !sim_net_csum_param(&on, p.tcp6_csum, SIM_NET_OFF_TCP6) ||
	    !sim_net_csum_param(&on, p.udp6_csum, SIM_NET_OFF_UDP6) ||
	    !sim_net_lso_param(&on, p.lsov2_ip4, SIM_NET_OFF_LSO4) ||
	    !sim_net_lso_param(&on, p.lsov2_ip6, SIM_NET_OFF_LSO6) ||
	    p.lsov1 > NDIS_OFFLOAD_LSO_OFF || p.ipsec_v1 ||
	    p.tcp_connection_ip4 || p.tcp_connection_ip6 || p.flags ||
	    p.ipsec_v2 || p.ipsec_v2_ip4 || p.rsc_ip4 > NDIS_OFFLOAD_LSO_OFF ||
	    p.rsc_ip6 > NDIS_OFFLOAD_LSO_OFF || p.encap_task_offload ||
	    p.encap_types)
		goto bad;
	WRITE_ONCE(dev->offload, on);
	sim_trace_note("netvsp: nic%u: offloads %#x", dev->index, on);
	return RNDIS_STATUS_SUCCESS;
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "offload parameters: %u bytes, header %#x/%u/%u",
			  inlen, p.header.type, p.header.revision,
			  p.header.size);
	return RNDIS_STATUS_INVALID_DATA;
}

static u32 sim_net_set_rss(struct sim_net_dev *dev, const u8 *in, u32 inlen)
{
	struct sim_net_rss *old = rcu_dereference_protected(dev->rss, true);
	u32 nchan = 1 + READ_ONCE(dev->subs_asked), i, hashinfo, q;
	struct ndis_rss_params p = {};
	struct sim_net_rss *rss;
	u16 flags;

	if (READ_ONCE(dev->nvsp_version) < NVSP_VERSION_5 ||
	    inlen < NDIS_RSS_PARAMS_SIZE_REV1)
		goto bad;
	memcpy(&p, in, min_t(u32, inlen, sizeof(p)));
	flags = p.flags;
	if (p.header.type != NDIS_OBJ_RSS_PARAMETERS ||
	    (p.header.revision != NDIS_RSS_PARAMS_REV1 &&
	     p.header.revision != NDIS_RSS_PARAMS_REV2) ||
	    p.header.size < (p.header.revision == NDIS_RSS_PARAMS_REV1 ?
			     NDIS_RSS_PARAMS_SIZE_REV1 :
			     NDIS_RSS_PARAMS_SIZE_REV2) ||
	    p.header.size > inlen || flags & ~NDIS_RSS_PARAM_FLAGS_DEFINED)
		goto bad;
	hashinfo = p.hashinfo;
	if (flags & NDIS_RSS_PARAM_FLAG_DISABLE_RSS ||
	    (!(flags & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED) &&
	     !(hashinfo & NDIS_HASH_FUNC_MASK))) {
		rss = NULL;
		goto publish;
	}
	rss = kzalloc(sizeof(*rss), GFP_KERNEL);
	if (!rss)
		return RNDIS_STATUS_RESOURCES;
	if (old)
		memcpy(rss, old, sizeof(*rss));
	else if (flags & (NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED |
			  NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED |
			  NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED))
		goto bad_free;	/* nothing to keep */
	if (!(flags & NDIS_RSS_PARAM_FLAG_HASH_INFO_UNCHANGED)) {
		if ((hashinfo & NDIS_HASH_FUNC_MASK) != NDIS_HASH_FUNC_TOEPLITZ ||
		    hashinfo & ~(NDIS_HASH_FUNC_MASK | SIM_NET_HASH_TYPES) ||
		    !(hashinfo & SIM_NET_HASH_TYPES))
			goto bad_free;
		rss->hashinfo = hashinfo;
	}
	if (!(flags & NDIS_RSS_PARAM_FLAG_ITABLE_UNCHANGED)) {
		if (!p.indirect_tabsize || p.indirect_tabsize % 4 ||
		    p.indirect_tabsize > 4 * NDIS_RSS_INDIRECT_MAX ||
		    p.indirect_taboffset < p.header.size ||
		    p.indirect_taboffset > inlen ||
		    p.indirect_tabsize > inlen - p.indirect_taboffset)
			goto bad_free;
		rss->nentries = p.indirect_tabsize / 4;
		for (i = 0; i < rss->nentries; i++) {
			memcpy(&q, in + p.indirect_taboffset + 4 * i, 4);
			if (q >= nchan) {
				sim_net_violation(dev, SIM_V_NET_RNDIS,
						  "RSS table entry %u is queue %u of %u",
						  i, q, nchan);
				kfree(rss);
				return RNDIS_STATUS_INVALID_DATA;
			}
			rss->table[i] = q;
		}
	}
	if (!(flags & NDIS_RSS_PARAM_FLAG_HASH_KEY_UNCHANGED)) {
		if (p.hashkey_size != NDIS_RSS_KEY_SIZE ||
		    p.hashkey_offset < p.header.size ||
		    p.hashkey_offset > inlen ||
		    inlen - p.hashkey_offset < NDIS_RSS_KEY_SIZE)
			goto bad_free;
		memcpy(rss->key, in + p.hashkey_offset, NDIS_RSS_KEY_SIZE);
	}
publish:
	rcu_assign_pointer(dev->rss, rss);
	if (old)
		kfree_rcu(old, rcu);
	sim_trace_note("netvsp: nic%u: RSS %s, %u entries, hash %#x",
		       dev->index, rss ? "on" : "off", rss ? rss->nentries : 0,
		       rss ? rss->hashinfo : 0);
	return RNDIS_STATUS_SUCCESS;
bad_free:
	kfree(rss);
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "RSS parameters: %u bytes, header %#x/%u/%u, flags %#x, hash %#x, table %u+%u, key %u+%u",
			  inlen, p.header.type, p.header.revision, p.header.size,
			  p.flags, p.hashinfo, p.indirect_taboffset,
			  p.indirect_tabsize, p.hashkey_offset, p.hashkey_size);
	return RNDIS_STATUS_INVALID_DATA;
}

static u32 sim_net_set_encap(struct sim_net_dev *dev, const u8 *in, u32 inlen)
{
	struct ndis_offload_encap e;
	unsigned int i;

	if (inlen < sizeof(e))
		goto bad;
	memcpy(&e, in, sizeof(e));
	if (e.header.type != NDIS_OBJ_OFFLOAD_ENCAP ||
	    e.header.revision != NDIS_OFFLOAD_ENCAP_REV1 ||
	    e.header.size < NDIS_OFFLOAD_ENCAP_SIZE_REV1)
		goto bad;
	for (i = 0; i < 2; i++) {
		const struct ndis_offload_encap_ip *ip = i ? &e.ip6 : &e.ip4;

		if (ip->enabled > NDIS_OFFLOAD_SET_OFF)
			goto bad;
		if (ip->enabled == NDIS_OFFLOAD_SET_ON &&
		    (ip->encap_type != NDIS_ENCAP_IEEE_802_3 ||
		     ip->header_size != ETH_HLEN))
			return RNDIS_STATUS_NOT_SUPPORTED;
	}
	return RNDIS_STATUS_SUCCESS;
bad:
	sim_net_violation(dev, SIM_V_NET_RNDIS,
			  "offload encapsulation of %u bytes", inlen);
	return RNDIS_STATUS_INVALID_DATA;
}

static u32 sim_net_set_oid(struct sim_net_dev *dev, u32 oid, const u8 *in,
			   u32 inlen)
{
	switch (oid) {
	case RNDIS_OID_GEN_CURRENT_PACKET_FILTER:
		return sim_net_set_filter(dev, in, inlen);
	case RNDIS_OID_GEN_RNDIS_CONFIG_PARAMETER:
		return sim_net_set_config(dev, in, inlen);
	case RNDIS_OID_TCP_OFFLOAD_PARAMETERS:
		return sim_net_set_offload(dev, in, inlen);
	case RNDIS_OID_GEN_RECEIVE_SCALE_PARAMETERS:
		return sim_net_set_rss(dev, in, inlen);
	case RNDIS_OID_OFFLOAD_ENCAPSULATION:
		return sim_net_set_encap(dev, in, inlen);
	}
	return RNDIS_STATUS_NOT_SUPPORTED;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */

/* QUERY or SET: check the info buffer, run it, queue the completion. */
static void sim_net_query_set(struct sim_net_dev *dev, const u8 *msg, u32 len,
			      bool set)
{
	const struct rndis_query_req *req = (const void *)(msg + RNDIS_HDR_LEN);
	u32 off = req->info_buf_offset, ilen = req->info_buf_len;
	u32 status = RNDIS_STATUS_INVALID_DATA, olen = 0;
	struct {
		struct rndis_msg_hdr hdr;
		struct rndis_query_cmplt c;
		u8 data[SIM_NET_QUERY_MAX];
	} r = {};
	const u8 *in = NULL;

	/* Hyper-V wants offset 20 even without input (netvsc.md 16.2). */
	if (len < RNDIS_LEN(query_req) || off < RNDIS_REQ_INFO_OFFSET ||
	    off > len - RNDIS_HDR_LEN || ilen > len - RNDIS_HDR_LEN - off ||
	    req->dev_vc_handle) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "%s of OID %#x: msg_len %u, info %u+%u, vc %u",
				  set ? "SET" : "QUERY", req->oid, len, off,
				  ilen, req->dev_vc_handle);
	} else {
		in = msg + RNDIS_HDR_LEN + off;
		if (set)
			status = sim_net_set_oid(dev, req->oid, in, ilen);
		else
			status = sim_net_query_oid(dev, req->oid, in, ilen,
						   r.data, &olen);
	}
	if (set) {
		r.hdr.type = RNDIS_MSG_SET_C;
		r.hdr.len = RNDIS_LEN(set_cmplt);
	} else {
		r.hdr.type = RNDIS_MSG_QUERY_C;
		r.hdr.len = RNDIS_LEN(query_cmplt) + olen;
		r.c.info_buf_len = olen;
		r.c.info_buf_offset = sizeof(r.c);
	}
	r.c.req_id = req->req_id;
	r.c.status = status;
	sim_net_ctrl_queue(dev, &r, r.hdr.len);
}

static void sim_net_init_req(struct sim_net_dev *dev, const u8 *msg)
{
	const struct rndis_init_req *req = (const void *)(msg + RNDIS_HDR_LEN);
	struct {
		struct rndis_msg_hdr hdr;
		struct rndis_init_cmplt c;
	} r = {
		.hdr.type = RNDIS_MSG_INIT_C,
		.hdr.len = RNDIS_LEN(init_cmplt),
		.c.req_id = req->req_id,
		.c.status = RNDIS_STATUS_SUCCESS,
		.c.major = RNDIS_MAJOR_VERSION,
		.c.minor = RNDIS_MINOR_VERSION,
		.c.dev_flags = RNDIS_DF_CONNECTIONLESS,
		.c.medium = RNDIS_MEDIUM_802_3,
		.c.max_pkt_per_msg = SIM_NET_MAX_PKT_PER_MSG,
		.c.max_xfer_size = SIM_NET_MAX_XFER_SIZE,
		.c.pkt_align_factor = SIM_NET_ALIGN_FACTOR,
	};

	if (READ_ONCE(dev->rndis) != SIM_NET_RNDIS_UNINIT) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "RNDIS INITIALIZE of an initialized device");
		r.c.status = RNDIS_STATUS_FAILURE;
	} else if (req->major != RNDIS_MAJOR_VERSION || !req->max_xfer_size) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "RNDIS INITIALIZE %u.%u, max transfer %u",
				  req->major, req->minor, req->max_xfer_size);
		r.c.status = RNDIS_STATUS_BAD_VERSION;
	} else {
		WRITE_ONCE(dev->rndis, SIM_NET_RNDIS_READY);
		sim_trace_note("netvsp: nic%u: RNDIS initialized", dev->index);
	}
	sim_net_ctrl_queue(dev, &r, r.hdr.len);
}

/**
 * sim_net_rndis_control() - an RNDIS control message from the guest
 * @nc: the primary channel
 * @msg: the message, copied out of guest memory
 * @len: its bytes (>= 8; msg_len == @len as sim_net_tx.c checked)
 *
 * Channel work.
 */
void sim_net_rndis_control(struct sim_net_chan *nc, const u8 *msg, u32 len)
{
	struct sim_net_dev *dev = nc->dev;
	const struct rndis_msg_hdr *hdr = (const void *)msg;
	int state = READ_ONCE(dev->rndis);
	u32 need = 0;
	struct {
		struct rndis_msg_hdr hdr;
		u32 req_id_or_status;
		u32 status_or_reset;
	} r = {};

	if (!rcu_access_pointer(dev->rxbuf)) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "RNDIS message %#x before the receive buffer",
				  hdr->type);
		return;		/* no way to answer */
	}
	switch (hdr->type) {
	case RNDIS_MSG_INIT:
		need = RNDIS_LEN(init_req);
		break;
	case RNDIS_MSG_HALT:
	case RNDIS_MSG_RESET:
	case RNDIS_MSG_KEEPALIVE:
		need = RNDIS_LEN(halt_req);
		break;
	case RNDIS_MSG_QUERY:
	case RNDIS_MSG_SET:
		need = RNDIS_LEN(query_req);
		break;
	default:
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "RNDIS control message type %#x", hdr->type);
		return;
	}
	if (len < need || (need != RNDIS_LEN(query_req) && len != need)) {
		sim_net_violation(dev, SIM_V_NET_RNDIS,
				  "RNDIS message %#x of %u bytes (%u)",
				  hdr->type, len, need);
		return;
	}
	if (hdr->type == RNDIS_MSG_INIT) {
		sim_net_init_req(dev, msg);
		return;
	}
	if (state != SIM_NET_RNDIS_READY) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "RNDIS message %#x with the device %s",
				  hdr->type, state == SIM_NET_RNDIS_HALTED ?
				  "halted" : "not initialized");
		if (hdr->type == RNDIS_MSG_HALT)
			return;
	}
	memcpy(&r.req_id_or_status, msg + RNDIS_HDR_LEN, sizeof(u32));
	switch (hdr->type) {
	case RNDIS_MSG_HALT:
		/* No answer; frames stop, data is refused from now on. */
		WRITE_ONCE(dev->rndis, SIM_NET_RNDIS_HALTED);
		sim_trace_note("netvsp: nic%u: RNDIS halted", dev->index);
		return;
	case RNDIS_MSG_QUERY:
	case RNDIS_MSG_SET:
		if (state != SIM_NET_RNDIS_READY) {
			/* Answer, failed, so the guest stops waiting. */
			r.hdr.type = hdr->type | RNDIS_MSG_COMPLETION;
			r.hdr.len = RNDIS_LEN(set_cmplt);
			r.status_or_reset = RNDIS_STATUS_FAILURE;
			break;
		}
		sim_net_query_set(dev, msg, len, hdr->type == RNDIS_MSG_SET);
		return;
	case RNDIS_MSG_RESET:
		/* RESET_CMPLT: status, addressing_reset (no request ID). */
		r.hdr.type = RNDIS_MSG_RESET_C;
		r.hdr.len = RNDIS_LEN(reset_cmplt);
		r.req_id_or_status = state == SIM_NET_RNDIS_READY ?
				     RNDIS_STATUS_SUCCESS : RNDIS_STATUS_FAILURE;
		r.status_or_reset = 0;
		break;
	default:	/* KEEPALIVE */
		r.hdr.type = RNDIS_MSG_KEEPALIVE_C;
		r.hdr.len = RNDIS_LEN(keepalive_cmplt);
		r.status_or_reset = state == SIM_NET_RNDIS_READY ?
				    RNDIS_STATUS_SUCCESS : RNDIS_STATUS_FAILURE;
		break;
	}
	sim_net_ctrl_queue(dev, &r, r.hdr.len);
}
