// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the heartbeat and shutdown integration components
 * (host.md 5.9).  The host speaks first: after the guest opens the
 * channel it sends an IC NEGOTIATE offering framework and service
 * versions, checks the guest's pick, and then sends heartbeats every
 * heartbeat_ms (each reply must carry seq_num + 1) or, on request from
 * debugfs, one shutdown request.  One request is outstanding at a time;
 * the guest echoes the packet's transaction ID on its response.
 *
 * Everything but start/stop/action runs in the channel work; the timer
 * and debugfs only set "due" bits and kick the channel.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>
#include "sim.h"

#define SIM_IC_FLAGS_REQUEST	(ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST)
#define SIM_IC_FLAGS_RESPONSE	(ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE)

/* Bytes of the largest IC message this host sends (a shutdown). */
#define SIM_IC_BUF_SIZE		(ICMSG_HDR + sizeof(struct shutdown_msg_data))

/* Heartbeat period check when heartbeat_ms is 0 (off). */
#define SIM_IC_IDLE_MS		1000

/* Versions offered; the 6.1 hv_utils picks from these (hv_util.c). */
static const struct ic_version sim_ic_fw_versions[] = {
	{ 1, 0 }, { 3, 0 },
};

static const struct ic_version sim_ic_hb_versions[] = {
	{ 1, 0 }, { 3, 0 },
};

static const struct ic_version sim_ic_sd_versions[] = {
	{ 1, 0 }, { 3, 0 }, { 3, 1 }, { 3, 2 },
};

struct sim_ic_service {
	u16 msgtype;			/* ICMSGTYPE_HEARTBEAT, _SHUTDOWN */
	const struct ic_version *versions;
	unsigned int nversions;
};

static const struct sim_ic_service sim_ic_hb_service = {
	.msgtype = ICMSGTYPE_HEARTBEAT,
	.versions = sim_ic_hb_versions,
	.nversions = ARRAY_SIZE(sim_ic_hb_versions),
};

static const struct sim_ic_service sim_ic_sd_service = {
	.msgtype = ICMSGTYPE_SHUTDOWN,
	.versions = sim_ic_sd_versions,
	.nversions = ARRAY_SIZE(sim_ic_sd_versions),
};

enum sim_ic_state {
	SIM_IC_CLOSED,
	SIM_IC_OPEN,			/* NEGOTIATE not sent yet */
	SIM_IC_NEGOTIATING,
	SIM_IC_READY,
	SIM_IC_FAILED,
};

static const char *const sim_ic_state_names[] = {
	[SIM_IC_CLOSED] = "closed",
	[SIM_IC_OPEN] = "open",
	[SIM_IC_NEGOTIATING] = "negotiating",
	[SIM_IC_READY] = "ready",
	[SIM_IC_FAILED] = "failed",
};

/* Bits of sim_ic.due */
#define SIM_IC_DUE_HEARTBEAT	0
#define SIM_IC_DUE_SHUTDOWN	1

/* Per-channel state (the channel's priv, zeroed at offer). */
struct sim_ic {
	const struct sim_ic_service *svc;
	struct sim_chan *chan;
	struct delayed_work timer;	/* heartbeat period */
	unsigned long due;		/* SIM_IC_DUE_*, atomic bits */
	/* Channel work (and start/stop, when it cannot run): */
	enum sim_ic_state state;
	u64 next_trans;
	u64 wait_trans;			/* request awaiting its response */
	u16 wait_type;
	u64 hb_seq;			/* seq_num of the last heartbeat */
	struct ic_version fw, srv;	/* negotiated */
	/* Statistics, read by debugfs without a lock: */
	unsigned long sent, acked, missed;
	u32 status;			/* of the last shutdown response */
	u8 buf[SIM_IC_BUF_SIZE] __aligned(8);
};

static bool sim_ic_version_in(struct ic_version v,
			      const struct ic_version *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (list[i].major == v.major && list[i].minor == v.minor)
			return true;
	return false;
}

