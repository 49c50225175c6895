// SPDX-License-Identifier: GPL-2.0
/*
 * The synthetic interrupt controller as the VMBus core sees it: one message
 * page and one event flags page per CPU, handed to the hypervisor back end,
 * and the interrupt handler that turns their contents into channel events
 * and channel messages (../shared/spec/vmbus.md sections 1.7-1.9, 6.5).
 *
 * Contexts: vmbus_synic_isr() runs in hardirq context on the interrupted
 * CPU.  Messages are copied out and handled by a per-CPU tasklet (softirq)
 * on the same CPU, which frees the slot and signals EOM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/interrupt.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include "vmbus_core.h"

struct vmbus_synic_cpu {
	struct hv_message_page *simp;
	union hv_synic_event_flags *siefp;
	struct tasklet_struct msg_tasklet;
	bool enabled;		/* written by the hotplug callbacks on this CPU */
};

static DEFINE_PER_CPU(struct vmbus_synic_cpu, vmbus_synic_cpu);

/*
 * The adopted back end and the handlers above us.  Set before the SynIC is
 * enabled on any CPU, cleared after it is disabled on all, so the ISR and
 * the tasklets never see them change.
 */
const struct vmbus_hv_ops *vmbus_hv;
static const struct vmbus_msg_handlers *synic_handlers;
/* Stopping everywhere: CPUs are not really going offline. */
static bool synic_stopping;
static int synic_hp_state;

/* Legacy (< 2.4) interrupt page: host->guest relid bits in its first half. */
static unsigned long *synic_legacy_bits;

/**
 * vmbus_synic_vp_index() - hypervisor VP index of a CPU
 * @cpu: Linux CPU number
 *
 * Return: the VP index, for target_vp / target_vcpu fields.
 */
u32 vmbus_synic_vp_index(unsigned int cpu)
{
	return vmbus_hv->vp_index(cpu);
}

/**
 * vmbus_synic_set_legacy() - switch event scanning for protocol < 2.4
 * @int_page: the interrupt page given to the host, or NULL for >= 2.4
 *
 * Called before any channel is opened.
 */
void vmbus_synic_set_legacy(void *int_page)
{
	WRITE_ONCE(synic_legacy_bits, int_page);
}

static void synic_scan_events(unsigned long *bits, unsigned int nbits)
{
	unsigned int word, bit;
	unsigned long pending;

	for (word = 0; word < nbits / BITS_PER_LONG; word++) {
		if (!READ_ONCE(bits[word]))
			continue;
		/* The host sets bits concurrently: take them atomically. */
		pending = xchg(&bits[word], 0);
		for_each_set_bit(bit, &pending, BITS_PER_LONG) {
			u32 relid = word * BITS_PER_LONG + bit;

			if (relid && relid <= VMBUS_MAX_RELID)
				synic_handlers->on_event(relid);
		}
	}
}

static void vmbus_synic_isr(void)
{
	struct vmbus_synic_cpu *sc = this_cpu_ptr(&vmbus_synic_cpu);
	unsigned long *flags, *legacy;
	struct hv_message *msg;

	if (!sc->enabled)
		return;

	flags = sc->siefp[VMBUS_MESSAGE_SINT].flags;
	legacy = READ_ONCE(synic_legacy_bits);
	if (legacy) {
		/* Flag 0 says "look at the interrupt page" (section 6.1). */
		if (test_and_clear_bit(0, flags))
			synic_scan_events(legacy, VMBUS_SIEF_BITS);
	} else {
		synic_scan_events(flags, VMBUS_SIEF_BITS);
	}

	msg = &sc->simp->sint_message[VMBUS_MESSAGE_SINT];
	if (READ_ONCE(msg->header.message_type) != HVMSG_NONE)
		tasklet_schedule(&sc->msg_tasklet);
}

