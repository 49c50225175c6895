// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs of the simulated NICs: "netvsp" (the state of every NIC and its
 * channels) and "netvsp_ctl" (link control, host events, one-shot faults
 * for tests of our own driver).  Documentation/vmbus_sim.md has the
 * formats.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "sim_net.h"

static const char *const sim_net_fault_names[SIM_NET_FAULT_COUNT] = {
	[SIM_NET_FAULT_MALFORMED] = "malformed",
	[SIM_NET_FAULT_PPI0] = "ppi0",
	[SIM_NET_FAULT_BADRANGE] = "badrange",
	[SIM_NET_FAULT_BADPAGESET] = "badpageset",
	[SIM_NET_FAULT_DROP_SEND] = "drop-send",
	[SIM_NET_FAULT_DUP_SEND] = "dup-send",
};

static const char *const sim_net_rndis_names[] = {
	[SIM_NET_RNDIS_UNINIT] = "uninit",
	[SIM_NET_RNDIS_READY] = "ready",
	[SIM_NET_RNDIS_HALTED] = "halted",
};

/**
 * sim_net_show_chan() - the line of one channel (struct sim_dev_kind show)
 * @m: seq_file
 * @chan: a channel of a NIC
 *
 * sim_srv.lock held.
 */
void sim_net_show_chan(struct seq_file *m, struct sim_chan *chan)
{
	const struct sim_net_chan *nc = sim_chan_priv(chan);
	const struct sim_net_dev *dev = sim_chan_dev_priv(chan);
	unsigned int busy;

	if (!dev || !nc->dev)
		return;		/* rescinded, or never started */
	busy = nc->xfer ? SIM_NET_XFER_ENTRIES - nc->xfer_nfree : 0;
	seq_printf(m,
		   "nic%u chan relid=%u sub=%u cpu=%u tx_pkts=%lu tx_frames=%lu tx_bytes=%lu tx_ctrl=%lu tx_comps=%lu comp_pending=%u rx_frames=%lu rx_bytes=%lu xfer_pkts=%lu xfer_done=%lu xfer_out=%u rxq=%u ring_full=%lu no_slot=%lu\n",
		   dev->index, sim_chan_relid(chan), sim_chan_subindex(chan),
		   sim_chan_target_cpu(chan), nc->stats.tx_pkts,
		   nc->stats.tx_frames, nc->stats.tx_bytes, nc->stats.tx_ctrl,
		   nc->stats.tx_comps, READ_ONCE(nc->ncomp),
		   nc->stats.rx_frames, nc->stats.rx_bytes,
		   nc->stats.xfer_pkts, nc->stats.xfer_done, busy,
		   skb_queue_len(&nc->rxq), nc->stats.ring_full,
		   nc->stats.no_slot);
}

static void sim_net_show_dev_line(struct seq_file *m, struct sim_net_dev *dev)
{
	struct sim_net_buf *rx, *tx;
	unsigned int seq, i;
	u8 mac[ETH_ALEN];
	int rndis;

	do {
		seq = read_seqbegin(&dev->mac_lock);
		memcpy(mac, dev->mac, ETH_ALEN);
	} while (read_seqretry(&dev->mac_lock, seq));
	rndis = READ_ONCE(dev->rndis);
	rcu_read_lock();
	rx = rcu_dereference(dev->rxbuf);
	tx = rcu_dereference(dev->txbuf);
	seq_printf(m,
		   "nic%u mac=%pM perm=%pM link=%s nvsp=0x%05x ndis=%u.%u mtu=%u caps=%#llx rndis=%s filter=%#x offload=%#x rss=%s subs=%u subs_open=%d slots=%u/%u slot_size=%u sections=%u tx_drops=%ld rx_drops=%ld rx_guest_fail=%ld violations=%ld",
		   dev->index, mac, dev->perm_mac,
		   READ_ONCE(dev->link_up) ? "up" : "down",
		   READ_ONCE(dev->nvsp_version),
		   READ_ONCE(dev->ndis_version) >> 16,
		   READ_ONCE(dev->ndis_version) & 0xffff, READ_ONCE(dev->mtu),
		   READ_ONCE(dev->caps), sim_net_rndis_names[rndis],
		   READ_ONCE(dev->filter), READ_ONCE(dev->offload),
		   rcu_access_pointer(dev->rss) ? "on" : "off",
		   READ_ONCE(dev->subs_asked), atomic_read(&dev->subs_open),
		   rx ? READ_ONCE(rx->nfree) : 0, rx ? rx->nslots : 0,
		   rx ? rx->slot_size : 0, tx ? tx->nsections : 0,
		   atomic_long_read(&dev->tx_drops),
		   atomic_long_read(&dev->rx_drops),
		   atomic_long_read(&dev->rx_guest_fail),
		   atomic_long_read(&dev->viol));
	rcu_read_unlock();
	for (i = 0; i < SIM_NET_FAULT_COUNT; i++)
		seq_printf(m, " %s=%ld/%d", sim_net_fault_names[i],
			   atomic_long_read(&dev->fired[i]),
			   atomic_read(&dev->fault[i]));
	seq_putc(m, '\n');
}

