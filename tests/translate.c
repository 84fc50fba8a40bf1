// SPDX-License-Identifier: GPL-2.0
/*
 * Suites "legacy", "scalable_ss" and "scalable_fs": DMA through each
 * translation mode, single pages, ranges across page and table boundaries,
 * 2M and 1G leaves, reads, two devices in two domains, pass-through. Every
 * DMA is judged by tests/dma.c against the reference walker.
 */
#include "boot/platform.h"
#include "drivers/iommu/intel/flush.h"
#include "drivers/lapic.h"
#include "lib/printf.h"
#include "tests/fixture.h"
#include "tests/runner.h"

#define IOVA_BASE	0x1000000000ULL	/* 64 GiB: inside 39 bits, canonical */
#define IOVA_1G		0x4000000000ULL	/* 256 GiB, 1 GiB aligned */
#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)

struct xlate_mode {
	bool scalable;
	enum domain_type type;
	const char *needs;	/* why the suite skips without the feature */
	u64 ecap_bit;
};

static const struct xlate_mode *mode;
static struct fixture fx;
static struct dmar_domain dom[2];

/* A domain of the suite's type at @levels, attached to device @dev. */
static bool setup_domain(struct ktap_case *c, unsigned int i, unsigned int dev,
			 unsigned int levels)
{
	int ret = fixture_domain(&fx, &dom[i], mode->type, levels);

	if (!ret)
		ret = device_attach(&fx.dev[dev], &dom[i]);
	if (ret)
		ktap_fail(c, "%u-level domain for device %u: %d", levels, dev, ret);
	return !ret;
}

static void release_domain(unsigned int i, unsigned int dev)
{
	device_detach(&fx.dev[dev]);
	domain_destroy(&dom[i]);
}

static unsigned int suite_levels(unsigned int *levels)
{
	if (mode->type == DOMAIN_FIRST_STAGE) {
		levels[0] = 4;
		return 1;
	}
	return fixture_ss_levels(fx.iommu, levels);
}

static bool map(struct ktap_case *c, struct dmar_domain *d,
		const struct dma_map *m)
{
	int ret = domain_map(d, m->iova, m->pa, m->size, m->prot);

	if (ret)
		ktap_fail(c, "mapping 0x%llx -> 0x%llx (0x%llx bytes): %d",
			  (unsigned long long)m->iova, (unsigned long long)m->pa,
			  (unsigned long long)m->size, ret);
	return !ret;
}

/*
 * inject=break_mapping: the first leaf is pointed one page further than
 * the test asked, as a driver bug would, so the run shows what a mismatch
 * report looks like. The flush makes the hardware see it too.
 */
static void break_mapping(struct ktap_case *c, u64 iova)
{
	unsigned int level;
	u64 *leaf = pgtable_leaf(&dom[0].pgt, iova, &level);

	if (!leaf)
		return;
	ktap_diag("inject=break_mapping: leaf for 0x%llx moved by one page",
		  (unsigned long long)iova);
	*leaf += SZ_4K;
	iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
	domain_flush_range(&dom[0], iova, SZ_4K);
}

/* Maps @maps into a fresh domain and writes @len bytes at @iova. */
static void write_case(struct ktap_case *c, const struct dma_target *t,
		       const struct dma_map *maps, unsigned int nr, u64 iova,
		       u32 len, unsigned int levels)
{
	struct dma_intent in = { .maps = maps, .nr = nr };
	bool ok = setup_domain(c, 0, 0, levels);

	for (unsigned int i = 0; ok && i < nr; i++)
		ok = map(c, &dom[0], &maps[i]);
	if (ok && runner_cfg()->inject == CFG_INJECT_BREAK_MAPPING)
		break_mapping(c, maps[0].iova);
	if (ok)
		dma_check_write(c, &fx.ctx[0], t, iova, len, &in);
	release_domain(0, 0);
}

static void single_page(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3], n = suite_levels(levels);
	struct dma_target t;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct dma_map m = { IOVA_BASE, t.phys, SZ_4K, RW };

		ktap_diag("%u-level tables", levels[i]);
		write_case(c, &t, &m, 1, IOVA_BASE, SZ_4K, levels[i]);
	}
	dma_target_free(&t);
}

/*
 * A completion interrupt left pending must not end the wait for the next
 * request: a late one from the request before arrives exactly so when
 * that request's end was read with interrupts off. The engine's vector is
 * made pending just before a DMA, which must still complete and land.
 */
