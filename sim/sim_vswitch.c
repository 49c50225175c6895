// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated host's virtual switch: one port per synthetic NIC (of
 * every nic device) and one host port, a netdev ("hvsw0") in the init
 * network namespace, so that ordinary tools reach the guest's NICs.
 *
 * A learning switch: the source MAC of every frame is learnt with its
 * VLAN ID (the forwarding key is MAC + VID) for its ingress port and ages
 * out after SIM_VSW_AGING of silence; a frame to a known unicast MAC goes
 * to that port, anything else (broadcast, multicast, unknown unicast) is
 * flooded to every other port.  VLAN tags travel out of band inside the
 * switch (skb_vlan_tag_present()): NIC ports carry them as the VLAN PPI,
 * the host port inline (802.1Q in the frame).  Ports do their own
 * filtering (a NIC's packet filter, the host port's MTU).
 *
 * Frames arrive from any CPU in any context (channel works, the host
 * port's transmit in softirq).  The port list and the MAC table are read
 * under RCU; sim_vsw.lock (irqsave) serializes their changes: ports come
 * and go, a MAC is learnt or moves, the aging work.  A port that goes is
 * marked dead and unlinked, its MAC entries dropped, then
 * synchronize_rcu(): no frame reaches it afterwards.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "sim_net.h"

#define SIM_VSW_HASH_BITS	8
#define SIM_VSW_MAX_MACS	4096
#define SIM_VSW_AGING		(300 * HZ)
#define SIM_VSW_AGING_PERIOD	(10 * HZ)

static bool host_port = true;
module_param(host_port, bool, 0444);
MODULE_PARM_DESC(host_port,
		 "Register the virtual switch's host port, a netdev hvsw0 in the init network namespace (default on)");

struct sim_vsw_mac {
	struct hlist_node node;
	u8 addr[ETH_ALEN];
	u16 vid;
	struct sim_vsw_port *port;	/* READ_ONCE; changed under the lock */
	unsigned long seen;		/* jiffies of the last frame from it */
	struct rcu_head rcu;
};

/* The host port: the private part of its netdev. */
struct sim_vsw_host {
	struct sim_vsw_port port;
	struct net_device *ndev;
};

static struct {
	spinlock_t lock;		/* changes of ports and table */
	struct list_head ports;		/* RCU */
	struct hlist_head table[1 << SIM_VSW_HASH_BITS];	/* RCU */
	unsigned int nmacs;
	struct delayed_work aging;
	struct net_device *host;	/* NULL: no host port */
} sim_vsw;

/* A locally administered, fixed address: the same each run. */
static const u8 sim_vsw_host_mac[ETH_ALEN] = { 0x02, 0x15, 0x5d, 0xff, 0xff, 0x01 };

static struct hlist_head *sim_vsw_bucket(const u8 *addr, u16 vid)
{
	u32 a, b;

	memcpy(&a, addr, 4);
	b = (u32)addr[4] << 8 | addr[5];
	return &sim_vsw.table[jhash_2words(a, b, vid) &
			      ((1 << SIM_VSW_HASH_BITS) - 1)];
}

/* Under RCU (or the lock). */
static struct sim_vsw_mac *sim_vsw_lookup(const u8 *addr, u16 vid)
{
	struct sim_vsw_mac *m;

	hlist_for_each_entry_rcu(m, sim_vsw_bucket(addr, vid), node,
				 lockdep_is_held(&sim_vsw.lock))
		if (m->vid == vid && ether_addr_equal(m->addr, addr))
			return m;
	return NULL;
}

static void sim_vsw_learn(const u8 *addr, u16 vid, struct sim_vsw_port *from)
{
	unsigned long now = jiffies, flags;
	struct sim_vsw_mac *m = sim_vsw_lookup(addr, vid);

	if (m && READ_ONCE(m->port) == from) {
		if (READ_ONCE(m->seen) != now)
			WRITE_ONCE(m->seen, now);
		return;
	}
	spin_lock_irqsave(&sim_vsw.lock, flags);
	if (READ_ONCE(from->dead))
		goto out;
	m = sim_vsw_lookup(addr, vid);
	if (m) {
		WRITE_ONCE(m->port, from);	/* the MAC moved */
		WRITE_ONCE(m->seen, now);
		goto out;
	}
	if (sim_vsw.nmacs >= SIM_VSW_MAX_MACS)
		goto out;	/* full: such frames are flooded */
	m = kzalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		goto out;
	ether_addr_copy(m->addr, addr);
	m->vid = vid;
	m->port = from;
	m->seen = now;
	hlist_add_head_rcu(&m->node, sim_vsw_bucket(addr, vid));
	sim_vsw.nmacs++;
out:
	spin_unlock_irqrestore(&sim_vsw.lock, flags);
}

static void sim_vsw_deliver(struct sim_vsw_port *to, struct sk_buff *skb)
{
	atomic64_inc(&to->out_frames);
	atomic64_add(skb->len, &to->out_bytes);
	to->xmit(to, skb);
}

static void sim_vsw_flood(struct sim_vsw_port *from, struct sk_buff *skb)
{
	struct sim_vsw_port *p, *last = NULL;
	struct sk_buff *copy;

	atomic64_inc(&from->floods);
	list_for_each_entry_rcu(p, &sim_vsw.ports, node) {
		if (p == from || READ_ONCE(p->dead))
			continue;
		if (last) {
			copy = skb_clone(skb, GFP_ATOMIC);
			if (copy)
				sim_vsw_deliver(last, copy);
			else
				atomic64_inc(&last->drops);
		}
		last = p;
	}
	if (last)
		sim_vsw_deliver(last, skb);
	else
		consume_skb(skb);
}

/**
 * sim_vsw_input() - a port sends a frame into the switch
 * @from: the ingress port (not dead)
 * @skb: the frame (consumed), as struct sim_vsw_port describes it
 *
 * Any context.
 */
void sim_vsw_input(struct sim_vsw_port *from, struct sk_buff *skb)
{
	struct sim_vsw_port *to = NULL;
	const struct ethhdr *eth;
	struct sim_vsw_mac *m;
	u16 vid;

	if (!pskb_may_pull(skb, ETH_HLEN)) {
		kfree_skb(skb);
		return;
	}
	eth = (const struct ethhdr *)skb->data;
	vid = skb_vlan_tag_present(skb) ? skb_vlan_tag_get_id(skb) : 0;
	atomic64_inc(&from->in_frames);
	atomic64_add(skb->len, &from->in_bytes);
	rcu_read_lock();
	if (is_valid_ether_addr(eth->h_source))
		sim_vsw_learn(eth->h_source, vid, from);
	if (!is_multicast_ether_addr(eth->h_dest)) {
		m = sim_vsw_lookup(eth->h_dest, vid);
		if (m && time_before(jiffies, READ_ONCE(m->seen) + SIM_VSW_AGING))
			to = READ_ONCE(m->port);
	}
	if (to == from) {
		/* Its destination is behind the port it came from. */
		atomic64_inc(&from->drops);
		kfree_skb(skb);
	} else if (to && !READ_ONCE(to->dead)) {
		sim_vsw_deliver(to, skb);
	} else {
		sim_vsw_flood(from, skb);
	}
	rcu_read_unlock();
}

/**
 * sim_vsw_port_add() - connect a port
 * @port: name and xmit set; counters are reset
 *
 * Process context.
 */
void sim_vsw_port_add(struct sim_vsw_port *port)
{
	unsigned long flags;

	port->dead = false;
	atomic64_set(&port->in_frames, 0);
	atomic64_set(&port->in_bytes, 0);
	atomic64_set(&port->out_frames, 0);
	atomic64_set(&port->out_bytes, 0);
	atomic64_set(&port->drops, 0);
	atomic64_set(&port->floods, 0);
	spin_lock_irqsave(&sim_vsw.lock, flags);
	list_add_tail_rcu(&port->node, &sim_vsw.ports);
	spin_unlock_irqrestore(&sim_vsw.lock, flags);
}

/**
 * sim_vsw_port_del() - disconnect a port
 * @port: connected port
 *
 * Process context; sleeps (synchronize_rcu()).  Afterwards no frame is
 * handed to the port and its MAC entries are gone; the port may still
 * call sim_vsw_input(), whose frames are then not learnt.
 */
void sim_vsw_port_del(struct sim_vsw_port *port)
{
	struct sim_vsw_mac *m;
	struct hlist_node *tmp;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&sim_vsw.lock, flags);
	WRITE_ONCE(port->dead, true);
	list_del_rcu(&port->node);
	for (i = 0; i < ARRAY_SIZE(sim_vsw.table); i++) {
		hlist_for_each_entry_safe(m, tmp, &sim_vsw.table[i], node) {
			if (m->port != port)
				continue;
			hlist_del_rcu(&m->node);
			sim_vsw.nmacs--;
			kfree_rcu(m, rcu);
		}
	}
	spin_unlock_irqrestore(&sim_vsw.lock, flags);
	synchronize_rcu();
}

