// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "invalidation": a live translation is changed without invalidating
 * it; DMA then shows the stale translation where the unit caches it, a
 * wrong invalidation (another page, domain id or PASID) leaves it, and the
 * right one (VT-d spec rev 5.10, 6.5.2.1-6.5.2.4) makes the new one take
 * effect.
 * Cases run in legacy, scalable second-stage and scalable first-stage mode
 * as the unit offers them.
 *
 * What the unit may still use is the explicit model of tests/iotlb_model.c:
 * the walker's answer when the translation was cached, live until a
 * covering invalidation. QEMU's IOTLB and context cache keep entries until
 * they are invalidated (vtd-facts section 5), so under QEMU a live entry
 * must be seen; hardware may not have kept it, or may invalidate more than
 * asked (6.5.2), which is reported as information, never as staleness.
 */
#include "boot/platform.h"
#include "drivers/iommu/intel/flush.h"
#include "tests/iotlb_model.h"
#include "tests/mode_fixture.h"
#include "tests/runner.h"

#define IOVA_BASE	0x1000000000ULL	/* 64 GiB: inside 39 bits, canonical */
#define SZ_4K		0x1000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define DMA_OFF		0x200ULL	/* where in a page each DMA writes */
#define DMA_LEN		0x100U
#define BLOCK_AM	2		/* page-selective block: 4 pages */
#define OTHER_PASID	1
#define ENTRY_IOVAS	3		/* cases with a changed context/PASID entry */

/* Two domains; the first attached to device 0; target page 0 old, 1 new. */
struct scene {
	const struct test_mode *mode;
	struct dmar_domain dom[2];
	unsigned int nr_dom;
	bool attached;
	struct dma_target t;
};

static u64 old_pa(const struct scene *s)
{
	return s->t.phys;
}

static u64 new_pa(const struct scene *s)
{
	return s->t.phys + SZ_4K;
}