static int sim_net_show_dev(const struct sim_dev_ref *ref)
{
	struct seq_file *m = ref->arg;
	struct sim_chan *chan = NULL;

	sim_net_show_dev_line(m, ref->priv);
	while (ref->primary &&
	       (chan = sim_server_next_chan(ref->primary, chan)))
		if (sim_chan_is_open(chan))
			sim_net_show_chan(m, chan);
	return 0;
}

/**
 * sim_net_show() - debugfs "netvsp"
 * @m: seq_file
 *
 * One line per NIC (device state and faults "name=fired/armed"), then one
 * per open channel (its counters).
 */
void sim_net_show(struct seq_file *m)
{
	sim_server_visit_devs(&sim_nic, -1, sim_net_show_dev, m);
}

enum sim_net_verb {
	SIM_NET_LINK,
	SIM_NET_NETCHANGE,
	SIM_NET_SPEED,
	SIM_NET_ARM,
};

struct sim_net_req {
	enum sim_net_verb verb;
	unsigned int arg;
	enum sim_net_fault fault;
};

static int sim_net_ctl_dev(const struct sim_dev_ref *ref)
{
	struct sim_net_dev *dev = ref->priv;
	struct sim_net_req *req = ref->arg;
	int bit = -1;

	switch (req->verb) {
	case SIM_NET_LINK:
		if (READ_ONCE(dev->link_up) != !!req->arg) {
			WRITE_ONCE(dev->link_up, !!req->arg);
			bit = SIM_NET_EV_LINK;
		}
		sim_trace_note("netvsp: nic%u: link %s", dev->index,
			       req->arg ? "up" : "down");
		break;
	case SIM_NET_NETCHANGE:
		bit = SIM_NET_EV_NETCHANGE;
		sim_trace_note("netvsp: nic%u: network change", dev->index);
		break;
	case SIM_NET_SPEED:
		WRITE_ONCE(dev->link_speed, req->arg);
		bit = SIM_NET_EV_SPEED;
		break;
	case SIM_NET_ARM:
		atomic_set(&dev->fault[req->fault], req->arg);
		return 0;
	}
	if (bit >= 0) {
		set_bit(bit, &dev->events);
		if (ref->primary)
			sim_chan_kick(ref->primary);
	}
	return 0;
}

#define SIM_NET_CTL_ARGS	4

/**
 * sim_net_ctl() - debugfs "netvsp_ctl": one command
 * @cmd: "link NIC up|down", "network-change NIC", "speed NIC MBITS", or
 *	"[nic=N] FAULT COUNT" with FAULT one of malformed, ppi0, badrange,
 *	badpageset, drop-send, dup-send (NIC 0 without nic=)
 *
 * Process context.
 *
 * Return: 0, -EINVAL for bad syntax, -ENODEV for no such NIC.
 */
int sim_net_ctl(const char *cmd)
{
	char buf[96], *cur, *argv[SIM_NET_CTL_ARGS + 1], *tok;
	struct sim_net_req req = {};
	unsigned int argc = 0, nic = 0, n;
	int i;

	if (strscpy(buf, cmd, sizeof(buf)) < 0)
		return -EINVAL;
	cur = buf;
	while ((tok = strsep(&cur, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (argc == ARRAY_SIZE(argv))
			return -EINVAL;
		argv[argc++] = tok;
	}
	if (argc && !strncmp(argv[0], "nic=", 4)) {
		if (kstrtouint(argv[0] + 4, 10, &nic) || nic > INT_MAX)
			return -EINVAL;
		memmove(argv, argv + 1, --argc * sizeof(argv[0]));
	}
	if (argc < 2)
		return -EINVAL;
	if (argc == 3 && !strcmp(argv[0], "link")) {
		if (kstrtouint(argv[1], 10, &nic) || nic > INT_MAX)
			return -EINVAL;
		req.verb = SIM_NET_LINK;
		if (!strcmp(argv[2], "up"))
			req.arg = 1;
		else if (strcmp(argv[2], "down"))
			return -EINVAL;
	} else if (argc == 2 && !strcmp(argv[0], "network-change")) {
		if (kstrtouint(argv[1], 10, &nic) || nic > INT_MAX)
			return -EINVAL;
		req.verb = SIM_NET_NETCHANGE;
	} else if (argc == 3 && !strcmp(argv[0], "speed")) {
		if (kstrtouint(argv[1], 10, &nic) || nic > INT_MAX ||
		    kstrtouint(argv[2], 10, &n) || !n || n > 400000)
			return -EINVAL;
		req.verb = SIM_NET_SPEED;
		req.arg = n * 10000;	/* Mbit/s in 100 bit/s units */
	} else if (argc == 2) {
		i = match_string(sim_net_fault_names, SIM_NET_FAULT_COUNT,
				 argv[0]);
		if (i < 0 || kstrtouint(argv[1], 0, &n) || n > INT_MAX)
			return -EINVAL;
		req.verb = SIM_NET_ARM;
		req.fault = i;
		req.arg = n;
	} else {
		return -EINVAL;
	}
	return sim_server_visit_devs(&sim_nic, nic, sim_net_ctl_dev, &req);
}
