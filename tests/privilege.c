// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "privilege": requests with a PASID that ask for supervisor
 * privilege (VT-d 5.10 section 3.6.1, Table 30 SPT.6 and SGN.2/SGN.6).
 * Linux programs SRE and WPE in one place only, the nested first stage
 * (intel_pasid_setup_nested(), from the IOMMU_VTD_S1_SRE and _WPE flags a
 * user passes with IOMMU_HWPT_DATA_VTD_S1), so every case is a guest's
 * nested domain on PASID_A, with the flags such a user could choose. The
 * nest parent serves RID_PASID, where an engine recovers.
 *
 *	priv_supervisor_page	SRE=1: a privileged write and read reach a
 *				page the guest mapped with U/S=0
 *	user_supervisor_page	SRE=1: a user request to it faults SGN.2
 *	priv_sre_clear		SRE=0: privileged requests fault SPT.6, the
 *				engine's own accesses with them
 *	priv_read_only_wpe0	SRE=1, WPE=0: a privileged write lands
 *				through R/W=0
 *	priv_read_only_wpe1	SRE=1, WPE=1: it faults SGN.6
 *
 * Privileged requests need an engine with ENGINE_PRIV; every case needs
 * ECAP.SRS, without which Linux refuses IOMMU_VTD_S1_SRE.
 */
#include "drivers/iommu/intel/fault.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/fixture.h"
#include "tests/guest.h"
#include "tests/runner.h"

#define SZ_4K		0x1000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define GVA		0x7f0000000ULL
#define PASID_A		5
#define PRIV_LEN	0x100

/* A guest first-stage tree and the nested domain built on it. */
struct nest {
	struct guest g;
	struct nested_domain nd;
};

