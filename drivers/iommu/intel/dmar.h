/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI DMAR table (Intel VT-d specification, chapter 8 "BIOS
 * Considerations"): decoding, device scope resolution and the sanity checks
 * vtdtest reports as the KTAP suite "dmar".
 *
 * dmar_parse() decodes a table into a struct dmar_table without allocating
 * and without trusting any length in it; every structural problem is
 * recorded in the table rather than stopping the parse. dmar_resolve() then
 * walks each device scope's path through the PCI bridges of the platform.
 * The checks in dmar_checks[] read only the decoded table and the platform
 * callbacks of struct dmar_env, so the same code runs in the firmware, in the
 * host unit tests and under libFuzzer.
 */
#ifndef VTDTEST_DMAR_H
#define VTDTEST_DMAR_H

#include "lib/types.h"
#include "lib/ktap.h"

/* 8.1: the DMAR header is the 36-byte ACPI header plus 12 bytes. */
#define DMAR_HEADER_LEN			48
#define DMAR_OFF_WIDTH			36	/* Host Address Width - 1 */
#define DMAR_OFF_FLAGS			37
#define DMAR_OFF_RESERVED		38	/* 10 bytes */
#define DMAR_RESERVED_LEN		10

/* 8.1 DMAR flags */
#define DMAR_FLAGS_INTR_REMAP		BIT(0)
#define DMAR_FLAGS_X2APIC_OPT_OUT	BIT(1)
#define DMAR_FLAGS_DMA_CTRL_OPT_IN	BIT(2)	/* DMA_CTRL_PLATFORM_OPT_IN */
#define DMAR_FLAGS_RESERVED		0xf8

/* 8.2 remapping structure types */
enum dmar_type {
	DMAR_TYPE_DRHD = 0,
	DMAR_TYPE_RMRR = 1,
	DMAR_TYPE_ATSR = 2,
	DMAR_TYPE_RHSA = 3,
	DMAR_TYPE_ANDD = 4,
	DMAR_TYPE_SATC = 5,
	DMAR_TYPE_SIDP = 6,
	DMAR_NR_TYPES = 7,		/* 7 and above are reserved */
};

/* Every remapping structure starts with Type (u16) and Length (u16). */
#define DMAR_STRUCT_HDR_LEN		4

/* Length of each type's fixed part; device scopes follow it. */
#define DMAR_DRHD_LEN			16	/* 8.3 */
#define DMAR_RMRR_LEN			24	/* 8.4 */
#define DMAR_ATSR_LEN			8	/* 8.5 */
#define DMAR_RHSA_LEN			20	/* 8.6 */
#define DMAR_ANDD_LEN			8	/* 8.7, the name follows */
#define DMAR_SATC_LEN			8	/* 8.8 */
#define DMAR_SIDP_LEN			8	/* 8.9 */

/* 8.3 DRHD flags and size */
#define DMAR_DRHD_INCLUDE_PCI_ALL	BIT(0)
#define DMAR_DRHD_SIZE_MASK		0x0f	/* register set is 2^N 4 KiB pages */
/* 8.5 ATSR flags */
#define DMAR_ATSR_ALL_PORTS		BIT(0)
/* 8.8 SATC flags */
#define DMAR_SATC_ATC_REQUIRED		BIT(0)

/* 8.3.1 device scope entry: 6 bytes then (device, function) pairs */
#define DMAR_SCOPE_HDR_LEN		6
#define DMAR_SCOPE_MIN_LEN		8	/* at least one path element */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,	/* PCI endpoint device */
	DMAR_SCOPE_BRIDGE = 2,		/* PCI sub-hierarchy */
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,		/* MSI-capable HPET */
	DMAR_SCOPE_NAMESPACE = 5,	/* ACPI namespace device (ANDD) */
};

/* Remapping unit registers read by the checks (VT-d 11.4). */
#define DMAR_REG_VER			0x00
#define DMAR_REG_CAP			0x08
#define DMAR_REG_ECAP			0x10

/*
 * Fixed maximums: the parser does not allocate. Anything beyond a maximum
 * is counted in dmar_table.dropped[] and reported by the "parser_limits"
 * check.
 */
