// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the checks on the host's channel messages
 * (vmbus_onoffer_msg(), drivers/vmbus/offer.c) and of how responses find
 * their waiter (drivers/vmbus/connection.c): a test arms a waiter as a
 * request would, then plays the host's message.  Offers are only tested
 * for being dropped: a valid one would create a device.
 *
 * No host is needed.  If the simulated host is built in and connected, it
 * is idle here (no driver opens anything while these run), and the relids
 * and IDs below are far from the ones it and the core hand out (relids
 * from 1 up, GPADL handles from 0x10000 up).
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include "vmbus_core.h"

#define MSG_RELID	2001
#define MSG_ID		5
#define MSG_WAITERS	2

struct msg_ctx {
	struct vmbus_waiter w[MSG_WAITERS];
};

static int msg_test_init(struct kunit *test)
{
	struct msg_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	int i;

	if (!ctx)
		return -ENOMEM;
	/* The core's init (a subsys initcall) must have run. */
	if (!vmbus_offer_wq)
		return -ENODEV;
	for (i = 0; i < MSG_WAITERS; i++)
		vmbus_waiter_init(&ctx->w[i], CHANNELMSG_INVALID, 0, 0, NULL);
	test->priv = ctx;
	return 0;
}

/* Whatever happened, no waiter of ours stays on the global list. */
static void msg_test_exit(struct kunit *test)
{
	struct msg_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	for (i = 0; i < MSG_WAITERS; i++)
		vmbus_waiter_cancel(&ctx->w[i]);
}

static struct vmbus_waiter *msg_arm(struct kunit *test, int i, u32 type,
				    u32 relid, u32 id, struct vmbus_channel *channel)
{
	struct msg_ctx *ctx = test->priv;

	vmbus_waiter_init(&ctx->w[i], type, relid, id, channel);
	KUNIT_EXPECT_EQ(test, vmbus_waiter_arm(&ctx->w[i]), 0);
	return &ctx->w[i];
}

/*
 * Deliver @size bytes of @msg as the message tasklet does, from a private
 * copy of exactly that size (KASAN catches reads past it).
 */
static void msg_deliver(struct kunit *test, const void *msg, u32 size)
{
	void *copy = kunit_kzalloc(test, max_t(u32, size, 1), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, msg, size);
	local_bh_disable();
	vmbus_onoffer_msg(copy, size);
	local_bh_enable();
}

static void msg_open_result(u32 *m, u32 relid, u32 openid, u32 status)
{
	struct vmbus_channel_open_result r = {
		.header.msgtype = CHANNELMSG_OPENCHANNEL_RESULT,
		.child_relid = relid,
		.openid = openid,
		.status = status,
	};

	memcpy(m, &r, sizeof(r));
}

static void msg_response_completes_waiter(struct kunit *test)
{
	struct vmbus_waiter *w;
	u32 m[VMBUS_MSG_MAX / 4] = {};

	w = msg_arm(test, 0, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID, MSG_ID, NULL);
	msg_open_result(m, MSG_RELID, MSG_ID, 0xc0000001);
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));

	KUNIT_EXPECT_TRUE(test, completion_done(&w->done));
	KUNIT_EXPECT_EQ(test, w->error, 0);
	KUNIT_EXPECT_EQ(test, w->resp.open.child_relid, (u32)MSG_RELID);
	KUNIT_EXPECT_EQ(test, w->resp.open.openid, (u32)MSG_ID);
	KUNIT_EXPECT_EQ(test, w->resp.open.status, 0xc0000001U);
	/* A completed waiter is off the list. */
	KUNIT_EXPECT_TRUE(test, list_empty(&w->node));
}

/* A response goes only to the waiter whose IDs it names. */
static void msg_response_matches_ids(struct kunit *test)
{
	struct vmbus_waiter *a, *b;
	u32 m[VMBUS_MSG_MAX / 4] = {};

	a = msg_arm(test, 0, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID, MSG_ID, NULL);
	b = msg_arm(test, 1, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID + 1, MSG_ID, NULL);

	msg_open_result(m, MSG_RELID, MSG_ID + 1, 1);	/* wrong openid */
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));
	msg_open_result(m, MSG_RELID + 2, MSG_ID, 2);	/* unknown relid */
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));
	KUNIT_EXPECT_FALSE(test, completion_done(&a->done));
	KUNIT_EXPECT_FALSE(test, completion_done(&b->done));

	msg_open_result(m, MSG_RELID + 1, MSG_ID, 3);
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));
	KUNIT_EXPECT_FALSE(test, completion_done(&a->done));
	KUNIT_EXPECT_TRUE(test, completion_done(&b->done));
	KUNIT_EXPECT_EQ(test, b->resp.open.status, 3U);

	msg_open_result(m, MSG_RELID, MSG_ID, 4);
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));
	KUNIT_EXPECT_TRUE(test, completion_done(&a->done));
	KUNIT_EXPECT_EQ(test, a->resp.open.status, 4U);
}

