// SPDX-License-Identifier: GPL-2.0
/*
 * VT-d DMA page-table builders, second stage (VT-d spec rev 5.10, 3.7 and 9.8)
 * and first stage (3.6 and 9.7, the IA-32e paging format).
 *
 * Entry contents follow Linux's VT-d driver:
 *
 * - Second-stage non-leaf: next table | R | W, as pfn_to_dma_pte() and
 *   generic_pt's vtdss_pt_install_table() write it.
 * - Second-stage leaf: R and W from the protection, SNP when asked
 *   (__domain_mapping() keeps DMA_PTE_SNP from prot, set by
 *   domain_set_force_snooping() for second-stage domains only), PS for
 *   2 MiB / 1 GiB leaves (DMA_PTE_LARGE_PAGE). Linux writes no P bit for
 *   second stage since "iommu/vt-d: Do not use first-stage ... write-only"
 *   moved DMA_FL_PTE_PRESENT under use_first_level, so write-only mappings
 *   are W alone. A and D are left to the hardware. X is our addition
 *   (PGTABLE_PROT_EXEC); Linux never sets it.
 * - First-stage non-leaf: next table | P | R/W | U/S | A, as
 *   pfn_to_dma_pte() (DMA_PTE_READ | DMA_PTE_WRITE, which are P and R/W in
 *   this format, | DMA_FL_PTE_US | DMA_FL_PTE_ACCESS) and generic_pt's
 *   x86_64_pt_install_table() write it.
 * - First-stage leaf: P | U/S | A, plus R/W | D when writable, PS for large
 *   leaves: __domain_mapping() (DMA_FL_PTE_PRESENT | DMA_FL_PTE_US |
 *   DMA_FL_PTE_ACCESS, DMA_FL_PTE_DIRTY with DMA_PTE_WRITE) and
 *   x86_64_pt_iommu_set_prot(). U/S is cleared for PGTABLE_PROT_SUPERVISOR
 *   (our addition). XD is never set: Linux dropped DMA_FL_PTE_XD in v6.11
 *   ("iommu/vt-d: Remove control over Execute-Requested requests"); before
 *   that it set XD on every first-stage entry, leaf or not, together with
 *   NXE in the PASID entry.
 *
 * New table pages come zeroed; when the unit is not coherent (ECAP.C = 0)
 * they are flushed whole before being linked, as Linux's
 * domain_flush_cache(domain, tmp_page, VTD_PAGE_SIZE) does, and every
 * entry written afterwards is flushed after the write. A write barrier
 * orders a table's contents before the entry that links it (6.5.x: the
 * hardware may walk a table as soon as it is reachable).
 */
#include "drivers/iommu/intel/pgtable.h"
#include "drivers/iommu/intel/entry.h"
#include "lib/errno.h"
#include "lib/hw.h"

#define PGTABLE_CACHELINE	64
#define PGTABLE_MAX_LEAF_LEVEL	3	/* 1 GiB: the largest leaf (9.7, 9.8) */
#define PGTABLE_ALL_SIZES	(BIT_ULL(12) | BIT_ULL(21) | BIT_ULL(30))

static inline u64 level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

/* Input-address bits the table translates: 12 + 9 * levels (3.6, 3.7). */
static unsigned int pt_input_width(const struct pgtable *pt)
{
	return VTD_PAGE_SHIFT + pt->levels * LEVEL_STRIDE;
}

/*
 * 9.8: a second-stage entry is present when R or W is set; 9.7: a
 * first-stage entry when P is set.
 */
static bool entry_present(const struct pgtable *pt, u64 e)
{
	if (pt->fmt == PGTABLE_SECOND_STAGE)
		return e & (SSPTE_R | SSPTE_W);
	return e & FSPTE_P;
}

/* PS (bit 7 in both formats) makes a level 2 or 3 entry a leaf. */
static bool entry_is_leaf(unsigned int level, u64 e)
{
	if (level == 1)
		return true;
	return level <= PGTABLE_MAX_LEAF_LEVEL && (e & SSPTE_PS);
}

