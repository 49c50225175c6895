/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmbus_sim internals: a simulated Hyper-V host under the VMBus core.
 *
 *   sim_main.c    module, parameters, debugfs, violation counters, trace
 *   sim_synic.c   the hypervisor: per-VP SynIC message queues, event flags
 *   sim_server.c  the VMBus server: connection, messages, open/close
 *   sim_offer.c   devices, offers, sub-channels, rescind, debugfs control
 *   sim_gpadl.c   GPADL assembly, checks and teardown
 *   sim_chan.c    channel data path: channel work, signals, packet I/O
 *   sim_fault.c   fault injection
 *   sim_ring.c    host side of the channel ring buffers
 *   sim_ic.c      device back ends: heartbeat and shutdown ICs
 *   sim_echo.c    device back end: the "echo" test device
 *
 * The server uses the SynIC and the rings; device back ends use only the
 * channel API below (sim_chan_*).  Nothing here trusts the guest:
 * every protocol error is counted as a named violation and survived.
 */
#ifndef _SIM_SIM_H
#define _SIM_SIM_H

#include <linux/hyperv.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include "vmbus_hv.h"
#include "vmbus_sim.h"
#include "vmbus_proto.h"

/*
 * Violation kinds: every guest protocol error the host detects.  The
 * debugfs file "violations" lists those that occurred by name
 * (sim_main.c holds the names).
 */
enum sim_viol {
	SIM_V_POST_SIZE,
	SIM_V_POST_CONN_ID,
	SIM_V_MSG_TYPE,
	SIM_V_MSG_SIZE,
	SIM_V_MSG_STATE,
	SIM_V_MSG_VERSION,
	SIM_V_CONTACT,
	SIM_V_REQUESTOFFERS,
	SIM_V_RELID,
	SIM_V_GPADL_HANDLE,
	SIM_V_GPADL_RANGE,
	SIM_V_GPADL_PFN,
	SIM_V_GPADL_TEARDOWN,
	SIM_V_OPEN,
	SIM_V_CLOSE,
	SIM_V_RELID_RELEASED,
	SIM_V_MODIFY,
	SIM_V_SIGNAL,
	SIM_V_RING_INDEX,
	SIM_V_RING_DESC,
	SIM_V_RING_GPA,
	SIM_V_MSG_OVERFLOW,
	SIM_V_SYNIC,
	SIM_V_IC_PROTO,
	SIM_V_IC_VERSION,
	SIM_V_IC_HEARTBEAT,
	SIM_V_ECHO_OP,
	SIM_V_ECHO_PROTO,
	SIM_V_COUNT
};

/* Fault modes armed through debugfs "fault"; each fires once. */
enum sim_fault {
	SIM_FAULT_BAD_OFFER,
	SIM_FAULT_SHORT_MSG,
	SIM_FAULT_OVERSIZED_MSG,
	SIM_FAULT_BAD_DESC,
	SIM_FAULT_BAD_RELID_EVENT,
	SIM_FAULT_HOLD_OPEN,
	SIM_FAULT_COUNT
};

/* Failure status the host puts in GPADL_CREATED / OPENCHANNEL_RESULT. */
#define SIM_STATUS_FAILED	0xC0000001u	/* STATUS_UNSUCCESSFUL */

/* Largest host->guest packet, trailer excluded (the guest's default). */
#define SIM_MAX_H2G_PKT		4096

/* sim_main.c: parameters, violations, trace */
extern u32 sim_max_version;
extern unsigned int sim_heartbeat_ms;
extern unsigned int sim_msg_queue_len;

void sim_violation(enum sim_viol kind, const char *fmt, ...) __printf(2, 3);
void sim_trace_msg(bool g2h, const void *msg, u32 size);
void sim_trace_pkt(bool g2h, u32 relid, u16 type, u32 len, u64 trans_id,
		   const void *body, u32 body_len);
void sim_trace_note(const char *fmt, ...) __printf(1, 2);
const char *sim_msg_name(u32 msgtype);

