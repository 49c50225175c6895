// SPDX-License-Identifier: GPL-2.0
/*
 * GPADLs in the simulated host (vmbus.md 4, host.md 5.5).
 *
 * A GPADL_HEADER starts a GPADL on the in-progress list, GPADL_BODYs add
 * range bytes by handle, and when range_buflen bytes have arrived the range
 * list is checked (byte_count > 0, byte_offset < 4096, enough PFNs, every
 * PFN a page of RAM) and the GPADL moves to its channel.  Handles are unique
 * among in-progress GPADLs and among the GPADLs of a channel.  All under
 * sim_srv.lock, from the message work; a channel's list also changes
 * under sim_srv.chan_lock, which is what a back end takes when it maps a
 * GPADL of its channel (sim_chan_map_gpadl(), from its channel work).
 *
 * A mapped GPADL is never freed.  A real host does not answer the
 * teardown of a GPADL its device still uses until the device let go: here
 * the channel work first gets to process what the guest wrote before the
 * teardown (a buffer revoke, say); a GPADL still mapped after that is a
 * violation, and the channel is stopped, which makes its back end unmap.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include "sim.h"

struct sim_gpadl *sim_gpadl_find(struct list_head *list, u32 handle)
{
	struct sim_gpadl *g;

	list_for_each_entry(g, list, node)
		if (g->handle == handle)
			return g;
	return NULL;
}

static void sim_gpadl_reply(u32 relid, u32 handle, u32 status)
{
	struct vmbus_channel_gpadl_created resp = {
		.header.msgtype = CHANNELMSG_GPADL_CREATED,
		.child_relid = relid,
		.gpadl = handle,
		.creation_status = status,
	};

	sim_server_send(&resp, sizeof(resp));
}

/* Check the complete range list (vmbus.md 4.1). */
static bool sim_gpadl_valid(const struct sim_gpadl *g)
{
	u32 pos = 0, i, j, npfn;

	for (i = 0; i < g->rangecount; i++) {
		struct gpa_range range;

		if (pos + sizeof(range) > g->buflen)
			goto err_len;
		memcpy(&range, g->data + pos, sizeof(range));
		pos += sizeof(range);
		if (!range.byte_count || range.byte_offset >= HV_HYP_PAGE_SIZE) {
			sim_violation(SIM_V_GPADL_RANGE,
				      "GPADL %#x range %u: count %u offset %u",
				      g->handle, i, range.byte_count,
				      range.byte_offset);
			return false;
		}
		npfn = DIV_ROUND_UP((u64)range.byte_offset + range.byte_count,
				    HV_HYP_PAGE_SIZE);
		if ((u64)pos + (u64)npfn * sizeof(u64) > g->buflen)
			goto err_len;
		for (j = 0; j < npfn; j++, pos += sizeof(u64)) {
			u64 pfn;

			memcpy(&pfn, g->data + pos, sizeof(pfn));
			if (!sim_ring_pfn_ok(pfn)) {
				sim_violation(SIM_V_GPADL_PFN,
					      "GPADL %#x PFN %#llx is not RAM",
					      g->handle, pfn);
				return false;
			}
		}
	}
	if (pos == g->buflen)
		return true;
err_len:
	sim_violation(SIM_V_GPADL_RANGE,
		      "GPADL %#x: %u ranges do not fill range_buflen %u",
		      g->handle, g->rangecount, g->buflen);
	return false;
}

/* Onto / off a channel's list: under both locks (see the file comment). */
static void sim_gpadl_link(struct sim_chan *chan, struct sim_gpadl *g)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	list_add_tail(&g->node, &chan->gpadls);
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
}

static void sim_gpadl_unlink(struct sim_gpadl *g)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	list_del(&g->node);
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
}

static bool sim_gpadl_mapped(const struct sim_gpadl *g)
{
	unsigned long flags;
	bool mapped;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	mapped = g->mapped;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	return mapped;
}

/* All range bytes arrived: check, attach to the channel, answer. */
static void sim_gpadl_complete(struct sim_gpadl *g)
{
	struct sim_chan *chan = sim_srv.chans[g->relid];

	list_del(&g->node);
	if (!chan) {
		kfree(g);
		return;
	}
	if (!sim_gpadl_valid(g)) {
		if (!chan->rescinded)
			sim_gpadl_reply(g->relid, g->handle,
					SIM_STATUS_FAILED);
		kfree(g);
		return;
	}
	sim_gpadl_link(chan, g);
	/* After a rescind the host answers no creation (vmbus.md 4.4). */
	if (!chan->rescinded)
		sim_gpadl_reply(g->relid, g->handle, 0);
}

