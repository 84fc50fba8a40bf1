// SPDX-License-Identifier: GPL-2.0
/*
 * Nested translation (drivers/iommu/intel/nested.c) against a fake unit
 * that records every invalidation descriptor. Expected words are written
 * by hand from the layouts, never taken from the code under test:
 *
 * PASID entry (VT-d 9.6): val[0] P 0x1, AW bits 4:2 (4-level 2 -> 0x8,
 *   5-level 3 -> 0xc), PGTT bits 8:6 (1 -> 0x40, 2 -> 0x80, 3 -> 0xc0),
 *   SSADE 0x200, SSPTPTR bits 63:12; val[1] DID bits 15:0, PWSNP 0x800000
 *   (bit 23), PGSNP 0x1000000 (bit 24); val[2] SRE 0x1, FLPM bits 3:2
 *   (5-level 1 -> 0x4), WPE 0x10, EAFE 0x80, FSPTPTR bits 63:12.
 *   So a nested entry over a 4-level parent has val[0] = root | 0xc9.
 * Descriptors (6.5.2): qw0 type bits 3:0, granularity bits 5:4, DID bits
 *   31:16, PASID bits 51:32 (PASID-cache, PASID-based IOTLB), SID bits
 *   47:32 (context-cache). PASID-cache (type 7) PASID-selective (gran 1)
 *   of DID 3, PASID 0: 0x30017. IOTLB (type 2) domain-selective (gran 2)
 *   of DID 3: 0x30022; page-selective (gran 3): 0x30032 with qw1 = addr |
 *   IH 0x40 | AM. PASID-based IOTLB (type 6) whole PASID (gran 2) of DID 3:
 *   0x30026; page-selective within PASID (gran 3): 0x30036.
 *
 * The fake unit hands out domain ids from 2: the first domain made gets 2,
 * the next 3, and so on.
 */
#include "drivers/iommu/intel/nested.h"
#include "lib/errno.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/fake_vtd.h"
#include "tests/unit/unit.h"

/*
 * CAP: ND 2 (0x2), SAGAW 4-level (bit 10, 0x400), MGAW 47 (0x2f << 16),
 * PSI (bit 39), MAMV 9 (bits 53:48).
 */
#define CAP_BASE	0x00090080002f0402ULL
#define CAP_SAGAW5	0x0000000000000800ULL	/* SAGAW bit 3: 5-level */
#define CAP_CM_BIT	0x0000000000000080ULL
#define CAP_FL5LP	0x1000000000000000ULL	/* bit 60 */
#define CAP_PSI_BIT	0x0000008000000000ULL
/*
 * ECAP: C (bit 0), QI (1), NEST (26), PASID (40), SMTS (43), SLTS (46),
 * FLTS (47).
 */
#define ECAP_BASE	0x0000c90004000003ULL
#define ECAP_SC_BIT	0x0000000000000080ULL	/* bit 7 */
#define ECAP_NEST_BIT	0x0000000004000000ULL	/* bit 26 */
#define ECAP_SRS_BIT	0x0000000080000000ULL	/* bit 31 */
#define ECAP_EAFS_BIT	0x0000000400000000ULL	/* bit 34 */
#define ECAP_PASID_BIT	0x0000010000000000ULL	/* bit 40 */
#define ECAP_SSADS_BIT	0x0000200000000000ULL	/* bit 45 */
#define ECAP_SLTS_BIT	0x0000400000000000ULL	/* bit 46 */
#define ECAP_FLTS_BIT	0x0000800000000000ULL	/* bit 47 */
#define ECAP_SMPWC_BIT	0x0001000000000000ULL	/* bit 48 */

/* Linux 7.3.4's ssads_supported() asks for both. */
#define SSADS_SMPWC	(ECAP_SSADS_BIT | ECAP_SMPWC_BIT)

#define NEST_PARENT	1U
#define DIRTY		2U
#define ALLOC_PASID	8U
#define SID_A		0x0010	/* 00:02.0 */
#define SID_B		0x0018	/* 00:03.0 */
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)

#define NESTED(p)	((struct hwpt_attached){ .nested = (p) })
#define PAGING(p)	((struct hwpt_attached){ .paging = (p) })
#define NONE		((struct hwpt_attached){ 0 })

static struct fake_vtd unit, unit2;
static struct hwpt_paging parent, paging;
static struct nested_domain nd, nd2;
static struct vtd_device dev_a, dev_b;

static const struct iommu_hwpt_vtd_s1 s1_plain = {
	.pgtbl_addr = 0x12345000, .addr_width = 48,
};

/* A unit, a nest parent (DID 2), a nested domain (DID 3), two devices. */
static void setup(u64 cap, u64 ecap, const struct iommu_hwpt_vtd_s1 *s1)
{
	fake_hw_reset();
	fake_vtd_init(&unit, 0, cap, ecap, true);
	EXPECT_U64(hwpt_paging_alloc(&parent, &unit.iommu, NEST_PARENT), 0);
	EXPECT_U64(nested_domain_alloc(&nd, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       s1), 0);
	EXPECT_U64(vtd_device_init(&dev_a, &unit.iommu, SID_A), 0);
	EXPECT_U64(vtd_device_init(&dev_b, &unit.iommu, SID_B), 0);
}

static const u64 *entry(struct vtd_device *dev, u32 pasid)
{
	static const u64 none[8] = { ~0ULL, ~0ULL, ~0ULL, ~0ULL,
				     ~0ULL, ~0ULL, ~0ULL, ~0ULL };
	struct pasid_entry *pe = pasid_get_entry(&dev->pasid, pasid, false);

	return pe ? pe->val : none;
}

