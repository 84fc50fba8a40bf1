// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI table discovery (ACPI 6.5 chapter 5.2). Nothing read from a table is
 * trusted: every length is bounded and every checksum checked, and each
 * problem is kept so the acpi suite can name it.
 */
#include "drivers/acpi/tables.h"
#include "lib/printf.h"

#define ACPI_TABLE_MAX_LEN	(16U << 20)	/* sanity bound on any table */
#define ACPI_PROBLEM_LEN	160

/* ACPI 6.5 5.2.9 Table 5.9: FADT field offsets. */
#define FADT_DSDT		40
#define FADT_PM1A_CNT_BLK	64
#define FADT_PM1B_CNT_BLK	68
#define FADT_PM_TMR_BLK		76
#define FADT_PM_TMR_LEN		91
#define FADT_FLAGS		112
#define FADT_RESET_REG		116
#define FADT_RESET_VALUE	128
#define FADT_X_DSDT		140
#define FADT_X_PM_TMR_BLK	208
#define FADT_FLAG_TMR_VAL_EXT	BIT(8)
#define FADT_FLAG_RESET_REG_SUP	BIT(10)
#define FADT_FLAG_HW_REDUCED	BIT(20)

/* PCI Firmware 3.3 4.1.2: MCFG allocations follow 8 reserved bytes. */
#define MCFG_ALLOC_OFFSET	44
#define MCFG_ALLOC_LEN		16

/* ACPI 6.5 20.2.5.4 and 20.2.3: AML opcodes met in a \_S5 package. */
#define AML_PACKAGE_OP		0x12
#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_BYTE_PREFIX		0x0a

static struct {
	const struct acpi_rsdp *rsdp;
	const struct acpi_table_header *xsdt;
	const struct acpi_table_header *tables[ACPI_MAX_TABLES];
	unsigned int nr_tables;
	unsigned int nr_bad_checksum;
	struct acpi_fadt_info fadt;
	bool fadt_found;
	struct acpi_mcfg_alloc mcfg[ACPI_MAX_MCFG];
	unsigned int nr_mcfg;
	u64 hpet_base;
	char rsdp_problem[ACPI_PROBLEM_LEN];
	char xsdt_problem[ACPI_PROBLEM_LEN];
	char fadt_problem[ACPI_PROBLEM_LEN];
	char mcfg_problem[ACPI_PROBLEM_LEN];
} acpi;

static const void *phys(u64 addr)
{
	return (const void *)(uintptr_t)addr;
}

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

