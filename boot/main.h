/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_MAIN_H
#define VTDTEST_BOOT_MAIN_H

#include "boot/boot.h"

/* What efi_main found, for the boot suite. */
const struct boot_info *boot_info(void);
/* The console in use and what chose it, for boot.config. */
const char *boot_console(void);
/*
 * Why the console is not the one vtdtest.cfg or the ACPI SPCR table names
 * (COM1 stands in); "" when it is.
 */
const char *boot_console_problem(void);

#endif /* VTDTEST_BOOT_MAIN_H */
