// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the VMBus ring buffer (drivers/vmbus/ring.c) against the
 * protocol rules of ../shared/spec/vmbus.md section 5.
 *
 * Each test gets one ring set up with vmbus_ring_setup(): the guest's view
 * is rbi->ring_buffer, the double-mapped vmap.  The test plays the host
 * through the kernel's direct map of the same pages (ctx->ctl, ctx->data),
 * which is not double mapped, so every host access wraps by hand (modulo
 * the data size) and a mistake in the guest's double mapping shows up as
 * a mismatch.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "vmbus_core.h"

#define RING_DATA_PAGES	2
#define RING_DSIZE	(RING_DATA_PAGES * PAGE_SIZE)
#define RING_PKT_BUF	PAGE_SIZE
#define DESC_SIZE	((u32)sizeof(struct vmpacket_descriptor))
#define TRAILER_SIZE	((u32)sizeof(u64))
/* Ring bytes taken by an in-band packet with @len (multiple of 8) bytes. */
#define INBAND_TOTAL(len)	(DESC_SIZE + (len) + TRAILER_SIZE)

#define RING_WRITERS	2

struct ring_ctx;

struct ring_writer {
	struct ring_ctx *ctx;
	struct task_struct *task;
	u32 id;
	u32 sent;
	int err;
};

struct ring_ctx {
	struct ring_writer writer[RING_WRITERS];
	struct page *pages;
	unsigned int order;
	struct hv_ring_buffer_info rbi;	/* the guest's ring */
	struct hv_ring_buffer *ctl;	/* host view of the control page */
	u8 *data;			/* host view of the data area */
	u32 dsize;
};

static int ring_test_init(struct kunit *test)
{
	struct ring_ctx *ctx;
	int ret;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->order = get_order((RING_DATA_PAGES + 1) * PAGE_SIZE);
	ctx->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, ctx->order);
	if (!ctx->pages)
		return -ENOMEM;
	ret = vmbus_ring_setup(&ctx->rbi, ctx->pages, RING_DATA_PAGES + 1,
			       RING_PKT_BUF);
	if (ret) {
		__free_pages(ctx->pages, ctx->order);
		return ret;
	}
	ctx->ctl = page_address(ctx->pages);
	ctx->data = (u8 *)ctx->ctl + PAGE_SIZE;
	ctx->dsize = RING_DSIZE;
	test->priv = ctx;
	return 0;
}

static void ring_test_exit(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	/* Writer threads of a test that stopped early. */
	for (i = 0; i < RING_WRITERS; i++)
		if (ctx->writer[i].task)
			kthread_stop(ctx->writer[i].task);
	vmbus_ring_cleanup(&ctx->rbi);
	__free_pages(ctx->pages, ctx->order);
}

/* Redo the setup with another packet buffer size (same pages). */
static void ring_resetup(struct kunit *test, struct ring_ctx *ctx, u32 pkt_buf)
{
	vmbus_ring_cleanup(&ctx->rbi);
	KUNIT_ASSERT_EQ(test, vmbus_ring_setup(&ctx->rbi, ctx->pages,
					       RING_DATA_PAGES + 1, pkt_buf), 0);
}

/* ---- the host side, through the direct map ---- */

static void host_write(struct ring_ctx *ctx, u32 off, const void *src, u32 len)
{
	const u8 *s = src;

	while (len--) {
		ctx->data[off % ctx->dsize] = *s++;
		off++;
	}
}

static void host_fill(struct ring_ctx *ctx, u32 off, u8 val, u32 len)
{
	while (len--) {
		ctx->data[off % ctx->dsize] = val;
		off++;
	}
}

static void host_read(struct ring_ctx *ctx, u32 off, void *dst, u32 len)
{
	u8 *d = dst;

	while (len--) {
		*d++ = ctx->data[off % ctx->dsize];
		off++;
	}
}

static u64 host_read_u64(struct ring_ctx *ctx, u32 off)
{
	u64 v;

	host_read(ctx, off, &v, sizeof(v));
	return v;
}

static void host_set_indices(struct ring_ctx *ctx, u32 read, u32 write)
{
	WRITE_ONCE(ctx->ctl->read_index, read);
	WRITE_ONCE(ctx->ctl->write_index, write);
	/* The guest's private position follows the published one. */
	ctx->rbi.priv_read_index = read;
}

static u32 host_free(struct ring_ctx *ctx)
{
	u32 r = READ_ONCE(ctx->ctl->read_index);
	u32 w = READ_ONCE(ctx->ctl->write_index);

	return ctx->dsize - (w >= r ? w - r : ctx->dsize - r + w);
}

static struct vmpacket_descriptor inband_desc(u32 payload_len, u64 trans_id)
{
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = 2,
		.len8 = DIV_ROUND_UP(DESC_SIZE + payload_len, 8),
		.flags = 0,
		.trans_id = trans_id,
	};

	return d;
}

/*
 * Send a packet the way a host does: descriptor, payload, zero padding up
 * to len8, the trailer (start offset << 32), then publish write_index.
 * Return: the ring bytes the packet takes.
 */
static u32 host_send_desc(struct ring_ctx *ctx, const struct vmpacket_descriptor *d,
			  const void *payload, u32 payload_len)
{
	u32 w = READ_ONCE(ctx->ctl->write_index);
	u32 len = (u32)d->len8 << 3;
	u32 off = (u32)d->offset8 << 3;
	u64 trailer = (u64)w << 32;

	host_write(ctx, w, d, DESC_SIZE);
	host_fill(ctx, w + DESC_SIZE, 0, len - DESC_SIZE);
	host_write(ctx, w + off, payload, payload_len);
	host_write(ctx, w + len, &trailer, TRAILER_SIZE);
	/* Packet before index, as a host must. */
	wmb();
	WRITE_ONCE(ctx->ctl->write_index, (w + len + TRAILER_SIZE) % ctx->dsize);
	return len + TRAILER_SIZE;
}

static u32 host_send(struct ring_ctx *ctx, const void *payload, u32 len,
		     u64 trans_id)
{
	struct vmpacket_descriptor d = inband_desc(len, trans_id);

	return host_send_desc(ctx, &d, payload, len);
}