/* Send ic->buf with @body_len bytes after the IC header. */
static int sim_ic_send(struct sim_ic *ic, u16 msgtype, u32 body_len)
{
	struct vmbuspipe_hdr *pipe = (struct vmbuspipe_hdr *)ic->buf;
	struct icmsg_hdr *hdr = (struct icmsg_hdr *)(ic->buf + sizeof(*pipe));
	bool negotiate = msgtype == ICMSGTYPE_NEGOTIATE;
	u64 trans = ic->next_trans;
	int ret;

	pipe->flags = 0;
	pipe->msgsize = sizeof(*hdr) + body_len;
	memset(hdr, 0, sizeof(*hdr));
	hdr->icverframe = negotiate ?
		sim_ic_fw_versions[ARRAY_SIZE(sim_ic_fw_versions) - 1] : ic->fw;
	hdr->icvermsg = negotiate ?
		ic->svc->versions[ic->svc->nversions - 1] : ic->srv;
	hdr->icmsgtype = msgtype;
	hdr->icmsgsize = body_len;
	hdr->ictransaction_id = (u8)trans;
	hdr->icflags = SIM_IC_FLAGS_REQUEST;

	ret = sim_chan_send(ic->chan, VM_PKT_DATA_INBAND, 0, trans, ic->buf,
			    ICMSG_HDR + body_len);
	if (ret)
		return ret;
	ic->wait_trans = trans;
	ic->wait_type = msgtype;
	/* Any non-zero ID; the guest echoes it on its response. */
	ic->next_trans++;
	return 0;
}

static int sim_ic_send_negotiate(struct sim_ic *ic)
{
	struct icmsg_negotiate *nego = (void *)(ic->buf + ICMSG_HDR);
	unsigned int nfw = ARRAY_SIZE(sim_ic_fw_versions);
	unsigned int nsrv = ic->svc->nversions;

	nego->icframe_vercnt = nfw;
	nego->icmsg_vercnt = nsrv;
	nego->reserved = 0;
	memcpy(nego->icversion_data, sim_ic_fw_versions,
	       sizeof(sim_ic_fw_versions));
	memcpy(nego->icversion_data + nfw, ic->svc->versions,
	       nsrv * sizeof(struct ic_version));
	return sim_ic_send(ic, ICMSGTYPE_NEGOTIATE,
			   struct_size(nego, icversion_data, nfw + nsrv));
}

static int sim_ic_send_heartbeat(struct sim_ic *ic)
{
	struct heartbeat_msg_data *hb = (void *)(ic->buf + ICMSG_HDR);
	int ret;

	memset(hb, 0, sizeof(*hb));
	put_unaligned(ic->hb_seq + 1, &hb->seq_num);
	ret = sim_ic_send(ic, ICMSGTYPE_HEARTBEAT, sizeof(*hb));
	if (!ret)
		ic->hb_seq++;
	return ret;
}

static int sim_ic_send_shutdown(struct sim_ic *ic)
{
	static const char reason[] = "vmbus_sim: shutdown requested";
	struct shutdown_msg_data *sd = (void *)(ic->buf + ICMSG_HDR);

	memset(sd, 0, sizeof(*sd));
	sd->flags = 0;			/* power off, not forced */
	memcpy(sd->display_message, reason, sizeof(reason));
	return sim_ic_send(ic, ICMSGTYPE_SHUTDOWN, sizeof(*sd));
}

static void sim_ic_rx_negotiate(struct sim_ic *ic, const u8 *body, u32 len)
{
	const struct icmsg_negotiate *nego = (const void *)body;
	struct ic_version fw, srv;

	ic->state = SIM_IC_FAILED;
	if (len < sizeof(*nego)) {
		sim_violation(SIM_V_IC_PROTO,
			      "channel %u: short NEGOTIATE response",
			      sim_chan_relid(ic->chan));
		return;
	}
	if (!nego->icframe_vercnt && !nego->icmsg_vercnt) {
		sim_violation(SIM_V_IC_VERSION,
			      "channel %u: guest found no common IC version",
			      sim_chan_relid(ic->chan));
		return;
	}
	if (nego->icframe_vercnt != 1 || nego->icmsg_vercnt != 1 ||
	    len < struct_size(nego, icversion_data, 2)) {
		sim_violation(SIM_V_IC_PROTO,
			      "channel %u: NEGOTIATE response with %u+%u versions",
			      sim_chan_relid(ic->chan), nego->icframe_vercnt,
			      nego->icmsg_vercnt);
		return;
	}
	memcpy(&fw, &nego->icversion_data[0], sizeof(fw));
	memcpy(&srv, &nego->icversion_data[1], sizeof(srv));
	if (!sim_ic_version_in(fw, sim_ic_fw_versions,
			       ARRAY_SIZE(sim_ic_fw_versions)) ||
	    !sim_ic_version_in(srv, ic->svc->versions, ic->svc->nversions)) {
		sim_violation(SIM_V_IC_VERSION,
			      "channel %u: guest picked %u.%u / %u.%u, not offered",
			      sim_chan_relid(ic->chan), fw.major, fw.minor,
			      srv.major, srv.minor);
		return;
	}
	ic->fw = fw;
	ic->srv = srv;
	ic->state = SIM_IC_READY;
}