static void stale_interrupt(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3];
	struct dma_map m;
	struct dma_target t;

	if (!fx.eng[0]->vector) {
		ktap_skip(c, "%s completes without an interrupt", fx.eng[0]->name);
		return;
	}
	suite_levels(levels);
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ IOVA_BASE, t.phys, SZ_4K, RW };
	if (setup_domain(c, 0, 0, levels[0]) && map(c, &dom[0], &m)) {
		struct dma_intent in = { .maps = &m, .nr = 1 };

		/* Interrupts are off outside halts: it stays pending. */
		lapic_self_ipi(fx.eng[0]->vector);
		dma_check_write(c, &fx.ctx[0], &t, IOVA_BASE, SZ_4K, &in);
	}
	release_domain(0, 0);
	dma_target_free(&t);
}

/* Two IOVA pages onto two physical pages in reverse order. */
static void cross_page(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3];
	struct dma_target t;

	suite_levels(levels);
	if (dma_target_alloc(&t, 3, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	struct dma_map m[] = {
		{ IOVA_BASE, t.phys + 2 * SZ_4K, SZ_4K, RW },
		{ IOVA_BASE + SZ_4K, t.phys, SZ_4K, RW },
	};
	write_case(c, &t, m, 2, IOVA_BASE + 0x800, SZ_4K, levels[0]);
	dma_target_free(&t);
}

/* The last page of one leaf table and the first of the next. */
static void cross_table(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3];
	struct dma_target t;
	u64 iova = IOVA_BASE + SZ_2M - SZ_4K;

	suite_levels(levels);
	if (dma_target_alloc(&t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	struct dma_map m[] = {
		{ iova, t.phys + SZ_4K, SZ_4K, RW },
		{ iova + SZ_4K, t.phys, SZ_4K, RW },
	};
	write_case(c, &t, m, 2, iova + 0x800, SZ_4K, levels[0]);
	dma_target_free(&t);
}

static bool leaf_is(struct ktap_case *c, unsigned int want, u64 iova)
{
	unsigned int level = 0;

	if (pgtable_leaf(&dom[0].pgt, iova, &level) && level == want)
		return true;
	ktap_fail(c, "the builder mapped 0x%llx with a level-%u leaf, not level %u",
		  (unsigned long long)iova, level, want);
	return false;
}

/* One leaf of @m->size at @level, then a write at @m->iova + @off. */
static void large_leaf(struct ktap_case *c, const struct dma_target *t,
		       const struct dma_map *m, unsigned int level, u64 off,
		       u32 len)
{
	struct dma_intent in = { .maps = m, .nr = 1 };
	unsigned int levels[3];

	suite_levels(levels);
	if (!setup_domain(c, 0, 0, levels[0]))
		return;
	if (!(dom[0].pgt.page_sizes & m->size))
		ktap_skip(c, "the unit offers no %s pages",
			  m->size == SZ_1G ? "1 GiB" : "2 MiB");
	else if (map(c, &dom[0], m) && leaf_is(c, level, m->iova))
		dma_check_write(c, &fx.ctx[0], t, m->iova + off, len, &in);
	release_domain(0, 0);
}

static void large_2m(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (dma_target_alloc(&t, SZ_2M / SZ_4K, SZ_2M / SZ_4K)) {
		ktap_fail(c, "no 2 MiB aligned memory for the target");
		return;
	}
	m = (struct dma_map){ IOVA_BASE + 4 * SZ_2M, t.phys, SZ_2M, RW };
	large_leaf(c, &t, &m, 2, 0x100800, SZ_4K);
	dma_target_free(&t);
}

/*
 * A 1 GiB leaf over the aligned gigabyte that holds the target; only the
 * target and its guards are ever written.
 */
static void large_1g(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;
	u64 pa;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	pa = t.phys & ~(SZ_1G - 1);
	m = (struct dma_map){ IOVA_1G, pa, SZ_1G, RW };
	large_leaf(c, &t, &m, 3, t.phys - pa + 0x400, 0x800);
	dma_target_free(&t);
}

static void read_only_read(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3];
	struct dma_target t;

	suite_levels(levels);
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	struct dma_map m = { IOVA_BASE, t.phys, SZ_4K, PGTABLE_PROT_READ };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	if (setup_domain(c, 0, 0, levels[0])) {
		if (map(c, &dom[0], &m))
			dma_check_read(c, &fx.ctx[0], &t, IOVA_BASE, SZ_4K, &in);
		release_domain(0, 0);
	}
	dma_target_free(&t);
}

/* The same IOVA in two domains lands in two places, and only there. */
static void two_devices(struct ktap_case *c, const void *arg)
{
	unsigned int levels[3];
	struct dma_target t[2];

	if (!fixture_second_device(c, &fx, "for a second domain"))
		return;
	suite_levels(levels);
	if (dma_target_alloc(&t[0], 1, 1) || dma_target_alloc(&t[1], 1, 1)) {
		ktap_fail(c, "no memory for the targets");
		return;
	}
	struct dma_map m[2] = {
		{ IOVA_BASE, t[0].phys, SZ_4K, RW },
		{ IOVA_BASE, t[1].phys, SZ_4K, RW },
	};
	if (setup_domain(c, 0, 0, levels[0]) && setup_domain(c, 1, 1, levels[0]) &&
	    map(c, &dom[0], &m[0]) && map(c, &dom[1], &m[1])) {
		ktap_diag("domains %u and %u", dom[0].did, dom[1].did);
		for (unsigned int i = 0; i < 2; i++) {
			struct dma_intent in = { .maps = &m[i], .nr = 1 };

			dma_target_fill(&t[!i]);
			dma_check_write(c, &fx.ctx[i], &t[i], IOVA_BASE, SZ_4K, &in);
			dma_target_intact(c, &t[!i]);
		}
	}
	release_domain(0, 0);
	release_domain(1, 1);
	dma_target_free(&t[0]);
	dma_target_free(&t[1]);
}

/*
 * After pass-through, translation must apply again. The IOVA is the
 * physical address of the target's second page, so a DMA that still
 * bypassed translation would land there, visibly.
 */
static void leave_pass_through(struct ktap_case *c, const struct dma_target *t)
{
	u64 q = t->phys + SZ_4K;
	struct dma_map m = { q, t->phys, SZ_4K, RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };
	/* Judged apart, so that only the known symptom may become XFAIL. */
	struct ktap_case after = { .name = c->name, .result = KTAP_PASS };
	unsigned int levels[3];

	suite_levels(levels);
	if (!setup_domain(c, 0, 0, levels[0]))
		return;
	if (map(c, &dom[0], &m) &&
	    !dma_check_write(&after, &fx.ctx[0], t, q, SZ_4K, &in)) {
		if (fx.scalable && platform_is_qemu() &&
		    dma_target_holds(t, q, dma_written(), SZ_4K))
			ktap_xfail(c, "QEMU keeps a device on its pass-through bypass after the PASID entry is torn down (its PASID-cache invalidation does nothing)");
		else
			ktap_fail(c, "translation after pass-through went wrong (above)");
	}
	release_domain(0, 0);
	/*
	 * Stock QEMU leaves that bypass only on a context-cache invalidation
	 * (the project's QEMU with x-nested on the PASID-cache one too);
	 * for the cases after this one, a global one, harmless on any unit.
	 */
	flush_context(fx.iommu, QI_CC_GLOBAL, 0, 0);
}

static void pass_through(struct ktap_case *c, const void *arg)
{
	struct dma_intent in = { .identity = true };
	struct dmar_domain pt;
	struct dma_target t;
	int ret;

	if (!(fx.iommu->ecap & ECAP_PT)) {
		ktap_skip(c, "the unit has no pass-through (ECAP.PT clear)");
		return;
	}
	if (dma_target_alloc(&t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	ret = domain_init(&pt, fx.iommu, DOMAIN_PASS_THROUGH, 0);
	if (!ret)
		ret = device_attach(&fx.dev[0], &pt);
	if (ret)
		ktap_fail(c, "pass-through attach: %d", ret);
	else
		dma_check_write(c, &fx.ctx[0], &t, t.phys + 0x200, 0x400, &in);
	device_detach(&fx.dev[0]);
	domain_destroy(&pt);
	if (!ret)
		leave_pass_through(c, &t);
	dma_target_free(&t);
}

/*
 * The negative cases: a DMA the tables forbid must not land, and the unit
 * must record the walker's reason for the walker's address. Each maps one
 * page, breaks one thing, and lets fault_case() judge.
 */
static bool fault_setup_at(struct ktap_case *c, struct dma_target *t,
			   struct dma_map *m, unsigned int prot, u64 iova)
{
	unsigned int levels[3];

	suite_levels(levels);
	if (dma_target_alloc(t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return false;
	}
	*m = (struct dma_map){ iova, t->phys, SZ_4K, prot };
	if (setup_domain(c, 0, 0, levels[0]) && map(c, &dom[0], m))
		return true;
	dma_target_free(t);
	return false;
}

static bool fault_setup(struct ktap_case *c, struct dma_target *t,
			struct dma_map *m, unsigned int prot)
{
	return fault_setup_at(c, t, m, prot, IOVA_BASE);
}

static void fault_done(struct dma_target *t)
{
	release_domain(0, 0);
	dma_target_free(t);
}

/* Expects the write at @iova to fault: the intent maps nothing there. */
static void expect_fault(struct ktap_case *c, const struct dma_target *t,
			 u64 iova, const struct dma_map *still_mapped)
{
	struct dma_intent in = { .maps = still_mapped,
				 .nr = still_mapped ? 1 : 0 };
	const struct walk_result *w = dma_walk(&fx.ctx[0], iova, true);

	ktap_diag("0x%llx: walker expects reason 0x%02x (%s) at level %u",
		  (unsigned long long)iova, w->reason,
		  vtd_fault_reason_name(w->reason), w->level);
	dma_check_write(c, &fx.ctx[0], t, iova, 0x100, &in);
}

/*
 * An IOVA whose top-level entry is its own: index 128, far from the pool
 * below 4 GiB, so an engine's queues stay mapped however the path to it
 * breaks. Canonical for a first stage of that depth.
 */
static u64 own_top_entry_iova(unsigned int levels)
{
	return 1ULL << (VTD_PAGE_SHIFT + 9 * levels - 2);
}

/* The entry at each level on the path loses its present bits in turn. */
static void not_present(struct ktap_case *c, const void *arg)
{
	u64 present = mode->type == DOMAIN_FIRST_STAGE ? FSPTE_P :
			SSPTE_R | SSPTE_W | SSPTE_X;
	unsigned int levels[3];
	struct dma_target t;
	struct dma_map m;
	u64 iova;

	suite_levels(levels);
	iova = own_top_entry_iova(levels[0]);
	if (!fault_setup_at(c, &t, &m, RW, iova))
		return;
	for (unsigned int level = 1; level <= dom[0].pgt.levels; level++) {
		u64 *e = pgtable_entry(&dom[0].pgt, iova, level);
		u64 saved;

		if (!e) {
			ktap_fail(c, "no entry at level %u for 0x%llx", level,
				  (unsigned long long)iova);
			break;
		}
		saved = *e;
		*e &= ~present;
		iommu_flush_line(fx.iommu, e, sizeof(*e));
		domain_flush_range(&dom[0], iova, SZ_4K);
		ktap_diag("level %u entry 0x%016llx -> 0x%016llx", level,
			  (unsigned long long)saved, (unsigned long long)*e);
		expect_fault(c, &t, iova, NULL);
		*e = saved;
		iommu_flush_line(fx.iommu, e, sizeof(*e));
		domain_flush_range(&dom[0], iova, SZ_4K);
	}
	fault_done(&t);
}

static void write_read_only(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (!fault_setup(c, &t, &m, PGTABLE_PROT_READ))
		return;
	expect_fault(c, &t, IOVA_BASE, &m);
	fault_done(&t);
}

/* Bit 51 of the leaf lies above any address width QEMU or a part has. */
static void reserved_bit(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	unsigned int level;
	struct dma_map m;
	u64 *leaf;

	if (cap_mgaw(fx.iommu->cap) >= 52) {
		ktap_skip(c, "MGAW %u leaves no reserved address bit",
			  cap_mgaw(fx.iommu->cap));
		return;
	}
	if (!fault_setup(c, &t, &m, RW))
		return;
	leaf = pgtable_leaf(&dom[0].pgt, IOVA_BASE, &level);
	*leaf |= BIT_ULL(51);
	iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
	domain_flush_range(&dom[0], IOVA_BASE, SZ_4K);
	expect_fault(c, &t, IOVA_BASE, NULL);
	fault_done(&t);
}

/* The first address the domain's tables cannot reach. */
static void beyond_width(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (mode->type == DOMAIN_FIRST_STAGE) {
		ktap_skip(c, "first-stage addresses are bounded by the canonical check (non_canonical)");
		return;
	}
	if (!fault_setup(c, &t, &m, RW))
		return;
	expect_fault(c, &t, 1ULL << level_shift(dom[0].pgt.levels + 1), NULL);
	fault_done(&t);
}

static void non_canonical(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (mode->type != DOMAIN_FIRST_STAGE) {
		ktap_skip(c, "first-stage only");
		return;
	}
	if (!fault_setup(c, &t, &m, RW))
		return;
	expect_fault(c, &t, 1ULL << 47, NULL);
	fault_done(&t);
}

/* A supervisor-only page, reached by a request that is not privileged. */
static void supervisor_page(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (mode->type != DOMAIN_FIRST_STAGE) {
		ktap_skip(c, "first-stage only");
		return;
	}
	if (!fault_setup(c, &t, &m, RW | PGTABLE_PROT_SUPERVISOR))
		return;
	expect_fault(c, &t, IOVA_BASE, NULL);
	fault_done(&t);
}

/*
 * A device no domain was ever attached to, or was detached: legacy mode
 * leaves it no context entry; scalable mode, as Linux does, keeps the
 * context entry on an empty PASID table.
 */
static void unattached_device(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct dma_map m;

	if (!fixture_second_device(c, &fx, "that stays unattached"))
		return;
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ 0 };
	struct dma_intent in = { .maps = &m, .nr = 0 };

	dma_check_write(c, &fx.ctx[1], &t, t.phys, 0x100, &in);
	dma_target_free(&t);
}

static const struct test_case xlate_cases[] = {
	TEST_CASE(single_page),
	TEST_CASE(cross_page),
	TEST_CASE(cross_table),
	TEST_CASE(large_2m),
	TEST_CASE(large_1g),
	TEST_CASE(read_only_read),
	TEST_CASE(two_devices),
	TEST_CASE(pass_through),
	TEST_CASE(stale_interrupt),
	TEST_CASE(not_present),
	TEST_CASE(write_read_only),
	TEST_CASE(reserved_bit),
	TEST_CASE(beyond_width),
	TEST_CASE(non_canonical),
	TEST_CASE(supervisor_page),
	TEST_CASE(unattached_device),
};

static const struct xlate_mode legacy_mode = {
	.scalable = false, .type = DOMAIN_SECOND_STAGE,
};
static const struct xlate_mode sm_ss_mode = {
	.scalable = true, .type = DOMAIN_SECOND_STAGE,
	.needs = "no second-stage translation in scalable mode (ECAP.SSTS clear)",
	.ecap_bit = ECAP_SSTS,
};
static const struct xlate_mode sm_fs_mode = {
	.scalable = true, .type = DOMAIN_FIRST_STAGE,
	.needs = "no first-stage translation (ECAP.FSTS clear)",
	.ecap_bit = ECAP_FSTS,
};

static const char *setup_mode(const struct xlate_mode *m)
{
	const char *why;

	mode = m;
	why = fixture_setup(&fx, m->scalable);
	if (fixture_error(&fx))
		runner_setup_failed("%s", why);
	if (why)
		return why;
	if (m->ecap_bit && !(fx.iommu->ecap & m->ecap_bit))
		return m->needs;
	return NULL;
}

static const char *legacy_setup(struct test_suite *s)
{
	return setup_mode(&legacy_mode);
}

static const char *sm_ss_setup(struct test_suite *s)
{
	return setup_mode(&sm_ss_mode);
}

static const char *sm_fs_setup(struct test_suite *s)
{
	return setup_mode(&sm_fs_mode);
}

static void xlate_teardown(void)
{
	fixture_teardown(&fx);
}

struct test_suite legacy_suite = {
	.name = "legacy", .setup = legacy_setup, .teardown = xlate_teardown,
	.cases = xlate_cases, .nr_cases = ARRAY_SIZE(xlate_cases),
};

struct test_suite scalable_ss_suite = {
	.name = "scalable_ss", .setup = sm_ss_setup, .teardown = xlate_teardown,
	.cases = xlate_cases, .nr_cases = ARRAY_SIZE(xlate_cases),
};

struct test_suite scalable_fs_suite = {
	.name = "scalable_fs", .setup = sm_fs_setup, .teardown = xlate_teardown,
	.cases = xlate_cases, .nr_cases = ARRAY_SIZE(xlate_cases),
};