/* A descriptor only, announced as @advance bytes of ring (malformed). */
static void host_send_bad(struct ring_ctx *ctx, const struct vmpacket_descriptor *d,
			  u32 advance)
{
	u32 w = READ_ONCE(ctx->ctl->write_index);

	host_write(ctx, w, d, DESC_SIZE);
	host_fill(ctx, w + DESC_SIZE, 0, advance - DESC_SIZE);
	/* Descriptor before index. */
	wmb();
	WRITE_ONCE(ctx->ctl->write_index, (w + advance) % ctx->dsize);
}

/* Bytes that differ from page to page (no period of 256 or 4096). */
static void fill_pattern(u8 *buf, u32 len, u8 seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = seed + ((i * 2654435761U) >> 24);
}

/* ---- the guest side ---- */

#define GUEST_DESC_TRANS_ID	0xdeadbeefcafef00dULL

/* Send an in-band packet; @len must be a multiple of 8. */
static int guest_send(struct ring_ctx *ctx, const void *payload, u32 len,
		      u64 trans_id, bool *signal)
{
	struct vmpacket_descriptor d = inband_desc(len, GUEST_DESC_TRANS_ID);
	struct kvec kv[2] = {
		{ .iov_base = &d, .iov_len = sizeof(d) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};

	return vmbus_ring_write(&ctx->rbi, kv, len ? 2 : 1, trans_id, signal);
}

/* Read @n packets through the iterator, then close: the signal decision. */
static bool guest_consume(struct kunit *test, struct ring_ctx *ctx, int n)
{
	struct vmpacket_descriptor *d;
	int i;

	d = vmbus_ring_iter_first(&ctx->rbi);
	for (i = 0; i < n; i++) {
		KUNIT_ASSERT_NOT_NULL(test, d);
		d = vmbus_ring_iter_next(&ctx->rbi, d);
	}
	return vmbus_ring_iter_close(&ctx->rbi);
}

/* ---- setup and layout ---- */

static void ring_setup_state(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct hv_ring_buffer_info other = {};

	KUNIT_EXPECT_EQ(test, ctx->rbi.ring_size, (u32)(RING_DATA_PAGES + 1) * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ctx->rbi.ring_datasize, (u32)RING_DSIZE);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 0U);
	KUNIT_EXPECT_NOT_NULL(test, ctx->rbi.pkt_buffer);
	KUNIT_EXPECT_EQ(test, ctx->rbi.pkt_buffer_size, (u32)RING_PKT_BUF);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->interrupt_mask, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->pending_send_sz, 0U);
	/* The pending_send_sz protocol is announced (section 5.1). */
	KUNIT_EXPECT_EQ(test, ctx->ctl->feature_bits.value, 1U);

	/* A ring needs a control page and at least one data page. */
	KUNIT_EXPECT_EQ(test, vmbus_ring_setup(&other, ctx->pages, 1, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmbus_ring_setup(&other, ctx->pages, 0, 64), -EINVAL);

	/* A write-only ring has no packet buffer. */
	KUNIT_ASSERT_EQ(test, vmbus_ring_setup(&other, ctx->pages, 2, 0), 0);
	KUNIT_EXPECT_NULL(test, other.pkt_buffer);
	KUNIT_EXPECT_EQ(test, other.pkt_buffer_size, 0U);
	KUNIT_EXPECT_EQ(test, other.ring_datasize, (u32)PAGE_SIZE);
	vmbus_ring_cleanup(&other);
	KUNIT_EXPECT_NULL(test, other.ring_buffer);
}

static void ring_reset_header(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u32 i;

	ctx->ctl->write_index = 48;
	ctx->ctl->read_index = 24;
	ctx->ctl->interrupt_mask = 1;
	ctx->ctl->pending_send_sz = 100;
	ctx->ctl->feature_bits.value = 0xf0;
	memset(ctx->ctl->reserved1, 0x5a, sizeof(ctx->ctl->reserved1));
	ctx->rbi.priv_read_index = 32;

	vmbus_ring_reset_header(&ctx->rbi);

	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->interrupt_mask, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->pending_send_sz, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->feature_bits.value, 1U);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 0U);
	for (i = 0; i < ARRAY_SIZE(ctx->ctl->reserved1); i++)
		KUNIT_EXPECT_EQ(test, ctx->ctl->reserved1[i], 0U);
}

/* The data pages appear twice, back to back, in the guest's mapping. */
static void ring_double_mapping(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 *guest = ctx->rbi.ring_buffer->buffer;

	KUNIT_ASSERT_PTR_NE(test, (void *)ctx->rbi.ring_buffer, (void *)ctx->ctl);
	fill_pattern(ctx->data, ctx->dsize, 3);
	KUNIT_EXPECT_EQ(test, memcmp(guest, ctx->data, ctx->dsize), 0);
	KUNIT_EXPECT_EQ(test, memcmp(guest + ctx->dsize, ctx->data, ctx->dsize), 0);

	/* A store through the second copy lands in the first data page. */
	guest[ctx->dsize + 5] = 0xa5;
	KUNIT_EXPECT_EQ(test, ctx->data[5], 0xa5);
	/* The guest's control page is the first page. */
	ctx->ctl->pending_send_sz = 0x1234;
	KUNIT_EXPECT_EQ(test, READ_ONCE(ctx->rbi.ring_buffer->pending_send_sz), 0x1234U);
}

/* ---- empty ring ---- */

static void ring_empty(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 buf[64];
	u32 actual = 1;
	u64 tid = 1;
	bool signal = true;

	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 0U);
	KUNIT_EXPECT_EQ(test, tid, 0ULL);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_iter_close(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);

	/* Equal non-zero indices are empty too. */
	host_set_indices(ctx, 4096, 4096);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 4096U);

	/* Fewer readable bytes than a descriptor: nothing to read yet. */
	host_set_indices(ctx, 0, 8);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 0U);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_iter_close(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
}

/* ---- guest -> host ---- */

