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
 *   sim_stor.c    device back end: the "scsi" controller (StorVSP, VSTOR
 *                 protocol), its faults and debugfs control
 *   sim_scsi.c    SCSI command emulation for the scsi controller's LUNs
 *   sim_disk.c    RAM-backed sparse LUNs: storage, registry, lifetime
 *   sim_net*.c    device back end: the "nic" (NetVSP, NVSP and RNDIS),
 *                 sim_vswitch.c the switch joining the NICs and the host
 *                 port (sim_net.h)
 *
 * The server uses the SynIC and the rings; device back ends use only the
 * channel API below (sim_chan_*).  Nothing here trusts the guest:
 * every protocol error is counted as a named violation and survived.
 */
#ifndef _SIM_SIM_H
#define _SIM_SIM_H

#include <linux/atomic.h>
#include <linux/hyperv.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
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
	SIM_V_STOR_PKT,
	SIM_V_STOR_STATE,
	SIM_V_STOR_SRB,
	SIM_V_NET_NVSP,
	SIM_V_NET_STATE,
	SIM_V_NET_RNDIS,
	SIM_V_NET_PPI,
	SIM_V_NET_FRAME,
	SIM_V_NET_COMPLETION,
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
 * @dev_priv_size: bytes of per-device state (0: none), zeroed when the
 *	device is created.  It belongs to the device, not to a channel or a
 *	connection: it lives across channel close/reopen and reconnects,
 *	until the device is rescinded or the module unloads.
 * @dev_init: optional; the device was created, with its state and its
 *	index among the devices of its kind.  Process context, sim_srv.lock
 *	held.  An error fails the creation.
 * @dev_exit: optional; the device goes and no channel of it runs any
 *	more.  Process context, sim_srv.lock held.
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
	size_t dev_priv_size;
	int (*dev_init)(void *dev_priv, unsigned int index);
	void (*dev_exit)(void *dev_priv);
};

extern const struct sim_dev_kind sim_ic_heartbeat;
extern const struct sim_dev_kind sim_ic_shutdown;
extern const struct sim_dev_kind sim_echo;
extern const struct sim_dev_kind sim_scsi;
extern const struct sim_dev_kind sim_nic;

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

/**
 * struct sim_dev_ref - a device, as sim_server_visit_devs() shows it
 * @priv: the device's state (its kind's dev_priv_size bytes)
 * @index: its index among the devices of its kind
 * @primary: its primary channel in this connection, NULL if not offered
 * @arg: the caller's argument
 */
struct sim_dev_ref {
	void *priv;
	unsigned int index;
	struct sim_chan *primary;
	void *arg;
};

int sim_server_visit_devs(const struct sim_dev_kind *kind, int index,
			  int (*fn)(const struct sim_dev_ref *ref), void *arg);
struct sim_chan *sim_server_next_chan(struct sim_chan *primary,
				      struct sim_chan *prev);

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

/**
 * struct sim_gpadl_map - a guest buffer mapped into the host
 * @vaddr: virtual address of the buffer (a vmap of its pages)
 * @size: bytes, a multiple of HV_HYP_PAGE_SIZE
 * @handle: the GPADL's handle
 * @gpadl: the GPADL (internal)
 *
 * Filled by sim_chan_map_gpadl(), emptied by sim_chan_unmap_gpadl().
 */
struct sim_gpadl_map {
	void *vaddr;
	u32 size;
	u32 handle;
	struct sim_gpadl *gpadl;
};

int sim_chan_map_gpadl(struct sim_chan *chan, u32 handle,
		       struct sim_gpadl_map *map);
void sim_chan_unmap_gpadl(struct sim_gpadl_map *map);

/* sim_chan.c: the channel API for device back ends */
void *sim_chan_priv(struct sim_chan *chan);
u32 sim_chan_relid(const struct sim_chan *chan);
unsigned int sim_chan_subindex(const struct sim_chan *chan);
const struct sim_dev_kind *sim_chan_kind(const struct sim_chan *chan);
void *sim_chan_dev_priv(const struct sim_chan *chan);
u32 sim_chan_target_cpu(const struct sim_chan *chan);
bool sim_chan_is_open(const struct sim_chan *chan);
int sim_chan_send(struct sim_chan *chan, u16 type, u16 flags, u64 trans_id,
		  const void *payload, u32 len);
