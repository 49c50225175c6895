// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the core's data path end to end, against the simulated host's
 * echo device (include/vmbus_echo.h): a driver registered on the bus, its
 * channel opened, packets echoed in-band and as completions, GPA-direct
 * ranges, a host burst that wraps and fills the inbound ring, a stalled
 * host that fills the outbound ring, and sub-channels.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "vmbus_core.h"
#include "vmbus_echo.h"
#include "vmbus_sim.h"

#define ECHO_SUBCHANNELS	3

/* Receive state of one open echo channel; written by its callback only. */
struct echo_chan {
	struct vmbus_channel *channel;
	wait_queue_head_t wq;
	u32 rx;			/* packets received, burst packets excluded */
	u32 burst_next;		/* next burst index expected */
	u32 burst_bad;		/* burst packets out of order or corrupt */
	u16 last_type;
	u64 last_trans;
	u32 last_len;
	u8 last[VMBUS_ECHO_MAX_PAYLOAD + 8];
};

static struct {
	struct hv_device *hdev;
	struct completion probed;
	struct echo_chan prim;
	struct echo_chan subs[ECHO_SUBCHANNELS];
	atomic_t subs_open;
} echo;

static const struct hv_vmbus_device_id echo_ids[] = {
	{ .guid = VMBUS_ECHO_GUID },
	{ },
};

static int echo_probe(struct hv_device *hdev, const struct hv_vmbus_device_id *id)
{
	echo.hdev = hdev;
	complete(&echo.probed);
	return 0;
}

static int echo_remove(struct hv_device *hdev)
{
	echo.hdev = NULL;
	return 0;
}

static struct hv_driver echo_driver = {
	.name = "vmbus_echo_test",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
};

static void echo_rx_one(struct echo_chan *ec, const struct vmpacket_descriptor *desc)
{
	const struct vmbus_echo_hdr *hdr = hv_pkt_data(desc);
	u32 len = hv_pkt_datalen(desc), i;
	const u8 *p = (const u8 *)hdr;

	if (len >= sizeof(*hdr) && hdr->op == VMBUS_ECHO_OP_BURST &&
	    desc->type == VM_PKT_DATA_INBAND) {
		bool ok = len == VMBUS_ECHO_BURST_PKT_SIZE &&
			  hdr->arg == ec->burst_next;

		for (i = sizeof(*hdr); ok && i < len; i++)
			ok = p[i] == vmbus_echo_burst_byte(hdr->arg, i);
		ec->burst_bad += !ok;
		ec->burst_next++;
		return;
	}
	ec->last_type = desc->type;
	ec->last_trans = desc->trans_id;
	ec->last_len = min_t(u32, len, sizeof(ec->last));
	memcpy(ec->last, hdr, ec->last_len);
	/* Publish the packet before the count the test waits on. */
	smp_store_release(&ec->rx, ec->rx + 1);
}

/* Channel callback: softirq, one at a time per channel. */
static void echo_callback(void *context)
{
	struct echo_chan *ec = context;
	struct vmpacket_descriptor *desc;

	foreach_vmbus_pkt(desc, ec->channel)
		echo_rx_one(ec, desc);
	wake_up(&ec->wq);
}

static int echo_open(struct echo_chan *ec, struct vmbus_channel *channel,
		     u32 send_pages, u32 recv_pages)
{
	memset(ec, 0, sizeof(*ec));
	init_waitqueue_head(&ec->wq);
	ec->channel = channel;
	return vmbus_open(channel, send_pages * PAGE_SIZE,
			  recv_pages * PAGE_SIZE, NULL, 0, echo_callback, ec);
}

/*
 * Send @len payload bytes (op ECHO).  While the ring is full, wait for the
 * host to signal room (pending_send_sz); @full counts those waits.
 */
