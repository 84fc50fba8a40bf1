// SPDX-License-Identifier: GPL-2.0
/*
 * Bring-up and legacy detach (drivers/iommu/intel/iommu.c) against the
 * fake unit, with descriptors written by hand from Linux 7.3.4's
 * iommu_set_root_entry() and domain_context_clear_one():
 *
 * Context-cache (type 1) global (gran 1, bits 5:4): 0x11; device-selective
 *   (gran 3) of DID 2 (bits 31:16) and SID 0x0010 (bits 47:32):
 *   0x0000001000020031. PASID-cache (type 7) global (gran 3): 0x37.
 *   IOTLB (type 2) global (gran 1): 0x12; domain-selective (gran 2) of
 *   DID 2: 0x20022.
 * Legacy context entry (9.3): lo = SLPTPTR | TT 0 << 2 | P bit 0;
 *   hi = AW bits 2:0 (4-level: 2) | DID bits 23:8 (2: 0x200).
 */
#include "drivers/iommu/intel/iommu.h"
#include "lib/errno.h"
#include "lib/ktap.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vtd.h"
#include "tests/unit/unit.h"

/* CAP: ND 2, SAGAW 4-level, MGAW 48, PSI, MAMV 9 (as nested_test.c). */
#define CAP_BASE	0x00090080002f0402ULL
#define CAP_ESRTPS_BIT	0x8000000000000000ULL	/* bit 63 */
#define CAP_MAMV_BITS	0x003f000000000000ULL	/* bits 53:48 */
#define CAP_DRD_DWD	0x00c0000000000000ULL	/* bits 55, 54 */
/* ECAP: C, QI, NEST, PASID, SMTS, SLTS, FLTS. */
#define ECAP_BASE	0x0000c90004000003ULL
/* ECAP: C, IRO 0x50 (bits 17:8), no QI: register-based invalidation. */
#define ECAP_NO_QI	0x0000000000005001ULL
#define SID		0x0010
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)

static struct fake_vtd unit;

/* The descriptors recorded since the last clear: @qw0 each, qw1 0. */
static void expect_descs(const u64 *qw0, unsigned int n)
{
	u64 want[FAKE_VTD_MAX_DESCS][2] = { { 0 } };

	for (unsigned int i = 0; i < n && i < FAKE_VTD_MAX_DESCS; i++)
		want[i][0] = qw0[i];
	fake_vtd_expect(&unit, want, n);
}

/*
 * A fresh unit (@cap, @ecap, scalable or legacy), a domain @d of @type with
 * 4 levels and DID 2, and @dev (SID) attached to it on the RID.
 */
static void attached_domain(struct dmar_domain *d, struct vtd_device *dev,
			    enum domain_type type, u64 cap, u64 ecap,
			    bool scalable)
{
	fake_hw_reset();
	fake_vtd_init(&unit, 0, cap, ecap, scalable);
	EXPECT_U64(domain_init(d, &unit.iommu, type, 4), 0);
	EXPECT_U64(d->did, 2);
	EXPECT_U64(vtd_device_init(dev, &unit.iommu, SID), 0);
	EXPECT_U64(device_attach(dev, d), 0);
}

/* A second bring-up of the same unit, its flushes recorded. */
static void setup_again(bool scalable)
{
	intel_iommu_teardown(&unit.iommu);
	fake_vtd_clear(&unit);
	EXPECT_U64(intel_iommu_setup(&unit.iommu, scalable), 0);
}

UNIT_TEST(iommu_setup_flushes_unless_esrtps)
{
	const u64 sm[] = { 0x11, 0x37, 0x12 };
	const u64 legacy[] = { 0x11, 0x12 };

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE, true);
	setup_again(true);
	expect_descs(sm, ARRAY_SIZE(sm));
	setup_again(false);
	expect_descs(legacy, ARRAY_SIZE(legacy));

	/* CAP.ESRTPS: the SRTP flow invalidated everything. */
	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE | CAP_ESRTPS_BIT, ECAP_BASE, true);
	setup_again(true);
	EXPECT_U64(unit.nr_descs, 0);
}

static u64 ctx_at_flush[2];
static struct context_entry *ctx;

