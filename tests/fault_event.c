// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "fault_event": the fault event interrupt (VT-d spec rev 5.10, 7.3 and
 * 11.4.7.2-11.4.7.5: FECTL, FEDATA, FEADDR, FEUADDR). A primary fault and
 * an invalidation queue error each send the MSI programmed in FEDATA and
 * FEADDR to a handler here; while FECTL.IM is set the event only sets
 * FECTL.IP, and clearing IM sends it. The unit runs in legacy mode.
 */
#include "boot/cpu.h"
#include "drivers/iommu/intel/fault.h"
#include "drivers/lapic.h"
#include "lib/errno.h"
#include "lib/io.h"
#include "tests/mode_fixture.h"
#include "tests/runner.h"

#define IOVA_UNMAPPED	0x1000000000ULL	/* nothing is mapped there */
#define FAULT_LEN	0x100U
#define MSI_TIMEOUT_US	100000
#define QUIET_US	10000		/* how long "no interrupt" is watched */
#define MSI_ADDR_BASE	0xfee00000U	/* Intel SDM Vol. 3A 11.11.1 */
#define MSI_DEST_SHIFT	12

/* What the engine writes; only its absence is checked here. */
static u32 learned[ENGINE_DATA_MAX / 4];

static void count_fault_event(unsigned int vector, void *data)
{
	struct intel_iommu *iommu = data;

	iommu->fault_irqs++;
}

static struct intel_iommu *unit(void)
{
	return mode_fx.iommu;
}

/* Waits with interrupts enabled until more than @seen events arrived. */
static bool event_after(unsigned int seen, u64 timeout_us)
{
	bool arrived;

	irq_enable();
	arrived = hw_poll_timeout(unit()->fault_irqs > seen, timeout_us);
	irq_disable();
	return arrived;
}

/*
 * A vector for the unit's fault events, aimed at this CPU and unmasked;
 * FEDATA and FEADDR must read back what was programmed.
 */
static unsigned int events_on(struct ktap_case *c)
{
	u32 apic = lapic_id();
	unsigned int v;

	if (!mode_enter(c, &mode_legacy))
		return 0;
	if (lapic_x2apic() && apic > 0xff) {
		ktap_skip(c, "APIC id %u needs interrupt remapping for an MSI",
			  apic);
		return 0;
	}
	v = irq_alloc_vector(count_fault_event, unit());
	if (!v) {
		ktap_fail(c, "no free interrupt vector");
		return 0;
	}
	fault_event_setup(unit(), v, apic);
	if (dmar_readl(unit(), DMAR_FEDATA_REG) != v ||
	    dmar_readl(unit(), DMAR_FEADDR_REG) !=
	    (MSI_ADDR_BASE | apic << MSI_DEST_SHIFT))
		ktap_fail(c, "FEDATA 0x%08x FEADDR 0x%08x, programmed vector 0x%x for APIC %u",
			  dmar_readl(unit(), DMAR_FEDATA_REG),
			  dmar_readl(unit(), DMAR_FEADDR_REG), v, apic);
	ktap_diag("fault events: vector 0x%x to APIC %u", v, apic);
	return v;
}

static void events_off(unsigned int v)
{
	fault_event_setup(unit(), 0, 0);
	irq_free_vector(v);
}

/* 11.4.7.2: IP clear once the interrupt was sent. */
static void expect_ip(struct ktap_case *c, bool set, const char *when)
{
	u32 fectl = dmar_readl(unit(), DMAR_FECTL_REG);

	if (!!(fectl & FECTL_IP) != set)
		ktap_fail(c, "%s: FECTL 0x%08x, IP should be %s", when, fectl,
			  set ? "set" : "clear");
}

/* Exactly one event since @seen: it arrives, and no second one. */
static void expect_one_event(struct ktap_case *c, unsigned int seen,
			     unsigned int v, const char *cause)
{
	if (!event_after(seen, MSI_TIMEOUT_US)) {
		ktap_fail(c, "%s: no fault event on vector 0x%x within %u us (FECTL 0x%08x FSTS 0x%08x)",
			  cause, v, MSI_TIMEOUT_US,
			  dmar_readl(unit(), DMAR_FECTL_REG),
			  dmar_readl(unit(), DMAR_FSTS_REG));
		return;
	}
	if (event_after(seen + 1, QUIET_US))
		ktap_fail(c, "%s: %u fault events for one condition", cause,
			  unit()->fault_irqs - seen);
	expect_ip(c, false, cause);
}

static bool attach_empty(struct ktap_case *c, struct dmar_domain *d)
{
	int ret = fixture_domain(&mode_fx, d, DOMAIN_SECOND_STAGE,
				 mode_levels(&mode_legacy));

	if (!ret)
		ret = device_attach(&mode_fx.dev[0], d);
	if (ret)
		ktap_fail(c, "domain setup: %d", ret);
	return !ret;
}

/* Detaches, and drains what a failed check may have left recorded. */
static void detach_empty(struct dmar_domain *d)
{
	struct fault_log log;

	fault_drain(unit(), &log);
	device_detach(&mode_fx.dev[0]);
	domain_destroy(d);
	mode_scrub();
}