/* One case: the guest's page, the request, and what it must do. */
struct priv_case {
	u64 s1_flags;		/* IOMMU_VTD_S1_* */
	bool supervisor;	/* the guest maps the page with U/S=0 */
	unsigned int guest_prot;	/* GUEST_PROT_WRITE or 0 */
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

static struct fixture fx;
static struct hwpt_paging parent;
static struct guest_vm vm;
static u64 region_gpa[FIXTURE_MAX_DEV][DMA_CTX_REGIONS];
static u64 cases_gpa;
static bool parent_attached;

static const struct hwpt_attached nothing;

static struct hwpt_attached as_nested(struct nest *n)
{
	return (struct hwpt_attached){ .nested = &n->nd };
}

static struct hwpt_attached as_parent(void)
{
	return (struct hwpt_attached){ .paging = &parent };
}

/* The devices' scratch pages and engine memory, at their own addresses. */
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

static bool nest_init(struct ktap_case *c, struct nest *n, u64 s1_flags)
{
	struct iommu_hwpt_vtd_s1 s1 = { .flags = s1_flags, .addr_width = 48 };
	int ret;

	memset(n, 0, sizeof(*n));
	ret = guest_init(&n->g, &vm, 4);
	if (!ret)
		ret = guest_map_regions(&n->g);
	s1.pgtbl_addr = n->g.fs_root_gpa;
	if (!ret)
		ret = nested_domain_alloc(&n->nd, &parent, 0,
					  IOMMU_HWPT_DATA_VTD_S1, &s1);
	if (ret)
		ktap_fail(c, "guest and nested domain with flags 0x%llx: %d",
			  (unsigned long long)s1_flags, ret);
	return !ret;
}

static void nest_release(struct nest *n)
{
	if (n->nd.parent)
		nested_domain_free(&n->nd);
	guest_release(&n->g);
}

/*
 * The guest maps GVA onto a fresh guest-physical page backed by @hpa; a
 * supervisor page is its leaf with U/S clear, as a guest kernel maps one.
 * Not yet attached: nothing to invalidate.
 */
static bool guest_page(struct ktap_case *c, struct nest *n, u64 hpa,
		       const struct priv_case *pc)
{
	u64 gpa = guest_reserve(&vm, SZ_4K, SZ_4K);
	int ret = guest_back(&vm, gpa, hpa, SZ_4K, RW);
	u64 *leaf;

	if (!ret)
		ret = guest_map(&n->g, GVA, gpa, SZ_4K, pc->guest_prot);
	if (ret) {
		ktap_fail(c, "guest mapping 0x%llx -> GPA 0x%llx -> 0x%llx: %d",
			  (unsigned long long)GVA, (unsigned long long)gpa,
			  (unsigned long long)hpa, ret);
		return false;
	}
	leaf = guest_fs_entry(&n->g, GVA, 1);
	if (pc->supervisor)
		*leaf &= ~FSPTE_US;
	if (pc->dirty)
		*leaf |= FSPTE_D;
	iommu_flush_line(fx.iommu, leaf, sizeof(*leaf));
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
	if (!(fx.iommu->ecap & ECAP_SRS)) {
		ktap_skip(c, "the unit takes no supervisor requests (ECAP.SRS clear): Linux refuses IOMMU_VTD_S1_SRE");
		return false;
	}
	if (pc->priv && !(fx.eng[0]->flags & ENGINE_PRIV)) {
		ktap_skip(c, "%s cannot issue privileged requests: only a DSA whose PASID capability offers Privileged Mode does (under QEMU, intel-dsa)",
			  fx.eng[0]->name);
		return false;
	}
	return true;
}

static bool attach_pasid(struct ktap_case *c, struct nest *n)
{
	int ret = hwpt_attach(&fx.dev[0], PASID_A, as_nested(n), nothing);

	if (ret)
		ktap_fail(c, "attach device 0 PASID %u: %d", PASID_A, ret);
	return !ret;
}

/* Forgets the parent's mappings of the case and rewinds the GPA space. */
static void vm_reset(void)
{
	hwpt_paging_unmap(&parent, cases_gpa, vm.next_gpa - cases_gpa);
	vm.next_gpa = cases_gpa;
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
	if (nest_init(c, &n, pc->s1_flags) && guest_page(c, &n, t.phys, pc) &&
	    attach_pasid(c, &n)) {
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
		.s1_flags = IOMMU_VTD_S1_SRE, .supervisor = true,
		.guest_prot = GUEST_PROT_WRITE, .priv = true, .allowed = RW,
	};

	with_page(c, &pc, write_and_read);
}

static void user_supervisor_page(struct ktap_case *c, const void *arg)
{
	static const struct priv_case pc = {
		.s1_flags = IOMMU_VTD_S1_SRE, .supervisor = true,
		.guest_prot = GUEST_PROT_WRITE, .priv = false, .allowed = 0,
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

/* One recorded fault of the SRE=0 case, against the walker at its page. */
static bool sre_fault_ok(struct ktap_case *c, struct dma_ctx *x,
			 const struct vtd_fault *f)
{
	const struct walk_result *w;

	fault_print(x->iommu, f);
	if (!request_reaches(x, f->addr)) {
		ktap_fail(c, "fault at 0x%llx, which the request never touches",
			  (unsigned long long)f->addr);
		return false;
	}
	w = dma_walk(x, f->addr, !f->read);
	if (w->fault && vtd_walk_allows(w, f->reason) &&
	    f->sid == x->eng->sid && f->pasid_present && f->pasid == x->pasid &&
	    f->priv)
		return true;
	ktap_fail(c, "fault at 0x%llx: reason 0x%02x sid 0x%04x PASID %s 0x%x PRIV %u; walker says %s 0x%02x (%s), sid 0x%04x PASID 0x%x PRIV 1",
		  (unsigned long long)f->addr, f->reason, f->sid,
		  f->pasid_present ? "present" : "absent", f->pasid, f->priv,
		  w->fault ? "reason" : "no fault,", w->reason,
		  vtd_fault_reason_name(w->reason), x->eng->sid, x->pasid);
	vtd_walk_print(w);
	return false;
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

/* Each device region in guest-physical space, and 1:1 in the parent. */
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

static const char *privilege_setup(struct test_suite *s)
{
	const char *why = fixture_setup(&fx, true);
	int ret;

	parent_attached = false;
	if (fixture_error(&fx))
		runner_setup_failed("%s", why);
	if (why)
		return why;
	if (!(fx.iommu->ecap & ECAP_NEST))
		return "the unit has no nested translation (ECAP.NEST clear), where Linux programs SRE and WPE";
	if (!fx.dev[0].pasid_capable)
		return fx.eng[0]->flags & ENGINE_PASID ?
		       "the unit does not take requests with PASID (ECAP.PASID clear)" :
		       "the engine cannot tag DMA with a PASID";
	ret = hwpt_paging_alloc(&parent, fx.iommu, IOMMU_HWPT_ALLOC_NEST_PARENT);
	guest_vm_init(&vm, &parent);
	if (!ret)
		ret = parent_map_regions();
	if (!ret)
		ret = hwpt_attach(&fx.dev[0], IOMMU_NO_PASID, as_parent(), nothing);
	parent_attached = !ret;
	if (ret)
		runner_setup_failed("nest parent on RID_PASID: %d", ret);
	return ret ? "nest parent setup failed" : NULL;
}

static void privilege_teardown(void)
{
	if (parent_attached)
		hwpt_detach(&fx.dev[0], IOMMU_NO_PASID, as_parent());
	if (parent.domain.iommu)
		hwpt_paging_free(&parent);
	memset(&parent, 0, sizeof(parent));
	fixture_teardown(&fx);
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
