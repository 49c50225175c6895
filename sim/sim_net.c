// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the Hyper-V synthetic NIC (NetVSP): the "nic" device kind,
 * its parameters, the NVSP messages of netvsc.md sections 2-5 and 12, the
 * channel life cycle and debugfs "netvsp" / "netvsp_ctl".  The data path
 * is in sim_net_tx.c and sim_net_rx.c, RNDIS in sim_net_rndis.c; the
 * state and its rules in sim_net.h.
 *
 * The guest drives the bring-up on the primary channel, in this order
 * (Linux's; OpenVMM enforces the same):
 *
 *   INIT (until a version fits) -> [v2+: SEND_NDIS_CONFIG] ->
 *   SEND_NDIS_VERSION -> SEND_RECV_BUF -> SEND_SEND_BUF -> RNDIS
 *   INITIALIZE, queries and sets -> [v5+: SUBCHANNEL] -> data
 *
 * and tears it down with RNDIS HALT, REVOKE_RECV_BUF, REVOKE_SEND_BUF and
 * the channel close.  Opening the primary channel starts a new attach.
 * Sub-channels carry SEND_RNDIS_PKT data and completions only.  Every
 * guest error is a violation (net-nvsp, net-state, ...); a request that
 * waits for an answer gets one (status FAIL) unless its transaction ID is
 * 0, which Hyper-V does not answer either.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "sim_net.h"

/* ------------------------------------------------------------------ */
/* Parameters                                                          */

u32 sim_net_max_version = NVSP_VERSION_61;

/* The versions the host speaks, newest first, and their names. */
static const struct {
	u32 version;
	const char *name;
} sim_net_versions[] = {
	{ NVSP_VERSION_61, "6.1" },
	{ NVSP_VERSION_6, "6" },
	{ NVSP_VERSION_5, "5" },
	{ NVSP_VERSION_4, "4" },
	{ NVSP_VERSION_2, "2" },
	{ NVSP_VERSION_1, "1" },
};

static int sim_net_version_set(const char *val, const struct kernel_param *kp)
{
	char buf[16];
	unsigned int i;
	u32 v;

	if (strscpy(buf, val, sizeof(buf)) < 0)
		return -EINVAL;
	strim(buf);
	for (i = 0; i < ARRAY_SIZE(sim_net_versions); i++) {
		if (!strcmp(buf, sim_net_versions[i].name)) {
			WRITE_ONCE(*(u32 *)kp->arg, sim_net_versions[i].version);
			return 0;
		}
	}
	if (kstrtou32(buf, 0, &v))
		return -EINVAL;
	WRITE_ONCE(*(u32 *)kp->arg, v);
	return 0;
}

static int sim_net_version_get(char *buf, const struct kernel_param *kp)
{
	u32 v = READ_ONCE(*(u32 *)kp->arg);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_net_versions); i++)
		if (sim_net_versions[i].version == v)
			return scnprintf(buf, PAGE_SIZE, "%s\n",
					 sim_net_versions[i].name);
	return scnprintf(buf, PAGE_SIZE, "0x%x\n", v);
}

static const struct kernel_param_ops sim_net_version_ops = {
	.set = sim_net_version_set,
	.get = sim_net_version_get,
};

module_param_cb(net_max_version, &sim_net_version_ops, &sim_net_max_version,
		0644);
MODULE_PARM_DESC(net_max_version,
		 "Highest NVSP version a nic accepts: 6.1, 6, 5, 4, 2, 1 or a version word such as 0x60001 (default 6.1)");

static unsigned int net_max_subchannels = 7;
module_param(net_max_subchannels, uint, 0644);
MODULE_PARM_DESC(net_max_subchannels,
		 "Sub-channels a nic grants (NVSP >= 5), at most 16 (default 7)");

static char *nic_macs = "";
module_param(nic_macs, charp, 0444);
MODULE_PARM_DESC(nic_macs,
		 "MAC address of each nic, comma-separated, by index (default 00:15:5d:56:00:NN, NN = index + 1)");

/**
 * sim_net_subs_limit() - sub-channels a NIC grants (net_max_subchannels)
 *
 * Return: at most SIM_MAX_SUBCHANNELS.
 */
