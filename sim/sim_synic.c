// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated SynIC: what the hypervisor does with the guest's message
 * and event flags pages (host.md 2.6-2.8).  VP index == CPU number.
 *
 * Host->guest messages wait in a FIFO per VP and are copied into slot
 * VMBUS_MESSAGE_SINT of the VP's message page when it is free; when it is
 * busy the MessagePending flag asks the guest for an EOM.  Event flags are
 * set atomically in the SINT's area of the VP's event flags page.  Both
 * then "raise the interrupt": the core's isr runs from an irq_work on the
 * target CPU, in hardirq context, never synchronously from a guest call.
 *
 * irq_work_queue_on() is not exported to modules in Linux 6.1, so a raise
 * aimed at another CPU sends an IPI (smp_call_function_single_async())
 * whose handler queues the irq_work locally on that CPU.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <asm/hyperv-tlfs.h>
#include "sim.h"

/* Messages a VP may have queued before the host gives up on the guest. */
#define SIM_SYNIC_QUEUE_MAX	1024

/* MessagePending: bit 0 of message_flags, byte 5 of the slot header. */
#define SIM_SYNIC_PENDING_BIT	(5 * BITS_PER_BYTE)
static_assert(offsetof(struct hv_message_header, message_flags) == 5);

/* Bytes of one SINT's area in the event flags page. */
#define SIM_SYNIC_SIEF_AREA	(VMBUS_SIEF_BITS / BITS_PER_BYTE)

struct sim_synic_msg {
	struct list_head node;
	u32 size;		/* payload bytes copied into the slot */
	u8 claimed;		/* payload_size written to the slot header */
	u8 payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};

struct sim_synic_vp {
	/*
	 * Protects slot, flags, queue, queued and the use of csd.  Taken in
	 * every context (guest hypercalls from hardirq, eom with preemption
	 * disabled, server work in process context): always irqsave.
	 */
	spinlock_t lock;
	struct hv_message *slot;	/* SINT slot of SIMP, NULL: disabled */
	unsigned long *flags;		/* SINT area of SIEFP */
	struct list_head queue;
	unsigned int queued;
	unsigned int cpu;
	struct irq_work irq_work;	/* calls the isr on cpu */
	call_single_data_t csd;		/* queues irq_work from another CPU */
};

static struct sim_synic_vp *sim_synic_vps;

/* The core's SINT handler; set by init, cleared by exit. */
typedef void (*sim_synic_isr_t)(void);
static sim_synic_isr_t sim_synic_isr;

static void sim_synic_irq(struct irq_work *work)
{
	sim_synic_isr_t isr = READ_ONCE(sim_synic_isr);

	if (isr)
		isr();
}

/* IPI handler on the target CPU, hardirq context. */
static void sim_synic_ipi(void *info)
{
	struct sim_synic_vp *vp = info;

	irq_work_queue(&vp->irq_work);
}

static void sim_synic_raise(struct sim_synic_vp *vp)
{
	lockdep_assert_held(&vp->lock);

	if (vp->cpu == smp_processor_id())
		irq_work_queue(&vp->irq_work);
	else
		/* -EBUSY: an IPI is in flight and will queue it anyway. */
		smp_call_function_single_async(vp->cpu, &vp->csd);
}

