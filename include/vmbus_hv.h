/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hypervisor interface of the VMBus core: the one seam between the
 * core (hv_vmbus) and what plays the hypervisor underneath it.  Two back
 * ends implement it: real x86 Hyper-V (drivers/vmbus/hv_x86.c) and the
 * simulated host (sim/, module vmbus_sim).  Nothing above this interface
 * knows which one it runs on.
 *
 * Model: the core owns the per-CPU SynIC message page (SIMP) and event
 * flags page (SIEFP) and hands them to the back end, exactly as a guest
 * programs the SIMP/SIEFP MSRs with pages of its own memory.  The back end
 * delivers host messages into slot VMBUS_MESSAGE_SINT of a CPU's SIMP page,
 * sets event flags in the SINT area of a CPU's SIEFP page, and then raises
 * the SINT interrupt on that CPU by calling the isr handed to it in init().
 */
#ifndef _VMBUS_HV_H
#define _VMBUS_HV_H

#include <linux/types.h>

struct module;

/* The SINT VMBus uses for channel messages and channel events. */
#define VMBUS_MESSAGE_SINT	2

/**
 * struct vmbus_hv_ops - a hypervisor back end
 * @name: short name, shown in the core's log and sysfs
 * @owner: module implementing the back end (pinned while registered)
 * @init: adopt the back end.  @isr is the core's SINT handler; the back
 *	end calls it in hardirq context, on the CPU that takes the interrupt,
 *	with interrupts disabled.  Process context.  Returns 0 or -errno.
 * @exit: the core stops using the back end; no call follows.  Process
 *	context.  SynIC is already disabled on every CPU.
 * @vp_index: the hypervisor's virtual processor index of @cpu.
 * @synic_enable: program @cpu's SynIC: message page @simp, event flags
 *	page @siefp (both one zeroed, page-aligned 4 KiB page owned by the
 *	core), unmask VMBUS_MESSAGE_SINT and enable.  Called on @cpu with
 *	preemption disabled (CPU hotplug "online" callback).
 * @synic_disable: mask the SINT and disable the pages of @cpu; no message
 *	or event is delivered to @cpu afterwards.  Called on @cpu with
 *	preemption disabled.
 * @post_message: HvPostMessage(@connection_id, message type 1, @payload,
 *	@size <= 240).  Any context, including hardirq.  Returns an
 *	HV_STATUS_* code: success means queued, not processed.
 * @signal_event: HvSignalEvent(@connection_id, @flag).  Any context.
 *	Returns an HV_STATUS_* code.
 * @eom: end of message: the core has copied and freed the message slot of
 *	the current CPU and the slot's MessagePending flag was set; deliver
 *	the next queued message.  Called on that CPU, preemption disabled.
 */
struct vmbus_hv_ops {
	const char *name;
	struct module *owner;
	int (*init)(void (*isr)(void));
	void (*exit)(void);
	u32 (*vp_index)(unsigned int cpu);
	void (*synic_enable)(unsigned int cpu, void *simp, void *siefp);
	void (*synic_disable)(unsigned int cpu);
	u16 (*post_message)(u32 connection_id, const void *payload, u32 size);
	u16 (*signal_event)(u32 connection_id, u16 flag);
	void (*eom)(void);
};

int vmbus_hv_register(const struct vmbus_hv_ops *ops);
void vmbus_hv_unregister(const struct vmbus_hv_ops *ops);

#endif /* _VMBUS_HV_H */
