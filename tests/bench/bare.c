// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline for make bench: a GNU-EFI application that prints one line
 * and leaves QEMU through isa-debug-exit, booted exactly as vtdtest is.
 * Its boot time is what the platform costs; the rest is vtdtest's own.
 */
#include <efi.h>

#include "boot/platform.h"
#include "lib/io.h"

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	st->ConOut->OutputString(st->ConOut, L"bare: hello\r\n");
	outb(ISA_DEBUG_EXIT_PORT, EXIT_PASS);
	return EFI_SUCCESS;
}