static void note_context(struct fake_vtd *v, const struct qi_desc *d)
{
	if ((d->qw0 & 0xf) != 1)
		return;
	ctx_at_flush[0] = ctx->lo;
	ctx_at_flush[1] = ctx->hi;
}

UNIT_TEST(iommu_legacy_detach_clears_present_first)
{
	const u64 want[] = { 0x0000001000020031ULL, 0x20022 };
	struct dmar_domain d;
	struct vtd_device dev;

	attached_domain(&d, &dev, DOMAIN_SECOND_STAGE, CAP_BASE, ECAP_BASE,
			false);
	ctx = iommu_context_entry(&unit.iommu, SID);
	EXPECT_U64(ctx->lo, d.pgt.root_phys | 1);
	EXPECT_U64(ctx->hi, 0x202);

	fake_vtd_clear(&unit);
	unit.fetched = note_context;
	EXPECT_U64(device_detach(&dev), 0);
	unit.fetched = NULL;
	expect_descs(want, ARRAY_SIZE(want));
	/* While the context cache was invalidated: P clear, the rest kept. */
	EXPECT_U64(ctx_at_flush[0], d.pgt.root_phys);
	EXPECT_U64(ctx_at_flush[1], 0x202);
	EXPECT_U64(ctx->lo, 0);
	EXPECT_U64(ctx->hi, 0);
}

/*
 * Pages 0x1000..0x3000 of domain DID 2 share a last-level table. Linux
 * 7.3.4's intel_iommu_tlb_sync() sets IH (qw1 bit 6) when the unmap freed
 * no table page. IOTLB page-selective (type 2, gran 3): 0x20032;
 * PASID-based IOTLB page-selective within PASID 0 (type 6, gran 3):
 * 0x20036. [0x2000, 0x4000) is pfns 2..3: AM 1 at 0x2000.
 */