/* A present PASID entry: P, bit 0 of val[0]. */
static bool present(struct vtd_device *dev, u32 pasid)
{
	struct pasid_entry *pe = pasid_get_entry(&dev->pasid, pasid, false);

	return pe && (pe->val[0] & 1);
}

static void expect_entry(struct vtd_device *dev, u32 pasid, u64 v0, u64 v1,
			 u64 v2)
{
	const u64 *e = entry(dev, pasid);

	EXPECT_U64(e[0], v0);
	EXPECT_U64(e[1], v1);
	EXPECT_U64(e[2], v2);
	for (unsigned int i = 3; i < 8; i++)
		EXPECT_U64(e[i], 0);
}

static void expect_descs(const u64 (*want)[2], unsigned int n)
{
	fake_vtd_expect(&unit, want, n);
}

UNIT_TEST(nested_paging_alloc_checks)
{
	struct fake_vtd *u = &unit;

	fake_hw_reset();
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, 0x4), -EOPNOTSUPP);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, 0x10), -EOPNOTSUPP);
	/* No ECAP.SSADS. */
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, DIRTY), -EOPNOTSUPP);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu,
				     NEST_PARENT | ALLOC_PASID), 0);
	EXPECT(paging.nested_parent);
	EXPECT_U64(paging.domain.type, DOMAIN_SECOND_STAGE);
	EXPECT_U64(paging.domain.agaw, 2);
	EXPECT_U64(hwpt_paging_free(&paging), 0);
	/* FLTS and SLTS: Linux tries the first stage first. */
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, 0), 0);
	EXPECT_U64(paging.domain.type, DOMAIN_FIRST_STAGE);
	EXPECT(!paging.nested_parent);
	EXPECT_U64(hwpt_paging_free(&paging), 0);

	fake_hw_reset();
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE & ~ECAP_NEST_BIT, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, NEST_PARENT),
		   -EOPNOTSUPP);

	fake_hw_reset();	/* NEST but no second stage */
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE & ~ECAP_SLTS_BIT, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, NEST_PARENT),
		   -EOPNOTSUPP);

	fake_hw_reset();	/* legacy mode: no nesting, second stage only */
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE, false);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, NEST_PARENT),
		   -EOPNOTSUPP);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, 0), 0);
	EXPECT_U64(paging.domain.type, DOMAIN_SECOND_STAGE);

	fake_hw_reset();	/* SSADS without SMPWC (commit 57f55048e564) */
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE | ECAP_SSADS_BIT, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, DIRTY), -EOPNOTSUPP);

	fake_hw_reset();
	fake_vtd_init(u, 0, CAP_BASE, ECAP_BASE | SSADS_SMPWC, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, DIRTY), 0);
	EXPECT(paging.dirty_ops);
	EXPECT_U64(paging.domain.type, DOMAIN_SECOND_STAGE);

	/* Neither stage in scalable mode (commit b9434ba97c44). */
	fake_hw_reset();
	fake_vtd_init(u, 0, CAP_BASE,
		      ECAP_BASE & ~(ECAP_FLTS_BIT | ECAP_SLTS_BIT), true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, 0), -EOPNOTSUPP);
	EXPECT_U64(hwpt_paging_alloc(&paging, &u->iommu, ALLOC_PASID),
		   -EOPNOTSUPP);
}

/*
 * Depths by hand from Linux 7.3.4's compute_vasz_lg2_ss() and _fs(): CAP
 * MGAW bits 21:16 hold the width - 1, SAGAW bits 12:8 (bit 1 3-level,
 * bit 2 4-level, bit 3 5-level); top_level + 1 levels, AW = levels - 2.
 */
UNIT_TEST(nested_paging_alloc_depth)
{
	static const struct {
		u64 cap;
		u64 ecap;
		u32 flags;
		int ret;
		unsigned int levels;
	} cases[] = {
		/* MGAW 57, SAGAW 4+5: 57 > 48 and SAGAW >= 8: 5-level. */
		{ 0x0009008000380c02ULL, ECAP_BASE, NEST_PARENT, 0, 5 },
		/* MGAW 48, SAGAW 4+5: 3 + ffs(1) = top 4: 5-level. */
		{ 0x00090080002f0c02ULL, ECAP_BASE, NEST_PARENT, 0, 5 },
		/* MGAW 48, SAGAW 4: 3 + ffs(0) = top 3: 4-level. */
		{ 0x00090080002f0402ULL, ECAP_BASE, NEST_PARENT, 0, 4 },
		/* MGAW 39, SAGAW 3+4: 2 + ffs(1) = top 3: 4-level. */
		{ 0x0009008000260602ULL, ECAP_BASE, NEST_PARENT, 0, 4 },
		/* MGAW 39, SAGAW 3: 2 + ffs(0) = top 2: 3-level. */
		{ 0x0009008000260202ULL, ECAP_BASE, NEST_PARENT, 0, 3 },
		/* SAGAW 0: no width: pt_iommu_vtdss_init() -EINVAL. */
		{ 0x00090080002f0002ULL, ECAP_BASE, NEST_PARENT, -EINVAL, 0 },
		/* First stage, MGAW 57 and FS5LP (bit 60): 5-level. */
		{ 0x1009008000380c02ULL, ECAP_BASE, 0, 0, 5 },
		/* First stage, MGAW 48 and FS5LP: 4-level. */
		{ 0x10090080002f0c02ULL, ECAP_BASE, 0, 0, 4 },
		/* First stage, MGAW 57 without FS5LP: 4-level. */
		{ 0x0009008000380c02ULL, ECAP_BASE, 0, 0, 4 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		fake_hw_reset();
		fake_vtd_init(&unit, 0, cases[i].cap, cases[i].ecap, true);
		EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu,
					     cases[i].flags), cases[i].ret);
		if (cases[i].ret)
			continue;
		EXPECT_U64(paging.domain.pgt.levels, cases[i].levels);
		EXPECT_U64(paging.domain.agaw, cases[i].levels - 2);
	}
}