static void ring_write_layout(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor d;
	u8 payload[40], seen[40];
	bool signal;

	fill_pattern(payload, sizeof(payload), 1);
	ctx->ctl->interrupt_mask = 0;
	ctx->ctl->pending_send_sz = 0;
	KUNIT_ASSERT_EQ(test, guest_send(ctx, payload, sizeof(payload),
					 0x1122334455667788ULL, &signal), 0);

	host_read(ctx, 0, &d, sizeof(d));
	KUNIT_EXPECT_EQ(test, d.type, (u16)VM_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, d.offset8, 2);
	KUNIT_EXPECT_EQ(test, d.len8, 7);
	KUNIT_EXPECT_EQ(test, d.flags, 0);
	/* The transaction ID given to the write, not the caller's descriptor's. */
	KUNIT_EXPECT_EQ(test, d.trans_id, 0x1122334455667788ULL);
	host_read(ctx, DESC_SIZE, seen, sizeof(seen));
	KUNIT_EXPECT_EQ(test, memcmp(seen, payload, sizeof(payload)), 0);
	/* Trailer: the packet's start offset in the high half. */
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 56), 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 64U);
	/* The reader's fields are left alone. */
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->interrupt_mask, 0U);

	KUNIT_ASSERT_EQ(test, guest_send(ctx, payload, 16, 2, &signal), 0);
	host_read(ctx, 64, &d, sizeof(d));
	KUNIT_EXPECT_EQ(test, d.len8, 4);
	KUNIT_EXPECT_EQ(test, d.trans_id, 2ULL);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 64 + 32), (u64)64 << 32);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 64U + 40);
}

/* The caller's buffers are only read: its descriptor keeps its trans_id. */
static void ring_write_leaves_caller_desc(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor d = inband_desc(8, 77);
	u64 payload = 0x0102030405060708ULL;
	struct kvec kv[2] = {
		{ .iov_base = &d, .iov_len = sizeof(d) },
		{ .iov_base = &payload, .iov_len = sizeof(payload) },
	};
	bool signal;

	KUNIT_ASSERT_EQ(test, vmbus_ring_write(&ctx->rbi, kv, 2, 99, &signal), 0);
	KUNIT_EXPECT_EQ(test, d.trans_id, 77ULL);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 8), 99ULL);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 16), payload);
}

static void ring_write_multi_kvec(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor d = {
		.type = VM_PKT_DATA_USING_GPA_DIRECT,
		.offset8 = 3,
		.len8 = 6,
		.flags = VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
	};
	u64 hdr = 0xaaaaaaaa55555555ULL;
	u8 payload[24], seen[24];
	struct kvec kv[3] = {
		{ .iov_base = &d, .iov_len = sizeof(d) },
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = payload, .iov_len = sizeof(payload) },
	};
	struct vmpacket_descriptor got;
	bool signal;

	fill_pattern(payload, sizeof(payload), 9);
	KUNIT_ASSERT_EQ(test, vmbus_ring_write(&ctx->rbi, kv, 3, 5, &signal), 0);
	host_read(ctx, 0, &got, sizeof(got));
	KUNIT_EXPECT_EQ(test, got.type, (u16)VM_PKT_DATA_USING_GPA_DIRECT);
	KUNIT_EXPECT_EQ(test, got.offset8, 3);
	KUNIT_EXPECT_EQ(test, got.len8, 6);
	KUNIT_EXPECT_EQ(test, got.flags, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 16), hdr);
	host_read(ctx, 24, seen, sizeof(seen));
	KUNIT_EXPECT_EQ(test, memcmp(seen, payload, sizeof(payload)), 0);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 48), 0ULL);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 56U);
}

struct wrap_case {
	const char *name;
	u32 back;	/* start offset, from the end of the data area */
	u32 len;	/* payload */
};

static const struct wrap_case wrap_cases[] = {
	{ "descriptor split", 8, 40 },
	{ "descriptor ends at the end", 16, 40 },
	{ "payload split", 24, 40 },
	{ "trailer at offset 0", 56, 40 },
	{ "packet ends at the end", 64, 40 },
	{ "no wrap", 128, 40 },
	/* Through the second mapping of the second data page. */
	{ "large, descriptor split", 8, 6000 },
	{ "large, payload split", 2048, 7000 },
};

static void wrap_desc(const struct wrap_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(wrap, wrap_cases, wrap_desc);

static void ring_write_wraps(struct kunit *test)
{
	const struct wrap_case *c = test->param_value;
	struct ring_ctx *ctx = test->priv;
	u32 start = ctx->dsize - c->back, end = start + INBAND_TOTAL(c->len);
	struct vmpacket_descriptor d;
	u8 *payload, *seen;
	bool signal = false;

	payload = kunit_kzalloc(test, c->len, GFP_KERNEL);
	seen = kunit_kzalloc(test, c->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	fill_pattern(payload, c->len, 0x40);
	host_fill(ctx, 0, 0xee, ctx->dsize);
	host_set_indices(ctx, start, start);
	KUNIT_ASSERT_EQ(test, guest_send(ctx, payload, c->len, 0x77, &signal), 0);
	KUNIT_EXPECT_TRUE(test, signal);

	host_read(ctx, start, &d, sizeof(d));
	KUNIT_EXPECT_EQ(test, d.type, (u16)VM_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, d.offset8, 2);
	KUNIT_EXPECT_EQ(test, (u32)d.len8, (DESC_SIZE + c->len) / 8);
	KUNIT_EXPECT_EQ(test, d.trans_id, 0x77ULL);
	host_read(ctx, start + DESC_SIZE, seen, c->len);
	KUNIT_EXPECT_EQ(test, memcmp(seen, payload, c->len), 0);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, start + DESC_SIZE + c->len),
			(u64)start << 32);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, end % ctx->dsize);
	/* Nothing outside the packet was touched. */
	KUNIT_EXPECT_EQ(test, ctx->data[end % ctx->dsize], 0xee);
	KUNIT_EXPECT_EQ(test, ctx->data[(start + ctx->dsize - 1) % ctx->dsize], 0xee);
}

/* ---- host -> guest ---- */

static void ring_read_roundtrip(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 payload[20], buf[64];
	u32 actual, total;
	u64 tid;
	bool signal = true;

	fill_pattern(payload, sizeof(payload), 0x10);
	memset(buf, 0xcc, sizeof(buf));
	total = host_send(ctx, payload, sizeof(payload), 0xabcdef);
	KUNIT_ASSERT_EQ(test, total, 48U);

	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	/* The payload as len8 counts it: padding included. */
	KUNIT_EXPECT_EQ(test, actual, 24U);
	KUNIT_EXPECT_EQ(test, tid, 0xabcdefULL);
	KUNIT_EXPECT_EQ(test, memcmp(buf, payload, sizeof(payload)), 0);
	KUNIT_EXPECT_EQ(test, buf[20], 0);
	KUNIT_EXPECT_EQ(test, buf[24], 0xcc);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, total);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, total);

	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, total);
}

