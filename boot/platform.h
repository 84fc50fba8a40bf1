/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_PLATFORM_H
#define VTDTEST_BOOT_PLATFORM_H

#include "lib/cfg.h"
#include "lib/types.h"

/*
 * The run's outcome. Under QEMU it is written to isa-debug-exit, which makes
 * QEMU exit with (code << 1) | 1: 1 passed, 3 failed, 5 crashed.
 */
enum exit_code {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_CRASH = 2,
};

#define ISA_DEBUG_EXIT_PORT	0xf4

/* Records what the exit path needs; call once the ACPI tables are known. */
void platform_init(const struct cfg *cfg, u64 image_base);
/* CPUID hypervisor bit, then the fw_cfg signature "QEMU". */
bool platform_is_qemu(void);
u64 platform_image_base(void);
void platform_exit(enum exit_code code) __noreturn;

#endif /* VTDTEST_BOOT_PLATFORM_H */
