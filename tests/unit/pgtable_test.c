// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table builder tests. Expected entries are written by hand from the
 * VT-d rev 5.10 layouts (9.7 first-stage, 9.8 second-stage), not taken from
 * the code under test:
 *
 *   SS: R 0x1, W 0x2, X 0x4, PS 0x80, SNP 0x800; non-leaf R|W = 0x3.
 *   FS: P 0x1, RW 0x2, US 0x4, A 0x20, D 0x40, PS 0x80, XD bit 63;
 *       non-leaf P|RW|US|A = 0x27, writable leaf P|RW|US|A|D = 0x67,
 *       read-only leaf P|US|A = 0x25, 2M/1G writable leaf 0xe7.
 */
#include "drivers/iommu/intel/pgtable.h"
#include "lib/errno.h"
#include "tests/unit/fake_hw.h"
#include "tests/unit/unit.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
#define ALL_SIZES	(SZ_4K | SZ_2M | SZ_1G)	/* BIT_ULL(12|21|30) */
#define RW		(PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)
#define ADDR_BITS	0x000ffffffffff000ULL	/* bits 51:12 */
#define ARENA_END	(FAKE_PHYS_BASE + FAKE_ARENA_PAGES * SZ_4K)

/*
 * Checks that @e points to a table page in the arena with exactly @low in
 * bits 11:0 and nothing in 63:52, and returns that table.
 */
static u64 *next_table(u64 e, u64 low)
{
	static u64 empty[512];
	u64 pa = e & ADDR_BITS;

	EXPECT_U64(e & 0xfff, low);
	EXPECT_U64(e >> 52, 0);
	EXPECT(pa >= FAKE_PHYS_BASE && pa < ARENA_END);
	/* A broken chain fails above; keep walking an empty stand-in. */
	if (pa < FAKE_PHYS_BASE || pa >= ARENA_END)
		return empty;
	return hw_phys_to_virt(pa);
}

/* The leaf mapping @iova, or ~0 (an impossible entry) when there is none. */
static u64 leaf_val(struct pgtable *pt, u64 iova)
{
	u64 *e = pgtable_leaf(pt, iova, NULL);

	return e ? *e : ~0ULL;
}

static unsigned int nonzero_entries(const u64 *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < 512; i++)
		n += t[i] != 0;
	return n;
}

/* Holding every free arena page lets a test run the builder out of memory. */
static void *hoard[FAKE_ARENA_PAGES];
static unsigned int nr_hoard;

static void exhaust_arena_but(unsigned int leave)
{
	void *p;

	nr_hoard = 0;
	while ((p = hw_alloc_pages(1, 1)))
		hoard[nr_hoard++] = p;
	while (leave-- && nr_hoard)
		hw_free_pages(hoard[--nr_hoard], 1);
}

static void release_arena(void)
{
	while (nr_hoard)
		hw_free_pages(hoard[--nr_hoard], 1);
}

