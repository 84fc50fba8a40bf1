/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What efi_main hands the kernel once boot services are gone.
 */
#ifndef VTDTEST_BOOT_H
#define VTDTEST_BOOT_H

#include "lib/cfg.h"
#include "lib/types.h"

#define BOOT_CFG_MAX		4096
#define BOOT_ERR_MAX		160

/* UEFI 2.10 7.2: EFI_MEMORY_DESCRIPTOR, read with the firmware's stride. */
struct efi_mem_desc {
	u32 type;
	u32 pad;
	u64 phys_start;
	u64 virt_start;
	u64 nr_pages;
	u64 attribute;
};

/* UEFI memory types that stay reserved after ExitBootServices. */
#define EFI_RESERVED_MEMORY_TYPE	0
#define EFI_LOADER_DATA			2
#define EFI_RUNTIME_SERVICES_CODE	5
#define EFI_RUNTIME_SERVICES_DATA	6
#define EFI_CONVENTIONAL_MEMORY		7
#define EFI_UNUSABLE_MEMORY		8
#define EFI_ACPI_RECLAIM_MEMORY		9
#define EFI_ACPI_MEMORY_NVS		10
#define EFI_MEMORY_MAPPED_IO		11
#define EFI_MEMORY_MAPPED_IO_PORT	12

/*
 * The UEFI GOP framebuffer as efi_main found it (UEFI 2.10 12.9). Only the
 * two 32-bit formats with 8-bit channels are drawn on: PixelBitMask puts
 * the channels wherever its masks say, and PixelBltOnly has no linear
 * framebuffer at all, only Blt(), a boot service.
 */
enum boot_fb_format {
	BOOT_FB_NONE,			/* no GOP */
	BOOT_FB_RGBX,			/* PixelRedGreenBlueReserved8BitPerColor */
	BOOT_FB_BGRX,			/* PixelBlueGreenRedReserved8BitPerColor */
	BOOT_FB_BITMASK,		/* PixelBitMask: not drawn on */
	BOOT_FB_BLT_ONLY,		/* PixelBltOnly: not drawn on */
};

struct boot_fb {
	enum boot_fb_format format;
	u64 base;
	u64 size;			/* bytes */
	u32 width;			/* pixels */
	u32 height;
	u32 stride;			/* pixels per scan line */
};

struct boot_info {
	u64 rsdp;			/* ACPI 2.0 RSDP, 0 when absent */
	u64 pool_base;			/* page pool reserved before EBS */
	u64 pool_pages;
	const u8 *mmap;			/* memory map at ExitBootServices */
	u64 mmap_size;
	u64 mmap_desc_size;
	u64 image_base;
	u32 ebs_attempts;
	struct boot_fb fb;
	bool cfg_found;
	char cfg[BOOT_CFG_MAX + 1];	/* vtdtest.cfg, NUL terminated */
	struct cfg config;		/* parsed from cfg */
	char error[BOOT_ERR_MAX];	/* first problem met before EBS */
};

/* The minimal kernel's entry, on its own stack, boot services gone. */
void kernel_main(struct boot_info *bi) __noreturn;

/* entry.asm: calls fn(arg) on the stack ending at stack_top. */
void boot_switch_stack(u64 stack_top, void (*fn)(struct boot_info *),
		       struct boot_info *arg) __noreturn;

#endif /* VTDTEST_BOOT_H */
