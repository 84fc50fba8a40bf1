/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firmware's view of the ACPI tables: RSDP and XSDT validated with their
 * checksums, and what the kernel needs from FADT, MCFG and HPET.
 */
#ifndef VTDTEST_ACPI_TABLES_H
#define VTDTEST_ACPI_TABLES_H

#include "drivers/acpi/acpi.h"
#include "lib/ktap.h"

#define ACPI_MAX_TABLES		64
#define ACPI_MAX_MCFG		8

struct acpi_fadt_info {
	bool reset_supported;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 pm1a_cnt;
	u16 pm1b_cnt;
	bool s5_valid;			/* \_S5 found in the DSDT */
	u8 s5_typ_a;
	u8 s5_typ_b;
	u16 pm_tmr_port;		/* 0: no PM timer */
	bool pm_tmr_32bit;
};

struct acpi_mcfg_alloc {
	u64 base;
	u16 segment;
	u8 start_bus;
	u8 end_bus;
};

/* Walks RSDP and XSDT; problems are kept for acpi_check_*(). */
void acpi_init(u64 rsdp_phys);

/* The @instance'th table with @sig whose checksum is good, or NULL. */
const struct acpi_table_header *acpi_find(const char *sig,
					  unsigned int instance);
const struct acpi_fadt_info *acpi_fadt(void);
unsigned int acpi_mcfg(const struct acpi_mcfg_alloc **allocs);
/* HPET register base from the HPET table, 0 when absent. */
u64 acpi_hpet_base(void);

/* The acpi suite's cases. */
void acpi_check_rsdp(struct ktap_case *c);
void acpi_check_xsdt(struct ktap_case *c);
void acpi_check_fadt(struct ktap_case *c);
void acpi_check_mcfg(struct ktap_case *c);

#endif /* VTDTEST_ACPI_TABLES_H */
