// SPDX-License-Identifier: GPL-2.0
/*
 * The nested suites: iommufd-style nesting as Linux programs it
 * (drivers/iommu/intel/nested.c), on a unit with ECAP.NEST. A guest inside
 * the firmware owns first-stage tables in its guest-physical space; the
 * nest parent maps that space onto scattered host pages. Every DMA is
 * judged against the reference walker's nested walk.
 *
 *	nested_alloc		every valid input, every invalid one with
 *				Linux's error, and the PASID entry bits
 *	nested_dma		4K, 2M and 1G leaves in each stage and mixed,
 *				reads, writes, ranges across pages; A and D
 *				left clear by the guest, set by the unit or
 *				SFS.9 where its page walks do not snoop
 *	nested_faults		first-stage not present and read-only, the
 *				second stage read-only, a second-stage hole
 *				under a first-stage table and under the page
 *	nested_invalidate	stale first-stage translation cured by the
 *				user invalidation; bad entries with Linux's
 *				errors and counts; second-stage changes
 *	pasid_isolation		two PASIDs and RID_PASID, three guests' tables
 *				over one parent: each DMA in its own guest
 *	nested_replace		replace on a live device, DMA before and after
 *	privilege		privileged requests with a PASID (3.6.1):
 *				SRE and WPE, as Linux programs them only in
 *				the nested first stage (intel_pasid_setup_
 *				nested(), IOMMU_VTD_S1_SRE and _WPE), against
 *				supervisor and read-only guest pages
 */
#include "boot/platform.h"
#include "drivers/iommu/intel/fault.h"
#include "drivers/iommu/intel/flush.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/fixture.h"
#include "tests/guest.h"
#include "tests/iotlb_model.h"
#include "tests/runner.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define GVA		0x7f0000000ULL	/* a guest IOVA, 2M and 1G aligned... */
#define GVA_1G		0x1000000000ULL	/* ...and one 1G aligned */
#define PASID_A		5
#define PASID_B		6
#define U64_MAX		(~0ULL)

/* A guest first-stage tree and the nested domain built on it. */
struct nest {
	struct guest g;
	struct nested_domain nd;
};

static struct fixture fx;
static struct hwpt_paging parent;
static struct guest_vm vm;
/* Where the parent puts each device's 1:1 regions in guest-physical space. */
static u64 region_gpa[FIXTURE_MAX_DEV][DMA_CTX_REGIONS];
static u64 cases_gpa;	/* the first guest-physical address cases use */

static const struct hwpt_attached nothing;

static struct hwpt_attached as_nested(struct nest *n)
{
	return (struct hwpt_attached){ .nested = &n->nd };
}

static struct hwpt_attached as_paging(struct hwpt_paging *hp)
{
	return (struct hwpt_attached){ .paging = hp };
}

/*
 * A guest whose first stage also maps every device's scratch pages and
 * engine memory at their own addresses, as the DMA checks and the engines
 * expect.
 */
static int guest_map_regions(struct guest *g)
{
	struct dma_region r[DMA_CTX_REGIONS];
	int ret = 0;

	for (unsigned int i = 0; i < fx.nr_dev; i++) {
		unsigned int n = dma_ctx_regions(&fx.ctx[i], r);

		for (unsigned int k = 0; k < n && !ret; k++)
			ret = guest_map(g, r[k].phys, region_gpa[i][k],
					r[k].size, GUEST_PROT_WRITE);
	}
	return ret;
}

static bool nest_init(struct ktap_case *c, struct nest *n, u64 s1_flags,
		      u32 addr_width)
{
	struct iommu_hwpt_vtd_s1 s1 = { .flags = s1_flags,
					.addr_width = addr_width };
	int ret;

	memset(n, 0, sizeof(*n));
	/* 57-bit input is the 5-level first stage (FSPM 1). */
	ret = guest_init(&n->g, &vm, addr_width == 57 ? 5 : 4);
	if (!ret)
		ret = guest_map_regions(&n->g);
	s1.pgtbl_addr = n->g.fs_root_gpa;
	if (!ret)
		ret = nested_domain_alloc(&n->nd, &parent, 0,
					  IOMMU_HWPT_DATA_VTD_S1, &s1);
	if (ret)
		ktap_fail(c, "guest and nested domain: %d", ret);
	return !ret;
}

/* Also right after a nest_init() that failed half way. */
static void nest_release(struct nest *n)
{
	if (n->nd.parent)
		nested_domain_free(&n->nd);
	guest_release(&n->g);
}

static bool attach(struct ktap_case *c, unsigned int dev, u32 pasid,
		   struct hwpt_attached new, struct hwpt_attached old)
{
	int ret = hwpt_attach(&fx.dev[dev], pasid, new, old);

	if (ret)
		ktap_fail(c, "attach device %u PASID %u: %d", dev, pasid, ret);
	return !ret;
}

/*
 * The guest maps @gva onto fresh guest-physical memory that the parent
 * backs with @hpa, in @ss_step pieces (4K forces 4K second-stage leaves).
 */
static bool guest_data(struct ktap_case *c, struct nest *n, u64 gva, u64 hpa,
		       u64 size, u64 align, u64 ss_step, unsigned int prot)
{
	u64 gpa = guest_reserve(&vm, size, align);
	int ret = 0;

	for (u64 off = 0; !ret && off < size; off += ss_step)
		ret = guest_back(&vm, gpa + off, hpa + off, ss_step, RW);
	if (!ret)
		ret = guest_map(&n->g, gva, gpa, size, prot);
	if (ret)
		ktap_fail(c, "guest mapping 0x%llx -> GPA 0x%llx -> 0x%llx: %d",
			  (unsigned long long)gva, (unsigned long long)gpa,
			  (unsigned long long)hpa, ret);
	return !ret;
}

/*
 * Forgets everything the parent maps but the devices' regions, and
 * rewinds the guest-physical allocator: no parent mapping outlives the
 * host pages a case freed.
 */
static void vm_reset(void)
{
	hwpt_paging_unmap(&parent, cases_gpa, vm.next_gpa - cases_gpa);
	vm.next_gpa = cases_gpa;
}

/*
 * Each device region gets guest-physical pages of its own, and the parent
 * also maps it 1:1 for a device attached to the parent alone.
 */
static int parent_map_regions(void)
{
	struct dma_region r[DMA_CTX_REGIONS];
	int ret = 0;

	for (unsigned int i = 0; i < fx.nr_dev; i++) {
		unsigned int n = dma_ctx_regions(&fx.ctx[i], r);

		for (unsigned int k = 0; k < n && !ret; k++) {
			region_gpa[i][k] = guest_reserve(&vm, r[k].size, SZ_4K);
			ret = guest_back(&vm, region_gpa[i][k], r[k].phys,
					 r[k].size, RW);
			if (!ret)
				ret = hwpt_paging_map(&parent, r[k].phys,
						      r[k].phys, r[k].size, RW);
		}
	}
	cases_gpa = vm.next_gpa;
	return ret;
}