UNIT_TEST(pgtable_init_rejects_bad_config)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 2, SZ_4K, true), -EINVAL);
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 6, SZ_4K, true), -EINVAL);
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 3, SZ_4K, true), -EINVAL);
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_2M, true), -EINVAL);
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | 0x400000, true), -EINVAL);
	EXPECT_U64(fake_hw_pages_in_use(), 0);

	exhaust_arena_but(0);
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), -ENOMEM);
	release_arena();

	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pt.nr_tables, 1);
	EXPECT_U64(pt.root_phys & 0xfff, 0);
	EXPECT(hw_phys_to_virt(pt.root_phys) == pt.root);
	EXPECT_U64(nonzero_entries(pt.root), 0);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_ss_single_4k_entries)
{
	/* Indices 3 (L4), 5 (L3), 7 (L2), 9 (L1): 3<<39 | 5<<30 | 7<<21 | 9<<12. */
	const u64 iova = 0x18140e09000ULL;
	struct pgtable pt;
	u64 *l3, *l2, *l1, *leaf;
	unsigned int level = 0;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, iova, 0x80000000ULL, SZ_4K, RW), 0);

	EXPECT_U64(nonzero_entries(pt.root), 1);
	l3 = next_table(pt.root[3], 0x3);
	EXPECT_U64(nonzero_entries(l3), 1);
	l2 = next_table(l3[5], 0x3);
	EXPECT_U64(nonzero_entries(l2), 1);
	l1 = next_table(l2[7], 0x3);
	EXPECT_U64(nonzero_entries(l1), 1);
	EXPECT_U64(l1[9], 0x80000003ULL);
	EXPECT(l3 != pt.root && l2 != l3 && l1 != l2 && l1 != pt.root);

	EXPECT_U64(pt.nr_tables, 4);
	EXPECT_U64(fake_hw_pages_in_use(), 4);

	leaf = pgtable_leaf(&pt, iova, &level);
	EXPECT(leaf == &l1[9]);
	EXPECT_U64(level, 1);
	EXPECT(pgtable_leaf(&pt, iova + SZ_4K, NULL) == NULL);
	EXPECT(pgtable_entry(&pt, iova, 4) == &pt.root[3]);
	EXPECT(pgtable_entry(&pt, iova, 3) == &l3[5]);
	EXPECT(pgtable_entry(&pt, iova, 2) == &l2[7]);
	EXPECT(pgtable_entry(&pt, iova, 1) == &l1[9]);
	EXPECT(pgtable_entry(&pt, iova + SZ_4K, 1) == &l1[10]);
	EXPECT(pgtable_entry(&pt, iova, 0) == NULL);
	EXPECT(pgtable_entry(&pt, iova, 5) == NULL);
	/* Root index 4 has no table: the path ends at level 4. */
	EXPECT(pgtable_entry(&pt, 4ULL << 39, 3) == NULL);
	EXPECT(pgtable_entry(&pt, 4ULL << 39, 4) == &pt.root[4]);

	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_ss_leaf_prot_bits)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x7000, SZ_4K, PGTABLE_PROT_READ), 0);
	EXPECT_U64(pgtable_map(&pt, 0x2000, 0x7000, SZ_4K, PGTABLE_PROT_WRITE), 0);
	EXPECT_U64(pgtable_map(&pt, 0x3000, 0x7000, SZ_4K,
			       PGTABLE_PROT_READ | PGTABLE_PROT_EXEC | PGTABLE_PROT_SNP), 0);
	/* SUPERVISOR means nothing in a second-stage entry. */
	EXPECT_U64(pgtable_map(&pt, 0x4000, 0x7000, SZ_4K, RW | PGTABLE_PROT_SUPERVISOR), 0);
	EXPECT_U64(leaf_val(&pt, 0x1000), 0x7001);
	EXPECT_U64(leaf_val(&pt, 0x2000), 0x7002);
	EXPECT_U64(leaf_val(&pt, 0x3000), 0x7805);
	EXPECT_U64(leaf_val(&pt, 0x4000), 0x7003);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_fs_single_4k_entries)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x18140e09000ULL, 0x80000000ULL, SZ_4K, RW), 0);
	l3 = next_table(pt.root[3], 0x27);
	l2 = next_table(l3[5], 0x27);
	l1 = next_table(l2[7], 0x27);
	/* Writable leaf: P|RW|US|A|D, no XD (Linux >= 6.11 never sets it). */
	EXPECT_U64(l1[9], 0x80000067ULL);

	EXPECT_U64(pgtable_map(&pt, 0x18140e0a000ULL, 0x80001000ULL, SZ_4K,
			       PGTABLE_PROT_READ), 0);
	EXPECT_U64(l1[10], 0x80001025ULL);
	EXPECT_U64(pgtable_map(&pt, 0x18140e0b000ULL, 0x80002000ULL, SZ_4K,
			       RW | PGTABLE_PROT_SUPERVISOR), 0);
	EXPECT_U64(l1[11], 0x80002063ULL);
	/* EXEC and SNP change nothing in first-stage entries. */
	EXPECT_U64(pgtable_map(&pt, 0x18140e0c000ULL, 0x80003000ULL, SZ_4K,
			       PGTABLE_PROT_READ | PGTABLE_PROT_EXEC | PGTABLE_PROT_SNP), 0);
	EXPECT_U64(l1[12], 0x80003025ULL);
	/* Write-only cannot be expressed: P makes it readable too. */
	EXPECT_U64(pgtable_map(&pt, 0x18140e0d000ULL, 0x80004000ULL, SZ_4K,
			       PGTABLE_PROT_WRITE), 0);
	EXPECT_U64(l1[13], 0x80004067ULL);
	EXPECT_U64(pt.nr_tables, 4);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_2m_chosen_when_aligned_and_allowed)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;
	unsigned int level = 0, i;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | SZ_2M, true), 0);
	/* iova 1G (L3 index 1, L2 index 0), pa 2M aligned. */
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x1400000ULL, SZ_2M, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[1], 0x3);
	EXPECT_U64(l2[0], 0x1400083ULL);
	EXPECT_U64(pt.nr_tables, 3);
	EXPECT(pgtable_leaf(&pt, 0x40000000ULL + 0x12345000ULL % SZ_2M, &level) == &l2[0]);
	EXPECT_U64(level, 2);
	EXPECT(pgtable_entry(&pt, 0x40000000ULL, 1) == NULL);
	EXPECT(pgtable_entry(&pt, 0x40000000ULL, 2) == &l2[0]);

	/* pa not 2M aligned: 512 4K leaves under L2 index 1. */
	EXPECT_U64(pgtable_map(&pt, 0x40200000ULL, 0x1401000ULL, SZ_2M, RW), 0);
	l1 = next_table(l2[1], 0x3);
	for (i = 0; i < 512; i++)
		if (l1[i] != 0x1401003ULL + i * SZ_4K)
			break;
	EXPECT_U64(i, 512);
	/* Aligned iova and pa but only 2M - 4K left: 4K leaves. */
	EXPECT_U64(pgtable_map(&pt, 0x40400000ULL, 0x1800000ULL, SZ_2M - SZ_4K, RW), 0);
	l1 = next_table(l2[2], 0x3);
	EXPECT_U64(l1[0], 0x1800003ULL);
	EXPECT_U64(nonzero_entries(l1), 511);
	pgtable_destroy(&pt);

	/* 2M not allowed: 4K leaves even when aligned. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x1400000ULL, SZ_2M, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[1], 0x3);
	l1 = next_table(l2[0], 0x3);
	EXPECT_U64(l1[0], 0x1400003ULL);
	EXPECT_U64(l1[511], 0x15ff003ULL);
	EXPECT_U64(pt.nr_tables, 4);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_1g_chosen_when_aligned_and_allowed)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;
	unsigned int level = 0;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, ALL_SIZES, true), 0);
	/* 1G + 2M + 4K at 1G: one 1G leaf (L3 index 1), then 2M, then 4K. */
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x80000000ULL,
			       SZ_1G + SZ_2M + SZ_4K, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	EXPECT_U64(l3[1], 0x80000083ULL);
	l2 = next_table(l3[2], 0x3);
	EXPECT_U64(l2[0], 0xc0000083ULL);
	l1 = next_table(l2[1], 0x3);
	EXPECT_U64(l1[0], 0xc0200003ULL);
	EXPECT_U64(nonzero_entries(l1), 1);
	EXPECT_U64(pt.nr_tables, 4);
	EXPECT(pgtable_leaf(&pt, 0x7ffff000ULL, &level) == &l3[1]);
	EXPECT_U64(level, 3);
	EXPECT_U64(pgtable_unmap(&pt, 0x40000000ULL, SZ_1G + SZ_2M + SZ_4K),
		   SZ_1G + SZ_2M + SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);

	/* pa only 2M aligned: 512 2M leaves instead of one 1G. */
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x80200000ULL, SZ_1G, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[1], 0x3);
	EXPECT_U64(l2[0], 0x80200083ULL);
	EXPECT_U64(l2[511], 0xc0000083ULL);
	EXPECT_U64(pt.nr_tables, 3);
	pgtable_destroy(&pt);

	/* 1G not allowed: 2M leaves. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | SZ_2M, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x80000000ULL, SZ_1G, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[1], 0x3);
	EXPECT_U64(l2[0], 0x80000083ULL);
	EXPECT_U64(l2[511], 0xbfe00083ULL);
	pgtable_destroy(&pt);

	/* First stage 1G leaf: P|RW|US|A|D|PS. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 4, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0x80000000ULL, SZ_1G, RW), 0);
	l3 = next_table(pt.root[0], 0x27);
	EXPECT_U64(l3[1], 0x800000e7ULL);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_range_crosses_l1_tables)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1a, *l1b;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | SZ_2M, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1ff000, 0x5000, 0x2000, RW), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	l1a = next_table(l2[0], 0x3);
	l1b = next_table(l2[1], 0x3);
	EXPECT(l1a != l1b);
	EXPECT_U64(l1a[511], 0x5003);
	EXPECT_U64(l1b[0], 0x6003);
	EXPECT_U64(nonzero_entries(l1a), 1);
	EXPECT_U64(nonzero_entries(l1b), 1);
	EXPECT_U64(pt.nr_tables, 5);

	/* Unmapping one side frees only that L1 table. */
	EXPECT_U64(pgtable_unmap(&pt, 0x200000, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(l2[1], 0);
	EXPECT_U64(l2[0] & ADDR_BITS, hw_virt_to_phys(l1a));
	EXPECT_U64(pt.nr_tables, 4);
	EXPECT_U64(fake_hw_pages_in_use(), 4);

	/* 4K, then a 2M leaf, then 4K, across three L2 entries. */
	EXPECT_U64(pgtable_map(&pt, 0x3ff000, 0x3ff000, SZ_2M + 0x2000, RW), 0);
	l1b = next_table(l2[1], 0x3);
	EXPECT_U64(l1b[511], 0x3ff003);
	EXPECT_U64(nonzero_entries(l1b), 1);
	EXPECT_U64(l2[2], 0x400083);
	l1b = next_table(l2[3], 0x3);
	EXPECT_U64(l1b[0], 0x600003);
	EXPECT_U64(pgtable_unmap(&pt, 0, 0x1000000), 0x1000 + SZ_2M + 0x2000);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_map_argument_errors)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1001, 0x1000, SZ_4K, RW), -EINVAL);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1800, SZ_4K, RW), -EINVAL);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, 0x1001, RW), -EINVAL);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, 0, RW), -EINVAL);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, SZ_4K, 0), -EINVAL);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, SZ_4K, PGTABLE_PROT_EXEC), -EINVAL);

	/* 4-level second stage: 48-bit input. */
	EXPECT_U64(pgtable_map(&pt, 0x1000000000000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xfffffffff000ULL, 0, 0x2000, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xfffffffffffff000ULL, 0, 0x2000, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xffff800000000000ULL, 0, SZ_4K, RW), -ERANGE);
	/* Output addresses are bits 51:12. */
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x10000000000000ULL, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0xffffffffff000ULL, 0x2000, RW), -ERANGE);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	EXPECT_U64(pgtable_map(&pt, 0xfffffffff000ULL, 0xffffffffff000ULL, SZ_4K, RW), 0);
	EXPECT_U64(leaf_val(&pt, 0xfffffffff000ULL), 0xffffffffff003ULL);
	EXPECT_U64(pgtable_unmap(&pt, 0xfffffffff000ULL, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);

	/* Unmap checks its arguments the same way. */
	EXPECT_U64(pgtable_unmap(&pt, 0x1800, SZ_4K), -EINVAL);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, 0x800), -EINVAL);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000000000000ULL, SZ_4K), -ERANGE);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, 0), 0);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_map_eexist_leaves_state)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x5000, 0x9000, SZ_4K, RW), 0);
	EXPECT_U64(pgtable_map(&pt, 0x3000, 0xa000, 0x3000, RW), -EEXIST);
	EXPECT_U64(pgtable_map(&pt, 0x5000, 0x9000, SZ_4K, RW), -EEXIST);
	EXPECT_U64(pgtable_map(&pt, 0, 0, SZ_2M, RW), -EEXIST);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	l1 = next_table(l2[0], 0x3);
	EXPECT_U64(nonzero_entries(l1), 1);
	EXPECT_U64(l1[5], 0x9003);
	EXPECT_U64(fake_hw_pages_in_use(), 4);

	/* A range whose tail lies in a 2M leaf, in an untouched part. */
	EXPECT_U64(pgtable_map(&pt, 0x40200000ULL, 0x200000, SZ_2M, RW), 0);
	EXPECT_U64(pgtable_map(&pt, 0x40000000ULL, 0, SZ_2M + SZ_4K, RW), -EEXIST);
	EXPECT_U64(pgtable_map(&pt, 0x40201000ULL, 0, SZ_4K, RW), -EEXIST);
	l2 = next_table(l3[1], 0x3);
	EXPECT_U64(nonzero_entries(l2), 1);
	EXPECT_U64(l2[1], 0x200083);
	EXPECT_U64(fake_hw_pages_in_use(), 5);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_map_rollback_on_enomem)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;
	unsigned int i;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);

	/* Nothing free: the first table allocation fails. */
	exhaust_arena_but(0);
	EXPECT_U64(pgtable_map(&pt, 0, 0, SZ_4K, RW), -ENOMEM);
	EXPECT_U64(nonzero_entries(pt.root), 0);
	EXPECT_U64(pt.nr_tables, 1);
	release_arena();

	/*
	 * Three pages free: L3, L2 and the first L1 succeed and 0x1ff000 is
	 * mapped, then the L1 for 0x200000 fails. Everything is undone.
	 */
	exhaust_arena_but(3);
	EXPECT_U64(pgtable_map(&pt, 0x1ff000, 0x5000, 0x2000, RW), -ENOMEM);
	EXPECT_U64(nonzero_entries(pt.root), 0);
	EXPECT_U64(pt.nr_tables, 1);
	/* The three pages went back to the arena. */
	for (i = 0; i < 3; i++) {
		void *p = hw_alloc_pages(1, 1);

		EXPECT(p != NULL);
		hoard[nr_hoard++] = p;
	}
	EXPECT(hw_alloc_pages(1, 1) == NULL);
	release_arena();
	EXPECT_U64(fake_hw_pages_in_use(), 1);

	/* With an earlier mapping sharing the L1 table, only ours goes. */
	EXPECT_U64(pgtable_map(&pt, 0, 0x7000, SZ_4K, RW), 0);
	exhaust_arena_but(0);
	EXPECT_U64(pgtable_map(&pt, 0x1ff000, 0x5000, 0x2000, RW), -ENOMEM);
	release_arena();
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	l1 = next_table(l2[0], 0x3);
	EXPECT_U64(l1[0], 0x7003);
	EXPECT_U64(l1[511], 0);
	EXPECT_U64(nonzero_entries(l1), 1);
	EXPECT_U64(nonzero_entries(l2), 1);
	EXPECT_U64(pt.nr_tables, 4);
	EXPECT_U64(fake_hw_pages_in_use(), 4);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_unmap_returns_sizes)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0x10000, 0x3000), 0);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_map(&pt, 0x10000, 0x20000, 0x3000, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0x10000, 0x3000), 0x3000);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_unmap(&pt, 0x10000, 0x3000), 0);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);

	/* Only the mapped part of a wider range counts. */
	EXPECT_U64(pgtable_map(&pt, 0x10000, 0x20000, SZ_4K, RW), 0);
	EXPECT_U64(pgtable_map(&pt, 0x12000, 0x20000, SZ_4K, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0xf000, 0x3000), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT(pgtable_leaf(&pt, 0x12000, NULL) != NULL);
	EXPECT_U64(pgtable_unmap(&pt, 0, SZ_1G), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);

	/* Whole large pages. */
	EXPECT_U64(pgtable_map(&pt, SZ_1G, SZ_1G, SZ_1G + SZ_2M, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, SZ_1G, SZ_1G + SZ_2M), SZ_1G + SZ_2M);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pt.nr_tables, 1);
	EXPECT_U64(nonzero_entries(pt.root), 0);
	pgtable_destroy(&pt);
	EXPECT_U64(pt.root == NULL, 1);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_unmap_splits_2m)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;
	unsigned int i, level = 0;
	bool same = true;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | SZ_2M, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x200000, 0x40000000ULL, SZ_2M,
			       RW | PGTABLE_PROT_SNP), 0);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	EXPECT_U64(l2[1], 0x40000883ULL);	/* R|W|PS|SNP */
	EXPECT_U64(pt.nr_tables, 3);

	/* Unmapping the second 4K page splits the 2M leaf. */
	EXPECT_U64(pgtable_unmap(&pt, 0x201000, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);
	l1 = next_table(l2[1], 0x3);
	EXPECT_U64(pt.nr_tables, 4);
	EXPECT_U64(l1[0], 0x40000803ULL);	/* same bits, PS gone */
	EXPECT_U64(l1[1], 0);
	EXPECT_U64(l1[2], 0x40002803ULL);
	EXPECT_U64(l1[511], 0x401ff803ULL);
	for (i = 2; i < 512; i++)
		same &= l1[i] == 0x40000803ULL + i * SZ_4K;
	EXPECT(same);
	EXPECT(pgtable_leaf(&pt, 0x202000, &level) == &l1[2]);
	EXPECT_U64(level, 1);
	EXPECT(pgtable_leaf(&pt, 0x201000, NULL) == NULL);

	/* The rest: 511 pages; the L1 table then goes. */
	EXPECT_U64(pgtable_unmap(&pt, 0x200000, SZ_2M), 511 * SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);

	/* A range ending inside a 2M leaf splits at its end. */
	EXPECT_U64(pgtable_map(&pt, 0x200000, 0x40000000ULL, SZ_2M, PGTABLE_PROT_READ), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0x100000, 0x101000), SZ_4K);
	pgtable_free_unlinked(&pt);
	l3 = next_table(pt.root[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	l1 = next_table(l2[1], 0x3);
	EXPECT_U64(l1[0], 0);
	EXPECT_U64(l1[1], 0x40001001ULL);
	EXPECT_U64(nonzero_entries(l1), 511);

	/* A range strictly inside a 2M leaf. */
	EXPECT_U64(pgtable_map(&pt, 0x600000, 0x40200000ULL, SZ_2M, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0x602000, 0x2000), 0x2000);
	pgtable_free_unlinked(&pt);
	l1 = next_table(l2[3], 0x3);
	EXPECT_U64(l1[1], 0x40201003ULL);
	EXPECT_U64(l1[2], 0);
	EXPECT_U64(l1[3], 0);
	EXPECT_U64(l1[4], 0x40204003ULL);
	EXPECT_U64(nonzero_entries(l1), 510);
	EXPECT_U64(pgtable_unmap(&pt, 0, SZ_1G), 511 * SZ_4K + 510 * SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_unmap_splits_fs_1g)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 4, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, SZ_1G, 0x80000000ULL, SZ_1G, RW), 0);
	l3 = next_table(pt.root[0], 0x27);
	EXPECT_U64(l3[1], 0x800000e7ULL);

	/* 1G -> 2M table -> 4K table for the 2M that holds the hole. */
	EXPECT_U64(pgtable_unmap(&pt, SZ_1G + 0x201000, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pt.nr_tables, 4);
	l2 = next_table(l3[1], 0x27);
	EXPECT_U64(l2[0], 0x800000e7ULL);
	EXPECT_U64(l2[2], 0x804000e7ULL);
	EXPECT_U64(l2[511], 0xbfe000e7ULL);
	l1 = next_table(l2[1], 0x27);
	EXPECT_U64(l1[0], 0x80200067ULL);	/* bit 7 is PAT here: cleared */
	EXPECT_U64(l1[1], 0);
	EXPECT_U64(l1[2], 0x80202067ULL);
	EXPECT_U64(l1[511], 0x803ff067ULL);

	/* Failing split: nothing unmapped, the mapping as before. */
	exhaust_arena_but(0);
	EXPECT_U64(pgtable_unmap(&pt, SZ_1G + 0x401000, SZ_4K), -ENOMEM);
	pgtable_free_unlinked(&pt);
	release_arena();
	EXPECT_U64(l2[2], 0x804000e7ULL);
	EXPECT_U64(pgtable_unmap(&pt, SZ_1G, SZ_1G), SZ_1G - SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_clflush_when_not_coherent)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K | SZ_2M, false), 0);
	/* The zeroed root, 64 lines of 64 bytes. */
	EXPECT_U64(fake_hw_clflush_count(), 64);
	/* Three new tables (64 lines each), three links, one leaf. */
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, SZ_4K, RW), 0);
	EXPECT_U64(fake_hw_clflush_count(), 64 + 3 * 64 + 3 + 1);
	/* A second leaf in the same L1 table. */
	EXPECT_U64(pgtable_map(&pt, 0x2000, 0x2000, SZ_4K, RW), 0);
	EXPECT_U64(fake_hw_clflush_count(), 260 + 1);
	/* Two leaves cleared, then L2, L3 and root entries as tables empty. */
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, 0x2000), 0x2000);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_clflush_count(), 261 + 2 + 3);

	/* Split: the filled table (64), its link (1), the cleared leaf (1). */
	EXPECT_U64(pgtable_map(&pt, 0x200000, 0x200000, SZ_2M, RW), 0);
	EXPECT_U64(fake_hw_clflush_count(), 266 + 2 * 64 + 2 + 1);
	EXPECT_U64(pgtable_unmap(&pt, 0x200000, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_clflush_count(), 397 + 64 + 1 + 1);
	pgtable_destroy(&pt);

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, SZ_4K, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_clflush_count(), 0);
	pgtable_destroy(&pt);
}

