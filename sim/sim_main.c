// SPDX-License-Identifier: GPL-2.0
/*
 * vmbus_sim: a simulated Hyper-V host that plugs in under the VMBus core
 * through the hypervisor interface of vmbus_hv.h.  This file holds the
 * module, its parameters, the debugfs interface (Documentation/vmbus_sim.md),
 * the violation counters and the trace of everything crossing the host
 * boundary.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/hyperv-tlfs.h>
#include "sim.h"
#include "sim_net.h"

static char *max_version = "5.3";
module_param(max_version, charp, 0444);
MODULE_PARM_DESC(max_version,
		 "Highest VMBus version accepted: \"major.minor\" or a version word (default 5.3)");

static char *devices = "";
module_param(devices, charp, 0444);
MODULE_PARM_DESC(devices,
		 "Comma-separated device kinds offered at connect (heartbeat, shutdown, echo, scsi, nic); empty: heartbeat,shutdown");

unsigned int sim_heartbeat_ms = 1000;
module_param_named(heartbeat_ms, sim_heartbeat_ms, uint, 0644);
MODULE_PARM_DESC(heartbeat_ms, "Heartbeat IC period in ms, 0 = off (default 1000)");

unsigned int sim_msg_queue_len = 64;
module_param_named(msg_queue_len, sim_msg_queue_len, uint, 0444);
MODULE_PARM_DESC(msg_queue_len,
		 "Guest messages the host buffers before HV_STATUS_INSUFFICIENT_BUFFERS (1-1024, default 64)");

static bool trace_enable = true;
module_param(trace_enable, bool, 0644);
MODULE_PARM_DESC(trace_enable, "Record the trace (default on)");

static unsigned int trace_entries = 4096;
module_param(trace_entries, uint, 0444);
MODULE_PARM_DESC(trace_entries, "Trace events kept, oldest dropped (default 4096)");

u32 sim_max_version;

/* ------------------------------------------------------------------ */
/* Violations                                                          */

static const char *const sim_viol_names[SIM_V_COUNT] = {
	[SIM_V_POST_SIZE] = "post-size",
	[SIM_V_POST_CONN_ID] = "post-conn-id",
	[SIM_V_MSG_TYPE] = "msg-type",
	[SIM_V_MSG_SIZE] = "msg-size",
	[SIM_V_MSG_STATE] = "msg-state",
	[SIM_V_MSG_VERSION] = "msg-version",
	[SIM_V_CONTACT] = "contact",
	[SIM_V_REQUESTOFFERS] = "requestoffers",
	[SIM_V_RELID] = "relid",
	[SIM_V_GPADL_HANDLE] = "gpadl-handle",
	[SIM_V_GPADL_RANGE] = "gpadl-range",
	[SIM_V_GPADL_PFN] = "gpadl-pfn",
	[SIM_V_GPADL_TEARDOWN] = "gpadl-teardown",
	[SIM_V_OPEN] = "open",
	[SIM_V_CLOSE] = "close",
	[SIM_V_RELID_RELEASED] = "relid-released",
	[SIM_V_MODIFY] = "modifychannel",
	[SIM_V_SIGNAL] = "signal",
	[SIM_V_RING_INDEX] = "ring-index",
	[SIM_V_RING_DESC] = "ring-desc",
	[SIM_V_RING_GPA] = "ring-gpa",
	[SIM_V_MSG_OVERFLOW] = "msg-overflow",
	[SIM_V_SYNIC] = "synic",
	[SIM_V_IC_PROTO] = "ic-proto",
	[SIM_V_IC_VERSION] = "ic-version",
	[SIM_V_IC_HEARTBEAT] = "ic-heartbeat",
	[SIM_V_ECHO_OP] = "echo-op",
	[SIM_V_ECHO_PROTO] = "echo-proto",
	[SIM_V_STOR_PKT] = "stor-pkt",
	[SIM_V_STOR_STATE] = "stor-state",
	[SIM_V_STOR_SRB] = "stor-srb",
	[SIM_V_NET_NVSP] = "net-nvsp",
	[SIM_V_NET_STATE] = "net-state",
	[SIM_V_NET_RNDIS] = "net-rndis",
	[SIM_V_NET_PPI] = "net-ppi",
	[SIM_V_NET_FRAME] = "net-frame",
	[SIM_V_NET_COMPLETION] = "net-completion",
};