static void sim_vsw_age(struct work_struct *work)
{
	unsigned long now = jiffies, flags;
	struct sim_vsw_mac *m;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_irqsave(&sim_vsw.lock, flags);
	for (i = 0; i < ARRAY_SIZE(sim_vsw.table); i++) {
		hlist_for_each_entry_safe(m, tmp, &sim_vsw.table[i], node) {
			if (time_before(now, READ_ONCE(m->seen) + SIM_VSW_AGING))
				continue;
			hlist_del_rcu(&m->node);
			sim_vsw.nmacs--;
			kfree_rcu(m, rcu);
		}
	}
	spin_unlock_irqrestore(&sim_vsw.lock, flags);
	schedule_delayed_work(&sim_vsw.aging, SIM_VSW_AGING_PERIOD);
}

/**
 * sim_vsw_show() - debugfs "vswitch"
 * @m: seq_file
 *
 * One line per port (counters), then one per learnt MAC with its VLAN,
 * port and age in seconds.
 */
void sim_vsw_show(struct seq_file *m)
{
	struct sim_vsw_port *p;
	struct sim_vsw_mac *e;
	unsigned int i;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &sim_vsw.ports, node)
		seq_printf(m,
			   "port %s in_frames=%lld in_bytes=%lld out_frames=%lld out_bytes=%lld drops=%lld floods=%lld\n",
			   p->name, atomic64_read(&p->in_frames),
			   atomic64_read(&p->in_bytes),
			   atomic64_read(&p->out_frames),
			   atomic64_read(&p->out_bytes),
			   atomic64_read(&p->drops), atomic64_read(&p->floods));
	for (i = 0; i < ARRAY_SIZE(sim_vsw.table); i++)
		hlist_for_each_entry_rcu(e, &sim_vsw.table[i], node)
			seq_printf(m, "mac %pM vlan=%u port=%s age=%lu\n",
				   e->addr, e->vid, READ_ONCE(e->port)->name,
				   (jiffies - READ_ONCE(e->seen)) / HZ);
	rcu_read_unlock();
}