/* host.md 2.7: deliver as many queued messages as the slot takes. */
static void sim_synic_deliver(struct sim_synic_vp *vp)
{
	struct hv_message *slot = vp->slot;
	struct sim_synic_msg *msg;
	bool raise = false;

	lockdep_assert_held(&vp->lock);

	while (slot && !list_empty(&vp->queue)) {
		/* Pairs with the guest's cmpxchg that frees the slot. */
		if (smp_load_acquire(&slot->header.message_type) != HVMSG_NONE) {
			/* Busy: ask for an EOM, then look again. */
			set_bit(SIM_SYNIC_PENDING_BIT,
				(unsigned long *)&slot->header);
			/* Pending is set before we re-read the type. */
			smp_mb__after_atomic();
			if (READ_ONCE(slot->header.message_type) != HVMSG_NONE)
				break;
		}
		msg = list_first_entry(&vp->queue, struct sim_synic_msg, node);
		memcpy(slot->u.payload, msg->payload, msg->size);
		slot->header.payload_size = msg->claimed;
		slot->header.message_flags.asu8 = 0;
		slot->header.reserved[0] = 0;
		slot->header.reserved[1] = 0;
		slot->header.sender = 0;
		/* The type, stored last, publishes the message. */
		smp_store_release(&slot->header.message_type,
				  VMBUS_POST_MESSAGE_TYPE);
		list_del(&msg->node);
		vp->queued--;
		kfree(msg);
		raise = true;
	}
	if (raise)
		sim_synic_raise(vp);
}

/**
 * sim_synic_post() - queue a message for a VP's VMBus SINT slot
 * @vp_index: target VP
 * @msg: channel message
 * @size: bytes of @msg, <= 240
 * @claimed: payload_size for the slot header; normally @size (faults lie)
 *
 * Process context.
 *
 * Return: 0, -EINVAL for a bad VP or size, -ENOMEM, or
 * -ENOSPC when the guest has left too many messages unconsumed.
 */
int sim_synic_post(u32 vp_index, const void *msg, u32 size, u8 claimed)
{
	struct sim_synic_msg *m;
	struct sim_synic_vp *vp;
	unsigned long irqflags;
	int ret = 0;

	if (vp_index >= nr_cpu_ids || size > HV_MESSAGE_PAYLOAD_BYTE_COUNT)
		return -EINVAL;
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	memcpy(m->payload, msg, size);
	m->size = size;
	m->claimed = claimed;

	vp = &sim_synic_vps[vp_index];
	spin_lock_irqsave(&vp->lock, irqflags);
	if (vp->queued >= SIM_SYNIC_QUEUE_MAX) {
		ret = -ENOSPC;
	} else {
		list_add_tail(&m->node, &vp->queue);
		vp->queued++;
		sim_synic_deliver(vp);
	}
	spin_unlock_irqrestore(&vp->lock, irqflags);

	if (ret) {
		kfree(m);
		sim_violation(SIM_V_MSG_OVERFLOW,
			      "VP %u left %u messages unconsumed", vp_index,
			      SIM_SYNIC_QUEUE_MAX);
	}
	return ret;
}

/**
 * sim_synic_signal() - set an event flag of a VP's VMBus SINT
 * @vp_index: target VP
 * @flag: flag number (a relid, or 0 for the legacy shared interrupt)
 *
 * Any context.  Raises the interrupt only if the flag was clear; a VP
 * whose SynIC is disabled loses the event, as on hardware.
 */
void sim_synic_signal(u32 vp_index, u32 flag)
{
	struct sim_synic_vp *vp;
	unsigned long irqflags;

	if (vp_index >= nr_cpu_ids || flag >= VMBUS_SIEF_BITS)
		return;
	vp = &sim_synic_vps[vp_index];
	spin_lock_irqsave(&vp->lock, irqflags);
	if (vp->flags && !test_and_set_bit(flag, vp->flags))
		sim_synic_raise(vp);
	spin_unlock_irqrestore(&vp->lock, irqflags);
}

/* Hypervisor ops, called by the core through vmbus_hv_ops. */
void sim_synic_enable(unsigned int cpu, void *simp, void *siefp)
{
	struct sim_synic_vp *vp;
	unsigned long irqflags;

	if (cpu >= nr_cpu_ids || !simp || !siefp ||
	    !PAGE_ALIGNED(simp) || !PAGE_ALIGNED(siefp)) {
		sim_violation(SIM_V_SYNIC, "synic_enable(%u) with bad pages",
			      cpu);
		return;
	}
	vp = &sim_synic_vps[cpu];
	spin_lock_irqsave(&vp->lock, irqflags);
	vp->slot = (struct hv_message *)simp + VMBUS_MESSAGE_SINT;
	vp->flags = (unsigned long *)((u8 *)siefp +
				      VMBUS_MESSAGE_SINT * SIM_SYNIC_SIEF_AREA);
	sim_synic_deliver(vp);
	spin_unlock_irqrestore(&vp->lock, irqflags);
}

