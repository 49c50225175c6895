// SPDX-License-Identifier: GPL-2.0
/*
 * VMBus ring buffers (../shared/spec/vmbus.md section 5).
 *
 * One ring is a 4 KiB control page followed by the data area.  The data
 * pages are mapped twice back to back, so a packet that wraps the end of
 * the data area is still contiguous in virtual memory.
 *
 * The other end is untrusted: every index it writes is checked before use,
 * and an incoming packet is copied into rbi->pkt_buffer and validated there
 * before a driver sees it.
 *
 * Locking: the outbound ring's writers serialize on rbi->ring_lock (any
 * context, irqsave).  The inbound ring has a single reader at a time (the
 * channel callback or the driver, which serializes its own reads), as the
 * <linux/hyperv.h> API requires; it takes no lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/reciprocal_div.h>
#include "vmbus_core.h"

static inline u8 *ring_data(const struct hv_ring_buffer_info *rbi)
{
	return rbi->ring_buffer->buffer;
}

/* An index from shared memory is usable if inside the data area and aligned. */
static bool ring_index_ok(const struct hv_ring_buffer_info *rbi, u32 index)
{
	return index < rbi->ring_datasize && IS_ALIGNED(index, 8);
}

static u32 ring_distance(const struct hv_ring_buffer_info *rbi, u32 from, u32 to)
{
	return to >= from ? to - from : rbi->ring_datasize - from + to;
}

static u32 ring_advance(const struct hv_ring_buffer_info *rbi, u32 pos, u32 len)
{
	pos += len;
	return pos >= rbi->ring_datasize ? pos - rbi->ring_datasize : pos;
}

/**
 * vmbus_ring_setup() - map and initialize one ring buffer
 * @rbi: ring to set up
 * @pages: @page_cnt physically contiguous pages: control page, then data
 * @page_cnt: at least 2
 * @max_pkt_size: size of the private copy buffer for incoming packets,
 *	0 for a ring that is only written
 *
 * Return: 0, -EINVAL or -ENOMEM.
 */