static const char *nested_setup(struct test_suite *s)
{
	const char *why = fixture_setup(&fx, true);
	int ret;

	if (fixture_error(&fx))
		runner_setup_failed("%s", why);
	if (why)
		return why;
	if (!(fx.iommu->ecap & ECAP_NEST))
		return "the unit has no nested translation (ECAP.NEST clear)";
	ret = hwpt_paging_alloc(&parent, fx.iommu, IOMMU_HWPT_ALLOC_NEST_PARENT);
	guest_vm_init(&vm, &parent);
	if (!ret)
		ret = parent_map_regions();
	if (ret)
		runner_setup_failed("nest parent: %d", ret);
	return ret ? "nest parent setup failed" : NULL;
}

static void nested_teardown(void)
{
	if (parent.domain.iommu)
		hwpt_paging_free(&parent);
	fixture_teardown(&fx);
}

#define NESTED_SUITE(sym, nm, list)					\
	struct test_suite sym = {					\
		.name = nm, .setup = nested_setup,			\
		.teardown = nested_teardown, .cases = list,		\
		.nr_cases = ARRAY_SIZE(list),				\
	}

/* ---- nested_alloc ---- */

static void expect_err(struct ktap_case *c, const char *what, int got, int want)
{
	if (got != want)
		ktap_fail(c, "%s: %d, Linux gives %d", what, got, want);
}

static void alloc_errors(struct ktap_case *c, const void *arg)
{
	struct iommu_hwpt_vtd_s1 s1 = { .addr_width = 48 };
	struct hwpt_paging plain;
	struct nested_domain nd;
	int ret;

	ret = nested_domain_alloc(&nd, &parent, 0, IOMMU_HWPT_DATA_NONE, &s1);
	expect_err(c, "data type NONE", ret, -EOPNOTSUPP);
	ret = nested_domain_alloc(&nd, &parent, IOMMU_HWPT_ALLOC_NEST_PARENT,
				  IOMMU_HWPT_DATA_VTD_S1, &s1);
	expect_err(c, "flag NEST_PARENT on a nested domain", ret, -EOPNOTSUPP);
	if (!hwpt_paging_alloc(&plain, fx.iommu, 0)) {
		ret = nested_domain_alloc(&nd, &plain, 0,
					  IOMMU_HWPT_DATA_VTD_S1, &s1);
		expect_err(c, "parent without NEST_PARENT", ret, -EINVAL);
		hwpt_paging_free(&plain);
	}
	ret = hwpt_paging_map(&parent, GUEST_GPA_BASE, virt_to_phys(fx.ctx[0].verify.guard),
			      SZ_4K, PGTABLE_PROT_READ);
	expect_err(c, "read-only mapping in a nest parent", ret, -EINVAL);
	if (!(fx.iommu->ecap & ECAP_SSADS) || !(fx.iommu->ecap & ECAP_SMPWC)) {
		ret = hwpt_paging_alloc(&plain, fx.iommu,
					IOMMU_HWPT_ALLOC_NEST_PARENT |
					IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
		expect_err(c, "DIRTY_TRACKING without ECAP.SSADS and ECAP.SMPWC",
			   ret, -EOPNOTSUPP);
	}
}

/* intel_pasid_setup_nested()'s checks, met when the domain is attached. */
static void attach_errors(struct ktap_case *c, const void *arg)
{
	static const struct {
		const char *what;
		u64 flags;
		u32 width;
		u64 needs_cap, needs_ecap;
	} bad[] = {
		{ "addr_width 39", 0, 39, 0, 0 },
		{ "addr_width 57 without CAP.FS5LP", 0, 57, CAP_FS5LP, 0 },
		{ "SRE without ECAP.SRS", IOMMU_VTD_S1_SRE, 48, 0, ECAP_SRS },
		{ "EAFE without ECAP.EAFS", IOMMU_VTD_S1_EAFE, 48, 0, ECAP_EAFS },
	};
	unsigned int tried = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		struct nest n;
		int ret;

		if ((fx.iommu->cap & bad[i].needs_cap) ||
		    (fx.iommu->ecap & bad[i].needs_ecap))
			continue;
		if (!nest_init(c, &n, bad[i].flags, bad[i].width))
			return;
		ret = hwpt_attach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n),
				  nothing);
		expect_err(c, bad[i].what, ret, -EINVAL);
		if (!ret)
			hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
		nest_release(&n);
		tried++;
	}
	ktap_diag("%u invalid attachments tried", tried);
}

/*
 * The PASID entry bits for a valid nested attachment, written out by hand
 * from vtd-facts section 1 rather than by the code under test.
 */
static void pasid_entry_bits(struct ktap_case *c, const void *arg)
{
	u64 flags = fx.iommu->ecap & ECAP_SRS ?
		    IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE : 0;
	struct pasid_entry *pe;
	u64 want[3];
	struct nest n;

	if (!nest_init(c, &n, flags, 48))
		return;
	if (!attach(c, 0, PASID_A, as_nested(&n), nothing))
		goto out;
	pe = pasid_get_entry(&fx.dev[0].pasid, PASID_A, false);
	want[0] = parent.domain.pgt.root_phys | 2ULL << 2 | 3ULL << 6 | 1;
	want[1] = n.nd.did | (fx.iommu->ecap & ECAP_SMPWC ? BIT_ULL(23) : 0);
	want[2] = n.g.fs_root_gpa | (flags ? BIT_ULL(0) | BIT_ULL(4) : 0);
	for (unsigned int i = 0; pe && i < 3; i++)
		if (pe->val[i] != want[i])
			ktap_fail(c, "val[%u] 0x%016llx, want 0x%016llx", i,
				  (unsigned long long)pe->val[i],
				  (unsigned long long)want[i]);
	for (unsigned int i = 3; pe && i < 8; i++)
		if (pe->val[i])
			ktap_fail(c, "val[%u] 0x%016llx, want 0", i,
				  (unsigned long long)pe->val[i]);
	if (!pe)
		ktap_fail(c, "no PASID entry for PASID %u", PASID_A);
	hwpt_detach(&fx.dev[0], PASID_A, as_nested(&n));
out:
	nest_release(&n);
}

/* Reserved in val[2] of a PASID entry (VT-d 9.6). */
#define FLPTR_LOW_BITS	0x2ULL

/* The guest's nested domain again, its pgtbl_addr carrying @low. */
static bool nest_low_bits(struct ktap_case *c, struct nest *n, u64 low)
{
	struct iommu_hwpt_vtd_s1 s1 = n->nd.s1_cfg;
	int ret;

	s1.pgtbl_addr |= low;
	nested_domain_free(&n->nd);
	ret = nested_domain_alloc(&n->nd, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				  &s1);
	if (ret)
		ktap_fail(c, "nested domain with pgtbl_addr 0x%llx: %d",
			  (unsigned long long)s1.pgtbl_addr, ret);
	return !ret;
}