static bool scene_setup(struct ktap_case *c, struct scene *s,
			const struct test_mode *m, unsigned int nr_dom)
{
	unsigned int levels = mode_levels(m);
	int ret;

	*s = (struct scene){ .mode = m };
	if (dma_target_alloc(&s->t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return false;
	}
	for (; s->nr_dom < nr_dom; s->nr_dom++) {
		ret = fixture_domain(&mode_fx, &s->dom[s->nr_dom], m->type,
				     levels);
		if (ret) {
			ktap_fail(c, "%u-level domain: %d", levels, ret);
			return false;
		}
	}
	ret = device_attach(&mode_fx.dev[0], &s->dom[0]);
	if (ret) {
		ktap_fail(c, "attaching device 0 to domain %u: %d",
			  s->dom[0].did, ret);
		return false;
	}
	s->attached = true;
	return true;
}

static void scene_done(struct scene *s)
{
	if (s->attached)
		device_detach(&mode_fx.dev[0]);
	for (unsigned int i = 0; i < s->nr_dom; i++)
		domain_destroy(&s->dom[i]);
	dma_target_free(&s->t);
	mode_scrub();
}

static bool map(struct ktap_case *c, struct dmar_domain *d, u64 iova, u64 pa)
{
	int ret = domain_map(d, iova, pa, SZ_4K, RW);

	if (ret)
		ktap_fail(c, "mapping 0x%llx -> 0x%llx in domain %u: %d",
			  (unsigned long long)iova, (unsigned long long)pa,
			  d->did, ret);
	return !ret;
}

/*
 * Points the live 4 KiB leaf for @iova at @pa in place, as a bug or a
 * careless driver would: the line is written back (and the write buffer
 * flushed, 6.8) so the unit sees it, but nothing is invalidated.
 */
static bool remap(struct ktap_case *c, struct dmar_domain *d, u64 iova, u64 pa)
{
	unsigned int level = 0;
	u64 *leaf = pgtable_leaf(&d->pgt, iova, &level), was;

	if (!leaf || level != 1) {
		ktap_fail(c, "test bug: no 4 KiB leaf for 0x%llx (level %u)",
			  (unsigned long long)iova, level);
		return false;
	}
	was = *leaf;
	*leaf = (was & ~VTD_ADDR_MASK) | (pa & VTD_ADDR_MASK);
	iommu_flush_line(mode_fx.iommu, leaf, sizeof(*leaf));
	flush_write_buffer(mode_fx.iommu);
	ktap_diag("leaf for 0x%llx changed in place, not invalidated: 0x%016llx -> 0x%016llx",
		  (unsigned long long)iova, (unsigned long long)was,
		  (unsigned long long)*leaf);
	return true;
}

/* A DMA through @iova of domain 0, checked against the walker as usual. */
static bool use(struct ktap_case *c, struct scene *s, u64 iova, u64 pa)
{
	struct dma_map m = { iova, pa, SZ_4K, RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	return dma_check_write(c, &mode_fx.ctx[0], &s->t, iova + DMA_OFF,
			       DMA_LEN, &in);
}

/*
 * Maps @iova to the old page, uses it (so the unit may cache it: @e is
 * the walker's answer then), and changes the leaf to the new page.
 */
static bool cached_then_changed(struct ktap_case *c, struct scene *s, u64 iova,
				struct cached_xlate *e)
{
	return map(c, &s->dom[0], iova, old_pa(s)) &&
	       use(c, s, iova, old_pa(s)) &&
	       xlate_note(c, e, XC_IOTLB, &mode_fx.ctx[0], iova) &&
	       remap(c, &s->dom[0], iova, new_pa(s));
}

/*
 * A write through @e's page after @after. A live entry under QEMU must
 * still be used (vtd-facts 5: QEMU caches until invalidated, though it
 * has no PASID cache); elsewhere not seeing it is information. An
 * invalidated entry must not be used (xlate_check_write fails it).
 */
static void check(struct ktap_case *c, struct scene *s,
		  const struct cached_xlate *e, const char *after)
{
	const char *what = xlate_cache_name(e->cache);
	enum xlate_seen seen = xlate_check_write(c, &mode_fx.ctx[0], &s->t,
						 e->iova + DMA_OFF, DMA_LEN, e);

	if (seen == XLATE_STALE)
		ktap_diag("after %s: the stale %s 0x%llx -> 0x%llx was used",
			  after, what, (unsigned long long)e->iova,
			  (unsigned long long)e->phys);
	else if (seen != XLATE_FRESH)
		return;
	else if (!e->live)
		ktap_diag("after %s: the new translation took effect", after);
	else if (platform_is_qemu() && e->cache == XC_PASID)
		ktap_diag("after %s: the new translation was used: QEMU has no PASID cache and reads the changed entry on the next walk (vtd-facts 5)",
			  after);
	else if (platform_is_qemu())
		ktap_fail(c, "after %s: the new translation was used, yet QEMU keeps a %s until it is invalidated (vtd-facts 5) and this one was not",
			  after, what);
	else
		ktap_diag("after %s: the new translation was used: the unit did not keep the %s, or invalidated more than asked (6.5.2 allows it); staleness not observed",
			  after, what);
}

/* Issues @v, applies it to the model, then checks entry @e[i]. */
static bool step(struct ktap_case *c, struct scene *s, const struct inval *v,
		 struct cached_xlate *e, unsigned int n, unsigned int i)
{
	char what[112];

	inval_describe(v, what, sizeof(what));
	if (inval_issue(c, mode_fx.iommu, v, e, n))
		return false;
	check(c, s, &e[i], what);
	return c->result != KTAP_FAIL;
}

/* A domain id nothing here uses: the "another domain" of wrong flushes. */
static u16 other_did(u16 did)
{
	return did + 1;
}

static unsigned int mamv(void)
{
	return (mode_fx.iommu->cap & CAP_MAMV_MASK) >> CAP_MAMV_SHIFT;
}

/*
 * Runs @steps on a fresh scene of @nr_dom domains in @m's mode, then
 * tears the scene down and scrubs the caches.
 */
static void in_scene(struct ktap_case *c, const struct test_mode *m,
		     unsigned int nr_dom,
		     void (*steps)(struct ktap_case *c, struct scene *s))
{
	struct scene s;

	if (!mode_enter(c, m))
		return;
	if (scene_setup(c, &s, m, nr_dom))
		steps(c, &s);
	scene_done(&s);
}

/*
 * 6.5.2.3 / 6.5.2.4 page-selective with an address mask: the entry is the
 * second page of a 4-page block; AM 0 at the block's first page names
 * another page, AM 2 there names the block. First-stage domains take the
 * PASID-based IOTLB descriptor, as Linux flushes them.
 */
static void page_selective_steps(struct ktap_case *c, struct scene *s)
{
	bool fs = s->mode->type == DOMAIN_FIRST_STAGE;
	u64 block = IOVA_BASE, a = block + SZ_4K;
	struct inval base = {
		.type = fs ? INV_PIOTLB : INV_IOTLB,
		.gran = fs ? QI_PIOTLB_PAGE : QI_IOTLB_PAGE,
		.did = s->dom[0].did, .pasid = IOMMU_NO_PASID,
	};
	struct inval other_page = base, other_dom = base, right = base;
	struct cached_xlate e;

	other_page.addr = block;
	other_dom.did = other_did(base.did);
	other_dom.addr = a;
	right.addr = block;
	right.am = BLOCK_AM;
	if (cached_then_changed(c, s, a, &e) &&
	    step(c, s, &other_page, &e, 1, 0) &&
	    step(c, s, &other_dom, &e, 1, 0))
		step(c, s, &right, &e, 1, 0);
}

/*
 * Enters @m; false (and @c skipped) when its domains have no page-selective
 * invalidation: second stage without CAP.PSI (first stage always has the
 * PASID-based one).
 */
static bool enter_page_selective(struct ktap_case *c, const struct test_mode *m)
{
	if (!mode_enter(c, m))
		return false;
	if (m->type != DOMAIN_FIRST_STAGE && !(mode_fx.iommu->cap & CAP_PSI)) {
		ktap_skip(c, "no page-selective IOTLB invalidation (CAP.PSI clear)");
		return false;
	}
	return true;
}

static void page_selective(struct ktap_case *c, const void *arg)
{
	const struct test_mode *m = arg;

	if (!enter_page_selective(c, m))
		return;
	if (mamv() < BLOCK_AM) {
		ktap_skip(c, "CAP.MAMV %u: no %u-page address mask", mamv(),
			  1U << BLOCK_AM);
		return;
	}
	in_scene(c, m, 1, page_selective_steps);
}

/* 6.5.2.3 domain-selective, with another domain id first. */
static void domain_selective_steps(struct ktap_case *c, struct scene *s)
{
	struct inval other = { .type = INV_IOTLB, .gran = QI_IOTLB_DOMAIN,
			       .did = other_did(s->dom[0].did) };
	struct inval right = { .type = INV_IOTLB, .gran = QI_IOTLB_DOMAIN,
			       .did = s->dom[0].did };
	struct cached_xlate e;

	if (cached_then_changed(c, s, IOVA_BASE, &e) &&
	    step(c, s, &other, &e, 1, 0))
		step(c, s, &right, &e, 1, 0);
}

static void domain_selective(struct ktap_case *c, const void *arg)
{
	in_scene(c, arg, 1, domain_selective_steps);
}

/*
 * 6.5.2.4 PASID-selective PASID-based IOTLB invalidation, the first-stage
 * counterpart of domain-selective: another domain id, then another PASID,
 * then the domain's own RID_PASID.
 */
static void pasid_selective_steps(struct ktap_case *c, struct scene *s)
{
	u16 did = s->dom[0].did;
	struct inval other_dom = { .type = INV_PIOTLB, .gran = QI_PIOTLB_PASID,
				   .did = other_did(did),
				   .pasid = IOMMU_NO_PASID };
	struct inval other_pasid = { .type = INV_PIOTLB,
				     .gran = QI_PIOTLB_PASID, .did = did,
				     .pasid = OTHER_PASID };
	struct inval right = { .type = INV_PIOTLB, .gran = QI_PIOTLB_PASID,
			       .did = did, .pasid = IOMMU_NO_PASID };
	struct cached_xlate e;

	if (cached_then_changed(c, s, IOVA_BASE, &e) &&
	    step(c, s, &other_dom, &e, 1, 0) &&
	    step(c, s, &other_pasid, &e, 1, 0))
		step(c, s, &right, &e, 1, 0);
}

static void pasid_selective(struct ktap_case *c, const void *arg)
{
	in_scene(c, arg, 1, pasid_selective_steps);
}

/*
 * 6.5.2.3 global IOTLB invalidation; no wrong variant exists, so the
 * stale translation is shown before it.
 */
static void global_steps(struct ktap_case *c, struct scene *s)
{
	struct inval all = { .type = INV_IOTLB, .gran = QI_IOTLB_GLOBAL };
	struct cached_xlate e;

	if (!cached_then_changed(c, s, IOVA_BASE, &e))
		return;
	check(c, s, &e, "no invalidation");
	if (c->result != KTAP_FAIL)
		step(c, s, &all, &e, 1, 0);
}

static void global(struct ktap_case *c, const void *arg)
{
	in_scene(c, arg, 1, global_steps);
}

/*
 * An unmap that frees no table page is flushed with IH = 1 (Linux 7.3.4's
 * intel_iommu_tlb_sync(): IH = iommu_pages_list_empty(&gather->freelist)),
 * page-selective with AM 0. IH lets the unit keep its paging-structure
 * caches, never the IOTLB entries of the range (6.5.2.3, Table 23;
 * 6.5.2.4, Table 24). So: the entry's page and a neighbour in the same
 * last-level table are mapped, the entry is used (cached), then unmapped,
 * which leaves the table in place, and mapped again to the new page with
 * the table builder alone, so that no invalidation but the unmap's comes
 * between (domain_map() would flush again under caching mode).
 */
static void unmap_leaf_only_steps(struct ktap_case *c, struct scene *s)
{
	struct dmar_domain *d = &s->dom[0];
	bool fs = d->type == DOMAIN_FIRST_STAGE;
	u64 a = IOVA_BASE + SZ_4K;
	struct inval sent = {
		.type = fs ? INV_PIOTLB : INV_IOTLB,
		.gran = fs ? QI_PIOTLB_PAGE : QI_IOTLB_PAGE,
		.did = d->did, .pasid = IOMMU_NO_PASID, .addr = a,
	};
	struct cached_xlate e;
	char what[112];
	u64 tables;
	s64 done;
	int ret;

	if (!map(c, d, IOVA_BASE, old_pa(s)) || !map(c, d, a, old_pa(s)) ||
	    !use(c, s, a, old_pa(s)) ||
	    !xlate_note(c, &e, XC_IOTLB, &mode_fx.ctx[0], a))
		return;
	tables = d->pgt.nr_tables;
	done = domain_unmap(d, a, SZ_4K);
	if (done != (s64)SZ_4K) {
		ktap_fail(c, "unmapping 0x%llx: %lld", (unsigned long long)a,
			  (long long)done);
		return;
	}
	if (d->pgt.nr_tables != tables) {
		ktap_fail(c, "test bug: the unmap freed %llu table page(s): its flush had IH 0",
			  (unsigned long long)(tables - d->pgt.nr_tables));
		return;
	}
	inval_describe(&sent, what, sizeof(what));
	ktap_diag("the unmap freed no table page: it sent %s IH=1", what);
	inval_apply(&sent, &e, 1);
	ret = pgtable_map(&d->pgt, a, new_pa(s), SZ_4K, RW);
	if (ret) {
		ktap_fail(c, "mapping 0x%llx again: %d", (unsigned long long)a,
			  ret);
		return;
	}
	flush_write_buffer(mode_fx.iommu);
	ktap_diag("0x%llx mapped again to 0x%llx, not invalidated",
		  (unsigned long long)a, (unsigned long long)new_pa(s));
	check(c, s, &e, "the unmap's IH=1 invalidation");
}

static void unmap_leaf_only(struct ktap_case *c, const void *arg)
{
	const struct test_mode *m = arg;

	/* Without CAP.PSI the unmap is flushed domain-selective, no IH. */
	if (enter_page_selective(c, m))
		in_scene(c, m, 1, unmap_leaf_only_steps);
}

/*
 * The context or PASID entry of device 0 is switched in place from domain
 * 0 to domain 1 (another table, another domain id). IOVA 0 is used first
 * so the entry may be cached; IOVAs 1.. are never used before their check,
 * so no IOTLB entry can answer for them: only the cached entry can make
 * them land in domain 0's page.
 */
static bool entry_scene(struct ktap_case *c, struct scene *s,
			struct cached_xlate *e, enum xlate_cache cache)
{
	for (unsigned int i = 0; i < ENTRY_IOVAS; i++) {
		u64 iova = IOVA_BASE + i * SZ_4K;

		if (!map(c, &s->dom[0], iova, old_pa(s)) ||
		    !map(c, &s->dom[1], iova, new_pa(s)))
			return false;
	}
	if (!use(c, s, IOVA_BASE, old_pa(s)))
		return false;
	for (unsigned int i = 1; i < ENTRY_IOVAS; i++)
		if (!xlate_note(c, &e[i - 1], cache, &mode_fx.ctx[0],
				IOVA_BASE + i * SZ_4K))
			return false;
	return true;
}

/* 9.3: SLPTPTR, AW and DID of a present legacy context entry, in place. */
static void switch_context(struct scene *s)
{
	struct context_entry *ce = iommu_context_entry(mode_fx.iommu,
						       mode_fx.dev[0].sid);
	const struct dmar_domain *to = &s->dom[1];

	ce->lo = (ce->lo & ~CTX_SLPTPTR_MASK) |
		 (to->pgt.root_phys & CTX_SLPTPTR_MASK);
	ce->hi = (ce->hi & ~(CTX_HI_DID_MASK | CTX_HI_AW_MASK)) |
		 (u64)to->did << CTX_HI_DID_SHIFT | to->agaw;
	iommu_flush_line(mode_fx.iommu, ce, sizeof(*ce));
	flush_write_buffer(mode_fx.iommu);
	ktap_diag("context entry of 0x%04x changed in place, not invalidated: lo 0x%016llx hi 0x%016llx",
		  mode_fx.dev[0].sid, (unsigned long long)ce->lo,
		  (unsigned long long)ce->hi);
}

/*
 * 6.5.2.1 device-selective context-cache invalidation: another requester
 * id first, then the device, both with the domain id the cached entry
 * holds (as Linux's domain_context_clear_one() passes the old one).
 */
static void context_cache_steps(struct ktap_case *c, struct scene *s)
{
	u16 sid = mode_fx.dev[0].sid;
	struct inval other = { .type = INV_CONTEXT, .gran = QI_CC_DEVICE,
			       .did = s->dom[0].did, .sid = sid ^ BIT(3) };
	struct inval right = { .type = INV_CONTEXT, .gran = QI_CC_DEVICE,
			       .did = s->dom[0].did, .sid = sid };
	struct cached_xlate e[ENTRY_IOVAS - 1];

	if (!entry_scene(c, s, e, XC_CONTEXT))
		return;
	switch_context(s);
	if (step(c, s, &other, e, ARRAY_SIZE(e), 0))
		step(c, s, &right, e, ARRAY_SIZE(e), 1);
}

static void context_cache(struct ktap_case *c, const void *arg)
{
	in_scene(c, arg, 2, context_cache_steps);
}

/*
 * 9.6: table pointer and DID of the present RID_PASID entry, in place,
 * as Linux's intel_pasid_replace_*() rewrite a present entry.
 */
static void switch_pasid_entry(struct scene *s)
{
	struct pasid_entry *pe = pasid_get_entry(&mode_fx.dev[0].pasid,
						 IOMMU_NO_PASID, false);
	const struct dmar_domain *to = &s->dom[1];

	if (to->type == DOMAIN_FIRST_STAGE)
		pe->val[2] = (pe->val[2] & ~PE2_FSPTPTR_MASK) |
			     (to->pgt.root_phys & PE2_FSPTPTR_MASK);
	else
		pe->val[0] = (pe->val[0] & ~(PE0_SSPTPTR_MASK | PE0_AW_MASK)) |
			     (to->pgt.root_phys & PE0_SSPTPTR_MASK) |
			     (u64)to->agaw << PE0_AW_SHIFT;
	pe->val[1] = (pe->val[1] & ~PE1_DID_MASK) | to->did;
	iommu_flush_line(mode_fx.iommu, pe, sizeof(*pe));
	flush_write_buffer(mode_fx.iommu);
	ktap_diag("RID_PASID entry of 0x%04x changed in place, not invalidated: 0x%016llx 0x%016llx 0x%016llx",
		  mode_fx.dev[0].sid, (unsigned long long)pe->val[0],
		  (unsigned long long)pe->val[1],
		  (unsigned long long)pe->val[2]);
}

/*
 * 6.5.2.2 PASID-selective PASID-cache invalidation: another PASID first,
 * then RID_PASID with the domain id the cached entry holds (Linux's
 * intel_pasid_flush_present() passes the old one).
 */
static void pasid_cache_steps(struct ktap_case *c, struct scene *s)
{
	struct inval other = { .type = INV_PASID_CACHE, .gran = QI_PC_PASID,
			       .did = s->dom[0].did, .pasid = OTHER_PASID };
	struct inval right = { .type = INV_PASID_CACHE, .gran = QI_PC_PASID,
			       .did = s->dom[0].did, .pasid = IOMMU_NO_PASID };
	struct cached_xlate e[ENTRY_IOVAS - 1];

	if (!entry_scene(c, s, e, XC_PASID))
		return;
	switch_pasid_entry(s);
	if (step(c, s, &other, e, ARRAY_SIZE(e), 0))
		step(c, s, &right, e, ARRAY_SIZE(e), 1);
}

static void pasid_cache(struct ktap_case *c, const void *arg)
{
	in_scene(c, arg, 2, pasid_cache_steps);
}

#define MODE_CASE(prefix, fn, mode) \
	{ .name = prefix "_" #fn, .run = fn, .arg = &mode }

static const struct test_case invalidation_cases[] = {
	MODE_CASE("legacy", page_selective, mode_legacy),
	MODE_CASE("legacy", domain_selective, mode_legacy),
	MODE_CASE("legacy", global, mode_legacy),
	MODE_CASE("legacy", context_cache, mode_legacy),
	MODE_CASE("legacy", unmap_leaf_only, mode_legacy),
	MODE_CASE("sm_ss", page_selective, mode_sm_ss),
	MODE_CASE("sm_ss", domain_selective, mode_sm_ss),
	MODE_CASE("sm_ss", global, mode_sm_ss),
	MODE_CASE("sm_ss", pasid_cache, mode_sm_ss),
	MODE_CASE("sm_ss", unmap_leaf_only, mode_sm_ss),
	MODE_CASE("sm_fs", page_selective, mode_sm_fs),
	MODE_CASE("sm_fs", pasid_selective, mode_sm_fs),
	MODE_CASE("sm_fs", global, mode_sm_fs),
	MODE_CASE("sm_fs", pasid_cache, mode_sm_fs),
	MODE_CASE("sm_fs", unmap_leaf_only, mode_sm_fs),
};

static const char *invalidation_setup(struct test_suite *s)
{
	return mode_suite_setup();
}

struct test_suite invalidation_suite = {
	.name = "invalidation",
	.setup = invalidation_setup,
	.teardown = mode_suite_teardown,
	.cases = invalidation_cases,
	.nr_cases = ARRAY_SIZE(invalidation_cases),
};