int sim_chan_send_pkt(struct sim_chan *chan, u16 type, u16 flags,
		      u64 trans_id, u32 hdr_len, const void *payload, u32 len);
u32 sim_chan_send_max(const struct sim_chan *chan);
void sim_chan_kick(struct sim_chan *chan);
void sim_chan_fail(struct sim_chan *chan);
void sim_chan_hold_rx(struct sim_chan *chan, unsigned int reason);
void sim_chan_release_rx(struct sim_chan *chan, unsigned int reason);
u16 sim_chan_signal_event(u32 conn_id, u16 flag);

/*
 * The scsi controller back end (sim_stor.c, sim_scsi.c, sim_disk.c).
 *
 * LUNs are RAM disks of 512-byte blocks, sparse: a 4 KiB page is
 * allocated on its first write, unallocated pages read as zeroes and
 * UNMAP / WRITE SAME of zeroes frees whole pages.  Each scsi device has a
 * registry of its LUNs (struct sim_disks) in its device state, so disks
 * outlive guest driver reloads and reconnects.  Channel works of several
 * CPUs use a disk at once: lookups take a reference under RCU, and a
 * removed disk is freed when its last user puts it.
 */
#define SIM_DISK_BLOCK		512
#define SIM_DISK_BLOCK_SHIFT	9
#define SIM_DISK_MAX_TARGET	63
#define SIM_DISK_MAX_BYTES	BIT_ULL(44)	/* 16 TiB */

struct sim_disk {
	struct kref ref;		/* the registry's, plus users' */
	struct rcu_head rcu;
	u8 target;
	u8 lun;
	u64 blocks;			/* SIM_DISK_BLOCK bytes each */
	struct xarray pages;		/* page index -> struct page */
	atomic_long_t npages;		/* pages allocated */
	/* Read: data I/O; write: freeing pages (UNMAP). */
	struct rw_semaphore io_lock;
	/* MEDIUM ERROR range, count 0: none (debugfs sets, I/O reads): */
	spinlock_t medium_lock;
	u64 medium_lba;
	u64 medium_count;
};

/* The LUNs of one scsi device (path_id 0), keyed by target << 8 | lun. */
struct sim_disks {
	struct xarray luns;		/* RCU lookups, xa_lock for changes */
	unsigned int dev_index;		/* for unique LUN designators */
	u32 max_transfer;		/* bytes per command (VPD 0xB0) */
};

/* sim_disk.c */
int sim_disk_parse_size(const char *s, u64 *bytes);
int sim_disk_parse_addr(const char *s, u8 *target, u8 *lun);
int sim_disks_init(struct sim_disks *disks, unsigned int dev_index,
		   u32 max_transfer, const char *layout);
void sim_disks_exit(struct sim_disks *disks);
int sim_disk_add(struct sim_disks *disks, u8 target, u8 lun, u64 bytes);
int sim_disk_remove(struct sim_disks *disks, u8 target, u8 lun);
int sim_disk_set_medium(struct sim_disks *disks, u8 target, u8 lun,
			u64 lba, u64 count);
struct sim_disk *sim_disk_get(struct sim_disks *disks, u8 target, u8 lun);
void sim_disk_put(struct sim_disk *disk);
int sim_disk_next_lun(struct sim_disks *disks, u8 target, int after);
bool sim_disk_medium_hit(struct sim_disk *disk, u64 lba, u64 count,
			 u64 *first);
void sim_disk_io_begin(struct sim_disk *disk);
void sim_disk_io_end(struct sim_disk *disk);
struct page *sim_disk_page(struct sim_disk *disk, pgoff_t index, bool alloc);
int sim_disk_fill(struct sim_disk *disk, u64 lba, u64 count,
		  const u8 *block);
void sim_disk_discard(struct sim_disk *disk, u64 lba, u64 count);
void sim_disks_show(struct seq_file *m, struct sim_disks *disks,
		    unsigned int dev_index);

