// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the request ID table (drivers/vmbus/channel.c):
 * vmbus_next_request_id(), vmbus_request_addr(), vmbus_request_addr_match()
 * and __vmbus_request_addr_match().  The host echoes IDs back in its
 * completions, so every ID it returns is untrusted (spec section 5.3).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include "vmbus_core.h"

#define RQ_SIZE		8
#define COOKIE(i)	(0x1000ULL + (i))
#define RQ_WORKERS	2
#define RQ_HELD		3	/* per worker: RQ_WORKERS * RQ_HELD <= RQ_SIZE */
#define RQ_ROUNDS	60000

struct rq_worker {
	struct vmbus_channel *channel;
	struct task_struct *task;
	struct completion done;
	u32 id;
	u32 errors;
};

struct rq_ctx {
	struct vmbus_channel *channel;
	struct rq_worker worker[RQ_WORKERS];
};

/*
 * The requestor is allocated by vmbus_requestor_alloc() (static) while the
 * channel is opened, which needs a host.  These tests build the same
 * initial state themselves: every slot free, the free list threaded
 * through req_arr (slot i -> i + 1), its head at slot 0.
 */
static int rq_test_init(struct kunit *test)
{
	struct vmbus_channel *channel;
	struct vmbus_requestor *rq;
	struct rq_ctx *ctx;
	u32 i;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	channel = kunit_kzalloc(test, sizeof(*channel), GFP_KERNEL);
	if (!ctx || !channel)
		return -ENOMEM;
	vmbus_channel_init(channel);
	channel->rqstor_size = RQ_SIZE;
	rq = &channel->requestor;
	rq->req_arr = kunit_kcalloc(test, RQ_SIZE, sizeof(u64), GFP_KERNEL);
	rq->req_bitmap = kunit_kcalloc(test, BITS_TO_LONGS(RQ_SIZE),
				       sizeof(unsigned long), GFP_KERNEL);
	if (!rq->req_arr || !rq->req_bitmap)
		return -ENOMEM;
	for (i = 0; i < RQ_SIZE; i++)
		rq->req_arr[i] = i + 1;
	rq->next_request_id = 0;
	rq->size = RQ_SIZE;
	ctx->channel = channel;
	test->priv = ctx;
	return 0;
}

static void rq_test_exit(struct kunit *test)
{
	struct rq_ctx *ctx = test->priv;
	int i;

	if (!ctx)
		return;
	/* Worker threads of a test that stopped early. */
	for (i = 0; i < RQ_WORKERS; i++)
		if (ctx->worker[i].task)
			kthread_stop(ctx->worker[i].task);
	vmbus_channel_cleanup(ctx->channel);
}

static struct vmbus_channel *rq_channel(struct kunit *test)
{
	return ((struct rq_ctx *)test->priv)->channel;
}

/* Take all IDs: each must be new and in 1..RQ_SIZE. */
static void rq_take_all(struct kunit *test, struct vmbus_channel *channel,
			u64 *ids)
{
	DECLARE_BITMAP(seen, RQ_SIZE + 1) = {};
	u32 i;

	for (i = 0; i < RQ_SIZE; i++) {
		ids[i] = vmbus_next_request_id(channel, COOKIE(i));
		KUNIT_ASSERT_GE(test, ids[i], 1ULL);
		KUNIT_ASSERT_LE(test, ids[i], (u64)RQ_SIZE);
		KUNIT_ASSERT_FALSE_MSG(test, test_bit(ids[i], seen),
				       "ID %llu handed out twice", ids[i]);
		__set_bit(ids[i], seen);
	}
}

static void rq_ids_are_one_based(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 ids[RQ_SIZE];

	/* 0 is what the host uses for unsolicited packets: never handed out. */
	rq_take_all(test, channel, ids);
	KUNIT_EXPECT_EQ(test, ids[0], 1ULL);
}

static void rq_lookup_returns_cookie(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 ids[RQ_SIZE];
	u32 i;

	rq_take_all(test, channel, ids);
	/* Complete them out of order. */
	for (i = 0; i < RQ_SIZE; i += 2)
		KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, ids[i]), COOKIE(i));
	for (i = 1; i < RQ_SIZE; i += 2)
		KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, ids[i]), COOKIE(i));
}

static void rq_exhaustion(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 ids[RQ_SIZE];

	rq_take_all(test, channel, ids);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 99), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 99), VMBUS_RQST_ERROR);

	/* Freeing one makes exactly that one available again. */
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, ids[3]), COOKIE(3));
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 42), ids[3]);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 43), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, ids[3]), 42ULL);
}