/* sim_synic.c: the simulated hypervisor (VP index == CPU number) */
int sim_synic_init(void);
void sim_synic_exit(void);
void sim_synic_set_isr(void (*isr)(void));
void sim_synic_enable(unsigned int cpu, void *simp, void *siefp);
void sim_synic_disable(unsigned int cpu);
void sim_synic_eom(void);
int sim_synic_post(u32 vp, const void *msg, u32 size, u8 claimed_size);
void sim_synic_signal(u32 vp, u32 flag);
void sim_synic_purge(void);
bool sim_synic_vp_valid(u32 vp);

/*
 * sim_ring.c: one direction of a channel's ring pair, as the host sees it.
 * The data area is mapped twice back to back so a packet never wraps in
 * virtual memory.  @priv_index is the host's own copy of the index it owns
 * (read_index of the guest->host ring, write_index of the host->guest one).
 */
struct sim_ring {
	void *vaddr;			/* vmap of control page + data twice */
	struct hv_ring_buffer *hdr;	/* shared control page */
	u8 *data;			/* shared data area */
	u32 size;			/* data area bytes */
	u32 priv_index;
	u8 *buf;			/* private copy of one packet (read) */
	u32 buf_size;
};

/* A guest->host packet, copied out of shared memory and checked. */
struct sim_pkt {
	const struct vmpacket_descriptor *desc;	/* == data */
	const u8 *data;				/* whole packet, len bytes */
	u32 len;				/* len8 * 8 */
	const u8 *payload;			/* data + offset8 * 8 */
	u32 payload_len;
};

bool sim_ring_pfn_ok(u64 pfn);
int sim_ring_map(struct sim_ring *ring, const u64 *pfns, u32 npages,
		 bool host_reads);
void sim_ring_unmap(struct sim_ring *ring);
int sim_ring_read(struct sim_ring *ring, struct sim_pkt *pkt);
bool sim_ring_read_commit(struct sim_ring *ring, u32 consumed);
bool sim_ring_has_data(struct sim_ring *ring);
void sim_ring_set_mask(struct sim_ring *ring, bool masked);
int sim_ring_write(struct sim_ring *ring, u16 type, u16 flags, u64 trans_id,
		   u32 hdr_len, const void *payload, u32 len, bool *signal);
int sim_ring_write_bad_desc(struct sim_ring *ring, bool *signal);

/* sim_server.c: the VMBus server */
struct sim_chan;

/**
 * struct sim_dev_kind - a device back end
 * @name: device kind as used by the "devices" parameter and debugfs
 * @group: debugfs file that shows the state of devices of this kind
 * @id: offer if_type (id.guid), from <linux/hyperv.h>
 * @priv_size: bytes of per-channel state, zeroed when the channel is created
 * @start: the guest opened the channel.  Server context, may sleep.
 * @stop: the channel closes or is rescinded; cancel timers.  May sleep.
 *	No @rx or @poll call runs during or after it until the next @start.
 * @rx: a guest packet arrived.  Channel work.
 * @poll: send what is pending; called after each batch and on kicks.
 *	Channel work.
 * @show: one line of state for the debugfs file @group.
 * @action: a debugfs request (e.g. "shutdown"); server context.
 *
 * Every callback is per channel: a device has its primary channel and,
 * once it offered some (sim_server_offer_subchannels()), sub-channels of
 * the same kind, each with its own priv, rings, work and start/stop.
 * sim_chan_subindex() tells them apart: 0 for the primary, 1..n for the
 * sub-channels.  @show is called for every channel, @action for the
 * primary only.
 */
struct sim_dev_kind {
	const char *name;
	const char *group;
	struct hv_vmbus_device_id id;
	size_t priv_size;
	void (*start)(struct sim_chan *chan);
	void (*stop)(struct sim_chan *chan);
	void (*rx)(struct sim_chan *chan, const struct sim_pkt *pkt);
	void (*poll)(struct sim_chan *chan);
	void (*show)(struct seq_file *m, struct sim_chan *chan);
	int (*action)(struct sim_chan *chan, const char *verb);
};

