/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI table layouts (ACPI 6.5, section 5.2) used by the firmware and by the
 * host unit tests.
 */
#ifndef VTDTEST_ACPI_H
#define VTDTEST_ACPI_H

#include "lib/types.h"

/* ACPI 6.5 5.2.6: the header every system description table starts with. */
struct acpi_table_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	char creator_id[4];
	u32 creator_revision;
} __packed;

#define ACPI_HEADER_LEN		36

/* ACPI 6.5 5.2.5.3: RSDP, revision 2 and later. */
struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	u8 checksum;			/* over the first 20 bytes */
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;		/* over the whole structure */
	u8 reserved[3];
} __packed;

/* ACPI 6.5 5.2.3.2: Generic Address Structure. */
struct acpi_gas {
	u8 space_id;
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;
} __packed;

#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1

/* A table's bytes sum to zero modulo 256 (ACPI 6.5 5.2.6). */
static inline bool acpi_checksum_ok(const void *buf, size_t len)
{
	const u8 *p = buf;
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

#endif /* VTDTEST_ACPI_H */
