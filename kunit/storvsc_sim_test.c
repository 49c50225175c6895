// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: hv_storvsc end to end against the simulated StorVSP, all built
 * in (under lockdep and KASAN in the KUnit kernel).  The suite offers a
 * SCSI controller, which our driver binds; the cases check the handshake,
 * the channel map, data through GPA ranges, sense, and the host's faults
 * (BUSY, dropped and malformed completions, which end in a bus reset), LUN
 * hot add and remove; the suite ends with a rescind of the controller.
 */
#include <kunit/test.h>
#include <asm/unaligned.h>
#include <linux/delay.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_proto.h>
#include "storvsc.h"
#include "vmbus_core.h"
#include "vmbus_sim.h"

#define STOR_TIMEOUT	(3 * HZ)	/* per command: faults end in EH */
#define STOR_RETRIES	5
#define STOR_LBA	2048		/* away from anything the scan reads */

static struct {
	struct vmbus_channel *channel;	/* referenced */
	struct storvsc_host *h;
} stor;

/* The newest primary SCSI channel, referenced, or NULL. */
static struct vmbus_channel *stor_find_channel(void)
{
	struct vmbus_channel *channel, *found = NULL;
	u32 relid;

	vmbus_channel_lock();
	for (relid = 1; relid <= VMBUS_MAX_RELID; relid++) {
		channel = vmbus_relid_to_channel(relid);
		if (channel && !channel->primary_channel && !channel->rescind &&
		    channel->device_id == HV_SCSI)
			found = channel;
	}
	if (found)
		kobject_get(&found->kobj);
	vmbus_channel_unlock();
	return found;
}

static struct storvsc_host *stor_host_of(struct vmbus_channel *channel)
{
	struct storvsc_host *h = NULL;

	/* Probed, and so scanned: faults below must not hit the scan. */
	vmbus_channel_lock();
	if (channel->device_obj && channel->probe_done)
		h = hv_get_drvdata(channel->device_obj);
	vmbus_channel_unlock();
	return h && test_bit(STORVSC_READY, &h->flags) ? h : NULL;
}

static struct scsi_device *stor_lun(unsigned int target, unsigned int lun)
{
	return scsi_device_lookup(stor.h->shost, 0, target, lun);
}

static int stor_suite_init(struct kunit_suite *suite)
{
	unsigned int tries;
	int ret;

	ret = vmbus_sim_offer("scsi");
	if (ret)
		return ret;
	for (tries = 0; tries < 1000 && !stor.h; tries++) {
		if (!stor.channel)
			stor.channel = stor_find_channel();
		if (stor.channel)
			stor.h = stor_host_of(stor.channel);
		usleep_range(10000, 11000);
	}
	if (!stor.h)
		return -ETIMEDOUT;
	/* The scan of the default LUNs (0:0, 0:1, 1:0) may still run. */
	for (tries = 0; tries < 6000; tries++) {
		struct scsi_device *a = stor_lun(0, 1), *b = stor_lun(1, 0);

		if (a)
			scsi_device_put(a);
		if (b)
			scsi_device_put(b);
		if (a && b)
			return 0;
		usleep_range(10000, 11000);
	}
	return -ETIMEDOUT;
}

static void stor_suite_exit(struct kunit_suite *suite)
{
	u32 relid;

	if (!stor.channel)
		return;
	relid = stor.channel->offermsg.child_relid;
	vmbus_sim_rescind(relid);
	vmbus_channel_put(stor.channel);
	stor.channel = NULL;
	stor.h = NULL;
}

/* READ(10) or WRITE(10) of @len bytes at STOR_LBA + @lba. */
static int stor_rw(struct scsi_device *sdev, bool write, u32 lba, void *buf,
		   u32 len, struct scsi_sense_hdr *sshdr)
{
	u8 cdb[10] = { write ? WRITE_10 : READ_10 };

	put_unaligned_be32(STOR_LBA + lba, &cdb[2]);
	put_unaligned_be16(len >> 9, &cdb[7]);
	return scsi_execute_req(sdev, cdb, write ? DMA_TO_DEVICE :
				DMA_FROM_DEVICE, buf, len, sshdr,
				STOR_TIMEOUT, STOR_RETRIES, NULL);
}

/* Write a pattern, read it back into a clean buffer, compare. */
static void stor_roundtrip(struct kunit *test, u8 *out, u8 *in, u32 len,
			   u32 lba, u8 seed)
{
	struct scsi_device *sdev = stor_lun(0, 1);
	struct scsi_sense_hdr sshdr;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, sdev);
	for (i = 0; i < len; i++)
		out[i] = seed + i * 7 + (i >> 9);
	memset(in, 0, len);
	KUNIT_EXPECT_EQ(test, stor_rw(sdev, true, lba, out, len, &sshdr), 0);
	KUNIT_EXPECT_EQ(test, stor_rw(sdev, false, lba, in, len, &sshdr), 0);
	KUNIT_EXPECT_EQ(test, memcmp(out, in, len), 0);
	scsi_device_put(sdev);
}

static void stor_negotiated(struct kunit *test)
{
	struct storvsc_host *h = stor.h;
	unsigned int want = min(num_online_cpus(), 5U);

	KUNIT_EXPECT_EQ(test, h->version, VSTOR_VERSION_WIN10);
	KUNIT_EXPECT_EQ(test, h->nchans, want);
	KUNIT_EXPECT_EQ(test, h->max_transfer, 512u << 10);
	KUNIT_EXPECT_EQ(test, h->shost->max_sectors, 1024u);
	KUNIT_EXPECT_EQ(test, h->shost->can_queue, (int)h->nslots);
	KUNIT_EXPECT_EQ(test, h->nslots,
			storvsc_chan_depth(h->ring_size, h->max_pfns,
					   h->version) * h->nchans);
	KUNIT_EXPECT_EQ(test, h->shost->nr_hw_queues, num_present_cpus());
}