UNIT_TEST(nested_parent_refuses_read_only)
{
	u64 *leaf;

	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE & ~ECAP_FLTS_BIT, true);
	EXPECT_U64(hwpt_paging_alloc(&parent, &unit.iommu, NEST_PARENT), 0);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000,
				   PGTABLE_PROT_READ), -EINVAL);
	EXPECT(!pgtable_leaf(&parent.domain.pgt, 0x1000, NULL));
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, 0), -EINVAL);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
	leaf = pgtable_leaf(&parent.domain.pgt, 0x1000, NULL);
	EXPECT_U64(leaf ? *leaf : 0, 0x5003);		/* R | W */
	EXPECT_U64(hwpt_paging_map(&parent, 0x2000, 0x7000, 0x1000,
				   PGTABLE_PROT_WRITE), 0);
	leaf = pgtable_leaf(&parent.domain.pgt, 0x2000, NULL);
	EXPECT_U64(leaf ? *leaf : 0, 0x7002);		/* W */

	/* Not a parent (SLTS only: second stage): read-only is fine. */
	EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu, 0), 0);
	EXPECT_U64(hwpt_paging_map(&paging, 0x1000, 0x6000, 0x1000,
				   PGTABLE_PROT_READ), 0);
	leaf = pgtable_leaf(&paging.domain.pgt, 0x1000, NULL);
	EXPECT_U64(leaf ? *leaf : 0, 0x6001);		/* R */
}

/*
 * intel_iommu_enforce_cache_coherency_ss() (Linux 7.3.4): refused only
 * when a device attached on its RID sits behind a unit without ECAP.SC
 * (domain_support_force_snooping()); then SNP (bit 11, 0x800) on every
 * leaf mapped from now on, not on those mapped before. An attach of a
 * domain forcing snooping to a unit without SC is refused
 * (paging_domain_compatible_second_stage()).
 */
UNIT_TEST(nested_parent_cache_coherency)
{
	u64 *leaf;

	/* No SC, nothing attached: the empty devices list refuses nothing. */
	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT(hwpt_paging_enforce_cache_coherency(&parent));
	EXPECT_U64(hwpt_attach(&dev_b, 0, PAGING(&parent), NONE), -EINVAL);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), -EINVAL);
	EXPECT_U64(hwpt_attach(&dev_a, 5, NESTED(&nd), NONE), -EINVAL);
	EXPECT(!present(&dev_a, 0));
	EXPECT(!present(&dev_b, 0));
	/* A PASID is checked before its old entry is torn down. */
	EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu, 0), 0);
	EXPECT_U64(hwpt_attach(&dev_b, 5, PAGING(&paging), NONE), 0);
	EXPECT_U64(hwpt_attach(&dev_b, 5, PAGING(&parent), PAGING(&paging)),
		   -EINVAL);
	EXPECT(present(&dev_b, 5));
	EXPECT_U64(paging.domain.nr_attached, 1);

	/* No SC and a device on the RID: refused. */
	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_b, 0, PAGING(&parent), NONE), 0);
	EXPECT(!hwpt_paging_enforce_cache_coherency(&parent));
	EXPECT(!parent.domain.force_snooping);
	/* On a PASID only: not on the devices list, not asked. */
	EXPECT_U64(hwpt_detach(&dev_b, 0, PAGING(&parent)), 0);
	EXPECT_U64(hwpt_attach(&dev_b, 5, PAGING(&parent), NONE), 0);
	EXPECT(hwpt_paging_enforce_cache_coherency(&parent));

	setup(CAP_BASE, ECAP_BASE | ECAP_SC_BIT, &s1_plain);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
	EXPECT_U64(hwpt_attach(&dev_b, 0, PAGING(&parent), NONE), 0);
	EXPECT(hwpt_paging_enforce_cache_coherency(&parent));
	EXPECT(hwpt_paging_enforce_cache_coherency(&parent));
	EXPECT_U64(hwpt_paging_map(&parent, 0x2000, 0x6000, 0x1000, RW), 0);
	leaf = pgtable_leaf(&parent.domain.pgt, 0x1000, NULL);
	EXPECT_U64(leaf ? *leaf : 0, 0x5003);		/* mapped before: R | W */
	leaf = pgtable_leaf(&parent.domain.pgt, 0x2000, NULL);
	EXPECT_U64(leaf ? *leaf : 0, 0x6803);		/* R | W | SNP */
	/* A second-stage entry has no PGSNP: P | AW 2 | PGTT 2; DID 2. */
	expect_entry(&dev_b, 0, parent.domain.pgt.root_phys | 0x89, 2, 0);
}