UNIT_TEST(pgtable_fs_canonical_high)
{
	struct pgtable pt;
	u64 *l3, *l2, *l1;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 4, ALL_SIZES, true), 0);
	/* Lowest upper-half address: bits 47:39 = 0x100. */
	EXPECT_U64(pgtable_map(&pt, 0xffff800000000000ULL, 0x1000, SZ_4K, RW), 0);
	l3 = next_table(pt.root[256], 0x27);
	l2 = next_table(l3[0], 0x27);
	l1 = next_table(l2[0], 0x27);
	EXPECT_U64(l1[0], 0x1067);
	EXPECT_U64(nonzero_entries(pt.root), 1);
	/* Highest page: every index 511; unmap reaches the top of 2^64. */
	EXPECT_U64(pgtable_map(&pt, 0xfffffffffffff000ULL, 0x2000, SZ_4K, RW), 0);
	l3 = next_table(pt.root[511], 0x27);
	l2 = next_table(l3[511], 0x27);
	l1 = next_table(l2[511], 0x27);
	EXPECT_U64(l1[511], 0x2067);
	EXPECT(pgtable_leaf(&pt, 0xfffffffffffff000ULL, NULL) == &l1[511]);
	EXPECT_U64(pgtable_unmap(&pt, 0xfffffffffffff000ULL, SZ_4K), SZ_4K);
	pgtable_free_unlinked(&pt);

	/* Non-canonical, or crossing from the lower half into the hole. */
	EXPECT_U64(pgtable_map(&pt, 0x800000000000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xffff7ffffffff000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0x7ffffffff000ULL, 0, 0x2000, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xffff7ffffffff000ULL, 0, 0x2000, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0x7ffffffff000ULL, 0, SZ_4K, RW), 0);
	EXPECT_U64(next_table(pt.root[255], 0x27) != NULL, 1);

	/* A 1G leaf in the upper half. */
	EXPECT_U64(pgtable_map(&pt, 0xffffffff80000000ULL, 0x40000000ULL, SZ_1G, RW), 0);
	l3 = next_table(pt.root[511], 0x27);
	EXPECT_U64(l3[510], 0x400000e7ULL);
	EXPECT_U64(pgtable_unmap(&pt, 0xffff800000000000ULL, 0x800000000000ULL),
		   SZ_4K + SZ_1G);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(pgtable_unmap(&pt, 0, 0x800000000000ULL), SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_five_level)
{
	struct pgtable pt;
	u64 *l4, *l3, *l2, *l1;

	fake_hw_reset();
	/* First stage, 57-bit: bits 63:56 all equal; bits 56:48 index L5. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_FIRST_STAGE, 5, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0xff00000000000000ULL, 0x3000, SZ_4K, RW), 0);
	l4 = next_table(pt.root[256], 0x27);
	l3 = next_table(l4[0], 0x27);
	l2 = next_table(l3[0], 0x27);
	l1 = next_table(l2[0], 0x27);
	EXPECT_U64(l1[0], 0x3067);
	EXPECT_U64(pt.nr_tables, 5);
	EXPECT_U64(pgtable_map(&pt, 0x00fffffffffff000ULL, 0x4000, SZ_4K, RW), 0);
	EXPECT_U64(next_table(pt.root[255], 0x27) != NULL, 1);
	EXPECT_U64(pgtable_map(&pt, 0x0100000000000000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0xfeff000000000000ULL, 0, SZ_4K, RW), -ERANGE);
	/* 4-level non-canonical, fine with 5 levels. */
	EXPECT_U64(pgtable_map(&pt, 0x800000000000ULL, 0x5000, SZ_4K, RW), 0);
	EXPECT(pgtable_entry(&pt, 0x800000000000ULL, 5) == &pt.root[0]);
	EXPECT(pgtable_entry(&pt, 0x800000000000ULL, 4) != NULL);
	l4 = next_table(pt.root[0], 0x27);
	EXPECT_U64(nonzero_entries(l4), 1);
	EXPECT(l4[256] != 0);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);

	/* Second stage, 57-bit input. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 5, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x100000000000000ULL, 0x6000, SZ_4K, RW), 0);
	l4 = next_table(pt.root[256], 0x3);
	l3 = next_table(l4[0], 0x3);
	l2 = next_table(l3[0], 0x3);
	l1 = next_table(l2[0], 0x3);
	EXPECT_U64(l1[0], 0x6003);
	EXPECT_U64(pgtable_map(&pt, 0x200000000000000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_map(&pt, 0x1fffffffffff000ULL, 0x7000, SZ_4K, RW), 0);
	EXPECT_U64(pgtable_unmap(&pt, 0, 0x200000000000000ULL), 2 * SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_ss_three_level)
{
	struct pgtable pt;
	u64 *l2, *l1;

	fake_hw_reset();
	/* 39-bit input; the root is the PDPT and may hold 1G leaves. */
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 3, ALL_SIZES, true), 0);
	EXPECT_U64(pgtable_map(&pt, SZ_1G, 0x80000000ULL, SZ_1G, PGTABLE_PROT_READ), 0);
	EXPECT_U64(pt.root[1], 0x80000081ULL);
	EXPECT_U64(pt.nr_tables, 1);
	EXPECT_U64(pgtable_map(&pt, 0x7ffffff000ULL, 0x8000, SZ_4K, RW), 0);
	l2 = next_table(pt.root[511], 0x3);
	l1 = next_table(l2[511], 0x3);
	EXPECT_U64(l1[511], 0x8003);
	EXPECT_U64(pgtable_map(&pt, 0x8000000000ULL, 0, SZ_4K, RW), -ERANGE);
	EXPECT_U64(pgtable_unmap(&pt, 0, 0x8000000000ULL), SZ_1G + SZ_4K);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