static void ring_read_raw(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor *d;
	u8 payload[16], buf[64];
	u32 actual;
	u64 tid;
	bool signal;

	fill_pattern(payload, sizeof(payload), 0x20);
	host_send(ctx, payload, sizeof(payload), 5);
	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, true, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 32U);
	KUNIT_EXPECT_EQ(test, tid, 5ULL);
	d = (struct vmpacket_descriptor *)buf;
	KUNIT_EXPECT_EQ(test, d->type, (u16)VM_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, d->offset8, 2);
	KUNIT_EXPECT_EQ(test, d->len8, 4);
	KUNIT_EXPECT_EQ(test, d->trans_id, 5ULL);
	KUNIT_EXPECT_EQ(test, memcmp(buf + DESC_SIZE, payload, sizeof(payload)), 0);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 40U);
}

/* A buffer too small leaves the packet in the ring for a second try. */
static void ring_read_too_small(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 payload[24], buf[24];
	u32 actual;
	u64 tid;
	bool signal;

	fill_pattern(payload, sizeof(payload), 0x30);
	host_send(ctx, payload, sizeof(payload), 9);
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, 16, &actual, &tid,
					      false, &signal), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, actual, 24U);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
	/* Raw needs the descriptor too. */
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, 24, &actual, &tid,
					      true, &signal), -ENOBUFS);
	KUNIT_EXPECT_EQ(test, actual, 40U);

	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, 24, &actual, &tid,
					      false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 24U);
	KUNIT_EXPECT_EQ(test, tid, 9ULL);
	KUNIT_EXPECT_EQ(test, memcmp(buf, payload, sizeof(payload)), 0);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 48U);
}

static void ring_iter_batch(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor *d;
	u8 payload[32];
	u32 w;
	int i;

	for (i = 1; i <= 3; i++) {
		fill_pattern(payload, sizeof(payload), i);
		host_send(ctx, payload, 8 * i, i);
	}
	w = ctx->ctl->write_index;

	d = vmbus_ring_iter_first(&ctx->rbi);
	for (i = 1; i <= 3; i++) {
		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_EXPECT_EQ(test, d->trans_id, (u64)i);
		KUNIT_EXPECT_EQ(test, d->len8, 2 + i);
		fill_pattern(payload, sizeof(payload), i);
		KUNIT_EXPECT_EQ(test, memcmp((u8 *)d + DESC_SIZE, payload, 8 * i), 0);
		/* Nothing is published before the batch is closed. */
		KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);
		d = vmbus_ring_iter_next(&ctx->rbi, d);
	}
	KUNIT_EXPECT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, w);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_iter_close(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, w);
}

static void ring_read_wraps(struct kunit *test)
{
	const struct wrap_case *c = test->param_value;
	struct ring_ctx *ctx = test->priv;
	u32 start = ctx->dsize - c->back, end = start + INBAND_TOTAL(c->len);
	struct vmpacket_descriptor *d;
	u8 *payload, *buf;
	u32 actual;
	u64 tid;
	bool signal;

	/* A packet buffer for the large packets too. */
	ring_resetup(test, ctx, ctx->dsize);
	payload = kunit_kzalloc(test, c->len, GFP_KERNEL);
	buf = kunit_kzalloc(test, c->len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill_pattern(payload, c->len, 0x50);
	host_fill(ctx, 0, 0xee, ctx->dsize);
	host_set_indices(ctx, start, start);
	host_send(ctx, payload, c->len, 0x1234);

	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->type, (u16)VM_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, (u32)d->len8, (DESC_SIZE + c->len) / 8);
	KUNIT_EXPECT_EQ(test, d->trans_id, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, memcmp((u8 *)d + DESC_SIZE, payload, c->len), 0);

	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, c->len, &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, c->len);
	KUNIT_EXPECT_EQ(test, tid, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, memcmp(buf, payload, c->len), 0);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, end % ctx->dsize);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
}

/* ---- ring full (section 5.2) ---- */

static void ring_full_boundary(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 *payload;
	u32 big = ctx->dsize - INBAND_TOTAL(0);	/* payload of a packet of D bytes */
	bool signal = true;

	payload = kunit_kzalloc(test, ctx->dsize, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	fill_pattern(payload, ctx->dsize, 0x61);
	host_fill(ctx, 0, 0xee, ctx->dsize);

	/* Free space == packet size would make the ring look empty: refused. */
	KUNIT_EXPECT_EQ(test, guest_send(ctx, payload, big, 1, &signal), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->data[0], 0xee);

	/* Eight bytes less is the largest packet that fits. */
	KUNIT_EXPECT_EQ(test, guest_send(ctx, payload, big - 8, 1, &signal), 0);
	KUNIT_EXPECT_TRUE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, ctx->dsize - 8);
	KUNIT_EXPECT_EQ(test, host_free(ctx), 8U);

	/* Now not even an empty packet fits. */
	KUNIT_EXPECT_EQ(test, guest_send(ctx, NULL, 0, 2, &signal), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, ctx->dsize - 8);
	KUNIT_EXPECT_EQ(test, ctx->data[ctx->dsize - 8], 0xee);
}

/* The same boundary when the free space is split by the wrap point. */
static void ring_full_boundary_wrapped(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 payload[40];
	bool signal = true;

	fill_pattern(payload, sizeof(payload), 0x62);
	/* 64 bytes free: from ring end - 16 up to 48. */
	host_set_indices(ctx, 48, ctx->dsize - 16);
	KUNIT_ASSERT_EQ(test, host_free(ctx), 64U);

	KUNIT_EXPECT_EQ(test, guest_send(ctx, payload, 40, 1, &signal), -EAGAIN);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, ctx->dsize - 16);
	KUNIT_EXPECT_EQ(test, guest_send(ctx, payload, 32, 1, &signal), 0);
	/* Not empty before: no signal. */
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 40U);
	KUNIT_EXPECT_EQ(test, host_read_u64(ctx, 32), (u64)(ctx->dsize - 16) << 32);
	KUNIT_EXPECT_EQ(test, guest_send(ctx, NULL, 0, 2, &signal), -EAGAIN);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 40U);

	/* The reader frees space: writes go on. */
	WRITE_ONCE(ctx->ctl->read_index, 40U);
	KUNIT_EXPECT_EQ(test, guest_send(ctx, payload, 40, 3, &signal), 0);
	KUNIT_EXPECT_TRUE(test, signal);
}