UNIT_TEST(nested_alloc_checks)
{
	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(nd.did, 3);
	EXPECT_U64(parent.nr_children, 1);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, NEST_PARENT,
				       IOMMU_HWPT_DATA_VTD_S1, &s1_plain),
		   -EOPNOTSUPP);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, DIRTY,
				       IOMMU_HWPT_DATA_VTD_S1, &s1_plain),
		   -EOPNOTSUPP);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, 0, &s1_plain),
		   -EOPNOTSUPP);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, 2, &s1_plain),
		   -EOPNOTSUPP);
	/* A first-stage paging domain (the default here) cannot be a parent. */
	EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu, 0), 0);
	EXPECT_U64(nested_domain_alloc(&nd2, &paging, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), -EINVAL);
	/* The data type is checked before the parent. */
	EXPECT_U64(nested_domain_alloc(&nd2, &paging, 0, 0, &s1_plain),
		   -EOPNOTSUPP);
	EXPECT_U64(hwpt_paging_free(&paging), 0);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, ALLOC_PASID,
				       IOMMU_HWPT_DATA_VTD_S1, &s1_plain), 0);
	EXPECT_U64(nd2.did, 4);		/* the FS domain's, freed */
	EXPECT_U64(parent.nr_children, 2);

	/* A second-stage domain without NEST_PARENT. */
	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE | SSADS_SMPWC, true);
	EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu, DIRTY), 0);
	EXPECT_U64(nested_domain_alloc(&nd2, &paging, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), -EINVAL);

	/* ECAP.NEST is looked at again. */
	EXPECT_U64(hwpt_paging_alloc(&parent, &unit.iommu, NEST_PARENT), 0);
	unit.iommu.ecap &= ~ECAP_NEST_BIT;
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), -EOPNOTSUPP);
}

UNIT_TEST(nested_free_busy)
{
	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	EXPECT_U64(nested_domain_free(&nd), -EBUSY);
	EXPECT_U64(hwpt_paging_free(&parent), -EBUSY);
	EXPECT_U64(hwpt_detach(&dev_a, 0, NESTED(&nd)), 0);
	EXPECT_U64(nested_domain_free(&nd), 0);
	EXPECT_U64(parent.nr_children, 0);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), 0);
	EXPECT_U64(nd2.did, 3);		/* freed and handed out again */
	EXPECT_U64(nested_domain_free(&nd2), 0);
	EXPECT_U64(hwpt_paging_free(&parent), 0);
}

/* Linux checks neither flags it does not know nor __reserved. */
UNIT_TEST(nested_alloc_takes_unknown_fields)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.flags = 0x8, .pgtbl_addr = 0x12345abc, .addr_width = 48,
		.__reserved = 0xdead,
	};

	setup(CAP_BASE, ECAP_BASE, &s1);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	/*
	 * Linux 7.3.4's pasid_set_flptr() ORs pgtbl_addr in whole: 0xabc is
	 * FSPM 3 (0xc), WPE (0x10), reserved bit 5 (0x20), EAFE (0x80) and
	 * reserved bits 9 and 11 (0xa00), though ECAP.SRS and ECAP.EAFS are
	 * clear and addr_width asks for 4 levels.
	 */
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x12345abc);
}

/* The low bits come after FLPM and before SRE, WPE and EAFE. */
UNIT_TEST(nested_flptr_low_bits)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.flags = 5, .pgtbl_addr = 0x7654082, .addr_width = 57,
	};

	setup(CAP_BASE | CAP_FL5LP, ECAP_BASE | ECAP_SRS_BIT, &s1);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	/*
	 * 0x82 is reserved bit 1 and EAFE without ECAP.EAFS:
	 * 0x7654082 | FLPM 0x4 | SRE 0x1 | WPE 0x10.
	 */
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x7654097);
}

UNIT_TEST(nested_entry_flags)
{
	static const struct {
		u64 flags;
		u64 val2;
	} cases[] = {
		{ 0, 0x7654000 },
		{ 1, 0x7654001 },	/* SRE */
		{ 4, 0x7654000 },	/* WPE only counts with SRE */
		{ 5, 0x7654011 },	/* SRE | WPE */
		{ 2, 0x7654080 },	/* EAFE */
		{ 7, 0x7654091 },	/* SRE | EAFE | WPE */
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct iommu_hwpt_vtd_s1 s1 = {
			.flags = cases[i].flags, .pgtbl_addr = 0x7654000,
			.addr_width = 48,
		};

		setup(CAP_BASE, ECAP_BASE | ECAP_SRS_BIT | ECAP_EAFS_BIT, &s1);
		EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
		expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
			     cases[i].val2);
		/* No caching mode, no RWBF: nothing to invalidate. */
		EXPECT_U64(unit.nr_descs, 0);
		EXPECT_U64(nd.nr_attached, 1);
	}
}

UNIT_TEST(nested_entry_widths)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.pgtbl_addr = 0x7654000, .addr_width = 57,
	};

	setup(CAP_BASE | CAP_FL5LP, ECAP_BASE, &s1);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x7654004);	/* FLPM 1 */

	/* A 5-level parent: AW 3. */
	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE | CAP_SAGAW5, ECAP_BASE, true);
	EXPECT_U64(hwpt_paging_alloc(&parent, &unit.iommu, NEST_PARENT), 0);
	EXPECT_U64(nested_domain_alloc(&nd, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), 0);
	EXPECT_U64(vtd_device_init(&dev_a, &unit.iommu, SID_A), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xcd, 3,
		     0x12345000);
}

UNIT_TEST(nested_entry_snoop)
{
	setup(CAP_BASE, ECAP_BASE | ECAP_SC_BIT | ECAP_SMPWC_BIT, &s1_plain);
	EXPECT(hwpt_paging_enforce_cache_coherency(&parent));
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	/* PWSNP (ECAP.SMPWC) and PGSNP (forced snooping). */
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 0x1800003,
		     0x12345000);
}