static atomic_t sim_viol_count[SIM_V_COUNT];
static atomic_t sim_viol_total;

/**
 * sim_violation() - count and log a guest protocol error
 * @kind: violation kind
 * @fmt: what happened
 *
 * Any context.
 */
void sim_violation(enum sim_viol kind, const char *fmt, ...)
{
	char text[128];
	va_list args;

	if (WARN_ON_ONCE(kind >= SIM_V_COUNT))
		return;
	va_start(args, fmt);
	vsnprintf(text, sizeof(text), fmt, args);
	va_end(args);
	atomic_inc(&sim_viol_count[kind]);
	atomic_inc(&sim_viol_total);
	pr_err_ratelimited("violation %s: %s\n", sim_viol_names[kind], text);
	sim_trace_note("violation %s: %s", sim_viol_names[kind], text);
}

static int sim_violations_show(struct seq_file *m, void *v)
{
	unsigned int i;
	int count;

	for (i = 0; i < SIM_V_COUNT; i++) {
		count = atomic_read(&sim_viol_count[i]);
		if (count)
			seq_printf(m, "%s %d\n", sim_viol_names[i], count);
	}
	seq_printf(m, "total %d\n", atomic_read(&sim_viol_total));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_violations);

/**
 * vmbus_sim_violations() - violations counted so far, for tests
 * @kind: a violation kind as named in debugfs "violations" ("echo-op"),
 *	or NULL for the total
 *
 * Any context.
 *
 * Return: the count since the module was loaded, or -EINVAL for an
 * unknown @kind.
 */
int vmbus_sim_violations(const char *kind)
{
	int i;

	if (!kind)
		return atomic_read(&sim_viol_total);
	i = match_string(sim_viol_names, SIM_V_COUNT, kind);
	return i < 0 ? i : atomic_read(&sim_viol_count[i]);
}
EXPORT_SYMBOL_GPL(vmbus_sim_violations);