static void sim_ic_rx_heartbeat(struct sim_ic *ic, const u8 *body, u32 len)
{
	u64 seq;

	if (len < sizeof(seq)) {
		sim_violation(SIM_V_IC_PROTO, "channel %u: short heartbeat",
			      sim_chan_relid(ic->chan));
		return;
	}
	seq = get_unaligned((const u64 *)body);
	if (seq != ic->hb_seq + 1) {
		sim_violation(SIM_V_IC_HEARTBEAT,
			      "channel %u: heartbeat %llu answered with %llu",
			      sim_chan_relid(ic->chan), ic->hb_seq, seq);
		return;
	}
	ic->acked++;
}

static void sim_ic_rx(struct sim_chan *chan, const struct sim_pkt *pkt)
{
	struct sim_ic *ic = sim_chan_priv(chan);
	const struct icmsg_hdr *hdr;
	const u8 *body;
	u32 len;

	if (pkt->desc->type != VM_PKT_DATA_INBAND ||
	    pkt->payload_len < ICMSG_HDR) {
		sim_violation(SIM_V_IC_PROTO,
			      "channel %u: packet type %u with %u bytes",
			      sim_chan_relid(chan), pkt->desc->type,
			      pkt->payload_len);
		return;
	}
	if (!ic->wait_trans || pkt->desc->trans_id != ic->wait_trans) {
		sim_violation(SIM_V_IC_PROTO,
			      "channel %u: response for transaction %llu, expected %llu",
			      sim_chan_relid(chan), pkt->desc->trans_id,
			      ic->wait_trans);
		return;
	}
	ic->wait_trans = 0;
	hdr = (const void *)(pkt->payload + sizeof(struct vmbuspipe_hdr));
	if (hdr->icflags != SIM_IC_FLAGS_RESPONSE ||
	    hdr->icmsgtype != ic->wait_type ||
	    hdr->ictransaction_id != (u8)pkt->desc->trans_id) {
		sim_violation(SIM_V_IC_PROTO,
			      "channel %u: response type %u flags %#x id %u",
			      sim_chan_relid(chan), hdr->icmsgtype, hdr->icflags,
			      hdr->ictransaction_id);
		if (ic->wait_type == ICMSGTYPE_NEGOTIATE)
			ic->state = SIM_IC_FAILED;
		return;
	}
	body = pkt->payload + ICMSG_HDR;
	len = pkt->payload_len - ICMSG_HDR;
	switch (ic->wait_type) {
	case ICMSGTYPE_NEGOTIATE:
		sim_ic_rx_negotiate(ic, body, len);
		break;
	case ICMSGTYPE_HEARTBEAT:
		sim_ic_rx_heartbeat(ic, body, len);
		break;
	case ICMSGTYPE_SHUTDOWN:
		ic->status = hdr->status;
		ic->acked++;
		break;
	}
}

static void sim_ic_poll(struct sim_chan *chan)
{
	struct sim_ic *ic = sim_chan_priv(chan);

	if (ic->state == SIM_IC_OPEN) {
		if (!sim_ic_send_negotiate(ic))
			ic->state = SIM_IC_NEGOTIATING;
		return;
	}
	if (ic->state != SIM_IC_READY)
		return;
	if (ic->wait_trans) {
		/* A heartbeat still unanswered at the next period: missed. */
		if (test_and_clear_bit(SIM_IC_DUE_HEARTBEAT, &ic->due))
			ic->missed++;
		return;
	}
	if (test_bit(SIM_IC_DUE_HEARTBEAT, &ic->due) &&
	    !sim_ic_send_heartbeat(ic)) {
		clear_bit(SIM_IC_DUE_HEARTBEAT, &ic->due);
		ic->sent++;
	} else if (test_bit(SIM_IC_DUE_SHUTDOWN, &ic->due) &&
		   !sim_ic_send_shutdown(ic)) {
		clear_bit(SIM_IC_DUE_SHUTDOWN, &ic->due);
		ic->sent++;
	}
}