/* pasid_setup_nested() itself, for what nested.c cannot reach. */
UNIT_TEST(nested_pasid_setup_direct)
{
	struct pasid_nested_cfg cfg = {
		.s1_pgtbl = 0x1000, .s1_addr_width = 48,
		.s2_pgd_phys = 0x2000000, .s2_agaw = 2,
		.s2_dirty_tracking = true, .did = 9,
	};

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(pasid_setup_nested(&unit.iommu, &dev_a.pasid, 1, &cfg), 0);
	/* 0x2000000 | SSADE 0x200 | PGTT 0xc0 | AW 0x8 | P */
	expect_entry(&dev_a, 1, 0x20002c9, 9, 0x1000);
	EXPECT_U64(pasid_setup_nested(&unit.iommu, &dev_a.pasid, 1, &cfg),
		   -EBUSY);
	/* 512 directory entries of 64 PASIDs: 32768 has no entry. */
	EXPECT_U64(pasid_setup_nested(&unit.iommu, &dev_a.pasid, 32768, &cfg),
		   -ENODEV);
	/* The checks come before the entry is looked at. */
	cfg.s1_addr_width = 32;
	EXPECT_U64(pasid_setup_nested(&unit.iommu, &dev_a.pasid, 1, &cfg),
		   -EINVAL);
	cfg.s1_addr_width = 48;
	cfg.s1_flags = 1;	/* SRE, no ECAP.SRS */
	EXPECT_U64(pasid_setup_nested(&unit.iommu, &dev_a.pasid, 32768, &cfg),
		   -EINVAL);
	EXPECT_U64(unit.nr_descs, 0);
}

UNIT_TEST(nested_attach_entry_errors)
{
	static const struct iommu_hwpt_vtd_s1 bad[] = {
		{ .pgtbl_addr = 0x1000, .addr_width = 32 },
		{ .pgtbl_addr = 0x1000, .addr_width = 57 },	/* no FL5LP */
		{ .flags = 1, .pgtbl_addr = 0x1000, .addr_width = 48 },
		{ .flags = 2, .pgtbl_addr = 0x1000, .addr_width = 48 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		setup(CAP_BASE, ECAP_BASE, &bad[i]);
		EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), -EINVAL);
		EXPECT(!present(&dev_a, 0));
		EXPECT_U64(nd.nr_attached, 0);
	}
}

UNIT_TEST(nested_attach_caching_mode)
{
	const u64 want[][2] = {
		{ 0x0000001000000031ULL, 0 },	/* context-cache, device SID_A */
		{ 0x22, 0 },			/* IOTLB domain, DID 0 */
		{ 0x30017, 0 },			/* PASID-cache, DID 3 PASID 0 */
		{ 0x30026, 0 },			/* PASID IOTLB all, DID 3 */
	};

	setup(CAP_BASE | CAP_CM_BIT, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	expect_descs(want, ARRAY_SIZE(want));
	EXPECT_U64(fake_vtd_submissions(&unit), 4);
}

UNIT_TEST(nested_replace_nested)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.pgtbl_addr = 0x2222000, .addr_width = 48,
	};
	const u64 teardown[][2] = {
		{ 0x30017, 0 },	/* PASID-cache, old DID 3, PASID 0 */
		{ 0x30022, 0 },	/* IOTLB domain-selective, old DID 3 */
		{ 0x40017, 0 },	/* caching mode: new entry, DID 4 */
		{ 0x40026, 0 },
	};

	for (unsigned int cm = 0; cm < 2; cm++) {
		setup(CAP_BASE | (cm ? CAP_CM_BIT : 0), ECAP_BASE, &s1_plain);
		EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0,
					       IOMMU_HWPT_DATA_VTD_S1, &s1), 0);
		EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
		fake_vtd_clear(&unit);
		EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd2), NESTED(&nd)), 0);
		expect_descs(teardown, cm ? 4 : 2);
		expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 4,
			     0x2222000);
		EXPECT_U64(nd.nr_attached, 0);
		EXPECT_U64(nd2.nr_attached, 1);
	}
}

UNIT_TEST(nested_replace_paging)
{
	const u64 to_paging[][2] = {
		{ 0x30017, 0 }, { 0x30022, 0 },		/* nested DID 3 down */
	};
	const u64 to_nested[][2] = {
		{ 0x40017, 0 },			/* PASID-cache, FS DID 4 */
		{ 0x40026, 0 },			/* FS: PASID IOTLB, all */
	};

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_paging_alloc(&paging, &unit.iommu, 0), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_attach(&dev_a, 0, PAGING(&paging), NESTED(&nd)), 0);
	expect_descs(to_paging, ARRAY_SIZE(to_paging));
	/* First stage: AW 2 (0x8) | PGTT 1 (0x40) | P; DID 4. */
	expect_entry(&dev_a, 0, 0x49, 4, paging.domain.pgt.root_phys);
	EXPECT(dev_a.domain == &paging.domain);
	EXPECT_U64(nd.nr_attached, 0);

	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), PAGING(&paging)), 0);
	expect_descs(to_nested, ARRAY_SIZE(to_nested));
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x12345000);
	EXPECT(!dev_a.domain);
	EXPECT_U64(paging.domain.nr_attached, 0);
}

