// SPDX-License-Identifier: GPL-2.0
/*
 * Device-TLB invalidation descriptors (drivers/iommu/intel/qi.h) against
 * words worked out by hand from Linux 7.3.4's qi_desc_dev_iotlb() and
 * qi_desc_dev_iotlb_pasid() (drivers/iommu/intel/iommu.h) and the layouts
 * of VT-d 5.10, 6.5.2.5 and 6.5.2.6:
 *
 * Device-TLB (type 3): qw0 SID bits 47:32, MIP (queue depth) bits 20:16,
 *   PFSID[3:0] bits 15:12, PFSID[15:4] bits 63:52; qw1 ADDR bits 63:12,
 *   S bit 0. SID 0xabcd: 0x0000abcd00000000; PFSID 0x1234: 0x4000 |
 *   0x1230000000000000; depth 31: 0x1f0000. So 0x1230abcd001f4003.
 * PASID-based device-TLB (type 8): qw0 SID bits 31:16, MIP bits 8:4,
 *   PFSID as above, PASID bits 51:32; qw1 ADDR bits 63:12, S bit 11.
 *   SID 0xabcd: 0xabcd0000; depth 31: 0x1f0; PASID 5: 0x500000000. So
 *   0x12300005abcd41f8.
 * With a size (Linux's mask / size_order n > 0) the address says it by
 *   its lowest 0 bit above bit 11 (PCIe ATS): bits 12 .. 12 + n - 2 are
 *   set, bit 12 + n - 1 is the 0, and S is set.
 */
#include "drivers/iommu/intel/qi.h"
#include "tests/unit/unit.h"

#define SID		0xabcd
#define PFSID		0x1234
#define DEV_QW0		0x1230abcd00004003ULL	/* depth 0 */
#define PDEV_QW0	0x12300005abcd4008ULL	/* PASID 5, depth 0 */

static void expect_desc(struct qi_desc d, u64 qw0, u64 qw1)
{
	EXPECT_U64(d.qw0, qw0);
	EXPECT_U64(d.qw1, qw1);
	EXPECT_U64(d.qw2, 0);
	EXPECT_U64(d.qw3, 0);
}

/*
 * The same sizes in both: Linux's mask (RID) and size_order (PASID). The
 * RID variant ORs (1 << (12 + n - 1)) - 1 into the address and sets S
 * (bit 0); the PASID variant sets GENMASK(12 + n - 1, 12), clears bit
 * 12 + n - 1 again and sets S (bit 11).
 */
UNIT_TEST(qi_dev_tlb_sizes)
{
	static const struct {
		u64 addr;
		unsigned int n;
		u64 dev_qw1, pdev_qw1;
	} cases[] = {
		/* One page: the address as it is, S clear. */
		{ 0x1000000000ULL, 0, 0x1000000000ULL, 0x1000000000ULL },
		{ 0x1abc, 0, 0x1000, 0x1000 },		/* bits 11:0 dropped */
		/* 2 pages: bit 12 the lowest 0: 8 KiB. */
		{ 0x2000, 1, 0x2001, 0x2800 },
		/* 4 pages: bit 12 set, bit 13 the 0. */
		{ 0x4000, 2, 0x5001, 0x5800 },
		/* 2 MiB: bits 19:12 set, bit 20 the 0. */
		{ 0x200000, 9, 0x2ff001, 0x2ff800 },
		/* Everything: bits 62:12 set. */
		{ 0, 52, 0x7ffffffffffff001ULL, 0x7ffffffffffff800ULL },
		/* Linux never passes more to the RID variant; the PASID one
		 * bounds size_order at 64 - VTD_PAGE_SHIFT. */
		{ 0, 60, 0x7ffffffffffff001ULL, 0x7ffffffffffff800ULL },
		/* Not aligned: ORed in (RID), bit 13 cleared (PASID). */
		{ 0x6000, 2, 0x7001, 0x5800 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		expect_desc(qi_desc_dev_tlb(SID, PFSID, 0, cases[i].addr,
					    cases[i].n),
			    DEV_QW0, cases[i].dev_qw1);
		expect_desc(qi_desc_pdev_tlb(SID, PFSID, 5, 0, cases[i].addr,
					     cases[i].n),
			    PDEV_QW0, cases[i].pdev_qw1);
	}
}

/* QI_DEV_IOTLB_MAX_INVS: a depth of 32 or more goes out as MIP 0. */
UNIT_TEST(qi_dev_tlb_queue_depth)
{
	expect_desc(qi_desc_dev_tlb(SID, PFSID, 31, 0x1000, 0),
		    0x1230abcd001f4003ULL, 0x1000);
	expect_desc(qi_desc_dev_tlb(SID, PFSID, 1, 0x1000, 0),
		    0x1230abcd00014003ULL, 0x1000);
	expect_desc(qi_desc_dev_tlb(SID, PFSID, 32, 0x1000, 0),
		    DEV_QW0, 0x1000);
	expect_desc(qi_desc_dev_tlb(SID, PFSID, 33, 0x1000, 0),
		    DEV_QW0, 0x1000);
	/* PFSID of a PF is its own SID: 0x0010 -> bits 63:52 = 0x001. */
	expect_desc(qi_desc_dev_tlb(0x0010, 0x0010, 0, 0, 52),
		    0x0010001000000003ULL, 0x7ffffffffffff001ULL);
}

/* The depth is masked to 5 bits, not clamped; PASID to 20 bits. */
UNIT_TEST(qi_pdev_tlb_fields)
{
	expect_desc(qi_desc_pdev_tlb(SID, PFSID, 5, 31, 0x1000, 0),
		    0x12300005abcd41f8ULL, 0x1000);
	expect_desc(qi_desc_pdev_tlb(SID, PFSID, 5, 32, 0x1000, 0),
		    PDEV_QW0, 0x1000);
	expect_desc(qi_desc_pdev_tlb(SID, PFSID, 5, 33, 0x1000, 0),
		    0x12300005abcd4018ULL, 0x1000);
	expect_desc(qi_desc_pdev_tlb(SID, PFSID, 0xfffff, 0, 0x1000, 0),
		    0x123fffffabcd4008ULL, 0x1000);
	expect_desc(qi_desc_pdev_tlb(SID, PFSID, 0x100005, 0, 0x1000, 0),
		    PDEV_QW0, 0x1000);
}
