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
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vtd.h"
#include "tests/unit/unit.h"

/* CAP: ND 2, SAGAW 4-level, MGAW 48, PSI, MAMV 9 (as nested_test.c). */
#define CAP_BASE	0x00090080002f0402ULL
#define CAP_ESRTPS_BIT	0x8000000000000000ULL	/* bit 63 */
/* ECAP: C, QI, NEST, PASID, SMTS, SLTS, FLTS. */
#define ECAP_BASE	0x0000c90004000003ULL
#define SID		0x0010

static struct fake_vtd unit;

static void expect_descs(const u64 *qw0, unsigned int n)
{
	struct qi_desc got[FAKE_VTD_MAX_DESCS];
	unsigned int nr = fake_vtd_descs(&unit, got, FAKE_VTD_MAX_DESCS);

	EXPECT_U64(nr, n);
	for (unsigned int i = 0; i < n && i < nr; i++) {
		EXPECT_U64(got[i].qw0, qw0[i]);
		EXPECT_U64(got[i].qw1, 0);
	}
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

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE, false);
	EXPECT_U64(domain_init(&d, &unit.iommu, DOMAIN_SECOND_STAGE, 4), 0);
	EXPECT_U64(d.did, 2);
	EXPECT_U64(vtd_device_init(&dev, &unit.iommu, SID), 0);
	EXPECT_U64(device_attach(&dev, &d), 0);
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
