// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's first-stage tables are IA-32e paging structures (VT-d spec
 * 4.1, 9.7) written with guest-physical pointers. Table pages come from a
 * host pool in a stride-7 permutation while their GPAs ascend, so no
 * single offset relates the two spaces.
 */
#include "lib/errno.h"
#include "lib/string.h"
#include "tests/guest.h"

#define SZ_4K		0x1000ULL
#define SZ_2M		0x200000ULL
#define SZ_1G		0x40000000ULL
/* Non-leaf entries as a guest driver writes them: P, R/W, U/S, A. */
#define FS_TABLE_BITS	(FSPTE_P | FSPTE_RW | FSPTE_US | FSPTE_A)
/* Flags the unit sets as it uses an entry (3.6.2): set ahead, or not. */
#define FS_AD_BITS	(FSPTE_A | FSPTE_D)
#define POOL_STRIDE	7	/* coprime with GUEST_POOL_PAGES */

static u64 page_size_at(unsigned int level)
{
	return 1ULL << level_shift(level);
}

void guest_vm_init(struct guest_vm *vm, struct hwpt_paging *parent)
{
	vm->parent = parent;
	/* An odd page offset: no GPA is also a plausible HPA of ours. */
	vm->next_gpa = GUEST_GPA_BASE + 0x5000;
}

u64 guest_reserve(struct guest_vm *vm, u64 size, u64 align)
{
	u64 gpa = ALIGN_UP(vm->next_gpa, align);

	vm->next_gpa = gpa + size;
	return gpa;
}

int guest_back(struct guest_vm *vm, u64 gpa, u64 hpa, u64 size,
	       unsigned int prot)
{
	return hwpt_paging_map(vm->parent, gpa, hpa, size, prot);
}

/* A zeroed table page: a host page the parent maps at a new GPA. */
static int new_table(struct guest *g, u64 *gpa)
{
	unsigned int i = g->nr_tables;
	void *host;
	int ret;

	if (i == GUEST_TABLE_PAGES)
		return -ENOMEM;
	host = g->pool + (i * POOL_STRIDE % GUEST_POOL_PAGES) * SZ_4K;
	/* The pool was zeroed when allocated; make that visible too. */
	iommu_flush_line(g->vm->parent->domain.iommu, host, SZ_4K);
	*gpa = guest_reserve(g->vm, SZ_4K, SZ_4K);
	ret = guest_back(g->vm, *gpa, virt_to_phys(host), SZ_4K,
			 PGTABLE_PROT_READ | PGTABLE_PROT_WRITE);
	if (ret)
		return ret;
	g->table_gpa[i] = *gpa;
	g->table_host[i] = host;
	g->nr_tables++;
	return 0;
}

/* Writes an entry as a guest driver must: visible to a non-coherent unit. */
static void set_entry(struct guest *g, u64 *e, u64 v)
{
	struct intel_iommu *iommu = g->vm->parent->domain.iommu;

	hw_wmb();
	*e = v;
	iommu_flush_line(iommu, e, sizeof(*e));
}

/* The host alias of a guest table page, by the guest's own records. */
static u64 *table_at(struct guest *g, u64 gpa)
{
	for (unsigned int i = 0; i < g->nr_tables; i++)
		if (g->table_gpa[i] == (gpa & ~(SZ_4K - 1)))
			return g->table_host[i];
	return NULL;
}

int guest_init(struct guest *g, struct guest_vm *vm, unsigned int levels)
{
	memset(g, 0, sizeof(*g));
	g->vm = vm;
	g->levels = levels;
	g->pool = pages_alloc(GUEST_POOL_PAGES);
	if (!g->pool)
		return -ENOMEM;
	return new_table(g, &g->fs_root_gpa);
}

/* The parent's mappings go with the parent domain. */
void guest_release(struct guest *g)
{
	pages_free(g->pool, GUEST_POOL_PAGES);
	g->pool = NULL;
	g->nr_tables = 0;
}

/*
 * The entry for @gva in the table at @level; a missing table above it is
 * allocated and pointed to with @table_bits, or, with 0, not allocated.
 */
static u64 *walk_alloc(struct guest *g, u64 gva, unsigned int level,
		       u64 table_bits)
{
	u64 *table = table_at(g, g->fs_root_gpa);

	for (unsigned int l = g->levels; table && l > level; l--) {
		u64 *e = &table[level_index(gva, l)];
		u64 gpa;

		if (!(*e & FSPTE_P)) {
			if (!table_bits || new_table(g, &gpa))
				return NULL;
			set_entry(g, e, gpa | table_bits);
		} else if (*e & FSPTE_PS) {
			return NULL;
		}
		table = table_at(g, *e & FSPTE_ADDR_MASK);
	}
	return table ? &table[level_index(gva, level)] : NULL;
}

static unsigned int leaf_level(u64 gva, u64 gpa, u64 left)
{
	for (unsigned int level = 3; level > 1; level--) {
		u64 sz = page_size_at(level);

		if (IS_ALIGNED(gva | gpa, sz) && left >= sz)
			return level;
	}
	return 1;
}

int guest_map(struct guest *g, u64 gva, u64 gpa, u64 size, unsigned int prot)
{
	u64 leaf_bits = FSPTE_P | FSPTE_US | FSPTE_A |
			(prot & GUEST_PROT_WRITE ? FSPTE_RW | FSPTE_D : 0);
	u64 table_bits = FS_TABLE_BITS;

	if (prot & GUEST_AD_CLEAR) {
		leaf_bits &= ~FS_AD_BITS;
		table_bits &= ~FS_AD_BITS;
	}
	if (prot & GUEST_SUPERVISOR)
		leaf_bits &= ~FSPTE_US;

	if (!IS_ALIGNED(gva | gpa | size, SZ_4K))
		return -EINVAL;
	while (size) {
		unsigned int level = leaf_level(gva, gpa, size);
		u64 *e = walk_alloc(g, gva, level, table_bits);

		if (!e)
			return -ENOMEM;
		if (*e & FSPTE_P)
			return -EEXIST;
		set_entry(g, e, gpa | leaf_bits | (level > 1 ? FSPTE_PS : 0));
		gva += page_size_at(level);
		gpa += page_size_at(level);
		size -= page_size_at(level);
	}
	return 0;
}

u64 *guest_fs_entry(struct guest *g, u64 gva, unsigned int level)
{
	return walk_alloc(g, gva, level, 0);
}

u64 guest_fs_table_gpa(struct guest *g, u64 gva, unsigned int level)
{
	u64 *e = guest_fs_entry(g, gva, level);

	for (unsigned int i = 0; e && i < g->nr_tables; i++) {
		u64 host = virt_to_phys(g->table_host[i]);

		if (virt_to_phys(e) - host < SZ_4K)
			return g->table_gpa[i];
	}
	return 0;
}