void sim_synic_disable(unsigned int cpu)
{
	struct sim_synic_msg *msg, *tmp;
	struct sim_synic_vp *vp;
	unsigned long irqflags;
	LIST_HEAD(dead);

	if (cpu >= nr_cpu_ids) {
		sim_violation(SIM_V_SYNIC, "synic_disable(%u)", cpu);
		return;
	}
	vp = &sim_synic_vps[cpu];
	spin_lock_irqsave(&vp->lock, irqflags);
	vp->slot = NULL;
	vp->flags = NULL;
	/* What a disabled SynIC did not take belongs to an old session. */
	list_splice_init(&vp->queue, &dead);
	vp->queued = 0;
	spin_unlock_irqrestore(&vp->lock, irqflags);
	list_for_each_entry_safe(msg, tmp, &dead, node)
		kfree(msg);
}

void sim_synic_eom(void)
{
	struct sim_synic_vp *vp = &sim_synic_vps[raw_smp_processor_id()];
	unsigned long irqflags;

	spin_lock_irqsave(&vp->lock, irqflags);
	sim_synic_deliver(vp);
	spin_unlock_irqrestore(&vp->lock, irqflags);
}

/**
 * sim_synic_vp_valid() - may the guest name @vp_index as a target VP?
 * @vp_index: VP index from a guest message
 *
 * Return: true for an online CPU whose SynIC is enabled.
 */
bool sim_synic_vp_valid(u32 vp_index)
{
	return vp_index < nr_cpu_ids && cpu_online(vp_index) &&
	       READ_ONCE(sim_synic_vps[vp_index].slot);
}

void sim_synic_set_isr(void (*isr)(void))
{
	WRITE_ONCE(sim_synic_isr, isr);
}

/* Drop every undelivered message (connection reset, module exit). */
void sim_synic_purge(void)
{
	struct sim_synic_msg *msg, *tmp;
	unsigned long irqflags;
	unsigned int cpu;
	LIST_HEAD(dead);

	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct sim_synic_vp *vp = &sim_synic_vps[cpu];

		spin_lock_irqsave(&vp->lock, irqflags);
		list_splice_init(&vp->queue, &dead);
		vp->queued = 0;
		spin_unlock_irqrestore(&vp->lock, irqflags);
	}
	list_for_each_entry_safe(msg, tmp, &dead, node)
		kfree(msg);
}

int sim_synic_init(void)
{
	unsigned int cpu;

	sim_synic_vps = kcalloc(nr_cpu_ids, sizeof(*sim_synic_vps),
				GFP_KERNEL);
	if (!sim_synic_vps)
		return -ENOMEM;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		struct sim_synic_vp *vp = &sim_synic_vps[cpu];

		spin_lock_init(&vp->lock);
		INIT_LIST_HEAD(&vp->queue);
		vp->cpu = cpu;
		vp->irq_work = IRQ_WORK_INIT_HARD(sim_synic_irq);
		INIT_CSD(&vp->csd, sim_synic_ipi, vp);
	}
	return 0;
}

static void sim_synic_nop(void *info)
{
}

/* After the core's exit: no raise can start any more. */
void sim_synic_exit(void)
{
	unsigned int cpu;

	sim_synic_set_isr(NULL);
	sim_synic_purge();
	/* IPIs run in queue order: this waits for any csd still in flight. */
	on_each_cpu(sim_synic_nop, NULL, 1);
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		irq_work_sync(&sim_synic_vps[cpu].irq_work);
	kfree(sim_synic_vps);
	sim_synic_vps = NULL;
}