/* The table a present non-leaf entry points to; NULL if not table memory. */
static u64 *entry_table(u64 e)
{
	return hw_phys_to_virt(e & VTD_ADDR_MASK);
}

static u64 table_entry(const struct pgtable *pt, u64 table_phys)
{
	u64 addr = table_phys & VTD_ADDR_MASK;

	if (pt->fmt == PGTABLE_SECOND_STAGE)
		return addr | SSPTE_R | SSPTE_W;
	return addr | FSPTE_P | FSPTE_RW | FSPTE_US | FSPTE_A;
}

static u64 ss_leaf_entry(u64 pa, unsigned int level, unsigned int prot)
{
	u64 e = pa & VTD_ADDR_MASK;

	if (prot & PGTABLE_PROT_READ)
		e |= SSPTE_R;
	if (prot & PGTABLE_PROT_WRITE)
		e |= SSPTE_W;
	if (prot & PGTABLE_PROT_EXEC)
		e |= SSPTE_X;
	if (prot & PGTABLE_PROT_SNP)
		e |= SSPTE_SNP;
	if (level > 1)
		e |= SSPTE_PS;
	return e;
}

static u64 fs_leaf_entry(u64 pa, unsigned int level, unsigned int prot)
{
	u64 e = (pa & VTD_ADDR_MASK) | FSPTE_P | FSPTE_A;

	if (prot & PGTABLE_PROT_WRITE)
		e |= FSPTE_RW | FSPTE_D;
	if (!(prot & PGTABLE_PROT_SUPERVISOR))
		e |= FSPTE_US;
	if (level > 1)
		e |= FSPTE_PS;
	return e;
}

static u64 leaf_entry(const struct pgtable *pt, u64 pa, unsigned int level,
		      unsigned int prot)
{
	if (pt->fmt == PGTABLE_SECOND_STAGE)
		return ss_leaf_entry(pa, level, prot);
	return fs_leaf_entry(pa, level, prot);
}

/* One entry store, then its cache line flushed when not coherent. */
static void set_entry(struct pgtable *pt, u64 *e, u64 v)
{
	*(volatile u64 *)e = v;
	if (!pt->coherent)
		hw_clflush(e);
}

static void flush_table(struct pgtable *pt, u64 *table)
{
	u8 *p = (u8 *)table;
	unsigned int off;

	if (pt->coherent)
		return;
	for (off = 0; off < VTD_PAGE_SIZE; off += PGTABLE_CACHELINE)
		hw_clflush(p + off);
}

/* A zeroed table page; the caller flushes it once it holds what it should. */
static u64 *alloc_table(struct pgtable *pt)
{
	u64 *t = hw_alloc_pages(1, 1);

	if (t)
		pt->nr_tables++;
	return t;
}

static void free_table(struct pgtable *pt, u64 *t)
{
	hw_free_pages(t, 1);
	pt->nr_tables--;
}

/* Links a filled (and flushed) table: contents first, then the pointer. */
static void link_table(struct pgtable *pt, u64 *e, u64 *table)
{
	hw_wmb();
	set_entry(pt, e, table_entry(pt, hw_virt_to_phys(table)));
}

static bool table_empty(const struct pgtable *pt, const u64 *table)
{
	unsigned int i;

	for (i = 0; i < LEVEL_ENTRIES; i++)
		if (entry_present(pt, table[i]))
			return false;
	return true;
}

/*
 * Whether [start, last] is a range this table translates. SS: below
 * 2^width (3.7). FS: canonical, i.e. bits 63:width-1 all equal, and not
 * crossing from the lower to the upper half (3.6).
 */
static bool iova_range_ok(const struct pgtable *pt, u64 start, u64 last)
{
	unsigned int w = pt_input_width(pt);
	u64 hi_start, hi_last;

	if (last < start)
		return false;
	if (pt->fmt == PGTABLE_SECOND_STAGE)
		return (last >> w) == 0;
	hi_start = start >> (w - 1);
	hi_last = last >> (w - 1);
	if (hi_start != hi_last)
		return false;
	return hi_start == 0 || hi_start == (~0ULL >> (w - 1));
}

