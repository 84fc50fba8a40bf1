// SPDX-License-Identifier: GPL-2.0
/*
 * A first-fit bitmap allocator: small, predictable, and enough for page
 * tables and DMA buffers. Pages are zeroed when handed out.
 */
#include "lib/palloc.h"
#include "lib/string.h"

#define POOL_MAX_PAGES	(2048ULL * 256)	/* cfg's pool_mb limit */

static u64 pool_base, pool_pages, pool_free;
static u64 bitmap[POOL_MAX_PAGES / 64];

static bool page_used(u64 i)
{
	return bitmap[i / 64] & BIT_ULL(i % 64);
}

static void mark(u64 first, u64 n, bool used)
{
	for (u64 i = first; i < first + n; i++) {
		if (used)
			bitmap[i / 64] |= BIT_ULL(i % 64);
		else
			bitmap[i / 64] &= ~BIT_ULL(i % 64);
	}
}

void palloc_init(u64 base, u64 nr_pages)
{
	pool_base = base;
	pool_pages = MIN(nr_pages, POOL_MAX_PAGES);
	pool_free = pool_pages;
	memset(bitmap, 0, sizeof(bitmap));
}

/* First index >= @i whose physical page number is a multiple of @align. */
static u64 next_aligned(u64 i, u64 align)
{
	u64 pfn = (pool_base >> PAGE_SHIFT) + i;

	return ALIGN_UP(pfn, align) - (pool_base >> PAGE_SHIFT);
}

void *pages_alloc_aligned(u64 n, u64 align)
{
	if (!n || !align || (align & (align - 1)))
		return NULL;
	for (u64 i = next_aligned(0, align); i + n <= pool_pages;
	     i = next_aligned(i + 1, align)) {
		u64 run = 0;

		while (run < n && !page_used(i + run))
			run++;
		if (run < n) {
			i += run;
			continue;
		}
		mark(i, n, true);
		pool_free -= n;
		return memset(phys_to_virt(pool_base + (i << PAGE_SHIFT)), 0,
			      n << PAGE_SHIFT);
	}
	return NULL;
}

void *pages_alloc(u64 n)
{
	return pages_alloc_aligned(n, 1);
}

void *page_alloc(void)
{
	return pages_alloc(1);
}

void pages_free(void *p, u64 n)
{
	u64 pa = virt_to_phys(p);

	if (!p || !palloc_owns(pa, n << PAGE_SHIFT))
		return;
	mark((pa - pool_base) >> PAGE_SHIFT, n, false);
	pool_free += n;
}

void page_free(void *p)
{
	pages_free(p, 1);
}

u64 palloc_free_pages(void)
{
	return pool_free;
}

u64 palloc_total_pages(void)
{
	return pool_pages;
}

bool palloc_owns(u64 phys, u64 len)
{
	return phys >= pool_base && len <= (pool_pages << PAGE_SHIFT) &&
	       phys - pool_base <= (pool_pages << PAGE_SHIFT) - len;
}
