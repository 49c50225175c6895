// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMBus core against the simulated host, both built in.
 * Version negotiation at every version, GPADLs split into body messages,
 * offer parsing, rescind during open, and the data path through the sim's
 * echo device (ring wrap, full rings both ways, GPA-direct, sub-channels).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "vmbus_core.h"
#include "vmbus_echo.h"
#include "vmbus_sim.h"

static const guid_t echo_guid = VMBUS_ECHO_GUID;

/* Ask @cond(@arg) every 10 ms for up to @ms. */
static bool wait_until(bool (*cond)(u32 arg), u32 arg, unsigned int ms)
{
	unsigned int left = ms / 10;

	while (!cond(arg) && left--)
		usleep_range(10000, 11000);
	return cond(arg);
}

/* The newest primary channel of class @type, or NULL; takes a reference. */
static struct vmbus_channel *find_channel(const guid_t *type, u32 after)
{
	struct vmbus_channel *channel, *found = NULL;
	u32 relid;

	vmbus_channel_lock();
	for (relid = after + 1; relid <= VMBUS_MAX_RELID; relid++) {
		channel = vmbus_relid_to_channel(relid);
		if (channel && !channel->primary_channel && !channel->rescind &&
		    guid_equal(&channel->offermsg.offer.if_type, type))
			found = channel;
	}
	if (found)
		kobject_get(&found->kobj);
	vmbus_channel_unlock();
	return found;
}

static u32 newest_relid(void)
{
	u32 relid, newest = 0;

	vmbus_channel_lock();
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++)
		if (vmbus_relid_to_channel(relid))
			newest = relid;
	vmbus_channel_unlock();
	return newest;
}

static bool relid_free(u32 relid)
{
	bool free;

	vmbus_channel_lock();
	free = !vmbus_relid_to_channel(relid);
	vmbus_channel_unlock();
	return free;
}

/* Offer an echo device and return its channel, referenced. */
static struct vmbus_channel *offer_echo(struct kunit *test)
{
	u32 after = newest_relid();
	struct vmbus_channel *channel = NULL;
	unsigned int tries = 500;

	KUNIT_ASSERT_EQ(test, vmbus_sim_offer("echo"), 0);
	while (!(channel = find_channel(&echo_guid, after)) && tries--)
		usleep_range(10000, 11000);
	KUNIT_ASSERT_NOT_NULL(test, channel);
	return channel;
}

static void rescind_and_put(struct kunit *test, struct vmbus_channel *channel)
{
	u32 relid = channel->offermsg.child_relid;

	KUNIT_EXPECT_EQ(test, vmbus_sim_rescind(relid), 0);
	vmbus_channel_put(channel);
	KUNIT_EXPECT_TRUE(test, wait_until(relid_free, relid, 5000));
}

