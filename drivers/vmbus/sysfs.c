// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs: the attributes of VMBus devices and of their channels, in the
 * layout of the upstream driver, so existing tools keep working:
 *   /sys/bus/vmbus/devices/<instance>/{class_id,device_id,id,...}
 *   /sys/bus/vmbus/devices/<instance>/channels/<relid>/{cpu,...}
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "vmbus_core.h"

/* Ring values read under the ring mutex: the ring may be freed meanwhile. */
enum vmbus_ring_stat { RING_READ_INDEX, RING_WRITE_INDEX, RING_MASK,
		       RING_READ_AVAIL, RING_WRITE_AVAIL };

static ssize_t vmbus_ring_stat_show(struct hv_ring_buffer_info *rbi,
				    enum vmbus_ring_stat stat, char *buf)
{
	ssize_t ret = -EINVAL;
	u32 val = 0;

	mutex_lock(&rbi->ring_buffer_mutex);
	if (!rbi->ring_buffer)
		goto unlock;
	switch (stat) {
	case RING_READ_INDEX:
		val = READ_ONCE(rbi->ring_buffer->read_index);
		break;
	case RING_WRITE_INDEX:
		val = READ_ONCE(rbi->ring_buffer->write_index);
		break;
	case RING_MASK:
		val = READ_ONCE(rbi->ring_buffer->interrupt_mask);
		break;
	case RING_READ_AVAIL:
		val = hv_get_bytes_to_read(rbi);
		break;
	case RING_WRITE_AVAIL:
		val = hv_get_bytes_to_write(rbi);
		break;
	}
	ret = sysfs_emit(buf, "%u\n", val);
unlock:
	mutex_unlock(&rbi->ring_buffer_mutex);
	return ret;
}

/* Channel attributes, in channels/<relid>/. */
struct vmbus_chan_attr {
	struct attribute attr;
	ssize_t (*show)(struct vmbus_channel *channel, char *buf);
};

#define VMBUS_CHAN_ATTR(_name, _expr)					\
static ssize_t chan_##_name##_show(struct vmbus_channel *channel, char *buf) \
{									\
	return _expr;							\
}									\
static struct vmbus_chan_attr chan_attr_##_name = {			\
	.attr = { .name = __stringify(_name), .mode = 0444 },		\
	.show = chan_##_name##_show,					\
}

VMBUS_CHAN_ATTR(cpu, sysfs_emit(buf, "%u\n", channel->target_cpu));
VMBUS_CHAN_ATTR(monitor_id, sysfs_emit(buf, "%u\n", channel->offermsg.monitorid));
VMBUS_CHAN_ATTR(subchannel_id,
		sysfs_emit(buf, "%u\n", channel->offermsg.offer.sub_channel_index));
VMBUS_CHAN_ATTR(interrupts, sysfs_emit(buf, "%llu\n", channel->interrupts));
VMBUS_CHAN_ATTR(events, sysfs_emit(buf, "%llu\n", channel->sig_events));
VMBUS_CHAN_ATTR(intr_in_full, sysfs_emit(buf, "%llu\n", channel->intr_in_full));
VMBUS_CHAN_ATTR(intr_out_empty,
		sysfs_emit(buf, "%llu\n", channel->intr_out_empty));
VMBUS_CHAN_ATTR(out_full_first,
		sysfs_emit(buf, "%llu\n", channel->out_full_first));
VMBUS_CHAN_ATTR(out_full_total,
		sysfs_emit(buf, "%llu\n", channel->out_full_total));
VMBUS_CHAN_ATTR(in_mask, vmbus_ring_stat_show(&channel->inbound, RING_MASK, buf));
VMBUS_CHAN_ATTR(out_mask, vmbus_ring_stat_show(&channel->outbound, RING_MASK, buf));
VMBUS_CHAN_ATTR(read_avail,
		vmbus_ring_stat_show(&channel->inbound, RING_READ_AVAIL, buf));
VMBUS_CHAN_ATTR(write_avail,
		vmbus_ring_stat_show(&channel->outbound, RING_WRITE_AVAIL, buf));

static struct attribute *vmbus_chan_attrs[] = {
	&chan_attr_cpu.attr,
	&chan_attr_monitor_id.attr,
	&chan_attr_subchannel_id.attr,
	&chan_attr_interrupts.attr,
	&chan_attr_events.attr,
	&chan_attr_intr_in_full.attr,
	&chan_attr_intr_out_empty.attr,
	&chan_attr_out_full_first.attr,
	&chan_attr_out_full_total.attr,
	&chan_attr_in_mask.attr,
	&chan_attr_out_mask.attr,
	&chan_attr_read_avail.attr,
	&chan_attr_write_avail.attr,
	NULL
};
ATTRIBUTE_GROUPS(vmbus_chan);

static ssize_t vmbus_chan_attr_show(struct kobject *kobj, struct attribute *attr,
				    char *buf)
{
	struct vmbus_chan_attr *a = container_of(attr, struct vmbus_chan_attr, attr);

	return a->show(container_of(kobj, struct vmbus_channel, kobj), buf);
}

static const struct sysfs_ops vmbus_chan_sysfs_ops = {
	.show = vmbus_chan_attr_show,
};

/* The last reference to a channel is gone: free it after readers. */
static void vmbus_chan_release(struct kobject *kobj)
{
	struct vmbus_channel *channel = container_of(kobj, struct vmbus_channel, kobj);

	vmbus_channel_cleanup(channel);
	vmbus_free_ring(channel);
	kfree_rcu(channel, rcu);
}