static void sim_ic_timer(struct work_struct *work)
{
	struct sim_ic *ic = container_of(to_delayed_work(work), struct sim_ic,
					 timer);
	unsigned int ms = READ_ONCE(sim_heartbeat_ms);

	if (ms) {
		set_bit(SIM_IC_DUE_HEARTBEAT, &ic->due);
		sim_chan_kick(ic->chan);
	}
	schedule_delayed_work(&ic->timer,
			      msecs_to_jiffies(ms ? ms : SIM_IC_IDLE_MS));
}

static void sim_ic_start(struct sim_chan *chan,
			 const struct sim_ic_service *svc)
{
	unsigned int ms = READ_ONCE(sim_heartbeat_ms) ?: SIM_IC_IDLE_MS;
	struct sim_ic *ic = sim_chan_priv(chan);

	ic->svc = svc;
	ic->chan = chan;
	ic->state = SIM_IC_OPEN;
	ic->next_trans = 1;
	ic->wait_trans = 0;
	ic->hb_seq = 0;
	memset(&ic->fw, 0, sizeof(ic->fw));
	memset(&ic->srv, 0, sizeof(ic->srv));
	clear_bit(SIM_IC_DUE_HEARTBEAT, &ic->due);
	INIT_DELAYED_WORK(&ic->timer, sim_ic_timer);
	if (svc == &sim_ic_hb_service)
		schedule_delayed_work(&ic->timer, msecs_to_jiffies(ms));
}

static void sim_ic_hb_start(struct sim_chan *chan)
{
	sim_ic_start(chan, &sim_ic_hb_service);
}

static void sim_ic_sd_start(struct sim_chan *chan)
{
	sim_ic_start(chan, &sim_ic_sd_service);
}

static void sim_ic_stop(struct sim_chan *chan)
{
	struct sim_ic *ic = sim_chan_priv(chan);

	cancel_delayed_work_sync(&ic->timer);
	ic->state = SIM_IC_CLOSED;
}

/* debugfs "shutdown": request a power off once the IC is negotiated. */
static int sim_ic_action(struct sim_chan *chan, const char *verb)
{
	struct sim_ic *ic = sim_chan_priv(chan);

	if (!sysfs_streq(verb, "1") && !sysfs_streq(verb, "shutdown"))
		return -EINVAL;
	set_bit(SIM_IC_DUE_SHUTDOWN, &ic->due);
	sim_chan_kick(chan);
	return 0;
}

static void sim_ic_show(struct seq_file *m, struct sim_chan *chan)
{
	const struct sim_ic *ic = sim_chan_priv(chan);
	const struct sim_dev_kind *kind = sim_chan_kind(chan);

	seq_printf(m, "%s relid=%u state=%s", kind->name,
		   sim_chan_relid(chan), sim_ic_state_names[ic->state]);
	if (ic->state == SIM_IC_READY)
		seq_printf(m, " framework=%u.%u service=%u.%u", ic->fw.major,
			   ic->fw.minor, ic->srv.major, ic->srv.minor);
	else
		seq_puts(m, " framework=- service=-");
	seq_printf(m, " sent=%lu acked=%lu", ic->sent, ic->acked);
	if (kind == &sim_ic_heartbeat)
		seq_printf(m, " missed=%lu\n", ic->missed);
	else
		seq_printf(m, " pending=%d status=%#x\n",
			   test_bit(SIM_IC_DUE_SHUTDOWN, &ic->due), ic->status);
}

const struct sim_dev_kind sim_ic_heartbeat = {
	.name = "heartbeat",
	.group = "ic",
	.id = { HV_HEART_BEAT_GUID },
	.priv_size = sizeof(struct sim_ic),
	.start = sim_ic_hb_start,
	.stop = sim_ic_stop,
	.rx = sim_ic_rx,
	.poll = sim_ic_poll,
	.show = sim_ic_show,
};

const struct sim_dev_kind sim_ic_shutdown = {
	.name = "shutdown",
	.group = "ic",
	.id = { HV_SHUTDOWN_GUID },
	.priv_size = sizeof(struct sim_ic),
	.start = sim_ic_sd_start,
	.stop = sim_ic_stop,
	.rx = sim_ic_rx,
	.poll = sim_ic_poll,
	.show = sim_ic_show,
	.action = sim_ic_action,
};
