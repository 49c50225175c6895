// SPDX-License-Identifier: GPL-2.0
/*
 * GPADLs: naming a guest buffer to the host by a handle
 * (../shared/spec/vmbus.md section 4).  A GPADL of more pages than fit in
 * one GPADL_HEADER continues in GPADL_BODY messages; the host answers
 * GPADL_CREATED once it has them all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "vmbus_core.h"

/* One range record's byte count must fit range_buflen, a u16. */
#define VMBUS_GPADL_MAX_PAGES \
	((U16_MAX - sizeof(struct gpa_range)) / sizeof(u64))

/* Handles are connection-wide and never 0 (section 4.3). */
static atomic_t vmbus_gpadl_next = ATOMIC_INIT(0x10000);

static u32 vmbus_gpadl_new_handle(void)
{
	u32 handle;

	do {
		handle = atomic_inc_return(&vmbus_gpadl_next);
	} while (!handle);
	return handle;
}

/* PFN of page @i of the buffer: from @pages if given, else from @buf. */
static u64 vmbus_gpadl_pfn(void *buf, struct page *pages, u32 i)
{
	void *p;

	if (pages)
		return page_to_pfn(pages + i);
	p = buf + ((unsigned long)i << PAGE_SHIFT);
	return is_vmalloc_addr(p) ? vmalloc_to_pfn(p) : PHYS_PFN(virt_to_phys(p));
}

static int vmbus_gpadl_send(struct vmbus_channel *channel, void *buf,
			    struct page *pages, u32 npages, u32 handle)
{
	struct vmbus_channel_gpadl_header *hdr;
	struct vmbus_channel_gpadl_body *body;
	u32 i, n, sent;
	void *msg;
	int ret;

	msg = kzalloc(VMBUS_MSG_MAX, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = msg;
	hdr->header.msgtype = CHANNELMSG_GPADL_HEADER;
	hdr->child_relid = channel->offermsg.child_relid;
	hdr->gpadl = handle;
	hdr->range_buflen = sizeof(struct gpa_range) + npages * sizeof(u64);
	hdr->rangecount = 1;
	hdr->range[0].byte_count = npages << PAGE_SHIFT;
	hdr->range[0].byte_offset = 0;
	n = min_t(u32, npages, VMBUS_GPADL_HEADER_PFNS);
	for (i = 0; i < n; i++)
		hdr->range[0].pfn_array[i] = vmbus_gpadl_pfn(buf, pages, i);
	ret = vmbus_post_msg(msg, sizeof(*hdr) + sizeof(struct gpa_range) +
			     n * sizeof(u64), true);

	/* The rest of the PFN list follows back to back, unacknowledged. */
	for (sent = n; !ret && sent < npages; sent += n) {
		memset(msg, 0, VMBUS_MSG_MAX);
		body = msg;
		body->header.msgtype = CHANNELMSG_GPADL_BODY;
		body->gpadl = handle;
		n = min_t(u32, npages - sent, VMBUS_GPADL_BODY_PFNS);
		for (i = 0; i < n; i++)
			body->pfn[i] = vmbus_gpadl_pfn(buf, pages, sent + i);
		ret = vmbus_post_msg(msg, sizeof(*body) + n * sizeof(u64), true);
	}
	kfree(msg);
	return ret;
}

/**
 * vmbus_gpadl_create() - establish a GPADL for a buffer
 * @channel: channel the GPADL belongs to
 * @buf: page-aligned buffer (linear or vmalloc); unused if @pages is given
 * @size: bytes, a multiple of PAGE_SIZE
 * @pages: physically contiguous pages of the buffer, or NULL
 * @gpadl: filled in on success
 *
 * Return: 0; -EINVAL for a bad size; -ENODEV if the channel was rescinded
 * meanwhile; -EIO if the host refused; or a posting error.  On error the
 * host holds no GPADL for the buffer.
 */
int vmbus_gpadl_create(struct vmbus_channel *channel, void *buf, u32 size,
		       struct page *pages, struct vmbus_gpadl *gpadl)
{
	u32 npages = size >> PAGE_SHIFT, handle;
	struct vmbus_waiter w;
	int ret;