/* ---- signalling (sections 5.4, 5.5) ---- */

static void ring_write_signal(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u64 payload = 0;
	bool signal;

	/* Empty -> non-empty with interrupts unmasked: signal. */
	KUNIT_ASSERT_EQ(test, guest_send(ctx, &payload, 8, 1, &signal), 0);
	KUNIT_EXPECT_TRUE(test, signal);
	/* Already non-empty: no signal. */
	KUNIT_ASSERT_EQ(test, guest_send(ctx, &payload, 8, 2, &signal), 0);
	KUNIT_EXPECT_FALSE(test, signal);

	/* The host drained it but masked interrupts: no signal. */
	WRITE_ONCE(ctx->ctl->read_index, ctx->ctl->write_index);
	WRITE_ONCE(ctx->ctl->interrupt_mask, 1);
	KUNIT_ASSERT_EQ(test, guest_send(ctx, &payload, 8, 3, &signal), 0);
	KUNIT_EXPECT_FALSE(test, signal);

	/* Unmasked again, but not empty: no signal. */
	WRITE_ONCE(ctx->ctl->interrupt_mask, 0);
	KUNIT_ASSERT_EQ(test, guest_send(ctx, &payload, 8, 4, &signal), 0);
	KUNIT_EXPECT_FALSE(test, signal);

	/* Drained and unmasked: signal again. */
	WRITE_ONCE(ctx->ctl->read_index, ctx->ctl->write_index);
	KUNIT_ASSERT_EQ(test, guest_send(ctx, &payload, 8, 5, &signal), 0);
	KUNIT_EXPECT_TRUE(test, signal);
}

static void ring_signal_on_write_rule(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;

	host_set_indices(ctx, 64, 128);
	KUNIT_EXPECT_TRUE(test, vmbus_ring_signal_on_write(&ctx->rbi, 64));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_signal_on_write(&ctx->rbi, 32));
	WRITE_ONCE(ctx->ctl->interrupt_mask, 1);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_signal_on_write(&ctx->rbi, 64));
}

struct read_signal_case {
	const char *name;
	u32 pending;
	u32 feature;
	int consume;
	bool signal;
};

/*
 * Three packets of 1024 ring bytes each in a ring of 8192: 5120 bytes free
 * before reading, 6144 after one packet, 7168 after two.
 */
static const struct read_signal_case read_signal_cases[] = {
	{ "crosses threshold", 5500, 1, 1, true },
	{ "stays below threshold", 7000, 1, 1, false },
	{ "batch of two crosses", 7000, 1, 2, true },
	{ "already above threshold", 4000, 1, 1, false },
	{ "free before == pending", 5120, 1, 1, true },
	{ "free after == pending", 6144, 1, 1, false },
	{ "pending_send_sz 0", 0, 1, 1, false },
	{ "feature bit clear", 5500, 0, 1, false },
	{ "other feature bits only", 5500, 0xfffffffe, 1, false },
};

static void read_signal_desc(const struct read_signal_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(read_signal, read_signal_cases, read_signal_desc);

#define SIGNAL_PKT_PAYLOAD	(1024 - DESC_SIZE - TRAILER_SIZE)

static void host_send_three(struct kunit *test, struct ring_ctx *ctx)
{
	u8 *payload = kunit_kzalloc(test, SIGNAL_PKT_PAYLOAD, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, payload);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, host_send(ctx, payload, SIGNAL_PKT_PAYLOAD, i), 1024U);
	KUNIT_ASSERT_EQ(test, host_free(ctx), ctx->dsize - 3072);
}

static void ring_read_signal(struct kunit *test)
{
	const struct read_signal_case *c = test->param_value;
	struct ring_ctx *ctx = test->priv;

	host_send_three(test, ctx);
	ctx->ctl->feature_bits.value = c->feature;
	ctx->ctl->pending_send_sz = c->pending;
	KUNIT_EXPECT_EQ(test, guest_consume(test, ctx, c->consume), c->signal);
	/* Whatever the decision, the read index is published. */
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 1024U * c->consume);
}

/* One packet at a time: only the read that crosses the threshold signals. */
static void ring_read_signal_once(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 *buf;
	u32 actual;
	u64 tid;
	bool signal;
	int i;

	buf = kunit_kzalloc(test, SIGNAL_PKT_PAYLOAD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	host_send_three(test, ctx);
	ctx->ctl->pending_send_sz = 7000;
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, SIGNAL_PKT_PAYLOAD,
						      &actual, &tid, false, &signal), 0);
		KUNIT_EXPECT_EQ(test, actual, SIGNAL_PKT_PAYLOAD);
		KUNIT_EXPECT_EQ(test, tid, (u64)i);
		KUNIT_EXPECT_EQ_MSG(test, signal, i == 1, "read %d", i);
	}
	/* An empty read changes nothing and does not signal. */
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, SIGNAL_PKT_PAYLOAD,
					      &actual, &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 0U);
	KUNIT_EXPECT_FALSE(test, signal);
}

/* ---- a hostile host ---- */

static const u32 bad_write_index[] = {
	4, 20, 1023, RING_DSIZE, RING_DSIZE + 8, 0xfffffff8, 0xffffffff,
};

static void bad_index_desc(const u32 *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "index %#x", *v);
}

KUNIT_ARRAY_PARAM(bad_index, bad_write_index, bad_index_desc);

/* A corrupt inbound write_index reads as an empty ring. */
static void ring_read_corrupt_write_index(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	const u32 *bad = test->param_value;
	u8 payload[16], buf[16];
	u32 good, actual;
	u64 tid;
	bool signal;

	fill_pattern(payload, sizeof(payload), 0x70);
	host_send(ctx, payload, sizeof(payload), 1);
	good = ctx->ctl->write_index;
	WRITE_ONCE(ctx->ctl->write_index, *bad);

	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 0U);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 0U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, 0U);

	/* Once the host repairs it, the packet is there. */
	WRITE_ONCE(ctx->ctl->write_index, good);
	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 16U);
	KUNIT_EXPECT_EQ(test, memcmp(buf, payload, sizeof(payload)), 0);
}

