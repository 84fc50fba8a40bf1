// SPDX-License-Identifier: GPL-2.0
#include "lib/io.h"
#include "lib/printf.h"
#include "lib/time.h"

#define PM_TIMER_HZ		3579545ULL	/* ACPI 6.5 4.8.3.3 */
#define CALIBRATE_US		10000ULL
#define CALIBRATE_MAX_READS	50000000ULL
#define TSC_GUESS_HZ		1000000000ULL
#define TSC_MIN_HZ		50000000ULL
#define TSC_MAX_HZ		20000000000ULL

/* IA-PC HPET 1.0a 2.3: general capabilities, configuration, counter. */
#define HPET_GCAP_ID		0x000
#define HPET_GEN_CONF		0x010
#define HPET_MAIN_COUNTER	0x0f0
#define HPET_ENABLE_CNF		BIT(0)
#define HPET_PERIOD_SHIFT	32
#define FS_PER_S		1000000000000000ULL

static struct time_calibration cal = { .tsc_hz = TSC_GUESS_HZ };

struct reference {
	u64 (*read)(const struct reference *r);
	u64 mask;
	u64 hz;
	u16 port;
	u64 base;
};

static u64 read_pm_timer(const struct reference *r)
{
	return inl(r->port) & r->mask;
}

static u64 read_hpet(const struct reference *r)
{
	return mmio_read64(r->base + HPET_MAIN_COUNTER);
}

/* Counts TSC ticks over CALIBRATE_US of the reference; 0 when it is stuck. */
static u64 measure(const struct reference *r)
{
	u64 want = r->hz * CALIBRATE_US / 1000000ULL;
	u64 start = r->read(r), elapsed = 0, tsc0 = rdtsc(), tsc1;

	for (u64 reads = 0; elapsed < want; reads++) {
		if (reads == CALIBRATE_MAX_READS)
			return 0;
		elapsed = (r->read(r) - start) & r->mask;
	}
	tsc1 = rdtsc();
	cal.reference_ticks = elapsed;
	return (tsc1 - tsc0) * r->hz / elapsed;
}

static bool setup_reference(struct reference *r, u16 pm_port, bool pm32,
			    u64 hpet)
{
	u64 period_fs;

	if (pm_port) {
		*r = (struct reference){ .read = read_pm_timer, .port = pm_port,
					 .hz = PM_TIMER_HZ,
					 .mask = pm32 ? 0xffffffffULL : 0xffffffULL };
		cal.source = TIME_SOURCE_PM_TIMER;
		return true;
	}
	if (!hpet)
		return false;
	period_fs = mmio_read64(hpet + HPET_GCAP_ID) >> HPET_PERIOD_SHIFT;
	if (!period_fs || period_fs > 100000000ULL)
		return false;
	mmio_write64(hpet + HPET_GEN_CONF,
		     mmio_read64(hpet + HPET_GEN_CONF) | HPET_ENABLE_CNF);
	*r = (struct reference){ .read = read_hpet, .base = hpet,
				 .hz = FS_PER_S / period_fs, .mask = ~0ULL };
	cal.source = TIME_SOURCE_HPET;
	return true;
}

void time_init(u16 pm_tmr_port, bool pm_tmr_32bit, u64 hpet_base)
{
	struct reference ref;
	u64 hz;

	if (!setup_reference(&ref, pm_tmr_port, pm_tmr_32bit, hpet_base)) {
		ksnprintf(cal.problem, sizeof(cal.problem),
			  "no ACPI PM timer and no usable HPET");
		return;
	}
	hz = measure(&ref);
	if (hz < TSC_MIN_HZ || hz > TSC_MAX_HZ) {
		ksnprintf(cal.problem, sizeof(cal.problem),
			  "TSC measured at %llu Hz against the %s: implausible",
			  (unsigned long long)hz,
			  cal.source == TIME_SOURCE_HPET ? "HPET" : "PM timer");
		return;
	}
	cal.tsc_hz = hz;
	cal.ok = true;
}

const struct time_calibration *time_calibration(void)
{
	return &cal;
}

u64 time_now_us(void)
{
	return rdtsc() / (cal.tsc_hz / 1000000ULL);
}

u64 deadline_after_us(u64 us)
{
	return rdtsc() + us * (cal.tsc_hz / 1000000ULL);
}

bool deadline_passed(u64 deadline)
{
	return (s64)(rdtsc() - deadline) >= 0;
}

u64 deadline_left_us(u64 deadline)
{
	s64 left = (s64)(deadline - rdtsc());

	return left > 0 ? (u64)left / (cal.tsc_hz / 1000000ULL) : 0;
}

void udelay(u64 us)
{
	u64 dl = deadline_after_us(us);

	while (!deadline_passed(dl))
		cpu_relax();
}