/* 7.3: a recorded primary fault (a write to an unmapped page) sends one. */
static void primary_fault(struct ktap_case *c, const void *arg)
{
	struct dma_intent none = { .nr = 0 };
	unsigned int v = events_on(c), seen;
	struct dmar_domain d;
	struct dma_target t;

	if (!v)
		return;
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		events_off(v);
		return;
	}
	if (attach_empty(c, &d)) {
		seen = unit()->fault_irqs;
		if (dma_check_write(c, &mode_fx.ctx[0], &t, IOVA_UNMAPPED,
				    FAULT_LEN, &none))
			expect_one_event(c, seen, v, "primary fault");
	}
	detach_empty(&d);
	dma_target_free(&t);
	events_off(v);
}

/* The fault the walker predicts, recorded once for the device. */
static void expect_recorded(struct ktap_case *c, const struct walk_result *w)
{
	struct fault_log log;

	fault_drain(unit(), &log);
	for (unsigned int i = 0; i < MIN(log.nr, FAULT_LOG_MAX); i++)
		fault_print(unit(), &log.f[i]);
	if (log.nr != 1 || log.f[0].reason != w->reason || log.f[0].read ||
	    log.f[0].sid != mode_fx.eng[0]->sid ||
	    log.f[0].addr != (IOVA_UNMAPPED & VTD_PAGE_MASK)) {
		ktap_fail(c, "%u fault(s) recorded; expected one write fault at 0x%llx reason 0x%02x (%s) from 0x%04x",
			  log.nr, (unsigned long long)IOVA_UNMAPPED, w->reason,
			  vtd_fault_reason_name(w->reason), mode_fx.eng[0]->sid);
		vtd_walk_print(w);
	}
}

/*
 * 11.4.7.2: with IM set a fault event only sets IP; clearing IM sends the
 * pending interrupt and clears IP. The fault stays unserviced (PPF set)
 * until IM is cleared, so the check is done here rather than by
 * dma_check_write(), which would drain it first.
 */
static void masked_pending(struct ktap_case *c, const void *arg)
{
	unsigned int v = events_on(c), seen;
	struct dma_ctx *x = &mode_fx.ctx[0];
	const struct walk_result *w;
	u64 iova = IOVA_UNMAPPED;
	u32 len = FAULT_LEN;
	struct dmar_domain d;
	struct dma_target t;

	if (!v)
		return;
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		events_off(v);
		return;
	}
	if (!attach_empty(c, &d))
		goto out;
	if (!dma_fit(c, x, &iova, &len) ||
	    !dma_learn_write(c, x, iova, len, learned))
		goto out;
	w = dma_walk(x, iova, true);
	if (!w->fault) {
		ktap_fail(c, "test bug: the walker says 0x%llx translates",
			  (unsigned long long)IOVA_UNMAPPED);
		goto out;
	}
	dmar_writel(unit(), DMAR_FECTL_REG, FECTL_IM);
	seen = unit()->fault_irqs;
	dma_target_fill(&t);
	/* Blocked: whether the device reports it is not judged here. */
	dma_issue_write(x, iova, len, true);
	expect_ip(c, true, "fault with FECTL.IM set");
	if (event_after(seen, QUIET_US))
		ktap_fail(c, "a fault event arrived while FECTL.IM was set");
	dmar_writel(unit(), DMAR_FECTL_REG, 0);
	expect_one_event(c, seen, v, "FECTL.IM cleared with IP set");
	expect_recorded(c, w);
	dma_target_intact(c, &t);
out:
	detach_empty(&d);
	dma_target_free(&t);
	events_off(v);
}

/* 6.5.2.10 and 7.3: an invalidation queue error sends one too. */
static void queue_error(struct ktap_case *c, const void *arg)
{
	struct qi_desc bad = { 0 };	/* type 0 is reserved */
	unsigned int v = events_on(c), seen;
	struct qi_error err;
	int ret;

	if (!v)
		return;
	if (!unit()->qi_enabled) {
		ktap_skip(c, "no queued invalidation (ECAP.QI clear)");
		events_off(v);
		return;
	}
	seen = unit()->fault_irqs;
	ret = qi_submit_sync(unit(), &bad, 1, &err);
	if (ret != -EINVAL || !(err.fsts & FSTS_IQE)) {
		qi_print_error(unit(), &err);
		ktap_fail(c, "expected IQE (-EINVAL) from an all-zero descriptor, got %d with FSTS 0x%08x",
			  ret, err.fsts);
	} else {
		expect_one_event(c, seen, v, "invalidation queue error");
	}
	events_off(v);
}

static const struct test_case fault_event_cases[] = {
	TEST_CASE(primary_fault),
	TEST_CASE(masked_pending),
	TEST_CASE(queue_error),
};

static const char *fault_event_setup_suite(struct test_suite *s)
{
	return mode_suite_setup();
}

struct test_suite fault_event_suite = {
	.name = "fault_event",
	.setup = fault_event_setup_suite,
	.teardown = mode_suite_teardown,
	.cases = fault_event_cases,
	.nr_cases = ARRAY_SIZE(fault_event_cases),
};