static int sim_msgs_show(struct seq_file *m, void *v)
{
	u32 type, count;

	for (type = 0; type < CHANNELMSG_COUNT; type++) {
		count = sim_server_msg_count(type);
		if (count)
			seq_printf(m, "%s %u\n", sim_msg_name(type), count);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_msgs);

/* ------------------------------------------------------------------ */
/* Trace                                                               */

#define SIM_TRACE_BYTES		32
#define SIM_TRACE_TEXT		96

enum sim_trace_kind {
	SIM_TRACE_MSG,
	SIM_TRACE_PKT,
	SIM_TRACE_NOTE,
};

struct sim_trace_ent {
	u64 seq;
	u64 trans;
	u32 type;
	u32 len;
	u32 relid;
	u8 kind;
	u8 g2h;
	u8 nbytes;
	union {
		u8 bytes[SIM_TRACE_BYTES];
		char text[SIM_TRACE_TEXT];
	};
};

/* The trace ring and its sequence counter; any context, irqsave. */
static DEFINE_SPINLOCK(sim_trace_lock);
static struct sim_trace_ent *sim_trace_ring;
static u64 sim_trace_seq;		/* of the next event */
static u64 sim_trace_cleared;		/* events before it are gone */

static const char *const sim_msg_names[CHANNELMSG_COUNT] = {
	[CHANNELMSG_INVALID] = "invalid",
	[CHANNELMSG_OFFERCHANNEL] = "offerchannel",
	[CHANNELMSG_RESCIND_CHANNELOFFER] = "rescind_channeloffer",
	[CHANNELMSG_REQUESTOFFERS] = "requestoffers",
	[CHANNELMSG_ALLOFFERS_DELIVERED] = "alloffers_delivered",
	[CHANNELMSG_OPENCHANNEL] = "openchannel",
	[CHANNELMSG_OPENCHANNEL_RESULT] = "openchannel_result",
	[CHANNELMSG_CLOSECHANNEL] = "closechannel",
	[CHANNELMSG_GPADL_HEADER] = "gpadl_header",
	[CHANNELMSG_GPADL_BODY] = "gpadl_body",
	[CHANNELMSG_GPADL_CREATED] = "gpadl_created",
	[CHANNELMSG_GPADL_TEARDOWN] = "gpadl_teardown",
	[CHANNELMSG_GPADL_TORNDOWN] = "gpadl_torndown",
	[CHANNELMSG_RELID_RELEASED] = "relid_released",
	[CHANNELMSG_INITIATE_CONTACT] = "initiate_contact",
	[CHANNELMSG_VERSION_RESPONSE] = "version_response",
	[CHANNELMSG_UNLOAD] = "unload",
	[CHANNELMSG_UNLOAD_RESPONSE] = "unload_response",
	[CHANNELMSG_18] = "open_reserved_channel",
	[CHANNELMSG_19] = "close_reserved_channel",
	[CHANNELMSG_20] = "close_reserved_channel_response",
	[CHANNELMSG_TL_CONNECT_REQUEST] = "tl_connect_request",
	[CHANNELMSG_MODIFYCHANNEL] = "modifychannel",
	[CHANNELMSG_TL_CONNECT_RESULT] = "tl_connect_result",
	[CHANNELMSG_MODIFYCHANNEL_RESPONSE] = "modifychannel_response",
};

/**
 * sim_msg_name() - name of a channel message type, for logs and trace
 * @msgtype: message type
 *
 * Return: Linux's CHANNELMSG_* name in lower case, or "unknown".
 */
const char *sim_msg_name(u32 msgtype)
{
	return msgtype < CHANNELMSG_COUNT ? sim_msg_names[msgtype] : "unknown";
}

/* A new entry, lock held; NULL when tracing is off. */
static struct sim_trace_ent *sim_trace_new(u8 kind, bool g2h)
{
	struct sim_trace_ent *ent;

	lockdep_assert_held(&sim_trace_lock);
	ent = &sim_trace_ring[sim_trace_seq % trace_entries];
	memset(ent, 0, sizeof(*ent));
	ent->seq = sim_trace_seq++;
	ent->kind = kind;
	ent->g2h = g2h;
	return ent;
}

static void sim_trace_bytes(struct sim_trace_ent *ent, const void *data,
			    u32 len)
{
	ent->nbytes = min_t(u32, len, SIM_TRACE_BYTES);
	memcpy(ent->bytes, data, ent->nbytes);
}

/**
 * sim_trace_msg() - record a channel message crossing the host boundary
 * @g2h: guest->host (posted) or host->guest (queued for the SynIC)
 * @msg: the message
 * @size: its size
 *
 * Any context.
 */
void sim_trace_msg(bool g2h, const void *msg, u32 size)
{
	const u32 hdr = sizeof(struct vmbus_channel_message_header);
	struct sim_trace_ent *ent;
	unsigned long flags;
	u32 type = 0;

	if (!READ_ONCE(trace_enable))
		return;
	if (size >= sizeof(type))
		memcpy(&type, msg, sizeof(type));
	spin_lock_irqsave(&sim_trace_lock, flags);
	ent = sim_trace_new(SIM_TRACE_MSG, g2h);
	ent->type = size >= sizeof(type) ? type : U32_MAX;
	ent->len = size;
	if (size > hdr)
		sim_trace_bytes(ent, (const u8 *)msg + hdr,
				min_t(u32, size, VMBUS_MSG_MAX) - hdr);
	spin_unlock_irqrestore(&sim_trace_lock, flags);
}

/**
 * sim_trace_pkt() - record a ring packet crossing the host boundary
 * @g2h: read from the guest->host ring, or written to the host->guest one
 * @relid: channel
 * @type: descriptor type
 * @len: packet bytes (len8 * 8, trailer excluded)
 * @trans_id: descriptor transaction ID
 * @body: bytes after the 16-byte descriptor
 * @body_len: bytes of @body
 *
 * Any context.
 */
void sim_trace_pkt(bool g2h, u32 relid, u16 type, u32 len, u64 trans_id,
		   const void *body, u32 body_len)
{
	struct sim_trace_ent *ent;
	unsigned long flags;

	if (!READ_ONCE(trace_enable))
		return;
	spin_lock_irqsave(&sim_trace_lock, flags);
	ent = sim_trace_new(SIM_TRACE_PKT, g2h);
	ent->type = type;
	ent->len = len;
	ent->relid = relid;
	ent->trans = trans_id;
	sim_trace_bytes(ent, body, body_len);
	spin_unlock_irqrestore(&sim_trace_lock, flags);
}

/**
 * sim_trace_note() - record a host event (violation, fault, reset)
 * @fmt: text
 *
 * Any context.
 */
void sim_trace_note(const char *fmt, ...)
{
	struct sim_trace_ent *ent;
	unsigned long flags;
	va_list args;

	if (!READ_ONCE(trace_enable))
		return;
	spin_lock_irqsave(&sim_trace_lock, flags);
	ent = sim_trace_new(SIM_TRACE_NOTE, false);
	va_start(args, fmt);
	vsnprintf(ent->text, sizeof(ent->text), fmt, args);
	va_end(args);
	spin_unlock_irqrestore(&sim_trace_lock, flags);
}

/* A reader formats a snapshot taken at open: the trace goes on meanwhile. */
struct sim_trace_snap {
	unsigned int count;
	struct sim_trace_ent ent[];
};

static void *sim_trace_start(struct seq_file *m, loff_t *pos)
{
	struct sim_trace_snap *snap = m->private;

	return *pos < snap->count ? &snap->ent[*pos] : NULL;
}

static void *sim_trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return sim_trace_start(m, pos);
}