unsigned int sim_net_subs_limit(void)
{
	return min_t(unsigned int, READ_ONCE(net_max_subchannels),
		     SIM_MAX_SUBCHANNELS);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/**
 * sim_net_violation() - count a guest error of a NIC
 * @dev: the NIC
 * @kind: violation kind (SIM_V_NET_*)
 * @fmt: what happened
 *
 * Any context.
 */
void sim_net_violation(struct sim_net_dev *dev, enum sim_viol kind,
		       const char *fmt, ...)
{
	char text[112];
	va_list args;

	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	atomic_long_inc(&dev->viol);
	sim_violation(kind, "nic%u: %s", dev->index, text);
}

/**
 * sim_net_fault() - take one shot of an armed fault
 * @dev: the NIC
 * @fault: which
 *
 * Any context.
 *
 * Return: true if the fault fires now.
 */
bool sim_net_fault(struct sim_net_dev *dev, enum sim_net_fault fault)
{
	if (likely(!atomic_read(&dev->fault[fault])))
		return false;
	if (atomic_dec_if_positive(&dev->fault[fault]) < 0)
		return false;
	atomic_long_inc(&dev->fired[fault]);
	return true;
}

/**
 * sim_net_rxbuf() - the receive buffer, for the channel work
 * @dev: the NIC
 *
 * rcu_read_lock() held.
 *
 * Return: the buffer or NULL.
 */
struct sim_net_buf *sim_net_rxbuf(struct sim_net_dev *dev)
{
	return rcu_dereference(dev->rxbuf);
}

/**
 * sim_net_send_comp() - send a completion, keeping it if the ring is full
 * @nc: channel
 * @trans: the guest's transaction ID
 * @msg: NVSP message (NULL with @len 0: an empty completion)
 * @len: its bytes, at most NVSP_MSG_SIZE
 *
 * Channel work.  Completions keep their order: once one waits, the next
 * ones wait behind it, and the channel reads no further guest packet
 * until poll sent them (sim_net_tx_flush()).
 *
 * Return: 0, or -errno when the channel is unusable.
 */
int sim_net_send_comp(struct sim_net_chan *nc, u64 trans, const void *msg,
		      u32 len)
{
	u8 body[NVSP_MSG_SIZE] = {};
	unsigned int i;
	int ret;

	if (WARN_ON_ONCE(len > NVSP_MSG_SIZE))
		return -EINVAL;
	if (len)
		memcpy(body, msg, len);
	if (!nc->ncomp) {
		ret = sim_chan_send(nc->chan, VM_PKT_COMP, 0, trans, body, len);
		if (ret != -EAGAIN) {
			if (!ret)
				nc->stats.tx_comps++;
			return ret;
		}
		nc->stats.ring_full++;
	}
	/* Bounded: the channel reads nothing more while any waits. */
	if (WARN_ON_ONCE(nc->ncomp == SIM_NET_COMP_PENDING))
		return -ENOSPC;
	i = nc->ncomp++;
	nc->comp_trans[i] = trans;
	nc->comp_status[i] = len;
	memcpy(nc->comp_msg[i], body, sizeof(body));
	sim_chan_hold_rx(nc->chan, SIM_CHAN_HOLD_BACKEND);
	return 0;
}

/* The standard reply: type, status word, zeroes; a 40-byte completion. */
static void sim_net_reply(struct sim_net_chan *nc, u64 trans,
			  struct nvsp_msg *reply)
{
	sim_net_send_comp(nc, trans, reply, SIM_NET_REPLY_LEN);
}

static bool sim_net_version_ok(u32 v)
{
	unsigned int i;

	if (v > READ_ONCE(sim_net_max_version))
		return false;
	for (i = 0; i < ARRAY_SIZE(sim_net_versions); i++)
		if (sim_net_versions[i].version == v)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* NVSP control messages (primary channel)                             */

static void sim_net_init(struct sim_net_chan *nc, u64 trans,
			 const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;
	u32 lo = msg->init.min_protocol_ver, hi = msg->init.max_protocol_ver;
	struct nvsp_msg reply = { .type = NVSP_MSG_INIT_COMPLETE };
	unsigned int i;

	reply.init_complete.status = NVSP_STAT_NONE;
	if (dev->nvsp_version) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "INIT after version %#x was agreed",
				  dev->nvsp_version);
		reply.init_complete.status = NVSP_STAT_FAIL;
		goto out;
	}
	if (lo > hi) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "INIT for versions %#x..%#x", lo, hi);
		goto out;
	}
	/* The newest version the host has in [lo, hi]; NONE if none. */
	for (i = 0; i < ARRAY_SIZE(sim_net_versions); i++) {
		u32 v = sim_net_versions[i].version;

		if (v >= lo && v <= hi && sim_net_version_ok(v)) {
			WRITE_ONCE(dev->nvsp_version, v);
			reply.init_complete.negotiated_protocol_ver = v;
			reply.init_complete.status = NVSP_STAT_SUCCESS;
			sim_trace_note("netvsp: nic%u: NVSP %#x", dev->index, v);
			break;
		}
	}