#define DMAR_MAX_DRHD			64
#define DMAR_MAX_RMRR			64
#define DMAR_MAX_ATSR			16
#define DMAR_MAX_RHSA			64
#define DMAR_MAX_ANDD			16
#define DMAR_MAX_SATC			16
#define DMAR_MAX_SIDP			16
#define DMAR_MAX_SCOPES			256
#define DMAR_MAX_PATH			8	/* path elements kept per scope */
#define DMAR_MAX_STRUCTS		512
#define DMAR_MAX_PROBLEMS		32
#define DMAR_PROBLEM_LEN		160
#define DMAR_ANDD_NAME_MAX		64

/* Indexes of dmar_table.dropped[]: the DMAR_TYPE_* values, then these. */
enum dmar_limit {
	DMAR_LIMIT_SCOPE = DMAR_NR_TYPES,
	DMAR_LIMIT_STRUCT,
	DMAR_LIMIT_PATH,
	DMAR_LIMIT_PROBLEM,
	DMAR_NR_LIMITS,
};

/* Where a recorded problem is reported. */
enum dmar_problem_kind {
	DMAR_PROB_HEADER,	/* "table_header" */
	DMAR_PROB_LENGTH,	/* "structure_lengths" */
};

struct dmar_problem {
	u8 kind;
	u32 offset;		/* of the offending bytes in the table */
	char msg[DMAR_PROBLEM_LEN];
};

/* Outcome of dmar_resolve() for one device scope. */
enum dmar_scope_status {
	DMAR_SCOPE_UNRESOLVED = 0,	/* dmar_resolve() has not run */
	DMAR_SCOPE_OK,			/* walked; present (PCI types) */
	DMAR_SCOPE_ABSENT,		/* walked; final function reads ~0 */
	DMAR_SCOPE_BRIDGE_ABSENT,	/* path element fail_elem reads ~0 */
	DMAR_SCOPE_NOT_BRIDGE,		/* path element fail_elem is not type 1 */
	DMAR_SCOPE_BAD_PATH,		/* device > 31, function > 7, too long */
};

struct dmar_scope {
	u32 offset;		/* of the scope entry in the table */
	u8 type;		/* enum dmar_scope_type, or a reserved value */
	u8 length;
	u8 flags;		/* byte 2 (VT-d 4.0+: scope flags) */
	u8 enum_id;		/* IOAPIC/HPET id, ANDD device number */
	u8 start_bus;
	u8 owner_type;		/* enum dmar_type of the enclosing structure */
	u16 owner;		/* index in that type's array */
	u16 segment;		/* the enclosing structure's segment */
	u8 path_len;		/* elements in the table (may exceed the kept) */
	u8 path[DMAR_MAX_PATH][2];	/* (device, function) as in the table */
	/* bus of each kept path element, filled by dmar_resolve() */
	u8 elem_bus[DMAR_MAX_PATH];
	/* Filled by dmar_resolve(); bus/devfn also by dmar_parse() (1 element) */
	u8 status;		/* enum dmar_scope_status */
	bool located;		/* bus/devfn name the final function */
	u8 bus, devfn;
	u8 fail_elem;		/* path element the walk stopped at */
	u8 hdr_type;		/* final function's header type (bits 6:0) */
	bool range_valid;	/* bridge scope: sec_bus..sub_bus read */
	u8 sec_bus, sub_bus;
};

struct dmar_drhd {
	u32 offset;
	u16 length;
	u8 flags;
	u8 size;		/* raw Size byte; bits 3:0 = log2(4 KiB pages) */
	u16 segment;
	u64 base;
	u16 scope_first, nr_scopes;
};

struct dmar_rmrr {
	u32 offset;
	u16 length;
	u16 segment;
	u64 base;
	u64 end;		/* "limit": last byte of the region */
	u16 scope_first, nr_scopes;
};

struct dmar_atsr {
	u32 offset;
	u16 length;
	u8 flags;
	u16 segment;
	u16 scope_first, nr_scopes;
};

struct dmar_rhsa {
	u32 offset;
	u16 length;
	u64 base;
	u32 proximity;
};

struct dmar_andd {
	u32 offset;
	u16 length;
	u8 number;		/* ACPI device number */
	u16 name_bytes;		/* length - 8: bytes the name field spans */
	bool nul_terminated;	/* a NUL lies within name_bytes */
	char name[DMAR_ANDD_NAME_MAX];	/* NUL-terminated copy, may be cut */
};

struct dmar_satc {
	u32 offset;
	u16 length;
	u8 flags;
	u16 segment;
	u16 scope_first, nr_scopes;
};

struct dmar_sidp {
	u32 offset;
	u16 length;
	u16 reserved;
	u16 segment;
	u16 scope_first, nr_scopes;
};

