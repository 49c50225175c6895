/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMBus core internals.  Layers, bottom up, each using only those below:
 *
 *   ring.c        ring buffer arithmetic on struct hv_ring_buffer_info
 *   synic.c       hypervisor back end, per-CPU SynIC pages, ISR, messages
 *   connection.c  message posting, request/response matching, versions
 *   gpadl.c       GPADL establish/teardown
 *   channel.c     open/close, send/receive, request IDs, signalling
 *   offer.c       offers, rescinds, channel objects, sub-channels
 *   bus.c         bus type, drivers, devices, sysfs, module init
 *
 * A lower layer reaches a higher one only through a callback it was given
 * (synic.c dispatches messages through vmbus_conn_ops).
 */
#ifndef _VMBUS_CORE_H
#define _VMBUS_CORE_H

#include <linux/hyperv.h>
#include <linux/uio.h>
#include <linux/workqueue.h>
#include "vmbus_hv.h"
#include "vmbus_proto.h"

/* ring.c: the ring buffer, knows nothing of channels. */
int vmbus_ring_setup(struct hv_ring_buffer_info *rbi, struct page *pages,
		     u32 page_cnt, u32 max_pkt_size);
void vmbus_ring_cleanup(struct hv_ring_buffer_info *rbi);
void vmbus_ring_reset_header(struct hv_ring_buffer_info *rbi);
int vmbus_ring_write(struct hv_ring_buffer_info *rbi, const struct kvec *kv,
		     u32 kv_cnt, u64 trans_id, bool *signal);
struct vmpacket_descriptor *vmbus_ring_iter_first(struct hv_ring_buffer_info *rbi);
struct vmpacket_descriptor *vmbus_ring_iter_next(struct hv_ring_buffer_info *rbi,
						 const struct vmpacket_descriptor *desc);
bool vmbus_ring_iter_close(struct hv_ring_buffer_info *rbi);
int vmbus_ring_read(struct hv_ring_buffer_info *rbi, void *buf, u32 buflen,
		    u32 *actual, u64 *trans_id, bool raw, bool *signal);
bool vmbus_ring_signal_on_write(struct hv_ring_buffer_info *rbi, u32 old_write);
bool vmbus_ring_has_space(struct hv_ring_buffer_info *rbi, u32 bytes);
bool vmbus_ring_want_space(struct hv_ring_buffer_info *rbi, u32 bytes);

/* synic.c: the hypervisor seam and interrupt dispatch. */
struct vmbus_msg_handlers {
	/* Runs in softirq context on the CPU that received the message. */
	void (*on_message)(const struct vmbus_channel_message_header *hdr,
			   u32 size);
	/* Runs in hardirq context; relid already range-checked. */
	void (*on_event)(u32 relid);
	/* May @cpu go offline?  Process context (CPU hotplug). */
	bool (*cpu_busy)(unsigned int cpu);
};

extern const struct vmbus_hv_ops *vmbus_hv;
int vmbus_synic_start(const struct vmbus_msg_handlers *handlers);
void vmbus_synic_stop(void);
u32 vmbus_synic_vp_index(unsigned int cpu);
void vmbus_synic_set_legacy(void *int_page);

/* connection.c: talking to the host. */
struct vmbus_waiter {
	struct list_head node;
	u32 msgtype;		/* response type awaited */
	u32 relid;		/* match field 1, type dependent */
	u32 id;			/* match field 2: openid / gpadl */
	struct vmbus_channel *channel;	/* woken on its rescind, or NULL */
	struct completion done;
	int error;		/* -ENODEV when aborted */
	union {
		struct vmbus_channel_version_response version;
		struct vmbus_channel_open_result open;
		struct vmbus_channel_gpadl_created created;
		struct vmbus_channel_gpadl_torndown torndown;
		struct vmbus_channel_modifychannel_response modify;
		struct vmbus_channel_message_header unload;
	} resp;
};

struct vmbus_connection_info {
	u32 version;		/* negotiated, 0 when disconnected */
	u32 msg_conn_id;
	u32 msg_cpu;		/* CPU receiving channel messages */
	void *int_page;		/* legacy interrupt page, < 5.0 */
	void *monitor_pages[2];
};

/*
 * Written only by vmbus_connect()/vmbus_disconnect(), which bus.c runs
 * under its back-end mutex; read without locks elsewhere, which is safe
 * because they do not change while a back end is registered and channels
 * exist.  vmbus_max_version (a module parameter) is read only on connect.
 */
extern struct vmbus_connection_info vmbus_conn;
extern unsigned int vmbus_max_version;

int vmbus_post_msg(void *msg, u32 size, bool can_sleep);
void vmbus_waiter_init(struct vmbus_waiter *w, u32 msgtype, u32 relid, u32 id,
		       struct vmbus_channel *channel);
int vmbus_waiter_arm(struct vmbus_waiter *w);
int vmbus_waiter_wait(struct vmbus_waiter *w);
int vmbus_post_and_wait(struct vmbus_waiter *w, void *msg, u32 size);
void vmbus_waiter_cancel(struct vmbus_waiter *w);
void vmbus_wake_channel_waiters(struct vmbus_channel *channel);
bool vmbus_complete_waiter(const struct vmbus_channel_message_header *hdr,
			   u32 size);
int vmbus_connect(void);
void vmbus_disconnect(void);
void vmbus_connection_cleanup(void);
void vmbus_signal_channel(struct vmbus_channel *channel);

/* gpadl.c */
int vmbus_gpadl_create(struct vmbus_channel *channel, void *buf, u32 size,
		       struct page *pages, struct vmbus_gpadl *gpadl);

/* channel.c */
int vmbus_channel_open_rings(struct vmbus_channel *channel,
			     void (*cb)(void *context), void *context,
			     void *userdata, u32 userdatalen);
int vmbus_channel_close_one(struct vmbus_channel *channel);
void vmbus_channel_dispatch(struct vmbus_channel *channel);
void vmbus_channel_wake_writers(void);
int vmbus_wait_for_space(struct vmbus_channel *channel, u32 bytes,
			 long timeout);
void vmbus_channel_init(struct vmbus_channel *channel);
void vmbus_channel_cleanup(struct vmbus_channel *channel);

/* offer.c */
extern struct workqueue_struct *vmbus_offer_wq;
int vmbus_offers_init(void);
void vmbus_offers_exit(void);
void vmbus_offers_remove_all(void);
void vmbus_offers_free_all(void);
void vmbus_onevent(u32 relid);
bool vmbus_cpu_has_channels(unsigned int cpu);
void vmbus_onoffer_msg(const struct vmbus_channel_message_header *hdr, u32 size);
struct vmbus_channel *vmbus_relid_to_channel(u32 relid);
bool vmbus_channel_is_perf(const struct vmbus_channel *channel);
void vmbus_channel_release_relid(struct vmbus_channel *channel);
void vmbus_channel_put(struct vmbus_channel *channel);
void vmbus_channel_lock(void);
void vmbus_channel_unlock(void);
extern const struct kobj_type vmbus_channel_ktype;

/* hv_x86.c */
int vmbus_hv_x86_init(void);
void vmbus_hv_x86_exit(void);

/* sysfs.c */
extern const struct attribute_group *vmbus_dev_groups[];

/* bus.c */
extern struct bus_type vmbus_bus;
int vmbus_device_create(struct vmbus_channel *channel);
void vmbus_device_remove(struct vmbus_channel *channel);
int vmbus_channel_sysfs_add(struct vmbus_channel *channel);
u16 vmbus_dev_type(const guid_t *guid);

#endif /* _VMBUS_CORE_H */