out:
	reply.init_complete.max_mdl_chain_len = SIM_NET_MAX_MDL_CHAIN;
	sim_net_reply(nc, trans, &reply);
}

static void sim_net_ndis_version(struct sim_net_chan *nc,
				 const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;
	u32 major = msg->ndis_version.major, minor = msg->ndis_version.minor;

	if (!dev->nvsp_version || dev->ndis_version) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SEND_NDIS_VERSION %s", dev->ndis_version ?
				  "twice" : "before INIT");
		return;
	}
	if (major != NVSP_NDIS_MAJOR ||
	    (minor != NVSP_NDIS_MINOR_V4 && minor != 20 &&
	     minor != NVSP_NDIS_MINOR_V5)) {
		sim_net_violation(dev, SIM_V_NET_NVSP, "NDIS version %u.%u",
				  major, minor);
		return;
	}
	WRITE_ONCE(dev->ndis_version, NVSP_NDIS_VERSION(major, minor));
}

static void sim_net_ndis_config(struct sim_net_chan *nc,
				const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;
	u32 mtu = msg->ndis_config.mtu;
	u64 caps = msg->ndis_config.capabilities;

	if (!dev->nvsp_version || dev->nvsp_version < NVSP_VERSION_2 ||
	    dev->ndis_config || rcu_access_pointer(dev->rxbuf)) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SEND_NDIS_CONFIG at NVSP %#x (%s)",
				  dev->nvsp_version, dev->ndis_config ?
				  "twice" : "not now");
		return;
	}
	if (mtu < SIM_NET_MTU_MIN || mtu > SIM_NET_MTU_MAX ||
	    msg->ndis_config.reserved || caps & ~GENMASK_ULL(7, 0)) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "NDIS config MTU %u, reserved %#x, capabilities %#llx",
				  mtu, msg->ndis_config.reserved, caps);
		mtu = SIM_NET_MTU_DEFAULT;
	}
	dev->ndis_config = true;
	WRITE_ONCE(dev->mtu, mtu);
	WRITE_ONCE(dev->caps, caps);
}

/* Map the GPADL a SEND_RECV_BUF / SEND_SEND_BUF names; violation if bad. */
static int sim_net_map(struct sim_net_chan *nc, u32 handle, u32 max,
		       struct sim_gpadl_map *map, const char *what)
{
	struct sim_net_dev *dev = nc->dev;
	int ret;

	ret = sim_chan_map_gpadl(nc->chan, handle, map);
	if (ret == -ENOMEM)
		return ret;
	if (ret) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "%s: GPADL %#x %s", what, handle,
				  ret == -ENOENT ? "not created on the primary channel" :
				  ret == -EBUSY ? "in use" :
				  "not one page-aligned range");
		return ret;
	}
	if (map->size > max) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "%s: %u bytes, at most %u", what, map->size,
				  max);
		sim_chan_unmap_gpadl(map);
		return -EINVAL;
	}
	return 0;
}

