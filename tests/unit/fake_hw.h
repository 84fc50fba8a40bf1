/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host stand-in for lib/hw.h: a "physical" arena of pages the driver
 * allocates from and the walker reads, and register blocks that behave as
 * plain memory unless a test hooks their writes.
 */
#ifndef VTDTEST_UNIT_FAKE_HW_H
#define VTDTEST_UNIT_FAKE_HW_H

#include "lib/hw.h"

/* The arena's first physical address: 1 GiB aligned, above 4 GiB. */
#define FAKE_PHYS_BASE		0x140000000ULL
#define FAKE_ARENA_PAGES	8192	/* 32 MiB */

/* Frees every page and forgets every register block. */
void fake_hw_reset(void);
u64 fake_hw_pages_in_use(void);
u64 fake_hw_clflush_count(void);

typedef void (*fake_mmio_write_t)(void *ctx, u32 off, u64 v, unsigned int size);

/*
 * Registers @size bytes of registers at @base, initially zero; reads return
 * what was last stored. @on_write, when given, runs after each store.
 */
u8 *fake_hw_mmio(u64 base, u32 size, fake_mmio_write_t on_write, void *ctx);

#endif /* VTDTEST_UNIT_FAKE_HW_H */