/* A CPU with a channel interrupting it submits on that channel. */
static void stor_channel_map(struct kunit *test)
{
	struct storvsc_host *h = stor.h;
	struct storvsc_map *map;
	unsigned int cpu, i;

	rcu_read_lock();
	map = rcu_dereference(h->map);
	KUNIT_ASSERT_NOT_NULL(test, map);
	for_each_possible_cpu(cpu) {
		KUNIT_EXPECT_NOT_NULL(test, map->chan[cpu]);
		for (i = 0; i < h->nchans; i++)
			if (h->chans[i].channel->target_cpu == cpu)
				KUNIT_EXPECT_EQ(test,
						map->chan[cpu]->channel->target_cpu,
						cpu);
	}
	rcu_read_unlock();
}

static void stor_data(struct kunit *test)
{
	u32 len = 512 << 10;
	u8 *out = vmalloc(len), *in = vmalloc(len), *k;

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, in);
	/* The largest request, from scattered pages. */
	stor_roundtrip(test, out, in, len, 0, 1);
	vfree(out);
	vfree(in);

	/* Starting 512 bytes into a page: the range's byte offset. */
	k = kmalloc(4 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);
	stor_roundtrip(test, k + 512, k + 2 * PAGE_SIZE, 8192 - 512 - 512,
		       2048, 2);
	kfree(k);
}

static void stor_medium_error(struct kunit *test)
{
	struct scsi_device *sdev = stor_lun(0, 1);
	struct scsi_sense_hdr sshdr = {};
	u8 *buf = kmalloc(4096, GFP_KERNEL);
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, sdev);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("medium 0:1 2048 8"), 0);
	ret = stor_rw(sdev, false, 0, buf, 4096, &sshdr);
	KUNIT_EXPECT_EQ(test, ret & 0xff, SAM_STAT_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, sshdr.sense_key, MEDIUM_ERROR);
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("medium 0:1 0 0"), 0);
	KUNIT_EXPECT_EQ(test, stor_rw(sdev, false, 0, buf, 4096, &sshdr), 0);
	kfree(buf);
	scsi_device_put(sdev);
}

static void stor_busy(struct kunit *test)
{
	u8 *buf = kmalloc(2 * 16384, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("busy 3"), 0);
	stor_roundtrip(test, buf, buf + 16384, 16384, 4096, 3);
	kfree(buf);
}

/*
 * Dropped and malformed completions: sent again, or reset and retried.
 * Three malformed ones in a row (short, unknown ID, wrong operation) hit
 * error handling's own TEST UNIT READY, which must not fail for it.
 */
static void stor_lost_and_malformed(struct kunit *test)
{
	u8 *buf = kmalloc(2 * 16384, GFP_KERNEL);
	struct scsi_device *sdev;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("drop 1"), 0);
	stor_roundtrip(test, buf, buf + 16384, 16384, 8192, 4);
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("malformed 3"), 0);
	stor_roundtrip(test, buf, buf + 16384, 16384, 8192, 5);
	sdev = stor_lun(0, 1);
	KUNIT_ASSERT_NOT_NULL(test, sdev);
	KUNIT_EXPECT_TRUE(test, scsi_device_online(sdev));
	scsi_device_put(sdev);
	/* Nothing is left at the host. */
	KUNIT_EXPECT_TRUE(test, storvsc_io_drain(stor.h, HZ));
	kfree(buf);
}

static bool stor_lun_present(unsigned int target, unsigned int lun)
{
	struct scsi_device *sdev = stor_lun(target, lun);
	bool present = sdev;

	if (sdev)
		scsi_device_put(sdev);
	return present;
}

static bool stor_wait_lun(unsigned int target, unsigned int lun, bool present)
{
	unsigned int tries;

	for (tries = 0; tries < 1000; tries++) {
		if (stor_lun_present(target, lun) == present)
			return true;
		usleep_range(10000, 11000);
	}
	return false;
}

static void stor_hotplug(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, stor_lun_present(0, 0));
	KUNIT_EXPECT_TRUE(test, stor_lun_present(1, 0));
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("add 0:2 16M"), 0);
	KUNIT_EXPECT_TRUE(test, stor_wait_lun(0, 2, true));
	KUNIT_ASSERT_EQ(test, vmbus_sim_storvsp("remove 0:2"), 0);
	KUNIT_EXPECT_TRUE(test, stor_wait_lun(0, 2, false));
	KUNIT_EXPECT_TRUE(test, stor_lun_present(0, 1));
}

static void stor_no_violations(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmbus_sim_violations(NULL), 0);
}

static struct kunit_case storvsc_sim_cases[] = {
	KUNIT_CASE(stor_negotiated),
	KUNIT_CASE(stor_channel_map),
	KUNIT_CASE(stor_data),
	KUNIT_CASE(stor_medium_error),
	KUNIT_CASE(stor_busy),
	KUNIT_CASE(stor_lost_and_malformed),
	KUNIT_CASE(stor_hotplug),
	KUNIT_CASE(stor_no_violations),
	{}
};

static struct kunit_suite storvsc_sim_suite = {
	.name = "storvsc_sim",
	.suite_init = stor_suite_init,
	.suite_exit = stor_suite_exit,
	.test_cases = storvsc_sim_cases,
};

kunit_test_suite(storvsc_sim_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of hv_storvsc against the simulated StorVSP");