/* Common argument checks of map and unmap; @last gets iova + size - 1. */
static int check_iova_range(const struct pgtable *pt, u64 iova, u64 size,
			    u64 *last)
{
	if (!pt->root)
		return -EINVAL;
	if (!IS_ALIGNED(iova, VTD_PAGE_SIZE) || !IS_ALIGNED(size, VTD_PAGE_SIZE))
		return -EINVAL;
	if (size - 1 > ~0ULL - iova)
		return -ERANGE;
	*last = iova + size - 1;
	if (!iova_range_ok(pt, iova, *last))
		return -ERANGE;
	return 0;
}

/*
 * Calls @fn for each entry of @table (at @level) that [start, last]
 * touches, with the part of the range under that entry. Stops at the
 * first nonzero return. The range lies within what @table translates.
 */
typedef int (*entry_fn)(struct pgtable *pt, u64 *e, unsigned int level,
			u64 start, u64 last, void *ctx);

static int for_each_entry(struct pgtable *pt, u64 *table, unsigned int level,
			  u64 start, u64 last, entry_fn fn, void *ctx)
{
	u64 addr = start;

	for (;;) {
		u64 sub_last = MIN(last, addr | (level_size(level) - 1));
		u64 *e = &table[level_index(addr, level)];
		int ret = fn(pt, e, level, addr, sub_last, ctx);

		if (ret || sub_last == last)
			return ret;
		addr = sub_last + 1;
	}
}

/* Returns 1 when a present leaf lies in the range, 0 if none, or -EIO. */
static int find_leaf_fn(struct pgtable *pt, u64 *e, unsigned int level,
			u64 start, u64 last, void *ctx)
{
	u64 v = *e;
	u64 *child;

	if (!entry_present(pt, v))
		return 0;
	if (entry_is_leaf(level, v))
		return 1;
	child = entry_table(v);
	if (!child)
		return -EIO;
	return for_each_entry(pt, child, level - 1, start, last,
			      find_leaf_fn, ctx);
}

/*
 * Clears every leaf in the range and frees tables left empty. Leaves must
 * lie wholly inside the range (split_at() ran on both ends).
 */
static int clear_fn(struct pgtable *pt, u64 *e, unsigned int level,
		    u64 start, u64 last, void *ctx)
{
	u64 *cleared = ctx;
	u64 v = *e;
	u64 *child;
	int ret;

	if (!entry_present(pt, v))
		return 0;
	if (entry_is_leaf(level, v)) {
		if (!IS_ALIGNED(start, level_size(level)) ||
		    last - start != level_size(level) - 1)
			return -EIO;	/* a leaf straddles the range end */
		set_entry(pt, e, 0);
		*cleared += level_size(level);
		return 0;
	}
	child = entry_table(v);
	if (!child)
		return -EIO;
	ret = for_each_entry(pt, child, level - 1, start, last, clear_fn, ctx);
	if (ret)
		return ret;
	if (table_empty(pt, child) && pt->nr_unlinked < PGTABLE_UNLINKED_MAX) {
		set_entry(pt, e, 0);
		hw_wmb();
		pt->unlinked[pt->nr_unlinked++] = child;
	}
	return 0;
}

void pgtable_free_unlinked(struct pgtable *pt)
{
	while (pt->nr_unlinked)
		free_table(pt, pt->unlinked[--pt->nr_unlinked]);
}

static int clear_range(struct pgtable *pt, u64 start, u64 last, u64 *cleared)
{
	return for_each_entry(pt, pt->root, pt->levels, start, last,
			      clear_fn, cleared);
}

/*
 * Replaces the large leaf @e at @level by a table of the next level down
 * holding the same translation in 512 pieces with the same attributes.
 * The new table is filled and flushed before it replaces the leaf, so the
 * hardware sees either translation, both identical (6.5: the caller still
 * invalidates).
 */
