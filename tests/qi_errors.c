// SPDX-License-Identifier: GPL-2.0
/*
 * Suite "qi": deliberately malformed invalidation descriptors. Each must
 * raise FSTS.IQE with the queue head left on it (VT-d spec rev 5.10, 6.5.2.11),
 * be recovered as Linux does (the descriptor replaced by a wait, IQE
 * cleared: drivers/iommu/intel/qi.c), and the queue must go on: what was
 * queued before and after it completes, and an invalidation queued behind
 * it takes effect on DMA. The unit runs in legacy mode.
 */
#include "boot/platform.h"
#include "drivers/iommu/intel/flush.h"
#include "lib/errno.h"
#include "tests/iotlb_model.h"
#include "tests/mode_fixture.h"
#include "tests/runner.h"

#define IOVA_BASE	0x1000000000ULL
#define SZ_4K		0x1000ULL
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define DMA_OFF		0x200ULL
#define DMA_LEN		0x100U
#define MARK_BEFORE	0x600dbe4eU
#define MARK_AFTER	0x600daf7eU
/* 6.5.2.3: IOTLB descriptor qw0 bits 15:12 are reserved. */
#define IOTLB_QW0_RSVD_BIT	BIT_ULL(12)

static struct intel_iommu *unit(void)
{
	return mode_fx.iommu;
}

static unsigned int iqh(void)
{
	return dmar_readl(unit(), DMAR_IQH_REG) >> unit()->qi.shift;
}

static bool qi_available(struct ktap_case *c)
{
	if (!mode_enter(c, &mode_legacy))
		return false;
	if (!unit()->qi_enabled) {
		ktap_skip(c, "no queued invalidation (ECAP.QI clear)");
		return false;
	}
	return true;
}

static bool same_desc(const struct qi_desc *a, const struct qi_desc *b)
{
	bool wide = unit()->qi.shift > 4;

	return a->qw0 == b->qw0 && a->qw1 == b->qw1 &&
	       (!wide || (a->qw2 == b->qw2 && a->qw3 == b->qw3));
}

/*
 * Submits @descs, of which @bad is malformed, and checks the error was
 * reported at it and recovered: -EINVAL, IQE, the head on @bad with its
 * contents, then FSTS.IQE clear and the queue empty.
 */
static bool expect_iqe(struct ktap_case *c, const struct qi_desc *descs,
		       unsigned int n, unsigned int bad)
{
	unsigned int first = unit()->qi.tail, want = (first + bad) % QI_LENGTH;
	struct qi_error err;
	char buf[192];
	int ret;

	qi_desc_describe(&descs[bad], buf, sizeof(buf));
	ktap_diag("submitting %u descriptor(s), number %u malformed: %s", n,
		  bad, buf);
	ret = qi_submit_sync(unit(), descs, n, &err);
	qi_print_error(unit(), &err);
	ktap_diag("IQER 0x%016llx: IQEI %llu", (unsigned long long)err.iqer,
		  (unsigned long long)(err.iqer & IQER_IQEI_MASK));
	if (ret != -EINVAL || !(err.fsts & FSTS_IQE)) {
		ktap_fail(c, "expected IQE (-EINVAL), got %d with FSTS 0x%08x",
			  ret, err.fsts);
		return false;
	}
	if (err.fsts & (FSTS_ITE | FSTS_ICE))
		ktap_fail(c, "ITE or ICE came with the IQE: FSTS 0x%08x",
			  err.fsts);
	if (err.head != want)
		ktap_fail(c, "the queue stopped at descriptor %u, the malformed one is %u",
			  err.head, want);
	else if (!err.have_desc || !same_desc(&err.desc, &descs[bad]))
		ktap_fail(c, "the descriptor at the head is not the one submitted");
	if (dmar_readl(unit(), DMAR_FSTS_REG) & FSTS_IQE)
		ktap_fail(c, "FSTS.IQE still set after recovery");
	if (iqh() != unit()->qi.tail)
		ktap_fail(c, "queue not drained after recovery: IQH %u, IQT %u",
			  iqh(), unit()->qi.tail);
	return c->result != KTAP_FAIL;
}

/* A plain invalidation right after: the queue works as before. */
static void queue_works(struct ktap_case *c)
{
	int ret = flush_iotlb(unit(), QI_IOTLB_GLOBAL, 0, 0, 0, false);

	if (ret)
		ktap_fail(c, "the next invalidation after recovery failed: %d",
			  ret);
}

/*
 * An all-zero descriptor (type 0 is reserved), between two wait
 * descriptors: the first completes before the error, the second after
 * the recovery.
 */
