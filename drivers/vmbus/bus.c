// SPDX-License-Identifier: GPL-2.0
/*
 * The vmbus bus: drivers register here, every primary channel offer
 * becomes a device, and udev loads drivers by MODALIAS=vmbus:<class>.
 * Also where a hypervisor back end is adopted and dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci_ids.h>
#include <linux/slab.h>
#include "vmbus_core.h"

static struct device *vmbus_root_dev;

/* Serializes back end registration, connect and unload. */
static DEFINE_MUTEX(vmbus_hv_mutex);

static const struct {
	guid_t guid;
	u16 type;
} vmbus_dev_types[] = {
	{ HV_IDE_GUID, HV_IDE },
	{ HV_SCSI_GUID, HV_SCSI },
	{ HV_SYNTHFC_GUID, HV_FC },
	{ HV_NIC_GUID, HV_NIC },
	{ HV_ND_GUID, HV_ND },
	{ HV_PCIE_GUID, HV_PCIE },
	{ HV_SYNTHVID_GUID, HV_FB },
	{ HV_KBD_GUID, HV_KBD },
	{ HV_MOUSE_GUID, HV_MOUSE },
	{ HV_KVP_GUID, HV_KVP },
	{ HV_TS_GUID, HV_TS },
	{ HV_HEART_BEAT_GUID, HV_HB },
	{ HV_SHUTDOWN_GUID, HV_SHUTDOWN },
	{ HV_FCOPY_GUID, HV_FCOPY },
	{ HV_VSS_GUID, HV_BACKUP },
	{ HV_DM_GUID, HV_DM },
};

/**
 * vmbus_dev_type() - device type of a class GUID
 * @guid: offer's if_type
 *
 * Return: an enum vmbus_device_type value, HV_UNKNOWN if not known.
 */
u16 vmbus_dev_type(const guid_t *guid)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmbus_dev_types); i++)
		if (guid_equal(&vmbus_dev_types[i].guid, guid))
			return vmbus_dev_types[i].type;
	return HV_UNKNOWN;
}

static const struct hv_vmbus_device_id *
vmbus_match_id(struct hv_driver *drv, struct hv_device *dev)
{
	static const struct hv_vmbus_device_id any_id;
	const struct hv_vmbus_device_id *id;

	if (dev->driver_override)
		return strcmp(dev->driver_override, drv->name) ? NULL : &any_id;
	for (id = drv->id_table; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, &dev->dev_type))
			return id;
	return NULL;
}

static int vmbus_bus_match(struct device *dev, struct device_driver *driver)
{
	struct hv_driver *drv = drv_to_hv_drv(driver);
	struct hv_device *hv_dev = device_to_hv_device(dev);

	/* hv_sock connections are offers of any GUID, for the hvsock driver. */
	if (is_hvsock_channel(hv_dev->channel))
		return drv->hvsock;
	return !!vmbus_match_id(drv, hv_dev);
}

/*
 * Hooks a driver may set on its channels, none of which vmbus_close()
 * clears (upstream drivers set them before vmbus_open()).  They point into
 * the driver's module: the next driver bound to the device must not call
 * them.
 */
static void vmbus_forget_driver_hooks(struct vmbus_channel *channel)
{
	channel->next_request_id_callback = NULL;
	channel->request_addr_callback = NULL;
	channel->change_target_cpu_callback = NULL;
	channel->chn_rescind_callback = NULL;
	channel->sc_creation_callback = NULL;
	channel->rqstor_size = 0;
	channel->max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
}

static void vmbus_device_forget_driver(struct hv_device *hv_dev)
{
	struct vmbus_channel *sc;

	vmbus_channel_lock();
	vmbus_forget_driver_hooks(hv_dev->channel);
	list_for_each_entry(sc, &hv_dev->channel->sc_list, sc_list)
		vmbus_forget_driver_hooks(sc);
	vmbus_channel_unlock();
}

static int vmbus_bus_probe(struct device *dev)
{
	struct hv_driver *drv = drv_to_hv_drv(dev->driver);
	struct hv_device *hv_dev = device_to_hv_device(dev);
	const struct hv_vmbus_device_id *id = vmbus_match_id(drv, hv_dev);
	int ret;

	if (!id || !drv->probe)
		return -ENODEV;
	ret = drv->probe(hv_dev, id);
	if (ret)	/* its channels are closed, its module may go */
		vmbus_device_forget_driver(hv_dev);
	return ret;
}

static void vmbus_bus_remove(struct device *dev)
{
	struct hv_driver *drv = drv_to_hv_drv(dev->driver);
	struct hv_device *hv_dev = device_to_hv_device(dev);

	if (drv->remove)
		drv->remove(hv_dev);
	/* The driver closed its channels: nothing calls the hooks now. */
	vmbus_device_forget_driver(hv_dev);
}

static void vmbus_bus_shutdown(struct device *dev)
{
	struct hv_driver *drv;

	if (!dev->driver)
		return;
	drv = drv_to_hv_drv(dev->driver);
	if (drv->shutdown)
		drv->shutdown(device_to_hv_device(dev));
}

