// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the channel ring buffers (vmbus.md 5, host.md 5.7).
 *
 * The host reads the guest->host ring and writes the host->guest ring.
 * Every index and descriptor the guest controls is checked before use and
 * every packet is copied out of shared memory before it is parsed, so a
 * guest changing the ring under our feet cannot make us read out of
 * bounds.  Callers serialize all operations on one ring (the channel work).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "sim.h"

/* Largest guest->host packet the host copies out (len8 * 8). */
#define SIM_RING_READ_MAX	(64 * 1024)

/* Pending-send-size flow control: feature bit 0 of feature_bits. */
#define SIM_RING_FEAT_PENDING	BIT(0)

/**
 * sim_ring_pfn_ok() - may the guest name @pfn in a GPADL or packet?
 * @pfn: guest page frame number
 *
 * Return: true for a valid page of RAM (not MMIO, not a hole).
 */
bool sim_ring_pfn_ok(u64 pfn)
{
	return pfn <= ULONG_MAX && pfn_valid(pfn) && page_is_ram(pfn);
}

static u32 sim_ring_readable(u32 w, u32 r, u32 size)
{
	return w >= r ? w - r : size - r + w;
}

static u32 sim_ring_writable(u32 w, u32 r, u32 size)
{
	return size - sim_ring_readable(w, r, size);
}

static bool sim_ring_index_ok(const struct sim_ring *ring, u32 index)
{
	return index < ring->size && IS_ALIGNED(index, VMBUS_PKT_TRAILER);
}

/**
 * sim_ring_map() - map one ring of an opened channel
 * @ring: ring to set up (zeroed by the caller)
 * @pfns: control page, then the data pages, all checked by the caller
 * @npages: number of @pfns, >= 2
 * @host_reads: true for the guest->host ring
 *
 * Process context.
 *
 * Return: 0, -ENOMEM, or -EPROTO when the guest left
 * indices in the control page that are not valid.
 */
