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
#include "boot/screen.h"
#include "drivers/acpi/spcr.h"
#include "drivers/acpi/tables.h"
#include "drivers/fbcon.h"
#include "drivers/engine/engine.h"
#include "drivers/iommu/intel/platform.h"
#include "drivers/lapic.h"
#include "drivers/pci.h"
#include "drivers/serial.h"
#include "lib/palloc.h"
#include "lib/printf.h"
#include "lib/time.h"
#include "tests/preenable.h"
#include "tests/runner.h"

#define COM1_PORT	0x3f8
#define CONSOLE_TEXT_LEN	200

static const struct boot_info *boot;
static char console_text[CONSOLE_TEXT_LEN];	/* the console, and whence */
static char console_problem[CONSOLE_TEXT_LEN];	/* why not the one named */

const struct boot_info *boot_info(void)
{
	return boot;
}

const char *boot_console(void)
{
	return console_text;
}

const char *boot_console_problem(void)
{
	return console_problem;
}

/* "I/O 0x3f8, 115200 baud" or "MMIO 0x... (32-bit registers), ..." */
static void describe(char *buf, size_t len, const struct serial_port *p)
{
	int n;

	if (p->space == SERIAL_IO)
		n = ksnprintf(buf, len, "I/O 0x%llx",
			      (unsigned long long)p->base);
	else
		n = ksnprintf(buf, len, "MMIO 0x%llx (%u-bit registers)",
			      (unsigned long long)p->base, p->reg_width * 8);
	if (n < 0 || (size_t)n >= len)
		return;
	if (p->baud)
		ksnprintf(buf + n, len - n, ", %u baud", p->baud);
	else
		ksnprintf(buf + n, len - n, ", baud as the firmware set it");
}

static bool console_try(const struct serial_port *p, const char *whence)
{
	char where[CONSOLE_TEXT_LEN / 2];

	describe(where, sizeof(where), p);
	if (serial_init(p)) {
		ksnprintf(console_text, sizeof(console_text), "%s (%s)", where,
			  whence);
		return true;
	}
	ksnprintf(console_problem, sizeof(console_problem),
		  "no UART answers at %s, the console %s names", where, whence);
	return false;
}

/*
 * The console vtdtest.cfg names; without one, the ACPI SPCR table's
 * (console_init() runs after acpi_init()); else COM1. A named console
 * that cannot be used is a problem for boot.config to report, and COM1
 * stands in for it.
 */
static void console_init(const struct cfg *cfg)
{
	const struct cfg_console *con = &cfg->console;
	const struct serial_port com1 = {
		.space = SERIAL_IO, .base = COM1_PORT, .reg_width = 1,
		.baud = cfg->baud, .clock_hz = SERIAL_CLOCK_HZ,
	};
	const char *why_com1 = "vtdtest.cfg names none, no ACPI SPCR";
	const struct acpi_table_header *spcr;
	struct spcr_info info;
	char where[CONSOLE_TEXT_LEN / 2];

	if (con->kind != CFG_CONSOLE_AUTO) {
		const struct serial_port p = {
			.space = con->kind == CFG_CONSOLE_MMIO ? SERIAL_MMIO :
								  SERIAL_IO,
			.base = con->base, .reg_width = con->reg_width,
			.baud = cfg->baud, .clock_hz = SERIAL_CLOCK_HZ,
		};

		if (console_try(&p, "vtdtest.cfg"))
			return;
		why_com1 = "fallback";
	} else if ((spcr = acpi_find("SPCR", 0))) {
		switch (spcr_parse(spcr, spcr->length, &info)) {
		case SPCR_USABLE:
			if (console_try(&info.port, "ACPI SPCR"))
				return;
			why_com1 = "fallback";
			break;
		case SPCR_UNSUPPORTED:
			/* Not for vtdtest to drive, and not wrong either. */
			why_com1 = info.why;
			break;
		case SPCR_MALFORMED:
			ksnprintf(console_problem, sizeof(console_problem),
				  "ACPI %s", info.why);
			why_com1 = "fallback";
			break;
		}
	}
	/* Only a COM1 that does not answer leaves the run without output. */
	serial_init(&com1);
	describe(where, sizeof(where), &com1);
	ksnprintf(console_text, sizeof(console_text), "%s (COM1: %s)", where,
		  why_com1);
}

void kernel_main(struct boot_info *bi)
{
	const struct acpi_fadt_info *fadt;
	bool quiesced;
	int failed;

	boot = bi;
	cpu_init();
	acpi_init(bi->rsdp);		/* only records problems: no output yet */
	console_init(&bi->config);
	console_set_sink(serial_write);
	fbcon_init(&bi->fb);
	platform_init(&bi->config, bi->image_base);
	lapic_init();
	fadt = acpi_fadt();
	time_init(fadt ? fadt->pm_tmr_port : 0, fadt && fadt->pm_tmr_32bit,
		  acpi_hpet_base());
	lapic_timer_init();
	palloc_init(bi->pool_base, bi->pool_pages);
	memmap_init(bi);
	pci_init();
	vtd_verbose = bi->config.verbose;
	iommu_platform_init();
	engine_probe_all();
	if (bi->config.inject == CFG_INJECT_PREENABLE) {
		preenable_init(&bi->config);
		iommu_platform_preenable(preenable_fault_dma);
	}

	runner_run(&bi->config);
	engine_quiesce_all();
	quiesced = !iommu_platform_quiesce();
	failed = runner_end(quiesced);
	screen_show_result(!failed && quiesced);
	platform_exit(failed || !quiesced ? EXIT_FAIL : EXIT_PASS);
}