static void unmap_ih_steps(enum domain_type type, bool scalable,
			   u64 qw0_page)
{
	const u64 two[][2] = { { qw0_page, 0x2041 } };	/* AM 1 | IH */
	const u64 last[][2] = { { qw0_page, 0x1000 } };	/* tables freed */
	struct dmar_domain d;
	struct vtd_device dev;

	attached_domain(&d, &dev, type, CAP_BASE, ECAP_BASE, scalable);
	EXPECT_U64(domain_map(&d, 0x1000, 0x5000, 0x3000, RW), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(domain_unmap(&d, 0x2000, 0x2000), 0x2000);
	fake_vtd_expect(&unit, two, ARRAY_SIZE(two));
	fake_vtd_clear(&unit);
	EXPECT_U64(domain_unmap(&d, 0x1000, 0x1000), 0x1000);
	fake_vtd_expect(&unit, last, ARRAY_SIZE(last));
}

UNIT_TEST(iommu_unmap_ih_second_stage)
{
	const u64 dsi[][2] = { { 0x20022, 0 } };	/* IOTLB domain, DID 2 */
	struct dmar_domain d;
	struct vtd_device dev;

	unmap_ih_steps(DOMAIN_SECOND_STAGE, false, 0x20032);
	unmap_ih_steps(DOMAIN_SECOND_STAGE, true, 0x20032);

	/* MAMV 0 (CAP bits 53:48): AM 1 is too wide, IH is dropped. */
	attached_domain(&d, &dev, DOMAIN_SECOND_STAGE,
			CAP_BASE & ~CAP_MAMV_BITS, ECAP_BASE, false);
	EXPECT_U64(domain_map(&d, 0x1000, 0x5000, 0x3000, RW), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(domain_unmap(&d, 0x2000, 0x2000), 0x2000);
	fake_vtd_expect(&unit, dsi, ARRAY_SIZE(dsi));
}

UNIT_TEST(iommu_unmap_ih_first_stage)
{
	unmap_ih_steps(DOMAIN_FIRST_STAGE, true, 0x20036);
}

/*
 * Without QI: Linux 7.3.4's __iommu_flush_iotlb(). IOTLB_REG (11.4.6.3):
 * IVT bit 63, IIRG bits 61:60 (1 global, 3 page), DW bit 48 (CAP.DWD),
 * never DR; DID bits 47:32. Page-selective of DID 2 with DW:
 * 0xb001000200000000; global: 0x9001000000000000. IVA_REG (11.4.6.4) is
 * written as size_order | (addr | ih): IH lands in AM bit 0, bit 6 stays
 * clear, and an IVA of 0 is not written at all.
 */
UNIT_TEST(iommu_register_iotlb_flush)
{
	const u32 iotlb = 0x508;	/* ECAP.IRO 0x50: IVA at 0x500 */
	struct dmar_domain d;
	struct vtd_device dev;

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE | CAP_DRD_DWD, ECAP_NO_QI, false);
	setup_again(false);
	/* Context-cache global (CIRG 1, bits 62:61), then the IOTLB. */
	EXPECT_U64(unit.nr_reg, 2);
	EXPECT_U64(unit.reg[0].reg, 0x28);
	EXPECT_U64(unit.reg[0].cmd, 0xa000000000000000ULL);
	EXPECT_U64(unit.reg[1].reg, iotlb);
	EXPECT_U64(unit.reg[1].cmd, 0x9001000000000000ULL);

	EXPECT_U64(domain_init(&d, &unit.iommu, DOMAIN_SECOND_STAGE, 4), 0);
	EXPECT_U64(vtd_device_init(&dev, &unit.iommu, SID), 0);
	EXPECT_U64(device_attach(&dev, &d), 0);
	EXPECT_U64(domain_map(&d, 0x1000, 0x5000, 0x3000, RW), 0);
	fake_vtd_clear(&unit);
	/* Leaf only, AM 1 at 0x2000: 0x2000 | 1 | 1, no bit 6. */
	EXPECT_U64(domain_unmap(&d, 0x2000, 0x2000), 0x2000);
	EXPECT_U64(unit.nr_reg, 1);
	EXPECT_U64(unit.reg[0].reg, iotlb);
	EXPECT_U64(unit.reg[0].cmd, 0xb001000200000000ULL);
	EXPECT_U64(unit.reg[0].iva, 0x2001);
	/* Tables freed, IH 0: the address and AM 0. */
	fake_vtd_clear(&unit);
	EXPECT_U64(domain_unmap(&d, 0x1000, 0x1000), 0x1000);
	EXPECT_U64(unit.nr_reg, 1);
	EXPECT_U64(unit.reg[0].iva, 0x1000);
	/* IOVA 0, AM 0, IH 0: IVA_REG keeps what it held. */
	EXPECT_U64(domain_map(&d, 0, 0x5000, 0x1000, RW), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(domain_unmap(&d, 0, 0x1000), 0x1000);
	EXPECT_U64(unit.nr_reg, 1);
	EXPECT_U64(unit.reg[0].cmd, 0xb001000200000000ULL);
	EXPECT_U64(unit.reg[0].iva, 0x1000);
}

/*
 * domain_context_clear_one() is void: with the context-cache descriptor
 * rejected (IQE), the IOTLB flush is still made and the entry cleared.
 */
UNIT_TEST(iommu_legacy_detach_flush_failure)
{
	const u64 want[] = { 0x0000001000020031ULL, 0x20022 };
	struct dmar_domain d;
	struct vtd_device dev;
	const char *out;

	attached_domain(&d, &dev, DOMAIN_SECOND_STAGE, CAP_BASE, ECAP_BASE,
			false);
	ctx = iommu_context_entry(&unit.iommu, SID);
	fake_vtd_clear(&unit);
	unit.reject_type = 1;
	unit.reject_count = 1;
	unit_capture_begin();
	EXPECT_U64(device_detach(&dev), 0);
	out = unit_capture_end();
	EXPECT_CONTAINS(out, "an invalidation of domain_context_clear_one() failed (-22)");
	expect_descs(want, ARRAY_SIZE(want));
	EXPECT_U64(ctx->lo, 0);
	EXPECT_U64(ctx->hi, 0);
	EXPECT(!dev.domain);
	EXPECT_U64(d.nr_attached, 0);
}

/*
 * context_present_cache_flush() is void as well: in caching mode a
 * rejected context-cache flush leaves the new entry present and the
 * device attached, and the IOTLB flush of the new DID is still made.
 */
UNIT_TEST(iommu_legacy_attach_flush_failure)
{
	const u64 want[] = { 0x0000001000000031ULL, 0x20022 };
	struct dmar_domain d;
	struct vtd_device dev;
	struct ktap_case c;

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE | CAP_CM, ECAP_BASE, false);
	EXPECT_U64(domain_init(&d, &unit.iommu, DOMAIN_SECOND_STAGE, 4), 0);
	EXPECT_U64(vtd_device_init(&dev, &unit.iommu, SID), 0);
	unit.reject_type = 1;
	unit.reject_count = 1;
	unit_capture_begin();
	ktap_reset();
	ktap_case_init(&c, "attach");
	EXPECT_U64(device_attach(&dev, &d), 0);
	/* The case being run fails: a lost invalidation is never a pass. */
	EXPECT_U64(c.result, KTAP_FAIL);
	EXPECT_CONTAINS(c.failure, "unit 0: an invalidation of context_present_cache_flush() failed (-22)");
	ktap_case_report(&c);
	unit_capture_end();
	ktap_reset();
	expect_descs(want, ARRAY_SIZE(want));
	ctx = iommu_context_entry(&unit.iommu, SID);
	EXPECT_U64(ctx->lo, d.pgt.root_phys | 1);
	EXPECT(dev.domain == &d);
	EXPECT_U64(d.nr_attached, 1);
}

/*
 * intel_iommu_enforce_cache_coherency_fs() (Linux 7.3.4) on a first-stage
 * domain, DID 2, on a non-coherent unit (ECAP.C clear) with ECAP.SC:
 * every RID_PASID entry of the domain gets PGSNP (val[1] bit 24,
 * 0x1000000), newest attach first, then intel_pasid_flush_present(): the
 * entry's line, PASID-cache PASID-selective (type 7, gran 1) of DID 2 and
 * PASID 0: 0x20017, PASID-based IOTLB whole PASID (type 6, gran 2):
 * 0x20026, one submission each. A first-stage entry: val[0] = AW 2 (0x8)
 * | PGTT 1 (0x40) | P = 0x49, val[1] = DID, val[2] = the table.
 */
#define ECAP_SC_BIT	0x80ULL				/* bit 7 */
#define ECAP_FS_SNOOP	((ECAP_BASE & ~1ULL) | ECAP_SC_BIT)	/* no C */
#define SID_B		0x0018
#define PGSNP		0x1000000ULL

static struct vtd_device *snoop_dev[2];
static u64 pgsnp_seen[4][2];
static unsigned int nr_pc;

/* At each PASID-cache flush: which RID_PASID entries have PGSNP. */
static void note_pgsnp(struct fake_vtd *v, const struct qi_desc *d)
{
	if ((d->qw0 & 0xf) != 7 || nr_pc == ARRAY_SIZE(pgsnp_seen))
		return;
	for (unsigned int i = 0; i < 2; i++)
		pgsnp_seen[nr_pc][i] =
			pasid_get_entry(&snoop_dev[i]->pasid, 0, false)->val[1] &
			PGSNP;
	nr_pc++;
}

static const u64 *pasid_val(struct vtd_device *dev, u32 pasid)
{
	return pasid_get_entry(&dev->pasid, pasid, false)->val;
}

UNIT_TEST(iommu_first_stage_enforce_coherency)
{
	const u64 want[] = { 0x20017, 0x20026, 0x20017, 0x20026 };
	struct vtd_device dev, dev_b, dev_c;
	struct dmar_domain d;
	u64 clflushes;

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_FS_SNOOP, true);
	EXPECT_U64(domain_init(&d, &unit.iommu, DOMAIN_FIRST_STAGE, 4), 0);
	EXPECT_U64(vtd_device_init(&dev, &unit.iommu, SID), 0);
	EXPECT_U64(vtd_device_init(&dev_b, &unit.iommu, SID_B), 0);
	EXPECT_U64(device_attach(&dev, &d), 0);
	EXPECT_U64(device_attach(&dev_b, &d), 0);
	EXPECT_U64(device_attach_pasid(&dev, 5, &d), 0);
	EXPECT_U64(pasid_val(&dev, 0)[1], 2);

	snoop_dev[0] = &dev;
	snoop_dev[1] = &dev_b;
	nr_pc = 0;
	fake_vtd_clear(&unit);
	unit.fetched = note_pgsnp;
	clflushes = fake_hw_clflush_count();
	EXPECT(domain_enforce_cache_coherency(&d));
	unit.fetched = NULL;
	expect_descs(want, ARRAY_SIZE(want));
	EXPECT_U64(fake_vtd_submissions(&unit), 4);
	/* One 64-byte line per entry. */
	EXPECT_U64(fake_hw_clflush_count() - clflushes, 2);
	/* dev_b (attached last) first: its PGSNP alone at the first flush. */
	EXPECT_U64(nr_pc, 2);
	EXPECT_U64(pgsnp_seen[0][0], 0);
	EXPECT_U64(pgsnp_seen[0][1], PGSNP);
	EXPECT_U64(pgsnp_seen[1][0], PGSNP);
	EXPECT_U64(pasid_val(&dev, 0)[0], 0x49);
	EXPECT_U64(pasid_val(&dev, 0)[1], PGSNP | 2);
	EXPECT_U64(pasid_val(&dev, 0)[2], d.pgt.root_phys);
	EXPECT_U64(pasid_val(&dev_b, 0)[1], PGSNP | 2);
	/* PASID 5 is on dev_pasids, which Linux does not walk. */
	EXPECT_U64(pasid_val(&dev, 5)[1], 2);

	/* Granted for good: nothing more to do. */
	fake_vtd_clear(&unit);
	EXPECT(domain_enforce_cache_coherency(&d));
	EXPECT_U64(unit.nr_descs, 0);

	/* Entries set up from now on: PASID_FLAG_PAGE_SNOOP. */
	EXPECT_U64(vtd_device_init(&dev_c, &unit.iommu, 0x0020), 0);
	EXPECT_U64(device_attach(&dev_c, &d), 0);
	EXPECT_U64(pasid_val(&dev_c, 0)[1], PGSNP | 2);
	EXPECT_U64(device_attach_pasid(&dev_b, 7, &d), 0);
	EXPECT_U64(pasid_val(&dev_b, 7)[1], PGSNP | 2);
	/* No SNP in first-stage leaves: P | U/S | A | R/W | D (0x67). */
	EXPECT_U64(domain_map(&d, 0x1000, 0x5000, 0x1000, RW), 0);
	EXPECT_U64(*pgtable_leaf(&d.pgt, 0x1000, NULL), 0x5067);
}