/* A replace that fails after the teardown leaves the device blocked. */
UNIT_TEST(nested_replace_failure_blocks)
{
	const struct iommu_hwpt_vtd_s1 sre = {
		.flags = 1, .pgtbl_addr = 0x1000, .addr_width = 48,
	};
	const u64 teardown[][2] = { { 0x30017, 0 }, { 0x30022, 0 } };

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &sre), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd2), NESTED(&nd)), -EINVAL);
	expect_descs(teardown, ARRAY_SIZE(teardown));
	expect_entry(&dev_a, 0, 0, 0, 0);
	EXPECT_U64(nd.nr_attached, 0);
	EXPECT_U64(nd2.nr_attached, 0);
}

UNIT_TEST(nested_pasid_attach)
{
	const u64 detach[][2] = {
		{ 0x0000000500030017ULL, 0 },	/* PASID-cache, DID 3, PASID 5 */
		{ 0x30022, 0 },			/* IOTLB domain, DID 3 */
	};
	struct vtd_device other;

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 5, NESTED(&nd), NONE), 0);
	expect_entry(&dev_a, 5, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x12345000);
	EXPECT(!present(&dev_a, 0));	/* RID_PASID untouched */
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_detach(&dev_a, 5, NESTED(&nd)), 0);
	expect_descs(detach, ARRAY_SIZE(detach));
	expect_entry(&dev_a, 5, 0, 0, 0);
	EXPECT_U64(nd.nr_attached, 0);
	EXPECT_U64(hwpt_detach(&dev_a, 5, NONE), -ENODEV);

	/* A device behind another unit. */
	fake_vtd_init(&unit2, 1, CAP_BASE, ECAP_BASE, true);
	EXPECT_U64(vtd_device_init(&other, &unit2.iommu, SID_A), 0);
	EXPECT_U64(hwpt_attach(&other, 5, NESTED(&nd), NONE), -EINVAL);
	EXPECT_U64(hwpt_attach(&other, 0, NESTED(&nd), NONE), -EINVAL);

	/* No ECAP.PASID: no PASID attach, RID_PASID still works. */
	setup(CAP_BASE, ECAP_BASE & ~ECAP_PASID_BIT, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 5, NESTED(&nd), NONE), -EOPNOTSUPP);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);

	/* A parent with dirty tracking backs RID_PASID only. */
	fake_hw_reset();
	fake_vtd_init(&unit, 0, CAP_BASE, ECAP_BASE | SSADS_SMPWC, true);
	EXPECT_U64(hwpt_paging_alloc(&parent, &unit.iommu, NEST_PARENT | DIRTY), 0);
	EXPECT_U64(nested_domain_alloc(&nd, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1_plain), 0);
	EXPECT_U64(vtd_device_init(&dev_a, &unit.iommu, SID_A), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 5, NESTED(&nd), NONE), -EINVAL);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
}

static int invalidate(const struct iommu_hwpt_vtd_s1_invalidate *reqs,
		      u32 *n)
{
	fake_vtd_clear(&unit);
	return nested_cache_invalidate_user(&nd, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					    reqs, n);
}

UNIT_TEST(nested_invalidate_checks)
{
	const struct iommu_hwpt_vtd_s1_invalidate four[] = {
		{ .addr = 0x1000, .npages = 1 },
		{ .addr = 0x2000, .npages = 1, .flags = 1 },
		{ .addr = 0x3000, .npages = 1, .flags = 2 },
		{ .addr = 0x4000, .npages = 1 },
	};
	const u64 two[][2] = { { 0x30036, 0x1000 }, { 0x30036, 0x2040 } };
	static const struct {
		struct iommu_hwpt_vtd_s1_invalidate inv;
		int ret;
	} bad[] = {
		{ { .addr = 0x1000, .npages = 1, .__reserved = 1 }, -EOPNOTSUPP },
		{ { .addr = 0x1800, .npages = 1 }, -EINVAL },
		{ { .addr = 0x1000, .npages = ~0ULL }, -EINVAL },
		/* The flags come before the address. */
		{ { .addr = 0x1800, .npages = 1, .flags = 2 }, -EOPNOTSUPP },
	};
	u32 n;

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);

	n = 4;
	fake_vtd_clear(&unit);
	EXPECT_U64(nested_cache_invalidate_user(&nd, 1, four, &n), -EINVAL);
	EXPECT_U64(n, 0);
	EXPECT_U64(unit.nr_descs, 0);

	n = 4;
	EXPECT_U64(invalidate(four, &n), -EOPNOTSUPP);
	EXPECT_U64(n, 2);
	expect_descs(two, ARRAY_SIZE(two));
	EXPECT_U64(fake_vtd_submissions(&unit), 2);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		n = 1;
		EXPECT_U64(invalidate(&bad[i].inv, &n), bad[i].ret);
		EXPECT_U64(n, 0);
		EXPECT_U64(unit.nr_descs, 0);
	}

	n = 0;
	EXPECT_U64(invalidate(four, &n), 0);
	EXPECT_U64(n, 0);
}

