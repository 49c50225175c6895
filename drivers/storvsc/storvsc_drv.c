// SPDX-License-Identifier: GPL-2.0
/*
 * hv_storvsc: the synthetic SCSI controller of a Hyper-V style host.  The
 * module, its VMBus driver, probe and remove, the SCSI host template, and
 * the work that follows the host's LUN changes
 * (../shared/spec/storvsc.md sections 11, 12, 13).
 *
 * Contexts: probe and remove in process context under the device lock;
 * the host work on system_long_wq, queued from the completion path.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_devinfo.h>
#include "storvsc.h"

static unsigned int ring_size = 128 * 1024;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "Bytes of each channel's ring, per direction (default 131072)");

static int max_sub_channels = -1;
module_param(max_sub_channels, int, 0644);
MODULE_PARM_DESC(max_sub_channels, "Most sub-channels per controller (default -1: online CPUs - 1, as the host allows)");

/*
 * Largest transfer per SRB, whatever the host allows.  It sizes the
 * worst-case packet and so the queue depth a ring guarantees: 512 KiB is
 * 129 PFNs, 1136 ring bytes, 111 requests per 128 KiB ring.
 */
#define STORVSC_MAX_TRANSFER	(512U << 10)
/* Host latency can be long: the block layer's timeout per command. */
#define STORVSC_CMD_TIMEOUT	(180 * HZ)
#define STORVSC_TUR_TIMEOUT	(10 * HZ)
#define STORVSC_REMOVE_DRAIN	(10 * HZ)
#define STORVSC_RESCIND_DRAIN	(2 * HZ)

/* Addressing of the SCSI controller (spec section 11.3). */
#define STORVSC_MAX_CHANNEL	7
#define STORVSC_MAX_TARGETS	2
#define STORVSC_MAX_LUNS	256	/* the SRB's LUN is one byte */

/**
 * storvsc_host_kick() - run the host work
 * @h: host
 *
 * Context: any.  Does nothing before the Scsi_Host is added or once its
 * removal started.
 */
void storvsc_host_kick(struct storvsc_host *h)
{
	if (test_bit(STORVSC_READY, &h->flags) &&
	    !test_bit(STORVSC_REMOVING, &h->flags))
		queue_work(system_long_wq, &h->work);
}

/**
 * storvsc_lun_event() - a command's completion asks for a LUN change
 * @sdev: the command's device
 * @act: STORVSC_ACT_REMOVE_LUN or STORVSC_ACT_RESCAN_LUN
 *
 * Context: the completion path (softirq).  The work acts on it.
 */
void storvsc_lun_event(struct scsi_device *sdev, enum storvsc_action act)
{
	struct storvsc_lun *lun = sdev->hostdata;

	/* The scan probes LUNs that may not exist: not ours to remove. */
	if (!lun || sdev->sdev_state == SDEV_CREATED)
		return;
	set_bit(act == STORVSC_ACT_REMOVE_LUN ? STORVSC_LUN_GONE :
		STORVSC_LUN_RESIZED, &lun->flags);
	storvsc_host_kick(shost_priv(sdev->host));
}

/* Remove the LUNs the host says are gone; re-read resized ones. */
static void storvsc_host_sweep(struct storvsc_host *h)
{
	struct scsi_device *sdev;
	struct storvsc_lun *lun;

restart:
	shost_for_each_device(sdev, h->shost) {
		lun = sdev->hostdata;
		if (!lun)
			continue;
		if (test_and_clear_bit(STORVSC_LUN_GONE, &lun->flags)) {
			sdev_printk(KERN_INFO, sdev, "gone from the host: removing\n");
			scsi_remove_device(sdev);
			/* Leaving the iteration: drop its reference. */
			scsi_device_put(sdev);
			goto restart;
		}
		if (test_and_clear_bit(STORVSC_LUN_RESIZED, &lun->flags))
			scsi_rescan_device(sdev);
	}
}

/* Find new LUNs, synchronously: the work ends when the scan does. */
static void storvsc_host_scan(struct storvsc_host *h)
{
	unsigned int ch, id;

	for (ch = 0; ch <= STORVSC_MAX_CHANNEL; ch++)
		for (id = 0; id < STORVSC_MAX_TARGETS; id++)
			scsi_scan_target(&h->shost->shost_gendev, ch, id,
					 SCAN_WILD_CARD, SCSI_SCAN_RESCAN);
}

static void storvsc_host_work(struct work_struct *work)
{
	struct storvsc_host *h = container_of(work, struct storvsc_host, work);
	struct scsi_device *sdev;
	bool rescan;

	if (!test_bit(STORVSC_READY, &h->flags) ||
	    test_bit(STORVSC_REMOVING, &h->flags))
		return;
	rescan = test_and_clear_bit(STORVSC_RESCAN, &h->flags);
	/* A LUN the host removed answers INVALID_LUN: the sweep takes it. */
	if (rescan)
		shost_for_each_device(sdev, h->shost)
			scsi_test_unit_ready(sdev, STORVSC_TUR_TIMEOUT, 1, NULL);
	storvsc_host_sweep(h);
	if (rescan)
		storvsc_host_scan(h);
}