static void invalid_type(struct ktap_case *c, const void *arg)
{
	volatile u32 *mark;

	if (!qi_available(c))
		return;
	mark = hw_alloc_pages(1, 1);
	if (!mark) {
		ktap_fail(c, "no memory for the status words");
		return;
	}
	struct qi_desc descs[] = {
		qi_desc_wait(MARK_BEFORE, hw_virt_to_phys((void *)&mark[0])),
		{ 0 },
		qi_desc_wait(MARK_AFTER, hw_virt_to_phys((void *)&mark[1])),
	};

	if (expect_iqe(c, descs, ARRAY_SIZE(descs), 1)) {
		if (mark[0] != MARK_BEFORE)
			ktap_fail(c, "the wait before the malformed descriptor wrote 0x%08x, not 0x%08x",
				  mark[0], MARK_BEFORE);
		if (mark[1] != MARK_AFTER)
			ktap_fail(c, "the wait after the malformed descriptor wrote 0x%08x, not 0x%08x",
				  mark[1], MARK_AFTER);
		queue_works(c);
	}
	hw_free_pages((void *)mark, 1);
}

/* 6.5.2.3: IOTLB granularity 0 is reserved. */
static void reserved_granularity(struct ktap_case *c, const void *arg)
{
	struct qi_desc bad = qi_desc_iotlb(0, 0, 0, 0, false, 0);

	if (qi_available(c) && expect_iqe(c, &bad, 1, 0))
		queue_works(c);
}

/* A global IOTLB invalidation with a reserved bit set. */
static void reserved_field(struct ktap_case *c, const void *arg)
{
	struct qi_desc bad = qi_desc_iotlb(QI_IOTLB_GLOBAL, 0, 0, 0, false, 0);

	bad.qw0 |= IOTLB_QW0_RSVD_BIT;
	if (qi_available(c) && expect_iqe(c, &bad, 1, 0))
		queue_works(c);
}

/* Points the live leaf for @iova at @pa, visible but not invalidated. */
static void remap(struct dmar_domain *d, u64 iova, u64 pa)
{
	unsigned int level;
	u64 *leaf = pgtable_leaf(&d->pgt, iova, &level);

	*leaf = (*leaf & ~VTD_ADDR_MASK) | (pa & VTD_ADDR_MASK);
	iommu_flush_line(unit(), leaf, sizeof(*leaf));
	flush_write_buffer(unit());
}

static void stale_then_error(struct ktap_case *c, struct dmar_domain *d,
			     const struct dma_target *t)
{
	struct dma_map m = { IOVA_BASE, t->phys, SZ_4K, RW };
	struct dma_intent in = { .maps = &m, .nr = 1 };
	struct inval fix = { .type = INV_IOTLB, .gran = QI_IOTLB_DOMAIN,
			     .did = d->did };
	struct qi_desc descs[] = {
		{ 0 },
		qi_desc_iotlb(QI_IOTLB_DOMAIN, d->did, 0, 0, false, 0),
	};
	struct dma_ctx *x = &mode_fx.ctx[0];
	struct cached_xlate e;
	enum xlate_seen seen;

	if (domain_map(d, m.iova, m.pa, m.size, m.prot)) {
		ktap_fail(c, "mapping 0x%llx failed", (unsigned long long)m.iova);
		return;
	}
	if (!dma_check_write(c, x, t, IOVA_BASE + DMA_OFF, DMA_LEN, &in) ||
	    !xlate_note(c, &e, XC_IOTLB, x, IOVA_BASE))
		return;
	remap(d, IOVA_BASE, t->phys + SZ_4K);
	seen = xlate_check_write(c, x, t, IOVA_BASE + DMA_OFF, DMA_LEN, &e);
	if (seen == XLATE_FRESH && platform_is_qemu())
		ktap_fail(c, "the changed leaf took effect without invalidation, yet QEMU keeps IOTLB entries until invalidated (vtd-facts 5)");
	else if (seen == XLATE_FRESH)
		ktap_diag("the unit did not keep the IOTLB entry: the effect of the invalidation cannot be seen");
	else if (seen == XLATE_STALE)
		ktap_diag("the stale IOTLB entry is used, as expected");
	if (c->result == KTAP_FAIL ||
	    !expect_iqe(c, descs, ARRAY_SIZE(descs), 0))
		return;
	inval_apply(&fix, &e, 1);
	if (xlate_check_write(c, x, t, IOVA_BASE + DMA_OFF, DMA_LEN, &e) ==
	    XLATE_FRESH)
		ktap_diag("the invalidation queued behind the malformed descriptor took effect");
}

/*
 * A stale IOTLB entry is made (the leaf changed in place after a DMA used
 * it), then a malformed descriptor and the domain-selective invalidation
 * that fixes the entry are queued together (6.5.2.3). After the recovery
 * the invalidation behind the bad descriptor must have taken effect.
 */