struct resp_case {
	const char *name;
	u32 type;
	u32 size;		/* the type's wire size (section 2.4) */
	u32 nfields;		/* u32 fields after the header used to match */
	u32 field[2];
};

static const struct resp_case resp_cases[] = {
	{ "OPENCHANNEL_RESULT", CHANNELMSG_OPENCHANNEL_RESULT, 20, 2, { MSG_RELID, MSG_ID } },
	{ "GPADL_CREATED", CHANNELMSG_GPADL_CREATED, 20, 2, { MSG_RELID, MSG_ID } },
	{ "GPADL_TORNDOWN", CHANNELMSG_GPADL_TORNDOWN, 12, 1, { MSG_ID } },
	{ "VERSION_RESPONSE", CHANNELMSG_VERSION_RESPONSE, 16, 0 },
	{ "UNLOAD_RESPONSE", CHANNELMSG_UNLOAD_RESPONSE, 8, 0 },
	{ "MODIFYCHANNEL_RESPONSE", CHANNELMSG_MODIFYCHANNEL_RESPONSE, 16, 1, { MSG_RELID } },
};

static void resp_desc(const struct resp_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(resp, resp_cases, resp_desc);

/* One byte short of its size, a response is dropped; at its size, taken. */
static void msg_truncated_response_dropped(struct kunit *test)
{
	const struct resp_case *c = test->param_value;
	struct vmbus_waiter *w;
	u32 m[VMBUS_MSG_MAX / 4] = {};
	u32 i;

	w = msg_arm(test, 0, c->type, MSG_RELID, MSG_ID, NULL);
	m[0] = c->type;
	for (i = 0; i < c->nfields; i++)
		m[2 + i] = c->field[i];

	msg_deliver(test, m, c->size - 1);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));

	msg_deliver(test, m, c->size);
	KUNIT_EXPECT_TRUE(test, completion_done(&w->done));
	KUNIT_EXPECT_EQ(test, w->error, 0);
	KUNIT_EXPECT_EQ(test, w->resp.unload.msgtype, (enum vmbus_channel_message_type)c->type);
}

/* GPADL_TORNDOWN names only the GPADL. */
static void msg_torndown_matches_gpadl(struct kunit *test)
{
	struct vmbus_channel_gpadl_torndown t = {
		.header.msgtype = CHANNELMSG_GPADL_TORNDOWN,
		.gpadl = MSG_ID + 1,
	};
	struct vmbus_waiter *w;

	w = msg_arm(test, 0, CHANNELMSG_GPADL_TORNDOWN, 0, MSG_ID, NULL);
	msg_deliver(test, &t, sizeof(t));
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	t.gpadl = MSG_ID;
	msg_deliver(test, &t, sizeof(t));
	KUNIT_EXPECT_TRUE(test, completion_done(&w->done));
	KUNIT_EXPECT_EQ(test, w->resp.torndown.gpadl, (u32)MSG_ID);
}

static const u32 unknown_types[] = {
	CHANNELMSG_INVALID,
	CHANNELMSG_REQUESTOFFERS,	/* guest -> host types */
	CHANNELMSG_OPENCHANNEL,
	CHANNELMSG_CLOSECHANNEL,
	CHANNELMSG_GPADL_HEADER,
	CHANNELMSG_RELID_RELEASED,
	CHANNELMSG_INITIATE_CONTACT,
	CHANNELMSG_UNLOAD,
	CHANNELMSG_MODIFYCHANNEL,
	CHANNELMSG_18,			/* unused numbers */
	CHANNELMSG_COUNT,
	0x10000,
	0x7fffffff,
	0xffffffff,
};

static void unknown_desc(const u32 *type, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "type %u", *type);
}

KUNIT_ARRAY_PARAM(unknown, unknown_types, unknown_desc);

/*
 * A type the guest never receives is dropped.  A waiter armed for that
 * very type (with no match fields) would be completed by any message that
 * got past the type check.
 */