static int echo_send(struct echo_chan *ec, u32 len, u32 seq, u32 flags,
		     u64 trans, u32 *full)
{
	struct vmbus_echo_hdr *hdr;
	unsigned int tries = 100;
	u8 *buf;
	u32 i;
	int ret;

	buf = kmalloc(len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	hdr = (void *)buf;
	hdr->op = VMBUS_ECHO_OP_ECHO;
	hdr->arg = seq;
	for (i = sizeof(*hdr); i < len; i++)
		buf[i] = (u8)(seq + i);
	while ((ret = vmbus_sendpacket(ec->channel, buf, len, trans,
				       VM_PKT_DATA_INBAND, flags)) == -EAGAIN &&
	       tries--) {
		if (full)
			(*full)++;
		ret = vmbus_wait_for_space(ec->channel,
					   sizeof(struct vmpacket_descriptor) + len,
					   5 * HZ);
		if (ret)
			break;
	}
	kfree(buf);
	return ret;
}

static int echo_request(struct echo_chan *ec, u32 op, u32 arg, u32 flags,
			u64 trans)
{
	struct vmbus_echo_hdr hdr = { .op = op, .arg = arg };

	return vmbus_sendpacket(ec->channel, &hdr, sizeof(hdr), trans,
				VM_PKT_DATA_INBAND, flags);
}

static bool echo_wait_rx(struct echo_chan *ec, u32 count)
{
	/* Pairs with the release in echo_rx_one(): the packet is complete. */
	return wait_event_timeout(ec->wq, smp_load_acquire(&ec->rx) >= count,
				  5 * HZ) > 0;
}

/* The echo of @len bytes sent with @seq: padded to 8 by the ring. */
static bool echo_payload_ok(const struct echo_chan *ec, u32 len, u32 seq)
{
	u32 i;

	if (ec->last_len != ALIGN(len, 8))
		return false;
	for (i = sizeof(struct vmbus_echo_hdr); i < len; i++)
		if (ec->last[i] != (u8)(seq + i))
			return false;
	return ((const struct vmbus_echo_hdr *)ec->last)->arg == seq;
}

/* Offer an echo device; our driver binds to it. */
static void echo_offer(struct kunit *test)
{
	reinit_completion(&echo.probed);
	KUNIT_ASSERT_EQ(test, vmbus_sim_offer("echo"), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&echo.probed, 5 * HZ));
	KUNIT_ASSERT_NOT_NULL(test, echo.hdev);
}

static void echo_rescind(struct kunit *test)
{
	struct vmbus_channel *channel = echo.hdev->channel;
	u32 relid = channel->offermsg.child_relid;
	unsigned int tries = 500;

	KUNIT_EXPECT_EQ(test, vmbus_sim_rescind(relid), 0);
	while (echo.hdev && tries--)
		usleep_range(10000, 11000);
	KUNIT_EXPECT_NULL(test, echo.hdev);
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

static void echo_roundtrip(struct kunit *test)
{
	static const u32 sizes[] = { 8, 13, 104, 200, 1000, 4080 };
	struct echo_chan *ec = &echo.prim;
	unsigned int i;

	echo_offer(test);
	KUNIT_ASSERT_EQ(test, echo_open(ec, echo.hdev->channel, 4, 4), 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 seen = ec->rx;

		/* In-band, no completion asked: answered in-band, ID 0. */
		KUNIT_ASSERT_EQ(test, echo_send(ec, sizes[i], i, 0, 0, NULL), 0);
		KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, seen + 1));
		KUNIT_EXPECT_EQ(test, ec->last_type, (u16)VM_PKT_DATA_INBAND);
		KUNIT_EXPECT_TRUE_MSG(test, echo_payload_ok(ec, sizes[i], i),
				      "size %u", sizes[i]);

		/* Completion asked: a completion with our transaction ID. */
		KUNIT_ASSERT_EQ(test, echo_send(ec, sizes[i], i + 100,
						VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
						0x1000 + i, NULL), 0);
		KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, seen + 2));
		KUNIT_EXPECT_EQ(test, ec->last_type, (u16)VM_PKT_COMP);
		KUNIT_EXPECT_EQ(test, ec->last_trans, 0x1000ull + i);
	}
	vmbus_close(echo.hdev->channel);
	KUNIT_EXPECT_EQ(test, echo.hdev->channel->state, CHANNEL_OFFER_STATE);
	KUNIT_EXPECT_NULL(test, echo.hdev->channel->ringbuffer_page);
	echo_rescind(test);
}