static void invalidation_after_error(struct ktap_case *c, const void *arg)
{
	struct dmar_domain d;
	struct dma_target t;
	int ret;

	if (!qi_available(c))
		return;
	if (dma_target_alloc(&t, 2, 1)) {
		ktap_fail(c, "no memory for the target");
		return;
	}
	ret = fixture_domain(&mode_fx, &d, DOMAIN_SECOND_STAGE,
			     mode_levels(&mode_legacy));
	if (!ret)
		ret = device_attach(&mode_fx.dev[0], &d);
	if (ret)
		ktap_fail(c, "domain setup: %d", ret);
	else
		stale_then_error(c, &d, &t);
	device_detach(&mode_fx.dev[0]);
	domain_destroy(&d);
	dma_target_free(&t);
	mode_scrub();
}

/*
 * 6.5.2: every descriptor type the unit's capabilities admit, at each
 * granularity, is accepted: no IQE, and the wait behind it completes.
 * Interrupt entry cache needs ECAP.IR, device-TLB ECAP.DT, the PASID
 * types a scalable-mode unit (ECAP.SMTS).
 */
static void every_type(struct ktap_case *c, const void *arg)
{
	struct qi_desc d[16];
	struct qi_error err;
	unsigned int n = 0, accepted = 0;
	u64 ecap;
	u16 sid;

	if (!qi_available(c))
		return;
	ecap = unit()->ecap;
	sid = mode_fx.eng[0]->sid;
	d[n++] = qi_desc_cc(QI_CC_GLOBAL, 0, 0, 0);
	d[n++] = qi_desc_cc(QI_CC_DOMAIN, 2, 0, 0);
	d[n++] = qi_desc_cc(QI_CC_DEVICE, 2, sid, 0);
	d[n++] = qi_desc_iotlb(QI_IOTLB_GLOBAL, 0, 0, 0, false, 0);
	d[n++] = qi_desc_iotlb(QI_IOTLB_DOMAIN, 2, 0, 0, false, 0);
	d[n++] = qi_desc_iotlb(QI_IOTLB_PAGE, 2, 0x1000000000ULL, 2, true, 0);
	if (ecap & ECAP_IR) {
		d[n++] = qi_desc_iec(false, 0, 0);
		d[n++] = qi_desc_iec(true, 8, 3);
	}
	if (ecap & ECAP_DT)
		d[n++] = qi_desc_dev_tlb(sid, sid, 0, 0x1000000000ULL, 0);
	if (ecap & ECAP_SMTS) {
		d[n++] = qi_desc_piotlb(QI_PIOTLB_PASID, 2, 0, 0, 0, false);
		d[n++] = qi_desc_piotlb(QI_PIOTLB_PAGE, 2, 0, 0x1000000000ULL,
					1, true);
		d[n++] = qi_desc_pc(QI_PC_DOMAIN, 2, 0);
		d[n++] = qi_desc_pc(QI_PC_PASID, 2, 5);
		d[n++] = qi_desc_pc(QI_PC_GLOBAL, 0, 0);
		if (ecap & ECAP_DT)
			d[n++] = qi_desc_pdev_tlb(sid, sid, 5, 0,
						  0x1000000000ULL, 0);
	}
	for (unsigned int i = 0; i < n; i++) {
		u64 type = d[i].qw0 & QI_TYPE_MASK;
		char what[192];
		int ret = qi_submit_sync(unit(), &d[i], 1, &err);

		if (!ret) {
			accepted++;
			continue;
		}
		qi_desc_describe(&d[i], what, sizeof(what));
		ktap_diag("rejected (%d): %s", ret, what);
		qi_print_error(unit(), &err);
		/* Linux fills PFSID (6.5.2.5); QEMU 10.0 checks it as reserved. */
		if (platform_is_qemu() &&
		    (type == QI_TYPE_DIOTLB || type == QI_TYPE_PDIOTLB))
			ktap_xfail(c, "QEMU treats the device-TLB descriptors' PFSID field as reserved");
		else
			ktap_fail(c, "a well-formed %s descriptor was rejected", what);
	}
	ktap_diag("%u of %u descriptors accepted%s", accepted, n,
		  ecap & ECAP_DT ? "" : "; no device-TLB (ECAP.DT clear)");
}

static const struct test_case qi_cases[] = {
	TEST_CASE(every_type),
	TEST_CASE(invalid_type),
	TEST_CASE(reserved_granularity),
	TEST_CASE(reserved_field),
	TEST_CASE(invalidation_after_error),
};

static const char *qi_setup(struct test_suite *s)
{
	return mode_suite_setup();
}

struct test_suite qi_suite = {
	.name = "qi",
	.setup = qi_setup,
	.teardown = mode_suite_teardown,
	.cases = qi_cases,
	.nr_cases = ARRAY_SIZE(qi_cases),
};