static int split_leaf(struct pgtable *pt, u64 *e, unsigned int level)
{
	u64 old = *e;
	u64 base = old & VTD_ADDR_MASK & ~(level_size(level) - 1);
	u64 attrs = old & ~VTD_ADDR_MASK;
	u64 step = level_size(level - 1);
	u64 *table;
	unsigned int i;

	/* 9.7/9.8: bit 7 is PS in a PDE but not in a PTE (PAT for FS). */
	if (level - 1 == 1)
		attrs &= ~SSPTE_PS;
	table = alloc_table(pt);
	if (!table)
		return -ENOMEM;
	for (i = 0; i < LEVEL_ENTRIES; i++)
		table[i] = (base + i * step) | attrs;
	flush_table(pt, table);
	link_table(pt, e, table);
	return 0;
}

/*
 * Makes @addr a leaf boundary: splits every large leaf that maps @addr
 * without starting at it, down to where it does.
 */
static int split_at(struct pgtable *pt, u64 addr)
{
	u64 *table = pt->root;
	unsigned int level;

	for (level = pt->levels; level >= 1; level--) {
		u64 *e = &table[level_index(addr, level)];
		int ret;

		if (!entry_present(pt, *e))
			return 0;
		if (entry_is_leaf(level, *e)) {
			if (level == 1 || IS_ALIGNED(addr, level_size(level)))
				return 0;
			ret = split_leaf(pt, e, level);
			if (ret)
				return ret;
		}
		table = entry_table(*e);
		if (!table)
			return -EIO;
	}
	return 0;
}

/*
 * The entry at @level for @iova, allocating and linking the tables above
 * it. -EEXIST when a leaf above @level or a present entry at it is found.
 */
static int walk_alloc(struct pgtable *pt, u64 iova, unsigned int level,
		      u64 **out)
{
	u64 *table = pt->root;
	unsigned int l;

	for (l = pt->levels; l > level; l--) {
		u64 *e = &table[level_index(iova, l)];

		if (!entry_present(pt, *e)) {
			u64 *child = alloc_table(pt);

			if (!child)
				return -ENOMEM;
			flush_table(pt, child);
			link_table(pt, e, child);
		} else if (entry_is_leaf(l, *e)) {
			return -EEXIST;
		}
		table = entry_table(*e);
		if (!table)
			return -EIO;
	}
	*out = &table[level_index(iova, level)];
	return entry_present(pt, **out) ? -EEXIST : 0;
}

/*
 * The largest allowed leaf level to which both @iova and @pa are aligned
 * and which fits in @rem (hardware_largepage_caps() in Linux).
 */
static unsigned int pick_level(const struct pgtable *pt, u64 iova, u64 pa,
			       u64 rem)
{
	unsigned int level;

	for (level = MIN(PGTABLE_MAX_LEAF_LEVEL, pt->levels); level > 1;
	     level--) {
		u64 sz = level_size(level);

		if ((pt->page_sizes & sz) && IS_ALIGNED(iova | pa, sz) &&
		    rem >= sz)
			return level;
	}
	return 1;
}

int pgtable_init(struct pgtable *pt, enum pgtable_format fmt,
		 unsigned int levels, u64 page_sizes, bool coherent)
{
	pt->root = NULL;
	pt->root_phys = 0;
	pt->nr_unlinked = 0;
	pt->nr_tables = 0;
	if (fmt != PGTABLE_SECOND_STAGE && fmt != PGTABLE_FIRST_STAGE)
		return -EINVAL;
	/* 3.7: SS walks 3, 4 or 5 levels; 3.6: FS 4 or 5 (FSPM). */
	if (fmt == PGTABLE_SECOND_STAGE && (levels < 3 || levels > 5))
		return -EINVAL;
	if (fmt == PGTABLE_FIRST_STAGE && levels != 4 && levels != 5)
		return -EINVAL;
	if (!(page_sizes & BIT_ULL(12)) || (page_sizes & ~PGTABLE_ALL_SIZES))
		return -EINVAL;
	pt->fmt = fmt;
	pt->levels = levels;
	pt->page_sizes = page_sizes;
	pt->coherent = coherent;
	pt->root = alloc_table(pt);
	if (!pt->root)
		return -ENOMEM;
	flush_table(pt, pt->root);
	pt->root_phys = hw_virt_to_phys(pt->root);
	return 0;
}

