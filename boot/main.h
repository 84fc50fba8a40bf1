/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VTDTEST_BOOT_MAIN_H
#define VTDTEST_BOOT_MAIN_H

#include "boot/boot.h"

/* What efi_main found, for the boot suite. */
const struct boot_info *boot_info(void);
/* True when the configured serial port was absent and COM1 was used. */
bool boot_serial_fell_back(void);

#endif /* VTDTEST_BOOT_MAIN_H */