UNIT_TEST(nested_invalidate_descriptors)
{
	static const struct {
		u64 addr, npages;
		u32 flags;
		unsigned int nr;	/* descriptors */
		u64 qw0, qw1;
	} cases[] = {
		/* Everything: whole PASID. */
		{ 0, ~0ULL, 0, 1, 0x30026, 0 },
		{ 0, ~0ULL, 1, 1, 0x30026, 0 },
		/* One page, LEAF: IH. */
		{ 0x5000, 1, 1, 1, 0x30036, 0x5040 },
		/* 3 pages at pfn 4: 4 pages, AM 2. */
		{ 0x4000, 3, 0, 1, 0x30036, 0x4002 },
		/* 2 pages at pfn 3: pfn 3..4 share bits from 3 up: AM 3 at 0. */
		{ 0x3000, 2, 0, 1, 0x30036, 0x0003 },
		/* 2 MiB at 2 MiB, LEAF: AM 9. */
		{ 0x200000, 0x200, 1, 1, 0x30036, 0x200049 },
		/* 2^51 + 1 pages round up to 2^52: whole PASID. */
		{ 0, (1ULL << 51) + 1, 0, 1, 0x30026, 0 },
		/* pfn 2^51 - 1 and 2^51 share no bit below 52: whole PASID. */
		{ 0x7ffffffffffff000ULL, 2, 0, 1, 0x30026, 0 },
		/* pfn 2^43 - 1 and 2^43 share bits from 44 up: AM 44 at 0. */
		{ 0x7ffffffffff000ULL, 2, 0, 1, 0x30036, 0x2c },
		/* 2^52 pages from 0 wrap to [0, U64_MAX]: whole PASID. */
		{ 0, 1ULL << 52, 0, 1, 0x30026, 0 },
		/* A bit-63 address goes into qw1 as it is. */
		{ 0x8000000000000000ULL, 1, 0, 1, 0x30036, 0x8000000000000000ULL },
		/*
		 * No page (mod 2^52): Linux 7.3.4 flushes [0x1000, 0xfff]:
		 * 0x1000 ^ 0xfff = 0x1fff, fls 13: AM 1 at 0.
		 */
		{ 0x1000, 0, 0, 1, 0x30036, 0x0001 },
		{ 0x1000, 1ULL << 52, 0, 1, 0x30036, 0x0001 },
		/* 0x3000 ^ 0x2fff = 0x1fff: AM 1 at 0x2000. */
		{ 0x3000, 0, 1, 1, 0x30036, 0x2041 },
		/* [0, U64_MAX]: fls 64, whole PASID. */
		{ 0, 0, 0, 1, 0x30026, 0 },
	};

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct iommu_hwpt_vtd_s1_invalidate inv = {
			.addr = cases[i].addr, .npages = cases[i].npages,
			.flags = cases[i].flags,
		};
		const u64 want[][2] = { { cases[i].qw0, cases[i].qw1 } };
		u32 n = 1;

		EXPECT_U64(invalidate(&inv, &n), 0);
		EXPECT_U64(n, 1);
		expect_descs(want, cases[i].nr);
		EXPECT_U64(fake_vtd_submissions(&unit), cases[i].nr);
	}
}

/* One descriptor per (DID, PASID) tag, all in one submission. */
UNIT_TEST(nested_invalidate_tags)
{
	const struct iommu_hwpt_vtd_s1_invalidate inv = {
		.addr = 0x1000, .npages = 1,
	};
	const u64 want[][2] = {
		{ 0x30036, 0x1000 },			/* PASID 0: dev_a, dev_b */
		{ 0x0000000700030036ULL, 0x1000 },	/* PASID 7 */
	};
	u32 n = 1;

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(nested_cache_invalidate_user(&nd, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
						&inv, &n), 0);
	EXPECT_U64(n, 1);
	EXPECT_U64(unit.nr_descs, 0);		/* attached nowhere */

	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	EXPECT_U64(hwpt_attach(&dev_b, 0, NESTED(&nd), NONE), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 7, NESTED(&nd), NONE), 0);
	EXPECT_U64(invalidate(&inv, &n), 0);
	expect_descs(want, ARRAY_SIZE(want));
	EXPECT_U64(fake_vtd_submissions(&unit), 1);
}

/* The host changes the parent: IOTLB flushes under each nested DID. */
UNIT_TEST(nested_parent_flushes_nested_dids)
{
	const u64 psi[][2] = { { 0x30032, 0x1000 } };	/* IOTLB page, DID 3 */
	const u64 psi_twice[][2] = { { 0x30032, 0x1000 }, { 0x30032, 0x1000 } };
	const u64 dsi[][2] = { { 0x30022, 0 } };	/* no CAP.PSI */
	const u64 cm_map[][2] = { { 0x30032, 0x8000 } };

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 3, NESTED(&nd), NONE), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_paging_unmap(&parent, 0x1000, 0x1000), 0x1000);
	/* PASIDs 0 and 3: two tags, the same IOTLB descriptor twice. */
	expect_descs(psi_twice, ARRAY_SIZE(psi_twice));
	EXPECT_U64(hwpt_detach(&dev_a, 3, NESTED(&nd)), 0);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_paging_unmap(&parent, 0x1000, 0x1000), 0x1000);
	expect_descs(psi, ARRAY_SIZE(psi));

	setup(CAP_BASE & ~CAP_PSI_BIT, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_paging_unmap(&parent, 0x1000, 0x1000), 0x1000);
	expect_descs(dsi, ARRAY_SIZE(dsi));

	/* Caching mode: new parent mappings are flushed too. */
	setup(CAP_BASE | CAP_CM_BIT, ECAP_BASE, &s1_plain);
	EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
	fake_vtd_clear(&unit);
	EXPECT_U64(hwpt_paging_map(&parent, 0x8000, 0x5000, 0x1000, RW), 0);
	expect_descs(cm_map, ARRAY_SIZE(cm_map));
}

