// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the integration-component version negotiation
 * (vmbus_prep_negotiate_resp(), drivers/vmbus/icmsg.c).  The message is
 * built the way a host sends it: pipe header, IC header, then
 * struct icmsg_negotiate with the framework versions followed by the
 * service versions.  Everything in it is untrusted.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include "vmbus_core.h"

#define VER(maj, min)	((maj) << 16 | (min))
#define NEGO_OFF	ICMSG_HDR
#define CANARY		0x5a

struct nego_msg {
	u8 *buf;
	struct icmsg_hdr *hdr;
	struct icmsg_negotiate *neg;
};

/*
 * A negotiate message claiming @fw_cnt framework and @srv_cnt service
 * versions, with @n versions present, in a buffer of exactly @alloc bytes
 * (so that KASAN sees any access past it).
 */
static struct nego_msg nego_build(struct kunit *test, u32 alloc, u16 fw_cnt,
				  u16 srv_cnt, const struct ic_version *vers, u32 n)
{
	struct nego_msg m;

	m.buf = kunit_kzalloc(test, alloc, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	KUNIT_ASSERT_GE(test, alloc, (u32)ICMSG_NEGOTIATE_PKT_SIZE(0, n));
	m.hdr = (struct icmsg_hdr *)(m.buf + sizeof(struct vmbuspipe_hdr));
	m.neg = (struct icmsg_negotiate *)(m.buf + NEGO_OFF);
	m.hdr->icmsgtype = ICMSGTYPE_NEGOTIATE;
	m.hdr->icmsgsize = sizeof(struct icmsg_negotiate) + n * sizeof(*vers);
	m.neg->icframe_vercnt = fw_cnt;
	m.neg->icmsg_vercnt = srv_cnt;
	memcpy(m.neg->icversion_data, vers, n * sizeof(*vers));
	return m;
}

static const int fw_ours[] = { VER(3, 0), VER(1, 0) };

static void icmsg_newest_common(struct kunit *test)
{
	/* The host lists older versions first: order must not matter. */
	static const struct ic_version host[] = {
		{ 1, 0 }, { 3, 0 },		/* framework */
		{ 3, 0 }, { 4, 0 }, { 3, 1 },	/* service */
	};
	static const int srv_ours[] = { VER(5, 0), VER(4, 0), VER(3, 0) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(2, 3);
	struct nego_msg m = nego_build(test, len, 2, 3, host, ARRAY_SIZE(host));
	int fw = -1, srv = -1;

	KUNIT_EXPECT_TRUE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							  fw_ours, ARRAY_SIZE(fw_ours),
							  srv_ours, ARRAY_SIZE(srv_ours),
							  &fw, &srv));
	KUNIT_EXPECT_EQ(test, fw, VER(3, 0));
	KUNIT_EXPECT_EQ(test, srv, VER(4, 0));
	/* The response: one version of each, 16 bytes of negotiate body. */
	KUNIT_EXPECT_EQ(test, m.neg->icframe_vercnt, 1);
	KUNIT_EXPECT_EQ(test, m.neg->icmsg_vercnt, 1);
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[0].major, 3);
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[0].minor, 0);
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[1].major, 4);
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[1].minor, 0);
	KUNIT_EXPECT_EQ(test, m.hdr->icmsgsize, 0x10);
}

/* Minor versions count: 3.1 is not 3.0 or 3.2. */
static void icmsg_minor_must_match(struct kunit *test)
{
	static const struct ic_version host[] = {
		{ 3, 0 },		/* framework */
		{ 3, 0 }, { 3, 2 },	/* service */
	};
	static const int srv_ours[] = { VER(3, 1) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(1, 2);
	struct nego_msg m = nego_build(test, len, 1, 2, host, ARRAY_SIZE(host));

	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   NULL, NULL));
	/* No match is answered with zero counts. */
	KUNIT_EXPECT_EQ(test, m.neg->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, m.neg->icmsg_vercnt, 0);
	KUNIT_EXPECT_EQ(test, m.hdr->icmsgsize, 0x10);
}