const struct kobj_type vmbus_channel_ktype = {
	.sysfs_ops = &vmbus_chan_sysfs_ops,
	.release = vmbus_chan_release,
	.default_groups = vmbus_chan_groups,
};

/**
 * vmbus_channel_sysfs_add() - show a channel under its device
 * @channel: channel whose device (or primary's device) is registered
 *
 * Context: channel mutex held.  Does nothing if already shown or if the
 * device has no channels directory yet (it adds its channels itself).
 * Return: 0 or -errno.
 */
int vmbus_channel_sysfs_add(struct vmbus_channel *channel)
{
	struct vmbus_channel *primary = channel->primary_channel ?: channel;
	struct hv_device *dev = primary->device_obj;
	int ret;

	if (!dev || !dev->channels_kset || channel->kobj.state_in_sysfs)
		return 0;
	channel->kobj.kset = dev->channels_kset;
	ret = kobject_add(&channel->kobj, NULL, "%u",
			  channel->offermsg.child_relid);
	if (ret)
		return ret;
	kobject_uevent(&channel->kobj, KOBJ_ADD);
	return 0;
}

/* Device attributes. */
static struct hv_device *to_hv(struct device *dev)
{
	return container_of(dev, struct hv_device, device);
}

static ssize_t id_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_hv(dev)->channel->offermsg.child_relid);
}
static DEVICE_ATTR_RO(id);

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", to_hv(dev)->channel->state);
}
static DEVICE_ATTR_RO(state);

static ssize_t class_id_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hv(dev)->dev_type);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_hv(dev)->dev_instance);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "vmbus:%*phN\n", UUID_SIZE, &to_hv(dev)->dev_type);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t vendor_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", to_hv(dev)->vendor_id);
}
static DEVICE_ATTR_RO(vendor);

static ssize_t device_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "0x%x\n", to_hv(dev)->device_id);
}
static DEVICE_ATTR_RO(device);

static ssize_t monitor_id_show(struct device *dev, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_hv(dev)->channel->offermsg.monitorid);
}
static DEVICE_ATTR_RO(monitor_id);

static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  cpu_to_node(to_hv(dev)->channel->target_cpu));
}
static DEVICE_ATTR_RO(numa_node);

static struct hv_ring_buffer_info *vmbus_dev_ring(struct device *dev, bool in)
{
	struct vmbus_channel *channel = to_hv(dev)->channel;

	return in ? &channel->inbound : &channel->outbound;
}

#define VMBUS_RING_ATTR(_name, _in, _stat)				\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	return vmbus_ring_stat_show(vmbus_dev_ring(dev, _in), _stat, buf); \
}									\
static DEVICE_ATTR_RO(_name)

VMBUS_RING_ATTR(out_intr_mask, false, RING_MASK);
VMBUS_RING_ATTR(out_read_index, false, RING_READ_INDEX);
VMBUS_RING_ATTR(out_write_index, false, RING_WRITE_INDEX);
VMBUS_RING_ATTR(out_read_bytes_avail, false, RING_READ_AVAIL);
VMBUS_RING_ATTR(out_write_bytes_avail, false, RING_WRITE_AVAIL);
VMBUS_RING_ATTR(in_intr_mask, true, RING_MASK);
VMBUS_RING_ATTR(in_read_index, true, RING_READ_INDEX);
VMBUS_RING_ATTR(in_write_index, true, RING_WRITE_INDEX);
VMBUS_RING_ATTR(in_read_bytes_avail, true, RING_READ_AVAIL);
VMBUS_RING_ATTR(in_write_bytes_avail, true, RING_WRITE_AVAIL);

static ssize_t channel_vp_mapping_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	struct vmbus_channel *primary = to_hv(dev)->channel, *sc;
	int n;

	n = sysfs_emit(buf, "%u:%u\n", primary->offermsg.child_relid,
		       primary->target_cpu);
	vmbus_channel_lock();
	list_for_each_entry(sc, &primary->sc_list, sc_list)
		n += sysfs_emit_at(buf, n, "%u:%u\n", sc->offermsg.child_relid,
				   sc->target_cpu);
	vmbus_channel_unlock();
	return n;
}
static DEVICE_ATTR_RO(channel_vp_mapping);

static ssize_t driver_override_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	ssize_t n;

	device_lock(dev);
	n = sysfs_emit(buf, "%s\n", to_hv(dev)->driver_override ?: "");
	device_unlock(dev);
	return n;
}

static ssize_t driver_override_store(struct device *dev,
				     struct device_attribute *attr,
				     const char *buf, size_t count)
{
	int ret = driver_set_override(dev, &to_hv(dev)->driver_override, buf,
				      count);

	return ret ?: count;
}
static DEVICE_ATTR_RW(driver_override);

static struct attribute *vmbus_dev_attrs[] = {
	&dev_attr_id.attr,
	&dev_attr_state.attr,
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_monitor_id.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_channel_vp_mapping.attr,
	&dev_attr_driver_override.attr,
	&dev_attr_out_intr_mask.attr,
	&dev_attr_out_read_index.attr,
	&dev_attr_out_write_index.attr,
	&dev_attr_out_read_bytes_avail.attr,
	&dev_attr_out_write_bytes_avail.attr,
	&dev_attr_in_intr_mask.attr,
	&dev_attr_in_read_index.attr,
	&dev_attr_in_write_index.attr,
	&dev_attr_in_read_bytes_avail.attr,
	&dev_attr_in_write_bytes_avail.attr,
	NULL
};

static const struct attribute_group vmbus_dev_group = {
	.attrs = vmbus_dev_attrs,
};

const struct attribute_group *vmbus_dev_groups[] = {
	&vmbus_dev_group,
	NULL
};