/*
 * What a write at @iova of @len brings, into @data, learned while device 0
 * is on the parent, which maps its scratch pages 1:1: an entry the case
 * then breaks blocks the request alone, not the engine's learning.
 * @iova and @len come back fitted to the engine, as the data is.
 */
static bool learn_on_parent(struct ktap_case *c, u64 *iova, u32 *len,
			    u32 *data)
{
	bool ok;

	if (!dma_fit(c, &fx.ctx[0], iova, len) ||
	    !attach(c, 0, IOMMU_NO_PASID, as_paging(&parent), nothing))
		return false;
	ok = dma_learn_write(c, &fx.ctx[0], *iova, *len, data);
	hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_paging(&parent));
	return ok;
}

/*
 * Linux's pasid_set_flptr() ORs the guest's pgtbl_addr into val[2] whole
 * (pasid.c says how), so a pointer with bit 1 set sets a reserved bit of
 * the entry. The spec blocks every request through it with a
 * reserved-field fault, which the walker names; the case says what this
 * unit did, as evidence for Linux or for the unit.
 */
static void flptr_low_bits(struct ktap_case *c, const void *arg)
{
	/* Judged apart, so that the case can say what the unit did. */
	struct ktap_case judged = { .name = c->name, .result = KTAP_PASS };
	struct dma_intent none = { .nr = 0 };
	static u32 data[ENGINE_DATA_MAX / 4];
	const struct walk_result *w;
	struct pasid_entry *pe;
	struct dma_target t;
	u64 iova = GVA;
	u32 len = SZ_4K;
	struct nest n;
	bool landed;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	if (nest_init(c, &n, 0, 48) &&
	    guest_data(c, &n, GVA, t.phys, SZ_4K, SZ_4K, SZ_4K,
		       GUEST_PROT_WRITE) &&
	    nest_low_bits(c, &n, FLPTR_LOW_BITS) &&
	    learn_on_parent(c, &iova, &len, data) &&
	    attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing)) {
		pe = pasid_get_entry(&fx.dev[0].pasid, IOMMU_NO_PASID, false);
		w = dma_walk(&fx.ctx[0], iova, true);
		dma_check_learned_write(&judged, &fx.ctx[0], &t, iova, len,
					&none, data);
		if (judged.result == KTAP_SKIP) {
			/* An engine that cannot issue it says why. */
			ktap_skip(c, "%s", judged.reason);
			hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
			goto out;
		}
		landed = dma_target_holds(&t, t.phys + (iova - GVA), data, len);
		ktap_diag("Linux %s writes val[2]=0x%016llx for pgtbl_addr 0x%llx (pasid_set_flptr() ORs it in whole); the spec says val[2] bit 1 is reserved, the walker faults the write with reason 0x%02x (%s); this unit %s",
			  VTD_LINUX_REFERENCE,
			  (unsigned long long)(pe ? pe->val[2] : 0),
			  (unsigned long long)n.nd.s1_cfg.pgtbl_addr, w->reason,
			  vtd_fault_reason_name(w->reason),
			  landed ? "let the write land" :
			  judged.result == KTAP_PASS ? "blocked it as the spec says" :
			  "did neither (above)");
		if (judged.result != KTAP_PASS)
			ktap_fail(c, "the unit did not block a request through a PASID entry with a reserved bit set");
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
	}
out:
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

static const struct test_case alloc_cases[] = {
	TEST_CASE(alloc_errors),
	TEST_CASE(attach_errors),
	TEST_CASE(pasid_entry_bits),
	TEST_CASE(flptr_low_bits),
};

NESTED_SUITE(nested_alloc_suite, "nested_alloc", alloc_cases);

/* ---- nested_dma ---- */

/*
 * One guest on RID_PASID, @size bytes at @gva backed by a fresh target;
 * @fs leaves come from alignment, @ss_step forces the second stage's.
 */
