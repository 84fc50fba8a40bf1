/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page allocator over the pool efi_main reserved. Memory is identity mapped,
 * so a virtual address is its physical address; virt_to_phys() exists so
 * code states which one it means.
 */
#ifndef VTDTEST_LIB_PALLOC_H
#define VTDTEST_LIB_PALLOC_H

#include "lib/types.h"

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1ULL << PAGE_SHIFT)

void palloc_init(u64 base, u64 nr_pages);
/* @n zeroed, physically contiguous pages aligned to @align pages (a power
 * of two); NULL when the pool has no such run. */
void *pages_alloc_aligned(u64 n, u64 align);
void *pages_alloc(u64 n);
void *page_alloc(void);
void pages_free(void *p, u64 n);
void page_free(void *p);
u64 palloc_free_pages(void);
u64 palloc_total_pages(void);
/* Whether [p, p + len) lies inside the pool. */
bool palloc_owns(u64 phys, u64 len);

static inline u64 virt_to_phys(const void *p)
{
	return (u64)(uintptr_t)p;
}

static inline void *phys_to_virt(u64 pa)
{
	return (void *)(uintptr_t)pa;
}

#endif /* VTDTEST_LIB_PALLOC_H */