/* Unpublish a buffer, wait for its readers, unmap and free it. */
static void sim_net_buf_drop(struct sim_net_buf __rcu **slot)
{
	struct sim_net_buf *buf = rcu_replace_pointer(*slot, NULL, true);

	if (!buf)
		return;
	synchronize_rcu();
	sim_chan_unmap_gpadl(&buf->map);
	sim_net_buf_free(buf);
}

static void sim_net_recv_buf(struct sim_net_chan *nc, u64 trans,
			     const struct nvsp_msg *msg)
{
	struct nvsp_send_recv_buf_complete *done;
	struct sim_net_dev *dev = nc->dev;
	struct nvsp_msg reply = { .type = NVSP_MSG1_SEND_RECV_BUF_COMPLETE };
	u32 max, slot;
	struct sim_gpadl_map map;
	struct sim_net_buf *buf;

	done = &reply.send_recv_buf_complete;
	done->status = NVSP_STAT_FAIL;
	if (!dev->nvsp_version || !dev->ndis_version ||
	    (dev->nvsp_version >= NVSP_VERSION_2 && !dev->ndis_config) ||
	    rcu_access_pointer(dev->rxbuf)) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SEND_RECV_BUF before INIT/NDIS version/NDIS config, or twice");
		goto out;
	}
	max = dev->nvsp_version <= NVSP_VERSION_2 ? NVSP_RECV_BUF_MAX_LEGACY :
						    NVSP_RECV_BUF_MAX;
	if (sim_net_map(nc, msg->send_recv_buf.gpadl_handle, max, &map,
			"SEND_RECV_BUF"))
		goto out;
	/* OpenVMM's slot: RNDIS header room, the L2 MTU, Windows' 36 bytes. */
	slot = ALIGN(SIM_NET_RX_FRAME_OFF + dev->mtu + SIM_NET_RX_SLOT_TAIL,
		     SIM_NET_RX_SLOT_ALIGN);
	if (map.size < slot) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "SEND_RECV_BUF of %u bytes: not one slot of %u",
				  map.size, slot);
		sim_chan_unmap_gpadl(&map);
		goto out;
	}
	buf = sim_net_rxbuf_alloc(&map, msg->send_recv_buf.id, slot);
	if (!buf) {
		sim_chan_unmap_gpadl(&map);
		goto out;
	}
	buf->gen = ++dev->buf_gen;
	rcu_assign_pointer(dev->rxbuf, buf);
	done->status = NVSP_STAT_SUCCESS;
	done->num_sections = 1;
	done->sections[0].offset = 0;
	done->sections[0].sub_alloc_size = buf->slot_size;
	done->sections[0].num_sub_allocs = buf->nslots;
	done->sections[0].end_offset = buf->slot_size * buf->nslots;
	sim_trace_note("netvsp: nic%u: receive buffer %u bytes, %u slots of %u",
		       dev->index, map.size, buf->nslots, buf->slot_size);
out:
	sim_net_reply(nc, trans, &reply);
}

static void sim_net_send_buf(struct sim_net_chan *nc, u64 trans,
			     const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;
	struct nvsp_msg reply = { .type = NVSP_MSG1_SEND_SEND_BUF_COMPLETE };
	struct sim_gpadl_map map;
	struct sim_net_buf *buf;

	reply.send_send_buf_complete.status = NVSP_STAT_FAIL;
	if (!rcu_access_pointer(dev->rxbuf) || rcu_access_pointer(dev->txbuf)) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SEND_SEND_BUF before the receive buffer, or twice");
		goto out;
	}
	if (sim_net_map(nc, msg->send_send_buf.gpadl_handle, NVSP_SEND_BUF_MAX,
			&map, "SEND_SEND_BUF"))
		goto out;
	if (map.size < SIM_NET_SECTION_SIZE) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "SEND_SEND_BUF of %u bytes: not one section",
				  map.size);
		sim_chan_unmap_gpadl(&map);
		goto out;
	}
	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		sim_chan_unmap_gpadl(&map);
		goto out;
	}
	buf->map = map;
	buf->id = msg->send_send_buf.id;
	buf->gen = ++dev->buf_gen;
	buf->nsections = map.size / SIM_NET_SECTION_SIZE;
	rcu_assign_pointer(dev->txbuf, buf);
	reply.send_send_buf_complete.status = NVSP_STAT_SUCCESS;
	reply.send_send_buf_complete.section_size = SIM_NET_SECTION_SIZE;
	sim_trace_note("netvsp: nic%u: send buffer %u bytes, %u sections",
		       dev->index, map.size, buf->nsections);