/* Copy the message out, free the slot, then handle the copy (section 1.7). */
static void synic_msg_tasklet(unsigned long data)
{
	struct vmbus_synic_cpu *sc = this_cpu_ptr(&vmbus_synic_cpu);
	struct hv_message *slot, copy;
	u32 type;

	if (!sc->enabled)
		return;
	slot = &sc->simp->sint_message[VMBUS_MESSAGE_SINT];
	type = READ_ONCE(slot->header.message_type);
	if (type == HVMSG_NONE)
		return;
	/* The back end stores the type last; read the body after it. */
	virt_rmb();
	memcpy(&copy, slot, sizeof(copy));

	/* Only clear what we copied: a new message must not be lost. */
	if (cmpxchg(&slot->header.message_type, type, HVMSG_NONE) == type) {
		/* The slot is free before we look at the pending flag. */
		virt_mb();
		if (READ_ONCE(slot->header.message_flags.asu8) & 1)
			vmbus_hv->eom();
	}

	if (type != VMBUS_POST_MESSAGE_TYPE) {
		pr_warn_ratelimited("ignoring SynIC message type %#x\n", type);
		return;
	}
	if (copy.header.payload_size > VMBUS_MSG_MAX ||
	    copy.header.payload_size < sizeof(struct vmbus_channel_message_header)) {
		pr_err_ratelimited("channel message with bad size %u dropped\n",
				   copy.header.payload_size);
		return;
	}
	synic_handlers->on_message((void *)copy.u.payload,
				   copy.header.payload_size);
}

static int synic_cpu_online(unsigned int cpu)
{
	struct vmbus_synic_cpu *sc = per_cpu_ptr(&vmbus_synic_cpu, cpu);

	if (!sc->simp || !sc->siefp)
		return -ENOMEM;
	memset(sc->simp, 0, PAGE_SIZE);
	memset(sc->siefp, 0, PAGE_SIZE);
	/*
	 * The back end may deliver and interrupt as soon as it is enabled:
	 * the ISR must not ignore that interrupt, or the slot stays busy.
	 */
	WRITE_ONCE(sc->enabled, true);
	vmbus_hv->synic_enable(cpu, sc->simp, sc->siefp);
	return 0;
}

static int synic_cpu_offline(unsigned int cpu)
{
	struct vmbus_synic_cpu *sc = per_cpu_ptr(&vmbus_synic_cpu, cpu);

	/* Interrupts of open channels and channel messages land here. */
	if (!synic_stopping && synic_handlers->cpu_busy(cpu)) {
		pr_warn_ratelimited("CPU %u has VMBus channels, stays online\n",
				    cpu);
		return -EBUSY;
	}

	WRITE_ONCE(sc->enabled, false);
	vmbus_hv->synic_disable(cpu);
	return 0;
}

static void synic_free_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct vmbus_synic_cpu *sc = per_cpu_ptr(&vmbus_synic_cpu, cpu);

		tasklet_kill(&sc->msg_tasklet);
		free_page((unsigned long)sc->simp);
		free_page((unsigned long)sc->siefp);
		sc->simp = NULL;
		sc->siefp = NULL;
	}
}

/**
 * vmbus_synic_start() - adopt the back end and enable the SynIC everywhere
 * @handlers: where messages and events go
 *
 * vmbus_hv must be set.  Enables the SynIC on every online CPU now and on
 * every CPU that comes online later.
 *
 * Return: 0 or -errno; on error nothing is left enabled.
 */
int vmbus_synic_start(const struct vmbus_msg_handlers *handlers)
{
	unsigned int cpu;
	int ret;

	for_each_possible_cpu(cpu) {
		struct vmbus_synic_cpu *sc = per_cpu_ptr(&vmbus_synic_cpu, cpu);

		tasklet_init(&sc->msg_tasklet, synic_msg_tasklet, 0);
		sc->simp = (void *)get_zeroed_page(GFP_KERNEL);
		sc->siefp = (void *)get_zeroed_page(GFP_KERNEL);
		if (!sc->simp || !sc->siefp) {
			ret = -ENOMEM;
			goto err_free_pages;
		}
	}
	synic_handlers = handlers;
	ret = vmbus_hv->init(vmbus_synic_isr);
	if (ret)
		goto err_free_pages;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "vmbus/synic:online",
				synic_cpu_online, synic_cpu_offline);
	if (ret < 0)
		goto err_exit_hv;
	synic_hp_state = ret;
	return 0;

err_exit_hv:
	vmbus_hv->exit();
err_free_pages:
	synic_free_pages();
	return ret;
}

/**
 * vmbus_synic_stop() - disable the SynIC on every CPU and drop the back end
 */
void vmbus_synic_stop(void)
{
	synic_stopping = true;
	cpuhp_remove_state(synic_hp_state);
	synic_stopping = false;
	vmbus_hv->exit();
	synic_free_pages();
	synic_legacy_bits = NULL;
}