	if (!size || !PAGE_ALIGNED(size) || npages > VMBUS_GPADL_MAX_PAGES ||
	    (!pages && !PAGE_ALIGNED(buf)))
		return -EINVAL;

	handle = vmbus_gpadl_new_handle();
	vmbus_waiter_init(&w, CHANNELMSG_GPADL_CREATED,
			  channel->offermsg.child_relid, handle, channel);
	ret = vmbus_waiter_arm(&w);
	if (ret)
		return ret;
	ret = vmbus_gpadl_send(channel, buf, pages, npages, handle);
	if (ret) {
		vmbus_waiter_cancel(&w);
		return ret;
	}
	ret = vmbus_waiter_wait(&w);
	if (ret)
		return ret;
	if (w.resp.created.creation_status) {
		dev_err_ratelimited(channel->device_obj ?
				    &channel->device_obj->device : NULL,
				    "host refused GPADL: status %#x\n",
				    w.resp.created.creation_status);
		return -EIO;
	}
	gpadl->gpadl_handle = handle;
	gpadl->size = size;
	gpadl->buffer = buf;
	gpadl->decrypted = false;
	return 0;
}

/**
 * vmbus_establish_gpadl() - give the host access to a buffer
 * @channel: channel the buffer is used on
 * @kbuffer: page-aligned buffer from the page allocator or vmalloc
 * @size: bytes, a multiple of PAGE_SIZE
 * @gpadl: filled in on success; pass it to vmbus_teardown_gpadl()
 *
 * Sleeps until the host has answered.
 *
 * Return: 0; -EINVAL for a bad buffer; -ENODEV if the channel was rescinded;
 * -EIO if the host refused.  On error the buffer is not shared.
 */
int vmbus_establish_gpadl(struct vmbus_channel *channel, void *kbuffer,
			  u32 size, struct vmbus_gpadl *gpadl)
{
	return vmbus_gpadl_create(channel, kbuffer, size, NULL, gpadl);
}
EXPORT_SYMBOL_GPL(vmbus_establish_gpadl);

/**
 * vmbus_teardown_gpadl() - revoke the host's access to a buffer
 * @channel: channel the GPADL was established on
 * @gpadl: the GPADL; its handle is cleared on success
 *
 * Sleeps until the host confirms.  A rescinded channel's host has already
 * let go of its GPADLs, so nothing is sent then.
 *
 * Return: 0 when the buffer may be freed.  Any error means the host may
 * still access the buffer: it must not be freed or reused.
 */
int vmbus_teardown_gpadl(struct vmbus_channel *channel, struct vmbus_gpadl *gpadl)
{
	struct vmbus_channel_gpadl_teardown msg = {};
	struct vmbus_waiter w;
	int ret;

	if (!gpadl->gpadl_handle)
		return 0;
	/* After unload the host has dropped every GPADL. */
	if (!channel->rescind && vmbus_conn.version) {
		msg.header.msgtype = CHANNELMSG_GPADL_TEARDOWN;
		msg.child_relid = channel->offermsg.child_relid;
		msg.gpadl = gpadl->gpadl_handle;
		vmbus_waiter_init(&w, CHANNELMSG_GPADL_TORNDOWN, 0,
				  gpadl->gpadl_handle, channel);
		ret = vmbus_post_and_wait(&w, &msg, sizeof(msg));
		/* A rescind while waiting also releases the GPADL. */
		if (ret && !(ret == -ENODEV && channel->rescind))
			return ret;
	}
	gpadl->gpadl_handle = 0;
	return 0;
}
EXPORT_SYMBOL_GPL(vmbus_teardown_gpadl);