/* A completion for an ID that is not outstanding is refused. */
static void rq_duplicate_completion(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 id, id2;

	id = vmbus_next_request_id(channel, COOKIE(0));
	KUNIT_ASSERT_NE(test, id, VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, id), COOKIE(0));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, id), VMBUS_RQST_ERROR);

	/* The ID is reused for a new request: still only completed once. */
	id2 = vmbus_next_request_id(channel, COOKIE(1));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, id2), COOKIE(1));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, id2), VMBUS_RQST_ERROR);
}

static const u64 bogus_ids[] = {
	0, RQ_SIZE + 1, RQ_SIZE + 2, 0x100000001ULL, U32_MAX, U64_MAX,
	VMBUS_RQST_ERROR, VMBUS_RQST_ID_NO_RESPONSE, VMBUS_RQST_RESET,
};

static void bogus_desc(const u64 *id, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "ID %#llx", *id);
}

KUNIT_ARRAY_PARAM(bogus, bogus_ids, bogus_desc);

/* IDs that were never handed out change nothing. */
static void rq_bogus_id(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	const u64 *bogus = test->param_value;
	u64 ids[RQ_SIZE], half[RQ_SIZE / 2];
	u32 i;

	/* With half of the IDs outstanding, a free list to corrupt. */
	for (i = 0; i < RQ_SIZE / 2; i++)
		half[i] = vmbus_next_request_id(channel, COOKIE(100 + i));

	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, *bogus), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, *bogus, COOKIE(0)),
			VMBUS_RQST_ERROR);

	/* The outstanding ones still complete, ... */
	for (i = 0; i < RQ_SIZE / 2; i++)
		KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, half[i]),
				COOKIE(100 + i));
	/* ... and exactly RQ_SIZE distinct IDs can be taken again. */
	rq_take_all(test, channel, ids);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 0), VMBUS_RQST_ERROR);
}

/* A free slot inside the range is not an outstanding ID. */
static void rq_free_slot_id(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 ids[RQ_SIZE], a, b;

	a = vmbus_next_request_id(channel, COOKIE(0));
	b = vmbus_next_request_id(channel, COOKIE(1));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, a), COOKIE(0));
	/* a is free again, and every ID never handed out is free too. */
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, a), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, RQ_SIZE), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, b), COOKIE(1));
	rq_take_all(test, channel, ids);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, 0), VMBUS_RQST_ERROR);
}

static void rq_match_address(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	unsigned long flags;
	u64 id;

	id = vmbus_next_request_id(channel, COOKIE(5));
	KUNIT_ASSERT_NE(test, id, VMBUS_RQST_ERROR);

	/* The wrong cookie: refused, and the ID stays outstanding. */
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, id, COOKIE(6)),
			VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, id, COOKIE(5)),
			COOKIE(5));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, id, COOKIE(5)),
			VMBUS_RQST_ERROR);

	/* VMBUS_RQST_ADDR_ANY matches whatever the cookie is. */
	id = vmbus_next_request_id(channel, COOKIE(7));
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, id, VMBUS_RQST_ADDR_ANY),
			COOKIE(7));

	/* The unlocked variant, with the caller holding the lock. */
	id = vmbus_next_request_id(channel, COOKIE(8));
	lock_requestor(channel, flags);
	KUNIT_EXPECT_EQ(test, __vmbus_request_addr_match(channel, id, COOKIE(9)),
			VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, __vmbus_request_addr_match(channel, id, COOKIE(8)),
			COOKIE(8));
	KUNIT_EXPECT_EQ(test, __vmbus_request_addr_match(channel, id, COOKIE(8)),
			VMBUS_RQST_ERROR);
	unlock_requestor(channel, flags);
}

/* A channel without a requestor passes IDs through unchanged. */
static void rq_no_requestor(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);

	channel->rqstor_size = 0;
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, COOKIE(1)), VMBUS_NO_RQSTOR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, 1234), 1234ULL);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr_match(channel, 0, COOKIE(1)), 0ULL);
}

/* rqstor_size set but the table not allocated (channel not open yet). */
static void rq_not_allocated(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	unsigned long flags;

	channel->requestor.req_arr = NULL;
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(channel, COOKIE(1)), VMBUS_RQST_ERROR);
	KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, 1), VMBUS_RQST_ERROR);
	lock_requestor(channel, flags);
	KUNIT_EXPECT_EQ(test, __vmbus_request_addr_match(channel, 1, VMBUS_RQST_ADDR_ANY),
			VMBUS_RQST_ERROR);
	unlock_requestor(channel, flags);
}

/*
 * Many allocations and completions in a pseudo-random order, against a
 * model: every ID handed out is free in the model, every completion
 * returns the cookie it was given.
 */