/* Without ECAP.SC only a domain with no RID attached is granted. */
UNIT_TEST(iommu_first_stage_enforce_needs_sc)
{
	struct dmar_domain d, pt;
	struct vtd_device dev;

	attached_domain(&d, &dev, DOMAIN_FIRST_STAGE, CAP_BASE, ECAP_BASE, true);
	fake_vtd_clear(&unit);
	EXPECT(!domain_enforce_cache_coherency(&d));
	EXPECT(!d.force_snooping);
	EXPECT_U64(unit.nr_descs, 0);
	EXPECT_U64(pasid_val(&dev, 0)[1], 2);
	EXPECT_U64(device_detach(&dev), 0);
	/* Nothing on the devices list: granted, and no attach check after. */
	EXPECT(domain_enforce_cache_coherency(&d));
	EXPECT_U64(device_attach(&dev, &d), 0);
	EXPECT_U64(pasid_val(&dev, 0)[1], PGSNP | 2);

	/* Pass-through (ECAP.PT, bit 6) has no enforce_cache_coherency op. */
	unit.iommu.ecap |= 0x40;
	EXPECT_U64(domain_init(&pt, &unit.iommu, DOMAIN_PASS_THROUGH, 0), 0);
	EXPECT(!domain_enforce_cache_coherency(&pt));
}

/* Legacy mode: a second-stage domain forcing snooping needs ECAP.SC. */
UNIT_TEST(iommu_legacy_force_snooping_needs_sc)
{
	struct vtd_device dev;
	struct dmar_domain d;

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE, false);
	EXPECT_U64(domain_init(&d, &unit.iommu, DOMAIN_SECOND_STAGE, 4), 0);
	EXPECT_U64(vtd_device_init(&dev, &unit.iommu, SID), 0);
	EXPECT(domain_enforce_cache_coherency(&d));
	EXPECT_U64(device_attach(&dev, &d), -EINVAL);
	EXPECT(!iommu_context_entry(&unit.iommu, SID)->lo);
	EXPECT(!dev.domain);
}
