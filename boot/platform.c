// SPDX-License-Identifier: GPL-2.0
/*
 * Leaving the run. Under QEMU the firmware exits through isa-debug-exit;
 * that port is written only after QEMU was recognised, never on real
 * hardware. Elsewhere, and under QEMU without that device, vtdtest.cfg's
 * on_finish decides: halt, reset through the FADT reset register, or ACPI S5.
 */
#include "boot/platform.h"
#include "drivers/acpi/tables.h"
#include "lib/io.h"
#include "lib/printf.h"
#include "lib/time.h"

/* QEMU docs/specs/fw_cfg.rst: selector and data ports, signature item. */
#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_SIGNATURE	0x0000

#define CPUID_HYPERVISOR	BIT(31)		/* CPUID.1:ECX */

/* ACPI 6.5 4.8.3.2.1: PM1 control register. */
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_EN		BIT(13)

#define EXIT_SETTLE_US		100000
/* isa-debug-exit asks QEMU's main loop to shut down; give it time. */
#define DEBUG_EXIT_WAIT_US	1000000

static enum cfg_finish on_finish = CFG_FINISH_HALT;
static u64 image_base;
static int is_qemu = -1;

void platform_init(const struct cfg *cfg, u64 base)
{
	on_finish = cfg->on_finish;
	image_base = base;
}

u64 platform_image_base(void)
{
	return image_base;
}

static bool probe_qemu(void)
{
	char sig[4];

	/* Bare metal never sees the fw_cfg ports touched. */
	if (!(cpuid(1, 0).ecx & CPUID_HYPERVISOR))
		return false;
	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (unsigned int i = 0; i < sizeof(sig); i++)
		sig[i] = inb(FW_CFG_PORT_DATA);
	return sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U';
}

bool platform_is_qemu(void)
{
	if (is_qemu < 0)
		is_qemu = probe_qemu();
	return is_qemu;
}

static void acpi_reset(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();

	if (!f || !f->reset_supported) {
		kprintf("# on_finish=reset: the FADT offers no reset register\n");
		return;
	}
	if (f->reset_reg.space_id == ACPI_GAS_IO)
		outb(f->reset_reg.address, f->reset_value);
	else if (f->reset_reg.space_id == ACPI_GAS_MEMORY)
		mmio_write8(f->reset_reg.address, f->reset_value);
	udelay(EXIT_SETTLE_US);
	kprintf("# on_finish=reset: the reset register had no effect\n");
}

static void acpi_poweroff(void)
{
	const struct acpi_fadt_info *f = acpi_fadt();

	if (!f || !f->pm1a_cnt || !f->s5_valid) {
		kprintf("# on_finish=poweroff: no PM1a control block or \\_S5\n");
		return;
	}
	outw(f->pm1a_cnt, (f->s5_typ_a << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	if (f->pm1b_cnt)
		outw(f->pm1b_cnt, (f->s5_typ_b << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
	udelay(EXIT_SETTLE_US);
	kprintf("# on_finish=poweroff: S5 had no effect\n");
}

void platform_exit(enum exit_code code)
{
	irq_disable();
	if (platform_is_qemu()) {
		outb(ISA_DEBUG_EXIT_PORT, code);
		udelay(DEBUG_EXIT_WAIT_US);
	}
	/* Still here: not QEMU, or QEMU without isa-debug-exit. */
	if (on_finish == CFG_FINISH_RESET)
		acpi_reset();
	else if (on_finish == CFG_FINISH_POWEROFF)
		acpi_poweroff();
	kprintf("# vtdtest: halted\n");
	for (;;)
		asm volatile("cli; hlt");
}