static void rq_model(struct kunit *test)
{
	struct vmbus_channel *channel = rq_channel(test);
	u64 cookie[RQ_SIZE + 1] = {};	/* by ID; 0 = free */
	u64 ids[RQ_SIZE];
	u32 state = 12345, outstanding = 0, step, pick;
	u64 id;

	for (step = 0; step < 5000; step++) {
		state = state * 1103515245 + 12345;
		pick = (state >> 16) % (RQ_SIZE + 1);
		if ((state >> 8) & 1) {
			id = vmbus_next_request_id(channel, 0x10000 + step);
			if (outstanding == RQ_SIZE) {
				KUNIT_ASSERT_EQ(test, id, VMBUS_RQST_ERROR);
				continue;
			}
			KUNIT_ASSERT_GE(test, id, 1ULL);
			KUNIT_ASSERT_LE(test, id, (u64)RQ_SIZE);
			KUNIT_ASSERT_EQ(test, cookie[id], 0ULL);
			cookie[id] = 0x10000 + step;
			outstanding++;
		} else if (pick && cookie[pick]) {
			KUNIT_ASSERT_EQ(test, vmbus_request_addr(channel, pick), cookie[pick]);
			cookie[pick] = 0;
			outstanding--;
		} else {
			KUNIT_ASSERT_EQ(test, vmbus_request_addr(channel, pick),
					VMBUS_RQST_ERROR);
		}
	}
	/* Complete what is left: then every ID is free again. */
	for (id = 1; id <= RQ_SIZE; id++)
		if (cookie[id])
			KUNIT_EXPECT_EQ(test, vmbus_request_addr(channel, id), cookie[id]);
	rq_take_all(test, channel, ids);
}

/* Take and complete IDs, holding up to RQ_HELD at a time. */
static int rq_worker_fn(void *data)
{
	struct rq_worker *w = data;
	u64 id[RQ_HELD] = {}, cookie[RQ_HELD] = {};
	u32 round, slot;

	for (round = 0; round < RQ_ROUNDS && !kthread_should_stop(); round++) {
		slot = round % RQ_HELD;
		if (id[slot] &&
		    vmbus_request_addr(w->channel, id[slot]) != cookie[slot])
			w->errors++;
		cookie[slot] = (u64)w->id << 32 | round;
		id[slot] = vmbus_next_request_id(w->channel, cookie[slot]);
		if (id[slot] == VMBUS_RQST_ERROR) {
			w->errors++;
			id[slot] = 0;
		}
		if (!(round % 256))
			cond_resched();
	}
	for (slot = 0; slot < RQ_HELD; slot++)
		if (id[slot] &&
		    vmbus_request_addr(w->channel, id[slot]) != cookie[slot])
			w->errors++;
	complete(&w->done);
	/* kthread_stop() needs the thread alive. */
	while (!kthread_should_stop())
		usleep_range(100, 200);
	return 0;
}

/*
 * Threads on several CPUs share one table (its req_lock serializes them):
 * no ID is handed out twice, every completion finds its own cookie, and
 * the table is whole afterwards.
 */
static void rq_concurrent(struct kunit *test)
{
	struct rq_ctx *ctx = test->priv;
	u64 ids[RQ_SIZE];
	int i;

	for (i = 0; i < RQ_WORKERS; i++) {
		struct rq_worker *w = &ctx->worker[i];
		struct task_struct *t;

		w->channel = ctx->channel;
		w->id = i;
		init_completion(&w->done);
		t = kthread_run(rq_worker_fn, w, "rq_worker/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		w->task = t;
	}
	for (i = 0; i < RQ_WORKERS; i++) {
		struct rq_worker *w = &ctx->worker[i];

		KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&w->done, 120 * HZ));
		kthread_stop(w->task);
		w->task = NULL;
		KUNIT_EXPECT_EQ(test, w->errors, 0U);
	}
	rq_take_all(test, ctx->channel, ids);
	KUNIT_EXPECT_EQ(test, vmbus_next_request_id(ctx->channel, 0), VMBUS_RQST_ERROR);
}

static struct kunit_case vmbus_requestor_test_cases[] = {
	KUNIT_CASE(rq_ids_are_one_based),
	KUNIT_CASE(rq_lookup_returns_cookie),
	KUNIT_CASE(rq_exhaustion),
	KUNIT_CASE(rq_duplicate_completion),
	KUNIT_CASE_PARAM(rq_bogus_id, bogus_gen_params),
	KUNIT_CASE(rq_free_slot_id),
	KUNIT_CASE(rq_match_address),
	KUNIT_CASE(rq_no_requestor),
	KUNIT_CASE(rq_not_allocated),
	KUNIT_CASE(rq_model),
	KUNIT_CASE(rq_concurrent),
	{}
};

static struct kunit_suite vmbus_requestor_test_suite = {
	.name = "vmbus_requestor",
	.init = rq_test_init,
	.exit = rq_test_exit,
	.test_cases = vmbus_requestor_test_cases,
};

kunit_test_suite(vmbus_requestor_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the VMBus request ID table");