static void echo_gpa_direct(struct kunit *test)
{
	struct echo_chan *ec = &echo.prim;
	struct vmbus_echo_hdr hdr = { .op = VMBUS_ECHO_OP_ECHO };
	struct {
		struct vmbus_packet_mpb_array d;
		u64 pfn[2];
	} __packed mpb = {};
	u32 off = PAGE_SIZE - 1000, len = 3000, i, seen;
	u8 *buf;

	buf = (u8 *)__get_free_pages(GFP_KERNEL, 1);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		buf[i] = (u8)(i * 13);
	echo_offer(test);
	KUNIT_ASSERT_EQ(test, echo_open(ec, echo.hdev->channel, 4, 4), 0);

	/* One range crossing a page boundary. */
	mpb.d.rangecount = 1;
	mpb.d.range.len = len;
	mpb.d.range.offset = off;
	mpb.d.range.pfn_array[0] = virt_to_hvpfn(buf);
	mpb.d.range.pfn_array[1] = virt_to_hvpfn(buf + PAGE_SIZE);
	seen = ec->rx;
	KUNIT_ASSERT_EQ(test, vmbus_sendpacket_mpb_desc(ec->channel, &mpb.d,
							sizeof(mpb), &hdr,
							sizeof(hdr), 0x77), 0);
	KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, seen + 1));
	KUNIT_EXPECT_EQ(test, ec->last_type, (u16)VM_PKT_COMP);
	KUNIT_EXPECT_EQ(test, ec->last_trans, 0x77ull);
	KUNIT_EXPECT_GE(test, ec->last_len, len);
	KUNIT_EXPECT_EQ(test, memcmp(ec->last, buf + off, len), 0);

	vmbus_close(ec->channel);
	echo_rescind(test);
	free_pages((unsigned long)buf, 1);
}

static void echo_burst_wraps_inbound(struct kunit *test)
{
	struct echo_chan *ec = &echo.prim;
	const u32 n = 300;

	echo_offer(test);
	/* 3 data pages in: each 1 KiB packet wraps the ring every ~11. */
	KUNIT_ASSERT_EQ(test, echo_open(ec, echo.hdev->channel, 4, 4), 0);
	KUNIT_ASSERT_EQ(test, echo_request(ec, VMBUS_ECHO_OP_BURST, n,
					   VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
					   0x42), 0);
	/* The completion comes after the last burst packet. */
	KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, 1));
	KUNIT_EXPECT_EQ(test, ec->last_type, (u16)VM_PKT_COMP);
	KUNIT_EXPECT_EQ(test, ec->burst_next, n);
	KUNIT_EXPECT_EQ(test, ec->burst_bad, 0);
	vmbus_close(ec->channel);
	echo_rescind(test);
}

static void echo_stall_fills_outbound(struct kunit *test)
{
	struct echo_chan *ec = &echo.prim;
	const u32 n = 40;
	u32 full = 0, i;

	echo_offer(test);
	/* Small outbound ring, roomy inbound ring for the echoes. */
	KUNIT_ASSERT_EQ(test, echo_open(ec, echo.hdev->channel, 4, 16), 0);
	KUNIT_ASSERT_EQ(test, echo_request(ec, VMBUS_ECHO_OP_STALL, 300, 0, 0), 0);
	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ(test, echo_send(ec, 1000, i, 0, 0, &full), 0);
	/* The host did not read for a while: the ring must have filled, and
	 * each wait ended by the host's signal, not by a timeout.
	 */
	KUNIT_EXPECT_GT(test, full, 0);
	KUNIT_EXPECT_GT(test, ec->channel->out_full_total, 0ULL);
	KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, n));
	KUNIT_EXPECT_TRUE(test, echo_payload_ok(ec, 1000, n - 1));
	vmbus_close(ec->channel);
	echo_rescind(test);
}

