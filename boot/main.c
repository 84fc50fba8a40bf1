// SPDX-License-Identifier: GPL-2.0
/*
 * The minimal kernel: bring up the console, the tables and the timers the
 * tests need, run the suites, and leave with a verdict.
 */
#include "boot/boot.h"
#include "boot/cpu.h"
#include "boot/main.h"
#include "boot/memmap.h"
#include "boot/platform.h"
#include "drivers/acpi/tables.h"
#include "drivers/iommu/intel/platform.h"
#include "drivers/lapic.h"
#include "drivers/pci.h"
#include "drivers/serial.h"
#include "lib/palloc.h"
#include "lib/printf.h"
#include "lib/time.h"
#include "tests/runner.h"

#define COM1_PORT	0x3f8

static const struct boot_info *boot;
static bool serial_fallback;

const struct boot_info *boot_info(void)
{
	return boot;
}

bool boot_serial_fell_back(void)
{
	return serial_fallback;
}

static void console_init(const struct cfg *cfg)
{
	const struct cfg_console *con = &cfg->console;

	if (con->kind == CFG_CONSOLE_IO && serial_init(con->base, cfg->baud))
		return;
	/* The configured port is absent: COM1 is the best remaining hope. */
	serial_fallback = con->kind != CFG_CONSOLE_AUTO;
	serial_init(COM1_PORT, cfg->baud);
}

void kernel_main(struct boot_info *bi)
{
	const struct acpi_fadt_info *fadt;
	int failed;

	boot = bi;
	cpu_init();
	console_init(&bi->config);
	console_set_sink(serial_write);
	platform_init(&bi->config, bi->image_base);
	lapic_init();
	acpi_init(bi->rsdp);
	fadt = acpi_fadt();
	time_init(fadt ? fadt->pm_tmr_port : 0, fadt && fadt->pm_tmr_32bit,
		  acpi_hpet_base());
	lapic_timer_init();
	palloc_init(bi->pool_base, bi->pool_pages);
	memmap_init(bi);
	pci_init();
	vtd_verbose = bi->config.verbose;
	iommu_platform_init();

	failed = runner_run(&bi->config);
	platform_exit(failed ? EXIT_FAIL : EXIT_PASS);
}