/*
 * A guest data buffer: the one GPA range of a GPA-direct packet, in the
 * host's private copy of the packet.  The ring checked that the PFNs are
 * RAM and that DIV_ROUND_UP(offset + len, 4096) of them are present.
 */
struct sim_gpa_buf {
	const u8 *pfns;			/* u64 PFNs, not necessarily aligned */
	u32 offset;			/* of the data in the first page */
	u32 len;			/* bytes, 0: no buffer */
};

/* What a SCSI command did, for the counters (sim_scsi_cmd.done). */
#define SIM_SCSI_DID_READ	BIT(0)
#define SIM_SCSI_DID_WRITE	BIT(1)
#define SIM_SCSI_DID_FUA	BIT(2)
#define SIM_SCSI_DID_FLUSH	BIT(3)
#define SIM_SCSI_DID_UNMAP	BIT(4)
#define SIM_SCSI_DID_WRITE_SAME	BIT(5)

#define SIM_SCSI_SENSE_LEN	18	/* fixed format, no extra bytes */

/**
 * struct sim_scsi_cmd - one SCSI command for sim_scsi_execute()
 * @cdb: command descriptor block, @cdb_len bytes (1..16)
 * @cdb_len: CDB bytes valid
 * @path_id: SCSI bus; disks exist on path 0 only
 * @target_id: target
 * @lun: logical unit
 * @data_in: VSTOR_DATA_IN (to the guest), VSTOR_DATA_OUT or
 *	VSTOR_DATA_NONE
 * @buf: the guest's data buffer (len 0: none)
 * @srb_status: result: SRB_STATUS_* (AUTOSENSE_VALID set with @sense_len)
 * @scsi_status: result: SAM status byte
 * @transferred: result: bytes moved to or from @buf
 * @sense: result: fixed-format sense data, @sense_len bytes
 * @sense_len: result: 0 or SIM_SCSI_SENSE_LEN
 * @done: result: SIM_SCSI_DID_* of what the command did
 * @bytes: result: data bytes read from or written to the disk
 */
struct sim_scsi_cmd {
	const u8 *cdb;
	u8 cdb_len;
	u8 path_id;
	u8 target_id;
	u8 lun;
	u8 data_in;
	struct sim_gpa_buf buf;
	u8 srb_status;
	u8 scsi_status;
	u32 transferred;
	u8 sense[SIM_SCSI_SENSE_LEN];
	u8 sense_len;
	u32 done;
	u64 bytes;
};

/* sim_scsi.c */
void sim_scsi_execute(struct sim_disks *disks, struct sim_scsi_cmd *cmd);

/* sim_stor.c: debugfs "storvsp" and "storvsp_ctl" */
void sim_stor_show(struct seq_file *m);
int sim_stor_ctl(const char *cmd);

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
	void *priv;			/* kind->dev_priv_size bytes */
};

/*
 * A GPADL: in progress (sim_srv.gpadl_pending) or created (chan->gpadls).
 * A channel's list changes under sim_srv.lock and sim_srv.chan_lock, so
 * either lock is enough to walk it (the channel work takes chan_lock).
 */
struct sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u16 buflen;			/* range_buflen */
	u16 rangecount;
	u32 received;			/* range bytes so far */
	bool in_use;			/* backs an open ring */
	/* Under sim_srv.chan_lock: mapped by the back end, never freed then. */
	bool mapped;
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
	unsigned int subs_granted;	/* primary: live (not rescinded) + pending */
	unsigned int subs_pending;	/* primary: reserved, not offered yet */
	/* Atomic bits: */
	unsigned long faults;
	unsigned long rx_hold;		/* SIM_CHAN_HOLD_*; cleared at open */
	struct work_struct work;	/* on target_vp's CPU */
	void *priv;			/* kind->priv_size bytes */
	void *dev_priv;			/* the device's; NULL once it is gone */
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
void sim_offer_rescind_closed(struct sim_chan *chan);

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
void sim_chan_flush(struct sim_chan *chan);

#endif /* _SIM_SIM_H */