static void sim_trace_stop(struct seq_file *m, void *v)
{
}

static int sim_trace_show(struct seq_file *m, void *v)
{
	const struct sim_trace_ent *ent = v;
	const char *dir = ent->g2h ? "G>H" : "H>G";

	switch (ent->kind) {
	case SIM_TRACE_MSG:
		if (ent->type < CHANNELMSG_COUNT)
			seq_printf(m, "%llu %s msg %s len=%u", ent->seq, dir,
				   sim_msg_names[ent->type], ent->len);
		else
			seq_printf(m, "%llu %s msg type-%u len=%u", ent->seq,
				   dir, ent->type, ent->len);
		break;
	case SIM_TRACE_PKT:
		seq_printf(m, "%llu %s pkt relid=%u type=%u len=%u trans=%llu",
			   ent->seq, dir, ent->relid, ent->type, ent->len,
			   ent->trans);
		break;
	default:
		seq_printf(m, "%llu --- %s\n", ent->seq, ent->text);
		return 0;
	}
	if (ent->nbytes)
		seq_printf(m, " : %*ph", ent->nbytes, ent->bytes);
	seq_putc(m, '\n');
	return 0;
}

/*
 * Print the newest @n trace records to the kernel log: a test that fails
 * shows what crossed the host boundary.
 */