static int storvsc_slave_alloc(struct scsi_device *sdev)
{
	struct storvsc_lun *lun = kzalloc(sizeof(*lun), GFP_KERNEL);

	if (!lun)
		return -ENOMEM;
	sdev->hostdata = lun;
	/*
	 * Hyper-V disks claim SPC-2 yet have the VPD pages from which sd
	 * learns discard and WRITE SAME limits; REPORT LUNS works on all.
	 */
	sdev->sdev_bflags = BLIST_REPORTLUN2 | BLIST_TRY_VPD_PAGES;
	return 0;
}

static int storvsc_slave_configure(struct scsi_device *sdev)
{
	struct storvsc_host *h = shost_priv(sdev->host);

	blk_queue_rq_timeout(sdev->request_queue, STORVSC_CMD_TIMEOUT);
	/* The host does not implement REPORT SUPPORTED OPERATION CODES. */
	sdev->no_report_opcodes = 1;
	/*
	 * WIN8 and WIN8.1 virtual disks are SPC-3 but say SPC-2, which keeps
	 * sd from READ CAPACITY(16) and so from thin provisioning (discard).
	 */
	if ((h->version == VSTOR_VERSION_WIN8 ||
	     h->version == VSTOR_VERSION_WIN8_1) &&
	    !strncmp(sdev->vendor, "Msft", 4) &&
	    sdev->scsi_level < SCSI_SPC_3)
		sdev->scsi_level = SCSI_SPC_3;
	/* Hosts before WIN10 mishandle WRITE SAME: sd must not send it. */
	if (h->version < VSTOR_VERSION_WIN10)
		sdev->no_write_same = 1;
	return 0;
}

static void storvsc_slave_destroy(struct scsi_device *sdev)
{
	kfree(sdev->hostdata);
	sdev->hostdata = NULL;
}

static struct scsi_host_template storvsc_sht = {
	.module			= THIS_MODULE,
	.name			= "hv_storvsc",
	.proc_name		= "hv_storvsc",
	.queuecommand		= storvsc_io_queuecommand,
	.eh_abort_handler	= storvsc_io_eh_abort,
	.eh_host_reset_handler	= storvsc_io_eh_host_reset,
	.slave_alloc		= storvsc_slave_alloc,
	.slave_configure	= storvsc_slave_configure,
	.slave_destroy		= storvsc_slave_destroy,
	.change_queue_depth	= scsi_change_queue_depth,
	.cmd_size		= sizeof(struct storvsc_cmd),
	.this_id		= -1,
	/* One GPA range per command: no gaps inside it. */
	.virt_boundary_mask	= HV_HYP_PAGE_SIZE - 1,
	/* can_queue counts ring room of all channels: one tag space. */
	.host_tagset		= 1,
	.track_queue_depth	= 1,
	/* The reset handler waits for the host itself. */
	.skip_settle_delay	= 1,
};

/* The host's largest transfer, as we use it. */
static int storvsc_host_limits(struct storvsc_host *h)
{
	u32 max = h->max_transfer;

	if (max < HV_HYP_PAGE_SIZE) {
		dev_err(&h->hdev->device, "host allows only %u bytes per request\n",
			max);
		return -EPROTO;
	}
	max = min(max, STORVSC_MAX_TRANSFER);
	h->max_transfer = round_down(max, HV_HYP_PAGE_SIZE);
	/* One more page: the data may start inside the first one. */
	h->max_pfns = h->max_transfer / HV_HYP_PAGE_SIZE + 1;
	return 0;
}

/* Queue depth and I/O limits, after the handshake, before adding. */
static int storvsc_host_setup(struct storvsc_host *h)
{
	struct Scsi_Host *shost = h->shost;
	u32 depth, nchans, nslots;

	depth = storvsc_chan_depth(h->ring_size, h->max_pfns, h->version);
	if (!depth) {
		dev_err(&h->hdev->device, "ring of %u bytes too small\n",
			h->ring_size);
		return -EINVAL;
	}
	mutex_lock(&h->chan_lock);
	nchans = h->nchans;
	mutex_unlock(&h->chan_lock);
	nslots = min_t(u32, depth * nchans, BLK_MQ_MAX_DEPTH);
	h->slots = kvcalloc(nslots, sizeof(*h->slots), GFP_KERNEL);
	if (!h->slots)
		return -ENOMEM;
	/* The channel callback may look already: the table before its size. */
	smp_store_release(&h->nslots, nslots);

	shost->can_queue = nslots;
	shost->cmd_per_lun = min_t(u32, nslots, SHRT_MAX);
	shost->nr_hw_queues = num_present_cpus();
	shost->max_channel = STORVSC_MAX_CHANNEL;
	shost->max_id = STORVSC_MAX_TARGETS;
	shost->max_lun = STORVSC_MAX_LUNS;
	shost->max_cmd_len = VSTOR_CDB_MAX;
	shost->max_sectors = h->max_transfer >> SECTOR_SHIFT;
	shost->sg_tablesize = h->max_pfns;
	return 0;
}

