// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "boot": what the rest of the run stands on. Configuration, the page
 * pool, the calibrated timer, the exception path and interrupt delivery.
 */
#include "boot/cpu.h"
#include "boot/main.h"
#include "boot/platform.h"
#include "drivers/fbcon.h"
#include "drivers/lapic.h"
#include "lib/hw.h"
#include "lib/io.h"
#include "lib/palloc.h"
#include "lib/time.h"
#include "tests/runner.h"

#define VECTOR_BP		3
#define IPI_TIMEOUT_US		100000
#define POOL_PROBE_PAGES	16

static void config(struct ktap_case *c, const void *arg)
{
	const struct boot_info *bi = boot_info();
	const struct cfg *cfg = &bi->config;

	ktap_diag("vtdtest %s", VTDTEST_VERSION);
	static const char *const finish[] = { "halt", "reset", "poweroff" };

	ktap_diag("vtdtest.cfg %s; tests='%s' on_finish=%s console=%u:0x%llx baud=%u pool_mb=%u repeat=%u units=0x%x stop_on_fail=%u",
		  bi->cfg_found ? "read" : "absent, defaults apply", cfg->tests,
		  finish[cfg->on_finish], cfg->console.kind,
		  (unsigned long long)cfg->console.base, cfg->baud,
		  cfg->pool_mb, cfg->repeat, cfg->units, cfg->stop_on_fail);
	if (bi->error[0])
		ktap_fail(c, "before ExitBootServices: %s", bi->error);
	for (unsigned int i = 0; i < MIN(cfg->nr_errors, CFG_MAX_ERRORS); i++)
		ktap_fail(c, "vtdtest.cfg %s", cfg->errors[i]);
	if (cfg->nr_errors > CFG_MAX_ERRORS)
		ktap_fail(c, "vtdtest.cfg: %u more problems",
			  cfg->nr_errors - CFG_MAX_ERRORS);
	ktap_diag("console: %s", boot_console());
	if (boot_console_problem()[0])
		ktap_fail(c, "console: %s; COM1 stands in",
			  boot_console_problem());
	ktap_diag("framebuffer: %s", fbcon_status());
	ktap_diag("ExitBootServices took %u attempt(s); running under %s",
		  bi->ebs_attempts, platform_is_qemu() ? "QEMU" : "hardware");
}

static bool all_zero(const u8 *p, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void memory_pool(struct ktap_case *c, const void *arg)
{
	u64 before = palloc_free_pages();
	u8 *a, *b;

	ktap_diag("pool %llu pages, %llu free",
		  (unsigned long long)palloc_total_pages(),
		  (unsigned long long)before);
	if (!palloc_total_pages()) {
		ktap_fail(c, "no page pool was reserved");
		return;
	}
	a = pages_alloc_aligned(POOL_PROBE_PAGES, POOL_PROBE_PAGES);
	if (!a) {
		ktap_fail(c, "no %u-page aligned run in the pool", POOL_PROBE_PAGES);
		return;
	}
	if (!IS_ALIGNED(virt_to_phys(a), POOL_PROBE_PAGES * PAGE_SIZE))
		ktap_fail(c, "run at %p is not %u-page aligned", a,
			  POOL_PROBE_PAGES);
	if (!all_zero(a, POOL_PROBE_PAGES * PAGE_SIZE))
		ktap_fail(c, "fresh pages at %p are not zeroed", a);
	a[0] = 0xa5;
	b = page_alloc();
	if (b && virt_to_phys(b) >= virt_to_phys(a) &&
	    virt_to_phys(b) < virt_to_phys(a) + POOL_PROBE_PAGES * PAGE_SIZE)
		ktap_fail(c, "page %p handed out twice", b);
	page_free(b);
	pages_free(a, POOL_PROBE_PAGES);
	if (palloc_free_pages() != before)
		ktap_fail(c, "free pages %llu after freeing, %llu before",
			  (unsigned long long)palloc_free_pages(),
			  (unsigned long long)before);
}

static void timer(struct ktap_case *c, const void *arg)
{
	const struct time_calibration *t = time_calibration();

	if (!t->ok) {
		ktap_fail(c, "TSC calibration failed: %s; waits assume %llu Hz",
			  t->problem, (unsigned long long)t->tsc_hz);
		return;
	}
	ktap_diag("TSC %llu kHz against the %s (%llu reference ticks)",
		  (unsigned long long)(t->tsc_hz / 1000),
		  t->source == TIME_SOURCE_HPET ? "HPET" : "ACPI PM timer",
		  (unsigned long long)t->reference_ticks);
}

/* #BP is a trap: the handler returns past int3 when it is expected. */
static void exception_path(struct ktap_case *c, const void *arg)
{
	exception_expect(VECTOR_BP);
	asm volatile("int3");
	exception_expect(-1);
	if (exception_expected_hits() != 0)
		ktap_fail(c, "expectation reset did not clear the count");
	exception_expect(VECTOR_BP);
	asm volatile("int3");
	asm volatile("int3");
	if (exception_expected_hits() != 2)
		ktap_fail(c, "2 breakpoints raised, %u reached the IDT handler",
			  exception_expected_hits());
	exception_expect(-1);
	/* inject=exception: what a crash looks like, end to end. */
	if (runner_cfg()->inject == CFG_INJECT_EXCEPTION)
		asm volatile("ud2");
}

static volatile unsigned int ipi_hits;

static void count_ipi(unsigned int vector, void *data)
{
	ipi_hits++;
}

static void local_interrupt(struct ktap_case *c, const void *arg)
{
	unsigned int v = irq_alloc_vector(count_ipi, NULL);
	bool arrived;

	if (!v) {
		ktap_fail(c, "no free interrupt vector");
		return;
	}
	ipi_hits = 0;
	lapic_self_ipi(v);
	irq_enable();
	arrived = hw_poll_timeout(ipi_hits == 1, IPI_TIMEOUT_US);
	irq_disable();
	irq_free_vector(v);
	if (!arrived)
		ktap_fail(c, "self-IPI on vector 0x%x did not arrive within %u us (%s APIC id %u)",
			  v, IPI_TIMEOUT_US, lapic_x2apic() ? "x2APIC" : "xAPIC",
			  lapic_id());
}

static const struct test_case boot_cases[] = {
	TEST_CASE(config),
	TEST_CASE(memory_pool),
	TEST_CASE(timer),
	TEST_CASE(exception_path),
	TEST_CASE(local_interrupt),
};

struct test_suite boot_suite = {
	.name = "boot",
	.cases = boot_cases,
	.nr_cases = ARRAY_SIZE(boot_cases),
};