static int vmbus_bus_uevent(struct device *dev, struct kobj_uevent_env *env)
{
	struct hv_device *hv_dev = device_to_hv_device(dev);

	return add_uevent_var(env, "MODALIAS=vmbus:%*phN", UUID_SIZE,
			      &hv_dev->dev_type);
}

struct bus_type vmbus_bus = {
	.name = "vmbus",
	.match = vmbus_bus_match,
	.probe = vmbus_bus_probe,
	.remove = vmbus_bus_remove,
	.shutdown = vmbus_bus_shutdown,
	.uevent = vmbus_bus_uevent,
	.dev_groups = vmbus_dev_groups,
};

/**
 * __vmbus_driver_register() - register a VMBus device driver
 * @hv_driver: the driver, with name, id_table, probe and remove set
 * @owner: module of the driver
 * @mod_name: its name
 *
 * Use the vmbus_driver_register() macro.  Probes every matching device.
 * Return: 0 or -errno.
 */
int __vmbus_driver_register(struct hv_driver *hv_driver, struct module *owner,
			    const char *mod_name)
{
	hv_driver->driver.name = hv_driver->name;
	hv_driver->driver.owner = owner;
	hv_driver->driver.mod_name = mod_name;
	hv_driver->driver.bus = &vmbus_bus;
	spin_lock_init(&hv_driver->dynids.lock);
	INIT_LIST_HEAD(&hv_driver->dynids.list);
	return driver_register(&hv_driver->driver);
}
EXPORT_SYMBOL_GPL(__vmbus_driver_register);

/**
 * vmbus_driver_unregister() - unregister a VMBus device driver
 * @hv_driver: driver registered with vmbus_driver_register()
 *
 * Removes the driver from every device it is bound to.
 */
void vmbus_driver_unregister(struct hv_driver *hv_driver)
{
	driver_unregister(&hv_driver->driver);
}
EXPORT_SYMBOL_GPL(vmbus_driver_unregister);

static void vmbus_device_release(struct device *dev)
{
	struct hv_device *hv_dev = device_to_hv_device(dev);

	vmbus_channel_put(hv_dev->channel);
	kfree(hv_dev);
}

/**
 * vmbus_device_create() - register the device of a primary channel
 * @channel: primary channel, not rescinded
 *
 * Probes a matching driver.  Context: process, channel mutex not held.
 * Return: 0 or -errno.
 */
int vmbus_device_create(struct vmbus_channel *channel)
{
	struct vmbus_channel *sc;
	struct hv_device *hv_dev;
	int ret;

	hv_dev = kzalloc(sizeof(*hv_dev), GFP_KERNEL);
	if (!hv_dev)
		return -ENOMEM;
	hv_dev->dev_type = channel->offermsg.offer.if_type;
	hv_dev->dev_instance = channel->offermsg.offer.if_instance;
	hv_dev->vendor_id = PCI_VENDOR_ID_MICROSOFT;
	hv_dev->device_id = channel->device_id;
	hv_dev->channel = channel;
	hv_dev->dma_mask = DMA_BIT_MASK(64);
	hv_dev->device.dma_mask = &hv_dev->dma_mask;
	hv_dev->device.coherent_dma_mask = DMA_BIT_MASK(64);
	hv_dev->device.dma_parms = &hv_dev->dma_parms;
	hv_dev->device.bus = &vmbus_bus;
	hv_dev->device.parent = vmbus_root_dev;
	hv_dev->device.release = vmbus_device_release;
	dev_set_name(&hv_dev->device, "%pUl", &hv_dev->dev_instance);
	kobject_get(&channel->kobj);	/* dropped in vmbus_device_release() */

	vmbus_channel_lock();
	channel->device_obj = hv_dev;
	vmbus_channel_unlock();

	ret = device_register(&hv_dev->device);
	if (ret) {
		vmbus_channel_lock();
		channel->device_obj = NULL;
		vmbus_channel_unlock();
		put_device(&hv_dev->device);
		return ret;
	}

	hv_dev->channels_kset = kset_create_and_add("channels", NULL,
						    &hv_dev->device.kobj);
	vmbus_channel_lock();
	channel->probe_done = true;	/* registered: removable once */
	if (hv_dev->channels_kset) {
		vmbus_channel_sysfs_add(channel);
		list_for_each_entry(sc, &channel->sc_list, sc_list)
			vmbus_channel_sysfs_add(sc);
	}
	vmbus_channel_unlock();
	return 0;
}

/**
 * vmbus_device_remove() - unregister the device of a primary channel
 * @channel: primary channel
 *
 * Its driver's remove closes the channel.  channel->device_obj stays set
 * until the driver is gone (drivers' callbacks use it); channel->probe_done
 * says the device is registered and nobody is removing it yet.
 * Context: process.
 */
