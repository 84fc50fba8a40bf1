// SPDX-License-Identifier: GPL-2.0
/*
 * psi_aligned_address() (drivers/iommu/intel/flush.c) against blocks worked
 * out by hand from Linux 7.3.4's calculate_psi_aligned_address(): the
 * block is the naturally aligned 2^n bytes where n is the position of the
 * highest bit in which start and last differ, plus one; the mask is
 * n - 12, 0 below one page, 52 (MAX_AGAW_PFN_WIDTH) for all of 2^64.
 */
#include "drivers/iommu/intel/flush.h"
#include "tests/unit/unit.h"

static void expect_psi(u64 start, u64 last, u64 addr, unsigned int mask)
{
	unsigned int got_mask = ~0u;

	EXPECT_U64(psi_aligned_address(start, last, &got_mask), addr);
	EXPECT_U64(got_mask, mask);
}

UNIT_TEST(psi_one_page)
{
	expect_psi(0x5000, 0x5fff, 0x5000, 0);	/* start ^ last = 0xfff */
	expect_psi(0x5000, 0x5000, 0x5000, 0);	/* a range of one byte */
	expect_psi(0x5678, 0x5fff, 0x5000, 0);	/* the page that holds it */
}

UNIT_TEST(psi_pages_across_a_boundary)
{
	/* 0x1000 ^ 0x2fff = 0x3fff: 14 bits, 4 pages from 0 */
	expect_psi(0x1000, 0x2fff, 0x0, 2);
	/* 0x3ff000 ^ 0x400fff = 0x7fffff: 23 bits, 2 MiB pages x 4 */
	expect_psi(0x3ff000, 0x400fff, 0x0, 11);
}

UNIT_TEST(psi_aligned_blocks)
{
	/* a 2 MiB page: 0x200000 ^ 0x3fffff = 0x1fffff, 21 bits */
	expect_psi(0x200000, 0x3fffff, 0x200000, 9);
	/* 1 GiB at 3 GiB: 0xc0000000 ^ 0xffffffff = 0x3fffffff, 30 bits */
	expect_psi(0xc0000000, 0xffffffff, 0xc0000000, 18);
}

UNIT_TEST(psi_everything)
{
	expect_psi(0x0, ~0ULL, 0x0, 52);
	/* bit 63 differs: 64 bits, everything */
	expect_psi(0x1000, 0x8000000000000fffULL, 0x0, 52);
	/* bit 62 is the highest: 63 bits, mask 51 from 0 */
	expect_psi(0x1000, 0x4000000000000fffULL, 0x0, 51);
}