out:
	sim_net_reply(nc, trans, &reply);
}

static void sim_net_revoke(struct sim_net_chan *nc, const struct nvsp_msg *msg,
			   bool recv)
{
	struct sim_net_dev *dev = nc->dev;
	struct sim_net_buf __rcu **slot = recv ? &dev->rxbuf : &dev->txbuf;
	struct sim_net_buf *buf = rcu_dereference_protected(*slot, true);

	if (!buf) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "REVOKE_%s_BUF with no such buffer",
				  recv ? "RECV" : "SEND");
		return;
	}
	if (msg->revoke_buf.id != buf->id) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "REVOKE_%s_BUF of id %#x, registered %#x",
				  recv ? "RECV" : "SEND", msg->revoke_buf.id,
				  buf->id);
		return;
	}
	sim_net_buf_drop(slot);
	sim_trace_note("netvsp: nic%u: %s buffer revoked", dev->index,
		       recv ? "receive" : "send");
}

static void sim_net_subchannel(struct sim_net_chan *nc, u64 trans,
			       const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;
	struct nvsp_msg reply = { .type = NVSP_MSG5_SUBCHANNEL };
	u32 asked = msg->subchannel_req.num_subchannels;
	unsigned int want, granted, limit = sim_net_subs_limit();

	reply.subchannel_resp.status = NVSP_STAT_FAIL;
	if (dev->nvsp_version < NVSP_VERSION_5 ||
	    !rcu_access_pointer(dev->rxbuf)) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SUBCHANNEL at NVSP %#x, receive buffer %s",
				  dev->nvsp_version,
				  rcu_access_pointer(dev->rxbuf) ? "set" : "missing");
		goto out;
	}
	if (msg->subchannel_req.op != NVSP_SUBCHANNEL_ALLOCATE || !asked) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "SUBCHANNEL op %u for %u", msg->subchannel_req.op,
				  asked);
		goto out;
	}
	want = min_t(u32, asked, limit - min(limit, dev->subs_asked));
	granted = want ? sim_server_offer_subchannels(nc->chan, want) : 0;
	WRITE_ONCE(dev->subs_asked, dev->subs_asked + granted);
	reply.subchannel_resp.status = NVSP_STAT_SUCCESS;
	reply.subchannel_resp.num_subchannels = granted;
	sim_trace_note("netvsp: nic%u: %u of %u sub-channels", dev->index,
		       granted, asked);
	/* All may be open already (the offers went out before this). */
	if (granted && atomic_read(&dev->subs_open) >= dev->subs_asked)
		set_bit(SIM_NET_EV_SEND_TABLE, &dev->events);
out:
	sim_net_reply(nc, trans, &reply);
}

static void sim_net_switch_path(struct sim_net_chan *nc, u64 trans,
				bool want_comp, const struct nvsp_msg *msg)
{
	struct sim_net_dev *dev = nc->dev;

	if (dev->nvsp_version < NVSP_VERSION_4)
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SWITCH_DATA_PATH at NVSP %#x",
				  dev->nvsp_version);
	else if (msg->switch_data_path.active_datapath != NVSP_DATAPATH_SYNTHETIC)
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "SWITCH_DATA_PATH to %u: no VF was offered",
				  msg->switch_data_path.active_datapath);
	/* Linux matches only an empty completion to its request. */
	if (want_comp)
		sim_net_send_comp(nc, trans, NULL, 0);
}

static void sim_net_oid_query_ex(struct sim_net_chan *nc, u64 trans)
{
	struct nvsp_msg reply = { .type = NVSP_MSG5_OID_QUERY_EX_COMPLETE };

	if (nc->dev->nvsp_version < NVSP_VERSION_5)
		sim_net_violation(nc->dev, SIM_V_NET_STATE,
				  "OID_QUERY_EX at NVSP %#x",
				  nc->dev->nvsp_version);
	reply.oid_query_ex_complete.status = RNDIS_STATUS_NOT_SUPPORTED;
	sim_net_reply(nc, trans, &reply);
}