static void nested_access(struct ktap_case *c, u32 width, u64 gva, u64 size,
			  u64 align, u64 ss_step, u64 off, u32 len, bool read)
{
	struct dma_target t;
	struct nest n;

	if (dma_target_alloc(&t, size / SZ_4K, align / SZ_4K)) {
		ktap_fail(c, "no memory for a 0x%llx-byte target",
			  (unsigned long long)size);
		return;
	}
	struct dma_map m = { gva, t.phys, size, read ? PGTABLE_PROT_READ : RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	if (nest_init(c, &n, 0, width) &&
	    guest_data(c, &n, gva, t.phys, size, align, ss_step,
		       read ? 0 : GUEST_PROT_WRITE) &&
	    attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing)) {
		if (read)
			dma_check_read(c, &fx.ctx[0], &t, gva + off, len, &in);
		else
			dma_check_write(c, &fx.ctx[0], &t, gva + off, len, &in);
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
	}
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

static void nested_write(struct ktap_case *c, u64 gva, u64 size, u64 align,
			 u64 ss_step, u64 off, u32 len, bool read)
{
	nested_access(c, 48, gva, size, align, ss_step, off, len, read);
}

static void page_4k(struct ktap_case *c, const void *arg)
{
	nested_write(c, GVA, SZ_4K, SZ_4K, SZ_4K, 0, SZ_4K, false);
}

static void cross_pages(struct ktap_case *c, const void *arg)
{
	nested_write(c, GVA, 2 * SZ_4K, SZ_4K, SZ_4K, 0x800, SZ_4K, false);
}

static void read_4k(struct ktap_case *c, const void *arg)
{
	nested_write(c, GVA, SZ_4K, SZ_4K, SZ_4K, 0, SZ_4K, true);
}

static void fs_2m_ss_2m(struct ktap_case *c, const void *arg)
{
	nested_write(c, GVA, SZ_2M, SZ_2M, SZ_2M, 0x1fe800, SZ_4K, false);
}

static void fs_2m_ss_4k(struct ktap_case *c, const void *arg)
{
	nested_write(c, GVA, SZ_2M, SZ_2M, SZ_4K, 0x100800, SZ_4K, false);
}

static void fs_4k_ss_2m(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct nest n;
	u64 gpa;

	if (dma_target_alloc(&t, SZ_2M / SZ_4K, SZ_2M / SZ_4K)) {
		ktap_fail(c, "no 2 MiB aligned memory");
		return;
	}
	/* The parent maps 2M at once; the guest maps one 4K page of it. */
	struct dma_map m = { GVA, t.phys + 0x3000, SZ_4K, RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	gpa = guest_reserve(&vm, SZ_2M, SZ_2M);
	if (nest_init(c, &n, 0, 48) &&
	    !guest_back(&vm, gpa, t.phys, SZ_2M, RW) &&
	    !guest_map(&n.g, GVA, gpa + 0x3000, SZ_4K, GUEST_PROT_WRITE) &&
	    attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing)) {
		dma_check_write(c, &fx.ctx[0], &t, GVA + 0x400, 0x800, &in);
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
	}
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

/* 1G in both stages: a gigabyte of GPA onto the aligned host gigabyte. */
static void fs_1g_ss_1g(struct ktap_case *c, const void *arg)
{
	struct dma_target t;
	struct nest n;
	u64 hpa, gpa;

	if (!(fx.iommu->cap & CAP_FS1GP) ||
	    !(parent.domain.pgt.page_sizes & SZ_1G)) {
		ktap_skip(c, "no 1 GiB pages in both stages (CAP.FS1GP, SLLPS)");
		return;
	}
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	hpa = t.phys & ~(SZ_1G - 1);
	gpa = guest_reserve(&vm, SZ_1G, SZ_1G);
	struct dma_map m = { GVA_1G, hpa, SZ_1G, RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	if (nest_init(c, &n, 0, 48) && !guest_back(&vm, gpa, hpa, SZ_1G, RW) &&
	    !guest_map(&n.g, GVA_1G, gpa, SZ_1G, GUEST_PROT_WRITE) &&
	    attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing)) {
		dma_check_write(c, &fx.ctx[0], &t,
				GVA_1G + (t.phys - hpa) + 0x200, 0x400, &in);
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
	}
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

/* A 5-level first stage (FSPM 1, addr_width 57) above the 4-level one. */
static void fs_5level(struct ktap_case *c, const void *arg)
{
	if (!(fx.iommu->cap & CAP_FS5LP)) {
		ktap_skip(c, "the unit has no 5-level first stage (CAP.FS5LP clear)");
		return;
	}
	nested_access(c, 57, 1ULL << 50, SZ_4K, SZ_4K, SZ_4K, 0, SZ_4K, false);
}

/*
 * A and D as the unit must leave them (VT-d 3.6.2), written by hand: bit 5
 * Accessed in every first-stage entry a translation uses, bit 6 Dirty in
 * the leaf of a write; P, R/W, U/S (bits 0-2, 9.7) as the guest wrote
 * them. Page walks snoop with ECAP.SMPWC (bit 48, 11.4.3) and PWSNP (bit
 * 23 of the PASID entry's second word, 9.6); without both, an update the
 * unit needs faults the request with SFS.9 (0x90, Table 30 in 7.1.3).
 */
#define FS_BIT_P		BIT_ULL(0)
#define FS_BIT_RW		BIT_ULL(1)
#define FS_BIT_US		BIT_ULL(2)
#define FS_BIT_A		BIT_ULL(5)
#define FS_BIT_D		BIT_ULL(6)
#define REASON_SFS_9		0x90
#define AD_LEVELS		4	/* the first stage of nest_init(.., 48) */

static u64 fs_entry_now(struct nest *n, unsigned int level)
{
	return *(volatile u64 *)guest_fs_entry(&n->g, GVA, level);
}

/*
 * After the access, the leaf holds @want and each table entry above it
 * what it held before, with A set when the access landed. Where it
 * faulted, the unit may have set A on the way (3.6.2), nothing else.
 */
static void ad_check_entries(struct ktap_case *c, struct nest *n, u64 want,
			     const u64 *before, bool landed)
{
	u64 may = landed ? 0 : FS_BIT_A;

	for (unsigned int level = 1; level <= AD_LEVELS; level++) {
		u64 now = fs_entry_now(n, level);
		u64 exp = level == 1 ? want : before[level] |
			  (landed ? FS_BIT_A : 0);

		if ((now & ~may) != (exp & ~may))
			ktap_fail(c, "fs-L%u entry 0x%016llx after the %s, want 0x%016llx%s",
				  level, (unsigned long long)now,
				  landed ? "access" : "fault",
				  (unsigned long long)exp,
				  landed ? "" : " (A allowed)");
	}
}

/*
 * One guest page whose first-stage entries the guest left with A and D
 * clear, accessed once (@write or a read). Where the unit's page walks
 * snoop, the access lands and the unit sets A, and D for a write, in the
 * guest's leaf; where they do not, it faults with SFS.9 and nothing lands.
 */
static void ad_access(struct ktap_case *c, unsigned int guest_prot, bool write)
{
	struct dma_ctx *x = &fx.ctx[0];
	const struct walk_result *w;
	struct pasid_entry *pe;
	struct dma_target t;
	struct dma_map m;
	struct dma_intent in = { .maps = &m };
	u64 gpa, leaf, want, before[AD_LEVELS + 1];
	bool smpwc, pwsnp, snoop, ok;
	struct nest n;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ GVA, t.phys, SZ_4K,
			      guest_prot & GUEST_PROT_WRITE ? RW : PGTABLE_PROT_READ };
	gpa = guest_reserve(&vm, SZ_4K, SZ_4K);
	if (!nest_init(c, &n, 0, 48))
		goto out;
	if (guest_back(&vm, gpa, t.phys, SZ_4K, RW) ||
	    guest_map(&n.g, GVA, gpa, SZ_4K, guest_prot | GUEST_AD_CLEAR)) {
		ktap_fail(c, "guest page with A and D clear at 0x%llx: not mapped",
			  (unsigned long long)GVA);
		goto out;
	}
	if (!attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing))
		goto out;
	leaf = gpa | FS_BIT_P | FS_BIT_US |
	       (guest_prot & GUEST_PROT_WRITE ? FS_BIT_RW : 0);
	for (unsigned int level = 1; level <= AD_LEVELS; level++)
		before[level] = fs_entry_now(&n, level);
	if (before[1] != leaf) {
		ktap_fail(c, "the guest's leaf is 0x%016llx, want 0x%016llx (A and D clear)",
			  (unsigned long long)before[1],
			  (unsigned long long)leaf);
		goto detach;
	}
	pe = pasid_get_entry(&fx.dev[0].pasid, IOMMU_NO_PASID, false);
	smpwc = fx.iommu->ecap & ECAP_SMPWC;
	pwsnp = pe && (pe->val[1] & PE1_PWSNP);
	snoop = smpwc && pwsnp;
	w = dma_walk(x, GVA, write);
	if (snoop ? w->fault :
	    (!w->fault || !vtd_walk_allows(w, REASON_SFS_9))) {
		ktap_fail(c, "SMPWC=%u PWSNP=%u: the walker says %s (reason 0x%02x), want %s",
			  smpwc, pwsnp, w->fault ? "fault" : "it lands",
			  w->reason, snoop ? "it lands" : "SFS.9 (0x90)");
		vtd_walk_print(w);
		goto detach;
	}
	in.nr = snoop;
	if (write)
		ok = dma_check_write(c, x, &t, GVA + 0x400, 0x800, &in);
	else
		ok = dma_check_read(c, x, &t, GVA + 0x400, 0x800, &in);
	if (c->result == KTAP_SKIP)
		goto detach;
	want = leaf | (snoop ? FS_BIT_A | (write ? FS_BIT_D : 0) : 0);
	ktap_diag("SMPWC=%u PWSNP=%u: page walks %s, so the %s %s; the unit %s, leaf 0x%016llx -> 0x%016llx (want 0x%016llx%s)",
		  smpwc, pwsnp, snoop ? "snoop" : "do not snoop",
		  write ? "write" : "read",
		  snoop ? (write ? "must set A and D" : "must set A, not D") :
			  "faults with SFS.9 (0x90)",
		  ok ? (snoop ? "let it land" : "faulted it") : "did otherwise (above)",
		  (unsigned long long)leaf,
		  (unsigned long long)fs_entry_now(&n, 1),
		  (unsigned long long)want, snoop ? "" : ", A allowed");
	ad_check_entries(c, &n, want, before, snoop);
detach:
	hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
out:
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

static void ad_write(struct ktap_case *c, const void *arg)
{
	ad_access(c, GUEST_PROT_WRITE, true);
}

/* A read of a writable page: A, never D. */
static void ad_read(struct ktap_case *c, const void *arg)
{
	ad_access(c, GUEST_PROT_WRITE, false);
}

static void ad_read_only(struct ktap_case *c, const void *arg)
{
	ad_access(c, 0, false);
}

static const struct test_case dma_cases[] = {
	TEST_CASE(page_4k),
	TEST_CASE(cross_pages),
	TEST_CASE(read_4k),
	TEST_CASE(fs_2m_ss_2m),
	TEST_CASE(fs_2m_ss_4k),
	TEST_CASE(fs_4k_ss_2m),
	TEST_CASE(fs_1g_ss_1g),
	TEST_CASE(fs_5level),
	TEST_CASE(ad_write),
	TEST_CASE(ad_read),
	TEST_CASE(ad_read_only),
};

NESTED_SUITE(nested_dma_suite, "nested_dma", dma_cases);

/* ---- nested_faults ---- */

/*
 * A guest page at GVA, then @breakit, then a write that must fault with
 * the walker's reason and leave the page untouched.
 */
static void nested_fault(struct ktap_case *c,
			 void (*breakit)(struct ktap_case *c, struct nest *n,
					 u64 gpa),
			 unsigned int guest_prot)
{
	struct dma_intent none = { .nr = 0 };
	struct dma_target t;
	struct nest n;
	u64 gpa;

	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	gpa = guest_reserve(&vm, SZ_4K, SZ_4K);
	if (nest_init(c, &n, 0, 48) &&
	    !guest_back(&vm, gpa, t.phys, SZ_4K, RW) &&
	    !guest_map(&n.g, GVA, gpa, SZ_4K, guest_prot) &&
	    attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing)) {
		const struct walk_result *w;

		breakit(c, &n, gpa);
		w = dma_walk(&fx.ctx[0], GVA, true);
		ktap_diag("walker: reason 0x%02x (%s) at level %u", w->reason,
			  vtd_fault_reason_name(w->reason), w->level);
		dma_check_write(c, &fx.ctx[0], &t, GVA, 0x100, &none);
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
	}
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

static void clear_fs_leaf(struct ktap_case *c, struct nest *n, u64 gpa)
{
	u64 *e = guest_fs_entry(&n->g, GVA, 1);

	*e = 0;
	iommu_flush_line(fx.iommu, e, sizeof(*e));
}

/* The guest mapped the page read-only: nothing more to break. */
static void keep_tables(struct ktap_case *c, struct nest *n, u64 gpa)
{
}

/* The guest cannot make the parent read-only; a driver bug could. */
static void ss_leaf_read_only(struct ktap_case *c, struct nest *n, u64 gpa)
{
	unsigned int level;
	u64 *e = pgtable_leaf(&parent.domain.pgt, gpa, &level);

	*e &= ~SSPTE_W;
	iommu_flush_line(fx.iommu, e, sizeof(*e));
	flush_iotlb(fx.iommu, QI_IOTLB_DOMAIN, n->nd.did, 0, 0, false);
}

/* The parent stops mapping the guest's last-level first-stage table. */
static void ss_hole_under_table(struct ktap_case *c, struct nest *n, u64 gpa)
{
	u64 table = guest_fs_table_gpa(&n->g, GVA, 1);

	ktap_diag("unmapping the first-stage table at GPA 0x%llx",
		  (unsigned long long)table);
	hwpt_paging_unmap(&parent, table, SZ_4K);
}

static void ss_hole_under_page(struct ktap_case *c, struct nest *n, u64 gpa)
{
	hwpt_paging_unmap(&parent, gpa, SZ_4K);
}

static void fs_not_present(struct ktap_case *c, const void *arg)
{
	nested_fault(c, clear_fs_leaf, GUEST_PROT_WRITE);
}

static void fs_read_only(struct ktap_case *c, const void *arg)
{
	nested_fault(c, keep_tables, 0);
}

static void ss_read_only(struct ktap_case *c, const void *arg)
{
	nested_fault(c, ss_leaf_read_only, GUEST_PROT_WRITE);
}

static void ss_hole_fs_table(struct ktap_case *c, const void *arg)
{
	nested_fault(c, ss_hole_under_table, GUEST_PROT_WRITE);
}

static void ss_hole_page(struct ktap_case *c, const void *arg)
{
	nested_fault(c, ss_hole_under_page, GUEST_PROT_WRITE);
}

static const struct test_case fault_cases[] = {
	TEST_CASE(fs_not_present),
	TEST_CASE(fs_read_only),
	TEST_CASE(ss_read_only),
	TEST_CASE(ss_hole_fs_table),
	TEST_CASE(ss_hole_page),
};

NESTED_SUITE(nested_faults_suite, "nested_faults", fault_cases);

/* ---- nested_invalidate ---- */

/* The user invalidation, in the model's terms (6.5.2.4). */
static struct inval user_inval(const struct nest *n, u64 addr)
{
	return (struct inval){ .type = INV_PIOTLB, .gran = QI_PIOTLB_PAGE,
			       .did = n->nd.did, .pasid = IOMMU_NO_PASID,
			       .addr = addr, .am = 0 };
}

/*
 * A guest whose first stage maps GVA to @gpa, which the parent backs with
 * @hpa, attached on RID_PASID: the start of the staleness cases.
 */
static bool guest_page_attached(struct ktap_case *c, struct nest *n, u64 gpa,
				u64 hpa)
{
	return nest_init(c, n, 0, 48) &&
	       !guest_back(&vm, gpa, hpa, SZ_4K, RW) &&
	       !guest_map(&n->g, GVA, gpa, SZ_4K, GUEST_PROT_WRITE) &&
	       attach(c, 0, IOMMU_NO_PASID, as_nested(n), nothing);
}

/* The guest's invalidation request for one page: done, and counted. */
static bool user_invalidate_page(struct ktap_case *c, struct nest *n)
{
	struct iommu_hwpt_vtd_s1_invalidate req = {
		.addr = GVA, .npages = 1, .flags = IOMMU_VTD_INV_FLAGS_LEAF,
	};
	u32 done = 1;
	int ret = nested_cache_invalidate_user(&n->nd,
					       IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					       &req, &done);

	if (ret || done != 1)
		ktap_fail(c, "user invalidation: %d, %u done", ret, done);
	return !ret && done == 1;
}

/*
 * The guest moves a live first-stage leaf to another GPA without telling
 * anyone; the unit may keep the old translation until the guest's own
 * invalidation request, which must then make the new one take effect.
 */
static void stale_first_stage(struct ktap_case *c, const void *arg)
{
	struct dma_ctx *x = &fx.ctx[0];
	struct cached_xlate e;
	struct dma_target t;
	struct dma_map m;
	struct dma_intent in = { .maps = &m, .nr = 1 };
	struct inval v;
	struct nest n;
	u64 gpa[2], *leaf;

	if (dma_target_alloc(&t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ GVA, t.phys, SZ_4K, RW };
	gpa[0] = guest_reserve(&vm, SZ_4K, SZ_4K);
	gpa[1] = guest_reserve(&vm, SZ_4K, SZ_4K);
	if (guest_back(&vm, gpa[1], t.phys + SZ_4K, SZ_4K, RW) ||
	    !guest_page_attached(c, &n, gpa[0], t.phys))
		goto out;
	/* The first DMA fills the IOTLB with the walker's answer. */
	if (!dma_check_write(c, x, &t, GVA, SZ_4K, &in) ||
	    !xlate_note(c, &e, XC_IOTLB, x, GVA))
		goto detach;
	leaf = guest_fs_entry(&n.g, GVA, 1);
	*leaf += gpa[1] - gpa[0];
	iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
	switch (xlate_check_write(c, x, &t, GVA, SZ_4K, &e)) {
	case XLATE_STALE:
		ktap_diag("the unit kept the old nested translation");
		break;
	case XLATE_FRESH:
		ktap_diag("the unit did not keep the old translation: staleness not observed");
		break;
	case XLATE_BAD:
		goto detach;
	}
	if (!user_invalidate_page(c, &n))
		goto detach;
	v = user_inval(&n, GVA);
	inval_apply(&v, &e, 1);
	if (xlate_check_write(c, x, &t, GVA, SZ_4K, &e) != XLATE_FRESH)
		ktap_fail(c, "the new translation did not take effect after the user invalidation");
detach:
	hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
out:
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

/* Linux's per-entry checks, errors and the count of entries done. */
static void bad_entries(struct ktap_case *c, const void *arg)
{
	static const struct {
		const char *what;
		struct iommu_hwpt_vtd_s1_invalidate bad;
		int err;
	} cases[] = {
		{ "flag other than LEAF", { GVA, 1, 2, 0 }, -EOPNOTSUPP },
		{ "nonzero __reserved", { GVA, 1, 0, 1 }, -EOPNOTSUPP },
		{ "unaligned address", { GVA + 0x800, 1, 0, 0 }, -EINVAL },
		{ "npages U64_MAX with an address", { GVA, U64_MAX, 0, 0 }, -EINVAL },
	};
	struct nest n;

	if (!nest_init(c, &n, 0, 48))
		return;
	if (!attach(c, 0, IOMMU_NO_PASID, as_nested(&n), nothing))
		goto out;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iommu_hwpt_vtd_s1_invalidate reqs[3] = {
			{ GVA, 1, IOMMU_VTD_INV_FLAGS_LEAF, 0 },
			cases[i].bad,
			{ 0, U64_MAX, 0, 0 },
		};
		u32 done = ARRAY_SIZE(reqs);
		int ret = nested_cache_invalidate_user(&n.nd,
				IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, reqs, &done);

		if (ret != cases[i].err || done != 1)
			ktap_fail(c, "%s: %d with %u done, Linux gives %d with 1 done",
				  cases[i].what, ret, done, cases[i].err);
	}
	hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
out:
	nest_release(&n);
}

/*
 * The host moves the parent's leaf under a live nested translation. The
 * guest's invalidation may or may not cure it (PASID-based invalidation
 * covers combined translations, not second-stage paging caches); the
 * parent's own invalidation must.
 */
static void second_stage_change(struct ktap_case *c, const void *arg)
{
	struct dma_ctx *x = &fx.ctx[0];
	struct cached_xlate e;
	struct dma_target t;
	struct dma_map m;
	struct dma_intent in = { .maps = &m, .nr = 1 };
	struct inval v;
	unsigned int level;
	struct nest n;
	u64 gpa, *leaf;

	if (dma_target_alloc(&t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	m = (struct dma_map){ GVA, t.phys, SZ_4K, RW };
	gpa = guest_reserve(&vm, SZ_4K, SZ_4K);
	if (!guest_page_attached(c, &n, gpa, t.phys))
		goto out;
	if (!dma_check_write(c, x, &t, GVA, SZ_4K, &in) ||
	    !xlate_note(c, &e, XC_IOTLB, x, GVA))
		goto detach;
	leaf = pgtable_leaf(&parent.domain.pgt, gpa, &level);
	*leaf += SZ_4K;
	iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
	if (!user_invalidate_page(c, &n))
		goto detach;
	v = user_inval(&n, GVA);
	if (xlate_check_write(c, x, &t, GVA, SZ_4K, &e) == XLATE_STALE)
		ktap_diag("after the guest's invalidation the old translation stays");
	else
		ktap_diag("the guest's invalidation also dropped it (allowed)");
	inval_apply(&v, &e, 1);
	/* What hwpt_paging_unmap() sends: IOTLB by the nested DID. */
	v = (struct inval){ .type = INV_IOTLB, .gran = QI_IOTLB_DOMAIN,
			    .did = n.nd.did };
	if (!inval_issue(c, fx.iommu, &v, &e, 1) &&
	    xlate_check_write(c, x, &t, GVA, SZ_4K, &e) != XLATE_FRESH)
		ktap_fail(c, "the parent's invalidation did not make the new second stage take effect");
detach:
	hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_nested(&n));
out:
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

static const struct test_case inval_cases[] = {
	TEST_CASE(stale_first_stage),
	TEST_CASE(bad_entries),
	TEST_CASE(second_stage_change),
};

NESTED_SUITE(nested_invalidate_suite, "nested_invalidate", inval_cases);

/* ---- pasid_isolation ---- */

static void three_guests(struct ktap_case *c, const void *arg)
{
	static const u32 pasids[3] = { IOMMU_NO_PASID, PASID_A, PASID_B };
	struct dma_ctx *x = &fx.ctx[0];
	struct dma_target t[3];
	struct nest n[3];
	struct dma_map m[3];
	const char *why = fixture_pasid_why(&fx);
	unsigned int ready = 0;

	if (why) {
		ktap_skip(c, "%s", why);
		return;
	}
	for (; ready < 3; ready++) {
		if (dma_target_alloc(&t[ready], 1, 1) ||
		    !nest_init(c, &n[ready], 0, 48))
			break;
		m[ready] = (struct dma_map){ GVA, t[ready].phys, SZ_4K, RW };
		if (!guest_data(c, &n[ready], GVA, t[ready].phys, SZ_4K, SZ_4K,
				SZ_4K, GUEST_PROT_WRITE) ||
		    !attach(c, 0, pasids[ready], as_nested(&n[ready]), nothing)) {
			nest_release(&n[ready]);
			break;
		}
	}
	for (unsigned int i = 0; ready == 3 && i < 3; i++) {
		struct dma_intent in = { .maps = &m[i], .nr = 1 };

		x->pasid_present = pasids[i] != IOMMU_NO_PASID;
		x->pasid = pasids[i];
		ktap_diag("DMA with %s %u", x->pasid_present ? "PASID" : "RID_PASID",
			  pasids[i]);
		for (unsigned int k = 0; k < 3; k++)
			if (k != i)
				dma_target_fill(&t[k]);
		dma_check_write(c, x, &t[i], GVA, SZ_4K, &in);
		for (unsigned int k = 0; k < 3; k++)
			if (k != i)
				dma_target_intact(c, &t[k]);
	}
	x->pasid_present = false;
	x->pasid = 0;
	while (ready--) {
		hwpt_detach(&fx.dev[0], pasids[ready], as_nested(&n[ready]));
		nest_release(&n[ready]);
		dma_target_free(&t[ready]);
	}
	vm_reset();
}

static const struct test_case isolation_cases[] = {
	TEST_CASE(three_guests),
};

NESTED_SUITE(pasid_isolation_suite, "pasid_isolation", isolation_cases);

/* ---- nested_replace ---- */

/*
 * A live device goes from one guest's nested domain to another's, then to
 * the parent itself (the guest-physical space, no first stage), with DMA
 * before and after each replace.
 */
static void live_replace(struct ktap_case *c, const void *arg)
{
	struct dma_ctx *x = &fx.ctx[0];
	struct hwpt_attached steps[3];
	struct dma_target t[3] = { 0 };
	struct dma_map m[3];
	unsigned int inited = 0;
	int attached = -1;
	struct nest n[2];
	u64 iova[3], gpa;

	for (unsigned int i = 0; i < 3; i++) {
		if (dma_target_alloc(&t[i], 1, 1)) {
			ktap_fail(c, "no memory for the targets");
			goto out;
		}
	}
	for (; inited < 2; inited++) {
		if (!nest_init(c, &n[inited], 0, 48) ||
		    !guest_data(c, &n[inited], GVA, t[inited].phys, SZ_4K, SZ_4K,
				SZ_4K, GUEST_PROT_WRITE))
			goto out;
		m[inited] = (struct dma_map){ GVA, t[inited].phys, SZ_4K, RW };
		iova[inited] = GVA;
		steps[inited] = as_nested(&n[inited]);
	}
	gpa = guest_reserve(&vm, SZ_4K, SZ_4K);
	if (guest_back(&vm, gpa, t[2].phys, SZ_4K, RW))
		goto out;
	m[2] = (struct dma_map){ gpa, t[2].phys, SZ_4K, RW };
	iova[2] = gpa;
	steps[2] = as_paging(&parent);
	for (unsigned int i = 0; i < 3; i++) {
		struct dma_intent in = { .maps = &m[i], .nr = 1 };

		if (!attach(c, 0, IOMMU_NO_PASID, steps[i],
			    attached < 0 ? nothing : steps[attached]))
			break;
		attached = i;
		ktap_diag("step %u: %s", i, i < 2 ? "nested domain" : "nest parent");
		dma_check_write(c, x, &t[i], iova[i], SZ_4K, &in);
	}
	if (attached >= 0)
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, steps[attached]);
out:
	while (inited--)
		nest_release(&n[inited]);
	vm_reset();
	for (unsigned int i = 0; i < 3; i++)
		dma_target_free(&t[i]);
}

static const struct test_case replace_cases[] = {
	TEST_CASE(live_replace),
};

NESTED_SUITE(nested_replace_suite, "nested_replace", replace_cases);

/* ---- privilege ---- */

#define PRIV_LEN	0x100

static bool parent_attached;

/* One case: the guest's page, the request, and what it must do. */
struct priv_case {
	u64 s1_flags;		/* IOMMU_VTD_S1_* */
	/* GUEST_PROT_WRITE, GUEST_SUPERVISOR (the leaf with U/S=0), or 0 */
	unsigned int guest_prot;
	/*
	 * D set in advance on a read-only leaf, as the guest sets it on its
	 * writable ones: a write through it then needs no D update, which
	 * a unit whose page walks do not snoop refuses (SFS.9).
	 */
	bool dirty;
	bool priv;		/* a privileged request */
	/* What the request may do at the page (VT-d 5.10 3.6.1), by hand. */
	unsigned int allowed;	/* PGTABLE_PROT_READ / _WRITE */
};

/*
 * The guest maps GVA onto a fresh guest-physical page backed by @hpa, and
 * sets D ahead in a read-only leaf where @pc asks. Not yet attached:
 * nothing to invalidate.
 */
static bool guest_page(struct ktap_case *c, struct nest *n, u64 hpa,
		       const struct priv_case *pc)
{
	u64 *leaf;

	if (!guest_data(c, n, GVA, hpa, SZ_4K, SZ_4K, SZ_4K, pc->guest_prot))
		return false;
	leaf = guest_fs_entry(&n->g, GVA, 1);
	if (pc->dirty) {
		*leaf |= FSPTE_D;
		iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
	}
	ktap_diag("guest leaf 0x%016llx, flags 0x%llx (SRE %u WPE %u), %s request",
		  (unsigned long long)*leaf,
		  (unsigned long long)pc->s1_flags,
		  !!(pc->s1_flags & IOMMU_VTD_S1_SRE),
		  !!(pc->s1_flags & IOMMU_VTD_S1_WPE),
		  pc->priv ? "privileged" : "user");
	return true;
}

static bool can_run(struct ktap_case *c, const struct priv_case *pc)
{
	if (pc->priv && !(fx.eng[0]->flags & ENGINE_PRIV)) {
		ktap_skip(c, "%s cannot issue privileged requests: only a DSA whose PASID capability offers Privileged Mode does (under QEMU, intel-dsa)",
			  fx.eng[0]->name);
		return false;
	}
	return true;
}

/*
 * @pc's page behind PASID_A, then @check with the device's requests on
 * PASID_A of @pc's privilege.
 */
static void with_page(struct ktap_case *c, const struct priv_case *pc,
		      void (*check)(struct ktap_case *c,
				    const struct priv_case *pc,
				    const struct dma_target *t))
{
	struct dma_ctx *x = &fx.ctx[0];
	struct dma_target t;
	struct nest n;

	if (!can_run(c, pc))
		return;
	if (dma_target_alloc(&t, 1, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	if (nest_init(c, &n, pc->s1_flags, 48) &&
	    guest_page(c, &n, t.phys, pc) &&
	    attach(c, 0, PASID_A, as_nested(&n), nothing)) {
		x->pasid_present = true;
		x->pasid = PASID_A;
		x->priv = pc->priv;
		check(c, pc, &t);
		x->pasid_present = false;
		x->pasid = 0;
		x->priv = false;
		hwpt_detach(&fx.dev[0], PASID_A, as_nested(&n));
	}
	nest_release(&n);
	vm_reset();
	dma_target_free(&t);
}

/* A write, then a read, judged by tests/dma.c against the walker. */
static void write_and_read(struct ktap_case *c, const struct priv_case *pc,
			   const struct dma_target *t)
{
	struct dma_map m = { GVA, t->phys, SZ_4K, pc->allowed };
	struct dma_intent in = { .maps = &m, .nr = 1 };

	dma_check_write(c, &fx.ctx[0], t, GVA, PRIV_LEN, &in);
	if (pc->allowed & PGTABLE_PROT_READ)
		dma_check_read(c, &fx.ctx[0], t, GVA, PRIV_LEN, &in);
}

static void write_only(struct ktap_case *c, const struct priv_case *pc,
		       const struct dma_target *t)
{
	struct dma_map m = { GVA, t->phys, SZ_4K, pc->allowed };
	struct dma_intent in = { .maps = &m, .nr = !!pc->allowed };

	dma_check_write(c, &fx.ctx[0], t, GVA, PRIV_LEN, &in);
}

static void priv_supervisor_page(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = IOMMU_VTD_S1_SRE,
		.guest_prot = GUEST_PROT_WRITE | GUEST_SUPERVISOR,
		.priv = true, .allowed = RW,
	};

	with_page(c, &pc, write_and_read);
}

static void user_supervisor_page(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = IOMMU_VTD_S1_SRE,
		.guest_prot = GUEST_PROT_WRITE | GUEST_SUPERVISOR,
		.priv = false, .allowed = 0,
	};

	with_page(c, &pc, write_only);
}

static void priv_read_only_wpe0(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = IOMMU_VTD_S1_SRE, .guest_prot = 0, .dirty = true,
		.priv = true, .allowed = RW,
	};

	with_page(c, &pc, write_and_read);
}

static void priv_read_only_wpe1(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE, .guest_prot = 0,
		.dirty = true, .priv = true, .allowed = PGTABLE_PROT_READ,
	};

	with_page(c, &pc, write_only);
}

/* Whether @addr lies in the page at GVA or in one of the device's regions. */
static bool request_reaches(const struct dma_ctx *x, u64 addr)
{
	struct dma_region r[DMA_CTX_REGIONS];
	unsigned int n = dma_ctx_regions(x, r);

	if (addr >= GVA && addr < GVA + SZ_4K)
		return true;
	for (unsigned int i = 0; i < n; i++)
		if (addr >= (r[i].phys & ~(SZ_4K - 1)) &&
		    addr < r[i].phys + r[i].size)
			return true;
	return false;
}

/* One recorded fault of the SRE=0 case: at a page the request touches. */
static bool sre_fault_ok(struct ktap_case *c, struct dma_ctx *x,
			 const struct vtd_fault *f)
{
	fault_print(x->iommu, f);
	if (!request_reaches(x, f->addr)) {
		ktap_fail(c, "fault at 0x%llx, which the request never touches",
			  (unsigned long long)f->addr);
		return false;
	}
	return dma_fault_ok(c, x, f);
}

/*
 * SPT.6 refuses every privileged request of the PASID, those the engine
 * makes to its own scratch pages and records included, so the request's
 * faults are judged where they are: each one at a page the request
 * touches, with the reason the walker gives there; none is missing, and
 * nothing lands.
 */
static void sre_clear_check(struct ktap_case *c, const struct priv_case *pc,
			    const struct dma_target *t)
{
	struct dma_ctx *x = &fx.ctx[0];
	const struct walk_result *w = dma_walk(x, GVA, true);
	static u32 data[PRIV_LEN / 4];
	struct fault_log log;
	int ret;

	ktap_diag("walker: 0x%llx %s 0x%02x (%s)", (unsigned long long)GVA,
		  w->fault ? "faults with reason" : "lands, reason", w->reason,
		  vtd_fault_reason_name(w->reason));
	if (!w->fault) {
		ktap_fail(c, "tables disagree with the mapping: the walker lets a privileged write through SRE=0");
		vtd_walk_print(w);
		return;
	}
	if (!dma_learn_write(c, x, GVA, PRIV_LEN, data))
		return;
	dma_target_fill(t);
	ret = dma_issue_write(x, GVA, PRIV_LEN, true);
	ktap_diag("%s: the blocked write ended with %d", x->eng->name, ret);
	fault_drain(x->iommu, &log);
	if (!log.nr)
		ktap_fail(c, "no fault recorded; the walker says SPT.6 (0x%02x) for every privileged request of PASID %u",
			  w->reason, PASID_A);
	for (unsigned int i = 0; i < MIN(log.nr, FAULT_LOG_MAX); i++)
		sre_fault_ok(c, x, &log.f[i]);
	dma_target_intact(c, t);
}

static void priv_sre_clear(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = 0, .guest_prot = GUEST_PROT_WRITE, .priv = true,
		.allowed = 0,
	};

	with_page(c, &pc, sre_clear_check);
}

/*
 * The nested fixture, with the parent on RID_PASID: there an engine
 * recovers after its requests on PASID_A were blocked.
 */
static const char *privilege_setup(struct test_suite *s)
{
	const char *why = nested_setup(s);
	int ret;

	parent_attached = false;
	if (why)
		return why;
	why = fixture_pasid_why(&fx);
	if (why)
		return why;
	if (!(fx.iommu->ecap & ECAP_SRS))
		return "the unit takes no supervisor requests (ECAP.SRS clear): Linux refuses IOMMU_VTD_S1_SRE";
	ret = hwpt_attach(&fx.dev[0], IOMMU_NO_PASID, as_paging(&parent),
			  nothing);
	parent_attached = !ret;
	if (ret)
		runner_setup_failed("nest parent on RID_PASID: %d", ret);
	return ret ? "nest parent setup failed" : NULL;
}

static void privilege_teardown(void)
{
	if (parent_attached)
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_paging(&parent));
	nested_teardown();
}

static const struct test_case privilege_cases[] = {
	TEST_CASE(priv_supervisor_page),
	TEST_CASE(user_supervisor_page),
	TEST_CASE(priv_sre_clear),
	TEST_CASE(priv_read_only_wpe0),
	TEST_CASE(priv_read_only_wpe1),
};

struct test_suite privilege_suite = {
	.name = "privilege", .setup = privilege_setup,
	.teardown = privilege_teardown, .cases = privilege_cases,
	.nr_cases = ARRAY_SIZE(privilege_cases),
};