static u32 storvsc_ring_bytes(void)
{
	/* Two pages at least: the control page and some data. */
	return max_t(u32, PAGE_ALIGN(ring_size), 2 * PAGE_SIZE);
}

static int storvsc_probe(struct hv_device *hdev,
			 const struct hv_vmbus_device_id *id)
{
	struct Scsi_Host *shost;
	struct storvsc_host *h;
	int ret;

	shost = scsi_host_alloc(&storvsc_sht, sizeof(*h));
	if (!shost)
		return -ENOMEM;
	h = shost_priv(shost);
	h->hdev = hdev;
	h->shost = shost;
	h->ring_size = storvsc_ring_bytes();
	init_completion(&h->init.done);
	init_completion(&h->reset.done);
	mutex_init(&h->chan_lock);
	init_waitqueue_head(&h->subch_wq);
	INIT_WORK(&h->work, storvsc_host_work);
	/* Never more sub-channels than online CPUs but one. */
	h->max_chans = num_online_cpus();
	h->chans = kcalloc(h->max_chans, sizeof(*h->chans), GFP_KERNEL);
	if (!h->chans) {
		ret = -ENOMEM;
		goto err_put_host;
	}
	hv_set_drvdata(hdev, h);

	ret = storvsc_chan_open_primary(h);
	if (ret)
		goto err_free_chans;
	ret = storvsc_chan_connect(h);
	if (ret)
		goto err_close;
	ret = storvsc_host_limits(h);
	if (ret)
		goto err_close;
	h->mpb = __alloc_percpu(sizeof(struct vmbus_packet_mpb_array) +
				h->max_pfns * sizeof(u64), sizeof(u64));
	if (!h->mpb) {
		ret = -ENOMEM;
		goto err_close;
	}
	ret = storvsc_chan_add_subchannels(h, READ_ONCE(max_sub_channels));
	if (ret)
		goto err_free_mpb;
	ret = storvsc_host_setup(h);
	if (ret)
		goto err_free_mpb;
	/* Bounce buffers keep the offset in the page the range relies on. */
	dma_set_min_align_mask(&hdev->device, HV_HYP_PAGE_SIZE - 1);
	ret = scsi_add_host(shost, &hdev->device);
	if (ret)
		goto err_free_slots;
	set_bit(STORVSC_READY, &h->flags);
	dev_info(&hdev->device, "VSTOR %u.%u, %u sub-channels, max transfer %u bytes, can_queue %d\n",
		 h->version >> 8, h->version & 0xff, h->nchans - 1,
		 h->max_transfer, shost->can_queue);
	scsi_scan_host(shost);
	return 0;

err_free_slots:
	kvfree(h->slots);
err_free_mpb:
	free_percpu(h->mpb);
err_close:
	storvsc_chan_close(h);
err_free_chans:
	hv_set_drvdata(hdev, NULL);
	kfree(h->chans);
err_put_host:
	scsi_host_put(shost);
	return ret;
}

static int storvsc_remove(struct hv_device *hdev)
{
	struct storvsc_host *h = hv_get_drvdata(hdev);
	struct Scsi_Host *shost = h->shost;
	unsigned int n;

	set_bit(STORVSC_REMOVING, &h->flags);
	/*
	 * A rescinded device will not answer for long: let the completions
	 * already on their way in, then fail what it still had (the work
	 * may be waiting for one of them).
	 */
	if (READ_ONCE(hdev->channel->rescind) &&
	    !storvsc_io_drain(h, STORVSC_RESCIND_DRAIN)) {
		n = storvsc_io_abandon(h, DID_NO_CONNECT, true);
		dev_info(&hdev->device, "rescinded: %u requests failed\n", n);
	}
	cancel_work_sync(&h->work);
	/* Flushes the disks' caches while the host still answers. */
	scsi_remove_host(shost);
	/* The midlayer has no command left; the host may still have some. */
	if (!storvsc_io_drain(h, STORVSC_REMOVE_DRAIN)) {
		n = storvsc_io_abandon(h, DID_NO_CONNECT, false);
		dev_warn(&hdev->device, "%u requests abandoned at removal\n", n);
	}
	storvsc_chan_close(h);
	/* Queued by a completion that raced with REMOVING. */
	cancel_work_sync(&h->work);
	kvfree(h->slots);
	free_percpu(h->mpb);
	hv_set_drvdata(hdev, NULL);
	kfree(h->chans);
	scsi_host_put(shost);
	return 0;
}

static const struct hv_vmbus_device_id storvsc_id_table[] = {
	{ HV_SCSI_GUID, },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, storvsc_id_table);

static struct hv_driver storvsc_driver = {
	.name = KBUILD_MODNAME,
	.id_table = storvsc_id_table,
	.probe = storvsc_probe,
	.remove = storvsc_remove,
};

static int __init storvsc_init(void)
{
	return vmbus_driver_register(&storvsc_driver);
}

static void __exit storvsc_exit(void)
{
	vmbus_driver_unregister(&storvsc_driver);
}

module_init(storvsc_init);
module_exit(storvsc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Synthetic SCSI controller of Hyper-V style hosts");