static void sim_negotiates_every_version(struct kunit *test)
{
	static const struct {
		const char *name;
		u32 version;
	} versions[] = {
		{ "5.3", VERSION_WIN10_V5_3 }, { "5.2", VERSION_WIN10_V5_2 },
		{ "5.1", VERSION_WIN10_V5_1 }, { "5.0", VERSION_WIN10_V5 },
		{ "4.1", VERSION_WIN10_V4_1 }, { "4.0", VERSION_WIN10 },
		{ "3.0", VERSION_WIN8_1 }, { "2.4", VERSION_WIN8 },
		{ "1.1", VERSION_WIN7 }, { "0.13", VERSION_WS2008 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		KUNIT_ASSERT_EQ_MSG(test, vmbus_sim_reconnect(versions[i].name), 0,
				    "host capped at %s", versions[i].name);
		KUNIT_EXPECT_EQ_MSG(test, vmbus_proto_version, versions[i].version,
				    "host capped at %s", versions[i].name);
		KUNIT_EXPECT_EQ(test, vmbus_conn.msg_conn_id,
				VMBUS_MESSAGE_CONNECTION_ID);
	}

	/* The guest's own cap wins over a newer host. */
	vmbus_max_version = VERSION_WIN10;
	KUNIT_EXPECT_EQ(test, vmbus_sim_reconnect("5.3"), 0);
	KUNIT_EXPECT_EQ(test, vmbus_proto_version, VERSION_WIN10);
	vmbus_max_version = VERSION_WIN10_V5_3;
	KUNIT_EXPECT_EQ(test, vmbus_sim_reconnect("5.3"), 0);
	KUNIT_EXPECT_EQ(test, vmbus_proto_version, VERSION_WIN10_V5_3);
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

static void sim_gpadl_split(struct kunit *test)
{
	/* Pages: all in the header, one more, header + one full body, ... */
	static const u32 sizes[] = { 1, 26, 27, 54, 55, 300 };
	struct vmbus_channel *channel = offer_echo(test);
	struct vmbus_gpadl gpadl = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 pages = sizes[i];
		u32 bodies = pages > 26 ? DIV_ROUND_UP(pages - 26, 28) : 0;
		u32 h0 = vmbus_sim_msg_count(CHANNELMSG_GPADL_HEADER);
		u32 b0 = vmbus_sim_msg_count(CHANNELMSG_GPADL_BODY);
		void *buf = vzalloc(pages * PAGE_SIZE);

		KUNIT_ASSERT_NOT_NULL(test, buf);
		KUNIT_EXPECT_EQ(test, vmbus_establish_gpadl(channel, buf,
							    pages * PAGE_SIZE,
							    &gpadl), 0);
		KUNIT_EXPECT_NE(test, gpadl.gpadl_handle, 0);
		KUNIT_EXPECT_EQ(test,
				vmbus_sim_msg_count(CHANNELMSG_GPADL_HEADER) - h0, 1);
		KUNIT_EXPECT_EQ_MSG(test,
				    vmbus_sim_msg_count(CHANNELMSG_GPADL_BODY) - b0,
				    bodies, "%u pages", pages);
		KUNIT_EXPECT_EQ(test, vmbus_teardown_gpadl(channel, &gpadl), 0);
		KUNIT_EXPECT_EQ(test, gpadl.gpadl_handle, 0);
		vfree(buf);
	}
	/* Not a page multiple: refused before anything is sent. */
	KUNIT_EXPECT_EQ(test, vmbus_establish_gpadl(channel, NULL, 100, &gpadl),
			-EINVAL);
	rescind_and_put(test, channel);
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

static void sim_offer_parsing(struct kunit *test)
{
	u32 before = newest_relid();
	struct vmbus_channel *channel;

	/* Relid 0, relid 2048 and a truncated offer: none becomes a channel. */
	KUNIT_ASSERT_EQ(test, vmbus_sim_fault("bad-offer"), 0);
	msleep(200);
	KUNIT_EXPECT_EQ(test, newest_relid(), before);
	KUNIT_EXPECT_TRUE(test, relid_free(VMBUS_MAX_RELID));

	/* A good offer after them still works, with its fields taken over. */
	channel = offer_echo(test);
	KUNIT_EXPECT_GT(test, channel->offermsg.child_relid, before);
	KUNIT_EXPECT_EQ(test, channel->device_id, (u16)HV_UNKNOWN);
	KUNIT_EXPECT_EQ(test, channel->state, CHANNEL_OFFER_STATE);
	KUNIT_EXPECT_EQ(test, lower_32_bits(channel->sig_event),
			channel->offermsg.connection_id);
	KUNIT_EXPECT_TRUE(test, channel->is_dedicated_interrupt);
	/* Not an I/O device: interrupts stay on the message CPU. */
	KUNIT_EXPECT_EQ(test, channel->target_cpu, vmbus_conn.msg_cpu);
	KUNIT_EXPECT_NOT_NULL(test, channel->device_obj);
	rescind_and_put(test, channel);
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

struct open_ctx {
	struct vmbus_channel *channel;
	struct completion done;
	int ret;
};

static void noop_cb(void *context)
{
}

static int open_thread(void *data)
{
	struct open_ctx *ctx = data;

	ctx->ret = vmbus_open(ctx->channel, 4 * PAGE_SIZE, 4 * PAGE_SIZE, NULL,
			      0, noop_cb, NULL);
	complete(&ctx->done);
	return 0;
}

static void sim_rescind_during_open(struct kunit *test)
{
	struct vmbus_channel *channel = offer_echo(test);
	u32 relid = channel->offermsg.child_relid;
	struct open_ctx ctx = { .channel = channel };
	struct task_struct *t;

	init_completion(&ctx.done);
	KUNIT_ASSERT_EQ(test, vmbus_sim_fault("hold-open"), 0);
	t = kthread_run(open_thread, &ctx, "vmbus-open-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* The host does not answer: the open must still be waiting. */
	msleep(300);
	KUNIT_EXPECT_FALSE(test, completion_done(&ctx.done));
	KUNIT_EXPECT_EQ(test, channel->state, CHANNEL_OPENING_STATE);

	KUNIT_EXPECT_EQ(test, vmbus_sim_rescind(relid), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&ctx.done, 5 * HZ));
	KUNIT_EXPECT_EQ(test, ctx.ret, -ENODEV);
	KUNIT_EXPECT_EQ(test, channel->state, CHANNEL_OFFER_STATE);
	/* Released, and only then are the rings freed. */
	KUNIT_EXPECT_TRUE(test, wait_until(relid_free, relid, 5000));
	KUNIT_EXPECT_NULL(test, channel->ringbuffer_page);
	vmbus_channel_put(channel);
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

static struct kunit_case vmbus_sim_cases[] = {
	KUNIT_CASE(sim_negotiates_every_version),
	KUNIT_CASE(sim_gpadl_split),
	KUNIT_CASE(sim_offer_parsing),
	KUNIT_CASE(sim_rescind_during_open),
	{}
};

static struct kunit_suite vmbus_sim_suite = {
	.name = "vmbus_sim",
	.test_cases = vmbus_sim_cases,
};

kunit_test_suite(vmbus_sim_suite);

MODULE_LICENSE("GPL");