/* Corrupt indices in the outbound ring: -EIO, nothing written. */
static void ring_write_corrupt_indices(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	const u32 *bad = test->param_value;
	u64 payload = 1;
	bool signal = true;

	host_fill(ctx, 0, 0xee, ctx->dsize);

	host_set_indices(ctx, 0, *bad);
	KUNIT_EXPECT_EQ(test, guest_send(ctx, &payload, 8, 1, &signal), -EIO);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, *bad);

	host_set_indices(ctx, *bad, 0);
	KUNIT_EXPECT_EQ(test, guest_send(ctx, &payload, 8, 1, &signal), -EIO);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_EQ(test, ctx->ctl->write_index, 0U);

	KUNIT_EXPECT_EQ(test, ctx->data[0], 0xee);
	KUNIT_EXPECT_EQ(test, ctx->data[ctx->dsize - 1], 0xee);
}

struct bad_desc_case {
	const char *name;
	u16 offset8;
	u16 len8;
	u32 advance;	/* ring bytes the host claims to have written */
};

static const struct bad_desc_case bad_desc_cases[] = {
	{ "offset8 0", 0, 4, 40 },
	{ "offset8 1", 1, 4, 40 },
	{ "len8 0", 2, 0, 40 },
	{ "len8 < offset8", 5, 4, 40 },
	{ "len8 beyond readable", 2, 9, 72 },
	{ "no room for the trailer", 2, 8, 64 },
	{ "len8 0xffff", 2, 0xffff, 64 },
};

static void bad_desc_desc(const struct bad_desc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_desc, bad_desc_cases, bad_desc_desc);

/*
 * After a good packet, a descriptor that cannot be parsed: the good one is
 * delivered, the rest of what the host wrote is dropped, and the ring
 * works again for the host's next packet.
 */
static void ring_read_bad_descriptor(struct kunit *test)
{
	const struct bad_desc_case *c = test->param_value;
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor bad = {
		.type = VM_PKT_DATA_INBAND,
		.offset8 = c->offset8,
		.len8 = c->len8,
		.trans_id = 2,
	};
	struct vmpacket_descriptor *d;
	u8 payload[16];
	u32 w;

	fill_pattern(payload, sizeof(payload), 0x80);
	host_send(ctx, payload, sizeof(payload), 1);
	host_send_bad(ctx, &bad, c->advance);
	w = ctx->ctl->write_index;

	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->trans_id, 1ULL);
	d = vmbus_ring_iter_next(&ctx->rbi, d);
	KUNIT_EXPECT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, w);
	vmbus_ring_iter_close(&ctx->rbi);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, w);

	host_send(ctx, payload, sizeof(payload), 3);
	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->trans_id, 3ULL);
	KUNIT_EXPECT_EQ(test, memcmp((u8 *)d + DESC_SIZE, payload, sizeof(payload)), 0);
}

/* The limits of a valid descriptor are accepted. */
static void ring_read_descriptor_limits(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor hdr_only = { .type = VM_PKT_COMP, .offset8 = 2,
						.len8 = 2, .trans_id = 1 };
	struct vmpacket_descriptor no_payload = { .type = VM_PKT_DATA_USING_XFER_PAGES,
						  .offset8 = 4, .len8 = 4, .trans_id = 2 };
	struct vmpacket_descriptor *d;

	host_send_desc(ctx, &hdr_only, NULL, 0);
	host_send_desc(ctx, &no_payload, NULL, 0);
	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->type, (u16)VM_PKT_COMP);
	KUNIT_EXPECT_EQ(test, d->len8, 2);
	d = vmbus_ring_iter_next(&ctx->rbi, d);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->type, (u16)VM_PKT_DATA_USING_XFER_PAGES);
	KUNIT_EXPECT_EQ(test, d->offset8, 4);
	KUNIT_EXPECT_EQ(test, d->trans_id, 2ULL);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_next(&ctx->rbi, d));
	KUNIT_EXPECT_EQ(test, ctx->rbi.priv_read_index, 24U + 40);
}

/* A packet longer than the packet buffer is skipped; the next one is read. */
static void ring_read_oversize_skipped(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor *d;
	u8 payload[128], buf[128];
	u32 actual;
	u64 tid;
	bool signal;

	ring_resetup(test, ctx, 128);
	fill_pattern(payload, sizeof(payload), 0x90);
	host_send(ctx, payload, 128 - DESC_SIZE + 8, 1);	/* 136 bytes */
	host_send(ctx, payload, 128 - DESC_SIZE, 2);		/* exactly 128 */
	host_send(ctx, payload, 8, 3);

	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->trans_id, 2ULL);
	KUNIT_EXPECT_EQ(test, d->len8, 16);
	KUNIT_EXPECT_EQ(test, memcmp((u8 *)d + DESC_SIZE, payload, 128 - DESC_SIZE), 0);
	d = vmbus_ring_iter_next(&ctx->rbi, d);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->trans_id, 3ULL);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_next(&ctx->rbi, d));
	vmbus_ring_iter_close(&ctx->rbi);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, ctx->ctl->write_index);

	/* The same through vmbus_ring_read(). */
	host_send(ctx, payload, 128, 4);
	host_send(ctx, payload, 24, 5);
	KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, tid, 5ULL);
	KUNIT_EXPECT_EQ(test, actual, 24U);
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, ctx->ctl->write_index);
}

/*
 * The packet handed out is a private copy: what the host writes into the
 * ring afterwards changes neither it nor where the next packet starts.
 */
static void ring_read_copy_out(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	struct vmpacket_descriptor *d, scribble = {
		.type = 0xffff, .offset8 = 0xffff, .len8 = 0xffff, .trans_id = 666,
	};
	u8 payload[32];

	fill_pattern(payload, sizeof(payload), 0xa0);
	host_send(ctx, payload, sizeof(payload), 7);
	host_send(ctx, payload, 8, 8);

	d = vmbus_ring_iter_first(&ctx->rbi);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_PTR_EQ(test, (void *)d, ctx->rbi.pkt_buffer);

	host_fill(ctx, DESC_SIZE, 0x11, sizeof(payload));
	host_write(ctx, 0, &scribble, sizeof(scribble));

	KUNIT_EXPECT_EQ(test, d->type, (u16)VM_PKT_DATA_INBAND);
	KUNIT_EXPECT_EQ(test, d->offset8, 2);
	KUNIT_EXPECT_EQ(test, d->len8, 6);
	KUNIT_EXPECT_EQ(test, d->trans_id, 7ULL);
	KUNIT_EXPECT_EQ(test, memcmp((u8 *)d + DESC_SIZE, payload, sizeof(payload)), 0);

	d = vmbus_ring_iter_next(&ctx->rbi, d);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, d->trans_id, 8ULL);
	KUNIT_EXPECT_EQ(test, d->len8, 3);
}