/*
 * intel_iommu_tlb_sync(): IH = iommu_pages_list_empty(&gather->freelist),
 * for the parent's own tags and the nesting tags alike. Pages 0x1000 and
 * 0x2000 share a last-level table: unmapping the first frees no table
 * (IH 0x40 in qw1), unmapping the second empties and frees the tables.
 */
UNIT_TEST(nested_parent_unmap_ih)
{
	const u64 leaf_only[][2] = {
		{ 0x20032, 0x1040 },	/* IOTLB page, parent DID 2, IH */
		{ 0x30032, 0x1040 },	/* nesting tag, DID 3, IH */
	};
	const u64 tables_freed[][2] = {
		{ 0x20032, 0x2000 }, { 0x30032, 0x2000 },
	};
	/* No CAP.PSI: the domain-selective fallback drops IH. */
	const u64 dsi[][2] = { { 0x20022, 0 }, { 0x30022, 0 } };

	for (unsigned int psi = 0; psi < 2; psi++) {
		setup(psi ? CAP_BASE : CAP_BASE & ~CAP_PSI_BIT, ECAP_BASE,
		      &s1_plain);
		EXPECT_U64(hwpt_paging_map(&parent, 0x1000, 0x5000, 0x1000, RW), 0);
		EXPECT_U64(hwpt_paging_map(&parent, 0x2000, 0x6000, 0x1000, RW), 0);
		EXPECT_U64(hwpt_attach(&dev_b, 0, PAGING(&parent), NONE), 0);
		EXPECT_U64(hwpt_attach(&dev_a, 0, NESTED(&nd), NONE), 0);
		fake_vtd_clear(&unit);
		EXPECT_U64(hwpt_paging_unmap(&parent, 0x1000, 0x1000), 0x1000);
		expect_descs(psi ? leaf_only : dsi, 2);
		fake_vtd_clear(&unit);
		EXPECT_U64(hwpt_paging_unmap(&parent, 0x2000, 0x1000), 0x1000);
		expect_descs(psi ? tables_freed : dsi, 2);
	}
}

/*
 * hwpt_attach() of dev_a with the next descriptor of @type rejected (IQE):
 * it succeeds all the same, saying @said.
 */
static void attach_rejecting(u64 type, u32 pasid, struct hwpt_attached new,
			     struct hwpt_attached old, const char *said)
{
	fake_vtd_clear(&unit);
	unit.reject_type = type;
	unit.reject_count = 1;
	unit_capture_begin();
	EXPECT_U64(hwpt_attach(&dev_a, pasid, new, old), 0);
	EXPECT_CONTAINS(unit_capture_end(), said);
}

/*
 * Linux 7.3.4's pasid_flush_caches() is void: a failed flush after the
 * entry went present leaves it present and the domain attached, and the
 * flush after it is still made. Here the PASID-cache descriptor raises
 * IQE (the fake unit rejects it) in caching mode.
 */
UNIT_TEST(nested_setup_flush_failure_keeps_entry)
{
	const u64 want[][2] = {
		{ 0x0000001000000031ULL, 0 },	/* context-cache, device SID_A */
		{ 0x22, 0 },			/* IOTLB domain, DID 0 */
		{ 0x30017, 0 },			/* PASID-cache: rejected */
		{ 0x30026, 0 },			/* PASID IOTLB all: still sent */
	};

	setup(CAP_BASE | CAP_CM_BIT, ECAP_BASE, &s1_plain);
	attach_rejecting(7, 0, NESTED(&nd), NONE,
			 "unit 0: an invalidation of pasid_flush_caches() failed (-22)");
	expect_descs(want, ARRAY_SIZE(want));
	expect_entry(&dev_a, 0, parent.domain.pgt.root_phys | 0xc9, 3,
		     0x12345000);
	EXPECT_U64(nd.nr_attached, 1);
	EXPECT_U64(unit.fsts, 0);		/* IQE recovered */
}

/*
 * intel_pasid_tear_down_entry() and device_block_translation() are void:
 * a replace whose teardown flush fails still makes the other flush, clears
 * the old entry and sets up the new one.
 */
UNIT_TEST(nested_teardown_flush_failure_goes_on)
{
	const struct iommu_hwpt_vtd_s1 s1 = {
		.pgtbl_addr = 0x2222000, .addr_width = 48,
	};
	static const struct {
		u32 pasid;
		u64 want[2][2];
	} cases[] = {
		/* PASID-cache, old DID 3 (rejected); IOTLB domain, DID 3. */
		{ 0, { { 0x30017, 0 }, { 0x30022, 0 } } },
		/* A PASID: domain_setup_nested()'s teardown is void too. */
		{ 5, { { 0x0000000500030017ULL, 0 }, { 0x30022, 0 } } },
	};

	setup(CAP_BASE, ECAP_BASE, &s1_plain);
	EXPECT_U64(nested_domain_alloc(&nd2, &parent, 0, IOMMU_HWPT_DATA_VTD_S1,
				       &s1), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 pasid = cases[i].pasid;

		EXPECT_U64(hwpt_attach(&dev_a, pasid, NESTED(&nd), NONE), 0);
		attach_rejecting(7, pasid, NESTED(&nd2), NESTED(&nd),
				 "an invalidation of intel_pasid_tear_down_entry() failed (-22)");
		expect_descs(cases[i].want, 2);
		expect_entry(&dev_a, pasid, parent.domain.pgt.root_phys | 0xc9,
			     4, 0x2222000);
		EXPECT_U64(nd.nr_attached, 0);
		EXPECT_U64(nd2.nr_attached, i + 1);
	}
}