extern const struct sim_dev_kind sim_ic_heartbeat;
extern const struct sim_dev_kind sim_ic_shutdown;
extern const struct sim_dev_kind sim_echo;

int sim_server_init(const char *devices);
void sim_server_exit(void);
u16 sim_server_post_message(u32 conn_id, const void *payload, u32 size);
u32 sim_server_msg_count(u32 type);

/* sim_main.c: exported for tests, declared in include/vmbus_sim.h */

/* sim_offer.c: devices and offers, debugfs control */
int sim_server_hot_add(const char *kind);
int sim_server_rescind(u32 relid);
int sim_server_action(const char *kind, const char *verb);
void sim_server_show_offers(struct seq_file *m);
void sim_server_show_devices(struct seq_file *m, const char *group);

/* Sub-channels a device may have at most (sub_channel_index 1..16). */
#define SIM_MAX_SUBCHANNELS	16

/* sim_offer.c: the sub-channel API for device back ends */
unsigned int sim_server_offer_subchannels(struct sim_chan *primary,
					  unsigned int count);

/*
 * Reasons the channel work stops reading the guest->host ring
 * (sim_chan_hold_rx()); bits, 0 .. BITS_PER_LONG - 1.
 */
#define SIM_CHAN_HOLD_BACKEND	0	/* back end has output pending */
#define SIM_CHAN_HOLD_STALL	1	/* a timed stall of the back end */

/* sim_chan.c: the channel API for device back ends */
void *sim_chan_priv(struct sim_chan *chan);
u32 sim_chan_relid(const struct sim_chan *chan);
unsigned int sim_chan_subindex(const struct sim_chan *chan);
const struct sim_dev_kind *sim_chan_kind(const struct sim_chan *chan);
int sim_chan_send(struct sim_chan *chan, u16 type, u16 flags, u64 trans_id,
		  const void *payload, u32 len);
u32 sim_chan_send_max(const struct sim_chan *chan);
void sim_chan_kick(struct sim_chan *chan);
void sim_chan_fail(struct sim_chan *chan);
void sim_chan_hold_rx(struct sim_chan *chan, unsigned int reason);
void sim_chan_release_rx(struct sim_chan *chan, unsigned int reason);
u16 sim_chan_signal_event(u32 conn_id, u16 flag);

/*
 * Server internals, shared by sim_server.c, sim_gpadl.c and sim_chan.c
 * only.  Device back ends see none of this.
 */

/* Per-channel signal connection IDs: 0x2000 | relid, as OpenVMM does. */
#define SIM_CHAN_CONN_BASE	0x2000

/*
 * A host-side device instance; offered again after every reconnect.
 * Sub-channels are not: they belong to the connection.
 */
struct sim_dev {
	struct list_head node;		/* sim_srv.devs */
	const struct sim_dev_kind *kind;
	unsigned int index;		/* per kind */
	guid_t instance;
	struct sim_chan *chan;		/* primary offer in this connection */
};

/* A GPADL: in progress (sim_srv.gpadl_pending) or created (chan). */
struct sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u16 buflen;			/* range_buflen */
	u16 rangecount;
	u32 received;			/* range bytes so far */
	bool in_use;			/* backs an open ring */
	u8 data[] __aligned(8);		/* buflen bytes of ranges */
};

enum sim_chan_state {
	SIM_CHAN_OFFERED,
	SIM_CHAN_OPEN,
};

/* Channel fault bits (chan->faults). */
#define SIM_CHAN_FAULT_BAD_DESC	0

/*
 * An offer in the current connection: the primary channel of a device or
 * one of its sub-channels.  Fields without a note are changed under
 * sim_srv.lock only; the channel work reads them while it may run
 * (between start and stop they do not change).
 */