/* ------------------------------------------------------------------ */
/* Guest packets                                                       */

/* Bytes each message type needs, and whether its sender waits. */
static const struct {
	u32 type;
	u32 len;
	bool reply;
	bool sub_ok;			/* allowed on a sub-channel */
} sim_net_msgs[] = {
	{ NVSP_MSG_INIT, NVSP_MSG_LEN(init), true, false },
	{ NVSP_MSG1_SEND_NDIS_VERSION, NVSP_MSG_LEN(ndis_version), false, false },
	{ NVSP_MSG2_SEND_NDIS_CONFIG, NVSP_MSG_LEN(ndis_config), false, false },
	{ NVSP_MSG1_SEND_RECV_BUF, NVSP_MSG_LEN(send_recv_buf), true, false },
	{ NVSP_MSG1_REVOKE_RECV_BUF, NVSP_MSG_LEN(revoke_buf), false, false },
	{ NVSP_MSG1_SEND_SEND_BUF, NVSP_MSG_LEN(send_send_buf), true, false },
	{ NVSP_MSG1_REVOKE_SEND_BUF, NVSP_MSG_LEN(revoke_buf), false, false },
	{ NVSP_MSG1_SEND_RNDIS_PKT, NVSP_MSG_LEN(rndis_pkt), false, true },
	{ NVSP_MSG4_SWITCH_DATA_PATH, NVSP_MSG_LEN(switch_data_path), false, false },
	{ NVSP_MSG5_OID_QUERY_EX, NVSP_MSG_LEN(oid_query_ex), true, false },
	{ NVSP_MSG5_SUBCHANNEL, NVSP_MSG_LEN(subchannel_req), true, false },
};

static void sim_net_rx(struct sim_chan *chan, const struct sim_pkt *pkt)
{
	struct sim_net_chan *nc = sim_chan_priv(chan);
	struct sim_net_dev *dev = nc->dev;
	u16 type = pkt->desc->type;
	u64 trans = pkt->desc->trans_id;
	bool want_comp = pkt->desc->flags &
			 VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED;
	struct nvsp_msg msg = {};
	unsigned int i;

	if (unlikely(!nc->xfer))
		return;		/* start() failed: the channel is dead */
	if (type == VM_PKT_COMP) {
		sim_net_rx_completion(nc, pkt);
		return;
	}
	memcpy(&msg, pkt->payload, min_t(u32, pkt->payload_len, sizeof(msg)));
	for (i = 0; i < ARRAY_SIZE(sim_net_msgs); i++)
		if (sim_net_msgs[i].type == msg.type)
			break;
	if (pkt->payload_len < sizeof(msg.type) ||
	    i == ARRAY_SIZE(sim_net_msgs)) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "channel %u: NVSP message type %u, %u bytes",
				  sim_chan_relid(chan), msg.type,
				  pkt->payload_len);
		if (want_comp && trans)
			sim_net_send_comp(nc, trans, NULL, 0);
		return;
	}
	if (pkt->payload_len < sim_net_msgs[i].len ||
	    (type == VM_PKT_DATA_USING_GPA_DIRECT &&
	     msg.type != NVSP_MSG1_SEND_RNDIS_PKT) ||
	    (sim_net_msgs[i].reply && (!want_comp || !trans))) {
		sim_net_violation(dev, SIM_V_NET_NVSP,
				  "channel %u: NVSP %u of %u bytes (at least %u), packet type %u, flags %#x, transaction %#llx",
				  sim_chan_relid(chan), msg.type,
				  pkt->payload_len, sim_net_msgs[i].len, type,
				  pkt->desc->flags, trans);
		if (sim_net_msgs[i].reply && want_comp && trans) {
			struct nvsp_msg reply = { .type = msg.type + 1 };

			reply.init_complete.status = NVSP_STAT_FAIL;
			if (msg.type == NVSP_MSG_INIT)
				reply.init_complete.status = NVSP_STAT_NONE;
			if (msg.type == NVSP_MSG5_SUBCHANNEL)
				reply.type = msg.type;
			sim_net_reply(nc, trans, &reply);
		}
		return;
	}
	if (sim_chan_subindex(chan) && !sim_net_msgs[i].sub_ok) {
		sim_net_violation(dev, SIM_V_NET_STATE,
				  "NVSP %u on sub-channel %u", msg.type,
				  sim_chan_subindex(chan));
		if (want_comp && trans)
			sim_net_send_comp(nc, trans, NULL, 0);
		return;
	}

	switch (msg.type) {
	case NVSP_MSG_INIT:
		sim_net_init(nc, trans, &msg);
		return;
	case NVSP_MSG1_SEND_RNDIS_PKT:
		sim_net_tx_rndis(nc, pkt, &msg);
		return;
	case NVSP_MSG1_SEND_RECV_BUF:
		sim_net_recv_buf(nc, trans, &msg);
		return;
	case NVSP_MSG1_SEND_SEND_BUF:
		sim_net_send_buf(nc, trans, &msg);
		return;
	case NVSP_MSG5_SUBCHANNEL:
		sim_net_subchannel(nc, trans, &msg);
		return;
	case NVSP_MSG5_OID_QUERY_EX:
		sim_net_oid_query_ex(nc, trans);
		return;
	case NVSP_MSG4_SWITCH_DATA_PATH:
		sim_net_switch_path(nc, trans, want_comp && trans, &msg);
		return;
	case NVSP_MSG1_SEND_NDIS_VERSION:
		sim_net_ndis_version(nc, &msg);
		break;
	case NVSP_MSG2_SEND_NDIS_CONFIG:
		sim_net_ndis_config(nc, &msg);
		break;
	case NVSP_MSG1_REVOKE_RECV_BUF:
		sim_net_revoke(nc, &msg, true);
		break;
	case NVSP_MSG1_REVOKE_SEND_BUF:
		sim_net_revoke(nc, &msg, false);
		break;
	}
	/* No reply is defined: an empty completion if the guest asked. */
	if (want_comp && trans)
		sim_net_send_comp(nc, trans, NULL, 0);
}