void sim_gpadl_header(const struct sim_inmsg *m)
{
	const struct vmbus_channel_gpadl_header *msg = (const void *)m->data;
	u32 bytes = m->size - sizeof(*msg);
	struct sim_chan *chan;
	struct sim_gpadl *g;

	chan = sim_server_chan_get(msg->child_relid, "GPADL_HEADER");
	if (!chan)
		goto err_reply;
	if (m->size < sizeof(*msg) + sizeof(struct gpa_range) ||
	    !IS_ALIGNED(bytes, 8) || bytes > msg->range_buflen ||
	    !msg->rangecount) {
		sim_violation(SIM_V_GPADL_RANGE,
			      "GPADL_HEADER %#x: %u bytes, range_buflen %u, %u ranges",
			      msg->gpadl, m->size, msg->range_buflen,
			      msg->rangecount);
		goto err_reply;
	}
	if (!msg->gpadl ||
	    sim_gpadl_find(&sim_srv.gpadl_pending, msg->gpadl) ||
	    sim_gpadl_find(&chan->gpadls, msg->gpadl)) {
		sim_violation(SIM_V_GPADL_HANDLE, "GPADL handle %#x reused",
			      msg->gpadl);
		goto err_reply;
	}
	g = kzalloc(struct_size(g, data, msg->range_buflen), GFP_KERNEL);
	if (!g)
		goto err_reply;
	g->handle = msg->gpadl;
	g->relid = msg->child_relid;
	g->buflen = msg->range_buflen;
	g->rangecount = msg->rangecount;
	g->received = bytes;
	memcpy(g->data, msg->range, bytes);
	list_add_tail(&g->node, &sim_srv.gpadl_pending);
	if (g->received == g->buflen)
		sim_gpadl_complete(g);
	return;

err_reply:
	/* Unless rescinded: then the host answers no creation at all. */
	if (!chan || !chan->rescinded)
		sim_gpadl_reply(msg->child_relid, msg->gpadl,
				SIM_STATUS_FAILED);
}

void sim_gpadl_body(const struct sim_inmsg *m)
{
	const struct vmbus_channel_gpadl_body *msg = (const void *)m->data;
	u32 bytes = m->size - sizeof(*msg);
	struct sim_gpadl *g;

	g = sim_gpadl_find(&sim_srv.gpadl_pending, msg->gpadl);
	if (!g) {
		sim_violation(SIM_V_GPADL_HANDLE,
			      "GPADL_BODY for GPADL %#x not in progress",
			      msg->gpadl);
		return;
	}
	if (m->size <= sizeof(*msg) || !IS_ALIGNED(bytes, 8) ||
	    g->received + bytes > g->buflen) {
		sim_violation(SIM_V_GPADL_RANGE,
			      "GPADL_BODY %#x: %u bytes, %u of %u received",
			      msg->gpadl, m->size, g->received, g->buflen);
		list_del(&g->node);
		if (sim_srv.chans[g->relid] && !sim_srv.chans[g->relid]->rescinded)
			sim_gpadl_reply(g->relid, g->handle,
					SIM_STATUS_FAILED);
		kfree(g);
		return;
	}
	memcpy(g->data + g->received, msg->pfn, bytes);
	g->received += bytes;
	if (g->received == g->buflen)
		sim_gpadl_complete(g);
}

/* Does any channel hold a created GPADL @handle? */
static bool sim_gpadl_created_elsewhere(u32 handle)
{
	u32 relid;

	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++)
		if (sim_srv.chans[relid] &&
		    sim_gpadl_find(&sim_srv.chans[relid]->gpadls, handle))
			return true;
	return false;
}

void sim_gpadl_teardown(const struct sim_inmsg *m)
{
	const struct vmbus_channel_gpadl_teardown *msg = (const void *)m->data;
	struct vmbus_channel_gpadl_torndown resp = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = msg->gpadl,
	};
	struct sim_chan *chan;
	struct sim_gpadl *g;

	chan = sim_server_chan_get(msg->child_relid, "GPADL_TEARDOWN");
	if (!chan)
		goto reply;	/* nothing of it is mapped */
	g = sim_gpadl_find(&chan->gpadls, msg->gpadl);
	if (!g) {
		g = sim_gpadl_find(&sim_srv.gpadl_pending, msg->gpadl);
		if (g && g->relid != chan->relid) {
			sim_violation(SIM_V_GPADL_TEARDOWN,
				      "GPADL %#x in progress on channel %u, not %u",
				      g->handle, g->relid, chan->relid);
			return;
		}
		if (!g && sim_gpadl_created_elsewhere(msg->gpadl)) {
			/* An answer would free another channel's GPADL. */
			sim_violation(SIM_V_GPADL_TEARDOWN,
				      "GPADL %#x is not of channel %u",
				      msg->gpadl, chan->relid);
			return;
		}
		if (!chan->rescinded)
			sim_violation(SIM_V_GPADL_TEARDOWN,
				      "GPADL %#x of channel %u %s", msg->gpadl,
				      chan->relid,
				      g ? "still in progress" : "unknown");
		if (g) {
			sim_gpadl_unlink(g);
			kfree(g);
		}
		goto reply;
	}
	if (g->in_use) {
		if (!chan->rescinded) {
			/* The guest would free pages we still map: no answer. */
			sim_violation(SIM_V_GPADL_TEARDOWN,
				      "GPADL %#x backs the open channel %u",
				      g->handle, chan->relid);
			return;
		}
		sim_chan_unmap(chan);
	}
	if (sim_gpadl_mapped(g)) {
		/* A revoke may still wait in the ring: let the work see it. */
		sim_chan_flush(chan);
		if (sim_gpadl_mapped(g)) {
			sim_violation(SIM_V_GPADL_TEARDOWN,
				      "GPADL %#x of channel %u is still mapped by its %s device: channel stopped",
				      g->handle, chan->relid, chan->kind->name);
			sim_chan_stop(chan);
			WRITE_ONCE(chan->broken, true);
		}
		if (WARN_ON_ONCE(sim_gpadl_mapped(g)))
			return;		/* never hand back pages we map */
	}
	sim_gpadl_unlink(g);
	kfree(g);