static void sim_trace_dump(unsigned int n)
{
	const struct sim_trace_ent *ent;
	unsigned long flags;
	u64 seq, first;

	spin_lock_irqsave(&sim_trace_lock, flags);
	first = sim_trace_seq - min3((u64)n, sim_trace_seq, (u64)trace_entries);
	for (seq = first; seq < sim_trace_seq; seq++) {
		ent = &sim_trace_ring[seq % trace_entries];
		if (ent->kind == SIM_TRACE_NOTE)
			pr_info("trace %llu --- %s\n", ent->seq, ent->text);
		else
			pr_info("trace %llu %s %s type=%u relid=%u len=%u\n",
				ent->seq, ent->g2h ? "G>H" : "H>G",
				ent->kind == SIM_TRACE_MSG ? "msg" : "pkt",
				ent->type, ent->relid, ent->len);
	}
	spin_unlock_irqrestore(&sim_trace_lock, flags);
}

static const struct seq_operations sim_trace_seq_ops = {
	.start = sim_trace_start,
	.next = sim_trace_next,
	.stop = sim_trace_stop,
	.show = sim_trace_show,
};

static int sim_trace_open(struct inode *inode, struct file *file)
{
	struct sim_trace_snap *snap;
	unsigned long flags;
	unsigned int i;
	u64 first;
	int ret;

	snap = vmalloc(struct_size(snap, ent, trace_entries));
	if (!snap)
		return -ENOMEM;
	spin_lock_irqsave(&sim_trace_lock, flags);
	first = sim_trace_seq - min_t(u64, sim_trace_seq, trace_entries);
	first = max(first, sim_trace_cleared);
	snap->count = sim_trace_seq - first;
	for (i = 0; i < snap->count; i++)
		snap->ent[i] = sim_trace_ring[(first + i) % trace_entries];
	spin_unlock_irqrestore(&sim_trace_lock, flags);

	ret = seq_open(file, &sim_trace_seq_ops);
	if (ret) {
		vfree(snap);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = snap;
	return 0;
}

static int sim_trace_release(struct inode *inode, struct file *file)
{
	vfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

/* Any write clears the trace; sequence numbers go on. */
static ssize_t sim_trace_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_trace_lock, flags);
	sim_trace_cleared = sim_trace_seq;
	spin_unlock_irqrestore(&sim_trace_lock, flags);
	return count;
}

static const struct file_operations sim_trace_fops = {
	.owner = THIS_MODULE,
	.open = sim_trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = sim_trace_write,
	.release = sim_trace_release,
};

/* ------------------------------------------------------------------ */
/* debugfs control files                                               */

static struct dentry *sim_debugfs;

static const char *const sim_fault_names[SIM_FAULT_COUNT] = {
	[SIM_FAULT_BAD_OFFER] = "bad-offer",
	[SIM_FAULT_SHORT_MSG] = "short-msg",
	[SIM_FAULT_OVERSIZED_MSG] = "oversized-msg",
	[SIM_FAULT_BAD_DESC] = "bad-desc",
	[SIM_FAULT_BAD_RELID_EVENT] = "bad-relid-event",
	[SIM_FAULT_HOLD_OPEN] = "hold-open",
};

/* Copy a short command from user space, trimmed. */
static int sim_get_cmd(char *cmd, size_t size, const char __user *buf,
		       size_t count)
{
	if (!count || count >= size)
		return -EINVAL;
	if (copy_from_user(cmd, buf, count))
		return -EFAULT;
	cmd[count] = '\0';
	strim(cmd);
	return 0;
}

/* A write-only control file: each write is one command for @run. */
struct sim_ctl {
	int (*run)(const char *cmd);
};

static int sim_ctl_rescind(const char *cmd)
{
	u32 relid;

	return kstrtou32(cmd, 0, &relid) ?: sim_server_rescind(relid);
}

static int sim_ctl_shutdown(const char *cmd)
{
	return sim_server_action("shutdown", cmd);
}

