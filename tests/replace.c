// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "replace": a live device moves from one domain to another (one
 * a second device is using, when there is one), with DMA before and
 * after, in each mode the unit offers. The move is Linux's: the old
 * context or PASID entry torn down and flushed in
 * domain_context_clear_one() / intel_pasid_tear_down_entry() order
 * (context-cache or PASID-cache, then the IOTLB of the old domain id:
 * VT-d spec rev 5.10, 6.5.2.1-6.5.2.4), then the new one set up. The same IOVA
 * maps to another page in each domain, so a translation of the old domain
 * that survived the move would land in the old page, which the target's
 * canaries watch.
 */
#include "tests/mode_fixture.h"
#include "tests/runner.h"

#define IOVA_BASE	0x1000000000ULL
#define SZ_4K		0x1000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define DMA_OFF		0x400ULL
#define DMA_LEN		0x200U

struct move {
	struct dmar_domain dom[2];	/* old, new */
	unsigned int nr_dom;
	struct dma_map map[2];		/* IOVA_BASE in each */
	struct dma_target t;		/* page 0 old, page 1 new */
};

static bool move_setup(struct ktap_case *c, struct move *mv,
		       const struct test_mode *m)
{
	unsigned int levels = mode_levels(m);
	int ret;

	*mv = (struct move){ 0 };
	if (dma_target_alloc(&mv->t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return false;
	}
	for (; mv->nr_dom < 2; mv->nr_dom++) {
		struct dmar_domain *d = &mv->dom[mv->nr_dom];
		struct dma_map *map = &mv->map[mv->nr_dom];

		*map = (struct dma_map){ IOVA_BASE,
					 mv->t.phys + mv->nr_dom * SZ_4K,
					 SZ_4K, RW };
		ret = fixture_domain(&mode_fx, d, m->type, levels);
		if (!ret)
			ret = domain_map(d, map->iova, map->pa, map->size,
					 map->prot);
		if (ret) {
			ktap_fail(c, "%u-level domain with 0x%llx -> 0x%llx: %d",
				  levels, (unsigned long long)map->iova,
				  (unsigned long long)map->pa, ret);
			return false;
		}
	}
	return true;
}

static void move_done(struct move *mv)
{
	for (unsigned int i = 0; i < mode_fx.nr_dev; i++)
		device_detach(&mode_fx.dev[i]);
	for (unsigned int i = 0; i < mv->nr_dom; i++)
		domain_destroy(&mv->dom[i]);
	dma_target_free(&mv->t);
	mode_scrub();
}

static bool attach(struct ktap_case *c, unsigned int dev, struct dmar_domain *d)
{
	int ret = device_attach(&mode_fx.dev[dev], d);

	if (ret)
		ktap_fail(c, "attaching device %u to domain %u: %d", dev,
			  d->did, ret);
	return !ret;
}

/* Linux's order: the old entry torn down and flushed, then the new one. */
static bool replace(struct ktap_case *c, unsigned int dev,
		    struct dmar_domain *to)
{
	struct dmar_domain *from = mode_fx.dev[dev].domain;
	int ret = device_detach(&mode_fx.dev[dev]);

	if (ret) {
		ktap_fail(c, "detaching device %u from domain %u: %d", dev,
			  from->did, ret);
		return false;
	}
	ktap_diag("device %u: domain %u -> domain %u", dev, from->did, to->did);
	return attach(c, dev, to);
}

/* A write by @dev at IOVA_BASE, which must land in @map's page only. */
static bool dma(struct ktap_case *c, struct move *mv, unsigned int dev,
		const struct dma_map *map)
{
	struct dma_intent in = { .maps = map, .nr = 1 };

	return dma_check_write(c, &mode_fx.ctx[dev], &mv->t,
			       IOVA_BASE + DMA_OFF, DMA_LEN, &in);
}

/*
 * Device 0 moves from the old domain to the new one, DMA before and
 * after. With a second device, the new domain is live already (device 1
 * attached): afterwards both land in its page, and device 1 kept working
 * across the move.
 */
static void move(struct ktap_case *c, const void *arg)
{
	const struct test_mode *m = arg;
	bool shared;
	struct move mv;

	if (!mode_enter(c, m))
		return;
	shared = mode_fx.nr_dev > 1;
	if (!shared)
		ktap_diag("one device behind the unit: the new domain has no other user");
	if (move_setup(c, &mv, m) && attach(c, 0, &mv.dom[0]) &&
	    (!shared || attach(c, 1, &mv.dom[1])) &&
	    dma(c, &mv, 0, &mv.map[0]) && replace(c, 0, &mv.dom[1]) &&
	    dma(c, &mv, 0, &mv.map[1]) && shared)
		dma(c, &mv, 1, &mv.map[1]);
	move_done(&mv);
}

#define MODE_CASE(prefix, fn, mode) \
	{ .name = prefix "_" #fn, .run = fn, .arg = &mode }

static const struct test_case replace_cases[] = {
	MODE_CASE("legacy", move, mode_legacy),
	MODE_CASE("sm_ss", move, mode_sm_ss),
	MODE_CASE("sm_fs", move, mode_sm_fs),
};

static const char *replace_setup(struct test_suite *s)
{
	return mode_suite_setup();
}

struct test_suite replace_suite = {
	.name = "replace",
	.setup = replace_setup,
	.teardown = mode_suite_teardown,
	.cases = replace_cases,
	.nr_cases = ARRAY_SIZE(replace_cases),
};