reply:
	sim_server_send(&resp, sizeof(resp));
}

/**
 * sim_chan_map_gpadl() - map a GPADL the guest created on a channel
 * @chan: the channel (running: from its work, or start)
 * @handle: GPADL handle, as the guest's device protocol names it
 * @map: filled in on success
 *
 * Process context; takes sim_srv.chan_lock only, so the channel work may
 * call it.  The GPADL must be one page-aligned range (byte_offset 0, a
 * whole number of pages) that backs no ring and is not mapped yet.  Until
 * sim_chan_unmap_gpadl() the guest's teardown of it is not answered.
 *
 * Return: 0; -ENOENT if the channel has no such GPADL; -EBUSY if it backs
 * a ring or is mapped already; -EINVAL if it is not one page-aligned
 * range; -ENOMEM.
 */
int sim_chan_map_gpadl(struct sim_chan *chan, u32 handle,
		       struct sim_gpadl_map *map)
{
	struct gpa_range range = {};
	struct page **pages;
	struct sim_gpadl *g;
	unsigned long flags;
	const u64 *pfns;
	u32 i, npages;
	void *vaddr;
	int ret = 0;

	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	g = sim_gpadl_find(&chan->gpadls, handle);
	if (!g) {
		ret = -ENOENT;
	} else if (g->in_use || g->mapped) {
		ret = -EBUSY;
	} else {
		memcpy(&range, g->data, sizeof(range));
		if (g->rangecount != 1 || range.byte_offset ||
		    !range.byte_count || range.byte_count % HV_HYP_PAGE_SIZE)
			ret = -EINVAL;
		else
			g->mapped = true;
	}
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	if (ret)
		return ret;

	/* Mapped: the GPADL stays, its checked PFN list does not change. */
	npages = range.byte_count / HV_HYP_PAGE_SIZE;
	pfns = (const u64 *)(g->data + sizeof(range));
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL);
	vaddr = NULL;
	if (pages) {
		for (i = 0; i < npages; i++)
			pages[i] = pfn_to_page(pfns[i]);
		vaddr = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
		kvfree(pages);
	}
	if (!vaddr) {
		spin_lock_irqsave(&sim_srv.chan_lock, flags);
		g->mapped = false;
		spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
		return -ENOMEM;
	}
	map->vaddr = vaddr;
	map->size = range.byte_count;
	map->handle = handle;
	map->gpadl = g;
	return 0;
}

/**
 * sim_chan_unmap_gpadl() - undo sim_chan_map_gpadl()
 * @map: a mapping; emptied (unmapping an empty one does nothing)
 *
 * Process context; takes sim_srv.chan_lock only.  The guest's teardown of
 * the GPADL is answered from now on.
 */
void sim_chan_unmap_gpadl(struct sim_gpadl_map *map)
{
	unsigned long flags;

	if (!map->vaddr)
		return;
	vunmap(map->vaddr);
	spin_lock_irqsave(&sim_srv.chan_lock, flags);
	map->gpadl->mapped = false;
	spin_unlock_irqrestore(&sim_srv.chan_lock, flags);
	memset(map, 0, sizeof(*map));
}

/* Free the GPADLs of @relid on @list (channel gone, back end stopped). */
void sim_gpadl_free_relid(struct list_head *list, u32 relid)
{
	struct sim_gpadl *g, *tmp;

	list_for_each_entry_safe(g, tmp, list, node) {
		if (g->relid != relid)
			continue;
		sim_gpadl_unlink(g);
		/* A stopped back end unmapped everything: else leak, not free. */
		if (!WARN_ON_ONCE(sim_gpadl_mapped(g)))
			kfree(g);
	}
}