static struct sim_ctl sim_ctl_rescind_file = { .run = sim_ctl_rescind };
static struct sim_ctl sim_ctl_offer_file = { .run = sim_server_hot_add };
static struct sim_ctl sim_ctl_reconnect_file = { .run = vmbus_sim_reconnect };
static struct sim_ctl sim_ctl_shutdown_file = { .run = sim_ctl_shutdown };
static struct sim_ctl sim_ctl_storvsp_file = { .run = sim_stor_ctl };
static struct sim_ctl sim_ctl_netvsp_file = { .run = sim_net_ctl };

static ssize_t sim_ctl_write(struct file *file, const char __user *buf,
			     size_t count, loff_t *ppos)
{
	const struct sim_ctl *ctl = file_inode(file)->i_private;
	char cmd[128];
	int ret;

	ret = sim_get_cmd(cmd, sizeof(cmd), buf, count);
	if (!ret)
		ret = ctl->run(cmd);
	return ret ?: count;
}

static const struct file_operations sim_ctl_fops = {
	.owner = THIS_MODULE,
	.write = sim_ctl_write,
};

static ssize_t sim_fault_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	char cmd[32], *arg;
	u32 relid = 0;
	int ret, i;

	ret = sim_get_cmd(cmd, sizeof(cmd), buf, count);
	if (ret)
		return ret;
	/* "<mode>" or "<mode> <relid>" */
	arg = strchr(cmd, ' ');
	if (arg) {
		*arg++ = '\0';
		ret = kstrtou32(skip_spaces(arg), 0, &relid);
		if (ret)
			return ret;
	}
	i = match_string(sim_fault_names, SIM_FAULT_COUNT, cmd);
	if (i < 0)
		return -EINVAL;
	ret = sim_fault_inject(i, relid);
	return ret ?: count;
}

static int sim_fault_show(struct seq_file *m, void *v)
{
	unsigned int i;

	for (i = 0; i < SIM_FAULT_COUNT; i++)
		seq_printf(m, "%s\n", sim_fault_names[i]);
	return 0;
}

static int sim_fault_open(struct inode *inode, struct file *file)
{
	return single_open(file, sim_fault_show, NULL);
}

