// SPDX-License-Identifier: GPL-2.0
/*
 * The real x86 Hyper-V back end of the hypervisor interface: SynIC MSRs,
 * HvPostMessage and HvSignalEvent through the hypercall page
 * (../shared/spec/vmbus.md section 1).
 *
 * Where the kernel's arch code has set Hyper-V up (CONFIG_HYPERV: guest OS
 * ID, hypercall page, VP indices, the callback vector 0xF3 and its IDT
 * entry, as Debian's 6.1 does at boot), this back end reuses it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include "vmbus_core.h"

#if IS_ENABLED(CONFIG_HYPERV)
#include <asm/mshyperv.h>

/* HvPostMessage input block (section 1.6): 8-byte aligned, one page. */
struct hv_x86_post_message {
	u32 connection_id;
	u32 reserved;
	u32 message_type;
	u32 payload_size;
	u8 payload[VMBUS_MSG_MAX];
} __packed;
static_assert(sizeof(struct hv_x86_post_message) == 256);

static bool hv_x86_registered;

static int hv_x86_init(void (*isr)(void))
{
	hv_setup_vmbus_handler(isr);
	return 0;
}

static void hv_x86_exit(void)
{
	hv_remove_vmbus_handler();
}

static u32 hv_x86_vp_index(unsigned int cpu)
{
	return hv_vp_index[cpu];
}

static void hv_x86_synic_enable(unsigned int cpu, void *simp, void *siefp)
{
	union hv_synic_simp simp_reg;
	union hv_synic_siefp siefp_reg;
	union hv_synic_sint sint;
	union hv_synic_scontrol sctrl;

	simp_reg.as_uint64 = hv_get_register(HV_REGISTER_SIMP);
	simp_reg.simp_enabled = 1;
	simp_reg.base_simp_gpa = virt_to_phys(simp) >> HV_HYP_PAGE_SHIFT;
	hv_set_register(HV_REGISTER_SIMP, simp_reg.as_uint64);

	siefp_reg.as_uint64 = hv_get_register(HV_REGISTER_SIEFP);
	siefp_reg.siefp_enabled = 1;
	siefp_reg.base_siefp_gpa = virt_to_phys(siefp) >> HV_HYP_PAGE_SHIFT;
	hv_set_register(HV_REGISTER_SIEFP, siefp_reg.as_uint64);

	sint.as_uint64 = hv_get_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT);
	sint.vector = HYPERVISOR_CALLBACK_VECTOR;
	sint.masked = false;
	/* The host may ask us not to use auto-EOI (section 1.2). */
	sint.auto_eoi = !(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED);
	hv_set_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT, sint.as_uint64);

	sctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);
	sctrl.enable = 1;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);
}

static void hv_x86_synic_disable(unsigned int cpu)
{
	union hv_synic_simp simp_reg;
	union hv_synic_siefp siefp_reg;
	union hv_synic_sint sint;
	union hv_synic_scontrol sctrl;

	sint.as_uint64 = hv_get_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT);
	sint.masked = 1;
	hv_set_register(HV_REGISTER_SINT0 + VMBUS_MESSAGE_SINT, sint.as_uint64);

	simp_reg.as_uint64 = hv_get_register(HV_REGISTER_SIMP);
	simp_reg.simp_enabled = 0;
	simp_reg.base_simp_gpa = 0;
	hv_set_register(HV_REGISTER_SIMP, simp_reg.as_uint64);

	siefp_reg.as_uint64 = hv_get_register(HV_REGISTER_SIEFP);
	siefp_reg.siefp_enabled = 0;
	siefp_reg.base_siefp_gpa = 0;
	hv_set_register(HV_REGISTER_SIEFP, siefp_reg.as_uint64);

	sctrl.as_uint64 = hv_get_register(HV_REGISTER_SCONTROL);
	sctrl.enable = 0;
	hv_set_register(HV_REGISTER_SCONTROL, sctrl.as_uint64);
}

static u16 hv_x86_post_message(u32 connection_id, const void *payload, u32 size)
{
	struct hv_x86_post_message *in;
	unsigned long flags;
	u64 status;

	/* The per-CPU input page is ours while interrupts are off. */
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->connection_id = connection_id;
	in->reserved = 0;
	in->message_type = VMBUS_POST_MESSAGE_TYPE;
	in->payload_size = size;
	memcpy(in->payload, payload, size);
	status = hv_do_hypercall(HVCALL_POST_MESSAGE, in, NULL);
	local_irq_restore(flags);
	return status & HV_HYPERCALL_RESULT_MASK;
}

static u16 hv_x86_signal_event(u32 connection_id, u16 flag)
{
	return hv_do_fast_hypercall8(HVCALL_SIGNAL_EVENT,
				     connection_id | (u64)flag << 32) &
	       HV_HYPERCALL_RESULT_MASK;
}

static void hv_x86_eom(void)
{
	hv_set_register(HV_REGISTER_EOM, 0);
}

static const struct vmbus_hv_ops hv_x86_ops = {
	.name = "Hyper-V",
	.owner = THIS_MODULE,
	.init = hv_x86_init,
	.exit = hv_x86_exit,
	.vp_index = hv_x86_vp_index,
	.synic_enable = hv_x86_synic_enable,
	.synic_disable = hv_x86_synic_disable,
	.post_message = hv_x86_post_message,
	.signal_event = hv_x86_signal_event,
	.eom = hv_x86_eom,
};

/**
 * vmbus_hv_x86_init() - connect through Hyper-V if we run on it
 *
 * Return: 0 if connected, -ENODEV when not on Hyper-V, other -errno.
 */
int vmbus_hv_x86_init(void)
{
	int ret;

	if (!hv_is_hyperv_initialized() ||
	    !(ms_hyperv.features & HV_MSR_SYNIC_AVAILABLE))
		return -ENODEV;
	ret = vmbus_hv_register(&hv_x86_ops);
	if (ret)
		pr_err("cannot connect through Hyper-V (%d)\n", ret);
	hv_x86_registered = !ret;
	return ret;
}

/**
 * vmbus_hv_x86_exit() - disconnect from Hyper-V if connected
 */
void vmbus_hv_x86_exit(void)
{
	if (hv_x86_registered)
		vmbus_hv_unregister(&hv_x86_ops);
	hv_x86_registered = false;
}

#else /* !CONFIG_HYPERV */

/*
 * Without the arch support nobody has set up the hypercall page and the
 * callback vector; a module cannot claim a system vector, so real Hyper-V
 * is not supported in such a kernel (the simulated host still is).
 */
int vmbus_hv_x86_init(void)
{
	return -ENODEV;
}

void vmbus_hv_x86_exit(void)
{
}
#endif
