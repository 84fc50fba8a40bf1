// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "pasid": requests with a PASID are translated through their own
 * PASID entry, requests without one through RID_PASID, and a PASID with
 * no entry faults (VT-d spec rev 5.10, 3.4.3 and 9.6).
 */
#include "tests/fixture.h"
#include "tests/runner.h"

#define IOVA		0x1000000000ULL
#define PASID_A		5
#define PASID_NONE	7
#define SZ_4K		0x1000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)

static struct fixture fx;
static enum domain_type type;

static void use_pasid(struct dma_ctx *x, bool present, u32 pasid)
{
	x->pasid_present = present;
	x->pasid = pasid;
}

static bool domain_with(struct ktap_case *c, struct dmar_domain *d,
			const struct dma_map *m)
{
	int ret = fixture_domain(&fx, d, type, 4);

	if (!ret)
		ret = domain_map(d, m->iova, m->pa, m->size, m->prot);
	if (ret)
		ktap_fail(c, "domain mapping 0x%llx -> 0x%llx: %d",
			  (unsigned long long)m->iova,
			  (unsigned long long)m->pa, ret);
	return !ret;
}

/* The same IOVA through RID_PASID and through PASID_A: two places. */
static void rid_pasid_and_pasid(struct ktap_case *c, const void *arg)
{
	struct dma_ctx *x = &fx.ctx[0];
	struct dmar_domain dom[2];
	struct dma_target t[2];
	struct dma_map m[2];
	int ret;

	if (dma_target_alloc(&t[0], 1, 1) || dma_target_alloc(&t[1], 1, 1)) {
		ktap_fail(c, "no memory for the targets");
		return;
	}
	m[0] = (struct dma_map){ IOVA, t[0].phys, SZ_4K, RW };
	m[1] = (struct dma_map){ IOVA, t[1].phys, SZ_4K, RW };
	if (domain_with(c, &dom[0], &m[0]) && domain_with(c, &dom[1], &m[1])) {
		ret = device_attach(&fx.dev[0], &dom[0]);
		if (!ret)
			ret = device_attach_pasid(&fx.dev[0], PASID_A, &dom[1]);
		if (ret)
			ktap_fail(c, "attach: %d", ret);
		for (unsigned int i = 0; !ret && i < 2; i++) {
			struct dma_intent in = { .maps = &m[i], .nr = 1 };

			use_pasid(x, i == 1, PASID_A);
			ktap_diag("DMA %s", i ? "with PASID 5" : "without PASID");
			dma_target_fill(&t[!i]);
			dma_check_write(c, x, &t[i], IOVA, SZ_4K, &in);
			dma_target_intact(c, &t[!i]);
		}
		use_pasid(x, false, 0);
		device_detach_pasid(&fx.dev[0], PASID_A, &dom[1]);
		device_detach(&fx.dev[0]);
	}
	domain_destroy(&dom[0]);
	domain_destroy(&dom[1]);
	dma_target_free(&t[0]);
	dma_target_free(&t[1]);
}

/* A PASID the device never had an entry for. */
static void unconfigured_pasid(struct ktap_case *c, const void *arg)
{
	struct dma_ctx *x = &fx.ctx[0];
	struct dma_intent none = { .nr = 0 };
	struct dmar_domain d;
	struct dma_target t;
	struct dma_map m;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ IOVA, t.phys, SZ_4K, RW };
	if (domain_with(c, &d, &m) && !device_attach(&fx.dev[0], &d)) {
		use_pasid(x, true, PASID_NONE);
		dma_check_write(c, x, &t, IOVA, 0x100, &none);
		use_pasid(x, false, 0);
		device_detach(&fx.dev[0]);
	}
	domain_destroy(&d);
	dma_target_free(&t);
}

static const char *pasid_setup(struct test_suite *s)
{
	const char *why = fixture_setup(&fx, true);

	if (fixture_error(&fx))
		runner_setup_failed("%s", why);
	if (why)
		return why;
	why = fixture_pasid_why(&fx);
	if (why)
		return why;
	type = fx.iommu->ecap & ECAP_SSTS ? DOMAIN_SECOND_STAGE :
					    DOMAIN_FIRST_STAGE;
	return NULL;
}

static void pasid_teardown(void)
{
	fixture_teardown(&fx);
}

static const struct test_case pasid_cases[] = {
	TEST_CASE(rid_pasid_and_pasid),
	TEST_CASE(unconfigured_pasid),
};

struct test_suite pasid_suite = {
	.name = "pasid", .setup = pasid_setup, .teardown = pasid_teardown,
	.cases = pasid_cases, .nr_cases = ARRAY_SIZE(pasid_cases),
};
