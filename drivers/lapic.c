// SPDX-License-Identifier: GPL-2.0
/*
 * Local APIC (Intel SDM Vol. 3A, chapters 11 and 11.12 for x2APIC): just
 * enough for MSIs to arrive, for EOI and for a self-IPI.
 */
#include "boot/cpu.h"
#include "drivers/lapic.h"
#include "lib/io.h"
#include "lib/time.h"

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_EXTD		BIT(10)		/* x2APIC mode */
#define APIC_BASE_EN		BIT(11)
#define APIC_BASE_ADDR		GENMASK_ULL(51, 12)

#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LO		0x300
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DIV		0x3e0
#define APIC_LVT_MASKED		BIT(16)
#define APIC_TIMER_DIV_16	0x3
#define TIMER_CALIBRATE_US	10000
#define TIMER_MAX_COUNT		0xffffffffULL
#define APIC_SVR_ENABLE		BIT(8)
#define APIC_ICR_SELF		(1U << 18)	/* destination shorthand */
#define APIC_ICR_BUSY		BIT(12)

#define X2APIC_MSR(reg)		(0x800 + ((reg) >> 4))
#define X2APIC_SELF_IPI		0x83f

#define ICR_IDLE_POLLS		100000

static u64 mmio_base;
static bool x2apic;
static u64 timer_hz;
static unsigned int wake_vector;

static u32 lapic_read(u32 reg)
{
	return x2apic ? (u32)rdmsr(X2APIC_MSR(reg)) : mmio_read32(mmio_base + reg);
}

static void lapic_write(u32 reg, u32 v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(reg), v);
	else
		mmio_write32(mmio_base + reg, v);
}

void lapic_init(void)
{
	u64 msr = rdmsr(MSR_APIC_BASE);

	if (!(msr & APIC_BASE_EN)) {
		msr |= APIC_BASE_EN;
		wrmsr(MSR_APIC_BASE, msr);
	}
	x2apic = msr & APIC_BASE_EXTD;
	mmio_base = msr & APIC_BASE_ADDR;
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
}

u32 lapic_id(void)
{
	u32 id = lapic_read(APIC_ID);

	return x2apic ? id : id >> 24;
}

bool lapic_x2apic(void)
{
	return x2apic;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

void lapic_self_ipi(u8 vector)
{
	if (x2apic) {
		wrmsr(X2APIC_SELF_IPI, vector);
		return;
	}
	for (unsigned int i = 0; i < ICR_IDLE_POLLS; i++)
		if (!(lapic_read(APIC_ICR_LO) & APIC_ICR_BUSY))
			break;
	lapic_write(APIC_ICR_LO, APIC_ICR_SELF | vector);
}

/* The timer only has to end a halt: its handler has nothing to do. */
static void wake(unsigned int vector, void *data)
{
}

void lapic_timer_init(void)
{
	u32 left;

	lapic_write(APIC_TIMER_DIV, APIC_TIMER_DIV_16);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, TIMER_MAX_COUNT);
	udelay(TIMER_CALIBRATE_US);
	left = lapic_read(APIC_TIMER_CUR);
	lapic_write(APIC_TIMER_INIT, 0);
	timer_hz = (TIMER_MAX_COUNT - left) * (1000000ULL / TIMER_CALIBRATE_US);
	wake_vector = irq_alloc_vector(wake, NULL);
}

u64 lapic_timer_hz(void)
{
	return timer_hz;
}

static void timer_oneshot(u64 us)
{
	u64 count = timer_hz * us / 1000000ULL + 1;

	lapic_write(APIC_LVT_TIMER, wake_vector);
	lapic_write(APIC_TIMER_INIT, MIN(count, TIMER_MAX_COUNT));
}

bool lapic_halt_until(bool (*done)(void *arg), void *arg, u64 timeout_us)
{
	u64 deadline = deadline_after_us(timeout_us);
	bool ok;

	/* Without a timer to wake us, only spinning is bounded. */
	if (!timer_hz || !wake_vector) {
		while (!(ok = done(arg)) && !deadline_passed(deadline))
			cpu_relax();
		return ok;
	}
	for (;;) {
		irq_disable();
		if ((ok = done(arg)) || deadline_passed(deadline))
			break;
		/*
		 * Armed before every halt for the time left: the timer's rate
		 * is measured, and a timer that ran out before the deadline
		 * would leave the next halt with nothing to end it.
		 */
		timer_oneshot(deadline_left_us(deadline));
		/* sti;hlt: an interrupt after the check still ends the halt. */
		safe_halt();
	}
	irq_disable();
	lapic_write(APIC_TIMER_INIT, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	return ok || done(arg);
}