int sim_ring_map(struct sim_ring *ring, const u64 *pfns, u32 npages,
		 bool host_reads)
{
	u32 ndata = npages - 1, i, index;
	struct page **pages;
	int ret = -ENOMEM;

	pages = kcalloc(1 + 2 * ndata, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	pages[0] = pfn_to_page(pfns[0]);
	for (i = 0; i < ndata; i++) {
		pages[1 + i] = pfn_to_page(pfns[1 + i]);
		pages[1 + ndata + i] = pages[1 + i];
	}
	ring->vaddr = vmap(pages, 1 + 2 * ndata, VM_MAP, PAGE_KERNEL);
	kfree(pages);
	if (!ring->vaddr)
		return -ENOMEM;

	ring->hdr = ring->vaddr;
	ring->data = (u8 *)ring->vaddr + HV_HYP_PAGE_SIZE;
	ring->size = ndata * HV_HYP_PAGE_SIZE;

	if (host_reads) {
		ring->buf_size = min_t(u32, ring->size, SIM_RING_READ_MAX);
		ring->buf = kvmalloc(ring->buf_size, GFP_KERNEL);
		if (!ring->buf)
			goto err_unmap;
		index = READ_ONCE(ring->hdr->read_index);
		WRITE_ONCE(ring->hdr->interrupt_mask, 0);
	} else {
		index = READ_ONCE(ring->hdr->write_index);
		WRITE_ONCE(ring->hdr->pending_send_sz, 0);
		/* We set pending_send_sz when full and honour the guest's. */
		WRITE_ONCE(ring->hdr->feature_bits.value,
			   READ_ONCE(ring->hdr->feature_bits.value) |
			   SIM_RING_FEAT_PENDING);
	}
	if (!sim_ring_index_ok(ring, index)) {
		sim_violation(SIM_V_RING_INDEX, "ring opened with index %u/%u",
			      index, ring->size);
		ret = -EPROTO;
		goto err_free;
	}
	ring->priv_index = index;
	return 0;

err_free:
	kvfree(ring->buf);
err_unmap:
	vunmap(ring->vaddr);
	memset(ring, 0, sizeof(*ring));
	return ret;
}

void sim_ring_unmap(struct sim_ring *ring)
{
	if (!ring->vaddr)
		return;
	kvfree(ring->buf);
	vunmap(ring->vaddr);
	memset(ring, 0, sizeof(*ring));
}

/* Check the ranges of a GPA-direct packet (vmbus.md 5.3). */
static int sim_ring_check_gpa(const u8 *pkt, u32 hdr_len)
{
	const struct vmdata_gpa_direct *gpa = (const void *)pkt;
	u32 pos = offsetof(struct vmdata_gpa_direct, range);
	u32 count, i, j, npfn;

	if (hdr_len < pos) {
		sim_violation(SIM_V_RING_GPA, "GPA-direct header %u bytes",
			      hdr_len);
		return -EPROTO;
	}
	count = gpa->range_cnt;
	if (!count) {
		sim_violation(SIM_V_RING_GPA, "GPA-direct with no range");
		return -EPROTO;
	}
	for (i = 0; i < count; i++) {
		struct gpa_range range;

		if (pos + sizeof(range) > hdr_len)
			goto err_short;
		memcpy(&range, pkt + pos, sizeof(range));
		pos += sizeof(range);
		if (!range.byte_count || range.byte_offset >= HV_HYP_PAGE_SIZE) {
			sim_violation(SIM_V_RING_GPA,
				      "GPA range %u: count %u offset %u", i,
				      range.byte_count, range.byte_offset);
			return -EPROTO;
		}
		npfn = DIV_ROUND_UP((u64)range.byte_offset + range.byte_count,
				    HV_HYP_PAGE_SIZE);
		if ((u64)pos + (u64)npfn * sizeof(u64) > hdr_len)
			goto err_short;
		for (j = 0; j < npfn; j++, pos += sizeof(u64)) {
			u64 pfn;

			memcpy(&pfn, pkt + pos, sizeof(pfn));
			if (!sim_ring_pfn_ok(pfn)) {
				sim_violation(SIM_V_RING_GPA,
					      "GPA range %u: PFN %#llx not RAM",
					      i, pfn);
				return -EPROTO;
			}
		}
	}
	return 0;

err_short:
	sim_violation(SIM_V_RING_GPA, "GPA ranges exceed header (%u bytes)",
		      hdr_len);
	return -EPROTO;
}

static int sim_ring_check_desc(const struct sim_ring *ring,
			       const struct vmpacket_descriptor *desc,
			       u32 avail)
{
	u32 len = desc->len8 * 8;

	if (desc->offset8 < 2 || desc->len8 < desc->offset8 ||
	    len + VMBUS_PKT_TRAILER > avail) {
		sim_violation(SIM_V_RING_DESC,
			      "descriptor offset8 %u len8 %u, %u readable",
			      desc->offset8, desc->len8, avail);
		return -EPROTO;
	}
	if (desc->type != VM_PKT_DATA_INBAND &&
	    desc->type != VM_PKT_DATA_USING_GPA_DIRECT &&
	    desc->type != VM_PKT_COMP) {
		sim_violation(SIM_V_RING_DESC, "packet type %#x", desc->type);
		return -EPROTO;
	}
	if (desc->flags & ~VMBUS_PKT_FLAGS_VALID) {
		sim_violation(SIM_V_RING_DESC, "packet flags %#x", desc->flags);
		return -EPROTO;
	}
	if (len > ring->buf_size) {
		sim_violation(SIM_V_RING_DESC, "packet of %u bytes", len);
		return -EPROTO;
	}
	return 0;
}

/**
 * sim_ring_read() - take the next packet from the guest->host ring
 * @ring: guest->host ring
 * @pkt: filled with a checked private copy, valid until the next read
 *
 * Advances the host's private read position only; sim_ring_read_commit()
 * publishes it.
 *
 * Return: 1 for a packet, 0 when the ring is empty, or
 * -EPROTO after recording a violation: the ring is unusable.
 */
int sim_ring_read(struct sim_ring *ring, struct sim_pkt *pkt)
{
	struct vmpacket_descriptor desc;
	u32 w, r = ring->priv_index, avail, len;
	int ret;

	/* Pairs with the guest's barrier before it publishes write_index. */
	w = smp_load_acquire(&ring->hdr->write_index);
	if (!sim_ring_index_ok(ring, w)) {
		sim_violation(SIM_V_RING_INDEX, "write_index %u of %u", w,
			      ring->size);
		return -EPROTO;
	}
	avail = sim_ring_readable(w, r, ring->size);
	if (!avail)
		return 0;
	if (avail < VMBUS_PKT_DESC + VMBUS_PKT_TRAILER) {
		sim_violation(SIM_V_RING_DESC, "%u bytes readable", avail);
		return -EPROTO;
	}

	/* The data area is mapped twice: r + len never wraps. */
	memcpy(&desc, ring->data + r, sizeof(desc));
	ret = sim_ring_check_desc(ring, &desc, avail);
	if (ret)
		return ret;
	len = desc.len8 * 8;
	memcpy(ring->buf, ring->data + r, len);
	/* Parse only what was checked, whatever the guest wrote since. */
	memcpy(ring->buf, &desc, sizeof(desc));

	if (desc.type == VM_PKT_DATA_USING_GPA_DIRECT) {
		ret = sim_ring_check_gpa(ring->buf, desc.offset8 * 8);
		if (ret)
			return ret;
	}

	pkt->data = ring->buf;
	pkt->desc = (const struct vmpacket_descriptor *)ring->buf;
	pkt->len = len;
	pkt->payload = ring->buf + desc.offset8 * 8;
	pkt->payload_len = len - desc.offset8 * 8;
	ring->priv_index = (r + len + VMBUS_PKT_TRAILER) % ring->size;
	return 1;
}

/**
 * sim_ring_read_commit() - publish the read position after a batch
 * @ring: guest->host ring
 * @consumed: bytes (packets + trailers) taken since the last commit
 *
 * Return: true if the guest must be signalled: it waits for free space
 * and this batch made the free space cross its pending_send_sz (the
 * mirror of Linux's hv_pkt_iter_close() rule).
 */
bool sim_ring_read_commit(struct sim_ring *ring, u32 consumed)
{
	struct hv_ring_buffer *hdr = ring->hdr;
	u32 pending, w, after;

	/* All reads of packet data are done before the space is freed. */
	smp_mb();
	WRITE_ONCE(hdr->read_index, ring->priv_index);
	if (!consumed)
		return false;

	/* read_index is visible before we sample pending_send_sz. */
	smp_mb();
	if (!(READ_ONCE(hdr->feature_bits.value) & SIM_RING_FEAT_PENDING))
		return false;
	pending = READ_ONCE(hdr->pending_send_sz);
	if (!pending)
		return false;
	w = READ_ONCE(hdr->write_index);
	if (!sim_ring_index_ok(ring, w))
		return false;	/* reported by the next read */
	after = sim_ring_writable(w, ring->priv_index, ring->size);
	if (after <= pending)
		return false;
	/* Signal only if the space was not enough before this batch. */
	return consumed >= after || after - consumed <= pending;
}

/* Does the guest->host ring hold unread bytes? */
bool sim_ring_has_data(struct sim_ring *ring)
{
	/* Pairs with the guest's barrier before it publishes write_index. */
	return smp_load_acquire(&ring->hdr->write_index) != ring->priv_index;
}

/*
 * interrupt_mask of the guest->host ring: 1 while the host drains it, so
 * the guest need not signal.  After clearing it the caller re-checks.
 */
void sim_ring_set_mask(struct sim_ring *ring, bool masked)
{
	WRITE_ONCE(ring->hdr->interrupt_mask, masked);
	/* The mask is visible before the caller looks at write_index. */
	smp_mb();
}

/* Write one packet: desc + body (+ zero pad) + trailer, then publish. */
static int sim_ring_put(struct sim_ring *ring,
			const struct vmpacket_descriptor *desc,
			const void *body, u32 body_len, u32 pkt_len,
			bool *signal)
{
	struct hv_ring_buffer *hdr = ring->hdr;
	u32 total = pkt_len + VMBUS_PKT_TRAILER;
	u32 w = ring->priv_index, r;
	u64 trailer = (u64)w << 32;
	u8 *dst;

	*signal = false;
	if (WARN_ON_ONCE(pkt_len > SIM_MAX_H2G_PKT || total >= ring->size))
		return -EMSGSIZE;

	/* The guest has finished reading what it freed. */
	r = smp_load_acquire(&hdr->read_index);
	if (!sim_ring_index_ok(ring, r))
		goto err_index;
	if (sim_ring_writable(w, r, ring->size) <= total) {
		/* Full: ask for a signal when the guest frees enough. */
		WRITE_ONCE(hdr->pending_send_sz, total);
		/* Publish the request, then re-check (the guest may be done). */
		smp_mb();
		r = READ_ONCE(hdr->read_index);
		if (!sim_ring_index_ok(ring, r))
			goto err_index;
		if (sim_ring_writable(w, r, ring->size) <= total)
			return -EAGAIN;
	}
	if (READ_ONCE(hdr->pending_send_sz))
		WRITE_ONCE(hdr->pending_send_sz, 0);

	dst = ring->data + w;
	memcpy(dst, desc, sizeof(*desc));
	memcpy(dst + sizeof(*desc), body, body_len);
	memset(dst + sizeof(*desc) + body_len, 0,
	       pkt_len - sizeof(*desc) - body_len);
	memcpy(dst + pkt_len, &trailer, sizeof(trailer));

	ring->priv_index = (w + total) % ring->size;
	/* The packet is visible before the index that publishes it. */
	smp_mb();
	WRITE_ONCE(hdr->write_index, ring->priv_index);
	/* write_index is visible before we sample the guest's state. */
	smp_mb();
	/* Signal on empty -> non-empty, unless the guest is draining. */
	*signal = !READ_ONCE(hdr->interrupt_mask) &&
		  READ_ONCE(hdr->read_index) == w;
	return 0;

err_index:
	sim_violation(SIM_V_RING_INDEX, "read_index %u of %u", r, ring->size);
	return -EPROTO;
}

/**
 * sim_ring_write() - write one packet into the host->guest ring
 * @ring: host->guest ring
 * @type: packet type (VM_PKT_DATA_INBAND, VM_PKT_COMP, ...)
 * @flags: descriptor flags
 * @trans_id: transaction ID
 * @hdr_len: bytes at the start of @payload that are the type's header
 *	(offset8 = (16 + @hdr_len) / 8); a multiple of 8
 * @payload: type header + data
 * @len: bytes of @payload
 * @signal: set when the guest must be signalled
 *
 * Return: 0, -EAGAIN when the ring is full (pending_send_sz is set: the
 * guest signals when it has made room), -EMSGSIZE, or -EPROTO after a
 * violation.
 */
int sim_ring_write(struct sim_ring *ring, u16 type, u16 flags, u64 trans_id,
		   u32 hdr_len, const void *payload, u32 len, bool *signal)
{
	struct vmpacket_descriptor desc = {
		.type = type,
		.offset8 = (sizeof(desc) + hdr_len) / 8,
		.len8 = ALIGN(sizeof(desc) + len, 8) / 8,
		.flags = flags,
		.trans_id = trans_id,
	};

	if (WARN_ON_ONCE(!IS_ALIGNED(hdr_len, 8) || hdr_len > len))
		return -EINVAL;
	return sim_ring_put(ring, &desc, payload, len, desc.len8 * 8, signal);
}

/**
 * sim_ring_write_bad_desc() - fault: a packet whose descriptor lies
 * @ring: host->guest ring
 * @signal: set when the guest must be signalled
 *
 * Alternates between offset8 < 2 and len8 beyond the readable bytes.
 *
 * Return: as sim_ring_write().
 */
int sim_ring_write_bad_desc(struct sim_ring *ring, bool *signal)
{
	static bool long_len;
	static const u8 junk[16] = "vmbus_sim fault";
	struct vmpacket_descriptor desc = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = (sizeof(desc) + sizeof(junk)) / 8,
		.trans_id = 0,
	};
	u32 pkt_len = desc.len8 * 8;

	long_len = !long_len;
	if (long_len)
		desc.len8 = min_t(u32, ring->size / 8, U16_MAX);
	else
		desc.offset8 = 1;
	return sim_ring_put(ring, &desc, junk, sizeof(junk), pkt_len, signal);
}