void vmbus_device_remove(struct vmbus_channel *channel)
{
	struct hv_device *hv_dev;
	struct vmbus_channel *sc;
	struct kset *kset;

	vmbus_channel_lock();
	hv_dev = channel->device_obj;
	/* A rescind and an unload may both get here: one removes. */
	if (!hv_dev || !channel->probe_done) {
		vmbus_channel_unlock();
		return;
	}
	channel->probe_done = false;
	list_for_each_entry(sc, &channel->sc_list, sc_list)
		if (sc->kobj.state_in_sysfs)
			kobject_del(&sc->kobj);
	if (channel->kobj.state_in_sysfs)
		kobject_del(&channel->kobj);
	kset = hv_dev->channels_kset;
	hv_dev->channels_kset = NULL;
	vmbus_channel_unlock();

	kset_unregister(kset);
	device_unregister(&hv_dev->device);

	vmbus_channel_lock();
	channel->device_obj = NULL;
	vmbus_channel_unlock();
}

static const struct vmbus_msg_handlers vmbus_handlers = {
	.on_message = vmbus_onoffer_msg,
	.on_event = vmbus_onevent,
	.cpu_busy = vmbus_cpu_has_channels,
};

/**
 * vmbus_hv_register() - adopt a hypervisor back end and connect
 * @ops: the back end; must stay valid until vmbus_hv_unregister()
 *
 * Enables the SynIC, negotiates the protocol version and asks for the
 * offers; devices appear as the offers arrive.
 *
 * Return: 0; -EBUSY if a back end is already adopted; -EPROTONOSUPPORT if
 * no version was agreed; other -errno.  On error nothing is left set up.
 */
int vmbus_hv_register(const struct vmbus_hv_ops *ops)
{
	int ret;

	mutex_lock(&vmbus_hv_mutex);
	if (vmbus_hv) {
		ret = -EBUSY;
		goto unlock;
	}
	vmbus_hv = ops;
	ret = vmbus_synic_start(&vmbus_handlers);
	if (ret)
		goto err_clear;
	ret = vmbus_connect();
	if (ret)
		goto err_stop;
	pr_info("connected through %s\n", ops->name);
	goto unlock;

err_stop:
	vmbus_synic_stop();
err_clear:
	vmbus_hv = NULL;
unlock:
	mutex_unlock(&vmbus_hv_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(vmbus_hv_register);

/**
 * vmbus_hv_unregister() - disconnect and drop a hypervisor back end
 * @ops: the adopted back end
 *
 * Removes every device (drivers close their channels while the host still
 * answers), unloads the connection and disables the SynIC.  On return the
 * core makes no further call into @ops.
 */
void vmbus_hv_unregister(const struct vmbus_hv_ops *ops)
{
	mutex_lock(&vmbus_hv_mutex);
	if (WARN_ON(vmbus_hv != ops))
		goto unlock;
	vmbus_offers_remove_all();
	vmbus_disconnect();
	vmbus_synic_stop();
	vmbus_offers_free_all();
	vmbus_connection_cleanup();
	vmbus_hv = NULL;
	pr_info("disconnected from %s\n", ops->name);
unlock:
	mutex_unlock(&vmbus_hv_mutex);
}
EXPORT_SYMBOL_GPL(vmbus_hv_unregister);

static int vmbus_max_version_set(const char *val, const struct kernel_param *kp)
{
	return vmbus_parse_version(val, &vmbus_max_version);
}

static int vmbus_max_version_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u.%u\n", vmbus_max_version >> 16,
			  vmbus_max_version & 0xffff);
}

static const struct kernel_param_ops vmbus_max_version_ops = {
	.set = vmbus_max_version_set,
	.get = vmbus_max_version_get,
};
module_param_cb(max_version, &vmbus_max_version_ops, NULL, 0644);
MODULE_PARM_DESC(max_version, "Newest VMBus protocol version to offer, e.g. 5.3 (default) or 0.13");

static int __init vmbus_init(void)
{
	int ret;

	ret = vmbus_offers_init();
	if (ret)
		return ret;
	vmbus_root_dev = root_device_register("vmbus");
	if (IS_ERR(vmbus_root_dev)) {
		ret = PTR_ERR(vmbus_root_dev);
		goto err_offers;
	}
	ret = bus_register(&vmbus_bus);
	if (ret)
		goto err_root;
	/* Not on Hyper-V is fine: a simulated host may register later. */
	vmbus_hv_x86_init();
	return 0;

err_root:
	root_device_unregister(vmbus_root_dev);
err_offers:
	vmbus_offers_exit();
	return ret;
}

static void __exit vmbus_exit(void)
{
	vmbus_hv_x86_exit();
	bus_unregister(&vmbus_bus);
	root_device_unregister(vmbus_root_dev);
	vmbus_offers_exit();
}

subsys_initcall(vmbus_init);
module_exit(vmbus_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VMBus core: channels to a Hyper-V style host");
MODULE_ALIAS("acpi*:VMBUS:*");
MODULE_ALIAS("acpi*:VMBus:*");