/* ---- streams across many wraps ---- */

static u32 stream_len(u32 i)
{
	return ((i * 37) % 300) & ~7U;
}

/* The guest writes, the test drains like a host and checks every packet. */
static void ring_write_stream(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 payload[304], seen[304];
	struct vmpacket_descriptor d;
	u32 i, sent = 0, rcvd = 0, r, len;
	bool signal;
	int ret;

	while (rcvd < 500) {
		/* Send until full. */
		for (;;) {
			len = stream_len(sent);
			fill_pattern(payload, len, sent);
			ret = guest_send(ctx, payload, len, sent + 1, &signal);
			if (ret == -EAGAIN)
				break;
			KUNIT_ASSERT_EQ(test, ret, 0);
			KUNIT_EXPECT_EQ(test, signal, sent == rcvd);
			sent++;
		}
		KUNIT_ASSERT_GT(test, sent, rcvd);
		KUNIT_EXPECT_LT(test, host_free(ctx), INBAND_TOTAL(stream_len(sent)) + 1);
		/* Drain half of what is there. */
		for (i = (sent - rcvd + 1) / 2; i; i--, rcvd++) {
			r = ctx->ctl->read_index;
			len = stream_len(rcvd);
			host_read(ctx, r, &d, sizeof(d));
			KUNIT_ASSERT_EQ(test, d.trans_id, (u64)rcvd + 1);
			KUNIT_ASSERT_EQ(test, (u32)d.len8, (DESC_SIZE + len) / 8);
			host_read(ctx, r + DESC_SIZE, seen, len);
			fill_pattern(payload, len, rcvd);
			KUNIT_ASSERT_EQ(test, memcmp(seen, payload, len), 0);
			KUNIT_ASSERT_EQ(test, host_read_u64(ctx, r + DESC_SIZE + len),
					(u64)r << 32);
			WRITE_ONCE(ctx->ctl->read_index,
				   (r + INBAND_TOTAL(len)) % ctx->dsize);
		}
	}
}

/* The host writes, the guest reads, through many wraps of the ring. */
static void ring_read_stream(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u8 payload[304], buf[304];
	u32 sent = 0, rcvd = 0, len, actual;
	u64 tid;
	bool signal;

	while (rcvd < 500) {
		while (host_free(ctx) > INBAND_TOTAL(stream_len(sent))) {
			len = stream_len(sent);
			fill_pattern(payload, len, sent);
			host_send(ctx, payload, len, sent + 1);
			sent++;
		}
		KUNIT_ASSERT_GT(test, sent, rcvd);
		while (rcvd < sent) {
			len = stream_len(rcvd);
			KUNIT_ASSERT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf),
							      &actual, &tid, false,
							      &signal), 0);
			KUNIT_ASSERT_EQ(test, actual, len);
			KUNIT_ASSERT_EQ(test, tid, (u64)rcvd + 1);
			fill_pattern(payload, len, rcvd);
			KUNIT_ASSERT_EQ(test, memcmp(buf, payload, len), 0);
			rcvd++;
		}
		KUNIT_ASSERT_EQ(test, ctx->ctl->read_index, ctx->ctl->write_index);
	}
}

/* ---- concurrent writers ---- */

#define CONC_PKTS	10000

static u32 conc_len(u32 writer, u32 seq)
{
	return ((seq * 13 + writer * 5) % 8) * 8;
}

static int ring_writer_fn(void *data)
{
	struct ring_writer *w = data;
	u8 payload[64];
	bool signal;
	u32 len;
	int ret;

	while (w->sent < CONC_PKTS && !kthread_should_stop()) {
		len = conc_len(w->id, w->sent);
		fill_pattern(payload, len, w->id * 16 + w->sent);
		ret = guest_send(w->ctx, payload, len, (u64)w->id << 32 | w->sent,
				 &signal);
		if (ret == -EAGAIN) {
			usleep_range(10, 50);
			continue;
		}
		if (ret) {
			w->err = ret;
			break;
		}
		w->sent++;
	}
	/* kthread_stop() needs the thread alive. */
	while (!kthread_should_stop())
		usleep_range(100, 200);
	return 0;
}

/*
 * Writers on several CPUs share the outbound ring (serialized by its
 * ring_lock); the test drains it as the host.  Every packet arrives once,
 * intact, in each writer's order.
 */