static int sim_offers_show(struct seq_file *m, void *v)
{
	sim_server_show_offers(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_offers);

static int sim_ic_file_show(struct seq_file *m, void *v)
{
	sim_server_show_devices(m, "ic");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_ic_file);

static int sim_echo_file_show(struct seq_file *m, void *v)
{
	sim_server_show_devices(m, "echo");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_echo_file);

static int sim_storvsp_file_show(struct seq_file *m, void *v)
{
	sim_stor_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_storvsp_file);

static int sim_netvsp_file_show(struct seq_file *m, void *v)
{
	sim_net_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_netvsp_file);

static int sim_vswitch_file_show(struct seq_file *m, void *v)
{
	sim_vsw_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_vswitch_file);

static const struct file_operations sim_fault_fops = {
	.owner = THIS_MODULE,
	.open = sim_fault_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.write = sim_fault_write,
	.release = single_release,
};

static void sim_debugfs_init(void)
{
	struct dentry *d = debugfs_create_dir(KBUILD_MODNAME, NULL);

	sim_debugfs = d;
	debugfs_create_file("violations", 0444, d, NULL, &sim_violations_fops);
	debugfs_create_file("msgs", 0444, d, NULL, &sim_msgs_fops);
	debugfs_create_file("reconnect", 0200, d, &sim_ctl_reconnect_file,
			    &sim_ctl_fops);
	debugfs_create_file("trace", 0644, d, NULL, &sim_trace_fops);
	debugfs_create_bool("trace_enable", 0644, d, &trace_enable);
	debugfs_create_file("offers", 0444, d, NULL, &sim_offers_fops);
	debugfs_create_file("ic", 0444, d, NULL, &sim_ic_file_fops);
	debugfs_create_file("echo", 0444, d, NULL, &sim_echo_file_fops);
	debugfs_create_file("rescind", 0200, d, &sim_ctl_rescind_file,
			    &sim_ctl_fops);
	debugfs_create_file("offer", 0200, d, &sim_ctl_offer_file, &sim_ctl_fops);
	debugfs_create_file("shutdown", 0200, d, &sim_ctl_shutdown_file,
			    &sim_ctl_fops);
	debugfs_create_file("fault", 0644, d, NULL, &sim_fault_fops);
	debugfs_create_file("storvsp", 0444, d, NULL, &sim_storvsp_file_fops);
	debugfs_create_file("storvsp_ctl", 0200, d, &sim_ctl_storvsp_file,
			    &sim_ctl_fops);
	debugfs_create_file("netvsp", 0444, d, NULL, &sim_netvsp_file_fops);
	debugfs_create_file("netvsp_ctl", 0200, d, &sim_ctl_netvsp_file,
			    &sim_ctl_fops);
	debugfs_create_file("vswitch", 0444, d, NULL, &sim_vswitch_file_fops);
}

/* ------------------------------------------------------------------ */
/* Module                                                              */

static int sim_hv_init(void (*isr)(void))
{
	sim_synic_set_isr(isr);
	return 0;
}

static void sim_hv_exit(void)
{
	sim_synic_set_isr(NULL);
}

static u32 sim_hv_vp_index(unsigned int cpu)
{
	return cpu;
}

static const struct vmbus_hv_ops sim_ops = {
	.name = "vmbus_sim",
	.owner = THIS_MODULE,
	.init = sim_hv_init,
	.exit = sim_hv_exit,
	.vp_index = sim_hv_vp_index,
	.synic_enable = sim_synic_enable,
	.synic_disable = sim_synic_disable,
	.post_message = sim_server_post_message,
	.signal_event = sim_chan_signal_event,
	.eom = sim_synic_eom,
};

/* "5.3" or a version word such as "0x50003". */
static int sim_parse_version(const char *s, u32 *version)
{
	return strchr(s, '.') ? vmbus_parse_version(s, version) :
				kstrtou32(s, 0, version);
}

/**
 * vmbus_sim_reconnect() - reconnect the core to this host at a new version
 * @version: the host's new max_version, "M.m"
 *
 * For tests: the core unloads (closing every device), the host forgets
 * the connection, and the core connects again, negotiating anew.
 * Process context.
 *
 * Return: 0, -EINVAL for a bad version, or the core's connect error (the
 * host is then disconnected).
 */
int vmbus_sim_reconnect(const char *version)
{
	u32 v;
	int ret;

	ret = sim_parse_version(version, &v);
	if (ret || v < vmbus_version(0, 13))
		return -EINVAL;
	vmbus_hv_unregister(&sim_ops);
	sim_max_version = v;
	ret = vmbus_hv_register(&sim_ops);
	if (ret) {
		pr_err("reconnect at %s failed: %d\n", version, ret);
		sim_trace_dump(40);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_sim_reconnect);

/**
 * vmbus_sim_offer() - hot-add a device, as debugfs "offer" does
 * @kind: device kind ("echo", "heartbeat", "shutdown")
 *
 * For tests.  Process context.  The offer goes out at once if the guest
 * has requested offers.
 *
 * Return: 0, -EINVAL for an unknown kind, -ENOMEM, -ENOSPC.
 */
int vmbus_sim_offer(const char *kind)
{
	return sim_server_hot_add(kind);
}
EXPORT_SYMBOL_GPL(vmbus_sim_offer);

/**
 * vmbus_sim_rescind() - rescind a channel, as debugfs "rescind" does
 * @relid: channel; a primary's sub-channels are rescinded first
 *
 * For tests.  Process context.
 *
 * Return: 0 or -ENOENT.
 */
int vmbus_sim_rescind(u32 relid)
{
	return sim_server_rescind(relid);
}
EXPORT_SYMBOL_GPL(vmbus_sim_rescind);

/**
 * vmbus_sim_msg_count() - guest messages of a type the host received
 * @msgtype: CHANNELMSG_* type
 *
 * For tests.  Any context.
 *
 * Return: the count since the module was loaded.
 */
u32 vmbus_sim_msg_count(u32 msgtype)
{
	return sim_server_msg_count(msgtype);
}
EXPORT_SYMBOL_GPL(vmbus_sim_msg_count);

/**
 * vmbus_sim_fault() - inject a fault, as debugfs "fault" does
 * @mode: fault mode name ("bad-offer", "hold-open", ...)
 *
 * For tests.  Process context.
 *
 * Return: 0, -EINVAL for an unknown mode, or what the fault returns.
 */
int vmbus_sim_fault(const char *mode)
{
	int i = match_string(sim_fault_names, SIM_FAULT_COUNT, mode);

	return i < 0 ? i : sim_fault_inject(i, 0);
}
EXPORT_SYMBOL_GPL(vmbus_sim_fault);

/**
 * vmbus_sim_storvsp() - a command for the simulated StorVSP
 * @cmd: as written to debugfs "storvsp_ctl" ("add 0:2 16M", "busy 3")
 *
 * For tests.  Process context.
 *
 * Return: 0, -EINVAL for bad syntax, -ENODEV, -EEXIST, -ENOENT, -ENOMEM.
 */
int vmbus_sim_storvsp(const char *cmd)
{
	return sim_stor_ctl(cmd);
}
EXPORT_SYMBOL_GPL(vmbus_sim_storvsp);

/**
 * vmbus_sim_netvsp() - a command for the simulated NICs
 * @cmd: as written to debugfs "netvsp_ctl" ("link 0 down", "ppi0 1")
 *
 * For tests.  Process context.
 *
 * Return: 0, -EINVAL for bad syntax, -ENODEV for no such NIC.
 */
int vmbus_sim_netvsp(const char *cmd)
{
	return sim_net_ctl(cmd);
}
EXPORT_SYMBOL_GPL(vmbus_sim_netvsp);

static int __init sim_init(void)
{
	int ret;

	ret = sim_parse_version(max_version, &sim_max_version);
	if (ret || sim_max_version < vmbus_version(0, 13)) {
		pr_err("bad max_version '%s'\n", max_version);
		return -EINVAL;
	}
	if (!trace_entries)
		trace_entries = 1;
	sim_trace_ring = vzalloc(array_size(trace_entries,
					    sizeof(*sim_trace_ring)));
	if (!sim_trace_ring)
		return -ENOMEM;
	ret = sim_synic_init();
	if (ret)
		goto err_trace;
	ret = sim_vsw_init();
	if (ret)
		goto err_synic;
	ret = sim_server_init(devices);
	if (ret)
		goto err_vsw;
	sim_debugfs_init();
	ret = vmbus_hv_register(&sim_ops);
	if (ret) {
		pr_err("the VMBus core refused the simulated host: %d\n", ret);
		goto err_debugfs;
	}
	pr_info("simulated host up, max version %u.%u\n",
		sim_max_version >> 16, sim_max_version & 0xFFFF);
	return 0;

err_debugfs:
	debugfs_remove_recursive(sim_debugfs);
	sim_server_exit();
err_vsw:
	sim_vsw_exit();
err_synic:
	sim_synic_exit();
err_trace:
	vfree(sim_trace_ring);
	return ret;
}

static void __exit sim_exit(void)
{
	/* The core closes everything while the host still answers. */
	vmbus_hv_unregister(&sim_ops);
	debugfs_remove_recursive(sim_debugfs);
	sim_server_exit();
	sim_vsw_exit();
	sim_synic_exit();
	vfree(sim_trace_ring);
	pr_info("simulated host down, %d violations\n",
		atomic_read(&sim_viol_total));
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated Hyper-V host for the VMBus guest driver suite");
MODULE_LICENSE("GPL");
