/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_MEMMAP_H
#define VTDTEST_BOOT_MEMMAP_H

#include "boot/boot.h"

void memmap_init(const struct boot_info *bi);
bool memmap_available(void);
/*
 * Whether [base, end] lies wholly in ranges that stay reserved for the
 * platform (the UEFI types Linux turns into E820 reserved).
 */
bool memmap_is_reserved(u64 base, u64 end);
/* Prints the map as diagnostics. */
void memmap_print(void);

#endif /* VTDTEST_BOOT_MEMMAP_H */