static bool sig_eq(const char *a, const char *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static __printf(2, 3) void problem(char *slot, const char *fmt, ...)
{
	va_list ap;

	if (slot[0])
		return;
	va_start(ap, fmt);
	kvsnprintf(slot, ACPI_PROBLEM_LEN, fmt, ap);
	va_end(ap);
}

/* ACPI 6.5 5.2.5.3: both checksums, revision 2 or later for the XSDT. */
static bool rsdp_valid(const struct acpi_rsdp *r)
{
	if (__builtin_memcmp(r->signature, "RSD PTR ", 8)) {
		problem(acpi.rsdp_problem, "RSDP signature is not 'RSD PTR '");
		return false;
	}
	if (!acpi_checksum_ok(r, 20)) {
		problem(acpi.rsdp_problem, "RSDP checksum over 20 bytes is bad");
		return false;
	}
	if (r->revision < 2) {
		problem(acpi.rsdp_problem,
			"RSDP revision %u has no XSDT (ACPI 1.0)", r->revision);
		return false;
	}
	if (r->length < sizeof(*r) || r->length > 4096 ||
	    !acpi_checksum_ok(r, r->length)) {
		problem(acpi.rsdp_problem,
			"RSDP extended checksum over %u bytes is bad", r->length);
		return false;
	}
	return true;
}

static const struct acpi_table_header *table_at(u64 addr, char *slot)
{
	const struct acpi_table_header *h = phys(addr);

	if (!addr) {
		problem(slot, "null table pointer");
		return NULL;
	}
	if (h->length < ACPI_HEADER_LEN || h->length > ACPI_TABLE_MAX_LEN) {
		problem(slot, "table at 0x%llx has length %u",
			(unsigned long long)addr, h->length);
		return NULL;
	}
	return h;
}

static void parse_dsdt_s5(const struct acpi_table_header *dsdt)
{
	const u8 *p = (const u8 *)dsdt, *end = p + dsdt->length;
	struct acpi_fadt_info *f = &acpi.fadt;

	for (p += ACPI_HEADER_LEN; p + 8 < end; p++) {
		u8 vals[2];
		const u8 *q;

		if (!sig_eq((const char *)p, "_S5_") || p[4] != AML_PACKAGE_OP)
			continue;
		/* PkgLength: the top two bits of the lead byte count extras. */
		q = p + 5 + 1 + (p[5] >> 6);
		q++;					/* NumElements */
		for (unsigned int i = 0; i < 2; i++) {
			if (q >= end)
				return;
			if (*q == AML_BYTE_PREFIX && q + 1 < end) {
				vals[i] = q[1];
				q += 2;
			} else if (*q == AML_ZERO_OP || *q == AML_ONE_OP) {
				vals[i] = *q++;
			} else {
				return;
			}
		}
		f->s5_typ_a = vals[0] & 7;
		f->s5_typ_b = vals[1] & 7;
		f->s5_valid = true;
		return;
	}
}

static void parse_fadt(const struct acpi_table_header *h)
{
	const u8 *b = (const u8 *)h;
	struct acpi_fadt_info *f = &acpi.fadt;
	u32 flags = h->length >= FADT_FLAGS + 4 ? get32(b + FADT_FLAGS) : 0;
	u64 dsdt = 0;

	acpi.fadt_found = true;
	if (h->length < FADT_PM_TMR_LEN + 1) {
		problem(acpi.fadt_problem, "FADT length %u is too short",
			h->length);
		return;
	}
	f->pm1a_cnt = get32(b + FADT_PM1A_CNT_BLK);
	f->pm1b_cnt = get32(b + FADT_PM1B_CNT_BLK);
	if (b[FADT_PM_TMR_LEN] == 4 && !(flags & FADT_FLAG_HW_REDUCED)) {
		f->pm_tmr_port = get32(b + FADT_PM_TMR_BLK);
		f->pm_tmr_32bit = flags & FADT_FLAG_TMR_VAL_EXT;
	}
	if (h->length >= FADT_RESET_VALUE + 1 &&
	    (flags & FADT_FLAG_RESET_REG_SUP)) {
		__builtin_memcpy(&f->reset_reg, b + FADT_RESET_REG,
				 sizeof(f->reset_reg));
		f->reset_value = b[FADT_RESET_VALUE];
		f->reset_supported = true;
	}
	if (h->length >= FADT_X_DSDT + 8)
		dsdt = get64(b + FADT_X_DSDT);
	if (!dsdt)
		dsdt = get32(b + FADT_DSDT);
	h = table_at(dsdt, acpi.fadt_problem);
	if (h && sig_eq(h->signature, "DSDT") &&
	    acpi_checksum_ok(h, h->length))
		parse_dsdt_s5(h);
	else
		problem(acpi.fadt_problem, "DSDT at 0x%llx is not valid",
			(unsigned long long)dsdt);
}

static void parse_mcfg(const struct acpi_table_header *h)
{
	const u8 *b = (const u8 *)h;

	for (u32 off = MCFG_ALLOC_OFFSET; off + MCFG_ALLOC_LEN <= h->length;
	     off += MCFG_ALLOC_LEN) {
		struct acpi_mcfg_alloc *a = &acpi.mcfg[acpi.nr_mcfg];

		if (acpi.nr_mcfg == ACPI_MAX_MCFG) {
			problem(acpi.mcfg_problem,
				"more than %u MCFG allocations", ACPI_MAX_MCFG);
			return;
		}
		a->base = get64(b + off);
		a->segment = b[off + 8] | b[off + 9] << 8;
		a->start_bus = b[off + 10];
		a->end_bus = b[off + 11];
		if (!a->base || a->end_bus < a->start_bus) {
			problem(acpi.mcfg_problem,
				"MCFG allocation %u: base 0x%llx buses %u-%u",
				acpi.nr_mcfg, (unsigned long long)a->base,
				a->start_bus, a->end_bus);
			continue;
		}
		acpi.nr_mcfg++;
	}
}

static void parse_hpet(const struct acpi_table_header *h)
{
	const u8 *b = (const u8 *)h;

	/* IA-PC HPET 1.0a 3.2.4: the GAS of the base address is at 40. */
	if (h->length >= 56 && b[40] == ACPI_GAS_MEMORY)
		acpi.hpet_base = get64(b + 44);
}

static void add_table(u64 addr)
{
	const struct acpi_table_header *h = table_at(addr, acpi.xsdt_problem);

	if (!h)
		return;
	if (!acpi_checksum_ok(h, h->length)) {
		acpi.nr_bad_checksum++;
		problem(acpi.xsdt_problem,
			"table %.4s at 0x%llx has a bad checksum",
			h->signature, (unsigned long long)addr);
		return;
	}
	if (acpi.nr_tables == ACPI_MAX_TABLES) {
		problem(acpi.xsdt_problem, "more than %u tables",
			ACPI_MAX_TABLES);
		return;
	}
	acpi.tables[acpi.nr_tables++] = h;
	if (sig_eq(h->signature, "FACP") && !acpi.fadt_found)
		parse_fadt(h);
	else if (sig_eq(h->signature, "MCFG") && !acpi.nr_mcfg)
		parse_mcfg(h);
	else if (sig_eq(h->signature, "HPET") && !acpi.hpet_base)
		parse_hpet(h);
}

void acpi_init(u64 rsdp_phys)
{
	const struct acpi_table_header *x;
	const u8 *entries;
	u32 n;

	if (!rsdp_phys) {
		problem(acpi.rsdp_problem,
			"UEFI configuration table has no ACPI 2.0 RSDP");
		return;
	}
	acpi.rsdp = phys(rsdp_phys);
	if (!rsdp_valid(acpi.rsdp))
		return;
	x = table_at(acpi.rsdp->xsdt_address, acpi.xsdt_problem);
	if (!x)
		return;
	if (!sig_eq(x->signature, "XSDT") || !acpi_checksum_ok(x, x->length)) {
		problem(acpi.xsdt_problem, "XSDT at 0x%llx: bad %s",
			(unsigned long long)acpi.rsdp->xsdt_address,
			sig_eq(x->signature, "XSDT") ? "checksum" : "signature");
		return;
	}
	acpi.xsdt = x;
	entries = (const u8 *)x + ACPI_HEADER_LEN;
	n = (x->length - ACPI_HEADER_LEN) / 8;
	for (u32 i = 0; i < n; i++)
		add_table(get64(entries + 8 * i));
}

const struct acpi_table_header *acpi_find(const char *sig,
					  unsigned int instance)
{
	for (unsigned int i = 0; i < acpi.nr_tables; i++)
		if (sig_eq(acpi.tables[i]->signature, sig) && !instance--)
			return acpi.tables[i];
	return NULL;
}

const struct acpi_fadt_info *acpi_fadt(void)
{
	return acpi.fadt_found ? &acpi.fadt : NULL;
}

unsigned int acpi_mcfg(const struct acpi_mcfg_alloc **allocs)
{
	*allocs = acpi.mcfg;
	return acpi.nr_mcfg;
}

u64 acpi_hpet_base(void)
{
	return acpi.hpet_base;
}

void acpi_check_rsdp(struct ktap_case *c)
{
	if (acpi.rsdp_problem[0]) {
		ktap_fail(c, "%s", acpi.rsdp_problem);
		return;
	}
	ktap_diag("RSDP at %p revision %u OEM '%.6s'", (const void *)acpi.rsdp,
		  acpi.rsdp->revision, acpi.rsdp->oem_id);
}

void acpi_check_xsdt(struct ktap_case *c)
{
	if (!acpi.xsdt) {
		ktap_fail(c, "no usable XSDT%s%s", acpi.xsdt_problem[0] ? ": " : "",
			  acpi.xsdt_problem);
		return;
	}
	for (unsigned int i = 0; i < acpi.nr_tables; i++)
		ktap_diag("%.4s at %p length %u", acpi.tables[i]->signature,
			  (const void *)acpi.tables[i], acpi.tables[i]->length);
	if (acpi.xsdt_problem[0])
		ktap_fail(c, "%s", acpi.xsdt_problem);
}

void acpi_check_fadt(struct ktap_case *c)
{
	const struct acpi_fadt_info *f = &acpi.fadt;

	if (!acpi.fadt_found) {
		ktap_fail(c, "no FADT (FACP) table");
		return;
	}
	ktap_diag("PM timer port 0x%x (%u-bit), reset %s, S5 %s", f->pm_tmr_port,
		  f->pm_tmr_32bit ? 32 : 24,
		  f->reset_supported ? "supported" : "absent",
		  f->s5_valid ? "found" : "not found");
	if (acpi.fadt_problem[0])
		ktap_fail(c, "%s", acpi.fadt_problem);
}

void acpi_check_mcfg(struct ktap_case *c)
{
	for (unsigned int i = 0; i < acpi.nr_mcfg; i++)
		ktap_diag("ECAM segment %u buses %u-%u at 0x%llx",
			  acpi.mcfg[i].segment, acpi.mcfg[i].start_bus,
			  acpi.mcfg[i].end_bus,
			  (unsigned long long)acpi.mcfg[i].base);
	if (acpi.mcfg_problem[0])
		ktap_fail(c, "%s", acpi.mcfg_problem);
	else if (!acpi.nr_mcfg)
		ktap_fail(c, "no MCFG table: PCI Express configuration space is unreachable");
}