/* ------------------------------------------------------------------ */
/* The host port                                                       */

/* The switch hands the host a frame: into the host's stack. */
static void sim_vsw_host_xmit(struct sim_vsw_port *port, struct sk_buff *skb)
{
	struct sim_vsw_host *h = container_of(port, struct sim_vsw_host, port);
	struct net_device *ndev = h->ndev;
	u32 max = ndev->mtu + ETH_HLEN;

	if (!(READ_ONCE(ndev->flags) & IFF_UP))
		goto drop;
	if (skb_vlan_tag_present(skb)) {
		max += VLAN_HLEN;
		skb = __vlan_hwaccel_push_inside(skb);	/* inline 802.1Q */
		if (!skb)
			goto dropped;
	}
	if (!skb_is_gso(skb) && skb->len > max)
		goto drop;
	memset(skb->cb, 0, sizeof(skb->cb));
	skb->protocol = eth_type_trans(skb, ndev);
	max = skb->len;		/* netif_rx() may free it */
	if (netif_rx(skb) == NET_RX_SUCCESS) {
		dev_sw_netstats_rx_add(ndev, max);
		return;
	}
	goto dropped;
drop:
	kfree_skb(skb);
dropped:
	atomic64_inc(&port->drops);
	dev_core_stats_rx_dropped_inc(ndev);
}

/* The host's stack sends a frame: into the switch. */
static netdev_tx_t sim_vsw_host_start_xmit(struct sk_buff *skb,
					   struct net_device *ndev)
{
	struct sim_vsw_host *h = netdev_priv(ndev);
	u32 len = skb->len;
	u16 tci;

	if (READ_ONCE(h->port.dead))
		goto drop;
	/* The host's routing and conntrack state ends at the port. */
	skb_scrub_packet(skb, false);
	skb_reset_mac_header(skb);
	if (!skb_vlan_tag_present(skb) && eth_type_vlan(skb->protocol)) {
		/* Inline 802.1Q: out of band inside the switch. */
		if (__skb_vlan_pop(skb, &tci))
			goto drop;
		__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), tci);
	}
	dev_sw_netstats_tx_add(ndev, 1, len);
	sim_vsw_input(&h->port, skb);
	return NETDEV_TX_OK;
