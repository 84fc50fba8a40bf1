// SPDX-License-Identifier: GPL-2.0
/*
 * The UEFI memory map as it was at ExitBootServices (UEFI 2.10, 7.2).
 */
#include "boot/memmap.h"
#include "lib/ktap.h"

#define EFI_PAL_CODE		13
#define EFI_PAGE_SHIFT		12
#define MEMMAP_MAX_PASSES	64	/* bound on merging adjacent ranges */

static const u8 *map;
static u64 map_size, desc_size;

void memmap_init(const struct boot_info *bi)
{
	map = bi->mmap;
	map_size = bi->mmap_size;
	desc_size = bi->mmap_desc_size;
	if (desc_size < sizeof(struct efi_mem_desc))
		map = NULL;
}

bool memmap_available(void)
{
	return map != NULL;
}

static const struct efi_mem_desc *desc(u64 i)
{
	return (const struct efi_mem_desc *)(map + i * desc_size);
}

static bool type_reserved(u32 type)
{
	switch (type) {
	case EFI_RESERVED_MEMORY_TYPE:
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
	case EFI_MEMORY_MAPPED_IO:
	case EFI_MEMORY_MAPPED_IO_PORT:
	case EFI_PAL_CODE:
		return true;
	}
	return false;
}

/* The end (exclusive) of the reserved descriptor holding @addr, or 0. */
static u64 reserved_end_at(u64 addr)
{
	for (u64 i = 0; i < map_size / desc_size; i++) {
		const struct efi_mem_desc *d = desc(i);
		u64 end = d->phys_start + (d->nr_pages << EFI_PAGE_SHIFT);

		if (type_reserved(d->type) && addr >= d->phys_start && addr < end)
			return end;
	}
	return 0;
}

bool memmap_is_reserved(u64 base, u64 end)
{
	u64 addr = base;

	if (!map || end < base)
		return false;
	/* Walk across adjacent reserved descriptors until @end is covered. */
	for (unsigned int pass = 0; pass < MEMMAP_MAX_PASSES; pass++) {
		u64 next = reserved_end_at(addr);

		if (!next)
			return false;
		if (next - 1 >= end)
			return true;
		addr = next;
	}
	return false;
}

void memmap_print(void)
{
	if (!map)
		return;
	for (u64 i = 0; i < map_size / desc_size; i++) {
		const struct efi_mem_desc *d = desc(i);

		ktap_diag("memmap %016llx-%016llx type %u",
			  (unsigned long long)d->phys_start,
			  (unsigned long long)(d->phys_start +
					       (d->nr_pages << EFI_PAGE_SHIFT) - 1),
			  d->type);
	}
}