static void ring_concurrent_writers(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	unsigned long deadline = jiffies + 120 * HZ;
	u32 next[RING_WRITERS] = {}, total = 0, r, id, seq, len;
	struct vmpacket_descriptor d;
	u8 expect[64], seen[64];
	int i;

	for (i = 0; i < RING_WRITERS; i++) {
		ctx->writer[i].ctx = ctx;
		ctx->writer[i].id = i;
	}
	for (i = 0; i < RING_WRITERS; i++) {
		struct task_struct *t;

		t = kthread_run(ring_writer_fn, &ctx->writer[i], "ring_writer/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		ctx->writer[i].task = t;
	}

	while (total < RING_WRITERS * CONC_PKTS) {
		KUNIT_ASSERT_TRUE_MSG(test, time_before(jiffies, deadline),
				      "stuck after %u packets", total);
		r = READ_ONCE(ctx->ctl->read_index);
		if (r == READ_ONCE(ctx->ctl->write_index)) {
			usleep_range(10, 50);
			continue;
		}
		/* The packet after the index, as a host reads it. */
		rmb();
		host_read(ctx, r, &d, sizeof(d));
		id = d.trans_id >> 32;
		seq = (u32)d.trans_id;
		KUNIT_ASSERT_LT(test, id, (u32)RING_WRITERS);
		KUNIT_ASSERT_EQ(test, seq, next[id]);
		len = conc_len(id, seq);
		KUNIT_ASSERT_EQ(test, (u32)d.len8, (DESC_SIZE + len) / 8);
		host_read(ctx, r + DESC_SIZE, seen, len);
		fill_pattern(expect, len, id * 16 + seq);
		KUNIT_ASSERT_EQ(test, memcmp(seen, expect, len), 0);
		KUNIT_ASSERT_EQ(test, host_read_u64(ctx, r + DESC_SIZE + len), (u64)r << 32);
		WRITE_ONCE(ctx->ctl->read_index, (r + INBAND_TOTAL(len)) % ctx->dsize);
		next[id]++;
		total++;
	}
	for (i = 0; i < RING_WRITERS; i++) {
		kthread_stop(ctx->writer[i].task);
		ctx->writer[i].task = NULL;
		KUNIT_EXPECT_EQ(test, ctx->writer[i].err, 0);
		KUNIT_EXPECT_EQ(test, ctx->writer[i].sent, (u32)CONC_PKTS);
	}
	KUNIT_EXPECT_EQ(test, ctx->ctl->read_index, ctx->ctl->write_index);
}

/* ---- teardown ---- */

static void ring_after_cleanup(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u64 payload = 0;
	u8 buf[16];
	u32 actual = 1;
	u64 tid;
	bool signal = true;

	host_send(ctx, &payload, 8, 1);
	vmbus_ring_cleanup(&ctx->rbi);
	KUNIT_EXPECT_NULL(test, ctx->rbi.ring_buffer);
	KUNIT_EXPECT_NULL(test, ctx->rbi.pkt_buffer);
	KUNIT_EXPECT_EQ(test, ctx->rbi.pkt_buffer_size, 0U);

	KUNIT_EXPECT_EQ(test, guest_send(ctx, &payload, 8, 1, &signal), -ENODEV);
	KUNIT_EXPECT_FALSE(test, signal);
	KUNIT_EXPECT_NULL(test, vmbus_ring_iter_first(&ctx->rbi));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_iter_close(&ctx->rbi));
	KUNIT_EXPECT_EQ(test, vmbus_ring_read(&ctx->rbi, buf, sizeof(buf), &actual,
					      &tid, false, &signal), 0);
	KUNIT_EXPECT_EQ(test, actual, 0U);
	/* A second cleanup is harmless (the suite's exit does a third). */
	vmbus_ring_cleanup(&ctx->rbi);
}

/*
 * The guest as a blocked writer (section 5.6): the request for space goes
 * into pending_send_sz, then the read index is read again, so room made
 * by the host meanwhile is seen without waiting for a signal.
 */
static void ring_want_space(struct kunit *test)
{
	struct ring_ctx *ctx = test->priv;
	u32 need = 1000, ring_bytes = ALIGN(need, 8) + 8;

	/* Room already: no request left behind. */
	KUNIT_EXPECT_TRUE(test, vmbus_ring_has_space(&ctx->rbi, need));
	KUNIT_EXPECT_TRUE(test, vmbus_ring_want_space(&ctx->rbi, need));
	KUNIT_EXPECT_EQ(test, READ_ONCE(ctx->ctl->pending_send_sz), 0U);

	/* Exactly the packet's ring bytes free: not enough (full rule). */
	host_set_indices(ctx, ring_bytes, 0);
	KUNIT_EXPECT_EQ(test, host_free(ctx), ring_bytes);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_has_space(&ctx->rbi, need));
	KUNIT_EXPECT_FALSE(test, vmbus_ring_want_space(&ctx->rbi, need));
	/* The host is told what to wait for: padded packet and trailer. */
	KUNIT_EXPECT_EQ(test, READ_ONCE(ctx->ctl->pending_send_sz), ring_bytes);

	/* Eight bytes more and it fits; asking again withdraws the request. */
	host_set_indices(ctx, ring_bytes + 8, 0);
	KUNIT_EXPECT_TRUE(test, vmbus_ring_want_space(&ctx->rbi, need));
	KUNIT_EXPECT_EQ(test, READ_ONCE(ctx->ctl->pending_send_sz), 0U);

	/* Withdrawing by hand; a corrupt read index never looks like room. */
	host_set_indices(ctx, ring_bytes, 0);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_want_space(&ctx->rbi, need));
	vmbus_ring_want_space(&ctx->rbi, 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(ctx->ctl->pending_send_sz), 0U);
	WRITE_ONCE(ctx->ctl->read_index, 12);
	KUNIT_EXPECT_FALSE(test, vmbus_ring_has_space(&ctx->rbi, 8));
}

static struct kunit_case vmbus_ring_test_cases[] = {
	KUNIT_CASE(ring_setup_state),
	KUNIT_CASE(ring_reset_header),
	KUNIT_CASE(ring_double_mapping),
	KUNIT_CASE(ring_empty),
	KUNIT_CASE(ring_write_layout),
	KUNIT_CASE(ring_write_leaves_caller_desc),
	KUNIT_CASE(ring_write_multi_kvec),
	KUNIT_CASE_PARAM(ring_write_wraps, wrap_gen_params),
	KUNIT_CASE(ring_read_roundtrip),
	KUNIT_CASE(ring_read_raw),
	KUNIT_CASE(ring_read_too_small),
	KUNIT_CASE(ring_iter_batch),
	KUNIT_CASE_PARAM(ring_read_wraps, wrap_gen_params),
	KUNIT_CASE(ring_full_boundary),
	KUNIT_CASE(ring_full_boundary_wrapped),
	KUNIT_CASE(ring_write_signal),
	KUNIT_CASE(ring_signal_on_write_rule),
	KUNIT_CASE_PARAM(ring_read_signal, read_signal_gen_params),
	KUNIT_CASE(ring_read_signal_once),
	KUNIT_CASE_PARAM(ring_read_corrupt_write_index, bad_index_gen_params),
	KUNIT_CASE_PARAM(ring_write_corrupt_indices, bad_index_gen_params),
	KUNIT_CASE_PARAM(ring_read_bad_descriptor, bad_desc_gen_params),
	KUNIT_CASE(ring_read_descriptor_limits),
	KUNIT_CASE(ring_read_oversize_skipped),
	KUNIT_CASE(ring_read_copy_out),
	KUNIT_CASE(ring_write_stream),
	KUNIT_CASE(ring_read_stream),
	KUNIT_CASE(ring_concurrent_writers),
	KUNIT_CASE(ring_after_cleanup),
	KUNIT_CASE(ring_want_space),
	{}
};

static struct kunit_suite vmbus_ring_test_suite = {
	.name = "vmbus_ring",
	.init = ring_test_init,
	.exit = ring_test_exit,
	.test_cases = vmbus_ring_test_cases,
};

kunit_test_suite(vmbus_ring_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the VMBus ring buffer");