drop:
	dev_core_stats_tx_dropped_inc(ndev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static int sim_vsw_host_init(struct net_device *ndev)
{
	ndev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return ndev->tstats ? 0 : -ENOMEM;
}

static void sim_vsw_host_uninit(struct net_device *ndev)
{
	free_percpu(ndev->tstats);
}

static int sim_vsw_host_open(struct net_device *ndev)
{
	netif_carrier_on(ndev);
	netif_start_queue(ndev);
	return 0;
}

static int sim_vsw_host_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	netif_carrier_off(ndev);
	return 0;
}

static const struct net_device_ops sim_vsw_host_ops = {
	.ndo_init = sim_vsw_host_init,
	.ndo_uninit = sim_vsw_host_uninit,
	.ndo_open = sim_vsw_host_open,
	.ndo_stop = sim_vsw_host_stop,
	.ndo_start_xmit = sim_vsw_host_start_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void sim_vsw_host_setup(struct net_device *ndev)
{
	ether_setup(ndev);
	ndev->netdev_ops = &sim_vsw_host_ops;
	ndev->priv_flags |= IFF_NO_QUEUE;
	/* Offloads the switch resolves for the NICs (sim_net_offload.c). */
	ndev->hw_features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_TSO |
			    NETIF_F_TSO6;
	ndev->features = ndev->hw_features | NETIF_F_HIGHDMA | NETIF_F_LLTX |
			 NETIF_F_NETNS_LOCAL;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = SIM_NET_MTU_MAX - ETH_HLEN;
	eth_hw_addr_set(ndev, sim_vsw_host_mac);
}

static int sim_vsw_host_add(void)
{
	struct sim_vsw_host *h;
	struct net_device *ndev;
	int ret;

	ndev = alloc_netdev(sizeof(*h), "hvsw%d", NET_NAME_ENUM,
			    sim_vsw_host_setup);
	if (!ndev)
		return -ENOMEM;
	h = netdev_priv(ndev);
	h->ndev = ndev;
	strscpy(h->port.name, "host", sizeof(h->port.name));
	h->port.xmit = sim_vsw_host_xmit;
	/* Dead until registered: the stack may transmit at once. */
	h->port.dead = true;
	ret = register_netdev(ndev);
	if (ret) {
		free_netdev(ndev);
		return ret;
	}
	sim_vsw_port_add(&h->port);
	sim_vsw.host = ndev;
	pr_info("virtual switch host port %s\n", ndev->name);
	return 0;
}

/**
 * sim_vsw_init() - set up the switch, and its host port unless
 *	host_port=0
 *
 * Process context, before any NIC is created.
 *
 * Return: 0 or the error of registering the host port's netdev.
 */
int sim_vsw_init(void)
{
	unsigned int i;
	int ret = 0;

	spin_lock_init(&sim_vsw.lock);
	INIT_LIST_HEAD(&sim_vsw.ports);
	for (i = 0; i < ARRAY_SIZE(sim_vsw.table); i++)
		INIT_HLIST_HEAD(&sim_vsw.table[i]);
	sim_vsw.nmacs = 0;
	sim_vsw.host = NULL;
	INIT_DELAYED_WORK(&sim_vsw.aging, sim_vsw_age);
	if (host_port)
		ret = sim_vsw_host_add();
	if (!ret)
		schedule_delayed_work(&sim_vsw.aging, SIM_VSW_AGING_PERIOD);
	return ret;
}

/**
 * sim_vsw_exit() - the host port goes, then the switch
 *
 * Process context, after every NIC is gone.  Frames the host's stack
 * still sends meanwhile are dropped.
 */
void sim_vsw_exit(void)
{
	struct net_device *ndev = sim_vsw.host;
	struct sim_vsw_mac *m;
	struct hlist_node *tmp;
	unsigned int i;

	if (ndev) {
		sim_vsw_port_del(&((struct sim_vsw_host *)netdev_priv(ndev))->port);
		unregister_netdev(ndev);
		free_netdev(ndev);
		sim_vsw.host = NULL;
	}
	cancel_delayed_work_sync(&sim_vsw.aging);
	WARN_ON(!list_empty(&sim_vsw.ports));
	for (i = 0; i < ARRAY_SIZE(sim_vsw.table); i++) {
		hlist_for_each_entry_safe(m, tmp, &sim_vsw.table[i], node) {
			hlist_del(&m->node);
			kfree(m);
		}
	}
	/* kfree_rcu() of aged entries: done before the module text goes. */
	rcu_barrier();
}