struct sim_chan {
	u32 relid;
	const struct sim_dev_kind *kind;
	guid_t instance;
	struct sim_dev *dev;		/* primary: NULL once rescinded; sub: NULL */
	u16 subindex;			/* 0: primary, 1..SIM_MAX_SUBCHANNELS */
	struct list_head subs;		/* primary: its sub-channels, by index */
	struct list_head sub_node;	/* sub-channel: in primary->subs */
	unsigned int subs_offered;	/* primary: offered in this connection */
	enum sim_chan_state state;
	bool rescinded;
	bool broken;			/* bad packet: channel work stops */
	struct list_head gpadls;	/* created GPADLs */
	struct sim_gpadl *ring_gpadl;
	struct sim_ring g2h;		/* host reads */
	struct sim_ring h2g;		/* host writes */
	unsigned long *legacy_page;	/* < 2.4: interrupt page */
	/* Under sim_srv.chan_lock (plus sim_srv.lock to change them): */
	bool running;			/* back end started, work may run */
	bool mapped;			/* rings mapped: signals tolerated */
	u32 target_vp;
	struct sim_chan *primary;	/* sub-channel: NULL once it is gone */
	/*
	 * Under sim_srv.chan_lock only (the channel work of any channel of
	 * the device reserves, the server's offer work offers):
	 */
	unsigned int subs_granted;	/* primary: reserved in this connection */
	unsigned int subs_pending;	/* primary: reserved, not offered yet */
	/* Atomic bits: */
	unsigned long faults;
	unsigned long rx_hold;		/* SIM_CHAN_HOLD_*; cleared at open */
	struct work_struct work;	/* on target_vp's CPU */
	void *priv;			/* kind->priv_size bytes */
};

/* A guest message as posted. */
struct sim_inmsg {
	u32 conn_id;
	u32 size;
	u8 data[VMBUS_MSG_MAX] __aligned(8);
};

struct sim_server {
	/*
	 * chans[], legacy_page and the channel fields marked above.  Taken
	 * by signal_event() in any context and by channel kicks: irqsave.
	 * chans[] and legacy_page change with both this and lock held.
	 */
	spinlock_t chan_lock;
	unsigned long *legacy_page;	/* < 2.4 only */
	struct sim_chan *chans[VMBUS_MAX_RELID + 1];
	struct workqueue_struct *chan_wq;	/* per CPU */
	/* Ordered: guest messages and sub-channel offers, in order. */
	struct workqueue_struct *msg_wq;

	/*
	 * Connection, devices, channels, GPADLs.  Process context only:
	 * the message work, debugfs writers, module exit.
	 */
	struct mutex lock;
	u32 version;			/* 0: not connected */
	u32 msg_vp;			/* VP receiving channel messages */
	u64 int_page_gpa;		/* from INITIATE_CONTACT, < 5.0 */
	u64 monitor_gpa[2];		/* parent->child, child->parent */
	bool offers_requested;
	struct list_head devs;
	struct list_head gpadl_pending;
};

extern struct sim_server sim_srv;

void sim_server_send(const void *msg, u32 size);
struct sim_chan *sim_server_chan_get(u32 relid, const char *what);

/* sim_offer.c, server side (sim_srv.lock held unless noted) */
int sim_offer_init(const char *devices);	/* before the core connects */
void sim_offer_stop(void);			/* any lock: no more requests */
void sim_offer_exit(void);			/* devices freed */
int sim_offer_primary(struct sim_dev *dev);
void sim_offer_destroy(struct sim_chan *chan);

/* sim_fault.c */
int sim_fault_inject(enum sim_fault fault, u32 relid);
/* Set by the hold-open fault: the next OPENCHANNEL gets no answer. */
extern bool sim_fault_hold_open;

/* sim_gpadl.c */
struct sim_gpadl *sim_gpadl_find(struct list_head *list, u32 handle);
void sim_gpadl_free_relid(struct list_head *list, u32 relid);
void sim_gpadl_header(const struct sim_inmsg *m);
void sim_gpadl_body(const struct sim_inmsg *m);
void sim_gpadl_teardown(const struct sim_inmsg *m);

/* sim_chan.c, server side */
void sim_chan_work(struct work_struct *work);
void sim_chan_queue(struct sim_chan *chan);
void sim_chan_stop(struct sim_chan *chan);
void sim_chan_unmap(struct sim_chan *chan);

#endif /* _SIM_SIM_H */
