// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "tests/unit/fake_hw.h"
#include "tests/unit/unit.h"

#define FAKE_MMIO_BLOCKS	8

static u8 *arena;
static bool used[FAKE_ARENA_PAGES];
static u64 in_use, clflushes;

static struct {
	u64 base;
	u32 size;
	u8 *regs;
	fake_mmio_write_t on_write;
	void *ctx;
} blocks[FAKE_MMIO_BLOCKS];

static void arena_init(void)
{
	if (!arena) {
		arena = aligned_alloc(HW_PAGE_SIZE, FAKE_ARENA_PAGES * HW_PAGE_SIZE);
		if (!arena)
			abort();
	}
}

void fake_hw_reset(void)
{
	arena_init();
	memset(used, 0, sizeof(used));
	in_use = 0;
	clflushes = 0;
	for (unsigned int i = 0; i < FAKE_MMIO_BLOCKS; i++) {
		free(blocks[i].regs);
		blocks[i] = (typeof(blocks[i])){ 0 };
	}
}

u64 fake_hw_pages_in_use(void)
{
	return in_use;
}

u64 fake_hw_clflush_count(void)
{
	return clflushes;
}

void *hw_alloc_pages(u64 n, u64 align)
{
	arena_init();
	if (!n || !align || (align & (align - 1)))
		return NULL;
	/* FAKE_PHYS_BASE is 1 GiB aligned, so index alignment is enough. */
	for (u64 i = 0; i + n <= FAKE_ARENA_PAGES; i += align) {
		u64 k = 0;

		while (k < n && !used[i + k])
			k++;
		if (k < n)
			continue;
		for (k = 0; k < n; k++)
			used[i + k] = true;
		in_use += n;
		return memset(arena + i * HW_PAGE_SIZE, 0, n * HW_PAGE_SIZE);
	}
	return NULL;
}

void hw_free_pages(void *p, u64 n)
{
	u64 i = ((u8 *)p - arena) / HW_PAGE_SIZE;

	if (!p)
		return;
	for (u64 k = 0; k < n; k++) {
		if (!used[i + k])
			unit_failed(__FILE__, __LINE__,
				    "page 0x%llx freed twice",
				    (unsigned long long)(FAKE_PHYS_BASE +
						 (i + k) * HW_PAGE_SIZE));
		used[i + k] = false;
	}
	in_use -= n;
}

u64 hw_virt_to_phys(const void *p)
{
	const u8 *b = p;

	if (b < arena || b >= arena + FAKE_ARENA_PAGES * HW_PAGE_SIZE)
		abort();	/* the driver handed out a pointer we never gave */
	return FAKE_PHYS_BASE + (u64)(b - arena);
}

void *hw_phys_to_virt(u64 pa)
{
	if (pa < FAKE_PHYS_BASE ||
	    pa - FAKE_PHYS_BASE >= FAKE_ARENA_PAGES * HW_PAGE_SIZE)
		return NULL;
	return arena + (pa - FAKE_PHYS_BASE);
}

u8 *fake_hw_mmio(u64 base, u32 size, fake_mmio_write_t on_write, void *ctx)
{
	for (unsigned int i = 0; i < FAKE_MMIO_BLOCKS; i++) {
		if (blocks[i].regs)
			continue;
		blocks[i].base = base;
		blocks[i].size = size;
		blocks[i].regs = calloc(1, size);
		blocks[i].on_write = on_write;
		blocks[i].ctx = ctx;
		return blocks[i].regs;
	}
	abort();
}

static u8 *mmio_at(u64 pa, unsigned int size, unsigned int *blk)
{
	for (unsigned int i = 0; i < FAKE_MMIO_BLOCKS; i++) {
		if (blocks[i].regs && pa >= blocks[i].base &&
		    pa + size <= blocks[i].base + blocks[i].size) {
			*blk = i;
			return blocks[i].regs + (pa - blocks[i].base);
		}
	}
	unit_failed(__FILE__, __LINE__, "MMIO access at 0x%llx outside any block",
		    (unsigned long long)pa);
	return NULL;
}

u32 hw_read32(u64 pa)
{
	unsigned int b;
	u8 *r = mmio_at(pa, 4, &b);
	u32 v = ~0U;

	if (r)
		memcpy(&v, r, 4);
	return v;
}

u64 hw_read64(u64 pa)
{
	unsigned int b;
	u8 *r = mmio_at(pa, 8, &b);
	u64 v = ~0ULL;

	if (r)
		memcpy(&v, r, 8);
	return v;
}

static void mmio_store(u64 pa, u64 v, unsigned int size)
{
	unsigned int b;
	u8 *r = mmio_at(pa, size, &b);

	if (!r)
		return;
	memcpy(r, &v, size);
	if (blocks[b].on_write)
		blocks[b].on_write(blocks[b].ctx, pa - blocks[b].base, v, size);
}

void hw_write32(u64 pa, u32 v)
{
	mmio_store(pa, v, 4);
}

void hw_write64(u64 pa, u64 v)
{
	mmio_store(pa, v, 8);
}

void hw_wmb(void)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

void hw_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void hw_clflush(const void *p)
{
	clflushes++;
}

/* Host time: a counter that advances on every look, so waits end. */
static u64 fake_now;

u64 hw_deadline_after_us(u64 us)
{
	return fake_now + us;
}

bool hw_deadline_passed(u64 deadline)
{
	return ++fake_now >= deadline;
}

void hw_relax(void)
{
}