static void free_tree(struct pgtable *pt, u64 *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 1 && i < LEVEL_ENTRIES; i++) {
		u64 v = table[i];
		u64 *child;

		if (!entry_present(pt, v) || entry_is_leaf(level, v))
			continue;
		child = entry_table(v);
		if (child)
			free_tree(pt, child, level - 1);
	}
	free_table(pt, table);
}

void pgtable_destroy(struct pgtable *pt)
{
	if (!pt->root)
		return;
	pgtable_free_unlinked(pt);
	free_tree(pt, pt->root, pt->levels);
	pt->root = NULL;
	pt->root_phys = 0;
}

int pgtable_map(struct pgtable *pt, u64 iova, u64 pa, u64 size,
		unsigned int prot)
{
	u64 last, cur = iova, rem = size, ignored = 0;
	int ret;

	if (!size || !IS_ALIGNED(pa, VTD_PAGE_SIZE))
		return -EINVAL;
	if (!(prot & (PGTABLE_PROT_READ | PGTABLE_PROT_WRITE)))
		return -EINVAL;
	ret = check_iova_range(pt, iova, size, &last);
	if (ret)
		return ret;
	/* The output address field is bits 51:12 (9.7, 9.8). */
	if (pa > VTD_ADDR_MASK ||
	    size - 1 > (VTD_ADDR_MASK | (VTD_PAGE_SIZE - 1)) - pa)
		return -ERANGE;
	ret = for_each_entry(pt, pt->root, pt->levels, iova, last,
			     find_leaf_fn, NULL);
	if (ret)
		return ret < 0 ? ret : -EEXIST;

	while (rem) {
		unsigned int level = pick_level(pt, cur, pa, rem);
		u64 *e;

		ret = walk_alloc(pt, cur, level, &e);
		if (ret)
			goto rollback;
		set_entry(pt, e, leaf_entry(pt, pa, level, prot));
		cur += level_size(level);
		pa += level_size(level);
		rem -= level_size(level);
	}
	return 0;

rollback:
	/*
	 * Nothing was mapped in [iova, last] before this call, so clearing
	 * the whole range removes exactly what it mapped, and the walk frees
	 * the tables it linked, empty ones included.
	 */
	clear_range(pt, iova, last, &ignored);
	/* Never flushed as present: the unit cannot have cached them. */
	pgtable_free_unlinked(pt);
	return ret;
}

s64 pgtable_unmap(struct pgtable *pt, u64 iova, u64 size)
{
	u64 last, cleared = 0;
	int ret;

	if (!size)
		return 0;
	ret = check_iova_range(pt, iova, size, &last);
	if (ret)
		return ret;
	/* Split large leaves straddling either end before clearing anything. */
	ret = split_at(pt, iova);
	if (!ret && last != ~0ULL && iova_range_ok(pt, last + 1, last + 1))
		ret = split_at(pt, last + 1);
	if (!ret)
		ret = clear_range(pt, iova, last, &cleared);
	if (ret)
		return ret;
	return (s64)cleared;
}

u64 *pgtable_entry(struct pgtable *pt, u64 iova, unsigned int level)
{
	u64 *table = pt->root;
	unsigned int l;

	if (!table || level < 1 || level > pt->levels)
		return NULL;
	for (l = pt->levels; l > level; l--) {
		u64 v = table[level_index(iova, l)];

		if (!entry_present(pt, v) || entry_is_leaf(l, v))
			return NULL;
		table = entry_table(v);
		if (!table)
			return NULL;
	}
	return &table[level_index(iova, level)];
}

u64 *pgtable_leaf(struct pgtable *pt, u64 iova, unsigned int *level)
{
	u64 *table = pt->root;
	unsigned int l;

	if (!table)
		return NULL;
	for (l = pt->levels; l >= 1; l--) {
		u64 *e = &table[level_index(iova, l)];

		if (!entry_present(pt, *e))
			return NULL;
		if (entry_is_leaf(l, *e)) {
			if (level)
				*level = l;
			return e;
		}
		table = entry_table(*e);
		if (!table)
			return NULL;
	}
	return NULL;
}