UNIT_TEST(pgtable_corrupt_entry_is_not_followed)
{
	struct pgtable pt;
	u64 *e, saved;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, SZ_4K, true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x1000, SZ_4K, RW), 0);
	e = pgtable_entry(&pt, 0x1000, 2);
	EXPECT(e != NULL);
	if (!e)
		return;
	saved = *e;
	/* Point the L2 entry outside table memory. */
	*e = 0x1000 | 0x3;
	EXPECT(pgtable_leaf(&pt, 0x1000, NULL) == NULL);
	EXPECT(pgtable_entry(&pt, 0x1000, 1) == NULL);
	EXPECT_U64(pgtable_map(&pt, 0x2000, 0x2000, SZ_4K, RW), -EIO);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, SZ_4K), -EIO);
	pgtable_free_unlinked(&pt);
	*e = saved;
	EXPECT_U64(leaf_val(&pt, 0x1000), 0x1003);
	EXPECT_U64(fake_hw_pages_in_use(), 4);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}

/* An emptied table stays allocated until the caller's flush is done. */
UNIT_TEST(pgtable_unlinked_tables_wait_for_the_flush)
{
	struct pgtable pt;

	fake_hw_reset();
	EXPECT_U64(pgtable_init(&pt, PGTABLE_SECOND_STAGE, 4, BIT_ULL(12), true), 0);
	EXPECT_U64(pgtable_map(&pt, 0x1000, 0x2000, SZ_4K, PGTABLE_PROT_READ), 0);
	EXPECT_U64(fake_hw_pages_in_use(), 4);
	EXPECT_U64(pgtable_unmap(&pt, 0x1000, SZ_4K), SZ_4K);
	/* Unlinked from the root, yet not given back. */
	EXPECT_U64(pt.root[0], 0);
	EXPECT_U64(pt.nr_unlinked, 3);
	EXPECT_U64(fake_hw_pages_in_use(), 4);
	pgtable_free_unlinked(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 1);
	pgtable_destroy(&pt);
	EXPECT_U64(fake_hw_pages_in_use(), 0);
}