static void msg_unknown_type_dropped(struct kunit *test)
{
	const u32 *type = test->param_value;
	struct vmbus_waiter *w;
	u32 m[VMBUS_MSG_MAX / 4] = {};

	w = msg_arm(test, 0, *type, 0, 0, NULL);
	m[0] = *type;
	msg_deliver(test, m, sizeof(m));
	flush_workqueue(vmbus_offer_wq);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
}

/* A response nobody waits for is dropped, not kept for a later waiter. */
static void msg_unsolicited_response_dropped(struct kunit *test)
{
	struct vmbus_waiter *w;
	u32 m[VMBUS_MSG_MAX / 4] = {};

	msg_open_result(m, MSG_RELID, MSG_ID, 0);
	msg_deliver(test, m, sizeof(struct vmbus_channel_open_result));
	w = msg_arm(test, 0, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID, MSG_ID, NULL);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
}

/* A truncated offer or rescind creates or removes nothing. */
static void msg_truncated_offer_dropped(struct kunit *test)
{
	struct vmbus_channel_offer_channel offer = {
		.header.msgtype = CHANNELMSG_OFFERCHANNEL,
		.child_relid = VMBUS_MAX_RELID,
	};
	struct vmbus_channel_rescind_offer rescind = {
		.header.msgtype = CHANNELMSG_RESCIND_CHANNELOFFER,
		.child_relid = VMBUS_MAX_RELID,
	};
	bool present;

	rcu_read_lock();
	present = vmbus_relid_to_channel(VMBUS_MAX_RELID);
	rcu_read_unlock();
	KUNIT_ASSERT_FALSE(test, present);

	/* child_relid (offset 184) is inside; connection_id is cut off. */
	msg_deliver(test, &offer, sizeof(offer) - 1);
	msg_deliver(test, &rescind, sizeof(rescind) - 1);
	msg_deliver(test, &offer, sizeof(struct vmbus_channel_message_header));
	flush_workqueue(vmbus_offer_wq);

	rcu_read_lock();
	present = vmbus_relid_to_channel(VMBUS_MAX_RELID);
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, present);
}

/* A rescind aborts the waits on that channel, and only those. */
static void msg_rescind_aborts_waiters(struct kunit *test)
{
	struct vmbus_channel *c1, *c2;
	struct vmbus_waiter *a, *b;
	struct vmbus_waiter late;

	c1 = kunit_kzalloc(test, sizeof(*c1), GFP_KERNEL);
	c2 = kunit_kzalloc(test, sizeof(*c2), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c1);
	KUNIT_ASSERT_NOT_NULL(test, c2);

	a = msg_arm(test, 0, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID, MSG_ID, c1);
	b = msg_arm(test, 1, CHANNELMSG_OPENCHANNEL_RESULT, MSG_RELID + 1, MSG_ID, c2);
	c1->rescind = true;
	vmbus_wake_channel_waiters(c1);
	KUNIT_EXPECT_TRUE(test, completion_done(&a->done));
	KUNIT_EXPECT_EQ(test, a->error, -ENODEV);
	KUNIT_EXPECT_EQ(test, vmbus_waiter_wait(a), -ENODEV);
	KUNIT_EXPECT_FALSE(test, completion_done(&b->done));

	/* Arming a wait on a rescinded channel fails at once. */
	vmbus_waiter_init(&late, CHANNELMSG_GPADL_CREATED, MSG_RELID, MSG_ID, c1);
	KUNIT_EXPECT_EQ(test, vmbus_waiter_arm(&late), -ENODEV);
	KUNIT_EXPECT_TRUE(test, list_empty(&late.node));
	vmbus_waiter_cancel(&late);
}

static struct kunit_case vmbus_msg_test_cases[] = {
	KUNIT_CASE(msg_response_completes_waiter),
	KUNIT_CASE(msg_response_matches_ids),
	KUNIT_CASE_PARAM(msg_truncated_response_dropped, resp_gen_params),
	KUNIT_CASE(msg_torndown_matches_gpadl),
	KUNIT_CASE_PARAM(msg_unknown_type_dropped, unknown_gen_params),
	KUNIT_CASE(msg_unsolicited_response_dropped),
	KUNIT_CASE(msg_truncated_offer_dropped),
	KUNIT_CASE(msg_rescind_aborts_waiters),
	{}
};

static struct kunit_suite vmbus_msg_test_suite = {
	.name = "vmbus_msg",
	.init = msg_test_init,
	.exit = msg_test_exit,
	.test_cases = vmbus_msg_test_cases,
};

kunit_test_suite(vmbus_msg_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the VMBus channel message checks");