static void icmsg_no_common_framework(struct kunit *test)
{
	static const struct ic_version host[] = {
		{ 2, 0 },		/* framework */
		{ 3, 0 },		/* service */
	};
	static const int srv_ours[] = { VER(3, 0) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(1, 1);
	struct nego_msg m = nego_build(test, len, 1, 1, host, ARRAY_SIZE(host));

	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   NULL, NULL));
	KUNIT_EXPECT_EQ(test, m.neg->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, m.neg->icmsg_vercnt, 0);
}

static void icmsg_no_common_service(struct kunit *test)
{
	static const struct ic_version host[] = {
		{ 1, 0 },		/* framework */
		{ 9, 0 }, { 10, 0 },	/* service */
	};
	static const int srv_ours[] = { VER(4, 0), VER(3, 0) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(1, 2);
	struct nego_msg m = nego_build(test, len, 1, 2, host, ARRAY_SIZE(host));

	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   NULL, NULL));
	KUNIT_EXPECT_EQ(test, m.neg->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, m.neg->icmsg_vercnt, 0);
}

/*
 * A service version equal to a framework version must not be taken from
 * the framework list: the two lists are separate.
 */
static void icmsg_lists_are_separate(struct kunit *test)
{
	static const struct ic_version host[] = {
		{ 1, 0 }, { 5, 0 },	/* framework */
		{ 3, 0 },		/* service */
	};
	static const int srv_ours[] = { VER(5, 0) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(2, 1);
	struct nego_msg m = nego_build(test, len, 2, 1, host, ARRAY_SIZE(host));

	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   NULL, NULL));
}

/* Version out-parameters are optional. */
static void icmsg_null_out_params(struct kunit *test)
{
	static const struct ic_version host[] = { { 1, 0 }, { 3, 0 } };
	static const int srv_ours[] = { VER(3, 0) };
	u32 len = ICMSG_NEGOTIATE_PKT_SIZE(1, 1);
	struct nego_msg m = nego_build(test, len, 1, 1, host, ARRAY_SIZE(host));

	KUNIT_EXPECT_TRUE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, len,
							  fw_ours, ARRAY_SIZE(fw_ours),
							  srv_ours, ARRAY_SIZE(srv_ours),
							  NULL, NULL));
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[0].major, 1);
	KUNIT_EXPECT_EQ(test, m.neg->icversion_data[1].major, 3);
}

struct count_case {
	const char *name;
	u16 fw_cnt, srv_cnt;
	u32 buflen;
};

/*
 * The buffer holds two matching versions (1.0, 3.0); the counts claim
 * more than @buflen holds.  Without the check the negotiation would
 * succeed, reading past the message (into KASAN's redzone: the buffer is
 * allocated with exactly @buflen bytes).  The answer is "no match".
 */
static const struct count_case count_cases[] = {
	{ "framework count too big", 2, 1, ICMSG_NEGOTIATE_PKT_SIZE(1, 1) },
	{ "service count too big", 1, 2, ICMSG_NEGOTIATE_PKT_SIZE(1, 1) },
	{ "both counts 0xffff", 0xffff, 0xffff, ICMSG_NEGOTIATE_PKT_SIZE(1, 1) },
	{ "third version cut short", 2, 1, ICMSG_NEGOTIATE_PKT_SIZE(2, 1) - 2 },
};

static void count_desc(const struct count_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(count, count_cases, count_desc);

static void icmsg_counts_exceed_buffer(struct kunit *test)
{
	const struct count_case *c = test->param_value;
	static const struct ic_version host[] = { { 1, 0 }, { 3, 0 } };
	static const int srv_ours[] = { VER(3, 0) };
	u32 n = min_t(u32, ARRAY_SIZE(host),
		      (c->buflen - NEGO_OFF - sizeof(struct icmsg_negotiate)) /
		      sizeof(struct ic_version));
	struct nego_msg m = nego_build(test, c->buflen, c->fw_cnt, c->srv_cnt, host, n);
	int fw = -1, srv = -1;

	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, c->buflen,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   &fw, &srv));
	KUNIT_EXPECT_EQ(test, m.neg->icframe_vercnt, 0);
	KUNIT_EXPECT_EQ(test, m.neg->icmsg_vercnt, 0);
	KUNIT_EXPECT_NE(test, fw, VER(1, 0));
	KUNIT_EXPECT_NE(test, srv, VER(3, 0));
}

