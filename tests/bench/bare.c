// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline for make bench: a GNU-EFI application that prints an empty
 * KTAP document and leaves QEMU through isa-debug-exit. make bench boots
 * it plainly, as anyone would boot an EFI application, and through
 * run-qemu.sh --image, exactly as vtdtest's default configuration boots.
 * Its boot time is what the platform costs; the rest is vtdtest's own.
 */
#include <efi.h>

#include "boot/platform.h"
#include "lib/io.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	st->ConOut->OutputString(st->ConOut,
		L"KTAP version 1\r\n1..0\r\n# bare: a GNU-EFI application, nothing else\r\n"
		L"vtdtest: 0 passed, 0 failed, 0 skipped\r\n");
	outb(ISA_DEBUG_EXIT_PORT, EXIT_PASS);
	return EFI_SUCCESS;
}