int vmbus_ring_setup(struct hv_ring_buffer_info *rbi, struct page *pages,
		     u32 page_cnt, u32 max_pkt_size)
{
	struct page **map;
	u32 i, data_pages = page_cnt - 1;

	if (page_cnt < 2)
		return -EINVAL;

	map = kcalloc(1 + 2 * data_pages, sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map[0] = pages;
	for (i = 0; i < data_pages; i++) {
		map[1 + i] = pages + 1 + i;
		map[1 + data_pages + i] = pages + 1 + i;
	}
	rbi->ring_buffer = vmap(map, 1 + 2 * data_pages, VM_MAP, PAGE_KERNEL);
	kfree(map);
	if (!rbi->ring_buffer)
		return -ENOMEM;

	if (max_pkt_size) {
		rbi->pkt_buffer = kzalloc(max_pkt_size, GFP_KERNEL);
		if (!rbi->pkt_buffer) {
			vunmap(rbi->ring_buffer);
			rbi->ring_buffer = NULL;
			return -ENOMEM;
		}
	}
	rbi->pkt_buffer_size = max_pkt_size;
	rbi->ring_size = page_cnt << PAGE_SHIFT;
	rbi->ring_datasize = rbi->ring_size - PAGE_SIZE;
	rbi->ring_size_div10_reciprocal = reciprocal_value(rbi->ring_size / 10);
	rbi->priv_read_index = 0;
	spin_lock_init(&rbi->ring_lock);
	mutex_init(&rbi->ring_buffer_mutex);
	vmbus_ring_reset_header(rbi);
	return 0;
}

/**
 * vmbus_ring_reset_header() - put a ring's control page in its initial state
 * @rbi: ring, not shared with the host yet
 *
 * Both indices zero, nothing masked, and the pending_send_sz protocol
 * announced (section 5.1).
 */
void vmbus_ring_reset_header(struct hv_ring_buffer_info *rbi)
{
	memset(rbi->ring_buffer, 0, PAGE_SIZE);
	rbi->ring_buffer->feature_bits.value = 1;
	rbi->priv_read_index = 0;
}

/**
 * vmbus_ring_cleanup() - unmap a ring set up by vmbus_ring_setup()
 * @rbi: ring; the pages themselves belong to the caller
 */
void vmbus_ring_cleanup(struct hv_ring_buffer_info *rbi)
{
	mutex_lock(&rbi->ring_buffer_mutex);
	if (rbi->ring_buffer)
		vunmap(rbi->ring_buffer);
	rbi->ring_buffer = NULL;
	kfree(rbi->pkt_buffer);
	rbi->pkt_buffer = NULL;
	rbi->pkt_buffer_size = 0;
	mutex_unlock(&rbi->ring_buffer_mutex);
}

/**
 * vmbus_ring_signal_on_write() - does a write need to signal the reader?
 * @rbi: the outbound ring, write_index already advanced
 * @old_write: write_index before the write
 *
 * Only the transition from empty to non-empty is signalled, and only if
 * the reader has not masked interrupts (section 5.4).
 */
bool vmbus_ring_signal_on_write(struct hv_ring_buffer_info *rbi, u32 old_write)
{
	/* The new write_index must be visible before we look at the mask. */
	virt_mb();
	if (READ_ONCE(rbi->ring_buffer->interrupt_mask))
		return false;
	/* Read the mask before the read index (pairs with the reader). */
	virt_rmb();
	return READ_ONCE(rbi->ring_buffer->read_index) == old_write;
}

/**
 * vmbus_ring_write() - write one packet into the outbound ring
 * @rbi: outbound ring
 * @kv: the packet in pieces; kv[0] starts with its vmpacket_descriptor
 * @kv_cnt: number of pieces
 * @trans_id: transaction ID stored in the descriptor in the ring
 * @signal: set when the host must be signalled
 *
 * Context: any; takes rbi->ring_lock with interrupts saved.
 * Return: 0, -EAGAIN when the ring is full, -EIO when the host has
 * corrupted the control page, -ENODEV when the ring is gone.
 */
int vmbus_ring_write(struct hv_ring_buffer_info *rbi, const struct kvec *kv,
		     u32 kv_cnt, u64 trans_id, bool *signal)
{
	struct vmpacket_descriptor *desc;
	u32 i, total = VMBUS_PKT_TRAILER, read, old_write, write;
	u64 trailer;
	unsigned long flags;
	int ret = 0;

	*signal = false;
	for (i = 0; i < kv_cnt; i++)
		total += kv[i].iov_len;

	spin_lock_irqsave(&rbi->ring_lock, flags);
	if (!rbi->ring_buffer) {
		ret = -ENODEV;
		goto out;
	}
	old_write = READ_ONCE(rbi->ring_buffer->write_index);
	read = READ_ONCE(rbi->ring_buffer->read_index);
	if (!ring_index_ok(rbi, old_write) || !ring_index_ok(rbi, read)) {
		pr_err_ratelimited("outbound ring indices corrupt (w %u r %u)\n",
				   old_write, read);
		ret = -EIO;
		goto out;
	}
	/* Equal indices mean empty, so the ring never fills completely. */
	if (rbi->ring_datasize - ring_distance(rbi, read, old_write) <= total) {
		ret = -EAGAIN;
		goto out;
	}

	write = old_write;
	for (i = 0; i < kv_cnt; i++) {
		memcpy(ring_data(rbi) + write, kv[i].iov_base, kv[i].iov_len);
		write = ring_advance(rbi, write, kv[i].iov_len);
	}
	desc = (struct vmpacket_descriptor *)(ring_data(rbi) + old_write);
	desc->trans_id = trans_id;
	/* The trailer holds where this packet started (section 5.3). */
	trailer = (u64)old_write << 32;
	memcpy(ring_data(rbi) + write, &trailer, sizeof(trailer));
	write = ring_advance(rbi, write, sizeof(trailer));

	/* The packet must be in place before the host can see the index. */
	virt_mb();
	WRITE_ONCE(rbi->ring_buffer->write_index, write);
	*signal = vmbus_ring_signal_on_write(rbi, old_write);
out:
	spin_unlock_irqrestore(&rbi->ring_lock, flags);
	return ret;
}

/* Free bytes of an outbound ring, 0 if the host corrupted its indices. */
static u32 ring_free(struct hv_ring_buffer_info *rbi)
{
	u32 read = READ_ONCE(rbi->ring_buffer->read_index);
	u32 write = READ_ONCE(rbi->ring_buffer->write_index);

	if (!ring_index_ok(rbi, read) || !ring_index_ok(rbi, write))
		return 0;
	return rbi->ring_datasize - ring_distance(rbi, read, write);
}

/* Ring bytes a packet of @bytes takes: padded, with its trailer. */
static u32 ring_pkt_bytes(u32 bytes)
{
	return ALIGN(bytes, 8) + VMBUS_PKT_TRAILER;
}

/**
 * vmbus_ring_has_space() - would a packet of @bytes fit now?
 * @rbi: outbound ring
 * @bytes: the packet from its descriptor on, before padding
 *
 * Return: true if vmbus_ring_write() would not find the ring full.
 */
bool vmbus_ring_has_space(struct hv_ring_buffer_info *rbi, u32 bytes)
{
	return rbi->ring_buffer && ring_free(rbi) > ring_pkt_bytes(bytes);
}

/**
 * vmbus_ring_want_space() - ask the host to signal when a packet fits
 * @rbi: outbound ring
 * @bytes: the packet from its descriptor on, before padding; 0 withdraws
 *	the request
 *
 * Sets pending_send_sz, then reads the read index again: the host may have
 * made room before it could see the request, and would then never signal
 * (section 5.6).
 *
 * Return: true if the packet fits already; the request is withdrawn.
 */
bool vmbus_ring_want_space(struct hv_ring_buffer_info *rbi, u32 bytes)
{
	if (!rbi->ring_buffer)
		return false;
	WRITE_ONCE(rbi->ring_buffer->pending_send_sz,
		   bytes ? ring_pkt_bytes(bytes) : 0);
	if (!bytes)
		return false;
	/* The request is visible before we look at the read index again. */
	virt_mb();
	if (!vmbus_ring_has_space(rbi, bytes))
		return false;
	WRITE_ONCE(rbi->ring_buffer->pending_send_sz, 0);
	return true;
}

/* Bytes the host has written past our private read position. */
static u32 ring_readable(struct hv_ring_buffer_info *rbi, u32 *write)
{
	*write = READ_ONCE(rbi->ring_buffer->write_index);
	if (!ring_index_ok(rbi, *write) ||
	    !ring_index_ok(rbi, rbi->priv_read_index)) {
		pr_err_ratelimited("inbound ring write index %u corrupt\n", *write);
		return 0;
	}
	return ring_distance(rbi, rbi->priv_read_index, *write);
}

/**
 * vmbus_ring_iter_first() - copy out and validate the next incoming packet
 * @rbi: inbound ring, with a packet buffer
 *
 * A descriptor whose lengths are impossible makes the rest of the ring
 * unparseable: everything the host wrote so far is discarded.  A packet
 * longer than the packet buffer is skipped.  Both are logged.
 *
 * Return: the validated copy in rbi->pkt_buffer, or NULL if none.
 */
struct vmpacket_descriptor *vmbus_ring_iter_first(struct hv_ring_buffer_info *rbi)
{
	struct vmpacket_descriptor desc, *copy;
	u32 avail, write, len, off;

	if (!rbi->ring_buffer)
		return NULL;
	for (;;) {
		avail = ring_readable(rbi, &write);
		if (avail < sizeof(desc))
			return NULL;
		/* Read the packet only after the write index. */
		virt_rmb();
		memcpy(&desc, ring_data(rbi) + rbi->priv_read_index, sizeof(desc));
		len = (u32)desc.len8 << 3;
		off = (u32)desc.offset8 << 3;
		if (off < sizeof(desc) || off > len ||
		    len + VMBUS_PKT_TRAILER > avail) {
			pr_err_ratelimited("bad packet descriptor (offset %u len %u avail %u): %u bytes dropped\n",
					   off, len, avail, avail);
			rbi->priv_read_index = write;
			return NULL;
		}
		if (len > rbi->pkt_buffer_size) {
			pr_err_ratelimited("packet of %u bytes exceeds %u, skipped\n",
					   len, rbi->pkt_buffer_size);
			rbi->priv_read_index = ring_advance(rbi, rbi->priv_read_index,
							    len + VMBUS_PKT_TRAILER);
			continue;
		}
		copy = rbi->pkt_buffer;
		memcpy(copy, ring_data(rbi) + rbi->priv_read_index, len);
		/* The host may have changed the ring meanwhile: keep what we checked. */
		*copy = desc;
		return copy;
	}
}

/**
 * vmbus_ring_iter_next() - consume a packet and return the next one
 * @rbi: inbound ring
 * @desc: the packet returned by the previous iter call
 *
 * Return: the next validated packet or NULL.
 */
struct vmpacket_descriptor *vmbus_ring_iter_next(struct hv_ring_buffer_info *rbi,
						 const struct vmpacket_descriptor *desc)
{
	rbi->priv_read_index = ring_advance(rbi, rbi->priv_read_index,
					    ((u32)desc->len8 << 3) +
					    VMBUS_PKT_TRAILER);
	return vmbus_ring_iter_first(rbi);
}

/**
 * vmbus_ring_iter_close() - publish the read position to the host
 * @rbi: inbound ring
 *
 * Return: true if the host is waiting for space (pending_send_sz) and this
 * batch freed enough: the host must be signalled (section 5.5).
 */
bool vmbus_ring_iter_close(struct hv_ring_buffer_info *rbi)
{
	u32 old_read, consumed, pending, write, free_now;

	if (!rbi->ring_buffer)
		return false;
	old_read = READ_ONCE(rbi->ring_buffer->read_index);
	if (old_read == rbi->priv_read_index)
		return false;
	/* All reads of packet data complete before the host may overwrite. */
	virt_rmb();
	WRITE_ONCE(rbi->ring_buffer->read_index, rbi->priv_read_index);
	/* The new read index is visible before we read pending_send_sz. */
	virt_mb();

	if (!(READ_ONCE(rbi->ring_buffer->feature_bits.value) & 1))
		return false;
	pending = READ_ONCE(rbi->ring_buffer->pending_send_sz);
	if (!pending)
		return false;
	if (!ring_index_ok(rbi, old_read))
		return true;	/* cannot tell: a spare signal is harmless */
	write = READ_ONCE(rbi->ring_buffer->write_index);
	if (!ring_index_ok(rbi, write))
		return false;
	free_now = rbi->ring_datasize -
		   ring_distance(rbi, rbi->priv_read_index, write);
	consumed = ring_distance(rbi, old_read, rbi->priv_read_index);
	/* Signal only when this batch crossed the host's threshold. */
	return free_now > pending && free_now - consumed <= pending;
}

/**
 * vmbus_ring_read() - read one packet into a caller buffer
 * @rbi: inbound ring
 * @buf: destination
 * @buflen: size of @buf
 * @actual: bytes of the packet (payload, or whole packet if @raw); 0 if none
 * @trans_id: the packet's transaction ID
 * @raw: copy the descriptor too
 * @signal: set when the host must be signalled
 *
 * Return: 0 (also when empty, with *actual == 0), or -ENOBUFS when @buf is
 * too small; the packet then stays in the ring.
 */
int vmbus_ring_read(struct hv_ring_buffer_info *rbi, void *buf, u32 buflen,
		    u32 *actual, u64 *trans_id, bool raw, bool *signal)
{
	struct vmpacket_descriptor *desc;
	u32 off, len;

	*actual = 0;
	*trans_id = 0;
	*signal = false;
	desc = vmbus_ring_iter_first(rbi);
	if (!desc) {
		*signal = vmbus_ring_iter_close(rbi);
		return 0;
	}
	off = raw ? 0 : (u32)desc->offset8 << 3;
	len = ((u32)desc->len8 << 3) - off;
	*actual = len;
	*trans_id = desc->trans_id;
	if (len > buflen)
		return -ENOBUFS;
	memcpy(buf, (u8 *)desc + off, len);
	rbi->priv_read_index = ring_advance(rbi, rbi->priv_read_index,
					    ((u32)desc->len8 << 3) +
					    VMBUS_PKT_TRAILER);
	*signal = vmbus_ring_iter_close(rbi);
	return 0;
}