static const u32 short_lens[] = {
	0, sizeof(struct vmbuspipe_hdr), ICMSG_HDR, ICMSG_HDR + 3,
	/* Room for the counts, not for the 16-byte response. */
	ICMSG_NEGOTIATE_PKT_SIZE(0, 0), ICMSG_NEGOTIATE_PKT_SIZE(1, 1) - 1,
};

static void short_desc(const u32 *len, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bytes", *len);
}

KUNIT_ARRAY_PARAM(short_len, short_lens, short_desc);

/* Too short for the counts or the response: refused, nothing written. */
static void icmsg_too_short(struct kunit *test)
{
	const u32 *len = test->param_value;
	static const int srv_ours[] = { VER(3, 0) };
	struct icmsg_hdr *hdr;
	u8 *buf, *copy;
	u32 size = ICMSG_NEGOTIATE_PKT_SIZE(2, 2);

	buf = kunit_kzalloc(test, size, GFP_KERNEL);
	copy = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memset(buf, CANARY, size);
	memcpy(copy, buf, size);

	hdr = (struct icmsg_hdr *)(buf + sizeof(struct vmbuspipe_hdr));
	KUNIT_EXPECT_FALSE(test, vmbus_prep_negotiate_resp(hdr, buf, *len,
							   fw_ours, ARRAY_SIZE(fw_ours),
							   srv_ours, ARRAY_SIZE(srv_ours),
							   NULL, NULL));
	KUNIT_EXPECT_EQ(test, memcmp(buf, copy, size), 0);
}

struct fit_case {
	const char *name;
	u16 fw_cnt, srv_cnt;
	bool match;
};

/*
 * Messages whose counts are consistent with @buflen but too small for the
 * response (counts, reserved, two versions = 16 bytes after the IC header):
 * the answer must not be written past @buflen.
 */
static const struct fit_case fit_cases[] = {
	{ "no versions", 0, 0, false },
	{ "framework only", 1, 0, false },
	{ "service only", 0, 1, false },
	{ "one of each", 1, 1, true },
};

static void fit_desc(const struct fit_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fit, fit_cases, fit_desc);

static void icmsg_response_within_buflen(struct kunit *test)
{
	const struct fit_case *c = test->param_value;
	static const struct ic_version host[] = { { 1, 0 }, { 3, 0 } };
	static const int fw_one[] = { VER(1, 0) };
	static const int srv_ours[] = { VER(3, 0), VER(1, 0) };
	u32 buflen = ICMSG_NEGOTIATE_PKT_SIZE(c->fw_cnt, c->srv_cnt);
	u32 size = ICMSG_NEGOTIATE_PKT_SIZE(4, 4), i;
	struct nego_msg m = nego_build(test, size, c->fw_cnt, c->srv_cnt, host,
				       c->fw_cnt + c->srv_cnt);

	memset(m.buf + buflen, CANARY, size - buflen);
	KUNIT_EXPECT_EQ(test, vmbus_prep_negotiate_resp(m.hdr, m.buf, buflen,
							fw_one, ARRAY_SIZE(fw_one),
							srv_ours, ARRAY_SIZE(srv_ours),
							NULL, NULL), c->match);
	for (i = buflen; i < size; i++)
		KUNIT_ASSERT_EQ_MSG(test, m.buf[i], CANARY,
				    "byte %u written, buflen %u", i, buflen);
}

static struct kunit_case vmbus_icmsg_test_cases[] = {
	KUNIT_CASE(icmsg_newest_common),
	KUNIT_CASE(icmsg_minor_must_match),
	KUNIT_CASE(icmsg_no_common_framework),
	KUNIT_CASE(icmsg_no_common_service),
	KUNIT_CASE(icmsg_lists_are_separate),
	KUNIT_CASE(icmsg_null_out_params),
	KUNIT_CASE_PARAM(icmsg_counts_exceed_buffer, count_gen_params),
	KUNIT_CASE_PARAM(icmsg_too_short, short_len_gen_params),
	KUNIT_CASE_PARAM(icmsg_response_within_buflen, fit_gen_params),
	{}
};

static struct kunit_suite vmbus_icmsg_test_suite = {
	.name = "vmbus_icmsg",
	.test_cases = vmbus_icmsg_test_cases,
};

kunit_test_suite(vmbus_icmsg_test_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the IC version negotiation");
