// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver: binds to the simulated host's echo device and keeps its
 * channel busy (a sender thread with many packets in flight, echoes read
 * by the channel callback), so that tests can unload modules under
 * traffic.  Counters in /sys/module/vmbus_echo_load/parameters/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/hyperv.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include "vmbus_echo.h"

#define ECHO_LOAD_RING		(8 * PAGE_SIZE)
#define ECHO_LOAD_PAYLOAD	512

static unsigned long sent;
module_param(sent, ulong, 0444);
MODULE_PARM_DESC(sent, "Echo requests sent");
static unsigned long echoed;
module_param(echoed, ulong, 0444);
MODULE_PARM_DESC(echoed, "Echoes received");
static unsigned long bad;
module_param(bad, ulong, 0444);
MODULE_PARM_DESC(bad, "Echoes with unexpected contents");

struct echo_load {
	struct hv_device *hdev;
	struct task_struct *sender;
};

/* Softirq; one at a time per channel. */
static void echo_load_callback(void *context)
{
	struct echo_load *el = context;
	struct vmpacket_descriptor *desc;
	const u8 *p;
	u32 i, len;

	foreach_vmbus_pkt(desc, el->hdev->channel) {
		p = hv_pkt_data(desc);
		len = hv_pkt_datalen(desc);
		for (i = sizeof(struct vmbus_echo_hdr); i < len; i++)
			if (p[i] != (u8)i) {
				WRITE_ONCE(bad, bad + 1);
				break;
			}
		WRITE_ONCE(echoed, echoed + 1);
	}
}

static int echo_load_sender(void *data)
{
	struct echo_load *el = data;
	u8 buf[ECHO_LOAD_PAYLOAD];
	struct vmbus_echo_hdr *hdr = (void *)buf;
	u32 i;
	int ret;

	for (i = sizeof(*hdr); i < sizeof(buf); i++)
		buf[i] = (u8)i;
	hdr->op = VMBUS_ECHO_OP_ECHO;
	while (!kthread_should_stop()) {
		hdr->arg = sent;
		ret = vmbus_sendpacket(el->hdev->channel, buf, sizeof(buf), 0,
				       VM_PKT_DATA_INBAND, 0);
		if (!ret)
			WRITE_ONCE(sent, sent + 1);
		else
			usleep_range(200, 400);	/* ring full: let the host read */
		cond_resched();
	}
	return 0;
}

static int echo_load_probe(struct hv_device *hdev,
			   const struct hv_vmbus_device_id *id)
{
	struct echo_load *el;
	int ret;

	el = devm_kzalloc(&hdev->device, sizeof(*el), GFP_KERNEL);
	if (!el)
		return -ENOMEM;
	el->hdev = hdev;
	hv_set_drvdata(hdev, el);
	ret = vmbus_open(hdev->channel, ECHO_LOAD_RING, ECHO_LOAD_RING, NULL, 0,
			 echo_load_callback, el);
	if (ret)
		return ret;
	el->sender = kthread_run(echo_load_sender, el, "echo_load/%u",
				 hdev->channel->offermsg.child_relid);
	if (IS_ERR(el->sender)) {
		vmbus_close(hdev->channel);
		return PTR_ERR(el->sender);
	}
	return 0;
}

static int echo_load_remove(struct hv_device *hdev)
{
	struct echo_load *el = hv_get_drvdata(hdev);

	/* Stop sending, then close: the core stops the callback. */
	kthread_stop(el->sender);
	vmbus_close(hdev->channel);
	return 0;
}

static const struct hv_vmbus_device_id echo_load_ids[] = {
	{ .guid = VMBUS_ECHO_GUID },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, echo_load_ids);

static struct hv_driver echo_load_driver = {
	.name = KBUILD_MODNAME,
	.id_table = echo_load_ids,
	.probe = echo_load_probe,
	.remove = echo_load_remove,
};

static int __init echo_load_init(void)
{
	return vmbus_driver_register(&echo_load_driver);
}

static void __exit echo_load_exit(void)
{
	vmbus_driver_unregister(&echo_load_driver);
}

module_init(echo_load_init);
module_exit(echo_load_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test load on the simulated host's echo device");