/* Every structure walked, in table order (the known and the unknown). */
struct dmar_struct {
	u32 offset;
	u16 type;
	u16 length;
	u16 index;		/* in its type's array; 0xffff when not kept */
};

struct dmar_table {
	bool header_ok;		/* dmar_parse() returned 0 */
	size_t avail;		/* bytes the caller gave */
	u32 parsed_len;		/* min(avail, length): bytes ever read */

	/* ACPI header (ACPI 6.5 5.2.6) */
	char signature[5];
	u32 length;
	u8 revision;
	u8 checksum;
	u8 sum;			/* of the parsed bytes; 0 when correct */
	char oem_id[7];
	char oem_table_id[9];
	u32 oem_revision;

	/* 8.1 */
	u8 width_field;		/* raw; host address width is this + 1 */
	unsigned int haw;
	u8 flags;
	bool reserved_nonzero;

	struct dmar_drhd drhd[DMAR_MAX_DRHD];
	struct dmar_rmrr rmrr[DMAR_MAX_RMRR];
	struct dmar_atsr atsr[DMAR_MAX_ATSR];
	struct dmar_rhsa rhsa[DMAR_MAX_RHSA];
	struct dmar_andd andd[DMAR_MAX_ANDD];
	struct dmar_satc satc[DMAR_MAX_SATC];
	struct dmar_sidp sidp[DMAR_MAX_SIDP];
	struct dmar_scope scopes[DMAR_MAX_SCOPES];
	struct dmar_struct structs[DMAR_MAX_STRUCTS];
	unsigned int nr_drhd, nr_rmrr, nr_atsr, nr_rhsa, nr_andd, nr_satc;
	unsigned int nr_sidp, nr_scopes, nr_structs;
	unsigned int nr_unknown;	/* structures of a reserved type */

	struct dmar_problem problems[DMAR_MAX_PROBLEMS];
	unsigned int nr_problems;

	/* Items beyond a maximum, indexed by enum dmar_type / dmar_limit. */
	unsigned int dropped[DMAR_NR_LIMITS];
};

struct dmar_env {		/* what the parser needs from the platform */
	void *ctx;
	/* PCI config dword; all ones when the function does not exist */
	u32 (*pci_read32)(void *ctx, u16 seg, u8 bus, u8 devfn, u16 reg);
	/*
	 * true when [base, end] lies wholly in memory the UEFI memory map
	 * marks reserved (NULL: check skipped with a reason)
	 */
	bool (*mem_is_reserved)(void *ctx, u64 base, u64 end);
	/* 64-bit read of a remapping unit register at phys (NULL: not checked) */
	u64 (*reg_read64)(void *ctx, u64 phys);
};

/*
 * Fills @t from the @len bytes at @buf; records every structural problem in
 * @t rather than failing. Returns 0 when the header is usable, -1 when not
 * even the header can be trusted (fewer than 48 bytes, or a header length
 * below 48). Never reads past min(len, header length).
 */
int dmar_parse(const void *buf, size_t len, struct dmar_table *t);

/*
 * Resolves every device scope through bridges: start at the scope's bus;
 * each non-final path element's secondary bus number (config 0x19) gives the
 * next bus. Records whether the device exists, its final bus/devfn and, for
 * bridge scopes, the secondary..subordinate bus range.
 */
void dmar_resolve(struct dmar_table *t, const struct dmar_env *env);

struct dmar_check {
	const char *name;	/* stable lowercase KTAP case name */
	void (*run)(struct ktap_case *c, const struct dmar_table *t,
		    const struct dmar_env *env);
};

extern const struct dmar_check dmar_checks[];
extern const unsigned int dmar_nr_checks;

/*
 * Index of the DRHD that remaps (seg, bus, devfn): explicit scope (endpoint
 * equal, or bus inside a bridge scope's range) first, else the
 * INCLUDE_PCI_ALL unit of that segment; -1 when none.
 */
int dmar_unit_for_device(const struct dmar_table *t, u16 seg, u8 bus,
			 u8 devfn);

/* One ktap_diag line per structure and per device scope. */
void dmar_print(const struct dmar_table *t);

/* "DRHD", "RMRR", ... or "reserved" for reserved types. */
const char *dmar_type_name(unsigned int type);
/* "endpoint", "bridge", "IOAPIC", "HPET", "ACPI", or "reserved". */
const char *dmar_scope_type_name(unsigned int type);

#endif /* VTDTEST_DMAR_H */
