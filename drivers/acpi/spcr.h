/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ACPI SPCR table (Microsoft "Serial Port Console Redirection Table",
 * revisions 1 to 4): the console the platform firmware redirects to.
 * Portable: the host unit tests run it on iasl-built tables.
 */
#ifndef VTDTEST_ACPI_SPCR_H
#define VTDTEST_ACPI_SPCR_H

#include "drivers/serial.h"

#define SPCR_WHY_LEN		120

enum spcr_status {
	SPCR_USABLE,		/* a 16550 that serial_init() can drive */
	SPCR_UNSUPPORTED,	/* a valid table naming another console */
	SPCR_MALFORMED,		/* a field holds a value the spec forbids */
};

struct spcr_info {
	u8 revision;
	u8 interface_type;
	struct serial_port port;	/* set when SPCR_USABLE */
	char why[SPCR_WHY_LEN];		/* set otherwise */
};

/*
 * Decodes the SPCR table in @table's first @len bytes (its checksum is
 * the caller's to check).
 */
enum spcr_status spcr_parse(const void *table, size_t len,
			    struct spcr_info *info);

#endif /* VTDTEST_ACPI_SPCR_H */