static void sim_net_poll(struct sim_chan *chan)
{
	struct sim_net_chan *nc = sim_chan_priv(chan);

	if (unlikely(!nc->xfer))
		return;
	/* A kick from now on runs the work again. */
	clear_bit(0, &nc->kicked);
	/* The queue is read after that (pairs with the kick's test_and_set_bit()). */
	smp_mb__after_atomic();
	if (!sim_net_tx_flush(nc))
		return;		/* ring full: the guest's signal brings us back */
	if (!nc->qidx)
		sim_net_rndis_events(nc);
	sim_net_rx_poll(nc);
	sim_chan_release_rx(chan, SIM_CHAN_HOLD_BACKEND);
}

/* ------------------------------------------------------------------ */
/* Channel life cycle                                                  */

/* A new attach: what the guest driver sets up starts from scratch. */
static void sim_net_dev_reset(struct sim_net_dev *dev)
{
	WRITE_ONCE(dev->nvsp_version, 0);
	WRITE_ONCE(dev->ndis_version, 0);
	dev->ndis_config = false;
	WRITE_ONCE(dev->mtu, SIM_NET_MTU_DEFAULT);
	WRITE_ONCE(dev->caps, 0);
	WRITE_ONCE(dev->subs_asked, 0);
	atomic_set(&dev->subs_open, 0);
	clear_bit(SIM_NET_EV_SEND_TABLE, &dev->events);
	clear_bit(SIM_NET_EV_LINK, &dev->events);
	clear_bit(SIM_NET_EV_NETCHANGE, &dev->events);
	clear_bit(SIM_NET_EV_SPEED, &dev->events);
	sim_net_rndis_reset(dev);
}