static void echo_sc_created(struct vmbus_channel *sc)
{
	u16 idx = sc->offermsg.offer.sub_channel_index;

	if (idx < 1 || idx > ECHO_SUBCHANNELS)
		return;
	if (!echo_open(&echo.subs[idx - 1], sc, 4, 4))
		atomic_inc(&echo.subs_open);
}

static void echo_subchannels(struct kunit *test)
{
	const struct vmbus_echo_subchannels_resp *resp;
	struct echo_chan *ec = &echo.prim;
	struct vmbus_channel *primary;
	unsigned int i, tries = 500;

	atomic_set(&echo.subs_open, 0);
	echo_offer(test);
	primary = echo.hdev->channel;
	KUNIT_ASSERT_EQ(test, echo_open(ec, primary, 4, 4), 0);
	vmbus_set_sc_create_callback(primary, echo_sc_created);
	KUNIT_ASSERT_EQ(test, echo_request(ec, VMBUS_ECHO_OP_SUBCHANNELS,
					   ECHO_SUBCHANNELS,
					   VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED,
					   7), 0);
	KUNIT_ASSERT_TRUE(test, echo_wait_rx(ec, 1));
	resp = (const void *)ec->last;
	KUNIT_EXPECT_EQ(test, resp->granted, ECHO_SUBCHANNELS);
	while (atomic_read(&echo.subs_open) < ECHO_SUBCHANNELS && tries--)
		usleep_range(10000, 11000);
	KUNIT_ASSERT_EQ(test, atomic_read(&echo.subs_open), ECHO_SUBCHANNELS);

	for (i = 0; i < ECHO_SUBCHANNELS; i++) {
		struct echo_chan *sc = &echo.subs[i];

		KUNIT_EXPECT_PTR_EQ(test, sc->channel->primary_channel, primary);
		KUNIT_EXPECT_EQ(test, echo_send(sc, 64, 50 + i, 0, 0, NULL), 0);
		KUNIT_EXPECT_TRUE(test, echo_wait_rx(sc, 1));
		KUNIT_EXPECT_TRUE(test, echo_payload_ok(sc, 64, 50 + i));
	}
	/*
	 * Closing the primary closes its sub-channels first; the host then
	 * rescinds each closed sub-channel (as Hyper-V does), which releases
	 * it: hold them meanwhile.
	 */
	for (i = 0; i < ECHO_SUBCHANNELS; i++)
		kobject_get(&echo.subs[i].channel->kobj);
	vmbus_close(primary);
	for (i = 0; i < ECHO_SUBCHANNELS; i++) {
		struct vmbus_channel *sc = echo.subs[i].channel;

		KUNIT_EXPECT_EQ(test, sc->state, CHANNEL_OFFER_STATE);
		tries = 500;
		while (!READ_ONCE(sc->rescind) && tries--)
			usleep_range(10000, 11000);
		KUNIT_EXPECT_TRUE(test, READ_ONCE(sc->rescind));
		kobject_put(&sc->kobj);
	}
	echo_rescind(test);
}

static int echo_suite_init(struct kunit_suite *suite)
{
	init_completion(&echo.probed);
	return vmbus_driver_register(&echo_driver);
}

static void echo_suite_exit(struct kunit_suite *suite)
{
	vmbus_driver_unregister(&echo_driver);
}

static struct kunit_case vmbus_echo_cases[] = {
	KUNIT_CASE(echo_roundtrip),
	KUNIT_CASE(echo_gpa_direct),
	KUNIT_CASE(echo_burst_wraps_inbound),
	KUNIT_CASE(echo_stall_fills_outbound),
	KUNIT_CASE(echo_subchannels),
	{}
};

static struct kunit_suite vmbus_echo_suite = {
	.name = "vmbus_echo",
	.suite_init = echo_suite_init,
	.suite_exit = echo_suite_exit,
	.test_cases = vmbus_echo_cases,
};

kunit_test_suite(vmbus_echo_suite);

MODULE_LICENSE("GPL");