static void sim_net_start(struct sim_chan *chan)
{
	struct sim_net_chan *nc = sim_chan_priv(chan);
	struct sim_net_dev *dev = sim_chan_dev_priv(chan);

	nc->chan = chan;
	nc->dev = dev;
	nc->qidx = sim_chan_subindex(chan);
	nc->kicked = 0;
	nc->ncomp = 0;
	if (!nc->qidx)
		sim_net_dev_reset(dev);
	if (sim_net_rx_start(nc)) {
		pr_err("nic%u: channel %u: no memory, channel dead\n",
		       dev->index, sim_chan_relid(chan));
		return;
	}
	rcu_assign_pointer(dev->chans[nc->qidx], nc);
	if (nc->qidx && atomic_inc_return(&dev->subs_open) >=
	    READ_ONCE(dev->subs_asked) && READ_ONCE(dev->subs_asked)) {
		/* The last sub-channel is open: tell the guest the table. */
		set_bit(SIM_NET_EV_SEND_TABLE, &dev->events);
		rcu_read_lock();
		if (rcu_dereference(dev->chans[0]))
			sim_chan_kick(rcu_dereference(dev->chans[0])->chan);
		rcu_read_unlock();
	}
}

static void sim_net_stop(struct sim_chan *chan)
{
	struct sim_net_chan *nc = sim_chan_priv(chan);
	struct sim_net_dev *dev = nc->dev;

	if (!dev)
		return;
	RCU_INIT_POINTER(dev->chans[nc->qidx], NULL);
	if (!nc->qidx) {
		/* The attach ends: no frame is delivered to it any more. */
		WRITE_ONCE(dev->rndis, SIM_NET_RNDIS_UNINIT);
		sim_net_buf_drop(&dev->txbuf);
		sim_net_buf_drop(&dev->rxbuf);
		sim_net_ctrl_free_all(dev);
	}
	/* No receive path holds the channel after this. */
	synchronize_rcu();
	sim_net_rx_stop(nc);
	nc->ncomp = 0;
}

/* ------------------------------------------------------------------ */
/* Device state                                                        */

/* nic_macs entry @index, else 00:15:5d:56:00:<index + 1>. */
static void sim_net_dev_mac(unsigned int index, u8 *mac)
{
	static const u8 base[ETH_ALEN] = { 0x00, 0x15, 0x5d, 0x56, 0x00, 0x00 };
	const char *s = nic_macs ? nic_macs : "";
	unsigned int i = 0;
	char one[24];
	size_t n;

	while (*s) {
		n = strcspn(s, ",");
		if (i == index && n < sizeof(one)) {
			memcpy(one, s, n);
			one[n] = '\0';
			if (mac_pton(strim(one), mac) &&
			    is_valid_ether_addr(mac))
				return;
			pr_warn("nic_macs entry %u is not a unicast MAC: default\n",
				index);
			break;
		}
		s += n + (s[n] == ',');
		i++;
	}
	memcpy(mac, base, ETH_ALEN);
	mac[5] = index + 1;
}

static int sim_net_dev_init(void *priv, unsigned int index)
{
	struct sim_net_dev *dev = priv;

	dev->index = index;
	sim_net_dev_mac(index, dev->perm_mac);
	memcpy(dev->mac, dev->perm_mac, ETH_ALEN);
	seqlock_init(&dev->mac_lock);
	dev->link_up = true;
	dev->link_speed = SIM_NET_LINK_SPEED;
	dev->mtu = SIM_NET_MTU_DEFAULT;
	INIT_LIST_HEAD(&dev->ctrl);
	snprintf(dev->port.name, sizeof(dev->port.name), "nic%u", index);
	dev->port.xmit = sim_net_rx_port_xmit;
	sim_vsw_port_add(&dev->port);
	return 0;
}

static void sim_net_dev_exit(void *priv)
{
	struct sim_net_dev *dev = priv;

	sim_vsw_port_del(&dev->port);
	sim_net_ctrl_free_all(dev);
}

const struct sim_dev_kind sim_nic = {
	.name = "nic",
	.group = "netvsp",
	.id = { HV_NIC_GUID },
	.priv_size = sizeof(struct sim_net_chan),
	.start = sim_net_start,
	.stop = sim_net_stop,
	.rx = sim_net_rx,
	.poll = sim_net_poll,
	.show = sim_net_show_chan,
	.dev_priv_size = sizeof(struct sim_net_dev),
	.dev_init = sim_net_dev_init,
	.dev_exit = sim_net_dev_exit,
};
